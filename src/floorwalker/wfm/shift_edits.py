"""Supervisor edits of a stored week, as pure changes of one agent's days: change a
shift's end, move a break or an activity, add a meeting / training / coaching block,
remove a shift, add one from a template (its breaks placed where they hurt coverage
least). Pure: plain data in, plain data out; the rule checker (scheduling.check) judges
the result, wfm.schedule_edit_service loads and stores it.

Times are whole minutes from Monday 00:00 site-local of the schedule's week; durations
are minutes. A week is a mapping day (0 = Monday) → ``DayShift`` (a day without one is a
day off).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from floorwalker.wfm.scheduling.rules import (
    BREAK_KINDS,
    MINUTES_PER_DAY,
    PLANNED_KINDS,
    Instance,
    PlannedActivity,
    ScheduledActivity,
    ScheduledShift,
    ShiftTemplate,
    Window,
)

#: Breaks, lunches and blocks are placed on this grid (minutes).
PLACEMENT_STEP = 15
#: A planned block lasts at most this long (minutes).
MAX_BLOCK = 8 * 60


class EditRefused(ValueError):
    """The edit cannot be made; the message says why (one line)."""


@dataclass(frozen=True)
class DayShift:
    """One agent's shift on one day: template, start and end (minutes from the week
    start) and its timed activities (breaks, lunch, meetings …)."""

    template: str
    start: int
    end: int
    activities: tuple[ScheduledActivity, ...] = ()

    def planned(self) -> tuple[ScheduledActivity, ...]:
        """The meeting, training and coaching blocks of the shift."""
        return tuple(a for a in self.activities if a.kind in PLANNED_KINDS)


Week = Mapping[int, DayShift]


def hhmm(minute: int) -> str:
    m = minute % MINUTES_PER_DAY
    return f"{m // 60:02d}:{m % 60:02d}"


def parse_time(raw: str, field: str) -> int:
    """'HH:MM' → minutes after midnight (00:00–23:59)."""
    parts = raw.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise EditRefused(f"{field}: '{raw}' is not a time (HH:MM)")
    hh, mm = int(parts[0]), int(parts[1])
    if hh > 23 or mm > 59:
        raise EditRefused(f"{field}: '{raw}' is not a time (HH:MM)")
    return hh * 60 + mm


def place_breaks(
    template: ShiftTemplate,
    start: int,
    end: int,
    surplus: Sequence[float],
    interval: int,
    keep: Sequence[ScheduledActivity] = (),
    prefer: Mapping[str, int] | None = None,
) -> tuple[ScheduledActivity, ...]:
    """The template's breaks for a shift [start, end), with ``keep`` (blocks already
    fixed, e.g. a meeting) left where they are. A break named in ``prefer`` (its wanted
    start, minutes from the week start) stays there when that start is inside its window
    and free; any other break goes where ``surplus`` (agents scheduled minus required per
    interval of ``interval`` minutes, before this shift) is highest over the break, i.e.
    where it hurts coverage least; ties go to the earliest start. Raises ``EditRefused``
    when a break has no free start in its window."""
    placed = list(keep)
    room = list(surplus)
    out: list[ScheduledActivity] = []
    for rule in template.breaks:
        lo, hi = start + rule.earliest_start, start + rule.latest_start
        candidates = list(range(lo, hi + 1, PLACEMENT_STEP))
        if hi not in candidates:
            candidates.append(hi)
        wanted = (prefer or {}).get(rule.name)
        if wanted is not None and lo <= wanted <= hi:
            candidates = [wanted, *candidates]
        free = [
            c
            for c in candidates
            if c + rule.duration <= end and not any(c < a.end and a.start < c + rule.duration for a in placed)
        ]
        if not free:
            raise EditRefused(f"no free time for {rule.name!r} in its window ({rule.earliest_start}–"
                              f"{rule.latest_start} min after the start)")  # fmt: skip
        if wanted is not None and free[0] == wanted:
            best = wanted
        else:
            best = max(free, key=lambda c: (_room(room, interval, c, c + rule.duration), -c))
        block = ScheduledActivity(rule.kind, rule.name, best, best + rule.duration, rule.paid)
        for t in range(best // interval, (block.end - 1) // interval + 1):
            if 0 <= t < len(room):
                room[t] -= 1  # the break takes this agent off the phones here
        placed.append(block)
        out.append(block)
    return tuple(sorted((*out, *keep), key=lambda a: a.start))


def _room(surplus: Sequence[float], interval: int, start: int, end: int) -> float:
    """Smallest surplus over the intervals [start, end) touches (outside the week: 0)."""
    first, last = start // interval, (end - 1) // interval
    return min(surplus[t] if 0 <= t < len(surplus) else 0.0 for t in range(first, last + 1))


def move_start(week: Week, day: int, start_time: int) -> dict[int, DayShift]:
    """The week with ``day``'s shift starting at ``start_time`` (minutes after midnight,
    same day), same length; its breaks and activities move with it."""
    shift = _shift(week, day)
    delta = day * MINUTES_PER_DAY + start_time - shift.start
    if delta == 0:
        raise EditRefused("the shift already starts then")
    acts = tuple(replace(a, start=a.start + delta, end=a.end + delta) for a in shift.activities)
    return {**week, day: DayShift(shift.template, shift.start + delta, shift.end + delta, acts)}


def change_end(
    instance: Instance,
    week: Week,
    day: int,
    end_time: int,
    surplus: Sequence[float],
) -> dict[int, DayShift]:
    """The week with the shift of ``day`` ending at ``end_time`` (minutes after midnight;
    at or before the start: the next day). The length must be one a template allows on
    that day at that start: the shift's own template first, else another; breaks kept
    where their windows still allow, else re-placed."""
    shift = _shift(week, day)
    start_of_day = shift.start % MINUTES_PER_DAY
    end = day * MINUTES_PER_DAY + end_time
    if end_time <= start_of_day:
        end += MINUTES_PER_DAY
    length = end - shift.start
    if length == shift.end - shift.start:
        raise EditRefused("the shift already ends then")
    names = [shift.template, *(t.name for t in instance.templates if t.name != shift.template)]
    fits = [
        t
        for t in (_template(instance, n) for n in names)
        if t is not None and length in t.lengths and day in t.days and start_of_day in t.start_times
    ]
    if not fits:
        allowed = sorted({f"{x // 60}:{x % 60:02d}" for t in instance.templates for x in t.lengths})
        raise EditRefused(
            f"no shift template allows a shift of {length // 60}:{length % 60:02d} "
            f"starting {hhmm(shift.start)} (lengths allowed: {', '.join(allowed)})"
        )
    template = fits[0]
    planned = shift.planned()
    for a in planned:
        if a.end > end:
            raise EditRefused(
                f"{a.kind} {a.name!r} ({hhmm(a.start)}–{hhmm(a.end)}) would fall outside the shift"
            )
    prefer = {a.name: a.start for a in shift.activities if a.kind in BREAK_KINDS}
    acts = place_breaks(template, shift.start, end, surplus, instance.interval, planned, prefer)
    return {**week, day: DayShift(template.name, shift.start, end, acts)}


def move_activity(week: Week, day: int, index: int, start_time: int) -> dict[int, DayShift]:
    """The week with activity ``index`` (in start order) of ``day``'s shift starting at
    ``start_time`` (minutes after midnight, on the shift's days), same length."""
    shift = _shift(week, day)
    acts = sorted(shift.activities, key=lambda a: a.start)
    if not 0 <= index < len(acts):
        raise EditRefused(f"the shift has no activity number {index + 1}")
    a = acts[index]
    start = day * MINUTES_PER_DAY + start_time
    if start < shift.start:
        start += MINUTES_PER_DAY  # a shift past midnight: the time is the next day
    moved = replace(a, start=start, end=start + (a.end - a.start))
    rest = [x for i, x in enumerate(acts) if i != index]
    return {**week, day: replace(shift, activities=tuple(sorted((*rest, moved), key=lambda x: x.start)))}


def add_block(
    week: Week, day: int, kind: str, name: str, start_time: int, minutes: int
) -> dict[int, DayShift]:
    """The week with a ``kind`` block (meeting, training, coaching) named ``name`` of
    ``minutes`` minutes starting ``start_time`` inside ``day``'s shift (paid, off the phones)."""
    if kind not in PLANNED_KINDS:
        raise EditRefused(f"kind: '{kind}' is not one of {', '.join(PLANNED_KINDS)}")
    name = name.strip()
    if not name or len(name) > 60:
        raise EditRefused("name: give the block a name (at most 60 characters)")
    if not 0 < minutes <= MAX_BLOCK:
        raise EditRefused(f"minutes: {minutes} is outside 1–{MAX_BLOCK}")
    shift = _shift(week, day)
    start = day * MINUTES_PER_DAY + start_time
    if start < shift.start:
        start += MINUTES_PER_DAY
    block = ScheduledActivity(kind, name, start, start + minutes, True)
    acts = tuple(sorted((*shift.activities, block), key=lambda a: a.start))
    return {**week, day: replace(shift, activities=acts)}


def remove_shift(week: Week, day: int) -> dict[int, DayShift]:
    """The week with ``day`` a day off."""
    _shift(week, day)
    return {d: s for d, s in week.items() if d != day}


def add_shift(
    instance: Instance, week: Week, day: int, template_name: str, start_time: int, surplus: Sequence[float]
) -> dict[int, DayShift]:
    """The week with a shift of ``template_name`` (its first length) starting
    ``start_time`` on ``day`` (a day off), breaks placed where they hurt coverage least."""
    if day in week:
        raise EditRefused("the agent already works that day: edit that shift instead")
    template = _template(instance, template_name)
    if template is None:
        names = ", ".join(t.name for t in instance.templates)
        raise EditRefused(f"template: no template {template_name!r} (templates: {names})")
    start = day * MINUTES_PER_DAY + start_time
    end = start + template.lengths[0]
    acts = place_breaks(template, start, end, surplus, instance.interval)
    return {**week, day: DayShift(template.name, start, end, acts)}


def _shift(week: Week, day: int) -> DayShift:
    if day not in week:
        raise EditRefused("the agent does not work that day")
    return week[day]


def _template(instance: Instance, name: str) -> ShiftTemplate | None:
    try:
        return instance.template(name)
    except KeyError:
        return None


def for_check(agent: str, week: Week) -> tuple[list[ScheduledShift], list[PlannedActivity]]:
    """The week as the checker's shifts and planned activities. A stored meeting,
    training or coaching block is the agent's own planned activity, allowed anywhere in
    its shift: the checker then holds it to the shift and off the breaks. Each block is
    labelled with its time so that two blocks of the same name are two activities."""
    shifts: list[ScheduledShift] = []
    planned: list[PlannedActivity] = []
    for day, s in sorted(week.items()):
        acts = []
        for a in s.activities:
            if a.kind in PLANNED_KINDS:
                label = f"{a.name} (day {day} {hhmm(a.start)})"
                a = replace(a, name=label)
                planned.append(
                    PlannedActivity(label, a.kind, a.end - a.start, (agent,), Window(s.start, s.end))
                )
            acts.append(a)
        shifts.append(ScheduledShift(agent, s.template, day, s.start, s.end, tuple(acts)))
    return shifts, planned
