"""Business hours: parse, validate and format. Pure.

Stored form: ``{"mon": [["08:00", "20:00"]], ..., "sun": []}`` in the site's local wall
clock; a day may have several open periods (split shifts, lunch closure); "24:00" closes
at midnight. Text form, for forms and the CLI: ``mon-fri 08:00-20:00; sat 09:00-17:00``.
"""

from __future__ import annotations

import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BusinessHours = dict[str, list[list[str]]]

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class BusinessHoursError(ValueError):
    pass


def _minutes(hhmm: str) -> int:
    if not _TIME.match(hhmm):
        raise BusinessHoursError(f"'{hhmm}' is not a time HH:MM (00:00 to 24:00)")
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def validate(hours: dict[str, list[list[str]]]) -> BusinessHours:
    """Check a stored-form mapping; return it normalised (all days present, periods sorted)."""
    unknown = set(hours) - set(DAYS)
    if unknown:
        raise BusinessHoursError(f"unknown day(s) {sorted(unknown)}; use {', '.join(DAYS)}")
    result: BusinessHours = {}
    for day in DAYS:
        periods = sorted(([p[0], p[1]] for p in hours.get(day, [])), key=lambda p: _minutes(p[0]))
        previous_end = -1
        for start, end in periods:
            if _minutes(end) <= _minutes(start):
                raise BusinessHoursError(f"{day}: {start}-{end} ends before it starts")
            if _minutes(start) < previous_end:
                raise BusinessHoursError(f"{day}: open periods overlap at {start}")
            previous_end = _minutes(end)
        result[day] = periods
    return result


def parse(text: str) -> BusinessHours:
    """Parse ``mon-fri 08:00-20:00; sat 09:00-13:00,14:00-17:00`` (days not named are closed)."""
    hours: dict[str, list[list[str]]] = {day: [] for day in DAYS}
    for clause in filter(None, (c.strip() for c in text.lower().split(";"))):
        parts = clause.split()
        if len(parts) != 2:
            raise BusinessHoursError(f"'{clause}': expected '<days> <HH:MM-HH:MM[,…]>'")
        day_part, period_part = parts
        if "-" in day_part:
            first, last = day_part.split("-", 1)
            if first not in DAYS or last not in DAYS:
                raise BusinessHoursError(f"'{day_part}': unknown day; use {', '.join(DAYS)}")
            # A range may wrap round the week: "sun-thu" is the working week in much of the world.
            first_index, last_index = DAYS.index(first), DAYS.index(last)
            days = tuple(DAYS[(first_index + i) % 7] for i in range((last_index - first_index) % 7 + 1))
        else:
            if day_part not in DAYS:
                raise BusinessHoursError(f"'{day_part}': unknown day; use {', '.join(DAYS)}")
            days = (day_part,)
        if period_part == "closed":
            continue
        for period in period_part.split(","):
            if period.count("-") != 1:
                raise BusinessHoursError(f"'{period}': expected HH:MM-HH:MM")
            start, end = period.split("-")
            for day in days:
                hours[day].append([start, end])
    return validate(hours)


def format_hours(hours: BusinessHours) -> str:
    """The text form, grouping consecutive days with identical periods."""
    clauses: list[str] = []
    index = 0
    while index < len(DAYS):
        periods = hours.get(DAYS[index], [])
        last = index
        while last + 1 < len(DAYS) and hours.get(DAYS[last + 1], []) == periods:
            last += 1
        if periods:
            days = DAYS[index] if last == index else f"{DAYS[index]}-{DAYS[last]}"
            clauses.append(f"{days} " + ",".join(f"{s}-{e}" for s, e in periods))
        index = last + 1
    return "; ".join(clauses) if clauses else "closed"


def is_open(hours: BusinessHours, weekday: int, minute: int) -> bool:
    """True when ``minute`` (0–1439, local wall clock) of ``weekday`` (0 = Monday) falls in
    an open period."""
    return any(_minutes(start) <= minute < _minutes(end) for start, end in hours.get(DAYS[weekday], []))


def weekly_open_hours(hours: BusinessHours) -> float:
    """Open hours per week (for capacity planning and display)."""
    return sum(_minutes(e) - _minutes(s) for day in DAYS for s, e in hours.get(day, [])) / 60.0
