"""Hand the aggregate model's shift plan to named agents, keeping every work rule.

Input: per agent group the number of agents on each candidate shift and, per preference
class, the number of agents on each working-day pattern (aggregate.py). Output: candidate
shifts per agent index.

1. Patterns: each agent of a preference class takes one of the class's counted patterns,
   so preferred days off are met exactly as the plan priced them.
2. Days in order: the day's counted shifts go, earliest start first, to the agents whose
   pattern works that day and who can take the shift after their earlier shifts (rest,
   night rules, consecutive days: construct.fits). Among those, agents who also work the
   next day go first (an early end leaves more rest), then agents who prefer that start
   time. An agent left without a counted shift takes the fitting shift of the group whose
   start is nearest to a counted shift nobody could take (the plan's one deviation).
3. Weekly paid minutes: an agent below the contract minimum after that (only when a
   deviation cost a day) takes a fitting shift on a free day; None if that fails too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from floorwalker.wfm.scheduling.aggregate import Aggregate
from floorwalker.wfm.scheduling.construct import fits
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY, Instance


def assign_agents(instance: Instance, agg: Aggregate, values: Sequence[float]) -> dict[int, list[int]] | None:
    """Candidate shifts per agent index following the aggregate solution ``values``, or
    None when some agent cannot reach the weekly minimum."""
    options = agg.options
    chosen: dict[int, list[int]] = {ai: [] for ai in range(len(instance.agents))}
    paid = {ai: sum(t.credit for t in a.time_off) for ai, a in enumerate(instance.agents)}

    def can_take(ai: int, k: int) -> bool:
        c = instance.contracts[instance.agents[ai].contract]
        if paid[ai] + options[k].paid > c.max_weekly:
            return False
        return fits(instance, c, [options[j] for j in chosen[ai]], options[k])

    def take(ai: int, k: int) -> None:
        chosen[ai].append(k)
        paid[ai] += options[k].paid

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
        for d in range(instance.days):
            planned = sorted(
                (k for k in by_day[d] for _ in range(counts[k])),
                key=lambda k: (options[k].start, options[k].end),
            )
            nxt = (d + 1) % instance.days if instance.cyclic else d + 1
            free = [ai for ai in grp.agents if d in pattern_of[ai]]
            left: list[int] = []
            for k in planned:
                start = options[k].start % MINUTES_PER_DAY
                ready = [ai for ai in free if can_take(ai, k)]
                if not ready:
                    left.append(k)
                    continue
                ai = max(
                    ready,
                    key=lambda a: (
                        nxt in pattern_of[a],
                        start in instance.agents[a].preferences.start_times,
                        -a,
                    ),
                )
                take(ai, k)
                free.remove(ai)
            for ai in free:  # agents whose counted shifts could not be handed out
                alts = [k for k in by_day[d] if can_take(ai, k)]
                if not alts:
                    continue
                target = [options[k].start for k in left] or [options[k].start for k in planned]
                best = min(alts, key=lambda k: min(abs(options[k].start - s) for s in target))
                take(ai, best)
                nearest = min(left, key=lambda k: abs(options[k].start - options[best].start), default=None)
                if nearest is not None:
                    left.remove(nearest)
        for ai in grp.agents:
            c = grp.contract
            for d in range(instance.days):
                if paid[ai] >= c.min_weekly:
                    break
                if any(options[k].day == d for k in chosen[ai]):
                    continue
                alts = [k for k in by_day[d] if can_take(ai, k)]
                if alts:
                    take(ai, max(alts, key=lambda k: options[k].paid))
            if paid[ai] < c.min_weekly:
                return None
    return chosen
