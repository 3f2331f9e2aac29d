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
interval grows like max(0, y − x) + a few √y, so very patient callers offered far more
work than the agents can do cost the most.
"""

from __future__ import annotations

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


def log_a_function(x: FloatArray, y: FloatArray, *, with_j: bool = False) -> tuple[FloatArray, FloatArray]:
    """log A(x, y) and, if ``with_j``, log Σ_k w_k H_k/(x+k+1) (else zeros); x, y ≥ 0, same shape.

    Vectorised: each step adds one term to every interval not yet converged; converged
    intervals leave the working set.
    """
    x = x.ravel()
    y = y.ravel()
    size = x.size
    log_a = np.zeros(size)
    log_j = np.zeros(size)
    idx = np.arange(size)
    xa, ya = x, y
    term = np.ones(size)  # w_k, scaled
    total = np.ones(size)  # Σ w, scaled
    harmonic = 1.0 / (x + 1.0)  # H_k
    j_term = harmonic / (x + 1.0)
    j_total = j_term.copy()
    log_scale = np.zeros(size)
    k = 0
    while idx.size:
        k += 1
        ratio = ya / (xa + k)
        term = term * ratio
        total = total + term
        if with_j:
            harmonic = harmonic + 1.0 / (xa + k + 1.0)
            j_term = term * harmonic / (xa + k + 1.0)
            j_total = j_total + j_term
        big = total > _RESCALE_ABOVE
        if np.any(big):
            shrink = np.where(big, 1.0 / _RESCALE_ABOVE, 1.0)
            term, total = term * shrink, total * shrink
            j_term, j_total = j_term * shrink, j_total * shrink
            log_scale = log_scale + np.where(big, _LOG_RESCALE, 0.0)
        # Ratios fall with k, so once below 1 the tail is below term·r/(1 − r).
        r_next = ya / (xa + k + 1.0)
        done = (r_next < 1.0) & (term * r_next <= _TAIL * (1.0 - r_next) * total)
        if with_j:
            rj = r_next * (1.0 + 1.0 / ((xa + k + 2.0) * harmonic))
            done &= (rj < 1.0) & (j_term * rj <= _TAIL * (1.0 - rj) * j_total)
        if np.any(done):
            finished = idx[done]
            log_a[finished] = np.log(total[done]) + log_scale[done]
            if with_j:
                log_j[finished] = np.log(j_total[done]) + log_scale[done]
            keep = ~done
            idx, xa, ya = idx[keep], xa[keep], ya[keep]
            term, total, log_scale = term[keep], total[keep], log_scale[keep]
            harmonic, j_term, j_total = harmonic[keep], j_term[keep], j_total[keep]
    return log_a, log_j


def _check_convention(sl_convention: str) -> None:
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
    _check_convention(sl_convention)
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
    log_u0, log_j = log_a_function(x, y, with_j=True)
    stacked, _ = log_a_function(np.concatenate([x + 1.0, x, x + 1.0]), np.concatenate([y, yq, yq]))
    log_u1, log_ut0, log_ut1 = np.split(stacked, 3)
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
