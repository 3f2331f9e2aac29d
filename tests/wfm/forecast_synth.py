"""Synthetic histories with known seasonality for the forecasting tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from floorwalker.wfm.forecast_series import Point

# Mon–Fri open 08:00–18:00 (20 half-hours); Monday busiest, Friday quietest.
WEEKDAY_FACTOR = {0: 1.3, 1: 1.1, 2: 1.0, 3: 0.95, 4: 0.8}
SHAPE = np.array(
    [0.5, 0.8, 1.2, 1.6, 1.8, 1.7, 1.5, 1.3, 1.2, 1.3, 1.4, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8, 0.6, 0.4, 0.3]
)
PROFILE = SHAPE / SHAPE.sum()


def expected(day: date, level: float) -> np.ndarray:
    """Contacts per half-hour 08:00–18:00 on ``day`` for a daily volume ``level`` on an
    average weekday (0 on weekends)."""
    if day.weekday() not in WEEKDAY_FACTOR:
        return np.zeros(len(SHAPE))
    return level * WEEKDAY_FACTOR[day.weekday()] * PROFILE


def history(
    start: date,
    days: int,
    *,
    level: float = 2000.0,
    trend_per_day: float = 0.0,
    noise_seed: int | None = None,
    step_min: int = 30,
    aht_s: float | None = None,
    scale: dict[date, float] | None = None,
) -> list[Point]:
    """Points for ``days`` days from ``start``; ``step_min`` < 30 splits each half-hour
    evenly into finer points; ``scale`` multiplies chosen days (0 = no rows that day)."""
    rng = np.random.default_rng(noise_seed) if noise_seed is not None else None
    points: list[Point] = []
    for i in range(days):
        day = start + timedelta(days=i)
        factor = (scale or {}).get(day, 1.0)
        if day.weekday() not in WEEKDAY_FACTOR or factor == 0:
            continue
        values = expected(day, level + trend_per_day * i) * factor
        if rng is not None:
            values = rng.poisson(values).astype(float)
        parts = 30 // step_min
        for slot, value in enumerate(values):
            for p in range(parts):
                moment = datetime(day.year, day.month, day.day, 8) + timedelta(
                    minutes=30 * slot + step_min * p
                )
                points.append((moment, value / parts, aht_s))
    return points
