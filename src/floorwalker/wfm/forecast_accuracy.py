"""Saved forecasts after the fact: the manager's overrides applied to a version's rows, and
forecast-vs-actual accuracy by horizon. Pure: plain rows in, plain rows out.

Horizon: a row's horizon is the number of site-local calendar days between the last day of
history the version was built from and the row's day (1 = the next day). Accuracy uses the
backtest's measures (:mod:`forecast_backtest`): WAPE = Σ|forecast − actual| / Σ actual and
bias = Σ(forecast − actual) / Σ actual (fractions; positive bias = over-forecast), over the
intervals of the version whose actual is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from floorwalker.wfm.forecast_backtest import bias, wape


@dataclass(frozen=True)
class Override:
    """Contacts (and lo, hi) of intervals starting in [start, end) multiplied by ``factor``
    (0 = closed, 1.2 = 20% more). Times are naive UTC."""

    start: datetime
    end: datetime
    factor: float


@dataclass(frozen=True)
class PlanRow:
    """A saved forecast interval. ``start``: naive UTC; ``day``: its site-local date."""

    start: datetime
    day: date
    contacts: float
    lo: float
    hi: float
    aht_s: float | None


@dataclass(frozen=True)
class AdjustedRow:
    """A row with the overrides applied; ``factor`` = product of the overrides covering it
    (1.0 = untouched), ``original`` = the model's contacts."""

    start: datetime
    day: date
    contacts: float
    lo: float
    hi: float
    aht_s: float | None
    original: float
    factor: float


def check_override(start: datetime, end: datetime, factor: float) -> None:
    if not end > start:
        raise ValueError("an override's end must be after its start")
    if not (factor >= 0 and np.isfinite(factor)):
        raise ValueError(f"an override's factor must be 0 or more (0 = closed, 1.2 = +20%), not {factor}")


def apply_overrides(rows: Iterable[PlanRow], overrides: Sequence[Override]) -> list[AdjustedRow]:
    """Each row scaled by every override whose range holds its start (factors multiply, so
    "+10% on the day" and "×0.5 from 14:00" together give ×0.55 after 14:00)."""
    out: list[AdjustedRow] = []
    for row in rows:
        factor = 1.0
        for o in overrides:
            if o.start <= row.start < o.end:
                factor *= o.factor
        out.append(
            AdjustedRow(
                row.start, row.day, row.contacts * factor, row.lo * factor, row.hi * factor,
                row.aht_s, row.contacts, factor,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class HorizonAccuracy:
    """Accuracy of one horizon (days ahead). ``original_*``: the model before overrides, so
    the manager sees whether the overrides helped. ``intervals``: intervals compared."""

    horizon_days: int
    wape: float | None
    bias: float | None
    original_wape: float | None
    original_bias: float | None
    actual: float
    forecast: float
    intervals: int


def _clean(value: float) -> float | None:
    return None if np.isnan(value) else value


def accuracy_by_horizon(
    rows: Iterable[AdjustedRow], actuals: dict[datetime, float], history_end: date
) -> list[HorizonAccuracy]:
    """WAPE and bias per horizon over the rows with an actual (``actuals``: contacts by
    naive-UTC interval start; a row without one is not yet known and left out). An actual
    interval the version did not forecast (a day it took for closed) is not counted: this
    measures the saved rows. Horizons with actuals only, ascending."""
    groups: dict[int, list[tuple[float, float, float]]] = {}
    for row in rows:
        actual = actuals.get(row.start)
        if actual is None:
            continue
        horizon = (row.day - history_end).days
        groups.setdefault(horizon, []).append((row.contacts, row.original, actual))
    result: list[HorizonAccuracy] = []
    for horizon in sorted(groups):
        data = np.array(groups[horizon], dtype=np.float64)
        fc, orig, act = data[:, 0], data[:, 1], data[:, 2]
        result.append(
            HorizonAccuracy(
                horizon,
                _clean(wape(act, fc)),
                _clean(bias(act, fc)),
                _clean(wape(act, orig)),
                _clean(bias(act, orig)),
                float(act.sum()),
                float(fc.sum()),
                len(data),
            )
        )
    return result


def overall(accuracy: Sequence[HorizonAccuracy]) -> tuple[float | None, float | None]:
    """WAPE and bias over every horizon together (volume weighted)."""
    actual = sum(a.actual for a in accuracy)
    if actual <= 0:
        return None, None
    abs_error = sum((a.wape or 0.0) * a.actual for a in accuracy)
    error = sum(a.forecast - a.actual for a in accuracy)
    return abs_error / actual, error / actual
