"""Required agents per interval: Erlang C and Erlang A targets, occupancy cap, shrinkage,
and chat with concurrency. Pure numpy, vectorised over intervals.

Units: contacts per interval, seconds, fractions 0–1. "Agents" are agents on contacts
(productive, logged in and available for the queue); "scheduled agents" add shrinkage.
Every required count is the fewest whole agents meeting all the targets given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from floorwalker.errors import InvalidInput
from floorwalker.wfm.erlang import (
    FloatArray,
    IntArray,
    QueueMetrics,
    as_count,
    as_float,
    as_fraction,
    erlang_c,
    erlang_c_from_blocking,
    traffic_erlangs,
)
from floorwalker.wfm.erlang_a import DEFAULT_SL_CONVENTION, check_sl_convention, erlang_a

# Ratios such as 14 / (1 − 0.3) land a hair above a whole number in binary floating point;
# a requirement is rounded up only past this relative slack.
_CEIL_SLACK = 1e-9

BoolArray = npt.NDArray[np.bool_]


def _ceil(value: FloatArray) -> IntArray:
    return np.ceil(value * (1.0 - _CEIL_SLACK)).astype(np.int64)


def total_shrinkage(planned: Any, unplanned: Any) -> FloatArray:
    """Total shrinkage = planned + unplanned (both shares of the same paid time, kpis.md);
    must stay below 1."""
    p = as_float("planned_shrinkage", planned)
    u = as_float("unplanned_shrinkage", unplanned)
    total = np.asarray(p + u, dtype=np.float64)
    if np.any(total >= 1):
        raise InvalidInput("planned + unplanned shrinkage must be below 1", field="shrinkage")
    return total


def scheduled_agents(agents: Any, shrinkage: Any) -> IntArray:
    """Agents to schedule so that ``agents`` remain on contacts after ``shrinkage`` (the
    share of paid time not available for contacts, 0 ≤ s < 1): ceil(agents / (1 − s))."""
    n = as_count("agents", agents)
    s = as_float("shrinkage", shrinkage)
    if np.any(s >= 1):
        raise InvalidInput("shrinkage must be below 1 (e.g. 0.3 for 30%)", field="shrinkage")
    return _ceil(n / (1.0 - s))


def occupancy_agents(traffic: Any, max_occupancy: Any) -> IntArray:
    """Fewest agents keeping occupancy a / n at or below ``max_occupancy`` (0 < f ≤ 1)."""
    a = as_float("traffic", traffic)
    cap = as_fraction("max_occupancy", max_occupancy, upper_open=False)
    return _ceil(a / cap)


def erlang_c_required_agents(
    traffic: Any,
    aht_s: Any,
    answer_s: Any = 0.0,
    *,
    target_sl: Any = None,
    target_asa_s: Any = None,
    max_occupancy: Any = None,
) -> IntArray:
    """Fewest agents (more than the traffic, so the queue is stable) meeting every target
    given: service level ≥ ``target_sl`` within ``answer_s``; ASA ≤ ``target_asa_s``;
    occupancy ≤ ``max_occupancy``. No traffic needs no agents.

    The Erlang B recurrence marches k = 1, 2, … for all intervals at once; an interval
    leaves the march at its first k > a meeting the service-level and ASA targets (both
    improve monotonically with k).
    """
    if target_sl is None and target_asa_s is None and max_occupancy is None:
        raise InvalidInput("give at least one target: service level, ASA or maximum occupancy")
    arrays = [
        as_float("traffic", traffic),
        as_float("aht_s", aht_s, positive=True),
        as_float("answer_s", answer_s),
        as_fraction("target_sl", 0.5 if target_sl is None else target_sl),
        as_float("target_asa_s", 1.0 if target_asa_s is None else target_asa_s, positive=True),
        as_fraction("max_occupancy", 1.0 if max_occupancy is None else max_occupancy, upper_open=False),
    ]
    shaped = [np.asarray(x, dtype=np.float64) for x in np.broadcast_arrays(*arrays)]
    shape = shaped[0].shape
    a, h, t, sl_t, asa_t, occ_t = (x.ravel() for x in shaped)

    need = np.where(a > 0, np.floor(a).astype(np.int64) + 1, 0)
    if max_occupancy is not None:
        need = np.where(a > 0, np.maximum(need, _ceil(a / occ_t)), 0)
    if target_sl is not None or target_asa_s is not None:
        need = np.maximum(
            need,
            _march_c(
                a, h, t, sl_t if target_sl is not None else None, asa_t if target_asa_s is not None else None
            ),
        )
    return need.reshape(shape)


def _march_c(
    a: FloatArray, h: FloatArray, t: FloatArray, sl_target: FloatArray | None, asa_target: FloatArray | None
) -> IntArray:
    found = np.zeros(a.shape, dtype=np.int64)
    idx = np.flatnonzero(a > 0)
    aa, hh, tt = a[idx], h[idx], t[idx]
    sl_t = sl_target[idx] if sl_target is not None else None
    asa_t = asa_target[idx] if asa_target is not None else None
    b = np.ones(idx.shape, dtype=np.float64)
    k = 0
    while idx.size:
        k += 1
        ab = aa * b
        b = ab / (k + ab)
        stable = k > aa
        if not np.any(stable):
            continue
        c = erlang_c_from_blocking(np.full(aa.shape, float(k)), aa, b)
        excess = np.where(stable, k - aa, 1.0)
        met = stable.copy()
        if sl_t is not None:
            met &= 1.0 - c * np.exp(-excess * tt / hh) >= sl_t
        if asa_t is not None:
            met &= c * hh / excess <= asa_t
        if np.any(met):
            found[idx[met]] = k
            keep = ~met
            idx, aa, hh, tt, b = idx[keep], aa[keep], hh[keep], tt[keep], b[keep]
            sl_t = sl_t[keep] if sl_t is not None else None
            asa_t = asa_t[keep] if asa_t is not None else None
    return found


def erlang_a_required_agents(
    traffic: Any,
    aht_s: Any,
    patience_s: Any,
    answer_s: Any = 0.0,
    *,
    target_sl: Any = None,
    max_abandon: Any = None,
    max_occupancy: Any = None,
    sl_convention: str = DEFAULT_SL_CONVENTION,
) -> IntArray:
    """Fewest agents meeting every Erlang A target given: service level ≥ ``target_sl``
    within ``answer_s`` (by ``sl_convention``), P(abandon) ≤ ``max_abandon``, occupancy
    (answered traffic / agents) ≤ ``max_occupancy``. No traffic needs no agents.

    Service level and abandonment improve monotonically with agents, so each interval is
    solved by doubling then bisection, all intervals evaluated together at each step.
    Because the answered traffic a·(1 − P(abandon)) is below n, the service level over
    offered needs n > a·target and P(abandon) ≤ p needs n > a·(1 − p): bisection starts there.
    """
    check_sl_convention(sl_convention)
    if target_sl is None and max_abandon is None and max_occupancy is None:
        raise InvalidInput("give at least one target: service level, abandonment or maximum occupancy")
    arrays = [
        as_float("traffic", traffic),
        as_float("aht_s", aht_s, positive=True),
        as_float("patience_s", patience_s, positive=True),
        as_float("answer_s", answer_s),
        as_fraction("target_sl", 0.5 if target_sl is None else target_sl),
        as_fraction("max_abandon", 0.5 if max_abandon is None else max_abandon),
        as_fraction("max_occupancy", 1.0 if max_occupancy is None else max_occupancy, upper_open=False),
    ]
    shaped = [np.asarray(x, dtype=np.float64) for x in np.broadcast_arrays(*arrays)]
    shape = shaped[0].shape
    a, h, patience, t, sl_t, ab_t, occ_t = (x.ravel() for x in shaped)

    def meets(n: IntArray, sel: IntArray) -> BoolArray:
        m = erlang_a(n, a[sel], h[sel], patience[sel], t[sel], sl_convention)
        ok = np.ones(sel.shape, dtype=bool)
        if target_sl is not None:
            ok &= m.service_level >= sl_t[sel]
        if max_abandon is not None:
            ok &= m.abandon_probability <= ab_t[sel]
        if max_occupancy is not None:
            ok &= m.occupancy <= occ_t[sel]
        return ok

    low = np.zeros(a.shape, dtype=np.int64)  # a count known to fail (0 always fails when a > 0)
    if target_sl is not None and sl_convention == "answered_within_over_offered":
        low = np.maximum(low, np.floor(a * sl_t).astype(np.int64))
    if max_abandon is not None:
        low = np.maximum(low, np.floor(a * (1.0 - ab_t)).astype(np.int64))
    need = np.zeros(a.shape, dtype=np.int64)
    busy = np.flatnonzero(a > 0)
    if busy.size == 0:
        return need.reshape(shape)
    lo = low[busy]
    hi = np.maximum(lo + 1, np.ceil(a[busy]).astype(np.int64))
    pending = np.ones(busy.shape, dtype=bool)
    while np.any(pending):  # doubling until every interval has a count that meets
        sel = np.flatnonzero(pending)
        ok = meets(hi[sel], busy[sel])
        lo[sel[~ok]] = hi[sel[~ok]]
        hi[sel[~ok]] *= 2
        pending[sel[ok]] = False
    while np.any(hi - lo > 1):  # bisection: lo fails, hi meets
        sel = np.flatnonzero(hi - lo > 1)
        mid = (lo[sel] + hi[sel]) // 2
        ok = meets(mid, busy[sel])
        hi[sel[ok]] = mid[ok]
        lo[sel[~ok]] = mid[~ok]
    need[busy] = hi
    return need.reshape(shape)


def chat_slots_metrics(
    agents: Any, concurrency: Any, contacts: Any, interval_s: Any, session_handle_s: Any, answer_s: Any
) -> QueueMetrics:
    """Chat with concurrency k as Erlang C on n·k session slots (see docs/workforce.md).

    ``session_handle_s`` is the mean time a session holds a slot when agents run k at once
    (longer than a one-at-a-time handle time). Occupancy is that of slots.
    """
    n = as_count("agents", agents)
    k = _concurrency(concurrency)
    traffic = traffic_erlangs(contacts, interval_s, session_handle_s)
    return erlang_c(n * k, traffic, session_handle_s, answer_s)


def chat_required_agents(
    contacts: Any,
    interval_s: Any,
    session_handle_s: Any,
    concurrency: Any,
    answer_s: Any = 0.0,
    *,
    target_sl: Any = None,
    target_asa_s: Any = None,
    max_occupancy: Any = None,
) -> IntArray:
    """Agents for chat with concurrency k: the Erlang C slot requirement divided by k,
    rounded up (an agent brings k slots)."""
    k = _concurrency(concurrency)
    traffic = traffic_erlangs(contacts, interval_s, session_handle_s)
    slots = erlang_c_required_agents(
        traffic,
        session_handle_s,
        answer_s,
        target_sl=target_sl,
        target_asa_s=target_asa_s,
        max_occupancy=max_occupancy,
    )
    return np.asarray(-(-slots // k), dtype=np.int64)


def _concurrency(concurrency: Any) -> IntArray:
    k = as_count("concurrency", concurrency)
    if np.any(k < 1):
        raise InvalidInput("concurrency must be at least 1 session per agent", field="concurrency")
    return k
