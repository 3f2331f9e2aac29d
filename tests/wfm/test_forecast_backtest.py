"""Backtest measures against hand-computed values."""

from datetime import date, datetime, timedelta

import numpy as np
import pytest

from floorwalker.wfm.forecast_backtest import backtest, bias, wape
from floorwalker.wfm.forecast_grid import build_grid
from floorwalker.wfm.forecast_series import build_series


def test_wape_and_bias_by_hand() -> None:
    actual = np.array([10.0, 20.0, 30.0])
    forecast = np.array([12.0, 18.0, 33.0])
    assert wape(actual, forecast) == pytest.approx((2 + 2 + 3) / 60)
    assert bias(actual, forecast) == pytest.approx((2 - 2 + 3) / 60)
    assert np.isnan(wape(np.zeros(2), np.ones(2)))


def _mondays(values: list[float]):
    """A queue open Mondays 08:00–08:30 only: one grid day per week, one open slot."""
    first = date(2024, 1, 1)
    points = [
        (datetime.combine(first + timedelta(weeks=i), datetime.min.time()) + timedelta(hours=8), v, None)
        for i, v in enumerate(values)
    ]
    return build_grid(build_series(points, interval_min=30), {})


def test_rolling_origin_seasonal_naive_by_hand() -> None:
    grid = _mondays([10.0] * 10 + [20.0, 30.0])
    assert grid.period == 1
    result = backtest(grid, ("seasonal_naive",), horizon=2, origins=2)
    assert result.origins == 2
    score = result.scores["seasonal_naive"]
    # Origin 10 forecasts 10, 10 for actuals 20, 30; origin 11 forecasts 20 for actual 30.
    h1, h2 = score.by_horizon
    assert (h1.days, h2.days) == (2, 1)
    assert h1.wape == pytest.approx((10 + 10) / (20 + 30))
    assert h1.bias == pytest.approx(-(10 + 10) / (20 + 30))
    assert h2.wape == pytest.approx(20 / 30) and h2.bias == pytest.approx(-20 / 30)
    assert score.wape == pytest.approx(40 / 80) and score.bias == pytest.approx(-40 / 80)
    # Scaled errors (actual − forecast)/√forecast at horizon 1: 10/√10 and 10/√20; their root
    # mean square √((10 + 5)/2) times the normal 90% quantile 1.28155 bounds the 80% interval.
    k = 1.2815516 * np.sqrt((10 + 5) / 2)
    assert score.error_bounds[0] == pytest.approx((-k, k))
    k2 = 1.2815516 * 20 / np.sqrt(10)  # horizon 2: one error, 20/√10
    assert score.error_bounds[1] == pytest.approx((-k2, k2))


def test_best_method_has_the_lowest_wape() -> None:
    grid = _mondays([10.0] * 10 + [20.0, 30.0])
    result = backtest(grid, ("seasonal_naive", "weighted_average"), horizon=1, origins=2)
    # Weighted average at origin 11: (8·20 + (7+6+…+1)·10) / 36 — further from 30 than 20 is.
    assert result.scores["weighted_average"].wape == pytest.approx((10 + (30 - 440 / 36)) / 50)
    assert result.best() == "seasonal_naive"


def test_days_that_are_not_actuals_are_not_scored() -> None:
    values = [10.0] * 11 + [30.0]
    grid = _mondays(values)
    special_day = grid.dates[10]
    from floorwalker.wfm.forecast_special import SpecialDay

    points = [
        (datetime.combine(d, datetime.min.time()) + timedelta(hours=8), v, None)
        for d, v in zip(grid.dates, values, strict=True)
    ]
    grid2 = build_grid(
        build_series(points, interval_min=30), {special_day: SpecialDay(special_day, "x", 1.0, "event")}
    )
    result = backtest(grid2, ("seasonal_naive",), horizon=1, origins=2)
    assert result.scores["seasonal_naive"].by_horizon[0].days == 1
