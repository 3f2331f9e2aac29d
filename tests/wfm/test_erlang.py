"""Erlang B and C: published reference values, a high-precision reference, edge cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorwalker.errors import InvalidInput
from floorwalker.wfm.erlang import erlang_b, erlang_b_lines, erlang_c, traffic_erlangs
from tests.wfm import _reference as ref


def test_pyworkforce_and_cran_worked_example() -> None:
    # 100 calls per 30 min, AHT 180 s, 80% answered in 20 s: 14 agents (pyworkforce, CRAN ErlangC)
    a = traffic_erlangs(100, 1800, 180)
    assert a == pytest.approx(10.0)
    m = erlang_c(14, a, 180, 20)
    assert float(m.waiting_probability) == pytest.approx(0.1741, abs=5e-5)
    assert float(m.service_level) == pytest.approx(0.8884, abs=5e-5)
    assert float(m.asa_s) == pytest.approx(7.84, abs=5e-3)
    assert float(m.occupancy) == pytest.approx(10 / 14)
    assert float(erlang_c(13, a, 180, 20).service_level) < 0.8 < float(m.service_level)


def test_erlang_b_table_lines_at_one_percent() -> None:
    lines, blocking = erlang_b_lines([5.0, 10.0, 708.0], 0.01)
    assert lines.tolist() == [11, 18, 736]
    assert np.all(blocking <= 0.01)
    assert np.all(erlang_b(lines - 1, [5.0, 10.0, 708.0]) > 0.01)


@pytest.mark.parametrize(("n", "a"), [(1, 0.5), (11, 5.0), (18, 10.0), (736, 708.0), (150, 160.0)])
def test_erlang_b_matches_high_precision(n: int, a: float) -> None:
    assert float(erlang_b(n, a)) == pytest.approx(float(ref.erlang_b(n, a)), rel=1e-12)


@pytest.mark.parametrize(("n", "a", "t"), [(1, 0.3, 20), (14, 10.0, 20), (120, 110.5, 15), (400, 399.2, 0)])
def test_erlang_c_matches_high_precision(n: int, a: float, t: float) -> None:
    m = erlang_c(n, a, 240.0, t)
    r = ref.erlang_c(n, a, 240.0, t)
    assert float(m.waiting_probability) == pytest.approx(float(r["waiting_probability"]), rel=1e-11)
    assert float(m.service_level) == pytest.approx(float(r["service_level"]), rel=1e-11)
    assert float(m.asa_s) == pytest.approx(float(r["asa_s"]), rel=1e-10)


def test_vectorised_equals_one_at_a_time() -> None:
    n = np.array([3, 14, 1, 250, 14])
    a = np.array([2.5, 10.0, 0.2, 240.0, 13.0])
    both = erlang_c(n, a, 300.0, 20.0)
    for i in range(n.size):
        one = erlang_c(int(n[i]), float(a[i]), 300.0, 20.0)
        assert both.service_level[i] == one.service_level
        assert both.asa_s[i] == one.asa_s


def test_unstable_no_traffic_and_one_agent() -> None:
    m = erlang_c([5, 10, 0], [10.0, 10.0, 3.0], 180, 20)  # agents ≤ traffic
    assert m.waiting_probability.tolist() == [1.0, 1.0, 1.0]
    assert m.service_level.tolist() == [0.0, 0.0, 0.0]
    assert np.all(np.isinf(m.asa_s))
    assert m.occupancy.tolist() == [1.0, 1.0, 1.0]
    idle = erlang_c([0, 3], 0.0, 180, 20)
    assert idle.waiting_probability.tolist() == [0.0, 0.0]
    assert idle.service_level.tolist() == [1.0, 1.0]
    assert idle.asa_s.tolist() == [0.0, 0.0]
    assert float(erlang_b(4, 0.0)) == 0.0
    one = erlang_c(1, 0.5, 100, 0)  # M/M/1: P(wait) = ρ, ASA = ρ/(1 − ρ)·AHT
    assert float(one.waiting_probability) == pytest.approx(0.5)
    assert float(one.asa_s) == pytest.approx(100.0)


def test_twenty_thousand_agents_no_overflow() -> None:
    n = np.array([20_000, 20_000, 19_999, 20_000, 1])
    a = np.array([19_800.0, 19_999.5, 20_000.0, 5.0, 20_000.0])
    m = erlang_c(n, a, 180, 20)
    for arr in (m.waiting_probability, m.service_level, m.occupancy):
        assert np.all(np.isfinite(arr)) and np.all((arr >= 0) & (arr <= 1))
    assert float(m.waiting_probability[3]) == 0.0 and float(m.service_level[3]) == 1.0
    assert float(m.service_level[2]) == 0.0 and np.isinf(m.asa_s[2])
    assert 0 < m.waiting_probability[1] < 1  # occupancy 0.999975, still stable
    b = erlang_b(n, a)
    assert np.all(np.isfinite(b)) and np.all((b >= 0) & (b <= 1))
    lines, blocking = erlang_b_lines(20_000.0, 0.01)
    assert 19_500 < int(lines) < 20_200 and float(blocking) <= 0.01  # big groups beat the traffic
    assert float(erlang_b(int(lines) - 1, 20_000.0)) > 0.01


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInput, match="traffic"):
        erlang_b(3, -1.0)
    with pytest.raises(InvalidInput, match="lines"):
        erlang_b(2.5, 1.0)
    with pytest.raises(InvalidInput, match="max_blocking"):
        erlang_b_lines(5.0, 1.0)
    with pytest.raises(InvalidInput, match="aht_s"):
        erlang_c(3, 1.0, 0.0, 20)
    with pytest.raises(InvalidInput, match="traffic"):
        erlang_c(3, float("nan"), 180, 20)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0.01, 300.0),
    t=st.floats(0.0, 120.0),
    aht=st.floats(10.0, 900.0),
)
def test_monotone_in_agents_and_bounded(a: float, t: float, aht: float) -> None:
    n = np.arange(0, int(a) + 40)
    m = erlang_c(n, a, aht, t)
    b = erlang_b(n, a)
    for arr in (m.waiting_probability, m.service_level, m.occupancy, b):
        assert np.all((arr >= 0) & (arr <= 1))
    assert np.all(np.diff(b) <= 0)
    assert np.all(np.diff(m.waiting_probability) <= 1e-15)
    assert np.all(np.diff(m.service_level) >= -1e-15)
    assert np.all(np.diff(m.asa_s[np.isfinite(m.asa_s)]) <= 1e-12)


def test_far_more_lines_than_traffic_is_zero_blocking() -> None:
    b = erlang_b([10_000_000, 3, 200], 5.0)
    assert b[0] == 0.0  # underflowed: the true value is below 1e-300
    assert b[2] == pytest.approx(float(ref.erlang_b(200, 5.0)), rel=1e-12)  # 5e-238, not yet 0
    assert b[1] == pytest.approx(float(ref.erlang_b(3, 5.0)), rel=1e-13)
