"""Duration distributions, the Kaplan–Meier patience estimate, Student t quantiles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from floorwalker.sim.distributions import Distribution, KaplanMeier, sample, sample_at_least
from floorwalker.sim.results import mean_ci, t_quantile


def test_lognormal_mean_and_cv() -> None:
    x = sample(Distribution("lognormal", mean_s=300, cv=0.8), np.random.default_rng(1), 400_000)
    assert x.mean() == pytest.approx(300, rel=0.01)
    assert x.std() / x.mean() == pytest.approx(0.8, rel=0.02)


def test_exponential_constant_empirical_none() -> None:
    rng = np.random.default_rng(2)
    assert sample(Distribution("exponential", mean_s=50), rng, 200_000).mean() == pytest.approx(50, rel=0.01)
    assert sample(Distribution("constant", mean_s=7), rng, 3).tolist() == [7, 7, 7]
    emp = sample(Distribution("empirical", values_s=(10.0, 20.0, 60.0)), rng, 30_000)
    assert set(np.unique(emp).tolist()) == {10.0, 20.0, 60.0}
    assert emp.mean() == pytest.approx(30, rel=0.02)
    assert np.isinf(sample(Distribution("none"), rng, 2)).all()


def test_kaplan_meier_hand_example() -> None:
    # Abandons at 1, 2, 2, 4; answered (censored) at 3. At risk: 5, 4, then 1 at t=4.
    km = KaplanMeier.fit((1.0, 2.0, 2.0, 4.0), (3.0,))
    assert km.times.tolist() == [1, 2, 4]
    assert km.survival.tolist() == pytest.approx([0.8, 0.4, 0.0])
    assert km.survival_at(np.array([0.5, 1.0, 3.5, 5.0])).tolist() == pytest.approx([1, 0.8, 0.4, 0.0])
    # Mean = area under S: 1·1 + 1·0.8 + 2·0.4 = 2.6
    assert km.mean() == pytest.approx(2.6)


def test_kaplan_meier_without_censoring_is_the_empirical_distribution() -> None:
    waits = tuple(float(x) for x in np.random.default_rng(3).exponential(60, 500))
    km = KaplanMeier.fit(waits, ())
    grid = np.array([10.0, 60.0, 120.0])
    empirical = np.array([(np.array(waits) > g).mean() for g in grid])
    assert km.survival_at(grid) == pytest.approx(empirical)


def test_kaplan_meier_recovers_exponential_patience_from_censored_waits() -> None:
    # True patience Exp(mean 120 s); waits Exp(mean 60 s). Observed: abandoned if patience <
    # wait (event at patience), else answered at wait (censored). Naive mean of abandoned
    # waits is far below 120; KM with the exponential tail is not.
    rng = np.random.default_rng(4)
    patience = rng.exponential(120, 20_000)
    wait = rng.exponential(60, 20_000)
    ab = patience < wait
    dist = Distribution("empirical", values_s=tuple(patience[ab]), censored_s=tuple(wait[~ab]))
    assert patience[ab].mean() < 50
    assert dist.mean == pytest.approx(120, rel=0.08)
    draws = sample(dist, rng, 100_000)
    assert np.median(draws) == pytest.approx(120 * math.log(2), rel=0.08)
    # Conditional draws respect their lower bound.
    lower = np.full(1000, 100.0)
    assert (sample_at_least(dist, rng, lower) >= 100).all()
    assert (sample_at_least(Distribution("exponential", mean_s=10), rng, lower) >= 100).all()
    assert (sample_at_least(Distribution("lognormal", mean_s=10, cv=1), rng, lower) >= 100).all()


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (19, 2.0930), (29, 2.0452), (200, 1.9719)],
)
def test_t_quantile_matches_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_mean_ci_skips_undefined_replications() -> None:
    m, ci = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == pytest.approx(2.0)
    assert ci is not None
    half = 4.3027 * 1.0 / math.sqrt(3)
    assert ci == pytest.approx((2 - half, 2 + half), abs=1e-3)
    assert mean_ci(np.array([5.0])) == (5.0, None)
    assert mean_ci(np.array([np.nan])) == (None, None)
