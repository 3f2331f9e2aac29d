"""Erlang B (M/M/n/n) and Erlang C (M/M/n) over arrays of intervals. Pure numpy.

Units: traffic in Erlangs (contacts × AHT / interval length, both in seconds), handle
and answer times in seconds, probabilities and service levels as fractions 0–1. Every
function takes scalars or arrays (broadcast together, one element per interval) and
returns arrays of the broadcast shape.

Numerics: Erlang B comes from its recurrence B(k) = a·B(k−1) / (k + a·B(k−1)), B(0) = 1,
which never forms a factorial or a power and stays in [0, 1] from 1 to any number of
agents; Erlang C is derived from B. The recurrence costs one vectorised step per agent
(the largest agent count of the batch), which is what keeps 10,000 intervals in one pass.

Conventions where the queue formula has no answer:
- no traffic (0 contacts): nothing waits or is blocked: blocking 0, P(wait) 0, service
  level 1, ASA 0, occupancy 0;
- Erlang C with agents ≤ traffic (unstable: the queue grows without end): P(wait) 1,
  service level 0, ASA ``inf`` (JSON ``null``), occupancy 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from floorwalker.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state answers of a queue model, one element per interval.

    ``asa_s`` is the mean wait of answered contacts in seconds (``inf`` when none is ever
    answered); ``abandon_probability`` is 0 for Erlang C, which has no abandonment.
    """

    waiting_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    abandon_probability: FloatArray


# --- input checks (shared by the wfm staffing modules) ---------------------------------


def as_float(name: str, value: Any, *, positive: bool = False) -> FloatArray:
    """``value`` as a float array: finite and ≥ 0 (> 0 if ``positive``), or InvalidInput."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InvalidInput(f"{name} must be a finite number", field=name)
    if positive and np.any(arr <= 0):
        raise InvalidInput(f"{name} must be greater than 0", field=name)
    if np.any(arr < 0):
        raise InvalidInput(f"{name} must not be negative", field=name)
    return arr


def as_count(name: str, value: Any) -> IntArray:
    """``value`` as a non-negative whole-number array, or InvalidInput."""
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise InvalidInput(f"{name} must be a whole number", field=name)
    elif arr.dtype.kind not in "iub":
        raise InvalidInput(f"{name} must be a whole number", field=name)
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise InvalidInput(f"{name} must not be negative", field=name)
    return out


def as_fraction(name: str, value: Any, *, upper_open: bool = True) -> FloatArray:
    """``value`` as fractions strictly between 0 and 1 (1 allowed unless ``upper_open``)."""
    arr = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(arr) | (arr <= 0) | ((arr >= 1) if upper_open else (arr > 1))
    if np.any(bad):
        bound = "below 1" if upper_open else "at most 1"
        raise InvalidInput(f"{name} must be a fraction above 0 and {bound} (e.g. 0.8)", field=name)
    return arr


def traffic_erlangs(contacts: Any, interval_s: Any, aht_s: Any) -> FloatArray:
    """Offered traffic in Erlangs: contacts per interval × AHT (s) / interval length (s)."""
    c = as_float("contacts", contacts)
    i = as_float("interval_s", interval_s, positive=True)
    h = as_float("aht_s", aht_s, positive=True)
    return np.asarray(c * h / i, dtype=np.float64)


# --- Erlang B ---------------------------------------------------------------------------


def blocking_recurrence(lines: IntArray, traffic: FloatArray) -> FloatArray:
    """Erlang B for already-checked, equally shaped arrays (the core of the module).

    Intervals are sorted by line count so that step k touches only those with ≥ k lines
    (a contiguous tail of the sorted order): the cost is Σ steps × active intervals.
    """
    n = lines.ravel()
    a = traffic.ravel()
    order = np.argsort(n, kind="stable")
    n_sorted = n[order]
    a_sorted = a[order]
    b = np.ones(n.shape, dtype=np.float64)
    top = int(n_sorted[-1]) if n_sorted.size else 0
    for k in range(1, top + 1):
        start = int(np.searchsorted(n_sorted, k, side="left"))
        ab = a_sorted[start:] * b[start:]
        b[start:] = ab / (k + ab)
        # Once every remaining value has underflowed to 0 it stays 0 (far more lines than traffic).
        if k % 512 == 0 and not np.any(b[start:]):
            break
    out = np.empty_like(b)
    out[order] = b
    # No traffic: nothing offered, nothing blocked (even with no lines).
    out = np.where(a == 0, 0.0, out)
    return out.reshape(lines.shape)


def erlang_b(lines: Any, traffic: Any) -> FloatArray:
    """Blocking probability of an Erlang loss system (M/M/n/n): the fraction of contacts
    that find all ``lines`` busy, for ``traffic`` Erlangs offered."""
    n, a = np.broadcast_arrays(as_count("lines", lines), as_float("traffic", traffic))
    return blocking_recurrence(np.asarray(n), np.asarray(a))


def erlang_b_lines(traffic: Any, max_blocking: Any) -> tuple[IntArray, FloatArray]:
    """Fewest lines whose blocking is at most ``max_blocking`` (fraction, 0 < f < 1), and
    that blocking. No traffic needs no lines."""
    a0, target0 = np.broadcast_arrays(as_float("traffic", traffic), as_fraction("max_blocking", max_blocking))
    a = np.asarray(a0, dtype=np.float64).ravel()
    target = np.asarray(target0, dtype=np.float64).ravel()
    lines = np.zeros(a.shape, dtype=np.int64)
    blocking = np.zeros(a.shape, dtype=np.float64)
    active = np.flatnonzero(a > 0)
    a_act, t_act = a[active], target[active]
    b = np.ones(active.shape, dtype=np.float64)
    k = 0
    while active.size:
        k += 1
        ab = a_act * b
        b = ab / (k + ab)
        met = b <= t_act
        if np.any(met):
            lines[active[met]] = k
            blocking[active[met]] = b[met]
            keep = ~met
            active, a_act, t_act, b = active[keep], a_act[keep], t_act[keep], b[keep]
    return lines.reshape(a0.shape), blocking.reshape(a0.shape)


# --- Erlang C ---------------------------------------------------------------------------


def erlang_c_from_blocking(agents: FloatArray, traffic: FloatArray, blocking: FloatArray) -> FloatArray:
    """P(wait) of M/M/n from the Erlang B value at the same n: n·B / (n − a·(1 − B));
    1 where agents ≤ traffic, 0 without traffic."""
    stable = agents > traffic
    with np.errstate(divide="ignore", invalid="ignore"):
        c = agents * blocking / (agents - traffic * (1.0 - blocking))
    c = np.where(stable, np.clip(c, 0.0, 1.0), 1.0)
    return np.asarray(np.where(traffic == 0, 0.0, c), dtype=np.float64)


def erlang_c(agents: Any, traffic: Any, aht_s: Any, answer_s: Any) -> QueueMetrics:
    """Erlang C (M/M/n, callers never abandon) with ``agents`` on contacts.

    Service level = P(wait ≤ ``answer_s``) = 1 − C·exp(−(n − a)·T / AHT); ASA = C·AHT / (n − a)
    (seconds, over all contacts, all of which are answered); occupancy = a / n.
    """
    n0, a0, h0, t0 = np.broadcast_arrays(
        as_count("agents", agents),
        as_float("traffic", traffic),
        as_float("aht_s", aht_s, positive=True),
        as_float("answer_s", answer_s),
    )
    n_int = np.asarray(n0)
    a = np.asarray(a0, dtype=np.float64)
    h = np.asarray(h0, dtype=np.float64)
    t = np.asarray(t0, dtype=np.float64)
    n = n_int.astype(np.float64)
    c = erlang_c_from_blocking(n, a, blocking_recurrence(n_int, a))
    return _c_metrics(n, a, h, t, c)


def _c_metrics(n: FloatArray, a: FloatArray, h: FloatArray, t: FloatArray, c: FloatArray) -> QueueMetrics:
    stable = n > a
    idle = a == 0
    excess = np.where(stable, n - a, 1.0)
    sl = np.where(stable, 1.0 - c * np.exp(-excess * t / h), 0.0)
    asa = np.where(stable, c * h / excess, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(n > 0, np.minimum(a / n, 1.0), 1.0)
    return QueueMetrics(
        waiting_probability=c,
        service_level=np.where(idle, 1.0, sl),
        asa_s=np.where(idle, 0.0, asa),
        occupancy=np.where(idle, 0.0, occupancy),
        abandon_probability=np.zeros_like(c),
    )
