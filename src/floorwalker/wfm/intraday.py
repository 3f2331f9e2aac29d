"""Intraday reforecast: scale the rest of today's forecast by how the day has run so far.
Pure; contacts per interval, no clock (the caller says which intervals have elapsed)."""

from __future__ import annotations

from collections.abc import Sequence


def reforecast(forecast: Sequence[float], actual: Sequence[float | None]) -> tuple[float, list[float]]:
    """(ratio, contacts per interval): ``actual`` is None for intervals not yet elapsed.
    ratio = Σ actual / Σ forecast over the elapsed intervals (1 when nothing was forecast
    for them); an elapsed interval keeps its actual, a later one gets forecast × ratio."""
    if len(forecast) != len(actual):
        raise ValueError("forecast and actual must have one value per interval")
    done_forecast = sum(f for f, a in zip(forecast, actual, strict=True) if a is not None)
    done_actual = sum(a for a in actual if a is not None)
    ratio = done_actual / done_forecast if done_forecast > 0 else 1.0
    return ratio, [a if a is not None else f * ratio for f, a in zip(forecast, actual, strict=True)]
