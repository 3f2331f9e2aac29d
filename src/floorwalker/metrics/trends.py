"""Comparison periods, changes and anomaly flags. Pure.

* Previous period: the same number of days just before (a month is compared with the
  previous calendar month when the period is a whole month).
* Same period a year earlier: the same calendar dates one year back (29 February → 28).
* Change: absolute (value − previous, in the metric's units: fraction points for rates)
  and relative ((value − previous) / |previous|), None where either side is undefined.
* Anomaly: a value outside its usual band, the band being the median ± ``k`` robust
  standard deviations (1.4826 × the median absolute deviation) of the same weekday (and
  interval) over the previous weeks (8 by default). At least ``min_history`` values are
  needed; a spread of 0 (a perfectly regular history) is widened to ``floor_fraction``
  of the median so that a single extra contact is not an anomaly.
"""

from __future__ import annotations

import calendar
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

#: Scale that turns a median absolute deviation into a standard deviation for normal data.
MAD_TO_SD = 1.4826


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period just before [start, end] (inclusive dates) of the same length; for a
    whole calendar month, the whole previous month."""
    if start.day == 1 and end == _month_end(start):
        previous_end = start - timedelta(days=1)
        return previous_end.replace(day=1), previous_end
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def previous_to_date(start: date, end: date, unit: Literal["week", "month"]) -> tuple[date, date]:
    """The same elapsed part of the previous week or month, for a period "to date":
    Monday–Wednesday is compared with last week's Monday–Wednesday; 1–18 November with
    1–18 October (clamped to the previous month's last day, e.g. 1–31 March → 1–28 Feb)."""
    if unit == "week":
        return start - timedelta(days=7), end - timedelta(days=7)
    previous_end_of_month = start.replace(day=1) - timedelta(days=1)
    first = previous_end_of_month.replace(day=1)
    last_day = min(end.day, previous_end_of_month.day)
    return first, first.replace(day=last_day)


def same_period_last_year(start: date, end: date) -> tuple[date, date]:
    """The same dates one year earlier (29 February becomes 28 February)."""
    return _year_back(start), _year_back(end)


def _year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Change:
    absolute: float | None
    relative: float | None


def change(value: float | None, previous: float | None) -> Change:
    """value − previous and its ratio to |previous| (None where undefined)."""
    if value is None or previous is None:
        return Change(None, None)
    absolute = value - previous
    relative = absolute / abs(previous) if previous != 0 else None
    return Change(absolute, relative)


Flag = Literal["high", "low"]


@dataclass(frozen=True)
class Band:
    """The usual range of a value: median ± k robust standard deviations."""

    median: float
    low: float
    high: float
    history: int


def usual_band(
    history: Sequence[float], *, k: float = 3.0, min_history: int = 4, floor_fraction: float = 0.05
) -> Band | None:
    """The band of ``history`` (e.g. the same weekday over the previous 8 weeks), or None
    when there are fewer than ``min_history`` values."""
    values = [v for v in history if v is not None]
    if len(values) < min_history:
        return None
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    spread = max(MAD_TO_SD * mad, abs(median) * floor_fraction)
    return Band(median, median - k * spread, median + k * spread, len(values))


def anomaly(value: float | None, band: Band | None) -> Flag | None:
    """ "high" or "low" when value falls outside its band; None inside or when unknown."""
    if value is None or band is None:
        return None
    if value > band.high:
        return "high"
    if value < band.low:
        return "low"
    return None


def same_weekday_history(day: date, weeks: int = 8) -> list[date]:
    """The same weekday in each of the ``weeks`` weeks before ``day``, oldest first."""
    return [day - timedelta(weeks=w) for w in range(weeks, 0, -1)]
