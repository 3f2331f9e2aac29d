"""Requirements per queue and interval (pure): each channel's model, shrinkage, totals."""

import json
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from floorwalker.errors import InvalidInput
from floorwalker.wfm.requirements import Demand, QueuePlan, queue_requirements, totals

T0 = datetime(2026, 10, 19, 9, 0)


def _demand(*counts: float, aht: float | None = 180.0, step_min: int = 30) -> list[Demand]:
    return [Demand(T0 + timedelta(minutes=step_min * i), c, aht) for i, c in enumerate(counts)]


def test_voice_erlang_c_matches_the_published_example_and_the_cli() -> None:
    # 100 calls per 30 min, AHT 180 s, 80% in 20 s: 14 agents; 30% shrinkage: 20 scheduled.
    plan = QueuePlan("sales", "voice", 20.0, target_sl=0.8, max_occupancy=0.85,
                     planned_shrinkage=0.2, unplanned_shrinkage=0.1)  # fmt: skip
    (r,) = queue_requirements(plan, _demand(100), 30)
    assert (r.traffic_erlangs, r.agents, r.scheduled_agents, r.model) == (10.0, 14, 20, "erlang_c")
    out = CliRunner().invoke(
        app,
        ["staffing", "erlang-c", "--contacts", "3", "--interval-s", "1800", "--aht-s", "200",
         "--target-sl", "0.8", "--target-answer-s", "20", "--shrinkage", "0.3", "--json"],
    )  # fmt: skip
    cli = json.loads(out.output)
    (small,) = queue_requirements(plan, _demand(3, aht=200.0), 30)
    assert (small.agents, small.scheduled_agents) == (cli["agents"], cli["scheduled_agents"]) == (2, 3)


def test_erlang_a_with_endless_patience_needs_what_erlang_c_needs() -> None:
    plan = QueuePlan("sales", "voice", 20.0, model="erlang_a", patience_s=1e9, max_occupancy=None)
    (r,) = queue_requirements(plan, _demand(100), 30)
    assert r.agents == 14 and r.model == "erlang_a"
    impatient = QueuePlan("sales", "voice", 20.0, model="erlang_a", patience_s=60.0, max_occupancy=None)
    # Callers who give up shorten the queue: fewer agents reach the same service level.
    assert queue_requirements(impatient, _demand(100), 30)[0].agents <= 14
    with pytest.raises(InvalidInput, match="patience"):
        queue_requirements(QueuePlan("sales", "voice", 20.0, model="erlang_a"), _demand(1), 30)


def test_chat_takes_the_slot_requirement_divided_by_concurrency() -> None:
    # 14 slots as for voice; 2 sessions per agent: 7 agents; 8 slots' worth at k = 3 → 5.
    plan = QueuePlan("chat", "chat", 20.0, concurrency=2, max_occupancy=None,
                     planned_shrinkage=0.0, unplanned_shrinkage=0.0)  # fmt: skip
    (r,) = queue_requirements(plan, _demand(100), 30)
    assert (r.agents, r.scheduled_agents, r.model) == (7, 7, "chat_slots")
    three = QueuePlan("chat", "chat", 20.0, concurrency=3, max_occupancy=None)
    assert queue_requirements(three, _demand(100), 30)[0].agents == 5  # ceil(14 / 3)


def test_email_is_deferred_work_over_open_time() -> None:
    # 10 items at the start of the first hour, 6 min each = 1 agent-hour of work.
    # Goal 1 hour: one agent clears it exactly; goal 30 min: two agents.
    plan = QueuePlan("mail", "email", 20.0, response_goal_s=3600.0, max_occupancy=None,
                     planned_shrinkage=0.0, unplanned_shrinkage=0.0)  # fmt: skip
    rows = queue_requirements(plan, _demand(10, 0, aht=360.0, step_min=60), 60)
    assert [r.agents for r in rows] == [1, 1]
    hurry = QueuePlan("mail", "email", 20.0, response_goal_s=1800.0, max_occupancy=None)
    rows = queue_requirements(hurry, _demand(10, 0, aht=360.0, step_min=60), 60)
    assert [r.agents for r in rows] == [2, 2]
    assert [r.scheduled_agents for r in rows] == [3, 3]  # ceil(2 / 0.7)
    assert all(r.agents == 0 for r in queue_requirements(plan, _demand(0, 0), 60))


def test_missing_aht_uses_the_queue_default_or_says_so() -> None:
    plan = QueuePlan("sales", "voice", 20.0)
    with pytest.raises(InvalidInput, match="default AHT"):
        queue_requirements(plan, _demand(10, aht=None), 30)
    with_default = QueuePlan("sales", "voice", 20.0, default_aht_s=180.0)
    assert queue_requirements(with_default, _demand(100, aht=None), 30)[0].aht_s == 180.0
    with pytest.raises(InvalidInput, match="shrinkage"):
        queue_requirements(QueuePlan("s", "voice", 20.0, planned_shrinkage=0.6, unplanned_shrinkage=0.4),
                           _demand(1), 30)  # fmt: skip


def test_totals_sum_queues_per_interval() -> None:
    voice = queue_requirements(QueuePlan("a", "voice", 20.0), _demand(100, 0), 30)
    chat = queue_requirements(
        QueuePlan("b", "chat", 20.0, concurrency=2, max_occupancy=None), _demand(100, 3), 30
    )
    sums = totals(voice + chat)
    assert [(t.interval_start, t.agents) for t in sums] == [
        (T0, voice[0].agents + chat[0].agents),
        (T0 + timedelta(minutes=30), chat[1].agents),
    ]
    assert voice[1].agents == 0


def test_missing_or_zero_aht_falls_back_to_the_weeks_known_aht() -> None:
    # Found on the demo center: a forecast interval with contacts but AHT 0 stopped the
    # whole week's requirements with "aht_s must be greater than 0".
    start = datetime(2026, 11, 30, 8)
    plan = QueuePlan("sales", "voice", 20.0, max_occupancy=None)
    demand = [
        Demand(start, 100.0, 180.0),
        Demand(start + timedelta(minutes=30), 100.0, 0.0),  # contacts, no usable AHT
        Demand(start + timedelta(minutes=60), 0.0, None),  # closed: needs no AHT
    ]
    first, second, third = queue_requirements(plan, demand, 30)
    assert second.aht_s == 180.0 and second.agents == first.agents
    assert third.agents == 0
    with pytest.raises(InvalidInput, match="the forecast has no AHT"):
        queue_requirements(plan, [Demand(start, 5.0, None)], 30)


def test_an_interval_forecast_with_zero_aht_takes_the_forecast_mean_aht() -> None:
    plan = QueuePlan("sales", "voice", 20.0, target_sl=0.8, max_occupancy=None)
    demand = [Demand(T0, 10.0, 180.0), Demand(T0 + timedelta(minutes=30), 10.0, 0.0)]
    first, second = queue_requirements(plan, demand, 30)
    assert second.aht_s == pytest.approx(180.0)
    assert second.agents == first.agents
    with pytest.raises(InvalidInput, match="default AHT"):
        queue_requirements(plan, [Demand(T0, 3.0, None)], 30)
