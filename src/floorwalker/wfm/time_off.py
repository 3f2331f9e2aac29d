"""Coverage impact of time off: which intervals of a schedule would fall below the
requirement (and by how much) if an agent's shifts were removed. Pure; times are naive
UTC datetimes, coverage in agents, durations in minutes.

An agent counts in an interval as the optimiser's coverage does (scheduling.coverage):
+1 in every interval the shift touches, −1 in every interval a break, lunch or planned
activity touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class IntervalCoverage:
    """One interval of a schedule: start (naive UTC), agents required and scheduled."""

    start: datetime
    required: int
    scheduled: int


@dataclass(frozen=True)
class ShiftSpan:
    """A shift [start, end) and its off-phone activities [(start, end)]."""

    start: datetime
    end: datetime
    activities: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Impact:
    """An interval the removal touches: coverage ``before`` and ``after``, and
    ``extra_short``: how many more agents below the requirement it leaves the interval."""

    start: datetime
    required: int
    before: int
    after: int

    @property
    def short_after(self) -> int:
        return max(0, self.required - self.after)

    @property
    def extra_short(self) -> int:
        return self.short_after - max(0, self.required - self.before)


def overlaps(shift: ShiftSpan, start: datetime, end: datetime) -> bool:
    return shift.start < end and start < shift.end


def contribution(
    intervals: Sequence[IntervalCoverage], interval_min: int, shifts: Sequence[ShiftSpan]
) -> dict[int, int]:
    """Agents the ``shifts`` add to each interval (index into ``intervals``)."""
    if not intervals:
        return {}
    first = intervals[0].start
    step = timedelta(minutes=interval_min)
    out: dict[int, int] = {}

    def touch(start: datetime, end: datetime, sign: int) -> None:
        i = int((start - first) / step)
        while i < len(intervals) and first + i * step < end:
            if i >= 0:
                out[i] = out.get(i, 0) + sign
            i += 1

    for s in shifts:
        touch(s.start, s.end, 1)
        for a_start, a_end in s.activities:
            touch(a_start, a_end, -1)
    return out


def removal_impact(
    intervals: Sequence[IntervalCoverage], interval_min: int, removed: Sequence[ShiftSpan]
) -> list[Impact]:
    """Every interval whose coverage the removal of ``removed`` shifts lowers, in order."""
    delta = contribution(intervals, interval_min, removed)
    out = []
    for i in sorted(delta):
        if delta[i] > 0:
            iv = intervals[i]
            out.append(Impact(iv.start, iv.required, iv.scheduled, iv.scheduled - delta[i]))
    return out
