"""A week of a 500-agent, 6-queue contact center × 20 replications (issue 7 goal: ≤ 10 s on
a 2-core machine). Run: `.venv/bin/python bench/sim_week.py [--replications 20] [--threads 2]`.

The center: 7 days × 48 half-hours; six queues (four voice, one chat with three sessions
per agent, one callback) with a daily double-peak profile, lower weekends; seven agent
groups with primary/secondary skills and one overflow rule; staffing per interval sized
from each group's share of the workload at ~92% occupancy (peak workload ~460 Erlangs).
About 300,000 contacts a week.
The numba compile time (first call in a fresh cache) is reported separately. CPU time is
printed beside wall time: on a shared machine the wall time also counts other programs.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from floorwalker.sim.distributions import Distribution
from floorwalker.sim.engine import simulate
from floorwalker.sim.scenario import AgentGroup, Overflow, Queue, Scenario

INTERVAL_S = 1800
DAYS = 7
PER_DAY = 48


def profile() -> np.ndarray:
    """Relative volume per half-hour over a week: open 07:00–22:00, peaks at 10:00 and 15:00."""
    hours = (np.arange(PER_DAY) + 0.5) / 2
    day = np.exp(-((hours - 10.5) ** 2) / 4) + 0.8 * np.exp(-((hours - 15) ** 2) / 6)
    day[(hours < 7) | (hours > 22)] = 0.0
    day /= day.sum()
    weights = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.5, 0.35])
    week = np.concatenate([w * day for w in weights])
    return week / week.sum()


QUEUES = [  # name, contacts/week, AHT s, cv, wrap-up s, patience mean s, SL T, priority, channel
    ("billing", 90_000, 162, 0.9, 15, 180, 20, 1, "voice"),
    ("support", 80_000, 216, 1.0, 20, 240, 20, 1, "voice"),
    ("sales", 40_000, 195, 0.8, 15, 120, 20, 2, "voice"),
    ("retention", 20_000, 270, 0.7, 20, 300, 20, 3, "voice"),
    ("chat", 50_000, 356, 0.9, 10, 600, 60, 0, "chat"),
    ("callback", 20_000, 151, 0.6, 10, 0, 600, -1, "voice"),
]
GROUPS = [  # name, skills (queue: level), concurrency, share of the 500 agents
    ("billing", {"billing": 1, "support": 2}, 1, 0.24),
    ("support", {"support": 1, "billing": 2}, 1, 0.27),
    ("sales", {"sales": 1, "retention": 2}, 1, 0.12),
    ("retention", {"retention": 1, "sales": 2}, 1, 0.08),
    ("chat", {"chat": 1}, 3, 0.09),
    ("callback", {"callback": 1, "billing": 3}, 1, 0.06),
    ("universal", {"billing": 2, "support": 2, "sales": 2, "retention": 2, "callback": 2}, 1, 0.14),
]


def week_scenario(replications: int, seed: int = 11) -> Scenario:
    prof = profile()
    queues = []
    load = np.zeros(DAYS * PER_DAY)
    for name, weekly, aht, cv, wrap, patience, t, prio, channel in QUEUES:
        offered = weekly * prof
        load += offered * (aht + wrap) / INTERVAL_S / (3 if channel == "chat" else 1)
        queues.append(Queue(
            name=name, offered_per_interval=tuple(float(x) for x in offered),
            handle_time=Distribution("lognormal", mean_s=aht, cv=cv),
            wrapup=Distribution("constant", mean_s=wrap),
            patience=Distribution("exponential", mean_s=patience) if patience else Distribution("none"),
            sl_threshold_s=t, priority=prio, channel=channel,
        ))
    agents_needed = np.ceil(load / 0.92)
    scale = 500 / agents_needed.max()
    groups = []
    for name, skills, conc, share in GROUPS:
        counts = tuple(math.ceil(x * scale * share) for x in agents_needed)
        groups.append(AgentGroup(name=name, agents=counts, skills=skills, concurrency=conc))
    return Scenario(
        interval_s=INTERVAL_S, intervals=DAYS * PER_DAY, queues=tuple(queues), groups=tuple(groups),
        overflows=(Overflow(queue="sales", group="support", after_s=90, level=3),),
        replications=replications, seed=seed,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    sc = week_scenario(args.replications)
    peak = sum(max(g.agents) for g in sc.groups)

    t0 = time.perf_counter()
    simulate(sc, replications=1, seed=0)  # compile (or load the cache) and warm up
    warm = time.perf_counter() - t0
    print(f"first call (numba compile or cache load + 1 replication): {warm:.2f} s")

    for threads in sorted({1, args.threads}):
        t0, c0 = time.perf_counter(), time.process_time()
        res = simulate(sc, replications=args.replications, threads=threads)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        tot = res.metrics()
        contacts = float(res.counts["offered"].sum())
        print(
            f"threads={threads}: {args.replications} replications of a week "
            f"({contacts / args.replications:,.0f} contacts each, {peak} agents at peak, 6 queues) "
            f"in {wall:.2f} s wall ({cpu:.2f} s CPU) = {contacts / wall:,.0f} contacts/s, "
            f"{res.events / wall:,.0f} events/s "
            f"(goal ≤ 10 s: {'met' if wall <= 10 else 'NOT met'})"
        )
    print(
        f"week totals: SL {tot['service_level']:.3f} {tot['service_level_ci']}, ASA {tot['asa_s']:.1f} s, "
        f"abandon {tot['abandon_rate']:.3f}, occupancy {tot['occupancy']:.3f}"
    )


if __name__ == "__main__":
    main()
