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
