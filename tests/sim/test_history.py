"""Building a baseline scenario from hand-made warehouse rows (pure)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from floorwalker.errors import InvalidInput
from floorwalker.sim.history import (
    AgentInfo,
    ContactRow,
    QueueInfo,
    StateRow,
    build_baseline,
    fit_lognormal,
    patience_distribution,
    presence,
)

H = 3600.0


def test_lognormal_fit_is_the_maximum_likelihood_one() -> None:
    values = [100.0, 200.0, 400.0]
    d = fit_lognormal(values)
    logs = np.log(values)
    mu, s2 = logs.mean(), logs.var()
    assert d.kind == "lognormal"
    assert d.mean_s == pytest.approx(math.exp(mu + s2 / 2))
    assert d.cv == pytest.approx(math.sqrt(math.exp(s2) - 1))
    assert fit_lognormal([0.0, 250.0]).kind == "constant"
    assert fit_lognormal([0.0, 250.0]).mean_s == 250.0


def test_patience_events_are_abandons_and_the_rest_censored() -> None:
    rows = [
        ContactRow("q", "abandoned", wait_s=30),
        ContactRow("q", "answered", wait_s=10),
        ContactRow("q", "timeout", wait_s=50),
        ContactRow("q", "answered", wait_s=None),
    ]
    d = patience_distribution(rows)
    assert d.kind == "empirical"
    assert d.values_s == (30.0,)
    assert sorted(d.censored_s) == [10.0, 50.0]
    assert patience_distribution([ContactRow("q", "answered", wait_s=5)]).kind == "none"


def test_presence_cuts_spans_at_interval_edges_and_skips_not_ready() -> None:
    states = [
        StateRow("a", "available", start_s=1800, duration_s=3600),  # half of 0, half of 1
        StateRow("a", "not_ready", start_s=5400, duration_s=1800),
        StateRow("a", "logged_out", start_s=7200, duration_s=3600),
        StateRow("b", "on_contact", start_s=7000, duration_s=1000),  # past the horizon end 7200
    ]
    p = presence(states, H, 2)
    assert p["a"].tolist() == [1800.0, 1800.0]
    assert p["b"].tolist() == [0.0, 200.0]


def _history() -> dict:
    contacts = [
        ContactRow("sales", "answered", wait_s=5, talk_s=100, hold_s=20, wrapup_s=10, agent="ann"),
        ContactRow("sales", "answered", wait_s=15, talk_s=200, hold_s=0, wrapup_s=30, agent="ann"),
        ContactRow("sales", "abandoned", wait_s=40),
        ContactRow("help", "answered", wait_s=0, talk_s=300, agent="bob"),
        ContactRow("help", "answered", wait_s=2, talk_s=500, agent="bob"),
    ]
    states = [
        StateRow("ann", "available", 0, 2 * H),
        StateRow("bob", "available", 0, H),
        StateRow("bob", "logged_out", H, H),
        StateRow("cat", "available", 0, 2 * H),
        StateRow("dan", "available", 0, 2 * H),  # no skills, answered nothing: left out
    ]
    agents = {
        "ann": AgentInfo("ann", "Red", {"sales": 1}),
        "cat": AgentInfo("cat", "Red", {"sales": 1, "other": 1}),
    }
    return {
        "interval_s": H,
        "intervals": 2,
        "queues": [QueueInfo("sales", sl_threshold_s=30), QueueInfo("help", wrapup_s=15)],
        "offered": {"sales": [3.0, 0.0], "help": [1.0, 1.0], "empty": [0.0, 0.0]},
        "contacts": contacts,
        "states": states,
        "agents": agents,
    }


def test_baseline_from_rows() -> None:
    b = build_baseline(**_history())
    sc = b.scenario
    assert [q.name for q in sc.queues] == ["help", "sales"]  # "empty" had no contact
    help_, sales = sc.queues
    assert sales.offered_per_interval == (3.0, 0.0)
    assert sales.sl_threshold_s == 30
    assert help_.sl_threshold_s == 20  # the default
    assert sales.handle_time == fit_lognormal([120.0, 200.0])
    assert sales.wrapup == fit_lognormal([10.0, 30.0])
    assert help_.wrapup.kind == "constant" and help_.wrapup.mean_s == 15  # the queue's assumed wrap-up
    assert sales.patience.values_s == (40.0,) and help_.patience.kind == "none"
    groups = {g.name: g for g in sc.groups}
    # ann and cat share team and (served) skills: one group of two; bob's skills come from
    # what he answered; dan has none and is left out.
    assert groups["Red: sales"].agents == (2, 2)
    assert groups["No team: help"].agents == (1, 0)
    assert b.group_teams == {"Red: sales": "Red", "No team: help": None}
    assert any("without skills" in n for n in b.notes)
    assert any("left out" in n for n in b.notes)


def test_empirical_handle_model_keeps_the_values() -> None:
    b = build_baseline(**_history(), handle_model="empirical")
    sales = b.scenario.queues[1]
    assert sorted(sales.handle_time.values_s) == [120.0, 200.0]


def test_nothing_offered_or_nobody_logged_in_is_a_clear_error() -> None:
    h = _history()
    with pytest.raises(InvalidInput, match="no contacts were offered"):
        build_baseline(**{**h, "offered": {"sales": [0.0, 0.0]}})
    with pytest.raises(InvalidInput, match="no agent"):
        build_baseline(**{**h, "states": []})
    with pytest.raises(InvalidInput, match="handle_model"):
        build_baseline(**h, handle_model="gamma")
