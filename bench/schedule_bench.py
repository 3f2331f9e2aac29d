"""Schedule optimiser benchmark: 50, 200 and 500 agents × one week × 15-minute intervals.

    .venv/bin/python bench/schedule_bench.py [--agents 50 200 500] [--time-limit 60] [--solver cp-sat]

The requirement curve is built here: a weekly contact-volume shape (two daily peaks,
busier Mondays, quiet weekends), AHT 300 s, and per interval the fewest agents meeting
80 % answered within 20 s by Erlang C, with the volume scaled so the requirement uses about
85 % of the staff's productive hours. Shift set: full-time 8.5 h shifts (two paid 15-min
breaks, a 30-min unpaid lunch) and part-time 4 h shifts (one break), starts every 30 min.

For each size it prints solve time, objective, bound, gap, under- and over-coverage, the
rule checker's violations, and — on the same requirement curve and shift set —
pyworkforce's MinAbsDifference (counts per shift, no breaks, no agent rules) with the
ratio of under + over coverage.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from typing import Any

from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.instance import parse_instance
from floorwalker.wfm.scheduling.solve import solve

GRAIN = 15
PER_DAY = 1440 // GRAIN
DAY_FACTOR = (1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45)
AHT = 300.0


def _daily_shape(i: int) -> float:
    """Relative volume of 15-min interval i of a day: open 07:00–23:00, peaks at 10:30 and 15:00."""
    h = i * GRAIN / 60
    if h < 7 or h >= 23:
        return 0.0
    return (
        0.25
        + math.exp(-(((h - 10.5) / 1.6) ** 2))
        + 0.8 * math.exp(-(((h - 15) / 2.0) ** 2))
        + 0.2 * (h < 21)
    )


def _sl(n: int, load: float, threshold: float = 20.0) -> float:
    if n <= load:
        return 0.0
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    c = b / (1 - (load / n) * (1 - b))
    return 1 - c * math.exp(-(n - load) * threshold / AHT)


def _required(contacts: float) -> int:
    if contacts <= 0:
        return 0
    load = contacts * AHT / (GRAIN * 60)
    n = max(1, math.ceil(load))
    while _sl(n, load) < 0.8:
        n += 1
    return n


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def build(agents: int, seed: int = 1) -> dict[str, Any]:
    """A realistic one-week instance for ``agents`` agents (75 % full time)."""
    rng = random.Random(seed)
    full = round(agents * 0.75)
    productive_hours = full * 40 * 0.875 + (agents - full) * 20 * 0.9375  # less breaks and lunch
    shape = [DAY_FACTOR[d] * _daily_shape(i) for d in range(7) for i in range(PER_DAY)]
    lo, hi = 0.0, 10.0 * agents
    for _ in range(40):  # scale volume so the requirement is ~85 % of productive hours
        mid = (lo + hi) / 2
        need = sum(_required(mid * s) for s in shape) * GRAIN / 60
        lo, hi = (mid, hi) if need < 0.85 * productive_hours else (lo, mid)
    contacts = [round(lo * s, 2) for s in shape]
    requirement = [_required(c) for c in contacts]
    ft_starts = [_hhmm(m) for m in range(7 * 60, 14 * 60 + 31, 30)]
    pt_starts = [_hhmm(m) for m in range(7 * 60, 19 * 60 + 1, 30)]
    return {
        "interval_minutes": GRAIN,
        "days": 7,
        "requirement": requirement,
        "demand": {"contacts": contacts, "aht_seconds": [AHT] * len(contacts), "threshold_seconds": 20},
        "templates": [
            {
                "name": "full",
                "start_times": ft_starts,
                "lengths_minutes": [510],
                "cost_per_hour": 1.0,
                "breaks": [
                    {
                        "name": "break 1",
                        "kind": "break",
                        "duration_minutes": 15,
                        "earliest_start_minutes": 90,
                        "latest_start_minutes": 150,
                        "paid": True,
                    },
                    {
                        "name": "lunch",
                        "kind": "lunch",
                        "duration_minutes": 30,
                        "earliest_start_minutes": 180,
                        "latest_start_minutes": 300,
                        "paid": False,
                    },
                    {
                        "name": "break 2",
                        "kind": "break",
                        "duration_minutes": 15,
                        "earliest_start_minutes": 345,
                        "latest_start_minutes": 420,
                        "paid": True,
                    },
                ],
            },
            {
                "name": "part",
                "start_times": pt_starts,
                "lengths_minutes": [240],
                "cost_per_hour": 1.0,
                "breaks": [
                    {
                        "name": "break",
                        "kind": "break",
                        "duration_minutes": 15,
                        "earliest_start_minutes": 90,
                        "latest_start_minutes": 150,
                        "paid": True,
                    },
                ],
            },
        ],
        "contracts": [
            {
                "name": "full_time",
                "min_weekly_hours": 32,
                "max_weekly_hours": 40,
                "min_days_off": 2,
                "max_consecutive_days": 5,
                "min_rest_hours": 11,
            },
            {
                "name": "part_time",
                "min_weekly_hours": 12,
                "max_weekly_hours": 20,
                "min_days_off": 2,
                "max_consecutive_days": 5,
                "min_rest_hours": 11,
            },
        ],
        "agents": [
            {
                "id": f"agent{i:03d}",
                "contract": "full_time" if i < full else "part_time",
                "templates": ["full"] if i < full else ["part"],
                "preferences": {"days_off": rng.sample(range(7), 2), "weight": 1.0}
                if rng.random() < 0.3
                else {},
            }
            for i in range(agents)
        ],
    }


def pyworkforce_coverage(
    data: dict[str, Any], time_limit: float
) -> tuple[list[int], float, str, list[dict[str, Any]]] | None:
    """pyworkforce's MinAbsDifference on the same requirement and shift set: agents per
    shift and day (no agents, no breaks, no contract rules). Its coverage per interval,
    seconds and status; None when pyworkforce is not installed."""
    try:
        from pyworkforce.scheduling import MinAbsDifference
    except ImportError:
        return None
    shifts: dict[str, list[int]] = {}
    for t in data["templates"]:
        for s in t["start_times"]:
            h, m = map(int, s.split(":"))
            first = (h * 60 + m) // GRAIN
            for length in t["lengths_minutes"]:
                row = [0] * PER_DAY
                for i in range(first, first + length // GRAIN):
                    row[i] = 1  # every shift of this bench ends by midnight
                shifts[f"{t['name']} {s} {length}"] = row
    req = data["requirement"]
    agents = len(data["agents"])
    started = time.perf_counter()
    solution = MinAbsDifference(
        num_days=7,
        periods=PER_DAY,
        shifts_coverage=shifts,
        required_resources=[req[d * PER_DAY : (d + 1) * PER_DAY] for d in range(7)],
        max_period_concurrency=agents,
        max_shift_concurrency=agents,
        max_search_time=float(time_limit),
        num_search_workers=2,
    ).solve()
    seconds = time.perf_counter() - started
    cov = [0] * len(req)
    for row in solution["resources_shifts"]:
        for i, on in enumerate(shifts[row["shift"]]):
            cov[row["day"] * PER_DAY + i] += on * int(row["resources"])
    return cov, seconds, str(solution["status"]), solution["resources_shifts"]


def with_breaks(data: dict[str, Any], cov: list[int], rows: list[dict[str, Any]]) -> list[int]:
    """pyworkforce's coverage once its agents take the template's breaks (it plans none):
    each break goes, one agent at a time, where the surplus over the requirement is
    largest — the same rule floorwalker's first week uses."""
    cov = list(cov)
    req = data["requirement"]
    templates = {t["name"]: t for t in data["templates"]}
    for row in rows:
        name, start, _length = row["shift"].split(" ")
        h, m = map(int, start.split(":"))
        first = row["day"] * PER_DAY + (h * 60 + m) // GRAIN
        for b in templates[name]["breaks"]:
            span = b["duration_minutes"] // GRAIN
            offsets = range(b["earliest_start_minutes"] // GRAIN, b["latest_start_minutes"] // GRAIN + 1)
            for _ in range(int(row["resources"])):
                p = max(
                    offsets, key=lambda o: min(cov[first + o + j] - req[first + o + j] for j in range(span))
                )
                for j in range(span):
                    cov[first + p + j] -= 1
    return cov


def _off(requirement: tuple[int, ...], cov: list[int]) -> tuple[float, float]:
    """(under, over) coverage in agent-hours."""
    under = sum(max(0, q - x) for q, x in zip(requirement, cov, strict=True)) * GRAIN / 60
    over = sum(max(0, x - q) for q, x in zip(requirement, cov, strict=True)) * GRAIN / 60
    return under, over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--solver", default="cp-sat", choices=["cp-sat", "highs"])
    parser.add_argument("--no-peer", action="store_true", help="skip pyworkforce")
    parser.add_argument(
        "--match-peer",
        action="store_true",
        help="score like pyworkforce: under and over both weigh 1, no service-level pricing",
    )
    args = parser.parse_args()
    for n in args.agents:
        data = build(n)
        if args.match_peer:
            data["weights"] = {"under": 1.0, "over": 1.0, "cost": 0.0, "preference": 0.0}
            data = {**data, "demand": None}
        inst = parse_instance(data)
        hours = GRAIN / 60
        cpu = time.process_time()
        r = solve(inst, time_limit=args.time_limit, solver=args.solver)
        cpu = time.process_time() - cpu
        violations = len(check_schedule(inst, list(r.shifts)))
        ours = r.under_agent_hours + r.over_agent_hours
        label = ", scored like pyworkforce" if args.match_peer else ""
        sl = "n/a" if r.projected_service_level is None else f"{r.projected_service_level:.1%}"
        print(
            f"{n} agents ({args.solver}{label}): {r.seconds:.1f} s (CPU {cpu:.1f} s), {r.status}, "
            f"objective {r.objective:.1f}, "
            f"bound {r.bound:.1f}, gap {r.gap:.1%}; requirement {sum(inst.requirement) * hours:.0f} agent-h, "
            f"under {r.under_agent_hours:.1f} + over {r.over_agent_hours:.1f} = {ours:.1f} agent-h; "
            f"{len(r.shifts)} shifts; SL {sl}; rule violations {violations}",
            flush=True,
        )
        if args.no_peer:
            continue
        peer = pyworkforce_coverage(data, args.time_limit)
        if peer is None:
            print("  pyworkforce not installed (pip install -e '.[dev]'): peer skipped")
            continue
        cov, seconds, status, rows = peer

        under, over = _off(inst.requirement, cov)
        b_under, b_over = _off(inst.requirement, with_breaks(data, cov, rows))
        print(
            f"  pyworkforce MinAbsDifference: {seconds:.1f} s, {status}, "
            f"{sum(cov) * hours:.0f} agent-h on shift, "
            f"no agent rules; as it counts (breaks on the phones): under {under:.1f} + over {over:.1f} = "
            f"{under + over:.1f} agent-h, floorwalker / pyworkforce = {ours / (under + over):.2f}; "
            f"with the same breaks taken: under {b_under:.1f} + over {b_over:.1f} = {b_under + b_over:.1f} "
            f"agent-h, floorwalker / pyworkforce = {ours / (b_under + b_over):.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
