"""A published day for the intraday tests (built here, no shared data): the history of
test_schedule_generate (a UTC site LON, queue sales, 09:00–17:00 weekdays), a saved forecast,
and a published week with hand-placed shifts on Tuesday 2026-10-20."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from floorwalker.auth.permissions import Actor
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from tests import factories as f
from tests.wfm.test_schedule_generate import WEEK, history

DAY = date(2026, 10, 20)
MANAGER = Actor(user_id=None, username="mia", role="manager")


def at(hh: float) -> datetime:
    return datetime(2026, 10, 20) + timedelta(hours=hh)


def _shift(db, sched, emp, start: datetime, end: datetime, template: str, blocks) -> ScheduleShift:
    shift = ScheduleShift(
        schedule_id=sched.id, employee_id=emp.id, agent_code=emp.agent_code, day=start.date(), kind="work",
        template=template, start_utc=start, end_utc=end, start_local=start, end_local=end,
    )  # fmt: skip
    db.add(shift)
    db.flush()
    for kind, name, s, e, paid in blocks:
        db.add(ScheduleActivity(shift_id=shift.id, kind=kind, name=name, paid=paid, start_utc=s, end_utc=e,
                                start_local=s, end_local=e))  # fmt: skip
    return shift


def full_day(start: float, b1: float, lunch: float, b2: float, extra=()) -> list[tuple[Any, ...]]:
    return [
        ("break", "break 1", at(b1), at(b1 + 0.25), True),
        ("lunch", "lunch", at(lunch), at(lunch + 0.5), False),
        ("break", "break 2", at(b2), at(b2 + 0.25), True),
        *extra,
    ]


def published_day(stores, db, monkeypatch) -> dict[str, Any]:
    """ann (team Red), bob (Blue), cy (Red, with a team meeting 10:00–11:00) work 09:00–17:30
    (template full); dan (Red, 20 h) worked Monday 09:00–13:00 and is off Tuesday."""
    people = history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        versions.create_version(
            db, wh, MANAGER, queue="sales", horizon_days=14, method="weighted_average", history_days=35
        )
    site_id = people[0].site_id
    red, blue = f.team(db, site_id, name="Red"), f.team(db, site_id, name="Blue")
    ann, bob, cy, dan = people
    for e, code, t in ((ann, "ann", red), (bob, "bob", blue), (cy, "cy", red), (dan, "dan", red)):
        e.agent_code, e.team_id = code, t.id
    sched = Schedule(
        site_id=site_id, week_start=WEEK, status="published", time_zone="UTC", interval_min=30, objective=0,
        bound=0, gap=0, solver_status="optimal", under_agent_hours=0, over_agent_hours=0, rule_violations=0,
        projected_sl=None, intervals=[], created_by="mia", created_at=datetime(2026, 10, 14),
    )  # fmt: skip
    db.add(sched)
    db.flush()
    shifts = {
        "ann": _shift(db, sched, ann, at(9), at(17.5), "full", full_day(9, 10, 12.5, 15.5)),
        "bob": _shift(db, sched, bob, at(9), at(17.5), "full", full_day(9, 10.5, 13, 15.5)),
        "cy": _shift(db, sched, cy, at(9), at(17.5), "full",
                     full_day(9, 11, 13, 16, [("meeting", "team meeting", at(10), at(11), True)])),
    }  # fmt: skip
    monday = datetime(2026, 10, 19, 9)
    brk = monday + timedelta(hours=1)
    _shift(db, sched, dan, monday, monday + timedelta(hours=4), "part",
           [("break", "break", brk, brk + timedelta(minutes=15), True)])  # fmt: skip
    for e in people:
        for d in range(7):
            day = WEEK + timedelta(days=d)
            if day == DAY and e is not dan:
                continue
            if e is dan and day == WEEK:
                continue
            db.add(ScheduleShift(schedule_id=sched.id, employee_id=e.id, agent_code=e.agent_code, day=day,
                                 kind="off"))  # fmt: skip
    db.commit()
    return {"red": red, "blue": blue, "people": people, "shifts": shifts, "schedule": sched}
