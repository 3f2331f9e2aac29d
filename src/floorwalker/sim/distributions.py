"""Random durations for the simulator: handle time, wrap-up and customer patience. Pure.

All durations are seconds. Every sampler takes a ``numpy.random.Generator`` so a run is
reproduced exactly by its seed.

Kinds:
- ``constant``: always ``mean_s``;
- ``exponential``: mean ``mean_s``;
- ``lognormal``: mean ``mean_s`` and coefficient of variation ``cv`` (standard deviation /
  mean), i.e. σ² = ln(1 + cv²), μ = ln(mean) − σ²/2;
- ``empirical``: resampled with replacement from observed ``values_s`` (handle times);
  for patience, the Kaplan–Meier estimate from abandoned waits (events) and answered
  waits (right-censored: the customer was still willing to wait when answered), see
  :class:`KaplanMeier`;
- ``none`` (patience only): the customer never abandons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

KINDS = ("constant", "exponential", "lognormal", "empirical", "none")


@dataclass(frozen=True)
class Distribution:
    """A duration distribution in seconds (see the module docstring for the kinds)."""

    kind: str
    mean_s: float = 0.0
    cv: float = 0.0
    #: empirical handle times, or the abandoned waits of an empirical patience
    values_s: tuple[float, ...] = ()
    #: empirical patience only: waits of answered contacts (censored observations)
    censored_s: tuple[float, ...] = ()
    _km: KaplanMeier | None = field(default=None, compare=False, repr=False)

    def kaplan_meier(self) -> KaplanMeier:
        if self._km is None:
            object.__setattr__(self, "_km", KaplanMeier.fit(self.values_s, self.censored_s))
        assert self._km is not None
        return self._km

    @property
    def mean(self) -> float:
        """Mean in seconds (``inf`` for ``none``; Kaplan–Meier mean with its tail)."""
        if self.kind == "none":
            return math.inf
        if self.kind == "empirical":
            if self.censored_s:
                return self.kaplan_meier().mean()
            return float(np.mean(self.values_s))
        return self.mean_s


def sample(dist: Distribution, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` independent draws (seconds, float64)."""
    if dist.kind == "none":
        return np.full(n, np.inf)
    if dist.kind == "constant":
        return np.full(n, float(dist.mean_s))
    if dist.kind == "exponential":
        return np.asarray(rng.exponential(dist.mean_s, n) if dist.mean_s > 0 else np.zeros(n), np.float64)
    if dist.kind == "lognormal":
        if dist.cv <= 0:
            return np.full(n, float(dist.mean_s))
        sigma2 = math.log1p(dist.cv * dist.cv)
        mu = math.log(dist.mean_s) - sigma2 / 2
        return np.asarray(rng.lognormal(mu, math.sqrt(sigma2), n), np.float64)
    if dist.kind == "empirical":
        if dist.censored_s:
            return dist.kaplan_meier().sample(rng, n)
        values = np.asarray(dist.values_s, dtype=np.float64)
        return values[rng.integers(0, values.size, n)]
    raise ValueError(f"unknown distribution kind {dist.kind!r}")


def sample_at_least(dist: Distribution, rng: np.random.Generator, lower_s: np.ndarray) -> np.ndarray:
    """One draw per element of ``lower_s``, each conditioned on being at least that many
    seconds (a patience known only to exceed an observed wait)."""
    n = lower_s.size
    if dist.kind == "none":
        return np.full(n, np.inf)
    if dist.kind == "exponential":
        return np.asarray(lower_s + sample(dist, rng, n), np.float64)  # memoryless
    if dist.kind == "empirical" and dist.censored_s:
        return dist.kaplan_meier().sample(rng, n, at_least_s=lower_s)
    # Others: rejection by redrawing the ones below their bound, then clamp the stragglers.
    out = sample(dist, rng, n)
    for _ in range(50):
        low = out < lower_s
        if not low.any():
            return out
        out[low] = sample(dist, rng, int(low.sum()))
    return np.asarray(np.maximum(out, lower_s), np.float64)


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan–Meier estimate of the patience survival function S(t) = P(patience > t).

    Abandoned contacts give events at their wait; answered contacts give right-censored
    observations at their wait (the customer would have waited at least that long). Ties:
    events before censorings at the same time (the usual convention). Beyond the largest
    observation the estimate says nothing; the remaining mass S(t_max) is given an
    exponential tail with the constant-hazard maximum-likelihood rate, abandons / total
    seconds waited by everyone.
    """

    times: np.ndarray  # distinct event times, ascending (seconds)
    survival: np.ndarray  # S just after each event time
    t_max: float  # largest observation (event or censored)
    tail_rate: float  # per second; 0 when no abandons at all

    @classmethod
    def fit(cls, events_s: tuple[float, ...], censored_s: tuple[float, ...]) -> KaplanMeier:
        ev = np.sort(np.asarray(events_s, dtype=np.float64))
        ce = np.sort(np.asarray(censored_s, dtype=np.float64))
        if ev.size + ce.size == 0:
            raise ValueError("a Kaplan–Meier estimate needs at least one observation")
        times, deaths = np.unique(ev, return_counts=True)
        # At risk at t: observations (either kind) with value >= t.
        at_risk = (ev.size - np.searchsorted(ev, times, side="left")) + (
            ce.size - np.searchsorted(ce, times, side="left")
        )
        survival = np.cumprod(1.0 - deaths / at_risk)
        total = float(ev.sum() + ce.sum())
        t_max = float(max(ev.max() if ev.size else 0.0, ce.max() if ce.size else 0.0))
        rate = ev.size / total if total > 0 else 0.0
        return cls(times=times, survival=survival, t_max=t_max, tail_rate=rate)

    def survival_at(self, t_s: np.ndarray) -> np.ndarray:
        """S(t) for each t (before the tail: the KM step function)."""
        idx = np.searchsorted(self.times, t_s, side="right")
        s = np.where(idx > 0, self.survival[np.maximum(idx - 1, 0)], 1.0)
        beyond = t_s > self.t_max
        if beyond.any():
            last = self.survival[-1] if self.survival.size else 1.0
            s = np.where(beyond, last * np.exp(-self.tail_rate * (t_s - self.t_max)), s)
        return np.asarray(s, dtype=np.float64)

    def mean(self) -> float:
        """Mean patience in seconds: area under S up to t_max plus the tail's S(t_max)/rate."""
        edges = np.concatenate(([0.0], self.times, [self.t_max]))
        levels = np.concatenate(([1.0], self.survival))
        area = float(np.sum(levels * np.diff(np.maximum.accumulate(edges))))
        last = float(self.survival[-1]) if self.survival.size else 1.0
        if last > 0:
            area += math.inf if self.tail_rate == 0 else last / self.tail_rate
        return area

    def sample(self, rng: np.random.Generator, n: int, at_least_s: np.ndarray | None = None) -> np.ndarray:
        """Inverse-transform draws; with ``at_least_s``, conditioned on patience ≥ bound."""
        u = rng.random(n)
        if at_least_s is not None:
            u = u * self.survival_at(at_least_s)
        # smallest event time t_j with S(t_j) <= u; S is non-increasing, so search on -S.
        j = np.searchsorted(-self.survival, -u, side="left")
        out = np.empty(n, dtype=np.float64)
        inside = j < self.times.size
        out[inside] = self.times[j[inside]]
        tail = ~inside
        if tail.any():
            last = self.survival[-1] if self.survival.size else 1.0
            if self.tail_rate <= 0:
                out[tail] = np.inf
            else:
                # Solve last * exp(-rate (t - t_max)) = u for t beyond t_max.
                out[tail] = self.t_max + np.log(last / u[tail]) / self.tail_rate
        if at_least_s is not None:
            out = np.maximum(out, at_least_s)
        return out
