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
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Method = Callable[[Array, int, int], Array]

WHA_WEEKS = 8
PROFILE_WEEKS = 8
MSTL_WEEKS = 8
DAILY_WINDOW_WEEKS = 26


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


def _ets_model(period: int) -> Any:
    from statsforecast.models import AutoETS

    return AutoETS(season_length=period)


def _arima_model(period: int) -> Any:
    from statsforecast.models import ARIMA

    # AR(1) on the week-over-week change with a seasonal MA term: the day-to-day level
    # carries over, the weekly pattern adapts slowly (the model AutoARIMA settles on for
    # daily call volumes; fixed here so that a backtest over many origins stays fast).
    if period > 1:
        return ARIMA(order=(1, 0, 0), seasonal_order=(0, 1, 1), season_length=period)
    return ARIMA(order=(1, 1, 1))


def _autoarima_model(period: int) -> Any:
    from statsforecast.models import AutoARIMA

    return AutoARIMA(season_length=period)


DAILY_MODELS: dict[str, Callable[[int], Any]] = {
    "ets": _ets_model,
    "arima": _arima_model,
    "autoarima": _autoarima_model,
}
# Daily-total methods and the models whose forecasts they average. "ets_arima" is a
# forecast combination: the mean of two different models' daily totals is usually more
# accurate, and never much worse, than the better of the two chosen after the fact.
DAILY_METHODS: dict[str, tuple[str, ...]] = {
    "ets": ("ets",),
    "arima": ("arima",),
    "autoarima": ("autoarima",),
    "ets_arima": ("ets", "arima"),
}


def _check_daily(n: int, period: int) -> None:
    if n < max(3 * period, 10):
        raise NotEnoughHistory(f"statistical models need three weeks ({3 * period} open days) of history")


def window_start(n: int, period: int) -> int:
    """First grid day the daily models are fitted on: the last ``DAILY_WINDOW_WEEKS`` weeks."""
    return max(0, n - DAILY_WINDOW_WEEKS * period)


def _distribute(daily: Any, history: Array, period: int, horizon: int) -> Array:
    totals = np.maximum(np.asarray(daily, dtype=np.float64), 0.0)
    return totals[:, None] * intraday_profile(history, period, horizon)


def _daily(name: str, history: Array, period: int, horizon: int) -> Array:
    n = len(history)
    _check_daily(n, period)
    totals = history[window_start(n, period) :].sum(axis=1)
    means = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for component in DAILY_METHODS[name]:
            model = DAILY_MODELS[component](period)
            model.fit(totals)
            means.append(np.asarray(model.predict(h=horizon)["mean"], dtype=np.float64))
    return _distribute(np.mean(means, axis=0), history, period, horizon)


class RollingForecaster:
    """Forecasts of one method at successive, later origins (for backtests).

    A statistical model is fitted once, at the first origin, on the daily totals of its
    window; at later origins the same model (same form and parameters) is run forward
    over the longer series from the same first day ("no refit" cross-validation: 10–50×
    cheaper, and if anything slightly pessimistic, since the real forecast refits).
    Other methods are simply called again.
    """

    def __init__(self, name: str, period: int) -> None:
        self.name = name
        self.period = period
        self._models: list[Any] = []
        self._start = 0

    def __call__(self, history: Array, horizon: int) -> Array:
        if self.name not in DAILY_METHODS:
            return METHODS[self.name](history, self.period, horizon)
        n = len(history)
        _check_daily(n, self.period)
        means = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not self._models:
                self._start = window_start(n, self.period)
                totals = history[self._start :].sum(axis=1)
                for component in DAILY_METHODS[self.name]:
                    model = DAILY_MODELS[component](self.period)
                    model.fit(totals)
                    self._models.append(model)
                    means.append(model.predict(h=horizon)["mean"])
            else:
                totals = history[self._start :].sum(axis=1)
                means = [model.forward(y=totals, h=horizon)["mean"] for model in self._models]
        return _distribute(
            np.mean(np.asarray(means, dtype=np.float64), axis=0), history, self.period, horizon
        )


def ets(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by exponential smoothing (AutoETS: error, trend and weekly season
    chosen by AICc) distributed by the intraday profile."""
    return _daily("ets", history, period, horizon)


def arima(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by seasonal ARIMA(1,0,0)(0,1,1)[week] distributed by the intraday
    profile."""
    return _daily("arima", history, period, horizon)


def autoarima(history: Array, period: int, horizon: int) -> Array:
    """Daily totals by AutoARIMA (orders chosen by AICc; slower) distributed by the
    intraday profile."""
    return _daily("autoarima", history, period, horizon)


def ets_arima(history: Array, period: int, horizon: int) -> Array:
    """Daily totals as the mean of the ETS and ARIMA forecasts (a forecast combination)
    distributed by the intraday profile."""
    return _daily("ets_arima", history, period, horizon)


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
    "ets_arima": ets_arima,
    "autoarima": autoarima,
    "mstl": mstl,
}

# Candidates of automatic selection: accurate and fast enough to backtest on every
# queue (AutoARIMA and MSTL cost 20-100× more per fit; choose them by name).
AUTO_CANDIDATES = ("seasonal_naive", "weighted_average", "ets", "arima")
