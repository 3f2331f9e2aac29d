"""Benchmark: staffing 10,000 intervals with Erlang C and Erlang A, side by side.

Erlang C: floorwalker's vectorised solver against pyworkforce's ``ErlangC.required_positions``
(one interval at a time, the peer named by the issue). Erlang A: pyworkforce has no Erlang A,
so the peer is a straightforward per-interval reference (`_reference_erlang_a` below: the
same exact M/M/n+M formulas summed term by term in plain Python, agents found by stepping
up one at a time) — what a hand-written implementation would do.

Both comparisons assert the same answers: the same agents and scheduled agents, and
service level, P(wait), occupancy (and P(abandon), ASA for Erlang A) within 1e-9; the
largest absolute difference and the throughput ratio are printed.

    .venv/bin/python bench/erlang_vs_pyworkforce.py [--intervals 10000] [--seed 5]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from floorwalker.wfm.erlang import erlang_c, traffic_erlangs
from floorwalker.wfm.erlang_a import erlang_a
from floorwalker.wfm.staffing import erlang_a_required_agents, erlang_c_required_agents, scheduled_agents

INTERVAL_S = 1800.0
ANSWER_S = 20.0
TARGET_SL = 0.8
MAX_OCCUPANCY = 0.85
SHRINKAGE = 0.3
TOLERANCE = 1e-9


def _intervals(count: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A realistic mix: 1–600 contacts per 30 min, AHT 2–10 min, mean patience 30 s–10 min."""
    rng = np.random.default_rng(seed)
    contacts = rng.integers(1, 600, count).astype(float)
    aht = rng.uniform(120.0, 600.0, count)
    patience = rng.uniform(30.0, 600.0, count)
    return contacts, aht, patience


def bench_erlang_c(contacts: np.ndarray, aht: np.ndarray) -> None:
    from pyworkforce.queuing import ErlangC

    started = time.perf_counter()
    peer = []
    for c, h in zip(contacts, aht, strict=True):
        model = ErlangC(
            transactions=c, aht=h / 60.0, asa=ANSWER_S / 60.0, interval=INTERVAL_S / 60.0, shrinkage=SHRINKAGE
        )
        peer.append(model.required_positions(service_level=TARGET_SL, max_occupancy=MAX_OCCUPANCY))
    peer_s = time.perf_counter() - started

    started = time.perf_counter()
    traffic = traffic_erlangs(contacts, INTERVAL_S, aht)
    agents = erlang_c_required_agents(
        traffic, aht, ANSWER_S, target_sl=TARGET_SL, max_occupancy=MAX_OCCUPANCY
    )
    m = erlang_c(agents, traffic, aht, ANSWER_S)
    scheduled = scheduled_agents(agents, SHRINKAGE)
    ours_s = time.perf_counter() - started

    assert agents.tolist() == [p["raw_positions"] for p in peer], "agents differ"
    # pyworkforce rounds agents / (1 − shrinkage) up in binary floating point, so 21 agents at
    # 30% shrinkage become 31 scheduled (21 / 0.7 = 30.000000000000004); floorwalker gives 30.
    peer_scheduled = np.array([p["positions"] for p in peer])
    exact_whole = np.abs(agents / (1 - SHRINKAGE) - np.round(agents / (1 - SHRINKAGE))) < 1e-9
    artefact = (peer_scheduled == scheduled + 1) & exact_whole
    assert np.array_equal(scheduled[~artefact], peer_scheduled[~artefact]), "scheduled agents differ"
    diffs = {
        "service_level": np.max(np.abs(m.service_level - [p["service_level"] for p in peer])),
        "waiting_probability": np.max(
            np.abs(m.waiting_probability - [p["waiting_probability"] for p in peer])
        ),
        "occupancy": np.max(np.abs(m.occupancy - [p["occupancy"] for p in peer])),
    }
    worst = max(diffs.values())
    assert worst <= TOLERANCE, diffs
    print(f"Erlang C  {contacts.size:,} intervals (agents {int(agents.min())}–{int(agents.max())})")
    print(
        f"  pyworkforce {peer_s:8.3f} s   floorwalker {ours_s:8.3f} s   "
        f"throughput ratio {peer_s / ours_s:6.1f}×   (goal ≥ 20×)"
    )
    print(
        "  same agents in every interval; max |difference| "
        + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
    )
    print(
        f"  same scheduled agents except {int(artefact.sum())} intervals where pyworkforce rounds up "
        "an exact whole number (e.g. 21 / 0.7 → 31)"
    )


# --- per-interval reference for Erlang A --------------------------------------------------


def _log_a(x: float, y: float, with_j: bool) -> tuple[float, float]:
    """log A(x, y) = log Σ y^k / ((x+1)…(x+k)) and log Σ w_k H_k / (x+k+1), term by term."""
    term, total, scale = 1.0, 1.0, 0.0
    harmonic = 1.0 / (x + 1.0)
    j_total = harmonic / (x + 1.0)
    k = 0
    while True:
        k += 1
        term *= y / (x + k)
        total += term
        if with_j:
            harmonic += 1.0 / (x + k + 1.0)
            j_total += term * harmonic / (x + k + 1.0)
        if total > 1e250:
            term, total, j_total, scale = (
                term * 1e-250,
                total * 1e-250,
                j_total * 1e-250,
                scale + math.log(1e250),
            )
        r = y / (x + k + 1.0)
        if r < 0.5 and term < 1e-18 * total:
            rj = r * (1.0 + 1.0 / ((x + k + 2.0) * harmonic))
            if not with_j or (rj < 0.5 and term * harmonic < 1e-18 * j_total):
                return math.log(total) + scale, math.log(j_total) + scale if with_j else 0.0


def _reference_erlang_a(n: int, a: float, aht: float, patience: float, t: float) -> dict[str, float]:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    x, y = n * patience / aht, a * patience / aht
    theta_t = t / patience
    q = math.exp(-theta_t)
    log_u0, log_j = _log_a(x, y, True)
    log_u1, _ = _log_a(x + 1.0, y, False)
    log_ut1, _ = _log_a(x + 1.0, y * q, False)
    log_e = -x * theta_t + y * (1.0 - q)
    wait = 1.0 / (1.0 + (1.0 - b) / b * math.exp(-log_u0)) if b > 0 else 0.0
    answered_given_wait = x / (x + 1.0) * math.exp(log_u1 - log_u0)
    within_given_wait = (
        x / (x + 1.0) * (math.exp(log_u1 - log_u0) - math.exp(log_e - theta_t + log_ut1 - log_u0))
    )
    abandon = wait * (1.0 - answered_given_wait)
    answered = 1.0 - abandon
    return {
        "service_level": (1.0 - wait) + wait * within_given_wait,
        "waiting_probability": wait,
        "abandon_probability": abandon,
        "asa_s": wait * x * patience * math.exp(log_j - log_u0) / answered,
        "occupancy": a * answered / n,
    }


def bench_erlang_a(contacts: np.ndarray, aht: np.ndarray, patience: np.ndarray) -> None:
    started = time.perf_counter()
    peer_agents, peer = [], []
    for c, h, p in zip(contacts, aht, patience, strict=True):
        a = c * h / INTERVAL_S
        n = max(1, math.floor(a * TARGET_SL))  # fewer agents cannot answer enough (see staffing.py)
        while True:
            m = _reference_erlang_a(n, a, h, p, ANSWER_S)
            if m["service_level"] >= TARGET_SL and m["occupancy"] <= MAX_OCCUPANCY:
                break
            n += 1
        peer_agents.append(n)
        peer.append(m)
    peer_s = time.perf_counter() - started

    started = time.perf_counter()
    traffic = traffic_erlangs(contacts, INTERVAL_S, aht)
    agents = erlang_a_required_agents(
        traffic, aht, patience, ANSWER_S, target_sl=TARGET_SL, max_occupancy=MAX_OCCUPANCY
    )
    m = erlang_a(agents, traffic, aht, patience, ANSWER_S)
    ours_s = time.perf_counter() - started

    assert agents.tolist() == peer_agents, "agents differ"
    diffs = {
        key: float(np.max(np.abs(getattr(m, key) - np.array([p[key] for p in peer]))))
        for key in ("service_level", "waiting_probability", "abandon_probability", "occupancy")
    }
    asa_rel = float(np.max(np.abs(m.asa_s / np.array([p["asa_s"] for p in peer]) - 1.0)))
    assert max(diffs.values()) <= TOLERANCE, diffs
    assert asa_rel <= TOLERANCE, asa_rel
    # Evaluation alone (given agents, no search), the fairest like-for-like ratio.
    started = time.perf_counter()
    for n, c, h, p in zip(agents.tolist(), contacts, aht, patience, strict=True):
        _reference_erlang_a(n, c * h / INTERVAL_S, h, p, ANSWER_S)
    peer_eval_s = time.perf_counter() - started
    started = time.perf_counter()
    erlang_a(agents, traffic, aht, patience, ANSWER_S)
    ours_eval_s = time.perf_counter() - started
    print(f"Erlang A  {contacts.size:,} intervals (agents {int(agents.min())}–{int(agents.max())})")
    print(
        f"  per-interval reference {peer_s:8.3f} s   floorwalker {ours_s:8.3f} s   "
        f"throughput ratio {peer_s / ours_s:6.1f}×   (goal ≥ 20×)"
    )
    print(
        "  same agents in every interval; max |difference| "
        + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
        + f", asa_s (relative) {asa_rel:.1e}"
    )
    print(
        f"  evaluation only (given agents): reference {peer_eval_s:8.3f} s   floorwalker {ours_eval_s:8.3f} s"
        f"   ratio {peer_eval_s / ours_eval_s:6.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intervals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    contacts, aht, patience = _intervals(args.intervals, args.seed)
    bench_erlang_c(contacts, aht)
    bench_erlang_a(contacts, aht, patience)


if __name__ == "__main__":
    main()
