"""Erlang A (M/M/n+M): exact against a brute-force birth–death reference, the limit to
Erlang C, both service-level conventions, edge cases, monotonicity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorwalker.errors import InvalidInput
from floorwalker.wfm.erlang import erlang_c
from floorwalker.wfm.erlang_a import erlang_a, log_a_function
from tests.wfm import _reference as ref

EXCLUDED = "answered_within_over_offered_less_abandoned_within"


@pytest.mark.parametrize(
    ("n", "a", "aht", "patience", "t"),
    [(14, 10.0, 180, 120, 20), (3, 4.0, 300, 60, 30), (1, 0.7, 200, 500, 10), (8, 9.5, 240, 90, 0)],
)
def test_matches_brute_force_chain(n: int, a: float, aht: float, patience: float, t: float) -> None:
    r = ref.erlang_a(n, a, aht, patience, t, queue_cap=60)
    m = erlang_a(n, a, aht, patience, t)
    ex = erlang_a(n, a, aht, patience, t, EXCLUDED)
    assert float(m.waiting_probability) == pytest.approx(float(r["waiting_probability"]), rel=1e-11)
    assert float(m.service_level) == pytest.approx(float(r["service_level"]), rel=1e-11)
    assert float(ex.service_level) == pytest.approx(float(r["service_level_excluding"]), rel=1e-11)
    assert float(m.abandon_probability) == pytest.approx(float(r["abandon_probability"]), rel=1e-10)
    assert float(m.asa_s) == pytest.approx(float(r["asa_s"]), rel=1e-10)
    assert float(m.occupancy) == pytest.approx(float(r["occupancy"]), rel=1e-11)


def test_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c(14, 10.0, 180, 20)
    gaps = []
    for patience in (1e3, 1e5, 1e7, 1e9):
        m = erlang_a(14, 10.0, 180, patience, 20)
        gaps.append(abs(float(m.service_level - c.service_level)))
        assert float(m.abandon_probability) < 200 / patience
    assert gaps == sorted(gaps, reverse=True)
    m = erlang_a(14, 10.0, 180, 1e9, 20)
    assert float(m.waiting_probability) == pytest.approx(float(c.waiting_probability), abs=1e-6)
    assert float(m.service_level) == pytest.approx(float(c.service_level), abs=1e-6)
    assert float(m.asa_s) == pytest.approx(float(c.asa_s), rel=1e-5)


def test_conventions_differ_only_by_early_abandoners() -> None:
    fail = erlang_a(10, 10.0, 180, 60, 20)
    kept = erlang_a(10, 10.0, 180, 60, 20, EXCLUDED)
    assert float(kept.service_level) > float(fail.service_level)
    same = erlang_a(10, 10.0, 180, 60, 0, EXCLUDED)  # nobody abandons within 0 s
    assert float(same.service_level) == pytest.approx(float(1 - fail.waiting_probability))


def test_edges_no_traffic_no_agents_overload_and_large() -> None:
    idle = erlang_a([0, 4], 0.0, 180, 60, 20)
    assert idle.service_level.tolist() == [1.0, 1.0] and idle.abandon_probability.tolist() == [0.0, 0.0]
    none = erlang_a(0, 5.0, 180, 60, 20)
    assert float(none.abandon_probability) == 1.0 and np.isinf(none.asa_s)
    assert float(none.service_level) == 0.0
    # Far more traffic than agents: stable thanks to abandonment; P(ab) ≈ 1 − n/a.
    over = erlang_a(5_000, 19_900.0, 180, 300, 20)
    assert float(over.abandon_probability) == pytest.approx(1 - 5_000 / 19_900, abs=1e-3)
    big = erlang_a([20_000, 20_000, 1], [19_900.0, 21_000.0, 0.9], 180, [300, 30, 10_000], 20)
    for arr in (big.waiting_probability, big.service_level, big.abandon_probability, big.occupancy):
        assert np.all(np.isfinite(arr)) and np.all((arr >= 0) & (arr <= 1))
    assert np.all(np.isfinite(big.asa_s))


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInput, match="patience_s"):
        erlang_a(3, 1.0, 180, 0, 20)
    with pytest.raises(InvalidInput, match="convention"):
        erlang_a(3, 1.0, 180, 60, 20, "answered_within_over_answered")


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.05, 80.0),
    patience=st.floats(5.0, 2_000.0),
    t=st.floats(0.0, 60.0),
    excluded=st.booleans(),
)
def test_monotone_in_agents_and_bounded(a: float, patience: float, t: float, excluded: bool) -> None:
    n = np.arange(0, int(a) + 25)
    m = erlang_a(n, a, 200.0, patience, t, EXCLUDED if excluded else "answered_within_over_offered")
    for arr in (m.waiting_probability, m.service_level, m.abandon_probability, m.occupancy):
        assert np.all((arr >= 0) & (arr <= 1))
    assert np.all(np.diff(m.service_level) >= -1e-12)
    assert np.all(np.diff(m.abandon_probability) <= 1e-12)
    assert np.all(np.diff(m.waiting_probability) <= 1e-12)
    assert np.all(np.diff(m.occupancy[1:]) <= 1e-12)  # the solver's bisection relies on it too


def test_long_queues_summed_from_the_largest_term_agree_with_summing_from_zero() -> None:
    x = np.array([0.0, 3.0, 100.0, 1_000.0, 50_000.0])
    y = np.array([3_000.0, 4_000.0, 8_000.0, 9_000.0, 60_000.0])
    plain_a, plain_j = log_a_function(x, y, with_j=True, mode_start_above=1e18)
    mode_a, mode_j = log_a_function(x, y, with_j=True, mode_start_above=100.0)
    np.testing.assert_allclose(mode_a, plain_a, rtol=1e-13)
    np.testing.assert_allclose(mode_j, plain_j, rtol=1e-13)
    # A(0, y) = e^y exactly
    assert mode_a[0] == pytest.approx(3_000.0, rel=1e-14)


def test_overloaded_twenty_thousand_erlangs_is_quick_and_sane() -> None:
    m = erlang_a([15_000, 20_000], 20_000.0, 180, 3_600, 20)
    # fluid limit: with n < a the abandoning share is 1 − n/a
    assert float(m.abandon_probability[0]) == pytest.approx(0.25, abs=1e-6)
    assert float(m.service_level[0]) < 1e-9 and float(m.occupancy[0]) == pytest.approx(1.0, abs=1e-6)
    assert 0 < float(m.abandon_probability[1]) < 0.01
    for arr in (m.waiting_probability, m.service_level, m.abandon_probability, m.occupancy, m.asa_s):
        assert np.all(np.isfinite(arr))


def test_largest_term_from_log_gamma_matches_the_direct_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    import mpmath as mp

    from floorwalker.wfm import erlang_a as module

    direct = [module._largest_term(x, y, k0) for x, y, k0 in [(3.0, 5e4, 4e4), (2e4, 9e4, 6e4)]]
    monkeypatch.setattr(module, "_DIRECT_SUM_UP_TO", 10)
    closed = [module._largest_term(x, y, k0) for x, y, k0 in [(3.0, 5e4, 4e4), (2e4, 9e4, 6e4)]]
    np.testing.assert_allclose(closed, direct, rtol=1e-13)
    for z in (0.3, 1.0, 7.5, 25.0, 1e7):
        assert module._digamma(z) == pytest.approx(float(mp.digamma(z)), rel=1e-15, abs=1e-15)
