"""Required agents (Erlang C and A), occupancy cap, shrinkage, chat concurrency, deferred work."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorwalker.errors import InvalidInput
from floorwalker.wfm.deferred import deferred_required_agents
from floorwalker.wfm.erlang import erlang_c, traffic_erlangs
from floorwalker.wfm.erlang_a import erlang_a
from floorwalker.wfm.staffing import (
    chat_required_agents,
    chat_slots_metrics,
    erlang_a_required_agents,
    erlang_c_required_agents,
    occupancy_agents,
    scheduled_agents,
    total_shrinkage,
)


def test_worked_example_with_occupancy_cap_and_shrinkage() -> None:
    a = traffic_erlangs(100, 1800, 180)
    n = erlang_c_required_agents(a, 180, 20, target_sl=0.8, max_occupancy=0.85)
    assert int(n) == 14
    assert int(scheduled_agents(n, 0.3)) == 20  # 14 / 0.7 is 20.000000000000004 in floats


def test_occupancy_cap_binds_when_tighter() -> None:
    a = traffic_erlangs(100, 1800, 180)  # 10 Erlangs
    assert int(erlang_c_required_agents(a, 180, 20, target_sl=0.5, max_occupancy=0.6)) == 17
    assert int(occupancy_agents(10.0, 0.6)) == 17
    assert int(erlang_c_required_agents(a, 180, 20, max_occupancy=1.0)) == 11  # stability needs n > a


def test_asa_target_and_all_targets_together() -> None:
    a = np.array([2.0, 10.0, 55.5, 300.0])
    need = erlang_c_required_agents(a, 240, 20, target_sl=0.8, target_asa_s=15, max_occupancy=0.9)
    m = erlang_c(need, a, 240, 20)
    assert np.all(m.service_level >= 0.8) and np.all(m.asa_s <= 15) and np.all(m.occupancy <= 0.9)
    worse = erlang_c(need - 1, a, 240, 20)
    assert np.all((worse.service_level < 0.8) | (worse.asa_s > 15) | (worse.occupancy > 0.9))


def test_no_contacts_need_no_agents() -> None:
    assert erlang_c_required_agents([0.0, 0.0], 180, 20, target_sl=0.8).tolist() == [0, 0]
    assert erlang_a_required_agents([0.0], 180, 60, 20, target_sl=0.8).tolist() == [0]
    assert int(scheduled_agents(0, 0.35)) == 0


def test_large_center_solves() -> None:
    need = erlang_c_required_agents(19_900.0, 180, 20, target_sl=0.8)
    assert int(need) > 19_900
    m = erlang_c(need, 19_900.0, 180, 20)
    assert float(m.service_level) >= 0.8 > float(erlang_c(need - 1, 19_900.0, 180, 20).service_level)


@pytest.mark.parametrize(
    "convention", ["answered_within_over_offered", "answered_within_over_offered_less_abandoned_within"]
)
def test_erlang_a_required_is_the_fewest(convention: str) -> None:
    a = np.array([0.4, 10.0, 48.0, 400.0])
    need = erlang_a_required_agents(a, 200, 90, 20, target_sl=0.8, max_abandon=0.03, sl_convention=convention)
    ok = erlang_a(need, a, 200, 90, 20, convention)
    assert np.all(ok.service_level >= 0.8) and np.all(ok.abandon_probability <= 0.03)
    short = erlang_a(need - 1, a, 200, 90, 20, convention)
    assert np.all((short.service_level < 0.8) | (short.abandon_probability > 0.03))


def test_erlang_a_needs_no_more_than_c_for_patient_enough_callers() -> None:
    a = traffic_erlangs(100, 1800, 180)
    c = int(erlang_c_required_agents(a, 180, 20, target_sl=0.8))
    assert int(erlang_a_required_agents(a, 180, 1e8, 20, target_sl=0.8)) == c
    assert int(erlang_a_required_agents(a, 180, 120, 20, target_sl=0.8)) < c


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 150.0), sl=st.floats(0.5, 0.95), t=st.floats(5.0, 60.0))
def test_erlang_c_required_is_the_fewest(a: float, sl: float, t: float) -> None:
    n = int(erlang_c_required_agents(a, 300, t, target_sl=sl))
    assert float(erlang_c(n, a, 300, t).service_level) >= sl
    below = erlang_c(n - 1, a, 300, t)
    assert n - 1 <= a or float(below.service_level) < sl


def test_shrinkage() -> None:
    assert float(total_shrinkage(0.2, 0.1)) == pytest.approx(0.3)
    assert scheduled_agents([10, 11, 0], 0.35).tolist() == [16, 17, 0]
    with pytest.raises(InvalidInput, match="below 1"):
        total_shrinkage(0.6, 0.4)
    with pytest.raises(InvalidInput, match="shrinkage"):
        scheduled_agents(10, 1.0)


def test_chat_concurrency_is_slots_over_k() -> None:
    # 120 chats per 30 min, a session holds a slot 600 s when agents run 3 at once.
    slots = erlang_c_required_agents(traffic_erlangs(120, 1800, 600), 600, 60, target_sl=0.8)
    agents = chat_required_agents(120, 1800, 600, 3, 60, target_sl=0.8)
    assert int(agents) == -(-int(slots) // 3)
    m = chat_slots_metrics(agents, 3, 120, 1800, 600, 60)
    assert float(m.service_level) >= 0.8
    assert int(chat_required_agents(120, 1800, 600, 1, 60, target_sl=0.8)) == int(slots)
    with pytest.raises(InvalidInput, match="concurrency"):
        chat_required_agents(120, 1800, 600, 0, 60, target_sl=0.8)


def test_deferred_work_steady_flow_and_backlog() -> None:
    # 10 emails every 30 min for a day, 10 min each, answered within 24 h: 480 × 600 s of
    # work must be done between the first arrival and the last due time (47 × 1800 + 86400 s).
    day = deferred_required_agents([10] * 48, 1800, 600, 86_400)
    assert day.agents_exact == pytest.approx(480 * 600 / (47 * 1800 + 86_400))
    assert day.agents == 2
    # A backlog of 100 items due within the hour dominates: 60,000 s of work in 3,600 s.
    backlog = deferred_required_agents([0] * 8, 1800, 600, 3600, backlog=100)
    assert backlog.agents == 17 and backlog.window_end_s == 3600
    # Only 85% of the time goes on items: more agents.
    assert deferred_required_agents([0] * 8, 1800, 600, 3600, backlog=100, max_occupancy=0.85).agents == 20
    # A burst late in the horizon binds on its own window, not the whole horizon.
    burst = deferred_required_agents([0, 0, 0, 30], 1800, 600, 3600)
    assert burst.window_start_s == 3 * 1800 and burst.agents == 5
    assert deferred_required_agents([0, 0], 1800, 600, 3600).agents == 0
    with pytest.raises(InvalidInput, match="response_goal_s"):
        deferred_required_agents([1], 1800, 600, 0)


def test_erlang_a_solves_twenty_thousand_erlangs() -> None:
    need = int(erlang_a_required_agents(20_000.0, 180, 300, 20, target_sl=0.8, max_abandon=0.01))
    assert 19_000 < need < 20_200
    ok = erlang_a(need, 20_000.0, 180, 300, 20)
    short = erlang_a(need - 1, 20_000.0, 180, 300, 20)
    assert float(ok.service_level) >= 0.8 and float(ok.abandon_probability) <= 0.01
    assert float(short.service_level) < 0.8 or float(short.abandon_probability) > 0.01


def test_deferred_work_in_business_hours_runs_on_the_workable_clock() -> None:
    # Four one-hour intervals, open, closed, closed, open; 10 items of 6 minutes arrive in
    # each closed hour; the goal is 30 business minutes. Both hours' items start their
    # clock when the center opens again: 2 hours of work due within 30 open minutes → 4.
    arrivals = [0, 10, 10, 0]
    masked = deferred_required_agents(arrivals, 3600, 360, 1800, workable=[True, False, False, True])
    assert masked.agents == 4
    # Staffed round the clock, each hour's hour of work is due 30 minutes later → 2.
    assert deferred_required_agents(arrivals, 3600, 360, 1800).agents == 2
    # No mask and an all-open mask are the same model.
    assert deferred_required_agents(arrivals, 3600, 360, 1800, workable=[True] * 4).agents == 2
