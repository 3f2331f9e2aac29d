"""Forecast speed: 100 queues × one year of 30-minute history, 8 weeks ahead (issue 5: ≤ 60 s).

    .venv/bin/python bench/forecast_speed.py [--queues 100] [--weeks 8] [--jobs 1]

Synthetic queues (seeded): each has its own volume, weekly pattern, opening hours (some
open 7 days, some closed on Sundays, one 24/7 in ten), intraday shape, trend and
Poisson noise. floorwalker's full `auto` forecast (rolling-origin backtest of four
methods per queue, then the forecast, intervals) is timed against the floor of the
same run: the weighted historical average alone on the same grids (no selection, no
statistical model).
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta

import numpy as np

from floorwalker.wfm.forecast import forecast
from floorwalker.wfm.forecast_grid import build_grid
from floorwalker.wfm.forecast_methods import weighted_average
from floorwalker.wfm.forecast_series import IntervalSeries, build_series

START = date(2025, 1, 6)  # a Monday
DAYS = 364


def synthetic_queue(seed: int) -> IntervalSeries:
    rng = np.random.default_rng(seed)
    level = rng.uniform(300, 6000)
    weekly = rng.uniform(0.7, 1.3, 7)
    all_day = seed % 10 == 0
    first, last = (0, 48) if all_day else (int(rng.integers(12, 18)), int(rng.integers(36, 45)))
    closed = set() if all_day or seed % 3 else {6}
    hours = np.arange(48)
    peak = rng.uniform(20, 28)
    shape = np.exp(-0.5 * ((hours - peak) / rng.uniform(5, 9)) ** 2) + 0.2
    shape[:first] = 0 if not all_day else shape[:first]
    shape[last:] = 0 if not all_day else shape[last:]
    shape /= shape.sum()
    trend = rng.uniform(-0.0005, 0.001)
    points = []
    for d in range(DAYS):
        day = START + timedelta(days=d)
        if day.weekday() in closed:
            continue
        mean = level * weekly[day.weekday()] * (1 + trend * d) * shape
        counts = rng.poisson(mean)
        base = datetime(day.year, day.month, day.day)
        points.extend(
            (base + timedelta(minutes=30 * s), float(counts[s]), None) for s in range(48) if shape[s] > 0
        )
    return build_series(points, interval_min=30)


def run_auto(seed_and_days: tuple[int, int]) -> tuple[str, int]:
    seed, horizon = seed_and_days
    result = forecast(synthetic_queue(seed), horizon_days=horizon)
    return result.method, len(result.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument(
        "--jobs", type=int, default=1, help=f"processes (this machine has {os.cpu_count()} cores)"
    )
    args = parser.parse_args()
    horizon = 7 * args.weeks

    started = time.perf_counter()
    series = [synthetic_queue(q) for q in range(args.queues)]
    build_s = time.perf_counter() - started
    print(
        f"{args.queues} synthetic queues × {DAYS} days of 30-min history built in {build_s:.1f} s (untimed)"
    )

    started = time.perf_counter()
    for s in series:
        grid = build_grid(s, {})
        weighted_average(grid.contacts, grid.period, horizon)
    floor_s = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(run_auto, [(q, horizon) for q in range(args.queues)]))
    else:
        outcomes = []
        for s in series:
            result = forecast(s, horizon_days=horizon)
            outcomes.append((result.method, len(result.rows)))
    auto_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started

    chosen: dict[str, int] = {}
    for method, _ in outcomes:
        chosen[method] = chosen.get(method, 0) + 1
    rows = sum(n for _, n in outcomes)
    print(f"floor  weighted average only (grid + forecast)        {floor_s:7.1f} s")
    print(
        f"floorwalker auto (backtest 4 methods × 10 origins, forecast, intervals), jobs={args.jobs}: "
        f"{auto_s:7.1f} s  ({auto_s / args.queues:.2f} s per queue, {rows:,} interval rows, "
        f"{auto_s / max(floor_s, 1e-9):.0f}× the floor)"
    )
    if args.jobs == 1:
        # CPU time is what this process used: on a shared machine it is steadier than wall time.
        print(f"  CPU time {cpu_s:.1f} s (wall {auto_s:.1f} s; load average {os.getloadavg()[0]:.1f})")
    print(f"methods chosen: {dict(sorted(chosen.items()))}")
    if args.queues == 100 and args.weeks == 8:
        print(f"goal ≤ 60 s for 100 queues, 8 weeks: {'met' if auto_s <= 60 else 'NOT met'} ({auto_s:.1f} s)")
    else:
        print("(the goal is stated for --queues 100 --weeks 8)")


if __name__ == "__main__":
    main()
