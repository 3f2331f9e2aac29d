"""Time-off requests: coverage impact (pure and on both stores), approval flow and roles."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import time_off_service as svc
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from floorwalker.wfm.time_off import IntervalCoverage, ShiftSpan, removal_impact
from tests import factories as f

NINE = datetime(2026, 10, 20, 9)


def test_removal_impact_counts_like_the_optimiser() -> None:
    ivs = [IntervalCoverage(NINE + timedelta(minutes=30 * i), 2, 2 if i != 4 else 0) for i in range(8)]
    shift = ShiftSpan(
        NINE, NINE + timedelta(hours=4), ((NINE + timedelta(hours=2), NINE + timedelta(minutes=135)),)
    )
    out = removal_impact(ivs, 30, [shift])
    assert [i.start.hour * 60 + i.start.minute for i in out] == [540, 570, 600, 630, 690, 720, 750]
    assert all((i.after, i.extra_short) == (1, 1) for i in out)  # the break interval is not touched
    already_short = removal_impact(
        [IntervalCoverage(NINE, 3, 1)], 30, [ShiftSpan(NINE, NINE + timedelta(minutes=30))]
    )
    assert (already_short[0].short_after, already_short[0].extra_short) == (3, 1)


def _setup(db):
    site = f.site(db, code="LON", time_zone="UTC")
    boss = f.employee(db, site.id, role="supervisor", agent_code=None)
    red = f.team(db, site.id, name="Red", supervisor_id=boss.id)
    blue = f.team(db, site.id, name="Blue")
    ann = f.employee(db, site.id, red.id, agent_code="ann")
    bob = f.employee(db, site.id, blue.id, agent_code="bob")
    intervals = [
        {"start_utc": (NINE + timedelta(minutes=30 * i)).isoformat(), "required": 2,
         "scheduled": 2 if i != 4 else 0, "service_level": None}
        for i in range(8)
    ]  # fmt: skip
    sched = Schedule(
        site_id=site.id, week_start=date(2026, 10, 19), status="published", time_zone="UTC", interval_min=30,
        objective=0, bound=0, gap=0, solver_status="optimal", under_agent_hours=0, over_agent_hours=0,
        rule_violations=0, projected_sl=None, intervals=intervals, created_by="mia", created_at=NINE,
    )  # fmt: skip
    db.add(sched)
    db.flush()
    for e in (ann, bob):
        s = ScheduleShift(
            schedule_id=sched.id, employee_id=e.id, agent_code=e.agent_code, day=NINE.date(), kind="work",
            template="part", start_utc=NINE, end_utc=NINE + timedelta(hours=4), start_local=NINE,
            end_local=NINE + timedelta(hours=4),
        )  # fmt: skip
        db.add(s)
        db.flush()
        b = NINE + timedelta(hours=2)
        db.add(ScheduleActivity(shift_id=s.id, kind="break", name="break", paid=True, start_utc=b,
                                end_utc=b + timedelta(minutes=15), start_local=b,
                                end_local=b + timedelta(minutes=15)))  # fmt: skip
    db.commit()
    agent = Actor(user_id=None, username="ann", role="agent", employee_id=ann.id)
    sup = Actor(
        user_id=None, username="sue", role="supervisor", employee_id=boss.id, team_ids=frozenset({red.id})
    )
    return agent, sup, ann, bob, sched


def test_request_impact_and_approval(stores, db) -> None:
    agent, sup, ann, bob, sched = _setup(db)
    with pytest.raises(InvalidInput, match="end after"):
        svc.request_time_off(db, agent, NINE, NINE)
    req = svc.request_time_off(db, agent, datetime(2026, 10, 20, 8), datetime(2026, 10, 20, 18), "dentist")
    assert [r["request"].id for r in svc.list_requests(db, sup)] == [req.id]
    assert svc.list_requests(db, sup)[0]["can_decide"] is True
    assert svc.list_requests(db, agent)[0]["can_decide"] is False
    bob_actor = Actor(user_id=None, username="bob", role="agent", employee_id=bob.id)
    assert svc.list_requests(db, bob_actor) == []
    with pytest.raises(NotFound):
        svc.impact(db, bob_actor, req.id)
    with pytest.raises(PermissionDenied):
        svc.decide(db, agent, req.id, True)
    seen = svc.impact(db, sup, req.id)
    assert len(seen["shifts"]) == 1 and len(seen["below"]) == 7 and seen["extra_short_agent_intervals"] == 7
    assert seen["below"][0].start == NINE and (seen["below"][0].before, seen["below"][0].after) == (2, 1)
    svc.decide(db, sup, req.id, True, "ok")
    db.expire_all()
    shift = db.scalars(select(ScheduleShift).where(ScheduleShift.employee_id == ann.id)).one()
    assert (shift.kind, shift.start_utc) == ("off", None)
    assert db.scalars(select(ScheduleActivity).where(ScheduleActivity.shift_id == shift.id)).all() == []
    assert [i["scheduled"] for i in db.get(Schedule, sched.id).intervals] == [1, 1, 1, 1, 0, 1, 1, 1]
    with pytest.raises(InvalidInput, match="already approved"):
        svc.decide(db, sup, req.id, False)
    refused = svc.request_time_off(db, agent, datetime(2026, 10, 21, 8), datetime(2026, 10, 21, 9))
    assert svc.impact(db, sup, refused.id)["shifts"] == []
    svc.decide(db, sup, refused.id, False, "busy week")
    actions = sorted(
        a for (a,) in db.execute(select(AuditEntry.action).where(AuditEntry.entity == "time_off"))
    )
    assert actions == ["approve", "refuse", "request", "request"]
