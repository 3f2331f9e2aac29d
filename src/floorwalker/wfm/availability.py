"""Agent availability and preferences: validate what an agent or their supervisor enters,
and turn it into the optimiser's inputs for one week. Pure: plain data in, plain data out.

**Availability** (hard: every shift lies inside it) is a weekly pattern on the site's wall
clock, in the business-hours form of :mod:`floorwalker.org.hours`:
``{"mon": [["08:00", "17:00"]], ..., "sun": []}`` (a day with no window = not available that
day; "24:00" ends at midnight), optionally valid only from / to a date (inclusive). An
agent may keep several patterns whose date ranges do not overlap (e.g. a summer pattern).
A day no pattern covers is unrestricted. A window ending at 24:00 and one starting at
00:00 the next day join, so "mon 22:00-24:00; tue 00:00-06:00" allows a night shift.

**Preferences** (soft: the optimiser trades them against coverage) are days the agent would
rather have off, start times they would rather start at (listed, or an earliest / latest
start), and a weight (0–10, 1 = normal) that scales the penalty of each unmet wish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from floorwalker.org.hours import DAYS, BusinessHours, BusinessHoursError, parse, validate
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY
from floorwalker.wfm.scheduling.week import START_STEP

#: Shifts start on this grid (minutes; the default templates of wfm.scheduling.week).
START_GRID = START_STEP
MAX_WEIGHT = 10.0
#: Text forms of a pattern with no window at all.
NOT_AVAILABLE = ("not available", "closed", "none")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class AvailabilityError(ValueError):
    """Invalid availability or preferences; ``field`` names the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Pattern:
    """One stored weekly availability pattern, valid ``valid_from`` … ``valid_to``
    (inclusive; None = open-ended)."""

    hours: BusinessHours
    valid_from: date | None = None
    valid_to: date | None = None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class WeekPreferences:
    """Preferences for the optimiser: ``days_off`` as day numbers (0 = Monday), ``start_times``
    as minutes after midnight, ``weight``."""

    days_off: tuple[int, ...]
    start_times: tuple[int, ...]
    weight: float


def minutes(text: str, field: str) -> int:
    """Minutes after midnight of "HH:MM" (00:00–24:00)."""
    if not isinstance(text, str) or not _TIME.match(text):
        raise AvailabilityError(f"{field}: '{text}' is not a time HH:MM (00:00 to 24:00)", field)
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def check_hours(hours: object, field: str = "hours") -> BusinessHours:
    """A weekly pattern given as text ("mon-fri 08:00-17:00; sat 09:00-13:00", days not named
    are not available) or as the stored mapping; returned normalised (every day present)."""
    try:
        if isinstance(hours, str):
            if not hours.strip():
                raise AvailabilityError(
                    f"{field}: give the windows, e.g. 'mon-fri 08:00-17:00' (days not named: not available)",
                    field,
                )
            if hours.strip().lower() in NOT_AVAILABLE:
                return {day: [] for day in DAYS}
            return parse(hours)
        if not isinstance(hours, dict) or not all(
            isinstance(v, list) and all(isinstance(p, list | tuple) and len(p) == 2 for p in v)
            for v in hours.values()
        ):
            raise AvailabilityError(f'{field}: expected {{"mon": [["08:00", "17:00"]], …}} or text', field)
        return validate({str(k): [[str(p[0]), str(p[1])] for p in v] for k, v in hours.items()})
    except BusinessHoursError as exc:
        raise AvailabilityError(f"{field}: {exc}", field) from None


def check_validity(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise AvailabilityError(f"valid_to: {valid_to} is before valid_from {valid_from}", "valid_to")


def overlapping(new: Pattern, others: Iterable[tuple[int, Pattern]]) -> int | None:
    """Id of the first pattern in ``others`` whose date range meets ``new``'s, else None."""
    lo = new.valid_from or date.min
    hi = new.valid_to or date.max
    for pid, p in others:
        if lo <= (p.valid_to or date.max) and (p.valid_from or date.min) <= hi:
            return pid
    return None


def check_preferences(
    days_off: Sequence[str],
    start_times: Sequence[str],
    earliest_start: str | None,
    latest_start: str | None,
    weight: float,
) -> tuple[list[str], list[str]]:
    """Validate preferences; returns (days off in week order, start times sorted)."""
    bad = [d for d in days_off if d not in DAYS]
    if bad:
        raise AvailabilityError(f"days_off: unknown day '{bad[0]}'; use {', '.join(DAYS)}", "days_off")
    if len(set(days_off)) > 5:
        raise AvailabilityError("days_off: at most 5 preferred days off a week", "days_off")
    starts = sorted(set(start_times), key=lambda t: minutes(t, "start_times"))
    for t in starts:
        m = minutes(t, "start_times")
        if m >= MINUTES_PER_DAY or m % START_GRID:
            raise AvailabilityError(
                f"start_times: '{t}': shifts start on the hour or half hour (00:00 to 23:30)", "start_times"
            )
    lo = None if earliest_start is None else minutes(earliest_start, "earliest_start")
    hi = None if latest_start is None else minutes(latest_start, "latest_start")
    if lo is not None and hi is not None and hi < lo:
        raise AvailabilityError(
            f"latest_start: {latest_start} is before earliest_start {earliest_start}", "latest_start"
        )
    if (lo is not None or hi is not None) and not start_range(lo, hi):
        raise AvailabilityError(
            "earliest_start/latest_start: no half-hour start lies between them", "earliest_start"
        )
    if not (0 <= weight <= MAX_WEIGHT):
        raise AvailabilityError(f"weight: must be between 0 and {MAX_WEIGHT:g} (1 = normal)", "weight")
    return [d for d in DAYS if d in days_off], starts


def start_range(earliest: int | None, latest: int | None) -> tuple[int, ...]:
    """Half-hour starts from ``earliest`` to ``latest`` (minutes after midnight, inclusive)."""
    lo = 0 if earliest is None else -(-earliest // START_GRID) * START_GRID
    hi = MINUTES_PER_DAY - START_GRID if latest is None else min(latest, MINUTES_PER_DAY - 1)
    return tuple(range(lo, hi + 1, START_GRID))


def week_preferences(
    days_off: Sequence[str],
    start_times: Sequence[str],
    earliest_start: str | None,
    latest_start: str | None,
    weight: float,
) -> WeekPreferences:
    """The optimiser's preferences: listed starts and every half-hour start in the
    earliest–latest range together."""
    starts = {minutes(t, "start_times") for t in start_times}
    if earliest_start is not None or latest_start is not None:
        starts.update(
            start_range(
                None if earliest_start is None else minutes(earliest_start, "earliest_start"),
                None if latest_start is None else minutes(latest_start, "latest_start"),
            )
        )
    return WeekPreferences(
        tuple(DAYS.index(d) for d in DAYS if d in days_off), tuple(sorted(starts)), float(weight)
    )


def week_windows(patterns: Sequence[Pattern], monday: date) -> tuple[tuple[int, int], ...] | None:
    """The windows the agent can work in during the week starting ``monday``, as (start, end)
    minutes from Monday 00:00 on the site's wall clock, joined where they touch; None when
    no pattern covers any day of the week (the agent is unrestricted). The Sunday before and
    the Monday after are read too, so a window running over midnight at either end of the
    week is whole (shifts that start on Sunday may end on the next Monday)."""
    spans: list[tuple[int, int]] = []
    restricted = False
    for d in range(-1, 8):
        day = monday + timedelta(days=d)
        pattern = next((p for p in patterns if p.covers(day)), None)
        base = d * MINUTES_PER_DAY
        if pattern is None:
            spans.append((base, base + MINUTES_PER_DAY))
            continue
        restricted = restricted or 0 <= d < 7
        for start, end in pattern.hours.get(DAYS[day.weekday()], []):
            spans.append((base + minutes(start, "hours"), base + minutes(end, "hours")))
    if not restricted:
        return None
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(start, 0), min(end, 8 * MINUTES_PER_DAY)
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged if s < 7 * MINUTES_PER_DAY)
