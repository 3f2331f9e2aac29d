"""The day decomposition of the aggregate model (decompose.py): its tangents lie below each
block's cost, its bound lies between the LP bound and the exact optimum, and its plan keeps
every row of the aggregate model — also when a weekly row differs between one day's shifts
(two shift lengths) and when night shifts join days into one block."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

from floorwalker.wfm.scheduling.aggregate import Aggregate, build_aggregate
from floorwalker.wfm.scheduling.decompose import _evaluate, _point, _tangents, decompose, plan_by_day
from floorwalker.wfm.scheduling.instance import parse_instance
from floorwalker.wfm.scheduling.model import LinearModel
from floorwalker.wfm.scheduling.plan import highs_model, lp_and_dive
from tests.wfm.test_schedule_aggregate import _week


def _cost(lp: LinearModel, x: list[float]) -> float:
    return sum(c * x[i] for i, c in enumerate(lp.cost) if c)


def _assert_feasible(agg: Aggregate, x: list[float], breaks_whole: bool = False) -> None:
    lp = agg.lp
    relaxed = set() if breaks_whole else set(agg.breaks.values())
    for v, value in enumerate(x):
        assert lp.lb[v] - 1e-6 <= value <= lp.ub[v] + 1e-6
        if lp.integer[v] and v not in relaxed:
            assert value == pytest.approx(round(value), abs=1e-6)
    for idx, coef, lo, hi in lp.rows:
        activity = sum(c * x[v] for v, c in zip(idx, coef, strict=True))
        assert lo - 1e-6 <= activity <= hi + 1e-6


def _exact(agg: Aggregate) -> float:
    """The aggregate model's optimum with breaks continuous (HiGHS, proven)."""
    import highspy

    lp = agg.lp
    integer = list(lp.integer)
    for v in agg.breaks.values():
        integer[v] = False
    h = highs_model(LinearModel(lp.lb, lp.ub, integer, lp.cost, lp.rows), 120, 0)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def _two_lengths(agents: int, seed: int) -> dict[str, Any]:
    """_week with 6 h and 8 h shifts of one template: paid minutes differ within a day."""
    data = _week(agents, seed=seed)
    data["templates"][0]["lengths_minutes"] = [360, 480]
    return data


def _nights(agents: int, seed: int) -> dict[str, Any]:
    """_week with 23:00 and 06:00 starts: a night shift runs into the next day's first."""
    data = _week(agents, seed=seed)
    data["templates"][0]["start_times"] += ["06:00", "23:00"]
    req = data["requirement"]
    for t in range(len(req)):
        if t % 24 in (23, 0, 1, 2, 3, 4):
            req[t] = 1
    return data


def _lp(agg: Aggregate) -> tuple[float, list[float]]:
    bound, relaxation, _ = lp_and_dive(agg.lp, list(agg.n.values()), math.inf)
    return bound, relaxation


@pytest.mark.parametrize("build", [_week, _two_lengths, _nights], ids=["week", "two lengths", "nights"])
def test_tangents_lie_below_every_block(build: Any) -> None:
    agg = build_aggregate(parse_instance(build(10, 4)))
    dec = decompose(agg)
    _, relaxation = _lp(agg)
    at_lp = _point(dec, relaxation)
    assert _tangents(dec, at_lp, None) is not None
    # other points: the head counts and shares of the LP dive and of neighbours of the LP's
    _, _, dive = lp_and_dive(agg.lp, list(agg.n.values()), math.inf)
    assert dive is not None
    points = [_point(dec, dive)]
    heads, shares = at_lp
    points.append(({k: float(math.ceil(v)) for k, v in heads.items()}, shares))
    points.append(({k: float(math.floor(v)) for k, v in heads.items()}, shares))
    checked = 0
    for heads2, shares2 in points:
        for bi, b in enumerate(dec.blocks):
            got = _evaluate(dec, b, (heads2, shares2))
            if got is None:
                continue
            value = got[0]
            at = {("H", *k): heads2[k] for k in b.head_rows} | {("L", *k): shares2[k] for k in b.share_rows}
            for cut_block, constant, slopes in dec.cuts:
                if cut_block == bi:
                    assert constant + sum(y * at[key] for key, y in slopes.items()) <= value + 1e-6
                    checked += 1
    assert checked > 0


@pytest.mark.parametrize(
    ("build", "agents", "seed"),
    [(_week, 5, 2), (_two_lengths, 8, 3), (_nights, 7, 1)],
    ids=["week", "two lengths", "nights"],
)
def test_bound_between_lp_and_optimum_and_plan_keeps_every_row(build: Any, agents: int, seed: int) -> None:
    # small weeks, so that HiGHS proves the exact optimum in seconds
    agg = build_aggregate(parse_instance(build(agents, seed)))
    lp_bound, relaxation = _lp(agg)
    result = plan_by_day(agg, relaxation, lp_bound, time.perf_counter() + 10)
    optimum = _exact(agg)
    assert lp_bound - 1e-6 <= result.bound <= optimum + 1e-6
    assert result.values is not None
    _assert_feasible(agg, result.values)
    assert _cost(agg.lp, result.values) >= optimum - 1e-6
    assert result.estimate is not None and result.estimate <= _cost(agg.lp, result.values) + 1e-6


def test_bound_closes_on_a_week_the_lp_leaves_far_below() -> None:
    # measured: LP 4.95, exact optimum 8.8 — the LP spreads fractions of agents over the
    # days; whole head counts per day cannot
    agg = build_aggregate(parse_instance(_week(5, 2)))
    lp_bound, relaxation = _lp(agg)
    result = plan_by_day(agg, relaxation, lp_bound, time.perf_counter() + 10)
    assert result.bound > lp_bound + 1.0
    assert result.bound == pytest.approx(_exact(agg), abs=1e-6)


def test_blocks_are_days_unless_shifts_cross_midnight() -> None:
    days = decompose(build_aggregate(parse_instance(_week(8, 1))))
    assert sum(1 for b in days.blocks if b.head_rows) == 7
    assert not days.shares
    nights = decompose(build_aggregate(parse_instance(_nights(8, 1))))
    assert sum(1 for b in nights.blocks if b.head_rows) < 7
    lengths = decompose(build_aggregate(parse_instance(_two_lengths(8, 1))))
    assert lengths.shares  # weekly paid minutes differ between a day's 6 h and 8 h shifts


def _mixed_week(agents: int, seed: int) -> dict[str, Any]:
    """Hourly week, 8 h shifts (plus an unpaid hour's lunch) and 4 h shifts, a 28–32 h
    contract: an agent's week holds only some mixes of short and long shifts (4 long,
    3 long + 1 short, 3 + 2, 2 + 3), which the aggregate model only sums over the group."""
    data = _week(agents, seed=seed)
    starts = ["07:00", "09:00", "11:00", "13:00"]
    data["templates"][0]["lengths_minutes"] = [540]
    data["templates"][0]["start_times"] = starts
    data["templates"].append({"name": "short", "start_times": starts, "lengths_minutes": [240]})
    data["contracts"] = [
        {"name": "full", "min_weekly_hours": 28, "max_weekly_hours": 32, "min_days_off": 2},
        {"name": "part", "min_weekly_hours": 28, "max_weekly_hours": 32, "min_days_off": 2},
    ]
    for person in data["agents"]:
        person.pop("time_off", None)
        person.pop("availability", None)
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hand_out_follows_the_plan_when_shift_lengths_mix(seed: int) -> None:
    from floorwalker.wfm.scheduling.assign import assign_agents

    inst = parse_instance(_mixed_week(16, seed))
    agg = build_aggregate(inst)
    lp_bound, relaxation = _lp(agg)
    plan = plan_by_day(agg, relaxation, lp_bound, time.perf_counter() + 10).values
    assert plan is not None
    chosen = assign_agents(inst, agg, plan)
    assert chosen is not None
    for (g, k), v in agg.n.items():  # every counted shift went to an agent of its group
        assert sum(k in chosen[a] for a in agg.groups[g].agents) == round(plan[v])
