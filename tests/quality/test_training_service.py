"""Training programmes, enrolments and onboarding with nesting metrics on real stores."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from floorwalker.errors import Conflict, InvalidInput, PermissionDenied
from floorwalker.quality import training_service as ts
from tests.quality.test_coaching_service import _audit, _contacts, _evaluate, center  # noqa: F401


def test_programmes_enrolments_and_completion(db, center) -> None:  # noqa: F811
    c = center
    with pytest.raises(PermissionDenied):
        ts.create_programme(db, c.sup_a, name="Empathy", description="", hours=4)
    p = ts.create_programme(db, c.manager, name="Empathy", description="Soft skills", hours=4)
    with pytest.raises(Conflict):
        ts.create_programme(db, c.manager, name="Empathy", description="", hours=2)
    with pytest.raises(InvalidInput, match="hours"):
        ts.create_programme(db, c.manager, name="Zero", description="", hours=0)
    ann = ts.enrol(db, c.sup_a, p.id, c.ann, date(2026, 11, 2))
    ts.enrol(db, c.sup_a, p.id, c.cat, date(2026, 11, 2))
    with pytest.raises(PermissionDenied):
        ts.enrol(db, c.sup_a, p.id, c.bob, date(2026, 11, 2))
    with pytest.raises(Conflict):
        ts.enrol(db, c.manager, p.id, c.ann, date(2026, 11, 3))
    with pytest.raises(InvalidInput, match="before the enrolment"):
        ts.set_enrolment_status(db, c.sup_a, ann.id, "completed", date(2026, 11, 1))
    ts.set_enrolment_status(db, c.sup_a, ann.id, "completed", date(2026, 11, 6))
    views = ts.enrolments(db, c.manager, programme_id=p.id)
    assert [(v.employee, v.enrolment.status) for v in views] == [("Ann", "completed"), ("Cat", "enrolled")]
    assert ts.completion(views) == pytest.approx(0.5)
    assert [v.employee for v in ts.enrolments(db, c.agent_a)] == ["Ann"]
    assert ts.enrolments(db, c.agent_b) == []
    assert _audit(db, "training_enrolment") == ["create", "create", "update"]


def test_onboarding_checklist_and_nesting_weeks(stores, db, center) -> None:  # noqa: F811
    c = center
    with pytest.raises(PermissionDenied):
        ts.add_items(db, c.agent_a, c.ann, [])
    items = ts.add_items(db, c.sup_a, c.ann, [])
    assert [i.text for i in items] == list(ts.DEFAULT_CHECKLIST)
    items = ts.add_items(db, c.sup_a, c.ann, ["Met the team"])
    assert items[-1].position == len(ts.DEFAULT_CHECKLIST) + 1
    ts.tick_item(db, c.sup_a, items[0].id, date(2026, 11, 3))
    assert [i.done_on for i in ts.checklist(db, c.agent_a, c.ann)][:2] == [date(2026, 11, 3), None]
    with pytest.raises(PermissionDenied):
        ts.checklist(db, c.agent_b, c.ann)
    # nesting: Ann hired 2026-11-02 (a Monday); week 1 is 2–8 Nov, week 2 is 9–15 Nov
    from floorwalker.org.models import Employee

    db.get(Employee, c.ann).hire_date = date(2026, 11, 2)
    db.commit()
    _contacts(stores, c.site_code, "ann.agent", date(2026, 11, 3), 1, 4, 400.0)
    _contacts(stores, c.site_code, "cat.agent", date(2026, 11, 3), 1, 4, 200.0)
    _contacts(stores, c.site_code, "ann.agent", date(2026, 11, 10), 1, 2, 300.0)
    _evaluate(db, c, c.ann, datetime(2026, 11, 4, 9))
    _evaluate(
        db,
        c,
        c.cat,
        datetime(2026, 11, 4, 10),
        {"greeting": "yes", "verify_id": "yes", "empathy": 5, "resolved": "yes"},
    )
    with stores.warehouse.connect() as wh:
        weeks = ts.nesting(db, wh, c.sup_a, c.ann, today=date(2026, 11, 12))
        assert [w.week for w in weeks] == [1, 2]
        w1, w2 = weeks
        assert (w1.aht_s, w1.handled, w1.team_aht_s) == (400.0, 4, 300.0)  # team: (4×400 + 4×200) / 8
        assert w1.qa_score == pytest.approx(0.5625) and w1.team_qa_score == pytest.approx((0.5625 + 1.0) / 2)
        assert (w2.aht_s, w2.handled, w2.evaluations, w2.qa_score) == (300.0, 2, 0, None)
        own = ts.nesting(db, wh, c.agent_a, c.ann, today=date(2026, 11, 12))
        assert own[0].aht_s == 400.0 and own[0].team_aht_s is None and own[0].team_qa_score is None
        with pytest.raises(PermissionDenied):
            ts.nesting(db, wh, c.agent_b, c.ann, today=date(2026, 11, 12))
    assert [e.id for e in ts.new_hires(db, c.sup_a, date(2026, 11, 12))] == [c.ann]
