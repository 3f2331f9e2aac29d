"""Calibration sessions: several evaluators score the same contacts blind on one scorecard
version; the report compares them (calibration.py). QA roles only; every write audited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.quality import schemas
from floorwalker.quality.calibration import CalibrationRating, CalibrationReport, calibrate
from floorwalker.quality.models import CalibrationScore, CalibrationSession
from floorwalker.quality.service import definition_of, get_version, require_qa, score_on_version


def create_calibration_session(
    session: Session, actor: Actor, data: schemas.CalibrationSessionCreate
) -> CalibrationSession:
    require_qa(actor, "run calibration sessions")
    get_version(session, actor, data.scorecard_version_id)
    created = CalibrationSession(
        name=data.name,
        scorecard_version_id=data.scorecard_version_id,
        contact_ids=list(dict.fromkeys(data.contact_ids)),
        target=data.target,
        expert=data.expert,
        created_by=actor.username,
        created_at=clock.utcnow(),
    )
    session.add(created)
    session.flush()
    audit.record(session, actor, "create", "calibration_session", created.id, data.model_dump())
    session.commit()
    return created


def get_calibration_session(session: Session, actor: Actor, session_id: int) -> CalibrationSession:
    require_qa(actor, "see calibration sessions")
    found = session.get(CalibrationSession, session_id)
    if found is None:
        raise NotFound(f"calibration session {session_id} does not exist")
    return found


def submit_calibration_score(
    session: Session, actor: Actor, session_id: int, data: schemas.CalibrationScoreCreate
) -> CalibrationScore:
    """An evaluator's blind scoring of one of the session's contacts (once per contact)."""
    calibration = get_calibration_session(session, actor, session_id)
    if calibration.closed_at is not None:
        raise Conflict(f"calibration session {session_id} is closed")
    if data.contact_id not in calibration.contact_ids:
        raise InvalidInput(
            f"contact_id: contact {data.contact_id} is not in session {session_id}", field="contact_id"
        )
    clash = session.scalar(
        select(CalibrationScore.id).where(
            CalibrationScore.session_id == session_id,
            CalibrationScore.contact_id == data.contact_id,
            CalibrationScore.evaluator == actor.username,
        )
    )
    if clash is not None:
        raise Conflict(f"you already scored contact {data.contact_id} in session {session_id}")
    version = get_version(session, actor, calibration.scorecard_version_id)
    parsed, result = score_on_version(version, data.answers, data.comments, "")
    entry = CalibrationScore(
        session_id=session_id,
        contact_id=data.contact_id,
        evaluator=actor.username,
        answers=dict(parsed.values),
        comments=dict(parsed.comments),
        score=result.score,
        failed=result.failed,
        submitted_at=clock.utcnow(),
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "calibration_score",
        entry.id,
        {"session_id": session_id, "contact_id": data.contact_id, "score": result.score},
    )
    session.commit()
    return entry


def close_calibration_session(session: Session, actor: Actor, session_id: int) -> CalibrationSession:
    calibration = get_calibration_session(session, actor, session_id)
    if calibration.closed_at is not None:
        raise Conflict(f"calibration session {session_id} is already closed")
    calibration.closed_at = clock.utcnow()
    audit.record(session, actor, "close", "calibration_session", calibration.id, {})
    session.commit()
    return calibration


def calibration_report(
    session: Session, actor: Actor, session_id: int, *, target: float | None = None
) -> tuple[str, CalibrationReport]:
    """The session's agreement statistics. Scoring is blind: a QA analyst sees the report
    once the session is closed; managers and admins at any time."""
    if target is not None and not 0 < target <= 1:
        raise InvalidInput(
            f"target: {target:g} is not a fraction above 0 and at most 1 (85% is 0.85)", field="target"
        )
    calibration = get_calibration_session(session, actor, session_id)
    if not may_see_report(actor, calibration):
        raise PermissionDenied(f"calibration session {session_id} is still open (scoring is blind)")
    card = definition_of(get_version(session, actor, calibration.scorecard_version_id))
    entries = session.scalars(select(CalibrationScore).where(CalibrationScore.session_id == session_id)).all()
    if not entries:
        raise InvalidInput(f"calibration session {session_id} has no scores yet")
    ratings = [CalibrationRating(e.evaluator, str(e.contact_id), e.answers, e.score) for e in entries]
    expert = calibration.expert if calibration.expert in {e.evaluator for e in entries} else None
    report = calibrate(card, ratings, target=target or calibration.target, expert=expert)
    return calibration.name, report


def list_calibration_sessions(session: Session, actor: Actor) -> Sequence[CalibrationSession]:
    """Every calibration session, newest first (QA roles)."""
    require_qa(actor, "see calibration sessions")
    return session.scalars(select(CalibrationSession).order_by(CalibrationSession.id.desc())).all()


def session_progress(session: Session, actor: Actor, session_id: int) -> tuple[set[int], dict[int, int]]:
    """(contacts the actor has scored, contact → number of evaluators who scored it). Says
    who has scored how much, never what: scoring stays blind until the session closes."""
    get_calibration_session(session, actor, session_id)
    rows = session.execute(
        select(CalibrationScore.contact_id, CalibrationScore.evaluator).where(
            CalibrationScore.session_id == session_id
        )
    ).all()
    mine = {row[0] for row in rows if row[1] == actor.username}
    counts: dict[int, int] = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    return mine, counts


def may_see_report(actor: Actor, calibration: CalibrationSession) -> bool:
    return calibration.closed_at is not None or actor.role in ("admin", "manager")
