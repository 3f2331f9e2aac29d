"""Forecasting methods on the open-day grid.

Every method has the same shape: ``method(history, period, horizon) -> forecast`` where
``history`` is a (days × slots) array of contacts per interval (gaps already imputed),
``period`` is the number of grid days per week, and the forecast is a (horizon × slots)
array for the next ``horizon`` grid days. Counts are contacts per interval, never
negative.

Two families:

- *interval methods* forecast each interval from the same interval in past weeks
  (``seasonal_naive``, ``weighted_average``) or model the interval series directly
  (``mstl``: intraday and weekly seasonality at once);
- *daily-total methods* (``ets``, ``arima``, ``autoarima``) forecast the day's total
  with a statistical model of the daily series (weekly season, trend, the day-to-day
  level) and distribute it over the intervals by the learned intraday profile.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Method = Callable[[Array, int, int], Array]

WHA_WEEKS = 8
PROFILE_WEEKS = 8
MSTL_WEEKS = 8


class NotEnoughHistory(ValueError):
    """The method needs more grid days than the history has."""


def same_weekday_rows(n: int, period: int, target: int, count: int) -> list[int]:
    """Rows of the history (< n) on the same weekday as grid day ``target``, newest first."""
    first = target - period * ((target - n) // period + 1)
    return list(range(first, -1, -period))[:count]


def seasonal_naive(history: Array, period: int, horizon: int) -> Array:
    """Each interval as the same interval one week earlier (for days more than a week
    ahead: the latest observed week)."""
    n = len(history)
    if n < period:
        raise NotEnoughHistory(f"seasonal naive needs one week ({period} open days) of history")
    return np.stack([history[same_weekday_rows(n, period, n + h, 1)[0]] for h in range(horizon)])


def weighted_average(history: Array, period: int, horizon: int, weeks: int = WHA_WEEKS) -> Array:
    """The weighted historical average: the same weekday and interval over the last
    ``weeks`` weeks, weights weeks, weeks-1, …, 1 (the most recent week weighs most)."""
    n = len(history)
    if n < period:
        raise NotEnoughHistory(f"weighted average needs one week ({period} open days) of history")
    out = np.empty((horizon, history.shape[1]))
    for h in range(horizon):
        rows = same_weekday_rows(n, period, n + h, weeks)
        w = np.arange(len(rows), 0, -1, dtype=np.float64)
        out[h] = w @ history[rows] / w.sum()
    return out


def intraday_profile(history: Array, period: int, horizon: int, weeks: int = PROFILE_WEEKS) -> Array:
    """Share of the day's contacts in each interval (rows sum to 1, or 0 for a day that
    never had contacts), per forecast day from the same weekday's last ``weeks`` weeks,
    contact-weighted (busy days count more)."""
    n = len(history)
    out = np.zeros((horizon, history.shape[1]))
    for h in range(horizon):
        total = history[same_weekday_rows(n, period, n + h, weeks)].sum(axis=0)
        if total.sum() > 0:
            out[h] = total / total.sum()
    return out


def _daily(history: Array, period: int, horizon: int, model: Callable[[Array, int, int], Array]) -> Array:
    n = len(history)
    if n < max(3 * period, 10):
        raise NotEnoughHistory(f"statistical models need three weeks ({3 * period} open days) of history")
    totals = history.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        daily = np.maximum(np.asarray(model(totals, period, horizon), dtype=np.float64), 0.0)
    return daily[:, None] * intraday_profile(history, period, horizon)


def _ets(y: Array, period: int, horizon: int) -> Array:
    from statsforecast.models import AutoETS

    return np.asarray(AutoETS(season_length=period).forecast(y=y, h=horizon)["mean"])


def _arima(y: Array, period: int, horizon: int) -> Array:
    from statsforecast.models import ARIMA

    # AR(1) on the week-over-week change with a seasonal MA term: the day-to-day level
    # carries over, the weekly pattern adapts slowly (the model AutoARIMA settles on for
    # daily call volumes; fixed here so that a backtest over many origins stays fast).
    seasonal = (0, 1, 1) if period > 1 else (0, 0, 0)
    order = (1, 0, 0) if period > 1 else (1, 1, 1)
    model = ARIMA(order=order, seasonal_order=seasonal, season_length=max(period, 1))
    return np.asarray(model.forecast(y=y, h=horizon)["mean"])


def _autoarima(y: Array, period: int, horizon: int) -> Array:
    from statsforecast.models import AutoARIMA

    return np.asarray(AutoARIMA(season_length=period).forecast(y=y, h=horizon)["mean"])


def ets(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by exponential smoothing (AutoETS: error, trend and weekly season
    chosen by AICc) distributed by the intraday profile."""
    return _daily(history, period, horizon, _ets)


def arima(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by seasonal ARIMA(1,0,0)(0,1,1)[week] distributed by the intraday
    profile."""
    return _daily(history, period, horizon, _arima)


def autoarima(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by AutoARIMA (orders chosen by AICc; slower) distributed by the
    intraday profile."""
    return _daily(history, period, horizon, _autoarima)


def mstl(history: Array, period: int, horizon: int) -> Array:
    """The interval series itself by MSTL: seasonal-trend decomposition with two seasons
    (interval within day, day within week) on the last ``MSTL_WEEKS`` weeks, the trend
    forecast by ETS. Only the slots that ever had contacts are modelled."""
    from statsforecast.models import MSTL, AutoETS

    n = len(history)
    if n < 3 * period:
        raise NotEnoughHistory(f"MSTL needs three weeks ({3 * period} open days) of history")
    used = np.flatnonzero(history.sum(axis=0) > 0)
    out = np.zeros((horizon, history.shape[1]))
    if used.size == 0:
        return out
    recent = history[max(0, n - MSTL_WEEKS * period) :, used]
    seasons = [used.size, used.size * period] if period > 1 else [used.size]
    model = MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = np.asarray(model.forecast(y=recent.ravel(), h=horizon * used.size)["mean"])
    out[:, used] = np.maximum(mean.reshape(horizon, used.size), 0.0)
    return out


METHODS: dict[str, Method] = {
    "seasonal_naive": seasonal_naive,
    "weighted_average": weighted_average,
    "ets": ets,
    "arima": arima,
    "autoarima": autoarima,
    "mstl": mstl,
}

# Candidates of automatic selection: accurate and fast enough to backtest on every
# queue (AutoARIMA and MSTL cost 20-100× more per fit; choose them by name).
AUTO_CANDIDATES = ("seasonal_naive", "weighted_average", "ets", "arima")
