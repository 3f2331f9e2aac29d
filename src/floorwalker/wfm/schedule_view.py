"""Reading and editing stored schedules for the pages: a week's grid per agent and day,
an agent's own shifts (and their iCalendar), and a supervisor's edit of one shift,
checked against every rule by the independent checker before it is saved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee, Site
from floorwalker.wfm.adherence_service import visible_shifts
from floorwalker.wfm.ical import Event, calendar
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.rules import ScheduledActivity, ScheduledShift
from floorwalker.wfm.scheduling.week import Person, week_instance
from floorwalker.wfm.versions_service import PLANNER_ROLES, READER_ROLES

EDITOR_ROLES = ("admin", "manager", "supervisor")


@dataclass(frozen=True)
class Cell:
    """One agent's day in the grid: a shift (local start/end, template, activities) or off."""

    shift_id: int
    kind: str
    start: datetime | None
    end: datetime | None
    template: str | None
    activities: list[dict[str, Any]]


def require_reader(actor: Actor) -> None:
    if actor.role not in READER_ROLES:
        raise PermissionDenied("the week's schedule is for supervisors, managers and admins")


def week_schedule(
    session: Session, actor: Actor, site: Site, monday: date, status: str | None = None
) -> tuple[Schedule | None, list[dict[str, Any]]]:
    """The site's schedule for the week (``status`` "draft" or "published"; by default the
    draft for planners when there is one, else the published one) and its rows: one per
    agent the actor may see, with the seven days' cells."""
    require_reader(actor)
    wanted = status
    if wanted is None:
        wanted = "published"
        if actor.role in PLANNER_ROLES and _find(session, site.id, monday, "draft") is not None:
            wanted = "draft"
    if wanted == "draft" and actor.role not in PLANNER_ROLES:
        raise PermissionDenied("drafts are for managers and admins until published")
    schedule = _find(session, site.id, monday, wanted)
    if schedule is None:
        return None, []
    stmt = (
        select(ScheduleShift, Employee.full_name)
        .join(Employee, Employee.id == ScheduleShift.employee_id)
        .where(ScheduleShift.schedule_id == schedule.id)
    )
    rows = session.execute(
        visible_shifts(stmt, actor).order_by(ScheduleShift.agent_code, ScheduleShift.day)
    ).all()
    acts = _activities(session, [s.id for s, _ in rows])
    agents: dict[str, dict[str, Any]] = {}
    for shift, name in rows:
        a = agents.setdefault(
            shift.agent_code, {"agent": shift.agent_code, "name": name, "days": [None] * 7, "paid_h": 0.0}
        )
        cell = _cell(shift, acts[shift.id])
        a["days"][(shift.day - monday).days] = cell
        if cell.start is not None and cell.end is not None:
            unpaid = sum(x["minutes"] for x in cell.activities if not x["paid"])
            a["paid_h"] += ((cell.end - cell.start).total_seconds() / 60 - unpaid) / 60
    return schedule, list(agents.values())


def _find(session: Session, site_id: int, monday: date, status: str) -> Schedule | None:
    return session.scalars(
        select(Schedule)
        .where(Schedule.site_id == site_id, Schedule.week_start == monday, Schedule.status == status)
        .order_by(Schedule.id.desc())
    ).first()


def _activities(session: Session, ids: list[int]) -> dict[int, list[ScheduleActivity]]:
    out: dict[int, list[ScheduleActivity]] = defaultdict(list)
    if ids:
        for a in session.scalars(
            select(ScheduleActivity)
            .where(ScheduleActivity.shift_id.in_(ids))
            .order_by(ScheduleActivity.start_utc)
        ):
            out[a.shift_id].append(a)
    return out


def _cell(shift: ScheduleShift, acts: list[ScheduleActivity]) -> Cell:
    return Cell(
        shift.id, shift.kind, shift.start_local, shift.end_local, shift.template,
        [
            {"id": a.id, "kind": a.kind, "name": a.name, "start": a.start_local, "end": a.end_local,
             "paid": a.paid, "minutes": int((a.end_utc - a.start_utc).total_seconds() // 60)}
            for a in acts
        ],
    )  # fmt: skip


def my_shifts(session: Session, actor: Actor, first: date, last: date) -> list[tuple[ScheduleShift, Cell]]:
    """The actor's own published days (shifts and days off) from ``first`` to ``last``."""
    if actor.employee_id is None:
        raise PermissionDenied("your user is not linked to an employee: no schedule of your own")
    rows = session.scalars(
        select(ScheduleShift)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .where(
            Schedule.status == "published",
            ScheduleShift.employee_id == actor.employee_id,
            ScheduleShift.day >= first,
            ScheduleShift.day <= last,
        )
        .order_by(ScheduleShift.day)
    ).all()
    acts = _activities(session, [s.id for s in rows])
    return [(s, _cell(s, acts[s.id])) for s in rows]


def my_calendar(session: Session, actor: Actor, host: str = "floorwalker") -> str:
    """iCalendar of the actor's published shifts from a week ago on (one VEVENT a shift,
    its breaks and activities in the description)."""
    today = clock.utcnow().date()
    events = []
    for shift, cell in my_shifts(session, actor, today - timedelta(days=7), today + timedelta(days=366)):
        if shift.kind != "work" or shift.start_utc is None or shift.end_utc is None:
            continue
        details = [f"{a['name']} {a['start']:%H:%M}–{a['end']:%H:%M}" for a in cell.activities]
        events.append(
            Event(
                f"shift-{shift.id}@{host}",
                shift.start_utc,
                shift.end_utc,
                f"Shift ({shift.template})",
                "\n".join(details),
            )
        )
    return calendar(events, stamp=clock.utcnow(), name="My schedule")


def edit_shift(session: Session, actor: Actor, shift_id: int, start: str) -> ScheduleShift:
    """Move a shift to start at ``start`` (site-local HH:MM, same day, same template); its
    breaks and activities move with it. Refused, naming the rule, when the week of that
    agent would then break a rule. Supervisors (their teams), managers, admins; audited."""
    shift = session.get(ScheduleShift, shift_id)
    if shift is None or shift.kind != "work" or shift.start_local is None or shift.end_local is None:
        raise NotFound(f"no shift with id {shift_id}", field="shift")
    emp = session.get(Employee, shift.employee_id)
    schedule = session.get(Schedule, shift.schedule_id)
    if emp is None or schedule is None:
        raise NotFound(f"no shift with id {shift_id}", field="shift")
    allowed = actor.role in PLANNER_ROLES or (actor.role == "supervisor" and emp.team_id in actor.team_ids)
    if actor.role not in EDITOR_ROLES or not allowed:
        raise PermissionDenied("only the agent's supervisor, managers and admins edit a shift")
    try:
        hh, mm = (int(p) for p in start.split(":"))
        new_start = datetime.combine(shift.day, datetime.min.time()).replace(hour=hh, minute=mm)
    except ValueError:
        raise InvalidInput(f"start: '{start}' is not a time (HH:MM)", field="start") from None
    delta = new_start - shift.start_local
    monday = schedule.week_start
    base = datetime.combine(monday, datetime.min.time())

    def minute(local: datetime) -> int:
        return int((local - base).total_seconds() // 60)

    rows = session.scalars(
        select(ScheduleShift).where(
            ScheduleShift.schedule_id == schedule.id,
            ScheduleShift.employee_id == emp.id,
            ScheduleShift.kind == "work",
        )
    ).all()
    acts = _activities(session, [r.id for r in rows])
    mine = []
    for r in rows:
        shift_by = delta if r.id == shift.id else timedelta(0)
        assert_local(r)
        mine.append(
            ScheduledShift(
                r.agent_code, r.template or "", (r.day - monday).days,
                minute(r.start_local + shift_by), minute(r.end_local + shift_by),  # type: ignore[operator]
                tuple(ScheduledActivity(a.kind, a.name, minute(a.start_local + shift_by),
                                        minute(a.end_local + shift_by), a.paid) for a in acts[r.id]),
            )
        )  # fmt: skip
    required = [int(i["required"]) for i in schedule.intervals]
    instance = week_instance(
        required, schedule.interval_min, [Person(shift.agent_code, emp.contract_hours_per_week)]
    )
    problems = check_schedule(instance, mine)
    if problems:
        raise InvalidInput(f"edit refused: {problems[0]}", field="start")
    zone = ZoneInfo(schedule.time_zone)
    before = {"start_local": shift.start_local.isoformat()}

    def move(local: datetime) -> tuple[datetime, datetime]:
        moved = local + delta
        return moved.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None), moved

    shift.start_utc, shift.start_local = move(shift.start_local)
    shift.end_utc, shift.end_local = move(shift.end_local)
    for a in acts[shift.id]:
        a.start_utc, a.start_local = move(a.start_local)
        a.end_utc, a.end_local = move(a.end_local)
    audit.record(session, actor, "edit", "schedule_shift", shift.id,
                 audit.diff(before, {"start_local": shift.start_local.isoformat()}))  # fmt: skip
    session.commit()
    return shift


def assert_local(row: ScheduleShift) -> None:
    if row.start_local is None or row.end_local is None:
        raise ValueError(f"work shift {row.id} has no times")
