"""A greedy first schedule: agents in turn take the shift that most improves coverage,
within their work rules. It gives the solver a complete starting
point (CP-SAT can be slow to find any schedule for hundreds of agents on its own); the
solver then improves it, and the checker, not this module, is the judge of the rules.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from floorwalker.wfm.scheduling.coverage import interval_span, under_weights
from floorwalker.wfm.scheduling.model import BuiltModel, ShiftOption, agent_options
from floorwalker.wfm.scheduling.rules import Contract, Instance, first_days_limit, is_night_shift, rest_after


def fits(
    instance: Instance, contract: Contract, chosen: list[ShiftOption], o: ShiftOption, before: int = 0
) -> bool:
    """Whether an agent under ``contract`` already working ``chosen`` may also work ``o``:
    one shift a day, days off, rest before and after (wrapping when cyclic), night shifts,
    consecutive days (``before``: the working days in a row the previous week ended with).
    Weekly paid minutes, and rest after the previous week (the agent's candidate shifts
    exclude it), are the caller's to check."""
    days = {c.day for c in chosen}
    if o.day in days or len(days) + 1 > instance.days - contract.min_days_off:
        return False
    shifts = (0, instance.horizon, -instance.horizon) if instance.cyclic else (0,)
    for c in chosen:
        for wrap in shifts:
            s, e = o.start + wrap, o.end + wrap
            if c.start <= s and s - c.end < rest_after(contract, c.start, c.end):
                return False
            if s <= c.start and c.start - e < rest_after(contract, s, e):
                return False
    if (
        contract.max_night_shifts is not None
        and is_night_shift(contract, o.start, o.end)
        and sum(is_night_shift(contract, c.start, c.end) for c in chosen) + 1 > contract.max_night_shifts
    ):
        return False
    worked = days | {o.day}
    first = None if instance.cyclic else first_days_limit(contract, before, instance.days)
    if first is not None and all(d in worked for d in range(first)):
        return False
    run = contract.max_consecutive_days + 1
    if contract.max_consecutive_days < instance.days:
        starts = range(instance.days) if instance.cyclic else range(instance.days - run + 1)
        for d0 in starts:
            if all((d0 + j) % instance.days in worked for j in range(run)):
                return False
    return True


class _Week:
    """The greedy's working state: shifts per agent and coverage (breaks not yet placed)."""

    def __init__(self, instance: Instance, options: Sequence[ShiftOption]) -> None:
        self.instance = instance
        self.options = options
        self.weights = under_weights(instance)
        # a shift's expected coverage: 1 over its span, less each break spread evenly over
        # the break's allowed starts (breaks are placed for real afterwards)
        self.cover = np.zeros((len(options), instance.intervals))
        g = instance.interval
        for k, o in enumerate(options):
            for t in interval_span(instance, o.start, o.end):
                self.cover[k, t] += 1.0
            for b in o.template.breaks:
                starts = range(b.earliest_start, b.latest_start + 1, g)
                for p in starts:
                    for t in interval_span(instance, o.start + p, o.start + p + b.duration):
                        self.cover[k, t] -= 1.0 / len(starts)
        self.cov = np.zeros(instance.intervals)
        self.req = np.array(instance.requirement, dtype=float)
        self.mine = {ai: agent_options(instance, a, list(options)) for ai, a in enumerate(instance.agents)}
        self.chosen: dict[int, list[int]] = {ai: [] for ai in self.mine}
        self.paid = {ai: sum(t.credit for t in a.time_off) for ai, a in enumerate(instance.agents)}
        self.contracts = [instance.contracts[a.contract] for a in instance.agents]

    def gains(self) -> np.ndarray:
        """Per candidate shift: the objective it saves (missing agents it covers, priced)
        minus the surplus it adds."""
        short = np.ceil(self.req - self.cov - 1e-9).astype(int)
        w, over = self.weights, self.instance.weights.over
        g = np.array([w[t][min(s, len(w[t])) - 1] if s > 0 else -over for t, s in enumerate(short)])
        return np.asarray(self.cover @ g)

    def best(self, ai: int, gains: np.ndarray, floor: float) -> int | None:
        c, o = self.contracts[ai], self.options
        best, best_gain = None, floor
        for k in self.mine[ai]:
            if gains[k] <= best_gain or self.paid[ai] + o[k].paid > c.max_weekly:
                continue
            before = self.instance.agents[ai].days_in_a_row_before
            if fits(self.instance, c, [o[j] for j in self.chosen[ai]], o[k], before):
                best, best_gain = k, float(gains[k])
        return best

    def add(self, ai: int, k: int) -> None:
        self.chosen[ai].append(k)
        self.paid[ai] += self.options[k].paid
        self.cov += self.cover[k]

    def remove(self, ai: int, k: int) -> None:
        self.chosen[ai].remove(k)
        self.paid[ai] -= self.options[k].paid
        self.cov -= self.cover[k]


def greedy_schedule(
    instance: Instance, options: Sequence[ShiftOption], deadline: float | None = None
) -> dict[int, list[int]] | None:
    """Candidate shifts per agent index, or None when an agent cannot reach the weekly
    minimum greedily.

    Construction: in rounds, every agent in turn takes the shift that most improves
    coverage (priced as in the objective), within the work rules, while that helps; then
    agents below their weekly minimum take the least harmful shifts that fit.
    Improvement, until no move helps or ``deadline`` (time.perf_counter()): each worked
    shift is taken out and replaced by the agent's best fitting shift — the same one,
    another, or none when the agent stays above the minimum and the shift does harm."""
    week = _Week(instance, options)
    mins = [c.min_weekly for c in week.contracts]
    for positive in (True, False):
        active = [ai for ai in week.mine if positive or week.paid[ai] < mins[ai]]
        while active:
            still = []
            for ai in active:
                k = week.best(ai, week.gains(), 0.0 if positive else -np.inf)
                if k is not None:
                    week.add(ai, k)
                    if positive or week.paid[ai] < mins[ai]:
                        still.append(ai)
            active = still
    if any(week.paid[ai] < mins[ai] for ai in week.mine):
        return None
    improved = True
    while improved and (deadline is None or time.perf_counter() < deadline):
        improved = False
        for ai in week.mine:
            for k in list(week.chosen[ai]):
                week.remove(ai, k)
                gains = week.gains()
                floor = 0.0 if week.paid[ai] >= mins[ai] else -np.inf
                alt = week.best(ai, gains, max(floor, float(gains[k]) + 1e-9))
                if alt is None and floor == 0.0 and gains[k] < -1e-9:
                    improved = True  # dropping the shift helps
                    continue
                week.add(ai, k if alt is None else alt)
                improved |= alt is not None
            gains = week.gains()
            extra = week.best(ai, gains, 1e-9)
            if extra is not None:
                week.add(ai, extra)
                improved = True
            if deadline is not None and time.perf_counter() >= deadline:
                break
    return week.chosen


def greedy_values(instance: Instance, built: BuiltModel, first: dict[int, list[int]]) -> list[float] | None:
    """A complete solution vector of the full model from a greedy week: breaks go one at a
    time where the surplus over the requirement is largest, slack variables are filled in
    order. None when the instance has planned activities (not placed greedily) or when the
    vector breaks any constraint of the model."""
    if instance.activities:
        return None
    values = [0.0] * len(built.lp.lb)
    options = built.options
    cov = [0] * instance.intervals
    count: dict[int, int] = {}
    for ai, ks in first.items():
        for k in ks:
            values[built.x[ai, k]] = 1.0
            count[k] = count.get(k, 0) + 1
            for t in interval_span(instance, options[k].start, options[k].end):
                cov[t] += 1
    req = instance.requirement
    for k, m in count.items():
        values[built.n[k]] = float(m)
        o = options[k]
        for i, br in enumerate(o.template.breaks):
            spots = [(p, v) for (k2, i2, p), v in built.agg_breaks.items() if k2 == k and i2 == i]
            for _ in range(m):
                p, v = max(
                    spots,
                    key=lambda pv: (
                        min(
                            cov[t] - req[t]
                            for t in interval_span(instance, o.start + pv[0], o.start + pv[0] + br.duration)
                        )
                        if interval_span(instance, o.start + pv[0], o.start + pv[0] + br.duration)
                        else 0
                    ),
                )
                values[v] += 1.0
                for t in interval_span(instance, o.start + p, o.start + p + br.duration):
                    cov[t] -= 1
    for t in range(instance.intervals):
        short = max(0, req[t] - cov[t])
        for v, _w in built.under[t]:
            take = min(short, built.lp.ub[v])
            values[v] = float(take)
            short -= int(take)
        values[built.over[t]] = float(max(0, cov[t] - req[t]))
    # the greedy does not know every rule (seats, shifts per template and day): keep the
    # vector only if it satisfies every constraint of the model
    for idx, coef, lo, hi in built.lp.rows:
        total = sum(c * values[i] for i, c in zip(idx, coef, strict=True))
        if total < lo - 1e-6 or total > hi + 1e-6:
            return None
    return values
