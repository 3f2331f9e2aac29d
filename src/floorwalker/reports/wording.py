"""How the management report writes numbers and changes. Pure.

Units follow the code's rules: fractions 0–1 (shown as percent), seconds (shown as m:ss),
counts. A change of a rate is spoken in percentage *points* (82.4% → 85.5% is "up 3.1
points"), a change of a count in percent, a change of a time in seconds.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

Unit = Literal["count", "fraction", "seconds", "score"]

#: Changes smaller than this are "unchanged": 0.05 points, half a second, 0.05%.
_UNCHANGED = {"fraction": 0.0005, "seconds": 0.5, "count": 0.0005, "score": 0.05}


def percent(value: float | None, digits: int = 1) -> str:
    """0.824 → "82.4%"; None → "—"."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def duration(value: float | None) -> str:
    """Seconds as m:ss (h:mm:ss past an hour); None → "—"."""
    if value is None:
        return "—"
    total = round(value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def count(value: float | None) -> str:
    """2345 → "2,345"; None → "—"."""
    return "—" if value is None else f"{value:,.0f}"


def value_text(value: float | None, unit: Unit) -> str:
    """A KPI value as a reader sees it."""
    if unit == "fraction":
        return percent(value)
    if unit == "seconds":
        return duration(value)
    if unit == "count":
        return count(value)
    return "—" if value is None else f"{value:.1f}"


def goal_text(goal: float, unit: Unit) -> str:
    """A target's goal without needless decimals: 0.8 → "80%", 0.055 → "5.5%", 20 → "0:20"."""
    if unit == "fraction":
        text = f"{goal * 100:.1f}".removesuffix(".0")
        return f"{text}%"
    return value_text(goal, unit)


def _seconds_words(seconds: float) -> str:
    s = round(abs(seconds))
    if s < 60:
        return f"{s} second{'s' if s != 1 else ''}"
    return duration(abs(seconds))


def change_text(absolute: float | None, relative: float | None, unit: Unit) -> str | None:
    """ "up 3.1 points", "down 4.2%", "up 8 seconds", "unchanged"; None when not comparable."""
    if absolute is None:
        return None
    if unit == "count":
        if relative is None:
            return None
        if abs(relative) < _UNCHANGED["count"]:
            return "unchanged"
        return f"{'up' if relative > 0 else 'down'} {abs(relative) * 100:.1f}%"
    if abs(absolute) < _UNCHANGED[unit]:
        return "unchanged"
    way = "up" if absolute > 0 else "down"
    if unit == "fraction":
        points = abs(absolute) * 100
        return f"{way} {points:.1f} point{'s' if f'{points:.1f}' != '1.0' else ''}"
    if unit == "seconds":
        return f"{way} {_seconds_words(absolute)}"
    return f"{way} {abs(absolute):.1f}"


def signed_change(absolute: float | None, relative: float | None, unit: Unit) -> str:
    """A compact change for tables: "+3.1 pt", "−4.2%", "+8 s", "−6:17", "0.0 pt", "—"."""
    if absolute is None or (unit == "count" and relative is None):
        return "—"
    if unit == "count":
        assert relative is not None
        number, suffix = relative * 100, "%"
    elif unit == "fraction":
        number, suffix = absolute * 100, " pt"
    elif unit == "seconds":
        if abs(absolute) >= 59.5:
            return ("+" if absolute > 0 else "−") + duration(abs(absolute))
        return "0 s" if round(absolute) == 0 else f"{absolute:+.0f} s".replace("-", "−")
    else:
        number, suffix = absolute, ""
    text = f"{abs(number):.1f}"
    if text == "0.0":
        return f"0.0{suffix}"
    return ("+" if number > 0 else "−") + text + suffix


def margin_text(margin: float, unit: Unit) -> str:
    """A target's amber margin: 0.08 of a rate → "8.0 points", 5 s → "0:05"."""
    if unit == "fraction":
        return f"{margin * 100:.1f} points"
    return value_text(margin, unit)


def month_name(start: date) -> str:
    """date(2026, 10, 1) → "October 2026"."""
    return f"{calendar.month_name[start.month]} {start.year}"


def period_name(start: date, end: date) -> str:
    """A whole month by its name, any other span as "1 Oct 2026 – 14 Oct 2026"."""
    if start.day == 1 and end.month == start.month and end.year == start.year:
        last = calendar.monthrange(start.year, start.month)[1]
        if end.day == last:
            return month_name(start)
    return f"{day_name(start, weekday=False)} – {day_name(end, weekday=False)}"


def day_name(day: date, *, weekday: bool = True) -> str:
    """date(2026, 10, 5) → "Monday 5 October 2026" (without the weekday: "5 Oct 2026")."""
    if weekday:
        return f"{calendar.day_name[day.weekday()]} {day.day} {calendar.month_name[day.month]}"
    return f"{day.day} {calendar.month_abbr[day.month]} {day.year}"


def possessive(name: str) -> str:
    """ "Sales" → "Sales'", "Care" → "Care's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
