"""A baseline from plain forecast, schedule and requirement rows (pure)."""

from __future__ import annotations

import pytest

from floorwalker.errors import InvalidInput
from floorwalker.sim.distributions import Distribution
from floorwalker.sim.history import AgentInfo, QueueInfo, QueueModel, StateRow, presence
from floorwalker.sim.plans import (
    DEFAULT_HANDLE_CV,
    ForecastRow,
    RequirementRow,
    Shift,
    build_plan_baseline,
    forecast_offered,
    planned_queue_model,
    requirement_counts,
    work_spans,
)
from floorwalker.sim.whatif import apply_changes

H = 1800.0  # the simulator's half-hour


def test_forecast_rows_of_other_lengths_are_spread_by_overlap() -> None:
    rows = [
        ForecastRow("a", 0, 900, 3, 200),  # two quarter-hours → interval 0
        ForecastRow("a", 900, 900, 5, 400),
        ForecastRow("a", 3600, 3600, 10, 300),  # one hour → 5 + 5 in intervals 2 and 3
        ForecastRow("b", 5400, 3600, 8, None),  # half past the horizon (4 intervals): 4 kept
    ]
    offered, aht = forecast_offered(rows, H, 4)
    assert offered["a"].tolist() == [8, 0, 5, 5]
    assert offered["b"].tolist() == [0, 0, 0, 4]
    assert aht["a"] == pytest.approx((3 * 200 + 5 * 400 + 10 * 300) / 18)
    assert aht["b"] is None


def test_work_spans_leave_out_the_activities() -> None:
    shift = Shift("ann", 0, 4 * H, activities=((H, H + 900), (2 * H, 3 * H)))  # a break, a lunch
    spans = work_spans([shift])
    assert [(s.start_s, s.duration_s) for s in spans] == [(0, H), (H + 900, 900), (3 * H, H)]
    p = presence(spans, H, 4)
    assert p["ann"].tolist() == [H, 900, 0, H]
    # an activity reaching past the shift is cut to it; one outside changes nothing
    assert [
        (s.start_s, s.duration_s) for s in work_spans([Shift("b", 0, H, ((900, 2 * H), (5 * H, 6 * H)))])
    ] == [(0, 900)]


def test_requirement_takes_the_busiest_overlapping_interval() -> None:
    rows = [RequirementRow("a", 0, 900, 2), RequirementRow("a", 900, 900, 5), RequirementRow("a", H, 3600, 3)]
    assert requirement_counts(rows, H, 4) == {"a": [5, 3, 3, 0]}


def _history() -> QueueModel:
    return QueueModel(
        Distribution("lognormal", mean_s=240, cv=0.8),
        Distribution("constant", mean_s=60),
        Distribution("empirical", values_s=(30.0, 50.0), censored_s=(10.0,)),
    )


def test_history_shapes_are_scaled_to_the_forecast_aht() -> None:
    m = planned_queue_model(QueueInfo("a"), 360.0, _history())
    assert m.handle_time.mean_s == pytest.approx(288) and m.handle_time.cv == 0.8
    assert m.wrapup.mean_s == pytest.approx(72)
    assert m.patience.kind == "empirical"
    # no forecast AHT: the queue's default, else history's own mean
    assert planned_queue_model(QueueInfo("a"), None, _history(), default_aht_s=150).handle_time.mean_s == (
        pytest.approx(120)
    )
    kept = planned_queue_model(QueueInfo("a"), None, _history())
    assert kept.handle_time.mean_s == pytest.approx(240)
    assert any("recent history" in n for n in kept.notes)


def test_without_history_the_defaults_are_used_and_said() -> None:
    m = planned_queue_model(QueueInfo("a", wrapup_s=30), 330.0, None, patience_s=90)
    assert (m.handle_time.kind, m.handle_time.mean_s, m.handle_time.cv) == (
        "lognormal",
        300,
        DEFAULT_HANDLE_CV,
    )
    assert m.wrapup == Distribution("constant", mean_s=30)
    assert m.patience == Distribution("exponential", mean_s=90)
    assert len(m.notes) == 2
    never = planned_queue_model(QueueInfo("a"), 200.0, None)
    assert never.patience.kind == "none" and never.wrapup.mean_s == 0
    assert any("never abandon" in n for n in never.notes)
    with pytest.raises(InvalidInput, match="queue a: the forecast has no AHT"):
        planned_queue_model(QueueInfo("a"), None, None)


def _forecast() -> list[ForecastRow]:
    return [ForecastRow("sales", i * H, H, 10, 300) for i in range(4)] + [
        ForecastRow("care", i * H, H, 4, 500) for i in range(4)
    ]


def test_schedule_staffing_groups_agents_by_team_and_skills() -> None:
    agents = {
        "ann": AgentInfo("ann", "Red", {"sales": 1}),
        "bob": AgentInfo("bob", "Red", {"sales": 1}),
        "cat": AgentInfo("cat", "Blue", {"sales": 2, "care": 1}),
        "dan": AgentInfo("dan", "Blue", {}),  # no skill, answered nothing: left out
    }
    shifts = [
        Shift("ann", 0, 4 * H, ((H, 2 * H),)),  # lunch in interval 1
        Shift("bob", 0, 4 * H),
        Shift("cat", 2 * H, 4 * H),
        Shift("dan", 0, 4 * H),
        Shift("eve", 0, 2 * H),  # not in the organisation: given what she answered recently
    ]
    b = build_plan_baseline(
        source="forecast_schedule",
        interval_s=H,
        intervals=4,
        queues=[QueueInfo("sales", sl_threshold_s=30), QueueInfo("care")],
        forecast=_forecast(),
        history={"sales": _history()},
        shifts=shifts,
        agents=agents,
        answered={"eve": {"care"}},
    )
    assert [q.name for q in b.scenario.queues] == ["care", "sales"]
    sales = b.scenario.queues[1]
    assert sales.sl_threshold_s == 30 and sales.handle_time.mean + sales.wrapup.mean == pytest.approx(300)
    groups = {g.name: (g.agents, g.skills) for g in b.scenario.groups}
    assert groups == {
        "No team: care": ((1, 1, 0, 0), {"care": 1}),
        "Blue: care, sales (level 2)": ((0, 0, 1, 1), {"care": 1, "sales": 2}),
        "Red: sales": ((2, 1, 2, 2), {"sales": 1}),
    }
    assert any("left out" in n for n in b.notes)
    # a team change works on a schedule baseline as on history
    sc, _ = apply_changes(b, [{"kind": "agents", "delta": 2, "team": "Red"}])
    assert next(g for g in sc.groups if g.name == "Red: sales").agents == (4, 3, 4, 4)


def test_requirement_staffing_is_one_group_per_queue() -> None:
    req = [RequirementRow("sales", i * H, H, 3 + i) for i in range(4)]
    b = build_plan_baseline(
        source="forecast_requirement",
        interval_s=H,
        intervals=4,
        queues=[QueueInfo("sales"), QueueInfo("care", channel="chat", concurrency=2)],
        forecast=_forecast(),
        history={},
        requirement=[*req, *(RequirementRow("care", i * H, H, 1) for i in range(4))],
    )
    groups = {g.name: (g.agents, g.skills, g.concurrency) for g in b.scenario.groups}
    assert groups == {
        "Requirement: care": ((1, 1, 1, 1), {"care": 1}, 2),
        "Requirement: sales": ((3, 4, 5, 6), {"sales": 1}, 1),
    }
    assert b.group_teams == {"Requirement: care": None, "Requirement: sales": None}
    with pytest.raises(InvalidInput, match="no group of team"):
        apply_changes(b, [{"kind": "agents", "delta": 1, "team": "Red"}])


def test_plan_baselines_refuse_what_cannot_be_simulated() -> None:
    kw = {"interval_s": H, "intervals": 4, "queues": [QueueInfo("sales")], "history": {}}
    with pytest.raises(InvalidInput, match="no contacts in the chosen days"):
        build_plan_baseline(
            source="forecast_requirement", forecast=[ForecastRow("sales", 0, H, 0, 300)], **kw
        )
    with pytest.raises(InvalidInput, match="no scheduled agent has a skill"):
        build_plan_baseline(
            source="forecast_schedule", forecast=_forecast()[:4], shifts=[Shift("x", 0, H)], **kw
        )
    with pytest.raises(InvalidInput, match="staffs no agent"):
        build_plan_baseline(source="forecast_requirement", forecast=_forecast()[:4], **kw)
    with pytest.raises(InvalidInput, match="not a plan source"):
        build_plan_baseline(source="history", forecast=_forecast(), **kw)


def test_past_week_staffing_groups_logged_in_agents() -> None:
    states = [
        StateRow("ann", "available", 0, 4 * H),
        StateRow("bob", "on_contact", H, 900),
        StateRow("bob", "not_ready", H + 900, 900),
    ]
    b = build_plan_baseline(
        source="forecast_history",
        interval_s=H,
        intervals=4,
        queues=[QueueInfo("sales")],
        forecast=_forecast()[:4],
        history={},
        states=states,
        agents={"ann": AgentInfo("ann", "Red", {"sales": 1}), "bob": AgentInfo("bob", "Red", {"sales": 1})},
    )
    ((name, agents),) = [(g.name, g.agents) for g in b.scenario.groups]
    assert name == "Red: sales"
    assert agents == (1, 2, 1, 1)  # ann 1 each interval; bob half an agent in interval 1 → 1.5 → 2
    with pytest.raises(InvalidInput, match="no agent logged in that week has a skill"):
        build_plan_baseline(
            source="forecast_history",
            interval_s=H,
            intervals=4,
            queues=[QueueInfo("sales")],
            forecast=_forecast()[:4],
            history={},
            states=[StateRow("zed", "available", 0, H)],
        )
