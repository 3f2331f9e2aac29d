"""Targets (RAG status, scope precedence) and trends (periods, change, anomaly bands)."""

from datetime import date

import pytest

from floorwalker.metrics.targets import Target, applicable, status, validate
from floorwalker.metrics.trends import (
    Band,
    anomaly,
    change,
    previous_period,
    same_period_last_year,
    same_weekday_history,
    usual_band,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.85, "green"), (0.80, "green"), (0.75, "amber"), (0.72, "amber"), (0.7199, "red"), (None, None)],
)
def test_service_level_at_least_with_the_default_amber_band(value, expected) -> None:
    assert status(value, Target("service_level", 0.80)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.04, "green"), (0.05, "green"), (0.054, "amber"), (0.06, "red")]
)
def test_abandon_rate_at_most(value, expected) -> None:
    assert status(value, Target("abandon_rate", 0.05)) == expected


def test_an_explicit_amber_margin_wins() -> None:
    target = Target("asa_s", 20.0, amber_margin=10.0)
    assert [status(v, target) for v in (20.0, 29.0, 31.0)] == ["green", "amber", "red"]


def test_the_most_specific_target_applies() -> None:
    targets = [
        Target("service_level", 0.80),
        Target("service_level", 0.70, "site", "MAIN"),
        Target("service_level", 0.90, "queue", "SALES"),
    ]
    assert applicable(targets, "service_level", site="MAIN", queue="SALES").goal == 0.90
    assert applicable(targets, "service_level", site="MAIN", queue="SUPPORT").goal == 0.70
    assert applicable(targets, "service_level", site="OTHER").goal == 0.80
    assert applicable(targets, "abandon_rate", site="MAIN") is None


def test_validation_names_the_field() -> None:
    assert validate(Target("service_level", 80)) == ["goal: a fraction between 0 and 1 (e.g. 0.80 for 80%)"]
    assert validate(Target("speed", 1.0))[0].startswith("kpi:")
    assert validate(Target("aht_s", 300.0, "queue", None))[0].startswith("scope_code:")
    assert validate(Target("aht_s", 300.0, "queue", "SALES")) == []


def test_comparison_periods() -> None:
    assert previous_period(date(2026, 10, 1), date(2026, 10, 31)) == (date(2026, 9, 1), date(2026, 9, 30))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(date(2026, 11, 16), date(2026, 11, 22)) == (date(2026, 11, 9), date(2026, 11, 15))
    assert same_period_last_year(date(2028, 2, 29), date(2028, 3, 1)) == (date(2027, 2, 28), date(2027, 3, 1))


def test_change_is_undefined_without_both_sides() -> None:
    assert change(0.9, 0.8).absolute == pytest.approx(0.1)
    assert change(0.9, 0.8).relative == pytest.approx(0.125)
    assert change(None, 0.8).absolute is None
    assert change(5.0, 0.0).relative is None


def test_anomaly_band_is_robust_to_one_outlier_in_the_history() -> None:
    history = [100, 104, 98, 101, 99, 103, 400, 97]  # one odd week does not widen the band
    band = usual_band(history)
    assert band is not None
    assert band.median == pytest.approx(100.5)
    assert anomaly(130, band) == "high"
    assert anomaly(80, band) == "low"
    assert anomaly(105, band) is None
    assert usual_band([1, 2, 3]) is None  # too little history
    flat = usual_band([50, 50, 50, 50])
    assert flat == Band(50, 42.5, 57.5, 4)  # spread floored at 5% of the median
    assert anomaly(51, flat) is None


def test_same_weekday_history_is_the_previous_eight_weeks() -> None:
    days = same_weekday_history(date(2026, 11, 23))
    assert len(days) == 8
    assert days[0] == date(2026, 9, 28)
    assert days[-1] == date(2026, 11, 16)
    assert {d.weekday() for d in days} == {0}
