"""Instants and local clocks. Pure: the caller passes 'now'; nothing here reads the clock.

Storage convention: instants are naive ``datetime`` values in UTC (both warehouse
engines store ``TIMESTAMP`` without zone, so the metric SQL is identical on each);
site-local wall-clock values are naive too and always named ``*_local``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def is_valid_time_zone(name: str) -> bool:
    """True when ``name`` is an IANA time zone known to this machine's tz database."""
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones() or name == "UTC"


def to_utc_naive(moment: datetime) -> datetime:
    """An aware instant as a naive UTC datetime (the storage form)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where an aware one is required")
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_day_bounds_utc(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of a site-local calendar day, as naive UTC instants.

    A DST day is 23 or 25 hours long; the bounds say so.
    """
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return to_utc_naive(start), to_utc_naive(end)


def local_days_utc(
    first_utc: datetime, last_utc: datetime, time_zone: str
) -> list[tuple[datetime, datetime]]:
    """Every site-local day that overlaps [first_utc, last_utc] (naive UTC), as its
    (start, end) bounds in naive UTC, in order; DST days are 23 or 25 hours long."""
    zone = ZoneInfo(time_zone)
    day = first_utc.replace(tzinfo=UTC).astimezone(zone).date()
    last = last_utc.replace(tzinfo=UTC).astimezone(zone).date()
    days = []
    while day <= last:
        days.append(local_day_bounds_utc(day, time_zone))
        day += timedelta(days=1)
    return days


def utc_offsets(days: list[tuple[datetime, datetime]], time_zone: str) -> list[tuple[datetime, int]]:
    """(since, offset seconds) pairs: the site's UTC offset in force from ``since`` (naive
    UTC) on, for the span of ``days`` (from local_days_utc); one pair per day start plus
    one at each offset change inside a day, found to the second."""
    zone = ZoneInfo(time_zone)

    def offset(at: datetime) -> int:
        delta = at.replace(tzinfo=UTC).astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    pairs: list[tuple[datetime, int]] = []
    for start, end in days:
        pairs.append((start, offset(start)))
        low, high = start, end - timedelta(seconds=1)
        if offset(low) == offset(high):
            continue
        # One change inside the day (DST): bisect to the first second of the new offset.
        before = offset(low)
        while (high - low) > timedelta(seconds=1):
            middle = low + (high - low) / 2
            middle = middle.replace(microsecond=0)
            if offset(middle) == before:
                low = middle
            else:
                high = middle
        pairs.append((high, offset(high)))
    return pairs


def local_today(now_utc: datetime, time_zone: str) -> date:
    """The site-local calendar date at the instant ``now_utc`` (aware)."""
    return now_utc.astimezone(ZoneInfo(time_zone)).date()


def common_time_zones() -> list[str]:
    """IANA zone names for a picker: region/city names, sorted (no legacy aliases)."""
    regions = (
        "Africa/",
        "America/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    )
    return [*sorted(z for z in available_timezones() if z.startswith(regions)), "UTC"]
