"""Validation against queueing theory: M/M/n (Erlang C) and M/M/n+M (Erlang A).

The references are computed here from their closed forms (no floorwalker code): Erlang C
by the Erlang B recursion, Erlang A by the exact birth–death chain. Each check asks that
the theoretical value lies inside the simulator's 95% Student t interval over 30
replications (fixed seeds), and that the interval is narrow enough to mean something.
The first hour is warm-up (the center starts empty) and the last hour is left out (its
contacts are still in the system when the run stops)."""

from __future__ import annotations

import math

import pytest

from floorwalker.sim.engine import simulate

from .helpers import group, queue, scenario

HOURS = 24
WINDOW = slice(1, HOURS - 1)


def erlang_c(n: int, a: float) -> float:
    """P(wait) in M/M/n with offered load a Erlangs (a < n)."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


def erlang_a(n: int, lam: float, mu: float, theta: float, max_k: int = 2000) -> tuple[float, float]:
    """(P(wait), P(abandon)) of M/M/n+M from the stationary birth–death distribution:
    birth λ, death min(k, n)·μ + max(k − n, 0)·θ; PASTA for P(wait); P(abandon) = θ·E[queue]/λ."""
    logs = [0.0]
    for k in range(1, max_k + 1):
        death = min(k, n) * mu + max(k - n, 0) * theta
        logs.append(logs[-1] + math.log(lam / death))
    top = max(logs)
    p = [math.exp(x - top) for x in logs]
    total = sum(p)
    p_wait = sum(p[n:]) / total
    queue_len = sum((k - n) * p[k] for k in range(n + 1, max_k + 1)) / total
    return p_wait, theta * queue_len / lam


def _within(value: float, ci: list[float]) -> bool:
    return ci[0] <= value <= ci[1]


@pytest.mark.parametrize(("n", "per_hour", "seed"), [(10, 160.0, 11), (4, 54.0, 12)])
def test_erlang_c(n: int, per_hour: float, seed: int) -> None:
    aht, t = 180.0, 20.0
    lam, mu = per_hour / 3600, 1 / aht
    a = lam / mu
    c = erlang_c(n, a)
    sl = 1 - c * math.exp(-(n * mu - lam) * t)
    asa = c / (n * mu - lam)
    sc = scenario(
        [queue(per_interval=per_hour, intervals=HOURS, aht=aht, threshold=t)],
        [group("g", n, {"q": 1}, HOURS)],
        intervals=HOURS,
    )
    m = simulate(sc, replications=30, seed=seed).metrics(WINDOW)
    assert _within(c, m["p_wait_ci"]), (c, m["p_wait"], m["p_wait_ci"])
    assert _within(sl, m["service_level_ci"]), (sl, m["service_level"], m["service_level_ci"])
    assert _within(asa, m["asa_s_ci"]), (asa, m["asa_s"], m["asa_s_ci"])
    assert m["service_level_ci"][1] - m["service_level_ci"][0] < 0.06
    assert m["asa_s_ci"][1] - m["asa_s_ci"][0] < 0.5 * asa
    assert m["abandoned"] == 0
    # Occupancy of M/M/n is a/n.
    assert _within(a / n, m["occupancy_ci"]), (a / n, m["occupancy_ci"])


@pytest.mark.parametrize(
    ("n", "per_hour", "patience", "seed"), [(10, 190.0, 300.0, 21), (5, 110.0, 120.0, 22)]
)
def test_erlang_a(n: int, per_hour: float, patience: float, seed: int) -> None:
    aht = 180.0
    p_wait, p_ab = erlang_a(n, per_hour / 3600, 1 / aht, 1 / patience)
    sc = scenario(
        [queue(per_interval=per_hour, intervals=HOURS, aht=aht, patience=patience)],
        [group("g", n, {"q": 1}, HOURS)],
        intervals=HOURS,
    )
    m = simulate(sc, replications=30, seed=seed).metrics(WINDOW)
    assert _within(p_wait, m["p_wait_ci"]), (p_wait, m["p_wait"], m["p_wait_ci"])
    assert _within(p_ab, m["abandon_rate_ci"]), (p_ab, m["abandon_rate"], m["abandon_rate_ci"])
    assert p_ab > 0.02  # the case really exercises abandonment
    assert m["abandon_rate_ci"][1] - m["abandon_rate_ci"][0] < 0.03


def test_references_match_published_values() -> None:
    # Erlang C, 10 agents, 8 Erlangs: P(wait) = 0.4092 (standard tables).
    assert erlang_c(10, 8.0) == pytest.approx(0.40918, abs=1e-4)
    # Erlang A with θ = μ: everyone in the system leaves at rate μ, so the count is Poisson(λ/μ)
    # (M/M/∞); P(wait) = P(N >= n) and P(abandon) = E[(N − n)+]/(λ/μ).
    n, a = 3, 2.0
    pois = [math.exp(-a) * a**k / math.factorial(k) for k in range(120)]
    pw, pab = erlang_a(n, a, 1.0, 1.0)
    assert pw == pytest.approx(sum(pois[n:]), rel=1e-9)
    assert pab == pytest.approx(sum((k - n) * p for k, p in enumerate(pois) if k > n) / a, rel=1e-9)
