"""Forecast accuracy on real call arrivals (issue 5): WAPE against the two baselines.

    .venv/bin/python bench/forecast_accuracy.py [--data ../shared/data] [--country US] [--all]

Data: bank-calls-2003 (5-minute arrivals at a US bank's call center, weekdays), evaluated
at 30-minute grain. Rolling origin: one origin per day over the last 20 days of the file;
at each origin every forecaster sees only the days before it and forecasts the next 5
open days (horizons 1–5). WAPE = Σ|forecast − actual| / Σ actual over every evaluated
interval. Printed in the same run:

- baseline A: same weekday and slot, averaged over the previous 4 weeks;
- baseline B: same slot one week earlier;
- floorwalker ``auto``: the method chosen per origin by floorwalker's own rolling-origin
  backtest over the 10 days before that origin (history only: nothing from the
  evaluation days is used to choose or tune);
- each floorwalker method on its own, for transparency (``--all`` adds the slow ones:
  autoarima, mstl).

Goal: auto's WAPE at least 10% below the better baseline.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from floorwalker.wfm.forecast import forecast
from floorwalker.wfm.forecast_grid import build_grid
from floorwalker.wfm.forecast_io import read_history
from floorwalker.wfm.forecast_methods import AUTO_CANDIDATES, METHODS
from floorwalker.wfm.forecast_series import IntervalSeries, build_series
from floorwalker.wfm.forecast_special import merge, public_holidays

ROOT = Path(__file__).resolve().parent.parent
ORIGINS = 20
HORIZON = 5


class Score:
    def __init__(self) -> None:
        self.abs_error: defaultdict[int, float] = defaultdict(float)
        self.actual: defaultdict[int, float] = defaultdict(float)

    def add(self, h: int, forecast_row: np.ndarray, actual_row: np.ndarray) -> None:
        self.abs_error[h] += float(np.abs(forecast_row - actual_row).sum())
        self.actual[h] += float(actual_row.sum())

    def wape(self, h: int | None = None) -> float:
        if h is not None:
            return self.abs_error[h] / self.actual[h]
        return sum(self.abs_error.values()) / sum(self.actual.values())


def same_weekday_before(
    actual: dict[date, np.ndarray], target: date, origin: date, weeks: int
) -> list[np.ndarray]:
    """The latest ``weeks`` same-weekday days before ``origin`` that have data."""
    out = []
    day = target - timedelta(days=7)
    while len(out) < weeks and day >= min(actual):
        if day < origin and day in actual:
            out.append(actual[day])
        day -= timedelta(days=7)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--country", default="US", help="public holidays (the bank is in North America)")
    parser.add_argument("--all", action="store_true", help="also evaluate autoarima and mstl (slow)")
    args = parser.parse_args()
    path = args.data / "bank-calls-2003" / "calls_5min.csv"
    if not path.is_file():
        print(f"skipped: {path} not found (give --data DIR holding bank-calls-2003/)")
        return

    points = read_history(path, interval_min=30)
    full = build_series(points, interval_min=30)
    open_cols = ~np.all(np.isnan(full.contacts), axis=0)
    actual = {
        d: full.contacts[i, open_cols]
        for i, d in enumerate(full.days)
        if not np.isnan(full.contacts[i]).all()
    }
    data_days = sorted(actual)
    origins = data_days[-ORIGINS:]
    special = merge(public_holidays(args.country, {d.year for d in data_days}), []) if args.country else {}
    methods = tuple(METHODS) if args.all else (*AUTO_CANDIDATES, "ets_arima")
    print(
        f"{path.name}: {len(data_days)} days {data_days[0]} … {data_days[-1]}, "
        f"{int(open_cols.sum())} half-hours a day; {ORIGINS} origins {origins[0]} … {origins[-1]}, "
        f"horizons 1–{HORIZON} open days, holidays: {args.country}"
    )

    scores: dict[str, Score] = defaultdict(Score)
    chosen: Counter[str] = Counter()
    covered = compared = 0
    started = time.perf_counter()
    for origin in origins:
        train: IntervalSeries = build_series([p for p in points if p[0].date() < origin], interval_min=30)
        result = forecast(train, horizon_days=HORIZON, special=special)
        chosen[result.method] += 1
        by_day: defaultdict[date, list[float]] = defaultdict(list)
        bounds: defaultdict[date, list[tuple[float, float]]] = defaultdict(list)
        for row in result.rows:
            by_day[row.interval_start.date()].append(row.contacts)
            bounds[row.interval_start.date()].append((row.lo, row.hi))
        targets = sorted(by_day)
        grid = build_grid(train, special)
        fixed = {m: METHODS[m](grid.contacts, grid.period, HORIZON + 5)[:, open_cols] for m in methods}
        future = [
            d
            for d in (grid.dates[-1] + timedelta(days=k) for k in range(1, 15))
            if d.weekday() in grid.open_weekdays
        ]
        for h, target in enumerate(targets, start=1):
            if target not in actual:
                continue  # beyond the end of the file
            a = actual[target]
            scores["floorwalker auto"].add(h, np.array(by_day[target]), a)
            lo_hi = np.array(bounds[target])
            covered += int(((a >= lo_hi[:, 0]) & (a <= lo_hi[:, 1])).sum())
            compared += a.size
            grid_h = future.index(target)
            for m in methods:
                scores[f"  {m} (fixed)"].add(h, fixed[m][grid_h], a)
            scores["baseline A: 4-week same-slot mean"].add(
                h, np.mean(same_weekday_before(actual, target, origin, 4), axis=0), a
            )
            scores["baseline B: same slot 1 week ago"].add(
                h, same_weekday_before(actual, target, origin, 1)[0], a
            )
    elapsed = time.perf_counter() - started

    print(f"\n{'forecaster':<38} {'WAPE':>7}   " + "  ".join(f"h={h:<5}" for h in range(1, HORIZON + 1)))
    for name, score in scores.items():
        per_h = "  ".join(f"{score.wape(h):.4f} " for h in range(1, HORIZON + 1))
        print(f"{name:<38} {score.wape():.4f}   {per_h}")
    best_name = min(
        ("baseline A: 4-week same-slot mean", "baseline B: same slot 1 week ago"),
        key=lambda n: scores[n].wape(),
    )
    ours, best = scores["floorwalker auto"].wape(), scores[best_name].wape()
    improvement = 1 - ours / best
    print(f"\nmethods auto chose (per origin): {dict(chosen)}; {elapsed:.0f} s for the {ORIGINS} origins")
    print(
        f"auto's 80% prediction intervals held the actual in {covered / compared:.1%} of {compared} slots"
    )
    print(
        f"floorwalker auto {ours:.4f} vs better baseline ({best_name.split(':')[0]}) {best:.4f}: "
        f"ratio {ours / best:.3f}, {improvement:.1%} lower WAPE → goal (≥ 10% lower) "
        f"{'MET' if improvement >= 0.10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
