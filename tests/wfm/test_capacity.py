"""Capacity plan (pure): attrition, volume extrapolation, required FTE, hire classes, cost."""

import math
from datetime import date, timedelta

import numpy as np
import pytest

from floorwalker.wfm import capacity as cap


def test_annualised_attrition_follows_kpis_md() -> None:
    # 6 leavers over 6 months on an average of 20 heads: 6/20 × 12/6 = 60% a year.
    assert cap.annualised_attrition(6, [18, 20, 22], 6) == pytest.approx(0.6)
    assert cap.annualised_attrition(3, [], 12) == 0.0
    with pytest.raises(ValueError, match="months"):
        cap.annualised_attrition(1, [10], 0)


def test_straight_line_history_continues_its_trend() -> None:
    history = [100 + 2 * t for t in range(20)]
    ahead = cap.extrapolate_weekly(history, date(2026, 1, 5), 3)
    assert ahead == pytest.approx([140, 142, 144])
    grown = cap.extrapolate_weekly([100.0] * 20, date(2026, 1, 5), 52, growth=0.1)
    assert grown[-1] == pytest.approx(110.0)  # +10% a year, compounding weekly to a year
    with pytest.raises(ValueError, match="8 complete weeks"):
        cap.extrapolate_weekly([1.0] * 5, date(2026, 1, 5), 3)


def test_yearly_seasonality_is_learned_from_two_years_or_more() -> None:
    first = date(2023, 1, 2)  # ISO 2023-W01; 2023–2025 have 52 ISO weeks each
    shape = [1 + 0.5 * math.sin(2 * math.pi * w / 52) for w in range(52)]
    history = [100 * shape[(first + timedelta(weeks=t)).isocalendar()[1] - 1] for t in range(156)]
    ahead = cap.extrapolate_weekly(history, first, 10)
    assert ahead == pytest.approx([100 * s for s in shape[:10]], rel=1e-9)
    # One year only: no season (a flat level at the trend line).
    one_year = cap.extrapolate_weekly(history[:52], first, 1)
    assert np.isfinite(one_year[0])
    assert np.all(cap.seasonal_index(np.array(history[:52]), first) == 1.0)


def test_required_fte_and_the_new_hire_ramp() -> None:
    p = cap.PlanInputs(current_fte=10, attrition=0.0, occupancy=0.85, shrinkage=0.2)
    # 340 workload hours / 0.85 / 0.8 / 40 h = 12.5 FTE.
    assert cap.required_fte([340.0], p) == pytest.approx([12.5])
    assert [cap.productivity(u, p) for u in (0, 3, 4, 5, 6, 30)] == [0, 0, 0.5, 0.75, 1, 1]


def test_a_class_starts_its_lead_time_before_the_need_and_costs_from_day_one() -> None:
    p = cap.PlanInputs(current_fte=10, attrition=0.0, cost_per_hour=20.0)
    workload = [10 * 40 * 0.85 * 0.7] * 10 + [15 * 40 * 0.85 * 0.7] * 10  # 10 then 15 FTE
    plan = cap.capacity_plan(date(2027, 1, 4), [1000.0] * 20, workload, p)
    (c,) = plan.classes
    assert (c.start_week, c.size, c.productive_week, c.late) == (4, 5, 10, False)
    assert plan.weeks[4].hires_starting == 5
    assert plan.weeks[0].cost == pytest.approx(10 * 40 * 20)
    assert plan.weeks[4].cost == pytest.approx(15 * 40 * 20)  # trainees are paid
    assert plan.weeks[5].available_fte == pytest.approx(10.0)  # still in training
    assert plan.weeks[8].available_fte == pytest.approx(10 + 5 * 0.5)  # first nesting week
    assert all(abs(w.gap_fte) < 1e-9 for w in plan.weeks[10:])
    assert plan.total_cost == pytest.approx(20 * 40 * (10 * 4 + 15 * 16))


def test_attrition_triggers_the_first_hire_and_a_late_need_is_flagged() -> None:
    p = cap.PlanInputs(current_fte=10, attrition=0.52)  # 1% a week, continuous
    plan = cap.capacity_plan(date(2027, 1, 4), [0.0] * 12, [10 * 40 * 0.85 * 0.7] * 12, p)
    first = plan.classes[0]
    # Week 6: 10·(1 − e^−0.06) = 0.58 FTE short (> 0.5); a class from week 0 is ready then.
    assert (first.start_week, first.size, first.late) == (0, 1, False)
    short = cap.PlanInputs(current_fte=10, attrition=0.0)
    late = cap.capacity_plan(date(2027, 1, 4), [0.0] * 8, [15 * 40 * 0.85 * 0.7] * 8, short)
    (c,) = late.classes
    assert (c.start_week, c.size, c.late) == (0, 5, True)
    assert late.weeks[2].gap_fte == pytest.approx(5.0) and late.weeks[6].gap_fte == pytest.approx(0.0)
    assert late.notes


def test_months_average_fte_and_sum_cost() -> None:
    p = cap.PlanInputs(current_fte=10, attrition=0.0, cost_per_hour=1.0)
    plan = cap.capacity_plan(date(2027, 1, 4), [5.0] * 5, [10 * 40 * 0.85 * 0.7] * 5, p)
    (jan, feb) = cap.by_month(plan)
    assert (jan.month, jan.weeks, jan.contacts, feb.weeks) == ("2027-01", 4, 20.0, 1)
    assert jan.required_fte == pytest.approx(10.0) and jan.cost == pytest.approx(4 * 400)
    with pytest.raises(ValueError, match="occupancy"):
        cap.PlanInputs(current_fte=1, attrition=0, occupancy=0).check()
