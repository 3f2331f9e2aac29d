"""Site calendar for the demo: local days, opening periods, the public holiday, and the
mapping between UTC instants and the site's wall clock. Pure.

Simulation time is whole seconds since ``origin``: the UTC instant of local midnight on
the first day of the window. Whole seconds keep every derived duration exact
(wait = answered − arrived holds to the bit) and make ties deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTERVAL_S = 900

#: Plausible names, by month, for the one (Monday) public holiday of the window.
_HOLIDAY_NAMES = {
    1: "January Bank Holiday",
    2: "Winter Bank Holiday",
    3: "Spring Holiday",
    4: "April Bank Holiday",
    5: "Early May Bank Holiday",
    6: "Midsummer Holiday",
    7: "Summer Holiday",
    8: "Summer Bank Holiday",
    9: "Harvest Holiday",
    10: "Autumn Holiday",
    11: "Founders' Day",
    12: "Winter Holiday",
}


@dataclass(frozen=True)
class Day:
    """One site-local calendar day of the window; instants are seconds since origin."""

    index: int
    day: date
    weekday: int  # 0 = Monday
    start_s: int  # local midnight
    end_s: int  # next local midnight (a DST day is 23 or 25 hours long)
    open_periods_s: tuple[tuple[int, int], ...]  # [start, end); empty when closed
    holiday: bool

    @property
    def is_open(self) -> bool:
        return bool(self.open_periods_s)


class SiteClock:
    """Converts between simulation seconds (UTC) and the site's wall clock."""

    def __init__(self, time_zone: str, first_day: date, last_day: date) -> None:
        self.zone = ZoneInfo(time_zone)
        self.origin_epoch_s = int(datetime.combine(first_day, time(0), tzinfo=self.zone).timestamp())
        self._transitions_s, self._offsets_s = self._find_transitions(last_day)

    def _offset_at_epoch(self, epoch_s: int) -> int:
        offset = datetime.fromtimestamp(epoch_s, self.zone).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    def _find_transitions(self, last_day: date) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        # Offsets change at most a few times a year, always at a whole second: sample hourly
        # and bisect each change to the second, so the table is exact for any zone.
        lo = self.origin_epoch_s - 2 * 86400
        hi = int(datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=self.zone).timestamp())
        starts = [lo - 10**9]
        offsets = [self._offset_at_epoch(lo)]
        previous_t, previous_offset = lo, offsets[0]
        for t in range(lo + 3600, hi + 3600, 3600):
            offset = self._offset_at_epoch(t)
            if offset != previous_offset:
                a, b = previous_t, t
                while b - a > 1:
                    mid = (a + b) // 2
                    if self._offset_at_epoch(mid) == previous_offset:
                        a = mid
                    else:
                        b = mid
                starts.append(b)
                offsets.append(offset)
            previous_t, previous_offset = t, offset
        rel = np.asarray(starts, dtype=np.int64) - self.origin_epoch_s
        return rel, np.asarray(offsets, dtype=np.int64)

    def offsets_s(self, t_s: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """UTC offset (local − UTC, seconds) in force at each simulation instant."""
        where = np.searchsorted(self._transitions_s, t_s, side="right") - 1
        return self._offsets_s[where]

    def wall_to_s(self, day: date, minute: int) -> int:
        """Simulation seconds of the wall-clock time ``minute`` minutes after local midnight."""
        naive = datetime.combine(day, time(0)) + timedelta(minutes=minute)
        return int(naive.replace(tzinfo=self.zone).timestamp()) - self.origin_epoch_s


def hhmm_to_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def pick_holiday(first_day: date, last_day: date) -> tuple[date, str] | None:
    """The window's one public holiday: a Monday (as bank holidays are) about 40 days
    before the last day, proportionally earlier in short windows so that any window of a
    week or more has one; None when the window is too short."""
    days = (last_day - first_day).days + 1
    back = min(40, days * 4 // 9)
    if back < 1:
        return None
    candidate = last_day - timedelta(days=back)
    monday = candidate - timedelta(days=candidate.weekday())
    if monday < first_day:
        monday += timedelta(days=7)
    if monday >= last_day:
        return None
    return monday, _HOLIDAY_NAMES[monday.month]


def build_days(
    clock: SiteClock,
    first_day: date,
    last_day: date,
    business_hours: dict[str, list[tuple[str, str]]],
    holiday: date | None,
) -> list[Day]:
    """The window's days with their opening periods in simulation seconds."""
    days: list[Day] = []
    current = first_day
    index = 0
    while current <= last_day:
        start = clock.wall_to_s(current, 0)
        end = clock.wall_to_s(current + timedelta(days=1), 0)
        periods: tuple[tuple[int, int], ...] = ()
        if current != holiday:
            periods = tuple(
                (
                    clock.wall_to_s(current, hhmm_to_minutes(a)),
                    clock.wall_to_s(current, hhmm_to_minutes(b)),
                )
                for a, b in business_hours[WEEKDAY_KEYS[current.weekday()]]
            )
        days.append(
            Day(
                index=index,
                day=current,
                weekday=current.weekday(),
                start_s=start,
                end_s=end,
                open_periods_s=periods,
                holiday=current == holiday,
            )
        )
        current += timedelta(days=1)
        index += 1
    return days
