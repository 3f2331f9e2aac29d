"""Dimensions and time grains of the metrics cube, and the labels of their buckets. Pure.

Time grains bucket a contact by the **site-local** wall clock at which it arrived (the
warehouse's ``*_local`` columns), never by UTC:

* ``interval15`` / ``interval30`` / ``interval60``: a slice of the local day. The bucket is
  the local start of the slice **together with the UTC offset in force**, so the hour a
  DST change repeats gives two buckets and the hour it skips gives none: a spring-forward
  day has 92 quarter-hours, a fall-back day 100. The label is ISO 8601 with the offset,
  e.g. ``2026-10-25T01:45:00+01:00`` then ``2026-10-25T01:45:00+00:00``.
* ``day``: the local calendar date (23 or 25 hours on DST days).
* ``week``: the ISO week (Monday to Sunday), labelled ``2026-W43``.
* ``month``: the calendar month, labelled ``2026-10``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

#: Dimensions a cube can be grouped by (the ``--by`` vocabulary of ``floorwalker metrics``).
DIMENSIONS = (
    "site",
    "queue",
    "channel",
    "team",
    "agent",
    "disposition",
    "interval15",
    "interval30",
    "interval60",
    "day",
    "week",
    "month",
)
#: Interval grains and their length in seconds.
INTERVAL_SECONDS = {"interval15": 900, "interval30": 1800, "interval60": 3600}
TIME_GRAINS = (*INTERVAL_SECONDS, "day", "week", "month")
#: Dimensions read straight from a column of the contacts table.
CONTACT_COLUMNS = ("site", "queue", "channel", "agent", "disposition")

_EPOCH = datetime(1970, 1, 1)


class DimensionError(ValueError):
    """A --by list the cube cannot group by; the message says why."""


def parse_dimensions(text: str | Iterable[str]) -> tuple[str, ...]:
    """A comma list (or sequence) of dimension names, checked: known names, no repeats,
    at most one time grain. Order is kept (it is the order of the group keys)."""
    items = [p.strip() for p in text.split(",")] if isinstance(text, str) else [p.strip() for p in text]
    items = [p for p in items if p]
    unknown = [p for p in items if p not in DIMENSIONS]
    if unknown:
        raise DimensionError(f"unknown dimension '{unknown[0]}'; use a comma list of {', '.join(DIMENSIONS)}")
    repeated = sorted({p for p in items if items.count(p) > 1})
    if repeated:
        raise DimensionError(f"dimension '{repeated[0]}' given twice")
    grains = [p for p in items if p in TIME_GRAINS]
    if len(grains) > 1:
        raise DimensionError(f"one time grain at a time, not {' and '.join(grains)}")
    return tuple(items)


def time_grain(dims: Iterable[str]) -> str | None:
    """The time grain among ``dims``, if any."""
    return next((d for d in dims if d in TIME_GRAINS), None)


def interval_label(local_epoch_bucket: int, seconds: int, utc_offset_s: int) -> str:
    """ISO 8601 label of an interval: its local start and the UTC offset then in force.

    ``local_epoch_bucket`` is ⌊local wall-clock seconds since 1970-01-01 / seconds⌋."""
    start = _EPOCH + timedelta(seconds=local_epoch_bucket * seconds)
    sign = "+" if utc_offset_s >= 0 else "-"
    hours, rest = divmod(abs(utc_offset_s), 3600)
    return f"{start.isoformat()}{sign}{hours:02d}:{rest // 60:02d}"


def interval_start_utc(local_epoch_bucket: int, seconds: int, utc_offset_s: int) -> datetime:
    """The aware UTC instant at which an interval starts."""
    local = _EPOCH + timedelta(seconds=local_epoch_bucket * seconds)
    return (local - timedelta(seconds=utc_offset_s)).replace(tzinfo=UTC)


def day_label(value: date | datetime) -> str:
    """``YYYY-MM-DD`` of a local date (a truncated timestamp is accepted)."""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def week_label(value: date | datetime) -> str:
    """ISO week ``YYYY-Www`` of any day in it (the year is the ISO year)."""
    d = value.date() if isinstance(value, datetime) else value
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def month_label(value: date | datetime) -> str:
    """``YYYY-MM`` of any day in the month."""
    return f"{value.year:04d}-{value.month:02d}"
