"""Reading and editing stored schedules for the pages: a week's grid per agent and day,
an agent's own shifts (and their iCalendar), and a supervisor's edit of one shift,
checked against every rule by the independent checker before it is saved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.errors import NotFound, PermissionDenied
from floorwalker.org.models import Employee, Site
from floorwalker.wfm.adherence_service import visible_shifts
from floorwalker.wfm.ical import Event, calendar
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
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
    agent would then break a rule; the stored coverage follows the move. Supervisors
    (their teams), managers, admins; audited (wfm.schedule_edit_service)."""
    from floorwalker.wfm import schedule_edit_service

    schedule_edit_service.move_start(session, actor, shift_id, start)
    shift = session.get(ScheduleShift, shift_id)
    if shift is None:
        raise NotFound(f"no shift with id {shift_id}", field="shift")
    return shift
