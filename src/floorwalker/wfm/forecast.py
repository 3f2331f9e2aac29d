"""Forecast contacts (and AHT) per interval for the next open days of one queue.

Pure: an :class:`~floorwalker.wfm.forecast_series.IntervalSeries` and the special days
in, rows out. The steps:

1. lay the history on the open-day grid (closed weekdays out, gaps and special days
   imputed, the effect of past public holidays learned);
2. choose the method: ``auto`` backtests the candidates over the last
   ``backtest_origins`` days of history (history only) and takes the lowest WAPE;
3. forecast the grid days ahead, apply special days (events' factors, the learned
   holiday treatment; a factor 0 closes the day);
   A statistical model is fitted once, at the first backtest origin, and run forward
   over the whole history for the forecast (see ``RollingForecaster``);
4. prediction intervals from the chosen method's own backtest errors at the same
   horizon (Poisson-like scaling; see :mod:`forecast_backtest`), or, with too little
   history for a backtest, from a Poisson model;
5. AHT where the history has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from floorwalker.wfm.forecast_aht import aht_forecast
from floorwalker.wfm.forecast_backtest import Backtest, backtest
from floorwalker.wfm.forecast_grid import DayGrid, build_grid
from floorwalker.wfm.forecast_methods import AUTO_CANDIDATES, METHODS, NotEnoughHistory
from floorwalker.wfm.forecast_series import IntervalSeries, slot_starts
from floorwalker.wfm.forecast_special import SpecialDay

BACKTEST_HORIZON_MAX = 14


@dataclass(frozen=True)
class ForecastRow:
    """One interval: expected contacts with the prediction interval [lo, hi] at the
    result's level, and AHT in seconds (None without AHT history)."""

    interval_start: datetime
    contacts: float
    lo: float
    hi: float
    aht_s: float | None


@dataclass(frozen=True)
class AppliedSpecialDay:
    day: date
    name: str
    factor: float  # 0 = closed


@dataclass(frozen=True)
class ForecastResult:
    method: str
    level: float
    interval_min: int
    rows: list[ForecastRow]
    special_days: list[AppliedSpecialDay]
    backtest: Backtest | None


def _instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _future_days(grid: DayGrid, horizon_days: int, factors: dict[date, float]) -> list[date]:
    """Grid days ahead until ``horizon_days`` of them are open (special closures skipped)."""
    if not grid.open_slots.any():
        raise ValueError("the history has no open interval")
    days: list[date] = []
    open_count = 0
    day = grid.dates[-1]
    while open_count < horizon_days:
        day += timedelta(days=1)
        if day.weekday() not in grid.open_weekdays:
            continue
        days.append(day)
        if factors.get(day, 1.0) > 0:
            open_count += 1
        if len(days) > horizon_days + 3660:
            raise ValueError("every day ahead is closed by the special days given")
    return days


def choose_method(
    grid: DayGrid, method: str, horizon: int, origins: int, level: float
) -> tuple[str, Backtest | None]:
    """The method to use and the backtest that chose it (or that measures it)."""
    if method != "auto":
        if method not in METHODS:
            raise ValueError(f"unknown method '{method}' (auto, {', '.join(METHODS)})")
        result = backtest(grid, (method,), horizon=horizon, origins=origins, level=level)
        return method, result if result.scores else None
    result = backtest(grid, AUTO_CANDIDATES, horizon=horizon, origins=origins, level=level)
    best = result.best()
    if best is not None:
        return best, result
    return ("weighted_average" if len(grid.dates) >= grid.period else "seasonal_naive"), None


def _bounds(
    fc: NDArray[np.float64], bt: Backtest | None, method: str, level: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scale = np.sqrt(np.maximum(fc, 1.0))
    quantiles = bt.scores[method].error_bounds if bt and method in bt.scores else []
    if quantiles:
        q = np.array([quantiles[min(h, len(quantiles) - 1)] for h in range(len(fc))])
        lo, hi = q[:, :1], q[:, 1:]
    else:
        z = NormalDist().inv_cdf((1 + level) / 2)
        lo, hi = np.full((len(fc), 1), -z), np.full((len(fc), 1), z)
    return np.maximum(fc + lo * scale, 0.0), fc + hi * scale


def forecast(
    series: IntervalSeries,
    *,
    horizon_days: int,
    method: str = "auto",
    special: dict[date, SpecialDay] | None = None,
    level: float = 0.8,
    backtest_origins: int = 10,
) -> ForecastResult:
    """Forecast every open interval of the next ``horizon_days`` open days.

    ``level``: coverage of the prediction interval (fraction, 0.8 = 80%). Raises
    ``ValueError`` for an unknown method or a history too short for the method."""
    if horizon_days < 1:
        raise ValueError("the horizon must be at least one day")
    if not 0 < level < 1:
        raise ValueError("the prediction interval level must be between 0 and 1")
    special = special or {}
    grid = build_grid(series, special)
    factors = {d: (s.factor if s.factor is not None else grid.holiday_factor) for d, s in special.items()}
    days = _future_days(grid, horizon_days, factors)
    bt_horizon = min(len(days), BACKTEST_HORIZON_MAX)
    chosen, bt = choose_method(grid, method, bt_horizon, backtest_origins, level)
    try:
        if bt is not None and chosen in bt.forecasters:
            # The backtest's model run forward over the whole history (fitted once).
            fc = bt.forecasters[chosen](grid.contacts, len(days))
        else:
            fc = METHODS[chosen](grid.contacts, grid.period, len(days))
    except NotEnoughHistory as exc:
        raise ValueError(str(exc)) from None
    lo, hi = _bounds(fc, bt, chosen, level)
    aht = aht_forecast(grid.handle_s, grid.contacts, grid.period, len(days)) if series.has_aht else None
    rows: list[ForecastRow] = []
    applied: list[AppliedSpecialDay] = []
    for h, day in enumerate(days):
        factor = factors.get(day, 1.0)
        if day in special:
            applied.append(AppliedSpecialDay(day, special[day].name, factor))
        if factor <= 0:
            continue
        day_rows = [
            ForecastRow(
                start,
                float(fc[h, slot] * factor),
                float(lo[h, slot] * factor),
                float(hi[h, slot] * factor),
                None if aht is None or np.isnan(aht[h, slot]) else float(aht[h, slot]),
            )
            for slot in np.flatnonzero(grid.open_slots[day.weekday()])
            for start in slot_starts(day, int(slot), series.interval_min, series.time_zone)
        ]
        # Sorted by the instant, so the repeated hour's two passes stay in order (aware
        # datetimes sharing a zone compare by wall clock, which ignores the fold).
        rows.extend(sorted(day_rows, key=lambda r: _instant(r.interval_start)))
    return ForecastResult(chosen, level, series.interval_min, rows, applied, bt)


def backtest_series(
    series: IntervalSeries,
    *,
    horizon_days: int,
    methods: tuple[str, ...] = tuple(METHODS),
    special: dict[date, SpecialDay] | None = None,
    origins: int = 10,
    level: float = 0.8,
) -> Backtest:
    """Rolling-origin accuracy of ``methods`` on the series' own history."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method '{unknown[0]}' ({', '.join(METHODS)})")
    grid = build_grid(series, special or {})
    return backtest(grid, methods, horizon=horizon_days, origins=origins, level=level)
