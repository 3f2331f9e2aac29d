"""Scenarios with agent shifts and breaks ([[shifts]]): reading, Erlang agreement of the
agent-level run, the state timeline tiling the logged-in time, and the CLI outputs."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from floorwalker.sim.engine import replication_floor, replication_records, simulate
from floorwalker.sim.scenario import Queue, Scenario, ScenarioError, ShiftBlock, ShiftPlan, parse_scenario

from .helpers import group, queue, scenario
from .test_erlang import HOURS, WINDOW, _within, erlang_a, erlang_c

SHIFTS = """
[simulation]
interval_s = 3600
intervals = 10
seed = 3

[[queues]]
name = "voice"
rate_per_hour = 100
handle_time = { distribution = "exponential", mean_s = 180 }
patience = { distribution = "exponential", mean_s = 240 }

[[queues]]
name = "email"
channel = "email"
rate_per_hour = 10
handle_time = { distribution = "exponential", mean_s = 300 }

[[groups]]
name = "front"
skills = { voice = 1, email = 1 }

[[shifts]]
group = "front"
agents = 4
start_s = 0
end_s = 28800
not_ready = [
  { start_s = 7200, duration_s = 900, reason = "break" },
  { start_s = 14400, duration_s = 1800, reason = "lunch" },
]

[[shifts]]
group = "front"
agents = 3
start_s = 7200
end_s = 36000
drain = true
not_ready = [{ start_s = 21600, duration_s = 900 }]
"""


def test_shifts_are_read_and_count_the_agents_on_duty() -> None:
    sc = parse_scenario(SHIFTS, "s.toml")
    assert sc.shifts[0] == ShiftPlan(
        "front", 0, 28800, 4, False, (ShiftBlock(7200, 900, "break"), ShiftBlock(14400, 1800, "lunch"))
    )
    assert sc.shifts[1].drain and sc.shifts[1].not_ready[0].reason == "break"
    assert sc.groups[0].agents == (4, 4, 7, 7, 7, 7, 7, 7, 3, 3)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "skills = { voice = 1, email = 1 }",
            "agents = 3\nskills = { voice = 1, email = 1 }",
            "s.toml: groups[0].agents: leave out when [[shifts]] are given",
        ),
        ("end_s = 28800", "end_s = 99999", "s.toml: shifts[0]: needs start_s < end_s <= 36000"),
        ('group = "front"\nagents = 4', 'group = "back"\nagents = 4', "s.toml: shifts[0].group"),
        (
            "{ start_s = 7200, duration_s = 900, reason",
            "{ start_s = 30000, duration_s = 900, reason",
            "s.toml: shifts[0].not_ready[0].start_s: must fall inside the shift",
        ),
        ("voice = 1, email = 1", "voice = 2, email = 1", "s.toml: groups[0].skills.voice: must be 1"),
        ("duration_s = 1800", "duration_s = 0", "s.toml: shifts[0].not_ready[1].duration_s"),
    ],
)
def test_bad_shifts_name_the_key(old: str, new: str, message: str) -> None:
    assert old in SHIFTS
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(SHIFTS.replace(old, new, 1), "s.toml")
    assert message in exc.value.message


def test_overflow_is_refused_with_shifts() -> None:
    text = SHIFTS + '\n[[routing.overflow]]\nqueue = "voice"\ngroup = "front"\nafter_s = 30\n'
    text = text.replace("skills = { voice = 1, email = 1 }", "skills = { email = 1 }")
    with pytest.raises(ScenarioError, match=r"routing\.overflow: not available with"):
        parse_scenario(text, "s.toml")


def _whole_day(sc_queue: Queue, n: int) -> Scenario:
    base = scenario([sc_queue], [group("g", n, {"q": 1}, HOURS)], intervals=HOURS)
    return dataclasses.replace(base, shifts=(ShiftPlan("g", 0, HOURS * 3600.0, n),))


@pytest.mark.parametrize(("n", "per_hour", "seed"), [(10, 160.0, 31)])
def test_erlang_c_with_one_all_day_shift(n: int, per_hour: float, seed: int) -> None:
    aht, t = 180.0, 20.0
    lam, mu = per_hour / 3600, 1 / aht
    c = erlang_c(n, lam / mu)
    sl = 1 - c * math.exp(-(n * mu - lam) * t)
    sc = _whole_day(queue(per_interval=per_hour, intervals=HOURS, aht=aht, threshold=t), n)
    m = simulate(sc, replications=30, seed=seed).metrics(WINDOW)
    assert _within(c, m["p_wait_ci"]), (c, m["p_wait_ci"])
    assert _within(sl, m["service_level_ci"]), (sl, m["service_level_ci"])
    assert _within(lam / mu / n, m["occupancy_ci"]), (lam / mu / n, m["occupancy_ci"])


def test_erlang_a_with_one_all_day_shift() -> None:
    n, per_hour, patience, aht = 10, 190.0, 300.0, 180.0
    p_wait, p_ab = erlang_a(n, per_hour / 3600, 1 / aht, 1 / patience)
    sc = _whole_day(queue(per_interval=per_hour, intervals=HOURS, aht=aht, patience=patience), n)
    m = simulate(sc, replications=30, seed=41).metrics(WINDOW)
    assert _within(p_wait, m["p_wait_ci"]), (p_wait, m["p_wait_ci"])
    assert _within(p_ab, m["abandon_rate_ci"]), (p_ab, m["abandon_rate_ci"])


def test_busy_and_idle_come_from_the_state_timeline() -> None:
    sc = parse_scenario(SHIFTS, "s.toml")
    r = simulate(sc, replications=3, seed=5)
    for rep in range(3):
        st = replication_floor(sc, rep, seed=5).states
        end = np.minimum(st.end_s, sc.horizon_s)
        seconds = np.maximum(end - st.start_s, 0.0)
        assert r.idle_s[rep].sum() == pytest.approx(seconds[st.state == 0].sum())
        assert r.busy_s[rep].sum() == pytest.approx(seconds[(st.state == 1) | (st.state == 2)].sum())
    # Logged-in time less the not-ready blocks; a call in progress at log-off (and the
    # closing shift's drain) adds a little, and a block still pending at log-off is cut.
    logged = sum(p.agents * (p.end_s - p.start_s) for p in sc.shifts)
    breaks = sum(p.agents * sum(b.duration_s for b in p.not_ready) for p in sc.shifts)
    worked = (r.busy_s + r.idle_s).sum(axis=(1, 2))
    assert np.all(np.abs(worked - (logged - breaks)) < 4 * 1800)
    m = r.metrics()
    assert m["offered"] == pytest.approx(m["answered"] + m["abandoned"] + m["still_waiting"])
    assert 0.3 < m["occupancy"] < 1.0


def test_each_agent_has_an_occupancy_that_adds_up_to_the_groups() -> None:
    """With shifts every agent is someone: per-agent busy and on-duty seconds from the
    timeline, summing to the groups' figures, in the JSON as ``agents``."""
    sc = parse_scenario(SHIFTS, "s.toml")
    r = simulate(sc, replications=3, seed=5)
    agents = r.agent_occupancy()
    assert agents is not None and len(agents) == sum(p.agents for p in sc.shifts)
    assert r.agent_busy_s is not None and r.agent_idle_s is not None
    assert r.agent_busy_s.sum(axis=1) == pytest.approx(r.busy_s.sum(axis=(1, 2)))
    assert r.agent_idle_s.sum(axis=1) == pytest.approx(r.idle_s.sum(axis=(1, 2)))
    for a in agents:
        assert 0 < a["busy_s"] <= a["on_duty_s"] and 0 < a["occupancy"] < 1
        assert a["occupancy_ci"][0] <= a["occupancy"] <= a["occupancy_ci"][1]
    assert r.to_dict()["agents"] == agents
    curve = simulate(dataclasses.replace(sc, shifts=()), replications=2, seed=1)
    assert curve.agent_occupancy() is None and "agents" not in curve.to_dict()


def test_breaks_cost_service_level() -> None:
    sc = parse_scenario(SHIFTS, "s.toml")
    no_breaks = dataclasses.replace(sc, shifts=tuple(dataclasses.replace(p, not_ready=()) for p in sc.shifts))
    with_b = simulate(sc, replications=20, seed=9).metrics(queues=[0])
    without = simulate(no_breaks, replications=20, seed=9).metrics(queues=[0])
    assert with_b["service_level"] < without["service_level"]


def test_timeline_and_records_of_a_shift_replication() -> None:
    sc = parse_scenario(SHIFTS, "s.toml")
    res = replication_floor(sc, 1, seed=4)
    st, rec = res.states, res.contacts
    assert np.array_equal(replication_records(sc, 1, seed=4).answered_s, rec.answered_s, equal_nan=True)
    counts = simulate(sc, replications=2, seed=4).counts
    assert rec.arrival_s.size == counts["offered"][1].sum()
    for a in range(7):
        mine = np.argsort(np.where(st.agent == a, st.start_s, np.inf))[: (st.agent == a).sum()]
        assert (st.start_s[mine][1:] >= st.end_s[mine][:-1]).all()
        assert st.start_s[mine][0] == (0 if a < 4 else 7200)
    assert {st.reasons[k] for k in st.reason[st.reason >= 0]} == {"break", "lunch"}
    # E-mail is taken only when no call waits for the agent.
    calls = rec.queue == 0
    left = np.where(
        np.isnan(rec.answered_s), np.where(np.isnan(rec.ended_s), np.inf, rec.ended_s), rec.answered_s
    )
    for k in np.flatnonzero((rec.queue == 1) & ~np.isnan(rec.answered_s)):
        t = rec.answered_s[k]
        assert not (calls & (rec.arrival_s < t) & (left > t)).any()


def test_cli_outputs_with_shifts(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SHIFTS, encoding="utf-8")
    runner = CliRunner()
    states, contacts = tmp_path / "states.csv", tmp_path / "contacts.csv"
    out = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            str(path),
            "--replications",
            "2",
            "--json",
            "--states-csv",
            str(states),
            "--contacts-csv",
            str(contacts),
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) >= {"totals", "intervals", "queues"}
    rows = list(csv.DictReader(states.open(encoding="utf-8")))
    assert {r["state"] for r in rows} >= {"available", "on_contact", "not_ready"}
    assert {r["agent"] for r in rows} == {f"front#{k}" for k in range(1, 8)}
    assert any(r["reason"] == "lunch" for r in rows)
    assert len(list(csv.DictReader(contacts.open(encoding="utf-8")))) > 500
    plain = tmp_path / "plain.toml"
    plain.write_text(
        '[simulation]\nintervals = 1\n[[queues]]\nname = "q"\nrate_per_hour = 1\n'
        'handle_time = { distribution = "exponential", mean_s = 60 }\n'
        '[[groups]]\nname = "g"\nagents = 1\nskills = { q = 1 }\n',
        encoding="utf-8",
    )
    bad = runner.invoke(app, ["simulate", "--scenario", str(plain), "--states-csv", str(states)])
    assert bad.exit_code == 2 and "no [[shifts]]" in bad.output
