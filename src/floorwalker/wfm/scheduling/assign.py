"""Hand the aggregate model's shift plan to named agents, keeping every work rule.

Input: per agent group the number of agents on each candidate shift and, per preference
class, the number of agents on each working-day pattern (aggregate.py). Output: candidate
shifts per agent index.

1. Patterns: each agent of a preference class takes one of the class's counted patterns,
   so preferred days off are met exactly as the plan priced them.
2. Shift lengths: when a group's counted shifts differ in paid minutes, which length each
   agent works on each of its pattern days, so that every week meets the contract
   (_length_mix: a small integer programme).
3. Days in order: the day's counted shifts go to the agents whose pattern works that day
   as one assignment problem (scipy's Hungarian method) over the pairs that keep every
   rule after the agent's earlier shifts (rest, night rules, consecutive days:
   construct.fits; the weekly maximum). Pair costs, most important first: the shift has
   the length step 2 settled (without step 2: it leaves the agent's later pattern days a
   way to meet the contract's weekly paid minutes); an agent who also works
   the next day gets an early-ending shift (more rest); preferred start times. An agent
   left without a counted shift takes the fitting shift of the group whose start is
   nearest to a counted shift nobody could take (the plan's one deviation).
4. Weekly paid minutes: an agent below the contract minimum after that (only when a
   deviation cost a day) takes a fitting shift on a free day; None if that fails too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from floorwalker.wfm.scheduling.aggregate import Aggregate
from floorwalker.wfm.scheduling.construct import fits
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY, Contract, Instance

#: Pair costs of the day's assignment problem: a shift outside the agent's weekly paid-minute
#: window; the rest preference (an agent who works the next day on the day's latest-ending
#: shift); a preferred start time (negative: a gain).
WINDOW_MISS = 1000.0
REST_WEIGHT = 10.0
PREFERRED_START = -1.0
#: A pair that breaks a rule (rest, days, night shifts, weekly maximum).
FORBIDDEN = 1e9


class _HandOut:
    """The hand-out's state: shifts and paid minutes per agent so far."""

    def __init__(self, instance: Instance, agg: Aggregate) -> None:
        self.instance = instance
        self.options = agg.options
        self.chosen: dict[int, list[int]] = {ai: [] for ai in range(len(instance.agents))}
        self.paid = {ai: sum(t.credit for t in a.time_off) for ai, a in enumerate(instance.agents)}

    def can_take(self, ai: int, k: int) -> bool:
        c = self.instance.contracts[self.instance.agents[ai].contract]
        if self.paid[ai] + self.options[k].paid > c.max_weekly:
            return False
        chosen = [self.options[j] for j in self.chosen[ai]]
        return fits(self.instance, c, chosen, self.options[k], self.instance.agents[ai].days_in_a_row_before)

    def take(self, ai: int, k: int) -> None:
        self.chosen[ai].append(k)
        self.paid[ai] += self.options[k].paid

    def works(self, ai: int, d: int) -> bool:
        return any(self.options[k].day == d for k in self.chosen[ai])


@dataclass
class _Day:
    """One group's day: its counted shifts, the agents whose pattern works it, and what the
    pair costs need (the group's patterns, the paid minutes later days' shifts will have)."""

    day: int
    next_day: int
    planned: list[int]
    contract: Contract
    pattern_of: dict[int, frozenset[int]]
    shortest: dict[int, int]
    longest: dict[int, int]
    #: (agent, day) → paid minutes of the shift the agent's week needs that day, when the
    #: week's mix of shift lengths was settled up front (_length_mix)
    length_of: dict[tuple[int, int], int]

    def fits_week(self, out: _HandOut, ai: int, paid: int) -> bool:
        """Whether a shift of ``paid`` minutes today keeps the agent's week within the
        contract: the settled mix when there is one, else the look-ahead window."""
        wanted = self.length_of.get((ai, self.day))
        if wanted is not None:
            return paid == wanted
        low, high = self.window(out, ai)
        return low <= paid <= high

    def window(self, out: _HandOut, ai: int) -> tuple[int, int]:
        """Paid minutes the agent's shift today must at least and may at most have so that
        the pattern's later days can still meet the contract's week."""
        later = [r for r in self.pattern_of[ai] if r > self.day]
        return (
            self.contract.min_weekly - out.paid[ai] - sum(self.longest.get(r, 0) for r in later),
            self.contract.max_weekly - out.paid[ai] - sum(self.shortest.get(r, 0) for r in later),
        )

    def match(self, out: _HandOut, free: list[int]) -> list[int]:
        """Hand the counted shifts to ``free`` agents (least total pair cost); the shifts
        nobody could take."""
        import numpy as np
        from scipy.optimize import linear_sum_assignment

        if not self.planned or not free:
            return list(self.planned)
        options = out.options
        first = min(options[k].end for k in self.planned)
        spread = max(options[k].end for k in self.planned) - first
        cost = np.full((len(free), len(self.planned)), FORBIDDEN)
        for i, ai in enumerate(free):
            rested = self.next_day in self.pattern_of[ai] and spread > 0
            liked = out.instance.agents[ai].preferences.start_times
            for j, k in enumerate(self.planned):
                if j and k == self.planned[j - 1]:  # the same shift again: the same cost
                    cost[i, j] = cost[i, j - 1]
                    continue
                if not out.can_take(ai, k):
                    continue
                o = options[k]
                c = 0.0 if self.fits_week(out, ai, o.paid) else WINDOW_MISS
                if rested:
                    c += REST_WEIGHT * (o.end - first) / spread
                if o.start % MINUTES_PER_DAY in liked:
                    c += PREFERRED_START
                cost[i, j] = c
        rows, cols = linear_sum_assignment(cost)
        taken = set()
        for i, j in zip(rows, cols, strict=True):
            if cost[i, j] < FORBIDDEN:
                out.take(free[i], self.planned[j])
                taken.add(int(j))
        return [k for j, k in enumerate(self.planned) if j not in taken]


def _length_mix(
    out: _HandOut,
    agents: Sequence[int],
    contract: Contract,
    pattern_of: dict[int, frozenset[int]],
    counts: dict[int, int],
) -> dict[tuple[int, int], int]:
    """Which shift length each agent works on each pattern day, so that every agent's week
    meets the contract's paid minutes and each day's counted shifts of each length are all
    worked: a small integer programme (HiGHS) over agents × days × lengths. Needed only
    when a group's counted shifts have different paid minutes (the aggregate model sums
    those over the group, and a greedy hand-out can leave the week's last days with shifts
    nobody may work). Empty when all lengths are equal, or when no mix exists (the
    look-ahead window of _Day is used then)."""
    from floorwalker.wfm.scheduling.model import LinearModel
    from floorwalker.wfm.scheduling.plan import highs_model

    per_day: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for k, n in counts.items():
        if n:
            per_day[out.options[k].day][out.options[k].paid] += n
    if len({q for lengths in per_day.values() for q in lengths}) <= 1:
        return {}
    m = LinearModel()
    y: dict[tuple[int, int, int], int] = {}
    for ai in agents:
        week: dict[int, float] = {}
        for d in sorted(pattern_of[ai]):
            one: dict[int, float] = {}
            for q in per_day.get(d, {}):
                y[ai, d, q] = v = m.var(0, 1)
                one[v] = 1.0
                week[v] = float(q)
            m.row(one, 1, 1)
        credit = out.paid[ai]
        m.row(week, contract.min_weekly - credit, contract.max_weekly - credit)
    for d, lengths in per_day.items():
        for q, n in lengths.items():
            m.row({v: 1.0 for (ai, d2, q2), v in y.items() if d2 == d and q2 == q}, n, n)
    h = highs_model(m, 5.0, 0)
    h.run()
    if h.getInfo().primal_solution_status != 2:  # no whole mix (or none found in time)
        return {}
    x = h.getSolution().col_value
    return {(ai, d): q for (ai, d, q), v in y.items() if x[v] > 0.5}


def assign_agents(instance: Instance, agg: Aggregate, values: Sequence[float]) -> dict[int, list[int]] | None:
    """Candidate shifts per agent index following the aggregate solution ``values``, or
    None when some agent cannot reach the weekly minimum."""
    options = agg.options
    out = _HandOut(instance, agg)
    for gi, grp in enumerate(agg.groups):
        pattern_of: dict[int, frozenset[int]] = {}
        for q, (members, _days_off, _weight) in enumerate(grp.classes):
            pats = [
                grp.patterns[pi]
                for pi in range(len(grp.patterns))
                for _ in range(round(values[agg.p[gi, q, pi]]))
            ]
            if len(pats) != len(members):
                return None
            pattern_of.update(zip(members, pats, strict=True))
        counts = {k: round(values[agg.n[gi, k]]) for k in grp.options}
        by_day: dict[int, list[int]] = defaultdict(list)
        for k in grp.options:
            by_day[options[k].day].append(k)
        # the paid minutes a later day's shift will have: the day's counted shifts decide
        # (all its candidate shifts when none is counted)
        spans = {d: [k for k in ks if counts[k]] or ks for d, ks in by_day.items()}
        shortest = {d: min(options[k].paid for k in ks) for d, ks in spans.items()}
        longest = {d: max(options[k].paid for k in ks) for d, ks in spans.items()}
        length_of = _length_mix(out, grp.agents, grp.contract, pattern_of, counts)
        for d in range(instance.days):
            planned = sorted(
                (k for k in by_day[d] for _ in range(counts[k])),
                key=lambda k: (options[k].start, options[k].end),
            )
            nxt = (d + 1) % instance.days if instance.cyclic else d + 1
            day = _Day(d, nxt, planned, grp.contract, pattern_of, shortest, longest, length_of)
            free = [ai for ai in grp.agents if d in pattern_of[ai]]
            left = day.match(out, free)
            for ai in free:  # agents whose counted shifts could not be handed out
                if out.works(ai, d):
                    continue
                alts = [k for k in by_day[d] if out.can_take(ai, k)]
                if not alts:
                    continue
                target = [options[k].start for k in left] or [options[k].start for k in planned]
                best = min(alts, key=lambda k: min(abs(options[k].start - s) for s in target))
                out.take(ai, best)
                nearest = min(left, key=lambda k: abs(options[k].start - options[best].start), default=None)
                if nearest is not None:
                    left.remove(nearest)
        for ai in grp.agents:
            c = grp.contract
            for d in range(instance.days):
                if out.paid[ai] >= c.min_weekly:
                    break
                if out.works(ai, d):
                    continue
                alts = [k for k in by_day[d] if out.can_take(ai, k)]
                if alts:
                    out.take(ai, max(alts, key=lambda k: options[k].paid))
            if out.paid[ai] < c.min_weekly:
                return None
    return out.chosen
