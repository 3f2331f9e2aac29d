"""Tallies of simulated contacts per interval and queue, and replication confidence
intervals. Pure.

Conventions (the same as docs/simulation.md):
- contacts count in the interval in which they **arrived**;
- offered O = answered A + abandoned Ab + still waiting at the end of the horizon W;
- service level = answered within the queue's threshold T / offered (A_T / O, the
  ``answered_within_over_offered`` formula of the metric spec, with W in the denominator);
- ASA = seconds waited by answered contacts / answered;
- P(wait) = contacts not answered on arrival / offered; abandon rate = Ab / O;
- occupancy = seconds agents spent on contacts (talk and wrap-up, at least one session
  open) / (those seconds + seconds on duty with no session open);
- each ratio is computed per replication, then averaged over replications, with a 95%
  Student t confidence interval across replications (mean ± t(0.975, R−1)·s/√R), clipped
  to the possible range (0–1 for fractions, ≥ 0 for seconds).
  Replications where a ratio is undefined (no contact offered) are left out of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from floorwalker.sim import _core
from floorwalker.sim.scenario import Scenario

COUNT_KEYS = (
    "offered",
    "answered",
    "abandoned",
    "still_waiting",
    "answered_within",
    "waited",
    "wait_answered_s",
    "wait_abandoned_s",
)


def tally(
    arrival_s: np.ndarray,
    queue: np.ndarray,
    state: np.ndarray,
    wait_s: np.ndarray,
    interval_s: float,
    intervals: int,
    sl_threshold_s: np.ndarray,
) -> dict[str, np.ndarray]:
    """Counts and wait sums per (interval, queue) for one replication; each array is
    ``(intervals, queues)``."""
    n_q = sl_threshold_s.size
    arrived = state != _core.NOT_ARRIVED
    idx = np.minimum((arrival_s // interval_s).astype(np.int64), intervals - 1) * n_q + queue
    size = intervals * n_q
    answered = state == _core.ANSWERED
    abandoned = state == _core.ABANDONED

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(idx[mask], weights=w, minlength=size).astype(np.float64).reshape(intervals, n_q)

    return {
        "offered": count(arrived),
        "answered": count(answered),
        "abandoned": count(abandoned),
        "still_waiting": count(state == _core.WAITING),
        "answered_within": count(answered & (wait_s <= sl_threshold_s[queue])),
        "waited": count(arrived & ~(answered & (wait_s <= 0.0))),
        "wait_answered_s": count(answered, wait_s),
        "wait_abandoned_s": count(abandoned, wait_s),
    }


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t distribution with ``df`` degrees of freedom (p in (0.5, 1)).

    The CDF is the exact finite series for integer df (Abramowitz & Stegun 26.7.3–4),
    inverted by bisection to 1e-12."""
    if df < 1:
        raise ValueError("df must be >= 1")

    def cdf(t: float) -> float:
        theta = math.atan(t / math.sqrt(df))
        c2 = math.cos(theta) ** 2
        if df % 2 == 1:
            total, term = 0.0, math.cos(theta)
            for k in range(1, (df - 1) // 2 + 1):
                total += term
                term *= c2 * (2 * k) / (2 * k + 1)
            a = 2 / math.pi * (theta + (math.sin(theta) * total if df > 1 else 0.0))
        else:
            total, term = 0.0, 1.0
            for k in range(1, df // 2 + 1):
                total += term
                term *= c2 * (2 * k - 1) / (2 * k)
            a = math.sin(theta) * total
        return 0.5 + a / 2

    lo, hi = 0.0, 1e6
    while hi - lo > 1e-12 * max(1.0, hi):
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float | None, tuple[float, float] | None]:
    """Mean of the defined (non-NaN) per-replication values and its Student t interval
    (None with fewer than two replications)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return None, None
    m = float(v.mean())
    if v.size < 2:
        return m, None
    half = t_quantile(0.5 + level / 2, v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return m, (m - half, m + half)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _r(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _ci(x: tuple[float, float] | None, digits: int, upper: float) -> list[float] | None:
    """Rounded, and clipped to the possible range [0, upper] (few replications can give a
    t interval reaching past it)."""
    if x is None:
        return None
    return [round(max(x[0], 0.0), digits), round(min(x[1], upper), digits)]


@dataclass(frozen=True)
class SimulationResult:
    """Every replication's tallies: ``counts[key]`` is (R, I, Q); ``busy_s``/``idle_s`` are
    (R, G, I) agent-seconds."""

    scenario: Scenario
    counts: dict[str, np.ndarray]
    busy_s: np.ndarray
    idle_s: np.ndarray
    events: int
    #: runs with shifts: each agent's busy and idle seconds, (R, A), and group index, (A,)
    agent_busy_s: np.ndarray | None = None
    agent_idle_s: np.ndarray | None = None
    agent_group: np.ndarray | None = None

    @classmethod
    def stack(
        cls,
        scenario: Scenario,
        counts: list[dict[str, np.ndarray]],
        busy: list[np.ndarray],
        idle: list[np.ndarray],
        events: int,
        agents: tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray] | None = None,
    ) -> SimulationResult:
        per = (
            (None, None, None)
            if agents is None
            else (np.stack([a[0] for a in agents[0]]), np.stack([a[1] for a in agents[0]]), agents[1])
        )
        return cls(
            scenario,
            {k: np.stack([c[k] for c in counts]) for k in COUNT_KEYS},
            np.stack(busy),
            np.stack(idle),
            events,
            *per,
        )

    def agent_occupancy(self) -> list[dict[str, Any]] | None:
        """Runs with shifts: each agent's occupancy over the horizon (busy ÷ busy + idle,
        mean and 95% CI over replications), with the agent's group and mean busy and
        on-duty seconds; agents never on duty are left out. None for staffing-curve runs,
        whose agents of a group are interchangeable (the group's occupancy is each one's)."""
        if self.agent_busy_s is None or self.agent_idle_s is None or self.agent_group is None:
            return None
        out = []
        for a in range(self.agent_busy_s.shape[1]):
            busy, idle = self.agent_busy_s[:, a], self.agent_idle_s[:, a]
            if not (busy + idle).any():
                continue
            m, ci = mean_ci(_ratio(busy, busy + idle))
            out.append(
                {
                    "agent": a,
                    "group": self.scenario.groups[int(self.agent_group[a])].name,
                    "occupancy": _r(m, 4),
                    "occupancy_ci": _ci(ci, 4, 1.0),
                    "busy_s": round(float(busy.mean()), 1),
                    "on_duty_s": round(float((busy + idle).mean()), 1),
                }
            )
        return out

    @property
    def replications(self) -> int:
        return int(self.busy_s.shape[0])

    def metrics(
        self, intervals: slice | None = None, queues: list[int] | None = None, per_interval: bool = False
    ) -> dict[str, Any]:
        """Counts (mean per replication) and ratios (mean and 95% CI over replications) over
        the given intervals (default: after the warm-up) and queues (default: all).
        ``per_interval``: one dict per interval instead of one over the window."""
        win = slice(self.scenario.warmup_intervals, None) if intervals is None else intervals
        qs = list(range(len(self.scenario.queues))) if queues is None else queues
        c = {k: v[:, win][:, :, qs].sum(axis=2) for k, v in self.counts.items()}  # (R, I')
        busy = self.busy_s[:, :, win].sum(axis=1)
        idle = self.idle_s[:, :, win].sum(axis=1)
        if not per_interval:
            c = {k: v.sum(axis=1, keepdims=True) for k, v in c.items()}
            busy = busy.sum(axis=1, keepdims=True)
            idle = idle.sum(axis=1, keepdims=True)
        rows = []
        for i in range(c["offered"].shape[1]):
            col = {k: v[:, i] for k, v in c.items()}
            row: dict[str, Any] = {
                k: round(float(col[k].mean()), 2)
                for k in ("offered", "answered", "abandoned", "still_waiting")
            }
            for name, num, den, digits, upper in (
                ("service_level", col["answered_within"], col["offered"], 4, 1.0),
                ("asa_s", col["wait_answered_s"], col["answered"], 2, math.inf),
                ("abandon_rate", col["abandoned"], col["offered"], 4, 1.0),
                ("p_wait", col["waited"], col["offered"], 4, 1.0),
                ("occupancy", busy[:, i], busy[:, i] + idle[:, i], 4, 1.0),
            ):
                m, ci = mean_ci(_ratio(num, den))
                row[name] = _r(m, digits)
                row[f"{name}_ci"] = _ci(ci, digits, upper)
            rows.append(row)
        return {"intervals": rows} if per_interval else rows[0]

    def group_occupancy(self, g: int, intervals: slice | None = None) -> dict[str, Any]:
        """Group ``g``'s occupancy over the window (default: after the warm-up) with its CI,
        busy agent-seconds per replication, and the occupancy of every interval."""
        win = slice(self.scenario.warmup_intervals, None) if intervals is None else intervals
        busy = self.busy_s[:, g, win]
        idle = self.idle_s[:, g, win]
        m, ci = mean_ci(_ratio(busy.sum(axis=1), (busy + idle).sum(axis=1)))
        b_all, i_all = self.busy_s[:, g, :], self.idle_s[:, g, :]
        per = [mean_ci(_ratio(b_all[:, i], b_all[:, i] + i_all[:, i]))[0] for i in range(b_all.shape[1])]
        return {
            "occupancy": _r(m, 4),
            "occupancy_ci": _ci(ci, 4, 1.0),
            "busy_agent_s": round(float(busy.sum(axis=1).mean()), 1),
            "intervals": [_r(x, 4) for x in per],
        }

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON: totals (after the warm-up), every interval, each queue, each group."""
        sc = self.scenario
        everything = slice(0, None)
        intervals = [
            {"interval": i, "start_s": i * sc.interval_s, **row}
            for i, row in enumerate(self.metrics(everything, per_interval=True)["intervals"])
        ]
        queues = {}
        for qi, q in enumerate(sc.queues):
            entry = self.metrics(queues=[qi])
            entry.pop("occupancy", None)
            entry.pop("occupancy_ci", None)
            entry["sl_threshold_s"] = q.sl_threshold_s
            per = self.metrics(everything, queues=[qi], per_interval=True)["intervals"]
            entry["intervals"] = [
                {
                    "interval": i,
                    "start_s": i * sc.interval_s,
                    **{k: v for k, v in row.items() if not k.startswith("occupancy")},
                }
                for i, row in enumerate(per)
            ]
            queues[q.name] = entry
        groups = {g.name: self.group_occupancy(gi) for gi, g in enumerate(sc.groups)}
        agents = self.agent_occupancy()
        return {
            "totals": self.metrics(),
            "intervals": intervals,
            "queues": queues,
            "groups": groups,
            **({} if agents is None else {"agents": agents}),
            "replications": self.replications,
            "interval_s": sc.interval_s,
            "warmup_intervals": sc.warmup_intervals,
            "events": self.events,
        }
