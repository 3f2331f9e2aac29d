"""Quality use cases. Every function takes the caller (``Actor``) and checks role and scope
before reading or writing; every write is audited in its own transaction.

Roles (DESIGN.md, issue 8): QA analysts (and managers, admins) publish scorecards, evaluate
and calibrate; supervisors read the evaluations of their teams' agents; an agent reads only
their own evaluations, acknowledges them and may dispute them; a reviewer (QA, manager,
admin; never the evaluator of the disputed evaluation) upholds or re-scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import contacts
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee
from floorwalker.quality import schemas
from floorwalker.quality.models import (
    Dispute,
    Evaluation,
    EvaluationRevision,
    Scorecard,
    ScorecardVersion,
)
from floorwalker.quality.scorecard import Scorecard as ScorecardDefinition
from floorwalker.quality.scorecard import parse_scorecard, scorecard_to_dict
from floorwalker.quality.scoring import Answers, EvaluationScore, parse_answers, score_evaluation

QA_ROLES = ("admin", "manager", "qa")


def can_run_quality(actor: Actor) -> bool:
    """Publish scorecards, evaluate, review disputes, calibrate."""
    return actor.role in QA_ROLES


def require_qa(actor: Actor, what: str) -> None:
    if not can_run_quality(actor):
        raise PermissionDenied(f"role {actor.role} cannot {what}")


# --- scorecards ------------------------------------------------------------------------


def publish_scorecard(session: Session, actor: Actor, definition: dict[str, Any]) -> ScorecardVersion:
    """Validate a definition and publish it as the next version of the scorecard of its
    name (a new scorecard at version 1). Past evaluations keep the version they used."""
    require_qa(actor, "publish scorecards")
    card = parse_scorecard(definition)
    normal = scorecard_to_dict(card)
    scorecard = session.scalar(select(Scorecard).where(Scorecard.name == card.name))
    now = clock.utcnow()
    if scorecard is None:
        scorecard = Scorecard(name=card.name, active=True, created_at=now)
        session.add(scorecard)
        session.flush()
        number = 1
    else:
        latest = _latest_version(session, scorecard.id)
        if latest is not None and latest.definition == normal:
            raise Conflict(f"scorecard '{card.name}' version {latest.version} is already exactly this")
        number = (latest.version if latest else 0) + 1
        scorecard.active = True
    version = ScorecardVersion(
        scorecard_id=scorecard.id,
        version=number,
        definition=normal,
        channels=list(card.channels),
        published_at=now,
        published_by=actor.username,
    )
    session.add(version)
    session.flush()
    audit.record(session, actor, "publish", "scorecard", scorecard.id, {"version": number, "name": card.name})
    session.commit()
    return version


def _latest_version(session: Session, scorecard_id: int) -> ScorecardVersion | None:
    return session.scalar(
        select(ScorecardVersion)
        .where(ScorecardVersion.scorecard_id == scorecard_id)
        .order_by(ScorecardVersion.version.desc())
        .limit(1)
    )


def list_scorecards(session: Session, actor: Actor) -> list[tuple[Scorecard, ScorecardVersion]]:
    """Active scorecards with their latest version. Every role may read scorecards (an
    agent reads the form they are evaluated on)."""
    del actor
    latest = (
        select(ScorecardVersion.scorecard_id, func.max(ScorecardVersion.version).label("v"))
        .group_by(ScorecardVersion.scorecard_id)
        .subquery()
    )
    rows = session.execute(
        select(Scorecard, ScorecardVersion)
        .join(latest, latest.c.scorecard_id == Scorecard.id)
        .join(
            ScorecardVersion,
            (ScorecardVersion.scorecard_id == Scorecard.id) & (ScorecardVersion.version == latest.c.v),
        )
        .where(Scorecard.active.is_(True))
        .order_by(Scorecard.name)
    ).all()
    return [(s, v) for s, v in rows]


def get_version(session: Session, actor: Actor, version_id: int) -> ScorecardVersion:
    del actor
    version = session.get(ScorecardVersion, version_id)
    if version is None:
        raise NotFound(f"scorecard version {version_id} does not exist")
    return version


def definition_of(version: ScorecardVersion) -> ScorecardDefinition:
    return parse_scorecard(version.definition)


# --- contacts (read from the warehouse) --------------------------------------------------


def find_contacts(
    warehouse: Connection,
    actor: Actor,
    *,
    contact_id: int | None = None,
    agent: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Answered contacts to evaluate, newest first; filters are exact matches."""
    require_qa(actor, "pick contacts to evaluate")
    stmt = select(
        contacts.c.contact_id,
        contacts.c.arrived_at,
        contacts.c.queue,
        contacts.c.channel,
        contacts.c.agent,
        contacts.c.outcome,
        contacts.c.talk_s,
        contacts.c.site,
        contacts.c.transcript,
    ).where(contacts.c.agent.is_not(None))
    if contact_id is not None:
        stmt = stmt.where(contacts.c.contact_id == contact_id)
    if agent:
        stmt = stmt.where(contacts.c.agent == agent)
    if queue:
        stmt = stmt.where(contacts.c.queue == queue)
    if channel:
        stmt = stmt.where(contacts.c.channel == channel)
    rows = warehouse.execute(stmt.order_by(contacts.c.arrived_at.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]


def _check_contact(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    version: ScorecardVersion,
    contact_id: int,
    agent_id: int,
) -> None:
    found = find_contacts(warehouse, actor, contact_id=contact_id, limit=1)
    if not found:
        raise InvalidInput(
            f"contact_id: contact {contact_id} is not in the warehouse (or has no agent)", field="contact_id"
        )
    contact = found[0]
    if version.channels and contact["channel"] not in version.channels:
        raise InvalidInput(
            f"contact_id: contact {contact_id} is a {contact['channel']} contact; this scorecard applies to "
            f"{', '.join(version.channels)}",
            field="contact_id",
        )
    handled_by = session.scalar(select(Employee.id).where(Employee.agent_code == contact["agent"]))
    if handled_by is not None and handled_by != agent_id:
        raise InvalidInput(
            f"agent_id: contact {contact_id} was handled by employee {handled_by}", field="agent_id"
        )


# --- evaluations -----------------------------------------------------------------------


def score_on_version(
    version: ScorecardVersion, answers: dict[str, Any], comments: dict[str, str], feedback: str
) -> tuple[Answers, EvaluationScore]:
    card = definition_of(version)
    parsed = parse_answers({"answers": answers, "comments": comments, "feedback": feedback}, card)
    return parsed, score_evaluation(card, parsed)


def _apply(target: Evaluation | EvaluationRevision, parsed: Answers, result: EvaluationScore) -> None:
    target.answers = dict(parsed.values)
    target.comments = dict(parsed.comments)
    target.feedback = parsed.feedback
    target.score = result.score
    target.failed = result.failed
    target.sections = dict(result.sections)
    target.grade = result.grade


def _revision(evaluation: Evaluation, by: str, reason: str) -> EvaluationRevision:
    rev = EvaluationRevision(
        evaluation_id=evaluation.id,
        revision=evaluation.revision,
        scored_by=by,
        scored_at=clock.utcnow(),
        reason=reason,
    )
    for key in ("answers", "comments", "feedback", "score", "failed", "sections", "grade"):
        setattr(rev, key, getattr(evaluation, key))
    return rev


def evaluate(
    session: Session, actor: Actor, data: schemas.EvaluationCreate, warehouse: Connection | None = None
) -> Evaluation:
    """Score a contact's handling by an agent on a scorecard version and store it. With
    ``warehouse`` the contact must exist there, be of a channel the scorecard applies to,
    and (where its agent code is known) have been handled by ``agent_id``."""
    require_qa(actor, "evaluate contacts")
    version = get_version(session, actor, data.scorecard_version_id)
    agent = session.get(Employee, data.agent_id)
    if agent is None:
        raise InvalidInput(f"agent_id: employee {data.agent_id} does not exist", field="agent_id")
    if agent.id == actor.employee_id:
        raise PermissionDenied("you cannot evaluate your own contacts")
    if warehouse is not None:
        _check_contact(session, warehouse, actor, version, data.contact_id, data.agent_id)
    parsed, result = score_on_version(version, data.answers, data.comments, data.feedback)
    evaluation = Evaluation(
        scorecard_version_id=version.id,
        contact_id=data.contact_id,
        agent_id=agent.id,
        evaluator_user_id=actor.user_id,
        evaluator_name=actor.username,
        evaluated_at=clock.utcnow(),
        status="submitted",
        revision=1,
    )
    _apply(evaluation, parsed, result)
    session.add(evaluation)
    session.flush()
    session.add(_revision(evaluation, actor.username, "evaluation"))
    audit.record(
        session,
        actor,
        "create",
        "evaluation",
        evaluation.id,
        {
            "contact_id": data.contact_id,
            "agent_id": agent.id,
            "score": result.score,
            "failed": result.failed,
            "scorecard_version_id": version.id,
        },
    )
    session.commit()
    return evaluation


def evaluation_scope(stmt: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_center_wide:
        return stmt
    if actor.role == "supervisor":
        team_agents = select(Employee.id).where(Employee.team_id.in_(actor.team_ids))
        return stmt.where(
            or_(
                Evaluation.agent_id.in_(team_agents.scalar_subquery()),
                Evaluation.agent_id == actor.employee_id,
            )
        )
    return stmt.where(Evaluation.agent_id == actor.employee_id)


def list_evaluations(
    session: Session,
    actor: Actor,
    *,
    agent_id: int | None = None,
    status: str | None = None,
    limit: int = 200,
) -> Sequence[Evaluation]:
    """Evaluations the actor may see, newest first."""
    stmt = evaluation_scope(select(Evaluation), actor)
    if agent_id is not None:
        stmt = stmt.where(Evaluation.agent_id == agent_id)
    if status:
        stmt = stmt.where(Evaluation.status == status)
    return session.scalars(
        stmt.order_by(Evaluation.evaluated_at.desc(), Evaluation.id.desc()).limit(limit)
    ).all()


def get_evaluation(session: Session, actor: Actor, evaluation_id: int) -> Evaluation:
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound(f"evaluation {evaluation_id} does not exist")
    allowed = session.scalar(
        evaluation_scope(select(Evaluation.id).where(Evaluation.id == evaluation_id), actor)
    )
    if allowed is None:
        raise PermissionDenied(f"evaluation {evaluation_id} is outside your scope")
    return evaluation


def revisions(session: Session, actor: Actor, evaluation_id: int) -> Sequence[EvaluationRevision]:
    """Every scoring of the evaluation, oldest first."""
    get_evaluation(session, actor, evaluation_id)
    return session.scalars(
        select(EvaluationRevision)
        .where(EvaluationRevision.evaluation_id == evaluation_id)
        .order_by(EvaluationRevision.revision)
    ).all()


def disputes(session: Session, actor: Actor, evaluation_id: int) -> Sequence[Dispute]:
    get_evaluation(session, actor, evaluation_id)
    return session.scalars(
        select(Dispute).where(Dispute.evaluation_id == evaluation_id).order_by(Dispute.id)
    ).all()


def get_dispute(session: Session, actor: Actor, dispute_id: int) -> Dispute:
    """A dispute, for whoever may see its evaluation."""
    raised = session.get(Dispute, dispute_id)
    if raised is None:
        raise NotFound(f"dispute {dispute_id} does not exist")
    get_evaluation(session, actor, raised.evaluation_id)
    return raised


def open_disputes(session: Session, actor: Actor) -> Sequence[Dispute]:
    """Disputes waiting for a reviewer (QA roles only)."""
    require_qa(actor, "review disputes")
    return session.scalars(select(Dispute).where(Dispute.status == "open").order_by(Dispute.raised_at)).all()


def _own(actor: Actor, evaluation: Evaluation, what: str) -> None:
    if actor.employee_id is None or actor.employee_id != evaluation.agent_id:
        raise PermissionDenied(f"only the evaluated agent can {what}")


def acknowledge(session: Session, actor: Actor, evaluation_id: int) -> Evaluation:
    """The agent confirms having read the evaluation (not agreement: they may still dispute)."""
    evaluation = get_evaluation(session, actor, evaluation_id)
    _own(actor, evaluation, "acknowledge an evaluation")
    if evaluation.acknowledged_at is not None:
        raise Conflict(f"evaluation {evaluation_id} is already acknowledged")
    evaluation.acknowledged_at = clock.utcnow()
    if evaluation.status == "submitted":
        evaluation.status = "acknowledged"
    audit.record(
        session, actor, "acknowledge", "evaluation", evaluation.id, {"revision": evaluation.revision}
    )
    session.commit()
    return evaluation


def dispute(session: Session, actor: Actor, evaluation_id: int, data: schemas.DisputeCreate) -> Dispute:
    """The agent challenges the current scoring of the evaluation, with a reason (once per
    scoring: after a re-score the new scoring may be disputed in turn)."""
    evaluation = get_evaluation(session, actor, evaluation_id)
    _own(actor, evaluation, "dispute an evaluation")
    if evaluation.status == "disputed":
        raise Conflict(f"evaluation {evaluation_id} already has an open dispute")
    decided = session.scalar(
        select(Dispute.status).where(
            Dispute.evaluation_id == evaluation.id, Dispute.revision_disputed == evaluation.revision
        )
    )
    if decided is not None:
        # One dispute per scoring: a re-score makes a new revision, which may be disputed again.
        raise Conflict(f"this scoring of evaluation {evaluation_id} was already disputed ({decided})")
    raised = Dispute(
        evaluation_id=evaluation.id,
        raised_by=actor.username,
        raised_at=clock.utcnow(),
        reason=data.reason,
        status="open",
        revision_disputed=evaluation.revision,
        decision_note="",
    )
    evaluation.status = "disputed"
    session.add(raised)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "dispute",
        raised.id,
        {"evaluation_id": evaluation.id, "reason": data.reason},
    )
    session.commit()
    return raised


def decide_dispute(session: Session, actor: Actor, dispute_id: int, data: schemas.DisputeDecision) -> Dispute:
    """A reviewer upholds the scoring or re-scores it on the same scorecard version; the
    re-score becomes a new revision and the disputed one stays in the history."""
    require_qa(actor, "review disputes")
    raised = get_dispute(session, actor, dispute_id)
    if raised.status != "open":
        raise Conflict(f"dispute {dispute_id} is already decided ({raised.status})")
    evaluation = get_evaluation(session, actor, raised.evaluation_id)
    if evaluation.evaluator_user_id is not None and evaluation.evaluator_user_id == actor.user_id:
        raise PermissionDenied("the evaluator cannot review a dispute of their own evaluation")
    changes: dict[str, Any] = {"decision": data.decision, "note": data.note}
    if data.decision == "rescore":
        if data.answers is None:
            raise InvalidInput("answers: a re-score needs the full answers", field="answers")
        version = session.get(ScorecardVersion, evaluation.scorecard_version_id)
        assert version is not None
        feedback = evaluation.feedback if data.feedback is None else data.feedback
        parsed, result = score_on_version(version, data.answers, data.comments, feedback)
        changes["score"] = [evaluation.score, result.score]
        evaluation.revision += 1
        _apply(evaluation, parsed, result)
        session.add(_revision(evaluation, actor.username, f"re-score of dispute {raised.id}"))
        raised.status = "rescored"
        raised.revision_after = evaluation.revision
    else:
        raised.status = "upheld"
    raised.decided_by = actor.username
    raised.decided_at = clock.utcnow()
    raised.decision_note = data.note
    evaluation.status = "resolved"
    audit.record(session, actor, "decide", "dispute", raised.id, changes)
    session.commit()
    return raised
