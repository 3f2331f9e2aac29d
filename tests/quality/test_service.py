"""Quality use cases on real stores: versioning, evaluation, scope, acknowledgement,
disputes with history, calibration; every write audited, refusals write nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import Conflict, InvalidInput, PermissionDenied
from floorwalker.quality import calibration_service, schemas, service
from floorwalker.quality.models import Evaluation
from tests import factories as f
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD


@dataclass
class Center:
    qa: Actor
    qa2: Actor
    manager: Actor
    sup_a: Actor
    agent_a: Actor
    agent_b: Actor
    agent_a_id: int
    agent_b_id: int
    version_id: int


@pytest.fixture
def center(db) -> Center:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    a = f.employee(db, site.id, team_a.id, agent_code="ann.agent")
    b = f.employee(db, site.id, team_b.id, agent_code="bob.agent")
    qa = f.actor(db, f.user(db, "qa"))
    version = service.publish_scorecard(db, qa, ISSUE_CARD)
    return Center(
        qa=qa,
        qa2=f.actor(db, f.user(db, "qa")),
        manager=f.actor(db, f.user(db, "manager")),
        sup_a=f.actor(db, f.user(db, "supervisor", sup_a.id)),
        agent_a=f.actor(db, f.user(db, "agent", a.id)),
        agent_b=f.actor(db, f.user(db, "agent", b.id)),
        agent_a_id=a.id,
        agent_b_id=b.id,
        version_id=version.id,
    )


def _evaluate(db, c: Center, agent_id: int, answers: dict[str, Any] | None = None, **kw: Any) -> Evaluation:
    actor = kw.pop("actor", c.qa)
    data = schemas.EvaluationCreate(
        scorecard_version_id=c.version_id,
        contact_id=kw.pop("contact_id", 1001),
        agent_id=agent_id,
        answers=answers or ISSUE_ANSWERS,
        **kw,
    )
    return service.evaluate(db, actor, data)


def _audit(db, entity: str) -> list[str]:
    rows = db.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()
    return [r.action for r in rows]


def test_publishing_a_change_creates_a_version_and_old_evaluations_keep_theirs(db, center) -> None:
    first = _evaluate(db, center, center.agent_a_id)
    assert (first.score, first.grade) == (0.5625, "needs improvement")
    changed = copy.deepcopy(ISSUE_CARD)
    changed["sections"][0]["weight"], changed["sections"][1]["weight"] = 0.5, 0.5
    v2 = service.publish_scorecard(db, center.qa, changed)
    assert v2.version == 2 and v2.id != center.version_id
    with pytest.raises(Conflict, match="already exactly this"):
        service.publish_scorecard(db, center.qa, changed)
    [(card, latest)] = service.list_scorecards(db, center.agent_a)
    assert (card.name, latest.version) == ("Voice QA", 2)
    db.expire_all()
    old = service.get_evaluation(db, center.qa, first.id)
    assert old.scorecard_version_id == center.version_id and old.score == 0.5625
    assert service.get_version(db, center.qa, center.version_id).definition["sections"][0]["weight"] == 0.3
    second = service.evaluate(
        db,
        center.qa,
        schemas.EvaluationCreate(
            scorecard_version_id=v2.id, contact_id=1002, agent_id=center.agent_a_id, answers=ISSUE_ANSWERS
        ),
    )
    assert second.score == 0.6875  # 0.5 × 1 + 0.5 × 0.375 on the new weights
    assert _audit(db, "scorecard") == ["publish", "publish"]


def test_only_qa_roles_publish_and_evaluate(db, center) -> None:
    for actor in (center.agent_a, center.sup_a):
        with pytest.raises(PermissionDenied):
            service.publish_scorecard(db, actor, ISSUE_CARD)
        with pytest.raises(PermissionDenied):
            _evaluate(db, center, center.agent_b_id, actor=actor)
    assert db.scalar(select(func.count()).select_from(Evaluation)) == 0


def test_evaluation_is_stored_with_its_first_revision_and_audited(db, center) -> None:
    ev = _evaluate(db, center, center.agent_a_id, comments={"resolved": "no fix"}, feedback="Warm opening.")
    assert ev.sections == {"opening": 1.0, "resolution": 0.375}
    assert ev.answers["empathy"] == 4.0 and ev.comments == {"resolved": "no fix"}
    [rev] = service.revisions(db, center.qa, ev.id)
    assert (rev.revision, rev.score, rev.reason, rev.feedback) == (1, 0.5625, "evaluation", "Warm opening.")
    assert _audit(db, "evaluation") == ["create"]


def test_bad_answers_name_the_criterion_and_write_nothing(db, center) -> None:
    with pytest.raises(InvalidInput, match=r"^empathy: 7 is outside 1–5"):
        _evaluate(db, center, center.agent_a_id, {**ISSUE_ANSWERS, "empathy": 7})
    strict = copy.deepcopy(ISSUE_CARD)
    strict["require_comment_on_fail"] = True
    version = service.publish_scorecard(db, center.qa, strict)
    with pytest.raises(InvalidInput, match=r"^resolved: a failed criterion needs a comment"):
        service.evaluate(
            db,
            center.qa,
            schemas.EvaluationCreate(
                scorecard_version_id=version.id,
                contact_id=1,
                agent_id=center.agent_a_id,
                answers=ISSUE_ANSWERS,
            ),
        )
    assert db.scalar(select(func.count()).select_from(Evaluation)) == 0
    assert _audit(db, "evaluation") == []


def test_agent_scope(db, center) -> None:
    mine = _evaluate(db, center, center.agent_a_id)
    theirs = _evaluate(db, center, center.agent_b_id, contact_id=2002)
    assert [e.id for e in service.list_evaluations(db, center.agent_a)] == [mine.id]
    with pytest.raises(PermissionDenied):
        service.get_evaluation(db, center.agent_a, theirs.id)
    with pytest.raises(PermissionDenied):
        service.revisions(db, center.agent_a, theirs.id)
    # the supervisor of team A sees team A's agent only; QA and managers see everyone
    assert [e.id for e in service.list_evaluations(db, center.sup_a)] == [mine.id]
    with pytest.raises(PermissionDenied):
        service.get_evaluation(db, center.sup_a, theirs.id)
    assert {e.id for e in service.list_evaluations(db, center.manager)} == {mine.id, theirs.id}
    assert {e.id for e in service.list_evaluations(db, center.qa2)} == {mine.id, theirs.id}


def test_acknowledge_only_by_the_agent_once(db, center) -> None:
    ev = _evaluate(db, center, center.agent_a_id)
    with pytest.raises(PermissionDenied):
        service.acknowledge(db, center.sup_a, ev.id)
    with pytest.raises(PermissionDenied):
        service.acknowledge(db, center.agent_b, ev.id)
    done = service.acknowledge(db, center.agent_a, ev.id)
    assert done.status == "acknowledged" and done.acknowledged_at is not None
    with pytest.raises(Conflict):
        service.acknowledge(db, center.agent_a, ev.id)
    assert _audit(db, "evaluation") == ["create", "acknowledge"]


def test_dispute_rescore_keeps_both_versions(db, center) -> None:
    ev = _evaluate(db, center, center.agent_a_id)
    service.acknowledge(db, center.agent_a, ev.id)
    with pytest.raises(PermissionDenied):
        service.dispute(db, center.agent_b, ev.id, schemas.DisputeCreate(reason="not mine"))
    raised = service.dispute(
        db, center.agent_a, ev.id, schemas.DisputeCreate(reason="The customer said resolved.")
    )
    assert (raised.status, raised.revision_disputed) == ("open", 1)
    with pytest.raises(Conflict, match="open dispute"):
        service.dispute(db, center.agent_a, ev.id, schemas.DisputeCreate(reason="again"))
    assert [d.id for d in service.open_disputes(db, center.qa2)] == [raised.id]
    # the original evaluator cannot judge their own evaluation; an agent cannot review
    decision = schemas.DisputeDecision(
        decision="rescore", note="Agreed: resolved on the call.", answers={**ISSUE_ANSWERS, "resolved": "yes"}
    )
    with pytest.raises(PermissionDenied, match="own evaluation"):
        service.decide_dispute(db, center.qa, raised.id, decision)
    with pytest.raises(PermissionDenied):
        service.decide_dispute(db, center.agent_a, raised.id, decision)
    decided = service.decide_dispute(db, center.qa2, raised.id, decision)
    assert (decided.status, decided.revision_after, decided.decided_by) == (
        "rescored",
        2,
        center.qa2.username,
    )
    now = service.get_evaluation(db, center.agent_a, ev.id)
    # re-scored on the same version: resolution (2.25 + 3)/6 = 0.875 → 0.3 + 0.6125 = 0.9125
    assert (now.revision, now.score, now.grade, now.status) == (2, 0.9125, "exceeds", "resolved")
    history = service.revisions(db, center.agent_a, ev.id)
    assert [(r.revision, r.score, r.answers["resolved"]) for r in history] == [
        (1, 0.5625, "no"),
        (2, 0.9125, "yes"),
    ]
    assert history[1].reason == f"re-score of dispute {raised.id}"
    with pytest.raises(Conflict, match="already decided"):
        service.decide_dispute(db, center.qa2, raised.id, decision)
    second = service.dispute(db, center.agent_a, ev.id, schemas.DisputeCreate(reason="Empathy was a 5."))
    assert second.revision_disputed == 2
    assert _audit(db, "dispute") == ["create", "decide", "create"]


def test_dispute_upheld_keeps_the_score(db, center) -> None:
    ev = _evaluate(db, center, center.agent_a_id)
    raised = service.dispute(db, center.agent_a, ev.id, schemas.DisputeCreate(reason="Too harsh."))
    with pytest.raises(InvalidInput, match="answers"):
        service.decide_dispute(db, center.manager, raised.id, schemas.DisputeDecision(decision="rescore"))
    upheld = service.decide_dispute(
        db,
        center.manager,
        raised.id,
        schemas.DisputeDecision(decision="uphold", note="Resolution not confirmed."),
    )
    assert upheld.status == "upheld" and upheld.revision_after is None
    now = service.get_evaluation(db, center.agent_a, ev.id)
    assert (now.score, now.revision, now.status) == (0.5625, 1, "resolved")
    assert [d.status for d in service.disputes(db, center.agent_a, ev.id)] == ["upheld"]
    with pytest.raises(Conflict, match=r"already disputed \(upheld\)"):
        service.dispute(db, center.agent_a, ev.id, schemas.DisputeCreate(reason="Again."))


def test_calibration_session(db, center) -> None:
    created = calibration_service.create_calibration_session(
        db,
        center.qa,
        schemas.CalibrationSessionCreate(
            name="November voice", scorecard_version_id=center.version_id, contact_ids=[11, 12], target=0.8
        ),
    )
    with pytest.raises(PermissionDenied):
        calibration_service.create_calibration_session(
            db,
            center.agent_a,
            schemas.CalibrationSessionCreate(
                name="x", scorecard_version_id=center.version_id, contact_ids=[11]
            ),
        )
    c1 = {"greeting": "yes", "verify_id": "yes", "empathy": 4, "resolved": "no"}
    c2 = {"greeting": "yes", "verify_id": "yes", "empathy": 3, "resolved": "yes"}
    for actor, answers in (
        (center.qa, (c1, c2)),
        (center.qa2, ({**c1, "empathy": 5}, c2)),
        (center.manager, ({**c1, "greeting": "no"}, {**c2, "empathy": "na"})),
    ):
        for contact, a in zip((11, 12), answers, strict=True):
            calibration_service.submit_calibration_score(
                db, actor, created.id, schemas.CalibrationScoreCreate(contact_id=contact, answers=a)
            )
    with pytest.raises(Conflict, match="already scored"):
        calibration_service.submit_calibration_score(
            db, center.qa, created.id, schemas.CalibrationScoreCreate(contact_id=11, answers=c1)
        )
    with pytest.raises(InvalidInput, match="not in session"):
        calibration_service.submit_calibration_score(
            db, center.qa, created.id, schemas.CalibrationScoreCreate(contact_id=99, answers=c1)
        )
    with pytest.raises(PermissionDenied, match="blind"):
        calibration_service.calibration_report(db, center.qa2, created.id)
    calibration_service.close_calibration_session(db, center.manager, created.id)
    name, report = calibration_service.calibration_report(db, center.qa2, created.id)
    # the same session as tests/quality/test_calibration.py::SESSION: overall (4 + 6 + 2 + 6)/24
    assert name == "November voice"
    assert report.overall_agreement == 0.75
    assert report.target == 0.8 and not report.target_reached
    assert calibration_service.calibration_report(db, center.qa2, created.id, target=0.7)[1].target_reached
    assert _audit(db, "calibration_score") == ["create"] * 6


def test_evaluate_checks_the_contact_in_the_warehouse(stores, db, center) -> None:
    rows = f.contact_rows(
        "S1",
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann.agent"},
            {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann.agent", "channel": "chat"},
        ],
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    voice_id, chat_id = rows.column("contact_id").to_pylist()
    voice_only = copy.deepcopy(ISSUE_CARD)
    voice_only["channels"] = ["voice"]
    version = service.publish_scorecard(db, center.qa, voice_only)

    def attempt(contact_id: int, agent_id: int) -> Evaluation:
        with stores.warehouse.connect() as conn:
            return service.evaluate(
                db,
                center.qa,
                schemas.EvaluationCreate(
                    scorecard_version_id=version.id,
                    contact_id=contact_id,
                    agent_id=agent_id,
                    answers=ISSUE_ANSWERS,
                ),
                warehouse=conn,
            )

    with stores.warehouse.connect() as conn:
        found = service.find_contacts(conn, center.qa, agent="ann.agent")
    assert {r["contact_id"] for r in found} == {voice_id, chat_id}
    assert attempt(voice_id, center.agent_a_id).score == 0.5625
    with pytest.raises(InvalidInput, match="is a chat contact"):
        attempt(chat_id, center.agent_a_id)
    with pytest.raises(InvalidInput, match=r"^agent_id: contact .* was handled by employee"):
        attempt(voice_id, center.agent_b_id)
    with pytest.raises(InvalidInput, match="not in the warehouse"):
        attempt(123456789, center.agent_a_id)
