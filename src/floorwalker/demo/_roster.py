"""Schedules for the demo agents: which days each agent works, when each shift starts,
and where breaks, lunch and the occasional meeting, training or coaching fall. Pure.

This is the greedy heuristic a small WFM team would use by hand: give each agent the
days with the most uncovered demand, start each shift where it covers the most of the
remaining requirement, and put breaks and lunch where cover is thickest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from floorwalker.demo._calendar import INTERVAL_S, Day
from floorwalker.demo._demand import Grid

F64 = npt.NDArray[np.float64]

PRODUCTIVE_SHARE = 0.88  # an agent on shift is on queue about this fraction of the time
ABSENCE_SHARE = 0.045  # fraction 0–1 of scheduled shifts lost to sickness and absence
ABSENCE_SHARE_MONDAY = 0.065
#: contract hours per week → (shifts per week, paid hours per shift)
CONTRACTS = {40.0: (5, 8.0), 32.0: (4, 8.0), 24.0: (4, 6.0), 20.0: (5, 4.0)}
LUNCH_FROM_PAID_H = 6.0  # shifts of this many paid hours or more get an unpaid lunch
#: Slot (quarter-hours after opening) of each team's weekly meeting, staggered so that
#: teams never all leave the floor at once, and away from the morning peak.
MEETING_SLOTS = (1, 19, 33, 37, 39, 41, 43, 35)


@dataclass(frozen=True)
class RosterAgent:
    index: int
    group: str
    team: int
    contract_hours: float
    hire_date: date
    leave_date: date | None  # first day not worked
    new_hire: bool


@dataclass
class Shift:
    """One worked day of one agent, in simulation seconds."""

    agent: int
    day: int
    login_s: int
    logout_s: int
    #: True when the shift runs to closing time: the agent drains the queue before leaving.
    until_close: bool
    #: Not-ready blocks (start_s, duration_s, reason), in time order.
    activities: list[tuple[int, int, str]] = field(default_factory=list)


def day_intervals(grid: Grid, n_days: int) -> list[npt.NDArray[np.int64]]:
    """For each day, the indices of its open intervals in ``grid`` (empty when closed)."""
    order = np.argsort(grid.day, kind="stable")
    bounds = np.searchsorted(grid.day[order], np.arange(n_days + 1))
    return [order[bounds[d] : bounds[d + 1]] for d in range(n_days)]


def weekly_paid_hours_needed(requirement: F64, grid: Grid, days: list[Day]) -> float:
    """Paid agent-hours a typical week needs for a per-interval requirement (agents),
    allowing for time off the queue within shifts and for absence."""
    per_day = np.bincount(grid.day, weights=requirement * INTERVAL_S / 3600.0, minlength=len(days))
    weekday = [per_day[d.index] for d in days if d.is_open and d.weekday < 5]
    saturday = [per_day[d.index] for d in days if d.is_open and d.weekday == 5]
    weekday_mean = float(np.mean(weekday)) if weekday else 0.0
    saturday_mean = float(np.mean(saturday)) if saturday else 0.45 * weekday_mean
    hours = 5 * weekday_mean + saturday_mean
    return hours / PRODUCTIVE_SHARE / (1.0 - ABSENCE_SHARE)


def _shift_shape(paid_h: float, open_intervals: int) -> tuple[int, bool]:
    """(span in intervals, has lunch) of a shift of ``paid_h`` paid hours that must fit
    into ``open_intervals`` quarter-hours."""
    lunch = paid_h >= LUNCH_FROM_PAID_H
    span = round(paid_h * 4) + (2 if lunch else 0)
    # A Saturday is shorter than a full weekday shift: paid time gives way, lunch stays.
    return min(span, open_intervals), lunch


def build_roster(
    rng: np.random.Generator,
    agents: list[RosterAgent],
    days: list[Day],
    grid: Grid,
    requirements: dict[str, F64],
) -> list[Shift]:
    """Shifts for every agent over the window (absent shifts already removed)."""
    per_day = day_intervals(grid, len(days))
    hours_needed = {
        g: np.bincount(grid.day, weights=r * INTERVAL_S / 3600.0, minlength=len(days)) / PRODUCTIVE_SHARE
        for g, r in requirements.items()
    }
    worked_days = _assign_days(rng, agents, days, hours_needed)
    shifts: list[Shift] = []
    tenure_shifts: dict[int, int] = {}
    for d in days:
        if not d.is_open:
            continue
        intervals = per_day[d.index]
        starts = grid.start_s[intervals]
        ends = starts + grid.length_s[intervals]
        for group, req in requirements.items():
            remaining = req[intervals].copy()
            crew = [a for a in agents if a.group == group and d.index in worked_days[a.index]]
            crew.sort(key=lambda a: -a.contract_hours)
            for a in crew:
                tenure_shifts[a.index] = tenure_shifts.get(a.index, 0) + 1
                shift = _place_shift(rng, a, d, remaining, starts, ends, tenure_shifts[a.index])
                absence = ABSENCE_SHARE_MONDAY if d.weekday == 0 else ABSENCE_SHARE
                if rng.random() >= absence:
                    shifts.append(shift)
    return shifts


def _assign_days(
    rng: np.random.Generator,
    agents: list[RosterAgent],
    days: list[Day],
    hours_needed: dict[str, F64],
) -> dict[int, set[int]]:
    """Working days per agent: week by week, each agent takes the days with the most
    demand still uncovered, so Mondays are full and Saturdays light."""
    worked: dict[int, set[int]] = {a.index: set() for a in agents}
    weeks: dict[tuple[int, int], list[Day]] = {}
    for d in days:
        if d.is_open:
            iso = d.day.isocalendar()
            weeks.setdefault((iso.year, iso.week), []).append(d)
    for week_days in weeks.values():
        remaining = {g: h[[d.index for d in week_days]].copy() for g, h in hours_needed.items()}
        order = [agents[i] for i in rng.permutation(len(agents))]
        order.sort(key=lambda a: -a.contract_hours)
        for a in order:
            shifts_per_week, paid_h = CONTRACTS[a.contract_hours]
            eligible = [
                k
                for k, d in enumerate(week_days)
                if a.hire_date <= d.day and (a.leave_date is None or d.day < a.leave_date)
            ]
            if not eligible:
                continue
            need = remaining[a.group][eligible] + rng.uniform(0.0, 0.5, len(eligible))
            chosen = [eligible[k] for k in np.argsort(-need, kind="stable")[:shifts_per_week]]
            for k in chosen:
                worked[a.index].add(week_days[k].index)
                remaining[a.group][k] -= paid_h
    return worked


def _place_shift(
    rng: np.random.Generator,
    agent: RosterAgent,
    d: Day,
    remaining: F64,
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    shift_number: int,
) -> Shift:
    """Start the shift where it covers the most uncovered requirement, then place its
    not-ready blocks where cover is thickest; updates ``remaining`` in place."""
    _, paid_h = CONTRACTS[agent.contract_hours]
    n = remaining.shape[0]
    span, lunch = _shift_shape(paid_h, n)
    candidates = np.arange(0, n - span + 1, 2)
    if candidates.shape[0] == 0:
        candidates = np.asarray([0])
    gain = np.clip(remaining, 0.0, 1.0)
    cumulative = np.concatenate(([0.0], np.cumsum(gain)))
    score = cumulative[candidates + span] - cumulative[candidates]
    score = score + rng.uniform(0.0, 0.3, candidates.shape[0])
    first = int(candidates[int(np.argmax(score))])
    last = first + span  # exclusive
    remaining[first:last] -= PRODUCTIVE_SHARE

    busy = np.zeros(n, dtype=bool)
    blocks: list[tuple[int, int, str]] = []  # (interval, length in intervals, reason)

    def place(lo: int, hi: int, length: int, reason: str) -> None:
        lo, hi = max(lo, first), min(hi, last - length)
        if hi < lo:
            return
        starts_k = np.arange(lo, hi + 1)
        taken = np.concatenate(([0], np.cumsum(busy)))
        free = taken[starts_k + length] == taken[starts_k]
        if not free.any():
            return
        summed = np.concatenate(([0.0], np.cumsum(remaining)))
        cover = summed[starts_k + length] - summed[starts_k]
        cover = np.where(free, cover + rng.uniform(0.0, 0.25, starts_k.shape[0]), np.inf)
        k = int(starts_k[int(np.argmin(cover))])
        busy[k : k + length] = True
        remaining[k : k + length] += PRODUCTIVE_SHARE
        blocks.append((k, length, reason))

    if span >= 12:
        place(first + 6, first + 11, 1, "break")
    if lunch:
        middle = first + span // 2
        place(middle - 4, middle + 2, 2, "lunch")
    if span >= 28:
        place(last - 10, last - 5, 1, "break")
    elif 18 <= span < 28:
        place(last - 8, last - 4, 1, "break")
    if agent.new_hire and shift_number <= 8:
        place(first + 1, last - 8, 8, "training")  # nesting: classroom time on the floor
    elif rng.random() < 0.04:
        place(first + 2, last - 4, 4, "training")
    if rng.random() < 0.06:
        place(first + 2, last - 2, 2, "coaching")
    if d.weekday == 1 + agent.team % 4:
        slot = MEETING_SLOTS[agent.team % len(MEETING_SLOTS)]
        if first <= slot and slot + 2 <= last:
            place(slot, slot, 2, "meeting")

    login = int(starts[first])
    if rng.random() < 0.06:
        login += int(rng.integers(120, 1200))  # late log-in: unplanned shrinkage
    activities: list[tuple[int, int, str]] = []
    for k, length, reason in blocks:
        duration = length * INTERVAL_S
        if reason in ("break", "lunch") and rng.random() < 0.3:
            duration += int(rng.integers(30, 240))  # overrunning breaks: adherence slips
        activities.append((int(starts[k]), duration, reason))
    if rng.random() < 0.08:
        at = int(rng.integers(int(starts[first]) + 1800, int(ends[last - 1]) - 1800))
        activities.append((at, int(rng.integers(90, 480)), "system"))
    activities.sort()
    return Shift(
        agent=agent.index,
        day=d.index,
        login_s=login,
        logout_s=int(ends[last - 1]),
        until_close=last == n,
        activities=[act for act in activities if act[0] >= login],
    )
