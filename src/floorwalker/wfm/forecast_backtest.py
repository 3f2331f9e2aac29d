"""Rolling-origin backtests, accuracy measures and method selection.

A backtest pretends to stand at an earlier day (the *origin*), forecasts the next
``horizon`` open days from the history before it only, and compares with what happened.
One origin per open day over the last ``origins`` days of history; horizon ``h`` is the
``h``-th open day after the origin. Only ordinary observed days (no special day, no gap)
count as actuals, and only the intervals the center is open.

Measures (forecast error = forecast − actual, summed over intervals):

- WAPE = Σ|error| / Σ actual (fraction; 0.08 = the forecast misses by 8% of the volume);
- bias = Σ error / Σ actual (fraction; positive = over-forecast).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from floorwalker.wfm.forecast_grid import DayGrid
from floorwalker.wfm.forecast_methods import NotEnoughHistory, RollingForecaster

MIN_TRAIN_WEEKS = 3


def wape(actual: NDArray[np.float64], forecast: NDArray[np.float64]) -> float:
    """Σ|forecast − actual| / Σ actual; NaN when there were no actual contacts."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(forecast - actual))) / total if total > 0 else float("nan")


def bias(actual: NDArray[np.float64], forecast: NDArray[np.float64]) -> float:
    """Σ(forecast − actual) / Σ actual; positive means the forecast was too high."""
    total = float(np.sum(actual))
    return float(np.sum(forecast - actual)) / total if total > 0 else float("nan")


@dataclass
class _Sums:
    abs_error: float = 0.0
    error: float = 0.0
    actual: float = 0.0
    days: int = 0
    residuals: list[NDArray[np.float64]] = field(default_factory=list)


@dataclass(frozen=True)
class HorizonScore:
    """Accuracy at one horizon (1 = the next open day). ``days``: actual days compared."""

    horizon_days: int
    wape: float | None
    bias: float | None
    days: int


@dataclass(frozen=True)
class MethodScore:
    """Accuracy of one method over every origin and horizon, and per horizon.
    ``error_bounds``: per horizon, the (low, high) bounds of the scaled error
    (actual − forecast) / √max(forecast, 1) at the interval level: ± the normal quantile
    times the root mean square of the backtest's scaled errors."""

    method: str
    wape: float | None
    bias: float | None
    by_horizon: list[HorizonScore]
    error_bounds: list[tuple[float, float]]


@dataclass(frozen=True)
class Backtest:
    """Scores per method; ``forecasters`` keep the models fitted at the first origin, so
    the final forecast can run the chosen one forward without fitting it again."""

    origins: int
    horizon_days: int
    scores: dict[str, MethodScore]
    forecasters: dict[str, RollingForecaster] = field(default_factory=dict, repr=False, compare=False)

    def best(self) -> str | None:
        """The method with the lowest overall WAPE (ties: the simpler, listed first)."""
        ranked = [(s.wape, i, m) for i, (m, s) in enumerate(self.scores.items()) if s.wape is not None]
        return min(ranked)[2] if ranked else None


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def backtest(
    grid: DayGrid,
    methods: tuple[str, ...],
    *,
    horizon: int,
    origins: int,
    level: float = 0.8,
) -> Backtest:
    """Rolling-origin backtest of ``methods`` on ``grid`` (see module doc). Origins need
    ``MIN_TRAIN_WEEKS`` weeks of history before them; fewer origins run when the history
    is short (``origins`` in the result says how many)."""
    n = len(grid.dates)
    period = grid.period
    first = max(n - origins, MIN_TRAIN_WEEKS * period, 10)
    starts = list(range(first, n))
    if not starts:
        return Backtest(0, horizon, {})
    open_mask = np.stack([grid.open_slots[d.weekday()] for d in grid.dates])
    sums = {m: [_Sums() for _ in range(horizon)] for m in methods}
    usable = dict.fromkeys(methods, True)
    forecasters = {m: RollingForecaster(m, period) for m in methods}
    for origin in starts:
        span = min(horizon, n - origin)
        train = grid.contacts[:origin]
        for m in methods:
            if not usable[m]:
                continue
            try:
                fc = forecasters[m](train, span)
            except NotEnoughHistory:
                usable[m] = False
                continue
            for h in range(span):
                t = origin + h
                if not grid.actual[t]:
                    continue
                mask = open_mask[t]
                a = grid.contacts[t, mask]
                f = fc[h, mask]
                s = sums[m][h]
                s.abs_error += float(np.abs(f - a).sum())
                s.error += float((f - a).sum())
                s.actual += float(a.sum())
                s.days += 1
                s.residuals.append((a - f) / np.sqrt(np.maximum(f, 1.0)))
    z_level = NormalDist().inv_cdf((1 + level) / 2)
    scores: dict[str, MethodScore] = {}
    for m in methods:
        if not usable[m]:
            continue
        rows = sums[m]
        by_h = [
            HorizonScore(h + 1, _ratio(s.abs_error, s.actual), _ratio(s.error, s.actual), s.days)
            for h, s in enumerate(rows)
        ]
        bounds: list[tuple[float, float]] = []
        for s in rows:
            if s.residuals:
                z = np.concatenate(s.residuals)
                # All intervals of a day share that day's error, so ten origins give about ten
                # independent draws: their 10th/90th percentiles are too narrow. The root mean
                # square (bias included) with the normal quantile is the steadier estimate.
                k = z_level * float(np.sqrt(np.mean(z**2)))
                bounds.append((-k, k))
        total_actual = sum(s.actual for s in rows)
        scores[m] = MethodScore(
            m,
            _ratio(sum(s.abs_error for s in rows), total_actual),
            _ratio(sum(s.error for s in rows), total_actual),
            by_h,
            bounds,
        )
    return Backtest(len(starts), horizon, scores, forecasters)
