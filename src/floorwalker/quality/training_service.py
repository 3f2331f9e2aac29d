"""Training programmes with enrolments, and onboarding checklists of new hires with their
metrics through the nesting period (weeks since the hire date, against the team).

Roles: managers and admins define programmes; whoever coaches an employee (their
supervisor, a manager, an admin) enrols them, records completion and keeps their
onboarding checklist; QA analysts read; an agent reads only their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.metrics import service as metrics_service
from floorwalker.org.models import Employee, Team
from floorwalker.quality import coaching
from floorwalker.quality.coaching_models import Enrolment, OnboardingItem, TrainingProgramme
from floorwalker.quality.coaching_service import can_coach, can_read
from floorwalker.quality.coaching_service import employee as _person
from floorwalker.quality.models import Evaluation

#: The checklist a new hire gets when none is given.
DEFAULT_CHECKLIST = (
    "Accounts and phone/desktop access set up",
    "Product and systems induction completed",
    "Shadowed an experienced agent (side-by-side listening)",
    "Compliance and data-protection training completed",
    "First evaluation reviewed with the supervisor",
)


def _require_manager(actor: Actor) -> None:
    if actor.role not in ("admin", "manager"):
        raise PermissionDenied(f"role {actor.role} cannot define training programmes")


def _require_coach(actor: Actor, employee: Employee) -> None:
    if not can_coach(actor, employee):
        raise PermissionDenied(f"role {actor.role} cannot manage training of {employee.full_name}")


def _require_read(actor: Actor, employee: Employee) -> None:
    if not can_read(actor, employee):
        raise PermissionDenied(f"{employee.full_name} is outside your scope")


# --- programmes and enrolments --------------------------------------------------------------


def create_programme(
    session: Session, actor: Actor, *, name: str, description: str, hours: float
) -> TrainingProgramme:
    _require_manager(actor)
    if not name.strip():
        raise InvalidInput("name: required", field="name")
    if not hours > 0:
        raise InvalidInput("hours: more than 0", field="hours")
    if session.scalar(select(TrainingProgramme.id).where(TrainingProgramme.name == name.strip())) is not None:
        raise Conflict(f"a programme named '{name.strip()}' already exists")
    row = TrainingProgramme(name=name.strip(), description=description, hours=hours)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "training_programme", row.id, {"name": row.name, "hours": hours})
    session.commit()
    return row


def list_programmes(session: Session, actor: Actor) -> Sequence[TrainingProgramme]:
    del actor
    return session.scalars(select(TrainingProgramme).order_by(TrainingProgramme.name)).all()


def get_programme(session: Session, actor: Actor, programme_id: int) -> TrainingProgramme:
    del actor
    row = session.get(TrainingProgramme, programme_id)
    if row is None:
        raise NotFound(f"training programme {programme_id} does not exist")
    return row


def enrol(session: Session, actor: Actor, programme_id: int, employee_id: int, on: date) -> Enrolment:
    get_programme(session, actor, programme_id)
    employee = _person(session, employee_id, "employee_id")
    _require_coach(actor, employee)
    exists = session.scalar(
        select(Enrolment.id).where(
            Enrolment.programme_id == programme_id, Enrolment.employee_id == employee_id
        )
    )
    if exists is not None:
        raise Conflict(f"{employee.full_name} is already enrolled")
    row = Enrolment(programme_id=programme_id, employee_id=employee_id, enrolled_on=on, status="enrolled")
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "training_enrolment",
        row.id,
        {"programme_id": programme_id, "employee_id": employee_id},
    )
    session.commit()
    return row


def set_enrolment_status(
    session: Session, actor: Actor, enrolment_id: int, status: str, on: date
) -> Enrolment:
    """completed (on ``on``), withdrawn, or enrolled again."""
    row = session.get(Enrolment, enrolment_id)
    if row is None:
        raise NotFound(f"enrolment {enrolment_id} does not exist")
    _require_coach(actor, _person(session, row.employee_id, "employee_id"))
    if status not in coaching.ENROLMENT_STATUSES:
        raise InvalidInput(f"status: one of {', '.join(coaching.ENROLMENT_STATUSES)}", field="status")
    if status == "completed" and on < row.enrolled_on:
        raise InvalidInput("completed_on: before the enrolment", field="completed_on")
    audit.record(session, actor, "update", "training_enrolment", row.id, {"status": [row.status, status]})
    row.status = status
    row.completed_on = on if status == "completed" else None
    session.commit()
    return row


@dataclass(frozen=True)
class EnrolmentView:
    enrolment: Enrolment
    employee: str
    programme: str


def enrolments(
    session: Session, actor: Actor, *, programme_id: int | None = None, employee_id: int | None = None
) -> list[EnrolmentView]:
    """Enrolments in the actor's scope."""
    stmt = (
        select(Enrolment, Employee, TrainingProgramme.name)
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(TrainingProgramme, TrainingProgramme.id == Enrolment.programme_id)
    )
    if programme_id is not None:
        stmt = stmt.where(Enrolment.programme_id == programme_id)
    if employee_id is not None:
        stmt = stmt.where(Enrolment.employee_id == employee_id)
    rows = session.execute(stmt.order_by(TrainingProgramme.name, Employee.full_name)).all()
    return [EnrolmentView(e, emp.full_name, name) for e, emp, name in rows if can_read(actor, emp)]


def completion(views: Sequence[EnrolmentView]) -> float | None:
    """Fraction of (not withdrawn) enrolments completed."""
    counted = [v for v in views if v.enrolment.status != "withdrawn"]
    return sum(v.enrolment.status == "completed" for v in counted) / len(counted) if counted else None


# --- onboarding --------------------------------------------------------------------------------


def checklist(session: Session, actor: Actor, employee_id: int) -> Sequence[OnboardingItem]:
    _require_read(actor, _person(session, employee_id, "employee_id"))
    return session.scalars(
        select(OnboardingItem)
        .where(OnboardingItem.employee_id == employee_id)
        .order_by(OnboardingItem.position)
    ).all()


def add_items(
    session: Session, actor: Actor, employee_id: int, texts: Sequence[str]
) -> Sequence[OnboardingItem]:
    """Append items to the hire's checklist (the default checklist when ``texts`` is empty)."""
    _require_coach(actor, _person(session, employee_id, "employee_id"))
    existing = checklist(session, actor, employee_id)
    start = max((i.position for i in existing), default=0)
    chosen = [t.strip() for t in texts if t.strip()] or list(DEFAULT_CHECKLIST)
    for n, text in enumerate(chosen, start=1):
        session.add(OnboardingItem(employee_id=employee_id, position=start + n, text=text[:300]))
    session.flush()
    audit.record(session, actor, "create", "onboarding_items", employee_id, {"items": chosen})
    session.commit()
    return checklist(session, actor, employee_id)


def tick_item(session: Session, actor: Actor, item_id: int, done_on: date | None) -> OnboardingItem:
    """Mark an item done on ``done_on`` (None: not done)."""
    item = session.get(OnboardingItem, item_id)
    if item is None:
        raise NotFound(f"onboarding item {item_id} does not exist")
    _require_coach(actor, _person(session, item.employee_id, "employee_id"))
    audit.record(session, actor, "update", "onboarding_item", item.id, {"done_on": [item.done_on, done_on]})
    item.done_on = done_on
    item.done_by = actor.username if done_on else None
    session.commit()
    return item


@dataclass(frozen=True)
class NestingWeek:
    """One tenure week: the hire's AHT (seconds) and QA score with their counts, and the
    same over the hire's team (every current member, the hire included) in that week."""

    week: int
    start: date
    end: date
    aht_s: float | None
    handled: int
    team_aht_s: float | None
    qa_score: float | None
    evaluations: int
    team_qa_score: float | None


def nesting(
    session: Session, warehouse: Connection, actor: Actor, employee_id: int, today: date, weeks: int = 8
) -> list[NestingWeek]:
    """The hire's first ``weeks`` tenure weeks that have started by ``today``."""
    employee = _person(session, employee_id, "employee_id")
    _require_read(actor, employee)
    team = session.get(Team, employee.team_id) if employee.team_id is not None else None
    members = (
        list(session.scalars(select(Employee.id).where(Employee.team_id == team.id)))
        if team
        else [employee.id]
    )
    out = []
    for week in range(1, weeks + 1):
        start, end = coaching.week_bounds(employee.hire_date, week)
        if start > today:
            break
        own = metrics_service.CubeRequest(
            start=start, end=end, by=("agent",), agents=(employee.agent_code or "",)
        )
        rows = metrics_service.cube(session, warehouse, actor, own) if employee.agent_code else []
        team_aht = None
        if team is not None and actor.role != "agent":
            team_rows = metrics_service.cube(
                session,
                warehouse,
                actor,
                metrics_service.CubeRequest(start=start, end=end, teams=(team.name,)),
            )
            team_aht = team_rows[0].get("aht_s") if team_rows else None
        lo, hi = datetime.combine(start, time(0)), datetime.combine(end + timedelta(days=1), time(0))
        scores = session.execute(
            select(Evaluation.agent_id, Evaluation.score).where(
                Evaluation.agent_id.in_(members), Evaluation.evaluated_at >= lo, Evaluation.evaluated_at < hi
            )
        ).all()
        mine = [s for a, s in scores if a == employee.id]
        out.append(
            NestingWeek(
                week=week,
                start=start,
                end=end,
                aht_s=rows[0].get("aht_s") if rows else None,
                handled=int(rows[0].get("handled") or 0) if rows else 0,
                team_aht_s=team_aht,
                qa_score=coaching.mean(mine),
                evaluations=len(mine),
                team_qa_score=coaching.mean([s for _, s in scores]) if actor.role != "agent" else None,
            )
        )
    return out


def new_hires(session: Session, actor: Actor, today: date, within_days: int = 90) -> Sequence[Employee]:
    """Active employees hired in the last ``within_days`` days whom the actor may read."""
    since = today - timedelta(days=within_days)
    rows = session.scalars(
        select(Employee)
        .where(Employee.status == "active", Employee.hire_date >= since, Employee.hire_date <= today)
        .order_by(Employee.hire_date.desc(), Employee.full_name)
    ).all()
    return [e for e in rows if can_read(actor, e)]
