"""Replay the real per-call records of the "Anonymous Bank" (1999) through the simulator and
compare simulated with observed waiting and abandonment.

Run: `.venv/bin/python bench/sim_replay_bank.py [--months january february march] [--replications 5]`
(skips with a message when /work/shared/data/anonymous-bank-1999 is absent).

What is replayed, per month (one long horizon of half-hour intervals):
- contacts offered to agents: every call that queued (q_time > 0) or went straight to a
  named agent; arrival = q_start (or ser_start when it never queued). Left out: PHANTOM
  calls, calls that hung up in the voice-response unit without queueing, and VRU-only
  services (AGENT with NO_SERVER);
- handle time = the recorded ser_time of answered calls; abandoned calls have none, so
  theirs is drawn from the month's answered handle times (resampled);
- patience: an abandoned call's patience is its recorded wait (exact); an answered call
  only tells us the customer would have waited at least that long, so its patience is
  drawn from the Kaplan–Meier estimate (abandoned waits = events, answered waits =
  censored) conditioned on exceeding the recorded wait;
- staffing per interval: the data has no log-in records, so it is estimated from the
  services. Default ("presence, gap 300 s"): each agent is present from the start of a
  service to its end and through any gap to the next service shorter than the gap
  threshold (idle between calls); longer gaps count as away (breaks, not ready, off
  shift); staffing = agent-seconds present in the interval / interval length, rounded.
  For comparison the bench also runs other gap thresholds and "distinct", the number of
  distinct agents who served during the interval (an upper bound). No wrap-up (none
  recorded).
- one queue, first come first served (the bank's priority head start and any skill split
  between call types are not modelled).

Observed and simulated contacts are tallied by the same code (floorwalker.sim.results.tally),
so the numbers compare like with like. Printed: month totals (abandon rate, P(wait), ASA,
service level within 20 s, mean wait of all) and, per hour of day, the observed and
simulated abandon rate and ASA with the mean absolute difference across hours.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from floorwalker.sim import _core
from floorwalker.sim.distributions import Distribution
from floorwalker.sim.engine import simulate
from floorwalker.sim.results import tally
from floorwalker.sim.scenario import AgentGroup, Queue, Replay, Scenario

DATA = Path("/work/shared/data/anonymous-bank-1999")
INTERVAL_S = 1800
PER_DAY = 86400 // INTERVAL_S
T_S = 20.0


def _secs(clock: str) -> int:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@dataclass
class Month:
    days: int
    arrival_s: np.ndarray
    wait_s: np.ndarray
    answered: np.ndarray
    handle_s: np.ndarray
    spans: list[tuple[str, int, int]]  # (agent, service start s, service end s)
    skipped: int


def read_month(path: Path) -> Month:
    rows = []
    with path.open(encoding="latin-1") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 17:
                parts = line.split()  # the few rows separated by spaces
            if len(parts) == 17:
                rows.append(parts)
    first = min(date(2000 + int(r[5][:2]) - 100, int(r[5][2:4]), int(r[5][4:])) for r in rows)
    arrival, wait, answered, handle, serve_spans = [], [], [], [], []
    skipped = 0
    for r in rows:
        outcome, server = r[12], r[16]
        queued = r[9] != "0:00:00"
        served = outcome == "AGENT" and server != "NO_SERVER"
        if outcome == "PHANTOM" or not (served or (outcome == "HANG" and queued)):
            skipped += 1
            continue
        d = date(2000 + int(r[5][:2]) - 100, int(r[5][2:4]), int(r[5][4:]))
        base = (d - first).days * 86400
        entry = _secs(r[6])

        def at(clock: str, base: int = base, entry: int = entry) -> int:
            t = _secs(clock)
            return base + t + (86400 if t < entry - 3600 else 0)  # past midnight

        t_arr = at(r[9]) if queued else at(r[13])
        arrival.append(t_arr)
        wait.append(max(0, int(r[11])) if queued else 0)
        answered.append(served)
        handle.append(int(r[15]) if served else math.nan)
        if served:
            start = at(r[13])
            serve_spans.append((server, start, start + max(int(r[15]), 0)))
    days = max(a for a in arrival) // 86400 + 1
    return Month(
        days=days,
        arrival_s=np.array(arrival, dtype=np.float64),
        wait_s=np.array(wait, dtype=np.float64),
        answered=np.array(answered),
        handle_s=np.array(handle, dtype=np.float64),
        spans=serve_spans,
        skipped=skipped,
    )


def staffing(m: Month, gap_s: float | None) -> np.ndarray:
    """Agents per interval (see the module docstring); ``gap_s`` None = distinct agents."""
    n_int = m.days * PER_DAY
    if gap_s is None:
        on_duty: list[set[str]] = [set() for _ in range(n_int)]
        for server, s, e in m.spans:
            for i in range(s // INTERVAL_S, min(e // INTERVAL_S, n_int - 1) + 1):
                on_duty[i].add(server)
        return np.array([len(x) for x in on_duty], dtype=np.int64)
    present = np.zeros(n_int)
    by_agent: dict[str, list[tuple[int, int]]] = {}
    for server, s, e in m.spans:
        by_agent.setdefault(server, []).append((s, e))
    for spans in by_agent.values():
        spans.sort()
        merged: list[list[int]] = []
        for s, e in spans:
            if merged and s - merged[-1][1] <= gap_s:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        for s, e in merged:
            t = s
            while t < e:
                i = t // INTERVAL_S
                if i >= n_int:
                    break
                stop = min(e, (i + 1) * INTERVAL_S)
                present[i] += stop - t
                t = stop
    return np.rint(present / INTERVAL_S).astype(np.int64)


def scenario_for(m: Month, agents: np.ndarray) -> Scenario:
    n_int = m.days * PER_DAY
    served_handle = m.handle_s[m.answered]
    patience = Distribution("empirical", values_s=tuple(m.wait_s[~m.answered]),
                            censored_s=tuple(m.wait_s[m.answered]))
    queue = Queue("bank", (0.0,) * n_int, Distribution("empirical", values_s=tuple(served_handle)),
                  Distribution("constant"), patience, T_S)
    replay = Replay(
        queue=np.zeros(m.arrival_s.size, np.int64),
        arrival_s=m.arrival_s,
        handle_s=m.handle_s,  # NaN for abandoned: drawn from the answered handle times
        patience_s=np.where(m.answered, np.nan, m.wait_s),
        patience_at_least_s=np.where(m.answered, m.wait_s, 0.0),
    )
    group = AgentGroup("agents", tuple(int(x) for x in agents), {"bank": 1})
    return Scenario(interval_s=INTERVAL_S, intervals=n_int, queues=(queue,), groups=(group,), replay=replay)


def summary(c: dict[str, np.ndarray]) -> dict[str, float]:
    """Month totals from (…, I, Q) count arrays summed over everything."""
    s = {k: float(v.sum()) for k, v in c.items()}
    off = s["offered"]
    return {
        "offered": off,
        "abandon_rate": s["abandoned"] / off,
        "p_wait": s["waited"] / off,
        "asa_s": s["wait_answered_s"] / s["answered"],
        "service_level": s["answered_within"] / off,
        "mean_wait_s": (s["wait_answered_s"] + s["wait_abandoned_s"]) / off,
    }


def by_hour(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per hour of day (0–23), summed over days (and replications)."""
    def fold(v: np.ndarray) -> np.ndarray:
        per_interval = v.sum(axis=-1).reshape(-1, v.shape[-2]).sum(axis=0)  # (I,)
        return per_interval.reshape(-1, PER_DAY).sum(axis=0).reshape(24, -1).sum(axis=1)
    return {k: fold(v) for k, v in c.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--months", nargs="+", default=["january", "february", "march"])
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1999)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (the Anonymous Bank 1999 call records)")
        sys.exit(0)
    methods: list[tuple[str, float | None]] = [("presence, gap 300 s", 300.0), ("presence, gap 120 s", 120.0),
                                               ("presence, gap 900 s", 900.0), ("distinct agents", None)]
    for name in args.months:
        t0 = time.perf_counter()
        m = read_month(DATA / f"{name}.txt")
        read_s = time.perf_counter() - t0
        n_int = m.days * PER_DAY
        state = np.where(m.answered, _core.ANSWERED, _core.ABANDONED).astype(np.int8)
        observed = tally(m.arrival_s, np.zeros(m.arrival_s.size, np.int64), state, m.wait_s,
                         INTERVAL_S, n_int, np.array([T_S]))
        obs = summary(observed)
        print(f"\n{name}: {m.arrival_s.size:,} calls offered to agents over {m.days} days "
              f"({m.skipped:,} records left out), read in {read_s:.1f} s; {args.replications} replications")
        keys = (("abandon_rate", "{:.3f}"), ("p_wait", "{:.3f}"), ("service_level", "{:.3f}"),
                ("asa_s", "{:.1f}"), ("mean_wait_s", "{:.1f}"))
        print(f"  {'staffing':<22} {'sim s':>6} {'peak':>5} " + " ".join(f"{k:>14}" for k, _ in keys))
        print(f"  {'observed':<22} {'':>6} {'':>5} " + " ".join(f"{f.format(obs[k]):>14}" for k, f in keys))
        hourly = None
        for label, gap in methods:
            agents = staffing(m, gap)
            sc = scenario_for(m, agents)
            t0 = time.perf_counter()
            res = simulate(sc, replications=args.replications, seed=args.seed)
            sim_s = time.perf_counter() - t0
            sims = [summary({k: v[r] for k, v in res.counts.items()}) for r in range(res.replications)]
            cells = []
            for k, f in keys:
                mean = float(np.mean([x[k] for x in sims]))
                cells.append(f"{f.format(mean)} ({mean / obs[k]:.2f})")
            print(f"  {label:<22} {sim_s:>6.2f} {agents.max():>5} " + " ".join(f"{c:>14}" for c in cells))
            if hourly is None:
                hourly = res.counts
        print("  (simulated means over replications; in brackets the ratio simulated / observed)")
        assert hourly is not None
        oh = by_hour(observed)
        sh = by_hour(hourly)
        rows = []
        for h in range(24):
            if oh["offered"][h] < 200:  # hours the center was mostly closed
                continue
            o_ab = oh["abandoned"][h] / oh["offered"][h]
            s_ab = sh["abandoned"][h] / sh["offered"][h]
            o_asa = oh["wait_answered_s"][h] / max(oh["answered"][h], 1)
            s_asa = sh["wait_answered_s"][h] / max(sh["answered"][h], 1)
            rows.append((h, oh["offered"][h], o_ab, s_ab, o_asa, s_asa))
        print(f"  by hour of day, staffing {methods[0][0]}:")
        print(f"  {'hour':>4} {'calls':>7} {'abandon obs':>11} {'sim':>6} {'ASA obs s':>10} {'sim':>6}")
        for h, n, o_ab, s_ab, o_asa, s_asa in rows:
            print(f"  {h:>4} {n:>7.0f} {o_ab:>11.3f} {s_ab:>6.3f} {o_asa:>10.1f} {s_asa:>6.1f}")
        ab_diff = np.mean([abs(r[3] - r[2]) for r in rows])
        asa_diff = np.mean([abs(r[5] - r[4]) for r in rows])
        corr_ab = np.corrcoef([r[2] for r in rows], [r[3] for r in rows])[0, 1]
        corr_asa = np.corrcoef([r[4] for r in rows], [r[5] for r in rows])[0, 1]
        print(f"  across {len(rows)} open hours: mean |abandon sim − obs| {ab_diff:.3f} "
              f"(correlation {corr_ab:.2f}); mean |ASA sim − obs| {asa_diff:.1f} s "
              f"(correlation {corr_asa:.2f})")


if __name__ == "__main__":
    main()
