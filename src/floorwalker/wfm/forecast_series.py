"""History as a day × interval grid in site-local wall-clock time.

Pure: plain points in, arrays out. A point is ``(interval_start, contacts, aht_s)`` where
``interval_start`` is a site-local time (naive, or aware with a UTC offset) at the
forecast interval or finer; finer points are summed into their interval.

Each local day is a row of ``1440 / interval_min`` wall-clock slots. With a time zone,
a day with a DST change has 23 or 25 hours: a slot that does not exist that day (the
spring-forward gap) has 0 *occurrences*, a slot that repeats (the fall-back hour) has 2.
The grid keeps the *per-occurrence* count, so every day looks like a 24-hour day to the
models; :func:`slot_starts` turns a slot back into its real local starts (none, one or
two), so a forecast for a DST day has 46 or 50 half-hours, not 48. Without a time zone
timestamps are naive local time and every day has 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

ALLOWED_INTERVALS_MIN = (15, 30, 60)

Point = tuple[datetime, float, float | None]


@dataclass(frozen=True)
class IntervalSeries:
    """Contacts and handle time per local day and wall-clock slot.

    ``contacts[d, s]``: contacts per occurrence of slot ``s`` on ``days[d]``; NaN where
    the history has no point in that slot that day. ``handle_s[d, s]``: handle seconds
    (AHT × contacts) per occurrence, NaN where unknown. ``days`` are consecutive dates
    from the first to the last day of history (days without points are all-NaN rows).
    """

    days: list[date]
    interval_min: int
    contacts: NDArray[np.float64]
    handle_s: NDArray[np.float64]
    has_aht: bool
    time_zone: str | None

    @property
    def slots_per_day(self) -> int:
        return 1440 // self.interval_min


def _zone(time_zone: str | None) -> tzinfo | None:
    return ZoneInfo(time_zone) if time_zone else None


def exists_locally(local: datetime, zone: tzinfo) -> bool:
    """A naive wall-clock time exists in ``zone`` when it survives a round trip via UTC."""
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back == local


def slot_starts(day: date, slot: int, interval_min: int, time_zone: str | None) -> list[datetime]:
    """The real starts of wall-clock slot ``slot`` on ``day``: aware datetimes (two in a
    repeated hour, none in a skipped one) with a time zone, one naive datetime without."""
    local = datetime(day.year, day.month, day.day) + timedelta(minutes=slot * interval_min)
    zone = _zone(time_zone)
    if zone is None:
        return [local]
    if not exists_locally(local, zone):
        return []
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [first]
    return [first, second]


def occurrences(day: date, interval_min: int, time_zone: str | None) -> NDArray[np.int64]:
    """How many times each wall-clock slot of ``day`` happens: 1, or 0/2 around DST."""
    n = 1440 // interval_min
    if not time_zone:
        return np.ones(n, dtype=np.int64)
    zone = _zone(time_zone)
    assert zone is not None
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(days=1)
    if (end.astimezone(UTC) - start.astimezone(UTC)) == timedelta(days=1):
        return np.ones(n, dtype=np.int64)
    return np.array([len(slot_starts(day, s, interval_min, time_zone)) for s in range(n)], dtype=np.int64)


def to_local(moment: datetime, time_zone: str | None) -> datetime:
    """A point's naive local wall-clock time. An aware time is converted to the zone
    (or, with no zone, keeps its own wall clock)."""
    if moment.tzinfo is None:
        return moment
    zone = _zone(time_zone)
    if zone is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


def build_series(
    points: Iterable[Point], *, interval_min: int, time_zone: str | None = None
) -> IntervalSeries:
    """Sum points into ``interval_min`` slots of their local day.

    ``contacts`` are counts per point; ``aht_s`` (seconds) is weighted by the point's
    contacts. Raises ``ValueError`` for an interval other than 15/30/60 or an empty history.
    """
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise ValueError(f"interval must be one of {ALLOWED_INTERVALS_MIN} minutes, not {interval_min}")
    n_slots = 1440 // interval_min
    by_day: dict[date, tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]] = {}
    has_aht = False
    for moment, contacts, aht_s in points:
        local = to_local(moment, time_zone)
        day = local.date()
        slot = (local.hour * 60 + local.minute) // interval_min
        cells = by_day.get(day)
        if cells is None:
            cells = (np.zeros(n_slots), np.zeros(n_slots), np.zeros(n_slots, dtype=bool))
            by_day[day] = cells
        cells[0][slot] += contacts
        cells[2][slot] = True
        if aht_s is not None:
            has_aht = True
            cells[1][slot] += aht_s * contacts
    if not by_day:
        raise ValueError("the history has no data")
    first, last = min(by_day), max(by_day)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    contacts_m = np.full((len(days), n_slots), np.nan)
    handle_m = np.full((len(days), n_slots), np.nan)
    for i, day in enumerate(days):
        cells = by_day.get(day)
        if cells is None:
            continue
        occ = occurrences(day, interval_min, time_zone).astype(np.float64)
        present = cells[2] & (occ > 0)
        # Per occurrence: the fall-back hour's two half-hours share one wall-clock slot.
        contacts_m[i, present] = cells[0][present] / occ[present]
        handle_m[i, present] = cells[1][present] / occ[present]
    return IntervalSeries(days, interval_min, contacts_m, handle_m, has_aht, time_zone)
