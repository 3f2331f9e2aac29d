"""Coaching use cases on real stores: sessions with evidence and actions, scope refusals,
audit, the effect check and the coaching queue from warehouse contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import target_service
from floorwalker.metrics.schemas import TargetCreate
from floorwalker.quality import coaching_measures as cm
from floorwalker.quality import coaching_service as cs
from floorwalker.quality import schemas, service
from floorwalker.quality.coaching_models import CoachingSession
from floorwalker.quality.models import Evaluation
from tests import factories as f
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD

SESSION_DAY = date(2026, 11, 2)


@dataclass
class Center:
    site_code: str
    qa: Actor
    manager: Actor
    sup_a: Actor
    sup_a_id: int
    agent_a: Actor
    agent_b: Actor
    ann: int
    bob: int
    cat: int
    version_id: int


@pytest.fixture
def center(db) -> Center:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    ann = f.employee(db, site.id, team_a.id, agent_code="ann.agent", full_name="Ann")
    cat = f.employee(db, site.id, team_a.id, agent_code="cat.agent", full_name="Cat")
    bob = f.employee(db, site.id, team_b.id, agent_code="bob.agent", full_name="Bob")
    qa = f.actor(db, f.user(db, "qa"))
    version = service.publish_scorecard(db, qa, ISSUE_CARD)
    return Center(
        site_code=site.code,
        qa=qa,
        manager=f.actor(db, f.user(db, "manager")),
        sup_a=f.actor(db, f.user(db, "supervisor", sup_a.id)),
        sup_a_id=sup_a.id,
        agent_a=f.actor(db, f.user(db, "agent", ann.id)),
        agent_b=f.actor(db, f.user(db, "agent", bob.id)),
        ann=ann.id,
        bob=bob.id,
        cat=cat.id,
        version_id=version.id,
    )


def _evaluate(db, c: Center, agent_id: int, at: datetime, answers=None) -> Evaluation:
    e = service.evaluate(
        db,
        c.qa,
        schemas.EvaluationCreate(
            scorecard_version_id=c.version_id,
            contact_id=1001,
            agent_id=agent_id,
            answers=answers or ISSUE_ANSWERS,
        ),
    )
    db.execute(update(Evaluation).where(Evaluation.id == e.id).values(evaluated_at=at))
    db.commit()
    return e


def _audit(db, entity: str) -> list[str]:
    rows = db.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()
    return [r.action for r in rows]


def test_session_with_evidence_and_actions_and_who_may_do_what(db, center) -> None:
    c = center
    ev = _evaluate(db, c, c.ann, datetime(2026, 10, 30, 10))
    other = _evaluate(db, c, c.bob, datetime(2026, 10, 30, 11))
    s = cs.create_session(
        db, c.sup_a, agent_id=c.ann, session_date=SESSION_DAY, topic="empathy", evaluation_ids=[ev.id]
    )
    assert s.status == "planned" and s.coach_name == c.sup_a.username
    [evidence] = cs.evidence(db, c.agent_a, s.id)
    assert (evidence.kind, evidence.evaluation_id, evidence.value) == ("evaluation", ev.id, 0.5625)
    # the supervisor of team A does not coach Bob (team B); an agent or QA analyst coaches nobody
    for actor in (c.sup_a, c.qa, c.agent_a):
        with pytest.raises(PermissionDenied):
            cs.create_session(db, actor, agent_id=c.bob, session_date=SESSION_DAY)
    with pytest.raises(PermissionDenied):
        cs.create_session(db, c.agent_a, agent_id=c.ann, session_date=SESSION_DAY)
    # an evaluation of another agent is not evidence for Ann
    with pytest.raises(InvalidInput, match="another agent"):
        cs.attach_evaluation(db, c.manager, s.id, other.id)
    # a QA analyst may attach; twice is refused
    second = _evaluate(db, c, c.ann, datetime(2026, 10, 31, 9))
    cs.attach_evaluation(db, c.qa, s.id, second.id)
    with pytest.raises(InvalidInput, match="already attached"):
        cs.attach_evaluation(db, c.qa, s.id, second.id)
    # actions: owner is the agent or the coach; overdue computed from the day passed in
    action = cs.add_action(
        db, c.sup_a, s.id, description="Use the customer's name", owner_id=c.ann, due_date=date(2026, 11, 9)
    )
    with pytest.raises(InvalidInput, match="owner_id"):
        cs.add_action(db, c.sup_a, s.id, description="x", owner_id=c.bob, due_date=None)
    with pytest.raises(PermissionDenied):
        cs.add_action(db, c.agent_a, s.id, description="x", owner_id=c.ann, due_date=None)
    [view] = cs.actions(db, c.agent_a, date(2026, 11, 10), session_id=s.id)
    assert view.state == "overdue" and view.owner == "Ann"
    # Bob sees neither the session nor its actions; Ann marks her action done
    with pytest.raises(PermissionDenied):
        cs.get_session(db, c.agent_b, s.id)
    with pytest.raises(PermissionDenied):
        cs.mark_action_done(db, c.agent_b, action.id)
    assert cs.list_sessions(db, c.agent_b) == []
    cs.mark_action_done(db, c.agent_a, action.id)
    cs.note_action(db, c.agent_a, action.id, "did it on every call this week")
    [view] = cs.actions(db, c.sup_a, date(2026, 11, 10), session_id=s.id)
    assert view.state == "done" and "every call" in view.action.follow_up
    assert view.action.done_by == c.agent_a.username
    # held, then a follow-up session
    cs.update_session(db, c.sup_a, s.id, status="held", notes="went well")
    with pytest.raises(InvalidInput, match="status"):
        cs.update_session(db, c.sup_a, s.id, status="done")
    later = cs.create_session(
        db, c.sup_a, agent_id=c.ann, session_date=date(2026, 11, 30), follow_up_of_id=s.id
    )
    assert [x.id for x in cs.follow_ups(db, c.agent_a, s.id)] == [later.id]
    with pytest.raises(InvalidInput, match="another agent"):
        cs.create_session(db, c.manager, agent_id=c.bob, session_date=SESSION_DAY, follow_up_of_id=s.id)
    assert [x.id for x in cs.list_sessions(db, c.qa)] == [later.id, s.id]
    assert _audit(db, "coaching_session") == ["create", "update", "create"]
    assert _audit(db, "coaching_action") == ["create", "update", "note"]
    assert _audit(db, "coaching_evidence") == ["attach"]
    # refusals wrote nothing
    assert db.scalar(select(func.count()).select_from(CoachingSession)) == 2


def _contacts(stores, site: str, agent: str, first_day: date, days: int, per_day: int, talk_s: float) -> None:
    specs = [
        {"outcome": "answered", "wait_s": 5, "talk_s": talk_s, "agent": agent, "offset_s": d * 86400 + i * 60}
        for d in range(days)
        for i in range(per_day)
    ]
    rows = f.contact_rows(
        site, "sales", datetime.combine(first_day, datetime.min.time()) + timedelta(hours=9), specs
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)


def test_effect_check_before_and_after_with_honest_minimums(stores, db, center) -> None:
    c = center
    s = cs.create_session(db, c.sup_a, agent_id=c.ann, session_date=SESSION_DAY)
    # 4 weeks before: 2026-10-05 … 2026-11-01; after: 2026-11-03 … 2026-11-30
    _contacts(stores, c.site_code, "ann.agent", date(2026, 10, 20), 10, 6, 300.0)  # 60 contacts, AHT 300
    _contacts(stores, c.site_code, "ann.agent", date(2026, 11, 2), 1, 5, 999.0)  # session day: in neither
    _contacts(stores, c.site_code, "ann.agent", date(2026, 11, 10), 10, 4, 240.0)  # 40 contacts, AHT 240
    _contacts(stores, c.site_code, "ann.agent", date(2026, 12, 1), 1, 5, 999.0)  # after the window
    for day in (10, 17, 24):
        _evaluate(db, c, c.ann, datetime(2026, 10, day, 12))  # 0.5625 each
    for day in (5, 12, 19, 26):
        _evaluate(db, c, c.ann, datetime(2026, 11, day, 12), {**ISSUE_ANSWERS, "resolved": "yes"})
    with stores.warehouse.connect() as wh:
        windows, effects = cm.effect_check(db, wh, c.agent_a, s.id, metrics=("qa_score", "aht_s"))
        assert windows.before_start == date(2026, 10, 5)
        qa, aht = effects
        assert (qa.before.n, qa.after.n) == (3, 4)
        # resolved "yes": opening 1.0 × 0.3 + resolution (2.25 + 3) / 6 × 0.7 = 0.9125
        assert qa.before.value == pytest.approx(0.5625) and qa.after.value == pytest.approx(0.9125)
        assert qa.enough_data and qa.improved and qa.statement.startswith("better")
        assert (aht.before.n, aht.after.n) == (60, 40)
        assert aht.before.value == pytest.approx(300.0) and aht.after.value == pytest.approx(240.0)
        assert not aht.enough_data and aht.statement.startswith("too few data")
        with pytest.raises(PermissionDenied):
            cm.effect_check(db, wh, c.agent_b, s.id)
        with pytest.raises(InvalidInput, match="weeks"):
            cm.effect_check(db, wh, c.manager, s.id, weeks=0)


def test_coaching_queue_of_a_supervisor(stores, db, center) -> None:
    c = center
    target_service.create_target(db, c.manager, TargetCreate(kpi="aht_s", goal=300.0))
    today = date(2026, 11, 30)
    _contacts(stores, c.site_code, "ann.agent", date(2026, 11, 10), 5, 4, 360.0)  # 20% over
    _contacts(stores, c.site_code, "cat.agent", date(2026, 11, 10), 5, 4, 450.0)  # 50% over
    _contacts(stores, c.site_code, "bob.agent", date(2026, 11, 10), 5, 4, 600.0)  # other team
    with stores.warehouse.connect() as wh:
        q = cm.queue(db, wh, c.sup_a, kpi="aht_s", today=today)
        assert [(e.candidate.name, round(e.relative_shortfall, 6)) for e in q] == [("Cat", 0.5), ("Ann", 0.2)]
        # Cat coached 10 days ago: off the queue; a cancelled session does not count
        cs.create_session(db, c.sup_a, agent_id=c.cat, session_date=date(2026, 11, 20), status="held")
        cs.create_session(db, c.sup_a, agent_id=c.ann, session_date=date(2026, 11, 20), status="cancelled")
        assert [e.candidate.name for e in cm.queue(db, wh, c.sup_a, kpi="aht_s", today=today)] == ["Ann"]
        assert [e.candidate.name for e in cm.queue(db, wh, c.manager, kpi="aht_s", today=today)] == [
            "Bob",
            "Ann",
        ]
        # a metric shortfall as evidence keeps value, goal and count as they were
        s = cs.create_session(db, c.sup_a, agent_id=c.ann, session_date=today)
        ev = cm.attach_shortfall(db, wh, c.sup_a, s.id, "aht_s", date(2026, 11, 1), date(2026, 11, 29))
        assert (ev.kind, ev.kpi, ev.value, ev.goal, ev.n) == ("metric", "aht_s", 360.0, 300.0, 20)
        with pytest.raises(InvalidInput, match="no target for fcr"):
            cm.attach_shortfall(db, wh, c.sup_a, s.id, "fcr", date(2026, 11, 1), date(2026, 11, 29))
        with pytest.raises(PermissionDenied):
            cm.attach_shortfall(db, wh, c.qa, s.id, "aht_s", date(2026, 11, 1), date(2026, 11, 29))
        assert _audit(db, "coaching_evidence") == ["attach"]
        # QA score queue: Ann has one evaluation at 0.5625 < 0.80 (her session today is after
        # the look-back; the queue asks for no session in the last 30 days, so use a day before it)
        today = date(2026, 11, 19)
        _evaluate(db, c, c.ann, datetime(2026, 11, 15, 9))
        q = cm.queue(db, wh, c.sup_a, kpi="qa_score", today=today)
        assert [(e.candidate.name, round(e.shortfall, 4)) for e in q] == [("Ann", 0.2375)]
        for actor in (c.qa, c.agent_a):
            with pytest.raises(PermissionDenied):
                cm.queue(db, wh, actor, kpi="aht_s", today=today)
        with pytest.raises(InvalidInput, match="kpi"):
            cm.queue(db, wh, c.sup_a, kpi="service_level", today=today)
