"""floorwalker's simulator against Ciw and SimPy on the same M/M/n+M model, same run.

Run: `.venv/bin/python bench/sim_vs_ciw_simpy.py [--replications 10] [--hours 10]`

Model: one queue, Poisson arrivals, n agents, exponential handle time and exponential
patience (Erlang A). Each engine runs the same replications with the same seed values
(each through its own random number generator, so the draws differ but the model is the
same). Contacts arriving in the first hour (warm-up) and the last hour (still in the
system at the end) are left out of the statistics; the rest are tallied the same way for
all three from per-contact records: P(wait), P(abandon), service level (answered within
20 s / offered) and ASA, each as a mean over replications with a 95% Student t interval,
beside the exact Erlang A value.

Speed: contacts per second of wall time, and events per second where events = arrivals +
service ends + abandons that happened (counted the same way for all three engines; the
engines' own internal event counts differ).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable

import ciw
import numpy as np
import simpy

from floorwalker.sim.distributions import Distribution
from floorwalker.sim.engine import layout, run_once
from floorwalker.sim.results import mean_ci
from floorwalker.sim.scenario import AgentGroup, Queue, Scenario

N_AGENTS = 20
AHT_S = 180.0
PATIENCE_S = 300.0
LOAD = 19.0  # Erlangs offered: 95% of the agents
T_S = 20.0

Records = tuple[np.ndarray, np.ndarray, np.ndarray, int]  # arrival, wait, answered?, events


def erlang_a(n: int, lam: float, mu: float, theta: float, max_k: int = 3000) -> tuple[float, float]:
    logs = [0.0]
    for k in range(1, max_k + 1):
        logs.append(logs[-1] + math.log(lam / (min(k, n) * mu + max(k - n, 0) * theta)))
    top = max(logs)
    p = [math.exp(x - top) for x in logs]
    total = sum(p)
    return sum(p[n:]) / total, theta * sum((k - n) * p[k] for k in range(n + 1, max_k + 1)) / total / lam


def run_floorwalker(seed: int, hours: int) -> Records:
    per_hour = LOAD / AHT_S * 3600
    sc = Scenario(
        interval_s=3600, intervals=hours,
        queues=(Queue("q", (per_hour,) * hours, Distribution("exponential", mean_s=AHT_S),
                      Distribution("constant"), Distribution("exponential", mean_s=PATIENCE_S), T_S),),
        groups=(AgentGroup("g", (N_AGENTS,) * hours, {"q": 1}),),
    )
    rep = run_once(sc, layout(sc), np.random.default_rng(seed))
    answered = rep.state == 1
    abandoned = rep.state == 2
    events = rep.contacts.arrival_s.size + int(answered.sum()) + int(abandoned.sum())
    return rep.contacts.arrival_s, rep.wait_s, answered, events


def run_ciw(seed: int, hours: int) -> Records:
    lam = LOAD / AHT_S
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=lam)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_S)],
        number_of_servers=[N_AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE_S)],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(hours * 3600.0)
    recs = q.get_all_records()
    arrival = np.array([r.arrival_date for r in recs])
    answered = np.array([r.record_type == "service" for r in recs])
    wait = np.array([r.waiting_time for r in recs])
    events = len(recs) * 2  # each finished record: its arrival and its service end or abandon
    return arrival, wait, answered, events


def run_simpy(seed: int, hours: int) -> Records:
    rng = random.Random(seed)
    lam = LOAD / AHT_S
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=N_AGENTS)
    arrival: list[float] = []
    wait: list[float] = []
    answered: list[bool] = []

    def contact(patience: float, handle: float) -> simpy.events.ProcessGenerator:
        t0 = env.now
        i = len(arrival)
        arrival.append(t0)
        wait.append(math.nan)
        answered.append(False)
        with agents.request() as req:
            got = yield req | env.timeout(patience)
            if req in got:
                wait[i] = env.now - t0
                answered[i] = True
                yield env.timeout(handle)
            else:
                wait[i] = env.now - t0

    def source() -> simpy.events.ProcessGenerator:
        while True:
            yield env.timeout(rng.expovariate(lam))
            env.process(contact(rng.expovariate(1 / PATIENCE_S), rng.expovariate(1 / AHT_S)))

    env.process(source())
    env.run(until=hours * 3600.0)
    a = np.array(arrival)
    w = np.array(wait)
    done = ~np.isnan(w)
    return a[done], w[done], np.array(answered)[done], 2 * int(done.sum())


def stats(recs: Records, hours: int) -> dict[str, float]:
    arrival, wait, answered, _ = recs
    keep = (arrival >= 3600) & (arrival < (hours - 1) * 3600)
    w, ans = wait[keep], answered[keep]
    n = keep.sum()
    return {
        "p_wait": float(((w > 0) | ~ans).sum() / n),
        "p_abandon": float((~ans).sum() / n),
        "service_level": float((ans & (w <= T_S)).sum() / n),
        "asa_s": float(w[ans].mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--hours", type=int, default=10)
    args = ap.parse_args()
    run_floorwalker(0, 2)  # compile (or load the numba cache) outside the timing
    p_wait, p_ab = erlang_a(N_AGENTS, LOAD / AHT_S, 1 / AHT_S, 1 / PATIENCE_S)
    print(f"M/M/{N_AGENTS}+M: {LOAD} Erlangs, AHT {AHT_S:.0f} s, mean patience {PATIENCE_S:.0f} s, "
          f"{args.hours} h × {args.replications} replications; Erlang A: P(wait) {p_wait:.4f}, "
          f"P(abandon) {p_ab:.4f}")
    engines: dict[str, Callable[[int, int], Records]] = {
        "floorwalker": run_floorwalker, "ciw": run_ciw, "simpy": run_simpy}
    speed: dict[str, tuple[float, float]] = {}
    for name, fn in engines.items():
        t0 = time.perf_counter()
        recs = [fn(seed, args.hours) for seed in range(1, args.replications + 1)]
        wall = time.perf_counter() - t0
        contacts = sum(r[0].size for r in recs)
        events = sum(r[3] for r in recs)
        speed[name] = (contacts / wall, events / wall)
        per = [stats(r, args.hours) for r in recs]
        parts = []
        cis: dict[str, tuple[float, float]] = {}
        for key in ("p_wait", "p_abandon", "service_level", "asa_s"):
            m, ci = mean_ci(np.array([p[key] for p in per]))
            assert m is not None
            assert ci is not None
            cis[key] = ci
            parts.append(f"{key} {m:.4f} [{ci[0]:.4f}, {ci[1]:.4f}]")
        verdicts = [
            f"Erlang A {label} {'inside' if cis[key][0] <= ref <= cis[key][1] else 'OUTSIDE'} the CI"
            for key, label, ref in (("p_wait", "P(wait)", p_wait), ("p_abandon", "P(abandon)", p_ab))
        ]
        inside = "; ".join(verdicts)
        print(f"{name:<12} {wall:7.2f} s  {contacts / wall:>10,.0f} contacts/s  "
              f"{events / wall:>10,.0f} events/s  " + "  ".join(parts) + f"  ({inside})")
    fw = speed["floorwalker"]
    for peer in ("ciw", "simpy"):
        print(f"floorwalker / {peer}: {fw[0] / speed[peer][0]:.0f}× contacts/s, "
              f"{fw[1] / speed[peer][1]:.0f}× events/s")


if __name__ == "__main__":
    main()
