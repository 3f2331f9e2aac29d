"""Coaching use cases: sessions with evidence and actions, the effect check, the
supervisor's coaching queue. Every function checks role and scope; every write is audited.

Roles (issue 8): supervisors coach the agents of their own teams; managers and admins
coach everyone; QA analysts read every session and attach evaluations as evidence; an
agent reads only their own sessions and actions and may mark their own actions done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee
from floorwalker.quality import coaching
from floorwalker.quality import service as qa_service
from floorwalker.quality.coaching_models import CoachingAction, CoachingEvidence, CoachingSession

COACH_ROLES = ("admin", "manager", "supervisor")


# --- scope ---------------------------------------------------------------------------------


def can_coach(actor: Actor, employee: Employee) -> bool:
    """Managers and admins coach everyone; a supervisor the agents of the teams they lead."""
    if actor.role in ("admin", "manager"):
        return True
    return actor.role == "supervisor" and employee.team_id is not None and employee.team_id in actor.team_ids


def can_read(actor: Actor, employee: Employee) -> bool:
    return can_coach(actor, employee) or actor.role == "qa" or actor.employee_id == employee.id


def employee(session: Session, employee_id: int, field: str = "agent_id") -> Employee:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise InvalidInput(f"{field}: employee {employee_id} does not exist", field=field)
    return employee


def _require_coach(actor: Actor, employee: Employee) -> None:
    if not can_coach(actor, employee):
        raise PermissionDenied(f"role {actor.role} cannot coach {employee.full_name} (not in your teams)")


def get_session(session: Session, actor: Actor, session_id: int) -> CoachingSession:
    found = session.get(CoachingSession, session_id)
    if found is None:
        raise NotFound(f"coaching session {session_id} does not exist")
    if not can_read(actor, employee(session, found.agent_id)):
        raise PermissionDenied(f"coaching session {session_id} is outside your scope")
    return found


def _coached_session(session: Session, actor: Actor, session_id: int) -> CoachingSession:
    found = get_session(session, actor, session_id)
    _require_coach(actor, employee(session, found.agent_id))
    return found


def list_sessions(
    session: Session, actor: Actor, *, agent_id: int | None = None, limit: int = 200
) -> Sequence[CoachingSession]:
    """Sessions the actor may see, newest first."""
    stmt = select(CoachingSession)
    if actor.role == "supervisor":
        team_agents = select(Employee.id).where(Employee.team_id.in_(actor.team_ids))
        stmt = stmt.where(
            or_(
                CoachingSession.agent_id.in_(team_agents.scalar_subquery()),
                CoachingSession.agent_id == actor.employee_id,
            )
        )
    elif actor.role == "agent":
        stmt = stmt.where(CoachingSession.agent_id == actor.employee_id)
    if agent_id is not None:
        stmt = stmt.where(CoachingSession.agent_id == agent_id)
    return session.scalars(
        stmt.order_by(CoachingSession.session_date.desc(), CoachingSession.id.desc()).limit(limit)
    ).all()


def coachable_agents(session: Session, actor: Actor) -> Sequence[Employee]:
    """Active agents the actor may coach, by name."""
    stmt = select(Employee).where(Employee.status == "active", Employee.role == "agent")
    if actor.role == "supervisor":
        stmt = stmt.where(Employee.team_id.in_(actor.team_ids))
    elif actor.role not in ("admin", "manager"):
        return []
    return session.scalars(stmt.order_by(Employee.full_name)).all()


# --- sessions --------------------------------------------------------------------------------


def _status(value: str) -> str:
    if value not in coaching.SESSION_STATUSES:
        raise InvalidInput(f"status: one of {', '.join(coaching.SESSION_STATUSES)}", field="status")
    return value


def create_session(
    session: Session,
    actor: Actor,
    *,
    agent_id: int,
    session_date: date,
    topic: str = "",
    notes: str = "",
    status: str = "planned",
    follow_up_of_id: int | None = None,
    evaluation_ids: Sequence[int] = (),
) -> CoachingSession:
    """A coaching session for an agent, optionally following up an earlier session of the
    same agent and with evaluations of that agent as evidence."""
    agent = employee(session, agent_id)
    _require_coach(actor, agent)
    if follow_up_of_id is not None:
        earlier = get_session(session, actor, follow_up_of_id)
        if earlier.agent_id != agent_id:
            raise InvalidInput("follow_up_of_id: that session is another agent's", field="follow_up_of_id")
    row = CoachingSession(
        agent_id=agent_id,
        coach_user_id=actor.user_id,
        coach_name=actor.username,
        session_date=session_date,
        status=_status(status),
        topic=topic.strip()[:200],
        notes=notes,
        follow_up_of_id=follow_up_of_id,
        created_at=clock.utcnow(),
    )
    session.add(row)
    session.flush()
    for evaluation_id in evaluation_ids:
        _add_evaluation(session, actor, row, evaluation_id)
    audit.record(
        session,
        actor,
        "create",
        "coaching_session",
        row.id,
        {
            "agent_id": agent_id,
            "date": session_date,
            "status": row.status,
            "evaluations": list(evaluation_ids),
        },
    )
    session.commit()
    return row


def update_session(
    session: Session, actor: Actor, session_id: int, *, status: str | None = None, notes: str | None = None
) -> CoachingSession:
    row = _coached_session(session, actor, session_id)
    changes: dict[str, Any] = {}
    if status is not None and status != row.status:
        changes["status"] = [row.status, _status(status)]
        row.status = status
    if notes is not None and notes != row.notes:
        changes["notes"] = "changed"
        row.notes = notes
    if changes:
        audit.record(session, actor, "update", "coaching_session", row.id, changes)
    session.commit()
    return row


def follow_ups(session: Session, actor: Actor, session_id: int) -> Sequence[CoachingSession]:
    get_session(session, actor, session_id)
    return session.scalars(
        select(CoachingSession)
        .where(CoachingSession.follow_up_of_id == session_id)
        .order_by(CoachingSession.session_date)
    ).all()


# --- evidence -----------------------------------------------------------------------------------


def _add_evaluation(
    session: Session, actor: Actor, row: CoachingSession, evaluation_id: int
) -> CoachingEvidence:
    evaluation = qa_service.get_evaluation(session, actor, evaluation_id)
    if evaluation.agent_id != row.agent_id:
        raise InvalidInput(
            f"evaluation_id: evaluation {evaluation_id} is of another agent", field="evaluation_id"
        )
    already = session.scalar(
        select(CoachingEvidence.id).where(
            CoachingEvidence.session_id == row.id, CoachingEvidence.evaluation_id == evaluation_id
        )
    )
    if already is not None:
        raise InvalidInput(
            f"evaluation_id: evaluation {evaluation_id} is already attached", field="evaluation_id"
        )
    evidence = CoachingEvidence(
        session_id=row.id,
        kind="evaluation",
        evaluation_id=evaluation_id,
        kpi="qa_score",
        value=evaluation.score,
        n=1,
        added_by=actor.username,
        added_at=clock.utcnow(),
    )
    session.add(evidence)
    session.flush()
    return evidence


def attach_evaluation(
    session: Session, actor: Actor, session_id: int, evaluation_id: int
) -> CoachingEvidence:
    """Attach an evaluation of the session's agent (the coach, or a QA analyst)."""
    row = get_session(session, actor, session_id)
    if actor.role != "qa":
        _require_coach(actor, employee(session, row.agent_id))
    evidence = _add_evaluation(session, actor, row, evaluation_id)
    audit.record(
        session,
        actor,
        "attach",
        "coaching_evidence",
        evidence.id,
        {"session_id": session_id, "evaluation_id": evaluation_id},
    )
    session.commit()
    return evidence


def evidence(session: Session, actor: Actor, session_id: int) -> Sequence[CoachingEvidence]:
    get_session(session, actor, session_id)
    return session.scalars(
        select(CoachingEvidence)
        .where(CoachingEvidence.session_id == session_id)
        .order_by(CoachingEvidence.id)
    ).all()


# --- actions --------------------------------------------------------------------------------------


def add_action(
    session: Session, actor: Actor, session_id: int, *, description: str, owner_id: int, due_date: date | None
) -> CoachingAction:
    """An agreed action owned by the agent or by the coach."""
    row = _coached_session(session, actor, session_id)
    if not description.strip():
        raise InvalidInput("description: say what was agreed", field="description")
    if owner_id not in (row.agent_id, actor.employee_id):
        raise InvalidInput("owner_id: the agent coached or the coach", field="owner_id")
    employee(session, owner_id, "owner_id")
    action = CoachingAction(
        session_id=row.id,
        description=description.strip(),
        owner_id=owner_id,
        due_date=due_date,
        status="open",
        follow_up="",
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "coaching_action",
        action.id,
        {"session_id": session_id, "owner_id": owner_id, "due_date": due_date},
    )
    session.commit()
    return action


def _action(session: Session, actor: Actor, action_id: int) -> tuple[CoachingAction, CoachingSession]:
    action = session.get(CoachingAction, action_id)
    if action is None:
        raise NotFound(f"coaching action {action_id} does not exist")
    return action, get_session(session, actor, action.session_id)


def _may_update_action(session: Session, actor: Actor, action: CoachingAction, row: CoachingSession) -> None:
    own = actor.employee_id is not None and actor.employee_id in (row.agent_id, action.owner_id)
    if not own and not can_coach(actor, employee(session, row.agent_id)):
        raise PermissionDenied(f"role {actor.role} cannot change action {action.id}")


def mark_action_done(session: Session, actor: Actor, action_id: int, done: bool = True) -> CoachingAction:
    """Mark an action done (or open again): the coach, or the agent of the session."""
    action, row = _action(session, actor, action_id)
    _may_update_action(session, actor, action, row)
    new = "done" if done else "open"
    if action.status != new:
        audit.record(session, actor, "update", "coaching_action", action.id, {"status": [action.status, new]})
        action.status = new
        action.done_at = clock.utcnow() if done else None
        action.done_by = actor.username if done else None
    session.commit()
    return action


def note_action(session: Session, actor: Actor, action_id: int, note: str) -> CoachingAction:
    """Append a follow-up note to an action (who and when are written with it)."""
    action, row = _action(session, actor, action_id)
    _may_update_action(session, actor, action, row)
    if not note.strip():
        raise InvalidInput("note: empty", field="note")
    stamp = clock.utcnow().strftime("%Y-%m-%d %H:%M")
    line = f"{stamp} {actor.username}: {note.strip()}"
    action.follow_up = f"{action.follow_up}\n{line}" if action.follow_up else line
    audit.record(session, actor, "note", "coaching_action", action.id, {"note": note.strip()})
    session.commit()
    return action


@dataclass(frozen=True)
class ActionView:
    action: CoachingAction
    owner: str
    state: coaching.ActionStatus


def actions(
    session: Session, actor: Actor, today: date, *, session_id: int | None = None, owner_id: int | None = None
) -> list[ActionView]:
    """Actions of one session, or every action in the actor's scope (optionally of one
    owner), with open/done/overdue as of ``today``."""
    stmt = select(CoachingAction, Employee.full_name).join(Employee, Employee.id == CoachingAction.owner_id)
    if session_id is not None:
        get_session(session, actor, session_id)
        stmt = stmt.where(CoachingAction.session_id == session_id)
    else:
        visible = [s.id for s in list_sessions(session, actor, limit=100000)]
        stmt = stmt.where(CoachingAction.session_id.in_(visible or [-1]))
    if owner_id is not None:
        stmt = stmt.where(CoachingAction.owner_id == owner_id)
    rows = session.execute(stmt.order_by(CoachingAction.due_date, CoachingAction.id)).all()
    return [ActionView(a, name, coaching.action_status(a.status, a.due_date, today)) for a, name in rows]
