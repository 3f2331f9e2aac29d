"""Coverage per interval, under- and over-coverage, the service-level weights of missing
agents, and the projected service level of a schedule. Pure.

Coverage of an interval = agents on a shift in it who are not on a break, lunch or a
planned activity (the "scheduled productive agents" of spec/kpis.md).

Service levels come from floorwalker.wfm.erlang (Erlang C).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from floorwalker.wfm.erlang import erlang_c
from floorwalker.wfm.scheduling.rules import Instance, ScheduledShift

#: Floor of a missing agent's weight, relative to the average: intervals with a
#: requirement but (almost) no forecast contacts still count.
MIN_RELATIVE_WEIGHT = 0.1


def _erlang_c_service_level(
    agents: int, contacts: float, aht: float, interval_s: float, threshold: float
) -> float:
    """Fraction of contacts answered within ``threshold`` seconds by Erlang C
    (floorwalker.wfm.erlang, the one implementation): 0 when agents ≤ traffic, 1 when there
    are no contacts."""
    if contacts <= 0 or aht <= 0:
        return 1.0
    traffic = contacts * aht / interval_s
    return float(erlang_c(max(agents, 0), traffic, aht, threshold).service_level)


def under_weights(instance: Instance) -> list[list[float]]:
    """Weight of the 1st, 2nd, … missing agent in each interval (non-decreasing per interval).

    Without demand every missing agent-interval weighs ``weights.under``. With demand, the
    j-th missing agent of interval t costs the contacts it stops being answered within the
    threshold: contacts_t × (SL(r_t − j + 1) − SL(r_t − j)) by Erlang C, made non-decreasing
    in j (the convex envelope: the next missing agent never costs less than the previous
    one), divided by the average weight of a first missing agent, floored at
    MIN_RELATIVE_WEIGHT, times ``weights.under``.
    """
    req = instance.requirement
    base = instance.weights.under
    if instance.demand is None:
        return [[base] * r for r in req]
    d = instance.demand
    seconds = instance.interval * 60.0
    # Erlang C for every (interval, agents 0…r) pair in one vectorised call
    pairs = [(t, n) for t, r in enumerate(req) if d.contacts[t] > 0 and d.aht[t] > 0 for n in range(r + 1)]
    table: dict[tuple[int, int], float] = {}
    if pairs:
        agents = np.array([n for _, n in pairs], dtype=np.int64)
        traffic = np.array([d.contacts[t] * d.aht[t] / seconds for t, _ in pairs])
        aht = np.array([d.aht[t] for t, _ in pairs])
        levels = erlang_c(agents, traffic, aht, d.threshold).service_level
        table = {pair: float(v) for pair, v in zip(pairs, np.asarray(levels).ravel(), strict=True)}
    raw: list[list[float]] = []
    for t, r in enumerate(req):
        sl = [table.get((t, n), 1.0) for n in range(r + 1)]
        pieces: list[float] = []
        top = 0.0
        for j in range(1, r + 1):
            top = max(top, d.contacts[t] * (sl[r - j + 1] - sl[r - j]))
            pieces.append(top)
        raw.append(pieces)
    firsts = [p[0] for p in raw if p and p[0] > 0]
    if not firsts:
        return [[base] * r for r in req]
    mean = sum(firsts) / len(firsts)
    return [[base * max(MIN_RELATIVE_WEIGHT, w / mean) for w in p] for p in raw]


def interval_span(instance: Instance, start: int, end: int) -> list[int]:
    """Intervals of the horizon that [start, end) covers (wrapped when cyclic, else cut)."""
    g, n = instance.interval, instance.intervals
    out = []
    for i in range(start // g, (end + g - 1) // g):
        if instance.cyclic:
            out.append(i % n)
        elif 0 <= i < n:
            out.append(i)
    return out


def coverage_of(instance: Instance, shifts: Sequence[ScheduledShift]) -> list[int]:
    """Productive agents per interval: on shift, not in a break, lunch or planned activity."""
    cov = [0] * instance.intervals
    for s in shifts:
        for t in interval_span(instance, s.start, s.end):
            cov[t] += 1
        for a in s.activities:
            for t in interval_span(instance, a.start, a.end):
                cov[t] -= 1
    return cov


def under_over_hours(instance: Instance, coverage: Sequence[int]) -> tuple[float, float]:
    """(under-coverage, over-coverage) in agent-hours against the requirement."""
    hours = instance.interval / 60.0
    under = sum(max(0, r - c) for r, c in zip(instance.requirement, coverage, strict=True))
    over = sum(max(0, c - r) for r, c in zip(instance.requirement, coverage, strict=True))
    return under * hours, over * hours


def coverage_cost(instance: Instance, coverage: Sequence[int]) -> float:
    """The coverage part of the objective: each missing agent priced by under_weights (the
    worst-hit first), each surplus agent-interval by ``weights.over``."""
    weights = under_weights(instance)
    total = 0.0
    for t, (r, c) in enumerate(zip(instance.requirement, coverage, strict=True)):
        total += sum(weights[t][: max(0, r - c)]) + instance.weights.over * max(0, c - r)
    return total


def projected_service_level(
    instance: Instance, coverage: Sequence[int]
) -> tuple[list[float | None], float | None]:
    """Erlang C service level per interval for the covered agents (None where no contacts
    are forecast) and overall, weighted by contacts; (all None, None) without demand."""
    if instance.demand is None:
        return [None] * instance.intervals, None
    d = instance.demand
    seconds = instance.interval * 60.0
    per: list[float | None] = []
    answered = total = 0.0
    for t, c in enumerate(coverage):
        if d.contacts[t] <= 0:
            per.append(None)
            continue
        sl = _erlang_c_service_level(max(c, 0), d.contacts[t], d.aht[t], seconds, d.threshold)
        per.append(sl)
        answered += sl * d.contacts[t]
        total += d.contacts[t]
    return per, (answered / total if total > 0 else None)
