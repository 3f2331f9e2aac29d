"""Rule-checked changes of stored schedules: load an agent's week, check a changed week
against every hard rule (the independent checker, with the rules the schedule was
generated under), store it and keep the stored coverage per interval in step. Shared
by the supervisor edits below and the shift swaps (wfm.swap_service).

Supervisor edits: change a shift's end, move a break or activity, add a meeting /
training / coaching block, remove a shift (day off), add a shift from a template. Each
is refused with the rule named when it would break a hard rule the week did not already
break; each is audited. Supervisors edit their teams' agents, managers and admins any.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee, Site
from floorwalker.wfm import shift_edits as edits
from floorwalker.wfm.availability_service import week_inputs
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from floorwalker.wfm.previous_week import previous_week
from floorwalker.wfm.schedule_service import approved_time_off
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY, Instance, ScheduledActivity
from floorwalker.wfm.scheduling.week import Person, week_instance
from floorwalker.wfm.shift_edits import DayShift, EditRefused
from floorwalker.wfm.swaps import coverage_change, coverage_delta
from floorwalker.wfm.time_off import Impact, IntervalCoverage, ShiftSpan
from floorwalker.wfm.versions_service import PLANNER_ROLES

#: Agent code → week (day index → shift).
Weeks = Mapping[str, Mapping[int, DayShift]]
#: An agent's stored week and what it becomes.
Changes = Sequence[tuple["AgentWeek", Mapping[int, DayShift]]]
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class AgentWeek:
    """One employee's days in one stored schedule: the rows (day index → row, work or
    off), their activities, and the week as pure ``DayShift``s."""

    schedule: Schedule
    employee: Employee
    rows: dict[int, ScheduleShift]
    week: dict[int, DayShift]

    @property
    def code(self) -> str:
        return self.employee.agent_code or ""


def can_edit(actor: Actor, emp: Employee) -> bool:
    """Managers and admins edit anyone; supervisors the agents of the teams they lead."""
    if actor.role in PLANNER_ROLES:
        return True
    return actor.role == "supervisor" and emp.team_id is not None and emp.team_id in actor.team_ids


def lock_schedule(session: Session, schedule_id: int) -> Schedule | None:
    """The schedule, re-read and locked for this transaction (PostgreSQL: FOR UPDATE;
    SQLite locks the whole file on write), so that two changes of one week are applied
    one after the other: the second sees the first's shifts and coverage."""
    return session.scalars(
        select(Schedule)
        .where(Schedule.id == schedule_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _base(monday: date) -> datetime:
    return datetime.combine(monday, datetime.min.time())


def _minute(monday: date, local: datetime) -> int:
    return int((local - _base(monday)).total_seconds() // 60)


def local_at(schedule: Schedule, minute: int) -> tuple[datetime, datetime]:
    """(naive UTC, naive site-local) of ``minute`` minutes after the week's Monday 00:00."""
    local = _base(schedule.week_start) + timedelta(minutes=minute)
    utc = local.replace(tzinfo=ZoneInfo(schedule.time_zone)).astimezone(UTC).replace(tzinfo=None)
    return utc, local


def load_week(session: Session, schedule: Schedule, emp: Employee) -> AgentWeek:
    rows = session.scalars(
        select(ScheduleShift)
        .where(ScheduleShift.schedule_id == schedule.id, ScheduleShift.employee_id == emp.id)
        .execution_options(populate_existing=True)
    ).all()
    ids = [r.id for r in rows]
    acts: dict[int, list[ScheduleActivity]] = {i: [] for i in ids}
    if ids:
        for a in session.scalars(select(ScheduleActivity).where(ScheduleActivity.shift_id.in_(ids))):
            acts[a.shift_id].append(a)
    monday = schedule.week_start
    by_day: dict[int, ScheduleShift] = {}
    week: dict[int, DayShift] = {}
    for r in rows:
        d = (r.day - monday).days
        by_day[d] = r
        if r.kind == "work" and r.start_local is not None and r.end_local is not None:
            week[d] = DayShift(
                r.template or "", _minute(monday, r.start_local), _minute(monday, r.end_local),
                tuple(sorted((ScheduledActivity(a.kind, a.name, _minute(monday, a.start_local),
                                                _minute(monday, a.end_local), a.paid) for a in acts[r.id]),
                             key=lambda a: a.start)),
            )  # fmt: skip
    return AgentWeek(schedule, emp, by_day, week)


def week_rules(session: Session, schedule: Schedule, emps: Sequence[Employee]) -> Instance:
    """The rules the schedule's week is held to: the default templates and contracts of
    generation (scheduling.week) on the stored requirement, with approved time off, the
    agents' availability (a hard rule, as in generation) and the previous week's last
    shifts and runs of working days."""
    leave = approved_time_off(session, [e.id for e in emps], schedule.week_start)
    inputs = week_inputs(session, [e.id for e in emps], schedule.week_start)
    before = previous_week(session, schedule.site_id, schedule.week_start)
    people = [
        Person(
            e.agent_code or f"employee {e.id}",
            float(e.contract_hours_per_week),
            tuple(leave.get(e.id, ())),
            availability=inputs.get(e.id, (None, None))[0],
            last_shift_end=before.get(e.id, (None, 0))[0],
            days_in_a_row_before=before.get(e.id, (None, 0))[1],
        )
        for e in emps
    ]
    required = [int(i["required"]) for i in schedule.intervals]
    if len(required) != 7 * MINUTES_PER_DAY // schedule.interval_min:
        raise InvalidInput("the schedule has no stored requirement for its week: it cannot be checked")
    return week_instance(required, schedule.interval_min, people)


def new_problems(
    instance: Instance,
    before: Mapping[str, Mapping[int, DayShift]],
    after: Mapping[str, Mapping[int, DayShift]],
) -> list[str]:
    """Hard-rule violations of the ``after`` weeks that the ``before`` weeks did not have
    (a violation the week already had does not block a change that leaves it as it was)."""

    def problems(weeks: Weeks) -> list[str]:
        shifts, planned = [], []
        for code, week in weeks.items():
            s, p = edits.for_check(code, week)
            shifts.extend(s)
            planned.extend(p)
        return check_schedule(replace(instance, activities=tuple(planned)), shifts)

    old = Counter(problems(before))
    out = []
    for p in problems(after):
        if old[p] > 0:
            old[p] -= 1
        else:
            out.append(p)
    return out


def spans(schedule: Schedule, week: Mapping[int, DayShift], days: Sequence[int]) -> list[ShiftSpan]:
    """The shifts of ``days`` as UTC spans with their off-phone activities."""
    out = []
    for d in days:
        s = week.get(d)
        if s is not None:
            acts = tuple((local_at(schedule, a.start)[0], local_at(schedule, a.end)[0]) for a in s.activities)
            out.append(ShiftSpan(local_at(schedule, s.start)[0], local_at(schedule, s.end)[0], acts))
    return out


def coverage(schedule: Schedule) -> list[IntervalCoverage]:
    return [
        IntervalCoverage(datetime.fromisoformat(i["start_utc"]), int(i["required"]), int(i["scheduled"]))
        for i in schedule.intervals
    ]


def surplus(schedule: Schedule) -> list[float]:
    """Agents scheduled minus required per interval of the stored week."""
    return [float(int(i["scheduled"]) - int(i["required"])) for i in schedule.intervals]


def changed_days(before: Mapping[int, DayShift], after: Mapping[int, DayShift]) -> list[int]:
    return [d for d in range(7) if before.get(d) != after.get(d)]


def impact(schedule: Schedule, changes: Changes) -> list[Impact]:
    """Coverage per interval that changes when each agent week becomes its new week."""
    removed, added = _spans_of(schedule, changes)
    return coverage_change(coverage(schedule), schedule.interval_min, removed, added)


def _spans_of(schedule: Schedule, changes: Changes) -> tuple[list[ShiftSpan], list[ShiftSpan]]:
    removed: list[ShiftSpan] = []
    added: list[ShiftSpan] = []
    for aw, new in changes:
        days = changed_days(aw.week, new)
        removed.extend(spans(schedule, aw.week, days))
        added.extend(spans(schedule, new, days))
    return removed, added


def store(session: Session, schedule: Schedule, changes: Changes) -> None:
    """Write each agent's new week (only the days that change) and move the stored
    coverage of the schedule by the change. The caller commits."""
    removed, added = _spans_of(schedule, changes)
    delta = coverage_delta(coverage(schedule), schedule.interval_min, removed, added)
    if delta:
        schedule.intervals = [
            {**iv, "scheduled": int(iv["scheduled"]) + delta.get(i, 0)}
            for i, iv in enumerate(schedule.intervals)
        ]
    for aw, new in changes:
        for d in changed_days(aw.week, new):
            row = aw.rows.get(d)
            if row is None:
                row = ScheduleShift(
                    schedule_id=schedule.id, employee_id=aw.employee.id, agent_code=aw.code,
                    day=schedule.week_start + timedelta(days=d), kind="off",
                )  # fmt: skip
                session.add(row)
                session.flush()
                aw.rows[d] = row
            session.execute(delete(ScheduleActivity).where(ScheduleActivity.shift_id == row.id))
            s = new.get(d)
            if s is None:
                row.kind, row.template = "off", None
                row.start_utc = row.end_utc = row.start_local = row.end_local = None
                continue
            row.kind, row.template = "work", s.template
            row.start_utc, row.start_local = local_at(schedule, s.start)
            row.end_utc, row.end_local = local_at(schedule, s.end)
            for a in s.activities:
                au, al = local_at(schedule, a.start)
                bu, bl = local_at(schedule, a.end)
                session.add(
                    ScheduleActivity(shift_id=row.id, kind=a.kind, name=a.name, paid=a.paid,
                                     start_utc=au, end_utc=bu, start_local=al, end_local=bl)
                )  # fmt: skip
        aw.week = dict(new)


def describe(schedule: Schedule, day: int, shift: DayShift | None) -> str:
    """'Tue 2026-10-20 09:00–17:30 (full)' or 'Tue 2026-10-20 off'."""
    when = f"{DAY_NAMES[day]} {schedule.week_start + timedelta(days=day)}"
    if shift is None:
        return f"{when} off"
    return f"{when} {edits.hhmm(shift.start)}–{edits.hhmm(shift.end)} ({shift.template})"


# --- supervisor edits ------------------------------------------------------------------


def _target(
    session: Session, actor: Actor, shift_id: int, lock: bool = True
) -> tuple[ScheduleShift, Schedule, Employee]:
    row = session.get(ScheduleShift, shift_id)
    schedule = None
    if row is not None:
        schedule = lock_schedule(session, row.schedule_id) if lock else session.get(Schedule, row.schedule_id)
    emp = None if row is None else session.get(Employee, row.employee_id)
    if row is None or schedule is None or emp is None or schedule.status == "superseded":
        raise NotFound(f"no shift with id {shift_id}", field="shift")
    if not can_edit(actor, emp):
        raise PermissionDenied("only the agent's supervisor, managers and admins edit a shift")
    if schedule.status == "draft" and actor.role not in PLANNER_ROLES:
        raise PermissionDenied("drafts are for managers and admins until published")
    return row, schedule, emp


Change = Callable[[Instance, dict[int, DayShift], int, list[float]], dict[int, DayShift]]


def _edit(
    session: Session, actor: Actor, shift_id: int, action: str, change: Change, field: str
) -> dict[str, Any]:
    row, schedule, emp = _target(session, actor, shift_id)
    aw = load_week(session, schedule, emp)
    day = (row.day - schedule.week_start).days
    instance = week_rules(session, schedule, [emp])
    try:
        new = change(instance, dict(aw.week), day, surplus(schedule))
    except EditRefused as exc:
        raise InvalidInput(f"edit refused: {exc}", field=field) from None
    problems = new_problems(instance, {aw.code: aw.week}, {aw.code: new})
    if problems:
        raise InvalidInput("edit refused: " + "; ".join(problems), field=field)
    before, after = describe(schedule, day, aw.week.get(day)), describe(schedule, day, new.get(day))
    impacts = impact(schedule, [(aw, new)])
    old_acts = [f"{a.name} {edits.hhmm(a.start)}" for a in aw.week[day].activities] if day in aw.week else []
    store(session, schedule, [(aw, new)])
    new_acts = [f"{a.name} {edits.hhmm(a.start)}" for a in new[day].activities] if day in new else []
    audit.record(session, actor, action, "schedule_shift", row.id,
                 {"agent": aw.code, "before": before, "after": after, "activities_before": old_acts,
                  "activities_after": new_acts})  # fmt: skip
    session.commit()
    return {"shift_id": row.id, "agent": aw.code, "before": before, "after": after, "activities": new_acts,
            "coverage": impacts}  # fmt: skip


def _time(raw: str, field: str) -> int:
    try:
        return edits.parse_time(raw, field)
    except EditRefused as exc:
        raise InvalidInput(str(exc), field=field) from None


def move_start(session: Session, actor: Actor, shift_id: int, start: str) -> dict[str, Any]:
    """The shift starts at ``start`` (site-local HH:MM, same day, same template and
    length); its breaks and activities move with it."""
    t = _time(start, "start")

    def change(_i: Instance, w: dict[int, DayShift], d: int, _s: list[float]) -> dict[int, DayShift]:
        return edits.move_start(w, d, t)

    return _edit(session, actor, shift_id, "edit", change, "start")


def change_end(session: Session, actor: Actor, shift_id: int, end: str) -> dict[str, Any]:
    """The shift ends at ``end`` (site-local HH:MM; at or before its start: the next
    day). Its template must allow the new length (another template that does is taken)."""
    t = _time(end, "end")
    return _edit(
        session, actor, shift_id, "change_end", lambda i, w, d, s: edits.change_end(i, w, d, t, s), "end"
    )


def move_activity(session: Session, actor: Actor, activity_id: int, start: str) -> dict[str, Any]:
    """Move a break, lunch or block of a shift to start at ``start`` (site-local HH:MM),
    same length; a break must stay inside the window its template allows."""
    act = session.get(ScheduleActivity, activity_id)
    if act is None:
        raise NotFound(f"no activity with id {activity_id}", field="activity")
    t = _time(start, "start")
    siblings = session.scalars(
        select(ScheduleActivity)
        .where(ScheduleActivity.shift_id == act.shift_id)
        .order_by(ScheduleActivity.start_utc)
    ).all()
    index = [a.id for a in siblings].index(act.id)

    def change(_i: Instance, w: dict[int, DayShift], d: int, _s: list[float]) -> dict[int, DayShift]:
        return edits.move_activity(w, d, index, t)

    return _edit(session, actor, act.shift_id, "move_activity", change, "start")


def add_block(
    session: Session, actor: Actor, shift_id: int, kind: str, name: str, start: str, minutes: int
) -> dict[str, Any]:
    """Add a meeting, training or coaching block (paid, off the phones) of ``minutes``
    minutes at ``start`` (site-local HH:MM) inside the shift, clear of its breaks."""
    t = _time(start, "start")

    def change(_i: Instance, w: dict[int, DayShift], d: int, _s: list[float]) -> dict[int, DayShift]:
        return edits.add_block(w, d, kind, name, t, minutes)

    return _edit(session, actor, shift_id, "add_activity", change, "start")


def remove_shift(session: Session, actor: Actor, shift_id: int) -> dict[str, Any]:
    """Make the shift's day a day off (refused when the week would then fall below the
    contract's weekly hours, for instance: absence is time off, not an edit)."""
    return _edit(
        session, actor, shift_id, "remove_shift", lambda _i, w, d, _s: edits.remove_shift(w, d), "shift"
    )


def add_shift(session: Session, actor: Actor, shift_id: int, template: str, start: str) -> dict[str, Any]:
    """Give the agent a shift of ``template`` at ``start`` (site-local HH:MM) on a day off
    (``shift_id``: the day-off row); breaks go where they hurt coverage least."""
    t = _time(start, "start")

    def change(i: Instance, w: dict[int, DayShift], d: int, s: list[float]) -> dict[int, DayShift]:
        return edits.add_shift(i, w, d, template, t, s)

    return _edit(session, actor, shift_id, "add_shift", change, "template")


def edit_view(session: Session, actor: Actor, shift_id: int) -> dict[str, Any]:
    """What the shift edit page shows: the day (a shift with its activities, or a day
    off), the agent, the schedule and the templates a shift may be added from."""
    row, schedule, emp = _target(session, actor, shift_id, lock=False)
    acts = session.scalars(
        select(ScheduleActivity)
        .where(ScheduleActivity.shift_id == row.id)
        .order_by(ScheduleActivity.start_utc, ScheduleActivity.id)
    ).all()
    site = session.get(Site, schedule.site_id)
    return {
        "shift": row, "schedule": schedule, "employee": emp, "activities": acts,
        "site": site.code if site is not None else "", "templates": templates(session, schedule),
    }  # fmt: skip


def templates(session: Session, schedule: Schedule) -> list[dict[str, Any]]:
    """The shift templates a schedule's week allows (name, lengths in minutes, start times HH:MM)."""
    try:
        instance = week_rules(session, schedule, [])
    except InvalidInput:
        return []  # a schedule without its week's requirement: nothing to add from
    return [
        {
            "name": t.name,
            "lengths_min": list(t.lengths),
            "start_times": [edits.hhmm(x) for x in t.start_times],
        }
        for t in instance.templates
    ]
