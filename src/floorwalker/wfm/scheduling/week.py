"""The default week of a site: shift templates, contracts and breaks floorwalker uses when
it schedules a site's active agents from their contract hours (docs/scheduling.md,
"Generating a week"). Pure: plain numbers in, an ``Instance`` out.

Times are minutes from Monday 00:00 site-local; durations are minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from floorwalker.wfm.scheduling.rules import (
    MINUTES_PER_DAY,
    Agent,
    BreakRule,
    Contract,
    Demand,
    Instance,
    ShiftTemplate,
    TimeOff,
    Window,
)

#: Full shift: 8 h 30 min start to end, 8 paid hours (two paid 15-minute breaks, an unpaid
#: 30-minute lunch).
FULL_LENGTH = 510
FULL_BREAKS = (
    BreakRule("break 1", "break", 15, 60, 150, True),
    BreakRule("lunch", "lunch", 30, 180, 300, False),
    BreakRule("break 2", "break", 15, 360, 420, True),
)
#: Part shift: 4 paid hours with one paid 15-minute break.
PART_LENGTH = 240
PART_BREAKS = (BreakRule("break", "break", 15, 60, 150, True),)
#: Shift starts are on this grid (minutes).
START_STEP = 30
#: Weekly paid hours may fall this far below the contract hours (minutes): the week need
#: not be filled to the minute when the requirement does not call for it.
WEEKLY_SLACK = 240
MIN_REST = 11 * 60
MIN_DAYS_OFF = 2
MAX_CONSECUTIVE_DAYS = 6


#: Working days of a contract week: a day of paid leave counts 1/5 of the weekly hours.
CONTRACT_DAYS = 5


@dataclass(frozen=True)
class Person:
    """An agent to schedule: ``code`` (agent code), contract hours per week and approved
    time off as (start, end) minute windows of the week."""

    code: str
    contract_hours: float
    time_off: tuple[tuple[int, int], ...] = ()


def leave_credit(person: Person) -> int:
    """Paid minutes approved time off counts toward the week: a fifth of the contract
    hours for each day it touches (at most the contract hours)."""
    days: set[int] = set()
    for start, end in person.time_off:
        lo, hi = max(0, start), min(7 * MINUTES_PER_DAY, end)
        days.update(range(lo // MINUTES_PER_DAY, (hi - 1) // MINUTES_PER_DAY + 1) if hi > lo else ())
    top = round(person.contract_hours * 60)
    return min(top, len(days) * top // CONTRACT_DAYS)


def start_times(requirement: Sequence[int], interval: int, length: int) -> tuple[int, ...]:
    """Start times (minutes after midnight, on the ``START_STEP`` grid) of shifts of
    ``length`` minutes that lie inside the span of the day where any day of the week needs
    agents: from the earliest needed minute to the latest, over all days. A day with no
    requirement at all gives the whole day."""
    per_day = MINUTES_PER_DAY // interval
    first, last = MINUTES_PER_DAY, 0
    for t, need in enumerate(requirement):
        if need > 0:
            m = (t % per_day) * interval
            first = min(first, m)
            last = max(last, m + interval)
    if first >= last:
        first, last = 0, MINUTES_PER_DAY
    first -= first % START_STEP
    latest = max(first, last - length)
    return tuple(range(first, latest + 1, START_STEP))


def contract_for(hours: float) -> Contract:
    """The work rules of a contract of ``hours`` paid hours a week: between hours − 4 h
    (never below 0) and hours, two days off, at most six days in a row, 11 h rest."""
    top = round(hours * 60)
    return Contract(
        name=f"{hours:g}h",
        min_weekly=max(0, top - WEEKLY_SLACK),
        max_weekly=top,
        min_days_off=MIN_DAYS_OFF,
        max_consecutive_days=MAX_CONSECUTIVE_DAYS,
        min_rest=MIN_REST,
    )


def week_instance(
    requirement: Sequence[int],
    interval: int,
    people: Sequence[Person],
    *,
    contacts: Sequence[float] | None = None,
    aht_s: Sequence[float] | None = None,
    threshold_s: float = 20.0,
) -> Instance:
    """A one-week ``Instance``: ``requirement`` agents on contacts per interval of
    ``interval`` minutes (7 days' worth), the default templates (full and part shifts on
    every day), one contract per distinct contract hours. With ``contacts`` and ``aht_s``
    (seconds) per interval, under-coverage is priced by service level and the projected
    service level is reported (threshold ``threshold_s`` seconds)."""
    if interval <= 0 or MINUTES_PER_DAY % interval:
        raise ValueError(f"interval must divide a day, not {interval}")
    if len(requirement) != 7 * MINUTES_PER_DAY // interval:
        raise ValueError(f"requirement has {len(requirement)} intervals, a week of {interval} min has "
                         f"{7 * MINUTES_PER_DAY // interval}")  # fmt: skip
    days = tuple(range(7))
    templates = (
        ShiftTemplate(
            "full", start_times(requirement, interval, FULL_LENGTH), (FULL_LENGTH,), days, FULL_BREAKS
        ),
        ShiftTemplate(
            "part", start_times(requirement, interval, PART_LENGTH), (PART_LENGTH,), days, PART_BREAKS
        ),
    )
    contracts: dict[str, Contract] = {}
    agents = []
    for p in people:
        c = contract_for(p.contract_hours)
        contracts[c.name] = c
        windows = [(lo, hi) for lo, hi in p.time_off if hi > lo]
        credit = leave_credit(p)
        leave = tuple(TimeOff(Window(lo, hi), credit if i == 0 else 0) for i, (lo, hi) in enumerate(windows))
        agents.append(Agent(p.code, c.name, time_off=leave))
    demand = None
    if contacts is not None and aht_s is not None:
        demand = Demand(tuple(float(c) for c in contacts), tuple(float(a) for a in aht_s), threshold_s)
    return Instance(
        interval=interval,
        days=7,
        requirement=tuple(int(r) for r in requirement),
        templates=templates,
        contracts=contracts,
        agents=tuple(agents),
        demand=demand,
    )
