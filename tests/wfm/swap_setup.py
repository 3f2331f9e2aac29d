"""A small published week that keeps every rule, for the swap and edit tests (built
here, no shared data). Site LON (UTC), week of Monday 2030-01-07, 30-minute intervals,
two agents required 08:00–20:00 every day.

* ann (team Red, 36 h): full shifts 08:00–16:30 Mon–Thu, a part shift 08:00–12:00 Fri.
* bob (team Red, 40 h): full shifts 11:30–20:00 Tue–Sat.
* cat (team Blue, 36 h): full shifts 09:00–17:30 Mon–Thu.

Full shifts take break 1 at +90 min, lunch at +240, break 2 at +390; part shifts their
break at +90. The stored coverage is what these shifts give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.org.models import Employee
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from floorwalker.wfm.time_off import IntervalCoverage, ShiftSpan, contribution
from tests import factories as f

WEEK = date(2030, 1, 7)
MONDAY = datetime(2030, 1, 7)
FULL = (
    ("break", "break 1", 90, 15, True),
    ("lunch", "lunch", 240, 30, False),
    ("break", "break 2", 390, 15, True),
)
PART = (("break", "break", 90, 15, True),)


@dataclass
class World:
    schedule: Schedule
    ann: Employee
    bob: Employee
    cat: Employee
    boss: Employee
    other_boss: Employee
    red: int
    blue: int

    def actor(self, emp: Employee, role: str = "agent") -> Actor:
        teams = (
            frozenset({self.red})
            if emp is self.boss
            else frozenset({self.blue})
            if emp is self.other_boss
            else frozenset()
        )
        return Actor(
            user_id=None,
            username=emp.agent_code or emp.full_name,
            role=role,
            employee_id=emp.id,
            team_ids=teams,
        )

    @property
    def sue(self) -> Actor:
        """Supervisor of team Red (ann and bob)."""
        return self.actor(self.boss, "supervisor")

    @property
    def tom(self) -> Actor:
        """Supervisor of team Blue (cat)."""
        return self.actor(self.other_boss, "supervisor")


MANAGER = Actor(user_id=None, username="mia", role="manager")


def build(db: Session) -> World:
    site = f.site(db, code="LON", time_zone="UTC")
    boss = f.employee(db, site.id, role="supervisor", agent_code=None, full_name="Sue Boss")
    other = f.employee(db, site.id, role="supervisor", agent_code=None, full_name="Tom Boss")
    red = f.team(db, site.id, name="Red", supervisor_id=boss.id)
    blue = f.team(db, site.id, name="Blue", supervisor_id=other.id)
    ann = f.employee(db, site.id, red.id, agent_code="ann", full_name="Ann Agent", contract_hours_per_week=36)
    bob = f.employee(db, site.id, red.id, agent_code="bob", full_name="Bob Agent", contract_hours_per_week=40)
    cat = f.employee(
        db, site.id, blue.id, agent_code="cat", full_name="Cat Agent", contract_hours_per_week=36
    )
    n = 7 * 48
    schedule = Schedule(
        site_id=site.id, week_start=WEEK, status="published", time_zone="UTC", interval_min=30,
        objective=0, bound=0, gap=0, solver_status="optimal", under_agent_hours=0, over_agent_hours=0,
        rule_violations=0, projected_sl=None, created_by="mia", created_at=MONDAY - timedelta(days=7),
        intervals=[
            {"start_utc": (MONDAY + timedelta(minutes=30 * t)).isoformat(),
             "required": 2 if 16 <= t % 48 < 40 else 0, "scheduled": 0, "service_level": None}
            for t in range(n)
        ],
    )  # fmt: skip
    db.add(schedule)
    db.flush()
    plan = {
        ann: dict.fromkeys(range(4), (8 * 60, 510, FULL)) | {4: (8 * 60, 240, PART)},
        bob: dict.fromkeys(range(1, 6), (11 * 60 + 30, 510, FULL)),
        cat: dict.fromkeys(range(4), (9 * 60, 510, FULL)),
    }
    spans = []
    for emp, days in plan.items():
        for d in range(7):
            day = WEEK + timedelta(days=d)
            if d not in days:
                db.add(ScheduleShift(schedule_id=schedule.id, employee_id=emp.id, agent_code=emp.agent_code,
                                     day=day, kind="off"))  # fmt: skip
                continue
            start_min, length, breaks = days[d]
            start = MONDAY + timedelta(days=d, minutes=start_min)
            end = start + timedelta(minutes=length)
            row = ScheduleShift(
                schedule_id=schedule.id, employee_id=emp.id, agent_code=emp.agent_code, day=day, kind="work",
                template="full" if length == 510 else "part", start_utc=start, end_utc=end,
                start_local=start, end_local=end,
            )  # fmt: skip
            db.add(row)
            db.flush()
            acts = []
            for kind, name, offset, minutes, paid in breaks:
                a = start + timedelta(minutes=offset)
                b = a + timedelta(minutes=minutes)
                db.add(ScheduleActivity(shift_id=row.id, kind=kind, name=name, paid=paid, start_utc=a,
                                        end_utc=b, start_local=a, end_local=b))  # fmt: skip
                acts.append((a, b))
            spans.append(ShiftSpan(start, end, tuple(acts)))
    cover = [
        IntervalCoverage(datetime.fromisoformat(i["start_utc"]), i["required"], 0) for i in schedule.intervals
    ]
    delta = contribution(cover, 30, spans)
    schedule.intervals = [{**iv, "scheduled": delta.get(t, 0)} for t, iv in enumerate(schedule.intervals)]
    db.commit()
    return World(schedule, ann, bob, cat, boss, other, red.id, blue.id)


def row(db: Session, emp: Employee, day: int) -> ScheduleShift:
    from sqlalchemy import select

    return db.scalars(
        select(ScheduleShift).where(
            ScheduleShift.employee_id == emp.id, ScheduleShift.day == WEEK + timedelta(days=day)
        )
    ).one()
