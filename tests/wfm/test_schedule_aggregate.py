"""The aggregate path of the optimiser: the aggregate model's LP is a valid lower bound,
its counts are handed to named agents within every rule, and weeks too large for the
full model come out rule-abiding with a bound below their objective."""

from __future__ import annotations

import random
from typing import Any

import pytest

from floorwalker.wfm.scheduling.aggregate import agent_groups, build_aggregate
from floorwalker.wfm.scheduling.assign import assign_agents
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.coverage import coverage_cost, coverage_of
from floorwalker.wfm.scheduling.instance import parse_instance
from floorwalker.wfm.scheduling.model import shift_options
from floorwalker.wfm.scheduling.plan import highs_model, lp_and_dive, solve_fixed
from floorwalker.wfm.scheduling.solve import FULL_MODEL_AGENTS, solve
from tests.wfm.schedule_helpers import tiny_instance
from tests.wfm.test_schedule_solve import _brute_force, _objective


def _week(agents: int, seed: int = 0, **extra: Any) -> dict[str, Any]:
    """A week of hourly intervals: a day-shaped requirement, early and late 8 h shifts,
    full- and part-time contracts with rest, days off and consecutive-day rules, some
    preferred days off, one agent with time off, one available mornings only."""
    rng = random.Random(seed)
    req = []
    for d in range(7):
        scale = 1.0 if d < 5 else 0.5
        for h in range(24):
            busy = 7 <= h < 22
            req.append(round(scale * agents * (0.35 if 10 <= h < 16 else 0.2)) if busy else 0)
    people: list[dict[str, Any]] = []
    for i in range(agents):
        person: dict[str, Any] = {"id": f"a{i:02d}", "contract": "full" if i % 4 else "part"}
        if rng.random() < 0.3:
            person["preferences"] = {"days_off": rng.sample(range(7), 2), "weight": 1}
        people.append(person)
    people[0]["time_off"] = [{"day": 2, "start": "00:00", "end": "24:00", "credit_hours": 8}]
    people[1]["availability"] = [{"day": d, "start": "06:00", "end": "16:00"} for d in range(7)]
    data: dict[str, Any] = {
        "interval_minutes": 60,
        "days": 7,
        "requirement": req,
        "templates": [
            {
                "name": "shift",
                "start_times": ["07:00", "08:00", "10:00", "12:00", "14:00"],
                "lengths_minutes": [480],
                "breaks": [
                    {
                        "name": "lunch",
                        "kind": "lunch",
                        "duration_minutes": 60,
                        "earliest_start_minutes": 180,
                        "latest_start_minutes": 300,
                        "paid": False,
                    }
                ],
            }
        ],
        "contracts": [
            {
                "name": "full",
                "min_weekly_hours": 28,
                "max_weekly_hours": 35,
                "min_days_off": 2,
                "max_consecutive_days": 4,
                "min_rest_hours": 14,
            },
            {"name": "part", "min_weekly_hours": 14, "max_weekly_hours": 21, "min_days_off": 3},
        ],
        "agents": people,
    }
    data.update(extra)
    return data


def test_aggregate_lp_is_below_the_brute_force_optimum() -> None:
    inst = parse_instance(tiny_instance())
    agg = build_aggregate(inst)
    h = highs_model(agg.lp, 10, 0, relaxed=True)
    h.run()
    lp_value = h.getInfo().objective_function_value
    best = _brute_force(inst)
    assert lp_value <= best + 1e-6
    # and it is not trivially zero: the tiny week cannot be covered for free
    assert lp_value > 0


def test_groups_split_agents_by_what_they_may_work() -> None:
    inst = parse_instance(_week(12))
    groups = agent_groups(inst, shift_options(inst))
    members = sorted(a for g in groups for a in g.agents)
    assert members == list(range(12))  # every agent in exactly one group
    alone = [g for g in groups if 0 in g.agents or 1 in g.agents]
    assert all(len(g.agents) == 1 for g in alone)  # time off, availability: own groups
    for g in groups:
        for pattern in g.patterns:  # days off and consecutive days hold per pattern
            assert len(pattern) <= 7 - g.contract.min_days_off


def test_handed_out_counts_keep_every_rule() -> None:
    inst = parse_instance(_week(24, seed=3))
    agg = build_aggregate(inst)
    shift_counts = list(agg.n.values())
    _, _, dive = lp_and_dive(agg.lp, shift_counts, float("inf"))
    assert dive is not None
    whole = solve_fixed(agg.lp, dive, shift_counts, list(agg.breaks.values()), float("inf"))
    assert whole is not None
    chosen = assign_agents(inst, agg, whole)
    assert chosen is not None
    # the agents work exactly the counted shifts
    for (g, k), v in agg.n.items():
        assert sum(k in chosen[a] for a in agg.groups[g].agents) == round(whole[v])


@pytest.mark.parametrize("seed", [1, 2])
def test_a_week_beyond_the_full_model_keeps_every_rule(seed: int) -> None:
    agents = FULL_MODEL_AGENTS * 3
    inst = parse_instance(_week(agents, seed=seed))
    result = solve(inst, time_limit=10, seed=seed)
    shifts = list(result.shifts)
    assert check_schedule(inst, shifts) == []
    assert {s.agent for s in shifts} == {a.id for a in inst.agents}  # every minimum met
    assert result.objective == pytest.approx(_objective(inst, shifts), abs=1e-6)
    assert result.bound <= result.objective + 1e-6
    assert result.objective >= coverage_cost(inst, coverage_of(inst, shifts)) - 1e-6
    # far from the old greedy week's 75–94 %: the dive alone gives 27–50 % on these
    # hourly weeks (their integer steps are coarse), the day-by-day polish less
    assert result.gap < 0.6


def test_a_meeting_on_a_large_week_is_placed() -> None:
    agents = FULL_MODEL_AGENTS * 2
    meeting = {
        "name": "team",
        "kind": "meeting",
        "duration_minutes": 60,
        "participants": ["a02", "a05", "a07"],
        "window": {"day": 1, "start": "09:00", "end": "17:00"},
    }
    inst = parse_instance(_week(agents, seed=4, activities=[meeting]))
    result = solve(inst, time_limit=30, seed=4)
    assert check_schedule(inst, list(result.shifts)) == []
    starts = {(s.agent, a.start) for s in result.shifts for a in s.activities if a.kind == "meeting"}
    assert sorted(a for a, _ in starts) == ["a02", "a05", "a07"]
    assert len({start for _, start in starts}) == 1
