"""Each method on synthetic series whose weekly and intraday seasonality is known."""

from datetime import date, timedelta

import numpy as np
import pytest

from floorwalker.wfm.forecast_grid import build_grid
from floorwalker.wfm.forecast_methods import (
    METHODS,
    NotEnoughHistory,
    intraday_profile,
    same_weekday_rows,
    seasonal_naive,
    weighted_average,
)
from floorwalker.wfm.forecast_series import build_series
from tests.wfm.forecast_synth import PROFILE, expected, history

START = date(2024, 1, 1)  # a Monday


def grid_of(points):
    return build_grid(build_series(points, interval_min=30), {})


def truth(grid, horizon, level=2000.0, trend_per_day=0.0):
    days = []
    day = grid.dates[-1]
    while len(days) < horizon:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    full = np.zeros((horizon, 48))
    for h, d in enumerate(days):
        full[h, 16:36] = expected(d, level + trend_per_day * (d - START).days)
    return full


def test_same_weekday_rows_step_back_whole_weeks() -> None:
    # 12 grid days, 5 per week: day 12 (a Wednesday-like slot 2) → rows 7, 2.
    assert same_weekday_rows(12, 5, 12, 4) == [7, 2]
    assert same_weekday_rows(12, 5, 18, 2) == [8, 3]  # 6 days ahead: latest week first


def test_grid_keeps_open_weekdays_only() -> None:
    grid = grid_of(history(START, 56))
    assert grid.open_weekdays == (0, 1, 2, 3, 4) and grid.period == 5
    assert len(grid.dates) == 40 and all(d.weekday() < 5 for d in grid.dates)
    assert (
        grid.open_slots[0, 16:36].all() and not grid.open_slots[0, :16].any() and not grid.open_slots[5].any()
    )


@pytest.mark.parametrize("method", ["seasonal_naive", "weighted_average"])
def test_interval_methods_recover_exact_seasonality(method: str) -> None:
    grid = grid_of(history(START, 7 * 10))
    fc = METHODS[method](grid.contacts, grid.period, 10)
    assert fc == pytest.approx(truth(grid, 10), abs=1e-9)


@pytest.mark.parametrize("method", ["ets", "arima", "ets_arima", "autoarima", "mstl"])
def test_statistical_methods_recover_seasonality(method: str) -> None:
    grid = grid_of(history(START, 7 * 12))
    fc = METHODS[method](grid.contacts, grid.period, 5)
    real = truth(grid, 5)
    assert np.abs(fc - real).sum() / real.sum() < 0.02
    # Monday (the busiest day) is forecast busier than Friday.
    totals = fc.sum(axis=1)
    assert totals[0] > totals[4] * 1.4


def test_intraday_profile_is_the_learned_shape() -> None:
    grid = grid_of(history(START, 7 * 6, noise_seed=3))
    profile = intraday_profile(grid.contacts, grid.period, 3)
    assert profile.sum(axis=1) == pytest.approx([1, 1, 1])
    assert profile[0, 16:36] == pytest.approx(PROFILE, abs=0.01)
    assert profile[0, :16].sum() == 0


def test_weighted_average_weighs_recent_weeks_more() -> None:
    # Two same-weekday rows: 100 (older) and 200 (newer) → (1·100 + 2·200) / 3.
    hist = np.array([[100.0], [200.0]])
    assert weighted_average(hist, 1, 1, weeks=2)[0, 0] == pytest.approx(500 / 3)
    assert seasonal_naive(hist, 1, 2)[:, 0].tolist() == [200.0, 200.0]


def test_trend_is_followed_by_the_statistical_models() -> None:
    grid = grid_of(history(START, 7 * 16, trend_per_day=8.0))
    real = truth(grid, 5, trend_per_day=8.0)
    err = {m: np.abs(METHODS[m](grid.contacts, grid.period, 5) - real).sum() / real.sum() for m in METHODS}
    assert err["ets"] < 0.02
    # The averages lag behind a trend by construction.
    assert err["weighted_average"] > 3 * err["ets"]
    assert METHODS["weighted_average"](grid.contacts, grid.period, 5).sum() < real.sum()


def test_too_short_history_is_said() -> None:
    grid = grid_of(history(START, 7 * 2))
    with pytest.raises(NotEnoughHistory, match="three weeks"):
        METHODS["arima"](grid.contacts, grid.period, 5)
    with pytest.raises(NotEnoughHistory, match="one week"):
        seasonal_naive(grid.contacts[:3], grid.period, 1)
