"""Deferred work (email, back office, callbacks): agents needed to clear the arrivals and the
backlog within the response-time goal. Pure numpy.

Model (fluid, earliest deadline first): items of interval i arrive at its start (the
cautious reading of a count per interval) and are due ``response_goal_s`` later; the
backlog on hand at the start is due ``backlog_due_s`` from the start. n agents handle
n·u seconds of work per second, u = ``max_occupancy`` (the share of their logged-in time
that can go on items). Work cannot start before it arrives, so a constant staffing n
meets every due time if and only if, for every window from an arrival time t_i to a due
time d, the work that arrives at or after t_i and is due by d fits: W(t_i, d) ≤ n·u·(d − t_i)
(the classic feasibility condition for earliest-deadline-first). The answer is the largest
W / (u·(d − t_i)) over all windows, rounded up.

With ``workable`` (one flag per interval: the site's business hours), agents work only
in workable intervals and the response-time clock runs in business hours too, as email
and back-office goals usually do ("answered within 8 business hours"): time is measured
on the workable clock (closed intervals take no time; an item that arrives while closed
starts its clock at the next opening), and the same condition applies on that clock.
Beyond the horizon the workable pattern repeats (a week, typically).

No randomness is modelled: deferred work waits by design, so the response-time goal is
met by capacity over the window rather than by queueing odds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.wfm.erlang import as_float, as_fraction


@dataclass(frozen=True)
class DeferredRequirement:
    """``agents``: whole agents (constant over the horizon); ``agents_exact``: the fluid
    figure before rounding; the binding window runs from ``window_start_s`` to
    ``window_end_s`` (seconds from the start of the first interval, on the workable clock
    when business hours are given)."""

    agents: int
    agents_exact: float
    window_start_s: float
    window_end_s: float


def deferred_required_agents(
    arrivals: Any,
    interval_s: float,
    aht_s: float,
    response_goal_s: float,
    *,
    backlog: float = 0.0,
    backlog_due_s: float | None = None,
    max_occupancy: float = 1.0,
    workable: Any = None,
) -> DeferredRequirement:
    """Constant agents that clear ``arrivals`` (items per interval, one element per interval)
    and ``backlog`` (items on hand at the start) within the due times (see the module)."""
    counts = as_float("arrivals", arrivals).ravel()
    if counts.size == 0:
        raise InvalidInput("arrivals must hold at least one interval", field="arrivals")
    width = float(as_float("interval_s", interval_s, positive=True))
    handle = float(as_float("aht_s", aht_s, positive=True))
    goal = float(as_float("response_goal_s", response_goal_s, positive=True))
    stock = float(as_float("backlog", backlog))
    stock_due = (
        goal if backlog_due_s is None else float(as_float("backlog_due_s", backlog_due_s, positive=True))
    )
    share = float(as_fraction("max_occupancy", max_occupancy, upper_open=False))

    m = counts.size
    releases = np.arange(m, dtype=np.float64) * width
    # Work of each interval's arrivals, plus the backlog's.
    work = np.concatenate([counts * handle, [stock * handle]])
    open_flags = np.ones(m, dtype=bool) if workable is None else np.asarray(workable, dtype=bool).ravel()
    if open_flags.shape != (m,):
        raise InvalidInput("workable must hold one flag per interval", field="workable")
    if not open_flags.any():
        open_flags = np.ones(m, dtype=bool)  # no open hours known: every interval works
    # Workable seconds from 0 to each interval boundary; beyond the horizon the pattern repeats.
    boundaries = np.concatenate([[0.0], np.cumsum(open_flags * width)])
    per_horizon = boundaries[-1]

    def workable_until(t: np.ndarray) -> np.ndarray:
        cycles, rest = np.divmod(np.asarray(t, dtype=np.float64), m * width)
        index = np.minimum((rest // width).astype(np.int64), m - 1)
        inside = np.where(open_flags[index], rest - index * width, 0.0)
        total: np.ndarray = cycles * per_horizon + boundaries[index] + inside
        return total

    # On the workable clock every release moves to the next open time; closed time vanishes.
    # Due events: one per interval, plus the backlog's.
    releases = workable_until(releases)
    due = np.concatenate([releases + goal, [stock_due]])
    released_at = np.concatenate([releases, [0.0]])
    best, best_start, best_end = 0.0, 0.0, 0.0
    for start in np.unique(releases):
        # Work released at or after `start`, grouped by due time: the due times that matter
        # are those of this window's items (the sum only changes there).
        inside = released_at >= start
        order = np.argsort(due[inside], kind="stable")
        ends = due[inside][order]
        cumulative = np.cumsum(work[inside][order])
        ratio = cumulative / (share * (ends - start))
        top = int(np.argmax(ratio))
        if ratio[top] > best:
            best, best_start, best_end = float(ratio[top]), float(start), float(ends[top])
    agents = int(np.ceil(best * (1.0 - 1e-9)))
    return DeferredRequirement(
        agents=agents, agents_exact=best, window_start_s=best_start, window_end_s=best_end
    )
