"""The default week of a site: shift templates, contracts and breaks floorwalker uses when
it schedules a site's active agents from their contract hours (docs/scheduling.md,
"Generating a week"). Pure: plain numbers in, an ``Instance`` out.

Times are minutes from Monday 00:00 site-local; durations are minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from floorwalker.wfm.scheduling.rules import (
    MINUTES_PER_DAY,
    Agent,
    BreakRule,
    Contract,
    Demand,
    Instance,
    Preferences,
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
    """An agent to schedule: ``code`` (agent code), contract hours per week, approved
    time off as (start, end) minute windows of the week, the windows the agent can work in
    (hard; None: any time), preferences (soft), and the previous week's last shift's end
    (minutes from this Monday 00:00, negative before it; None: no shift) and the working
    days in a row that week ended with."""

    code: str
    contract_hours: float
    time_off: tuple[tuple[int, int], ...] = ()
    availability: tuple[tuple[int, int], ...] | None = None
    preferences: Preferences = field(default_factory=Preferences)
    last_shift_end: int | None = None
    days_in_a_row_before: int = 0


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


def available_paid_minutes(templates: Sequence[ShiftTemplate], person: Person, contract: Contract) -> int:
    """An upper bound on the paid minutes ``person`` can work in the week inside their
    availability and clear of their time off: per day the longest-paid shift that fits,
    summed over the best days the contract's days off leave (rest between shifts is not
    counted, so the true most can be lower)."""
    best = [0] * 7
    for t in templates:
        for d in t.days:
            for s in t.start_times:
                for length in t.lengths:
                    start = d * MINUTES_PER_DAY + s
                    end = start + length
                    if person.availability is not None and not any(
                        lo <= start and end <= hi for lo, hi in person.availability
                    ):
                        continue
                    if any(start < hi and lo < end for lo, hi in person.time_off):
                        continue
                    best[d] = max(best[d], length - t.unpaid_minutes())
    return sum(sorted(best, reverse=True)[: max(0, 7 - contract.min_days_off)])


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
        windows = [(lo, hi) for lo, hi in p.time_off if hi > lo]
        credit = leave_credit(p)
        if p.availability is not None:
            # availability is hard: where it cannot hold the contract's minimum, the week
            # aims at what it can hold (up to WEEKLY_SLACK below it), never above the contract
            most = available_paid_minutes(templates, p, c) + credit
            if most < c.min_weekly:
                c = replace(c, name=f"{c.name}, at most {most} min available",
                            min_weekly=max(0, most - WEEKLY_SLACK))  # fmt: skip
        contracts[c.name] = c
        leave = tuple(TimeOff(Window(lo, hi), credit if i == 0 else 0) for i, (lo, hi) in enumerate(windows))
        avail = None if p.availability is None else tuple(Window(lo, hi) for lo, hi in p.availability)
        rest_until = 0 if p.last_shift_end is None else p.last_shift_end + c.min_rest
        agents.append(
            Agent(
                p.code, c.name, availability=avail, time_off=leave, preferences=p.preferences,
                rest_until=rest_until, days_in_a_row_before=p.days_in_a_row_before,
            )
        )  # fmt: skip
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
