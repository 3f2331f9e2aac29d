"""Erlang A (M/M/n+M: Poisson arrivals, exponential handle times, exponential patience)
over arrays of intervals. Pure numpy, exact formulas.

Notation: λ arrival rate, μ = 1/AHT, θ = 1/mean patience, a = λ/μ (Erlangs), n agents,
x = nμ/θ, y = λ/θ, q = exp(−θT). The stationary queue is a birth–death chain (death rate
nμ + kθ with k waiting); summing it gives the function of Mandelbaum & Zeltyn

    A(x, y) = Σ_{j≥0} y^j / ((x+1)(x+2)…(x+j))   (= x·e^y·y^(−x)·γ(x, y), γ lower incomplete gamma)

and P(wait) = A·E / (1 − E + A·E) with E = Erlang B(n, a). A caller who finds k callers
ahead has an offered wait V that is a sum of exponentials with rates θ(x + i), i = 0…k;
summing over the stationary queue gives, given a wait,

    P(V > t)                    = q^x e^{y(1−q)} A(x, yq) / A(x, y)       (t = T, q = e^{−θT})
    P(answered within T)        = x/(x+1) · [A(x+1, y) − q^{x+1} e^{y(1−q)} A(x+1, yq)] / A(x, y)
    P(answered)                 = x/(x+1) · A(x+1, y) / A(x, y)
    E[V·e^{−θV}] (answered wait)= (x/θ) · Σ_k w_k H_k / (x+k+1) / A(x, y),
                                  w_k = y^k/((x+1)…(x+k)), H_k = Σ_{i=1}^{k+1} 1/(x+i).

A caller abandons when patience runs out before V; abandoners before T are
P(wait)·(1 − P(answered within T | wait) − q·P(V > T | wait)).

Every A(·,·) is summed in log scale (terms rescaled before they overflow) until the tail,
bounded by a geometric series once the term ratio falls below 1, is below 1e-17 of the
sum: no factorials, no overflow, no NaN, from 1 to 20,000 agents. The number of terms per
interval grows like a few √y (a long expected queue, y − x large, is summed outwards from
its largest term, whose log is summed directly).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.wfm.erlang import (
    FloatArray,
    QueueMetrics,
    as_count,
    as_float,
    blocking_recurrence,
)

SlConvention = Literal["answered_within_over_offered", "answered_within_over_offered_less_abandoned_within"]

#: How abandoners before the threshold T enter the service level (names from kpis.md).
SL_CONVENTIONS: dict[str, str] = {
    # Default: a contact that abandons before T was not answered within T: a failure.
    "answered_within_over_offered": "A_T / offered",
    # Contacts that abandon before T are taken out of the denominator.
    "answered_within_over_offered_less_abandoned_within": "A_T / (offered − Ab_T)",
}
DEFAULT_SL_CONVENTION: SlConvention = "answered_within_over_offered"

_RESCALE_ABOVE = 1e250
_LOG_RESCALE = float(np.log(1e250))
_TAIL = 1e-17


def log_a_function(
    x: FloatArray, y: FloatArray, *, with_j: bool = False, mode_start_above: float = 2000.0
) -> tuple[FloatArray, FloatArray]:
    """log A(x, y) and, if ``with_j``, log Σ_k w_k H_k/(x+k+1) (else zeros); x, y ≥ 0, same shape.

    Terms grow while k < y − x and shrink after. Where that rise is longer than
    ``mode_start_above`` terms (a long expected queue), the sums start at the largest term
    (its log summed directly) and run both ways; elsewhere they run up from k = 0.
    Vectorised: each step adds one term to every interval not yet converged.
    """
    x = x.ravel()
    y = y.ravel()
    start = np.where(y - x > mode_start_above, np.floor(y - x), 0.0)
    log_w0 = np.zeros(x.size)
    h0 = 1.0 / (x + 1.0)  # H_{k0}
    for i in np.flatnonzero(start > 0):
        log_w0[i], h0[i] = _largest_term(float(x[i]), float(y[i]), float(start[i]))
    up_a, up_j = _sum_up(x, y, start, h0, with_j)
    down_a, down_j = _sum_down(x, y, start, h0, with_j)
    with np.errstate(divide="ignore"):
        log_a = log_w0 + np.logaddexp(up_a, np.log(down_a))
        log_j = log_w0 + np.logaddexp(up_j, np.log(down_j)) if with_j else np.zeros(x.size)
    return log_a, log_j


_DIRECT_SUM_UP_TO = 1_000_000


def _largest_term(x: float, y: float, k0: float) -> tuple[float, float]:
    """log w_{k0} = Σ_{i=1}^{k0} log(y / (x+i)) and H_{k0} = Σ_{i=1}^{k0+1} 1/(x+i).

    Summed term by term up to a million terms; beyond (an expected queue of over a million
    callers) from log-gamma and digamma, whose rounding error, about 1e-16 × k0 in the log,
    is then the accuracy of the result.
    """
    if k0 <= _DIRECT_SUM_UP_TO:
        ks = np.arange(1.0, k0 + 2.0)
        return float(np.sum(np.log(y) - np.log(x + ks[:-1]))), float(np.sum(1.0 / (x + ks)))
    log_w0 = k0 * math.log(y) - (math.lgamma(x + k0 + 1.0) - math.lgamma(x + 1.0))
    return log_w0, _digamma(x + k0 + 2.0) - _digamma(x + 1.0)


def _digamma(z: float) -> float:
    """ψ(z) for z > 0: shifted above 20, then the asymptotic series (error below 1e-16)."""
    shift = 0.0
    while z < 20.0:
        shift -= 1.0 / z
        z += 1.0
    inv2 = 1.0 / (z * z)
    series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))))
    return shift + math.log(z) - 0.5 / z - series


def _sum_up(
    x: FloatArray, y: FloatArray, start: FloatArray, h0: FloatArray, with_j: bool
) -> tuple[FloatArray, FloatArray]:
    """log Σ_{k ≥ k0} w_k / w_{k0} (and the J sum likewise), k0 = ``start``."""
    size = x.size
    log_a = np.zeros(size)
    log_j = np.zeros(size)
    idx = np.arange(size)
    xa, ya, k = x, y, start
    term = np.ones(size)  # w_k / w_{k0}, rescaled
    total = np.ones(size)
    harmonic = h0  # H_k
    j_term = harmonic / (xa + k + 1.0)
    j_total = j_term.copy()
    log_scale = np.zeros(size)
    while idx.size:
        k = k + 1.0
        xk = xa + k
        term = term * (ya / xk)
        total = total + term
        if with_j:
            harmonic = harmonic + 1.0 / (xk + 1.0)
            j_term = term * harmonic / (xk + 1.0)
            j_total = j_total + j_term
        big = total > _RESCALE_ABOVE
        if np.any(big):
            shrink = np.where(big, 1.0 / _RESCALE_ABOVE, 1.0)
            term, total = term * shrink, total * shrink
            j_term, j_total = j_term * shrink, j_total * shrink
            log_scale = log_scale + np.where(big, _LOG_RESCALE, 0.0)
        # Ratios fall with k, so once below 1 the tail is below term·r/(1 − r); a converged
        # sum stays converged, so intervals leave the working set in batches (cheaper).
        r_next = ya / (xk + 1.0)
        done = (r_next < 1.0) & (term * r_next <= _TAIL * (1.0 - r_next) * total)
        if with_j:
            rj = r_next * (1.0 + 1.0 / ((xk + 2.0) * harmonic))
            done &= (rj < 1.0) & (j_term * rj <= _TAIL * (1.0 - rj) * j_total)
        finished_count = int(np.count_nonzero(done))
        if finished_count and (finished_count == idx.size or 4 * finished_count >= idx.size):
            finished = idx[done]
            log_a[finished] = np.log(total[done]) + log_scale[done]
            if with_j:
                log_j[finished] = np.log(j_total[done]) + log_scale[done]
            keep = ~done
            idx, xa, ya, k = idx[keep], xa[keep], ya[keep], k[keep]
            term, total, log_scale = term[keep], total[keep], log_scale[keep]
            harmonic, j_term, j_total = harmonic[keep], j_term[keep], j_total[keep]
    return log_a, log_j


def _sum_down(
    x: FloatArray, y: FloatArray, start: FloatArray, h0: FloatArray, with_j: bool
) -> tuple[FloatArray, FloatArray]:
    """Σ_{k < k0} w_k / w_{k0} (and the J sum likewise): all terms below the largest, so
    no rescaling; 0 where k0 = 0."""
    down_a = np.zeros(x.size)
    down_j = np.zeros(x.size)
    idx = np.flatnonzero(start > 0)
    xa, ya, k = x[idx], y[idx], start[idx]
    term = np.ones(idx.size)
    harmonic = h0[idx]
    ref_a = np.ones(idx.size)  # a lower bound of the whole sum: the largest term
    ref_j = harmonic / (xa + k + 1.0)
    total = np.zeros(idx.size)
    j_total = np.zeros(idx.size)
    while idx.size:
        term = term * ((xa + k) / ya)  # w_{k−1} from w_k
        harmonic = harmonic - 1.0 / (xa + k + 1.0)
        k = k - 1.0
        total = total + term
        j_term = term * harmonic / (xa + k + 1.0)
        j_total = j_total + j_term
        # Going down the ratios (x+k)/y and, for J, at most (x+k+1)/y fall as k falls.
        r_next = (xa + k) / ya
        done = (k <= 0) | ((r_next < 1.0) & (term * r_next <= _TAIL * (1.0 - r_next) * ref_a))
        if with_j:
            rj = (xa + k + 1.0) / ya
            done &= (k <= 0) | ((rj < 1.0) & (j_term * rj <= _TAIL * (1.0 - rj) * ref_j))
        if np.any(done):
            down_a[idx[done]] = total[done]
            down_j[idx[done]] = j_total[done]
            keep = ~done
            idx, xa, ya, k = idx[keep], xa[keep], ya[keep], k[keep]
            term, harmonic, total, j_total = term[keep], harmonic[keep], total[keep], j_total[keep]
            ref_a, ref_j = ref_a[keep], ref_j[keep]
    return down_a, down_j


def check_sl_convention(sl_convention: str) -> None:
    """InvalidInput unless ``sl_convention`` is one of SL_CONVENTIONS."""
    if sl_convention not in SL_CONVENTIONS:
        raise InvalidInput(
            f"unknown service-level convention '{sl_convention}'; one of {sorted(SL_CONVENTIONS)}",
            field="sl_convention",
        )


def erlang_a(
    agents: Any,
    traffic: Any,
    aht_s: Any,
    patience_s: Any,
    answer_s: Any,
    sl_convention: str = DEFAULT_SL_CONVENTION,
) -> QueueMetrics:
    """Erlang A with ``agents`` on contacts, mean patience ``patience_s`` (seconds, > 0).

    Service level is P(answered within ``answer_s``) over offered contacts by default, or
    over offered less those abandoning before ``answer_s`` (see SL_CONVENTIONS). ASA is the
    mean wait of answered contacts (``inf`` when none is answered: no agents); occupancy
    is answered traffic / agents = a·(1 − P(abandon)) / n.
    """
    check_sl_convention(sl_convention)
    n0, a0, h0, p0, t0 = np.broadcast_arrays(
        as_count("agents", agents),
        as_float("traffic", traffic),
        as_float("aht_s", aht_s, positive=True),
        as_float("patience_s", patience_s, positive=True),
        as_float("answer_s", answer_s),
    )
    shape = n0.shape
    n_int = np.asarray(n0).ravel()
    a = np.asarray(a0, dtype=np.float64).ravel()
    h = np.asarray(h0, dtype=np.float64).ravel()
    patience = np.asarray(p0, dtype=np.float64).ravel()
    t = np.asarray(t0, dtype=np.float64).ravel()
    n = n_int.astype(np.float64)

    ratio = patience / h  # μ/θ
    x = n * ratio
    y = a * ratio
    theta_t = t / patience
    q = np.exp(-theta_t)
    yq = y * q
    # One pass for all four sums (J is only needed for the first).
    stacked, stacked_j = log_a_function(
        np.concatenate([x, x + 1.0, x, x + 1.0]), np.concatenate([y, y, yq, yq]), with_j=True
    )
    log_u0, log_u1, log_ut0, log_ut1 = np.split(stacked, 4)
    log_j = stacked_j[: x.size]
    # log(q^x e^{y(1−q)}) = −x·θT + y·(1 − q)
    log_e = -x * theta_t - y * np.expm1(-theta_t)

    blocking = blocking_recurrence(n_int, a)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        wait = 1.0 / (1.0 + (1.0 - blocking) / blocking * np.exp(-log_u0))
    wait = np.where(blocking > 0, wait, 0.0)
    frac = x / (x + 1.0)
    answered_given_wait = frac * np.exp(log_u1 - log_u0)
    tail_t = np.exp(log_e + log_ut0 - log_u0)
    answered_within_given_wait = frac * (np.exp(log_u1 - log_u0) - np.exp(log_e - theta_t + log_ut1 - log_u0))
    answered_within_given_wait = np.clip(answered_within_given_wait, 0.0, answered_given_wait)
    abandoned_within_given_wait = np.clip(1.0 - answered_within_given_wait - q * tail_t, 0.0, 1.0)

    abandon = np.clip(wait * (1.0 - answered_given_wait), 0.0, 1.0)
    answered = 1.0 - abandon
    answered_within = np.clip((1.0 - wait) + wait * answered_within_given_wait, 0.0, 1.0)
    if sl_convention == "answered_within_over_offered":
        sl = answered_within
    else:
        kept = 1.0 - wait * abandoned_within_given_wait
        with np.errstate(divide="ignore", invalid="ignore"):
            sl = np.where(kept > 0, np.clip(answered_within / kept, 0.0, 1.0), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        answered_wait = wait * x * patience * np.exp(log_j - log_u0)
        asa = np.where(answered > 0, answered_wait / answered, np.inf)
        occupancy = np.where(n > 0, a * answered / n, 1.0)
    idle = a == 0
    return QueueMetrics(
        waiting_probability=np.where(idle, 0.0, wait).reshape(shape),
        service_level=np.where(idle, 1.0, sl).reshape(shape),
        asa_s=np.where(idle, 0.0, asa).reshape(shape),
        occupancy=np.where(idle, 0.0, np.minimum(occupancy, 1.0)).reshape(shape),
        abandon_probability=np.where(idle, 0.0, abandon).reshape(shape),
    )
