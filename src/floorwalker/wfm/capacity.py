"""Capacity and hiring plan: weekly required FTE against available FTE for 6–18 months,
with the new-hire classes that close the gap and the labour cost. Pure: plain numbers in.

Units: hours, weeks, FTE (one FTE = ``fte_hours`` paid hours a week), fractions 0–1.

- **Volume ahead** (:func:`extrapolate_weekly`): weekly totals from history, classical
  multiplicative decomposition. With two years or more, a week-of-year seasonal index
  (the ratio of each week to its centred 52-week moving average, averaged over the
  years); a straight-line trend fitted by least squares to the last 52 deseasonalised
  weeks; a what-if growth on top, compounding yearly. With less than two years there is no
  yearly seasonality (one year cannot tell season from trend).
- **Required FTE** = workload hours / occupancy target / (1 − shrinkage) / fte_hours, where
  workload hours = contacts × AHT / 3600 (÷ concurrency for chat).
- **Available FTE** = today's staff × survival + each hire class × survival × productivity.
  Survival after w weeks = exp(−A·w/52) with A the annualised attrition (leavers per head
  per year, spec/kpis.md); a class is paid from its first day, produces nothing during
  training, ramps linearly from ``nesting_productivity`` to 1 over the nesting weeks.
- **Hiring** (:func:`plan_hires`): walking forward, the first week still short by more than
  ``min_gap_fte`` gets a class started training + nesting weeks earlier (or now, flagged
  late, when that is already past), sized to cover the gap that week.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

SEASON_WEEKS = 52
MIN_HISTORY_WEEKS = 8


def annualised_attrition(leavers: int, headcounts: Sequence[float], months: float) -> float:
    """Leavers / average headcount × 12 / months (spec/kpis.md); 0 with no headcount."""
    if months <= 0:
        raise ValueError("the attrition period must be longer than 0 months")
    if leavers < 0:
        raise ValueError("leavers cannot be negative")
    average = float(np.mean(headcounts)) if len(headcounts) else 0.0
    return leavers / average * 12.0 / months if average > 0 else 0.0


def _week_of_year(monday: date) -> int:
    """0 … 51 (ISO week 53 shares week 52's index)."""
    return min(monday.isocalendar()[1], SEASON_WEEKS) - 1


def seasonal_index(history: NDArray[np.float64], first_monday: date) -> NDArray[np.float64]:
    """Multiplicative week-of-year index (mean 1) from ≥ 104 weeks; all ones otherwise."""
    n = len(history)
    index = np.ones(SEASON_WEEKS)
    if n < 2 * SEASON_WEEKS:
        return index
    half = SEASON_WEEKS // 2
    ratios: list[list[float]] = [[] for _ in range(SEASON_WEEKS)]
    for t in range(half, n - half):
        window = history[t - half : t + half + 1]
        cma = (0.5 * window[0] + window[1:-1].sum() + 0.5 * window[-1]) / SEASON_WEEKS
        if cma > 0:
            ratios[_week_of_year(first_monday + timedelta(weeks=t))].append(history[t] / cma)
    for w, values in enumerate(ratios):
        if values:
            index[w] = float(np.mean(values))
    return np.asarray(index / index.mean(), dtype=np.float64)


def extrapolate_weekly(
    history: Sequence[float], first_monday: date, weeks_ahead: int, *, growth: float = 0.0
) -> list[float]:
    """Weekly contacts for the ``weeks_ahead`` weeks after the history (which starts on
    ``first_monday``, one total per complete week). ``growth``: extra yearly volume growth
    (fraction, 0.1 = +10% a year) for what-if plans. Never negative."""
    y = np.asarray(history, dtype=np.float64)
    if len(y) < MIN_HISTORY_WEEKS:
        raise ValueError(f"at least {MIN_HISTORY_WEEKS} complete weeks of history are needed, not {len(y)}")
    if growth <= -1:
        raise ValueError("growth must be above -1 (-0.2 = 20% fewer contacts a year)")
    season = seasonal_index(y, first_monday)
    weeks = [first_monday + timedelta(weeks=t) for t in range(len(y))]
    d = y / np.array([season[_week_of_year(m)] for m in weeks])
    recent = d[-SEASON_WEEKS:]
    x = np.arange(len(recent), dtype=np.float64)
    slope, intercept = np.polyfit(x, recent, 1)
    level = intercept + slope * x[-1]
    out = []
    for h in range(1, weeks_ahead + 1):
        monday = first_monday + timedelta(weeks=len(y) - 1 + h)
        value = max(0.0, level + slope * h) * season[_week_of_year(monday)] * (1 + growth) ** (h / 52)
        out.append(float(value))
    return out


@dataclass(frozen=True)
class PlanInputs:
    """Staff and hiring assumptions. ``current_fte``: paid FTE of today's agents;
    ``attrition``: annualised (0.3 = 30% of heads leave per year); hire classes work
    ``hire_hours`` a week."""

    current_fte: float
    attrition: float
    fte_hours: float = 40.0
    occupancy: float = 0.85
    shrinkage: float = 0.3
    training_weeks: int = 4
    nesting_weeks: int = 2
    nesting_productivity: float = 0.5
    hire_hours: float = 40.0
    min_gap_fte: float = 0.5
    min_class_size: int = 1
    cost_per_hour: float | None = None

    def check(self) -> None:
        if self.current_fte < 0 or self.attrition < 0:
            raise ValueError("current FTE and attrition cannot be negative")
        if not 0 < self.occupancy <= 1:
            raise ValueError("the occupancy target must be above 0 and at most 1")
        if not 0 <= self.shrinkage < 1:
            raise ValueError("shrinkage must be 0 or more and below 1")
        if self.fte_hours <= 0 or self.hire_hours <= 0:
            raise ValueError("weekly hours must be positive")
        if self.training_weeks < 0 or self.nesting_weeks < 0:
            raise ValueError("training and nesting weeks cannot be negative")
        if not 0 <= self.nesting_productivity <= 1:
            raise ValueError("nesting productivity is a fraction 0–1")
        if self.cost_per_hour is not None and self.cost_per_hour < 0:
            raise ValueError("the cost per hour cannot be negative")


def required_fte(workload_hours: Sequence[float], p: PlanInputs) -> list[float]:
    """Paid FTE to carry each week's workload at the occupancy target after shrinkage."""
    return [w / p.occupancy / (1 - p.shrinkage) / p.fte_hours for w in workload_hours]


def productivity(weeks_since_start: int, p: PlanInputs) -> float:
    """A new hire's output as a fraction of a proficient agent's."""
    u = weeks_since_start
    if u < p.training_weeks:
        return 0.0
    if u < p.training_weeks + p.nesting_weeks:
        done = (u - p.training_weeks) / p.nesting_weeks
        return p.nesting_productivity + (1 - p.nesting_productivity) * done
    return 1.0


def _survival(weeks: float, attrition: float) -> float:
    return math.exp(-attrition * weeks / 52.0)


@dataclass
class HireClass:
    """``size`` hires starting week ``start_week`` (0 = the plan's first week); fully
    productive from ``productive_week``; ``late``: needed earlier than the lead time allows."""

    start_week: int
    size: int
    productive_week: int
    late: bool = False


def supply(
    weeks: int, classes: Sequence[HireClass], p: PlanInputs, *, ramp: bool = True
) -> tuple[list[float], list[float]]:
    """(productive FTE, paid FTE) per week from today's staff and the classes; with
    ``ramp=False`` hires count as proficient from their first day (what was planned for)."""
    productive, paid = [], []
    for t in range(weeks):
        staff = p.current_fte * _survival(t, p.attrition)
        out, pay = staff, staff
        for c in classes:
            u = t - c.start_week
            if u < 0:
                continue
            heads = c.size * p.hire_hours / p.fte_hours * _survival(u, p.attrition)
            pay += heads
            out += heads * (productivity(u, p) if ramp else 1.0)
        productive.append(out)
        paid.append(pay)
    return productive, paid


def plan_hires(required: Sequence[float], p: PlanInputs) -> list[HireClass]:
    """Hire classes that keep every week within ``min_gap_fte`` of the requirement, as late
    as the lead time allows (see the module)."""
    p.check()
    lead = p.training_weeks + p.nesting_weeks
    classes: list[HireClass] = []
    for t, need in enumerate(required):
        # Before the lead time no class can be ready: such weeks are covered by a class
        # starting now, sized for when it is proficient (the weeks until then stay short).
        late = t < lead
        available, _ = supply(t + 1, classes, p, ramp=not late)
        gap = need - available[t]
        if gap <= p.min_gap_fte:
            continue
        start = max(0, t - lead)
        u = lead if late else t - start
        per_hire = p.hire_hours / p.fte_hours * _survival(u, p.attrition) * productivity(u, p)
        size = max(p.min_class_size, math.ceil(gap / per_hire - 1e-9))
        same = next((c for c in classes if c.start_week == start), None)
        if same is not None:
            same.size += size
            same.late = same.late or late
        else:
            classes.append(HireClass(start, size, start + lead, late=late))
    return classes


@dataclass(frozen=True)
class WeekPlan:
    week: date
    contacts: float
    workload_hours: float
    required_fte: float
    available_fte: float
    gap_fte: float  # positive = short of staff
    paid_fte: float
    hires_starting: int
    cost: float | None


@dataclass(frozen=True)
class CapacityPlan:
    weeks: list[WeekPlan]
    classes: list[HireClass]
    total_cost: float | None
    hires: int
    notes: list[str] = field(default_factory=list)


def capacity_plan(
    first_week: date, contacts: Sequence[float], workload_hours: Sequence[float], p: PlanInputs
) -> CapacityPlan:
    """The plan for consecutive weeks from ``first_week`` (a Monday): requirement, supply
    with the recommended hires, gap and cost per week."""
    p.check()
    if len(contacts) != len(workload_hours):
        raise ValueError("contacts and workload hours must cover the same weeks")
    required = required_fte(workload_hours, p)
    classes = plan_hires(required, p)
    available, paid = supply(len(required), classes, p)
    weeks = []
    for t, need in enumerate(required):
        cost = paid[t] * p.fte_hours * p.cost_per_hour if p.cost_per_hour is not None else None
        weeks.append(
            WeekPlan(
                first_week + timedelta(weeks=t), float(contacts[t]), float(workload_hours[t]), need,
                available[t], need - available[t], paid[t],
                sum(c.size for c in classes if c.start_week == t), cost,
            )
        )  # fmt: skip
    total = sum(w.cost for w in weeks if w.cost is not None) if p.cost_per_hour is not None else None
    notes = []
    if any(c.late for c in classes):
        notes.append(
            "some hires are needed sooner than training and nesting allow: short weeks until they are ready"
        )
    return CapacityPlan(weeks, classes, total, sum(c.size for c in classes), notes)


@dataclass(frozen=True)
class MonthPlan:
    month: str  # YYYY-MM
    weeks: int
    contacts: float
    required_fte: float  # mean over the month's weeks
    available_fte: float
    gap_fte: float
    hires_starting: int
    cost: float | None


def by_month(plan: CapacityPlan) -> list[MonthPlan]:
    """Weeks grouped by the month of their Monday: FTE averaged, contacts, hires and cost summed."""
    groups: dict[str, list[WeekPlan]] = {}
    for w in plan.weeks:
        groups.setdefault(w.week.strftime("%Y-%m"), []).append(w)
    out = []
    for month, weeks in groups.items():
        costs = [w.cost for w in weeks if w.cost is not None]
        out.append(
            MonthPlan(
                month, len(weeks), sum(w.contacts for w in weeks),
                float(np.mean([w.required_fte for w in weeks])),
                float(np.mean([w.available_fte for w in weeks])),
                float(np.mean([w.gap_fte for w in weeks])), sum(w.hires_starting for w in weeks),
                sum(costs) if costs else None,
            )
        )  # fmt: skip
    return out
