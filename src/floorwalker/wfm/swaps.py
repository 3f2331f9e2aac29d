"""Shift swaps between agents, as pure rules: the states a swap goes through, what a swap
does to the two agents' weeks, and how it changes coverage per interval.

A *swap* exchanges the proposer's shift on one day with the colleague's shift on a day
(the same or another one of the same published week); a *trade* (give-away) hands the
proposer's shift to the colleague, who is off that day. Times are minutes from Monday
00:00 site-local (weeks, see wfm.shift_edits) or naive UTC datetimes (coverage).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from floorwalker.wfm.shift_edits import DayShift, EditRefused, Week
from floorwalker.wfm.time_off import Impact, IntervalCoverage, ShiftSpan, contribution

SWAP_KINDS = ("swap", "trade")
SWAP_STATUSES = ("proposed", "accepted", "declined", "approved", "rejected", "cancelled")
#: A swap in one of these states may still change; the others are final.
PENDING = ("proposed", "accepted")

#: action → (states it may start from, state it leads to, who takes it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "accept": (("proposed",), "accepted", "colleague"),
    "decline": (("proposed",), "declined", "colleague"),
    "cancel": (PENDING, "cancelled", "proposer"),
    "approve": (("accepted",), "approved", "supervisor"),
    "reject": (PENDING, "rejected", "supervisor"),
}


class SwapRefused(ValueError):
    """The swap cannot move to the wanted state; the message says why."""


def next_status(status: str, action: str) -> str:
    """The state ``action`` leads to from ``status``; ``SwapRefused`` when it may not."""
    if action not in TRANSITIONS:
        raise SwapRefused(f"unknown action '{action}' (one of {', '.join(TRANSITIONS)})")
    sources, target, _who = TRANSITIONS[action]
    if status not in PENDING:
        raise SwapRefused(f"the swap is already {status}: only a pending swap can change")
    if status not in sources:
        raise SwapRefused(f"a {status} swap cannot be {_past(action)} (only a {' or '.join(sources)} one)")
    return target


def _past(action: str) -> str:
    return {"accept": "accepted", "decline": "declined", "cancel": "cancelled", "approve": "approved",
            "reject": "rejected"}[action]  # fmt: skip


def swapped(
    proposer: Week, colleague: Week, offered_day: int, wanted_day: int | None
) -> tuple[dict[int, DayShift], dict[int, DayShift]]:
    """Both weeks after the swap: the colleague works the proposer's shift of
    ``offered_day``; with ``wanted_day`` (a swap) the proposer works the colleague's
    shift of that day, with none (a trade) the proposer is off. Meetings, training and
    coaching are personal, so a shift carrying one does not move (``EditRefused``), nor
    does a shift onto a day the receiver already works."""
    if offered_day not in proposer:
        raise EditRefused("the offered shift is not a shift of the proposer")
    give = proposer[offered_day]
    new_p = {d: s for d, s in proposer.items() if d != offered_day}
    new_c = dict(colleague)
    _personal(give, "the offered shift")
    if wanted_day is None:
        if offered_day in colleague:
            raise EditRefused("the colleague already works that day: propose a swap of shifts instead")
        new_c[offered_day] = give
        return new_p, new_c
    if wanted_day not in colleague:
        raise EditRefused("the wanted shift is not a shift of the colleague")
    take = colleague[wanted_day]
    _personal(take, "the wanted shift")
    del new_c[wanted_day]
    if offered_day != wanted_day:
        if wanted_day in proposer:
            raise EditRefused("the proposer already works on the wanted shift's day")
        if offered_day in colleague:
            raise EditRefused("the colleague already works on the offered shift's day")
    new_p[wanted_day] = take
    new_c[offered_day] = give
    return new_p, new_c


def _personal(shift: DayShift, what: str) -> None:
    for a in shift.planned():
        raise EditRefused(
            f"{what} carries {a.kind} {a.name!r}, which is personal: a supervisor moves or removes it first"
        )


def coverage_delta(
    intervals: Sequence[IntervalCoverage],
    interval_min: int,
    removed: Sequence[ShiftSpan],
    added: Sequence[ShiftSpan],
) -> dict[int, int]:
    """Agents gained (+) or lost (−) per interval index (into ``intervals``) when
    ``removed`` shifts go and ``added`` ones come; unchanged intervals are left out."""
    minus = contribution(intervals, interval_min, removed)
    plus = contribution(intervals, interval_min, added)
    out = {i: plus.get(i, 0) - minus.get(i, 0) for i in set(minus) | set(plus)}
    return {i: d for i, d in out.items() if d}


def coverage_change(
    intervals: Sequence[IntervalCoverage],
    interval_min: int,
    removed: Sequence[ShiftSpan],
    added: Sequence[ShiftSpan],
) -> list[Impact]:
    """Every interval whose coverage changes, in order, with coverage before and after
    (``extra_short`` < 0: fewer agents short than before)."""
    delta = coverage_delta(intervals, interval_min, removed, added)
    return [
        Impact(intervals[i].start, intervals[i].required, intervals[i].scheduled, intervals[i].scheduled + d)
        for i, d in sorted(delta.items())
    ]


def summary(impacts: Sequence[Impact]) -> dict[str, int]:
    """Agent-intervals the change leaves short beyond today (``worse``) and fills
    (``better``), and how many intervals end below the requirement."""
    return {
        "worse": sum(i.extra_short for i in impacts if i.extra_short > 0),
        "better": -sum(i.extra_short for i in impacts if i.extra_short < 0),
        "below_after": sum(1 for i in impacts if i.short_after > 0),
    }


def runs(
    delta: Mapping[int, int], starts: Sequence[datetime], interval_min: int
) -> list[tuple[datetime, datetime, int]]:
    """Consecutive intervals with the same change merged: (start, end, change), in order."""
    out: list[tuple[datetime, datetime, int]] = []
    step = timedelta(minutes=interval_min)
    for i in sorted(delta):
        start, change = starts[i], delta[i]
        if out and out[-1][1] == start and out[-1][2] == change:
            out[-1] = (out[-1][0], start + step, change)
        else:
            out.append((start, start + step, change))
    return out
