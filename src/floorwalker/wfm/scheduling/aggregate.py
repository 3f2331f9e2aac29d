"""The aggregate tour model: agents counted per (agent group × candidate shift) and per
(agent group × preference class × working-day pattern), with implicit breaks, coverage,
under- and over-coverage. No agent identity, so it is small; its LP value is a lower
bound for the full model and its integer solution is the shift plan that assign.py hands
to named agents.

Agent groups: agents with the same contract, the same candidate shifts (template,
availability, time off, rest after the previous week), the same time-off credit and the
same run of working days carried from the previous week are interchangeable for every
hard rule. Within a group, agents with the same preferred days off (and weight) form a
preference class.

A working-day pattern is a set of days an agent of the group can work in one week under
its contract: at most ``days − min_days_off`` days, no run longer than
``max_consecutive_days`` (wrapping when the week is cyclic), and weekly paid minutes
reachable (the shortest shifts of those days fit under the maximum, the longest reach the
minimum).

Why the bound is valid: map any rule-abiding schedule to n[g, k] = agents of group g on
shift k, p[g, q, π] = agents of class q whose worked days are π, b[k, i, s] = agents on
shift k taking break i at offset s. Every row below is a sum of per-agent rules (one
pattern per agent, one shift per worked day, paid minutes and night shifts summed over
the group, template caps, seats, planned activities taking their participants off the
phones), coverage is the schedule's coverage, and the cost is at most the schedule's
(shift costs are equal; a preferred day off worked is priced, a preferred start time is
not). So the model's optimum — and its LP value below that — is ≤ every schedule's
objective. Rest between shifts is not in the model (it is per agent); assign.py keeps it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from floorwalker.wfm.scheduling.coverage import interval_span, under_weights
from floorwalker.wfm.scheduling.model import LinearModel, ShiftOption, agent_options, shift_options
from floorwalker.wfm.scheduling.rules import Contract, Instance, first_days_limit, is_night_shift

#: Horizons longer than this enumerate too many day patterns; the full model is used then.
MAX_PATTERN_DAYS = 8


@dataclass(frozen=True)
class Group:
    """Interchangeable agents (indices into instance.agents), their contract, candidate
    shifts (indices into the shift options), time-off credit (minutes), preference classes
    (agent indices per class, with the class's preferred days off and weight) and the
    working-day patterns their contract allows."""

    agents: tuple[int, ...]
    contract: Contract
    options: tuple[int, ...]
    credit: int
    classes: tuple[tuple[tuple[int, ...], tuple[int, ...], float], ...]
    patterns: tuple[frozenset[int], ...]


@dataclass
class Aggregate:
    lp: LinearModel
    options: list[ShiftOption]
    groups: list[Group]
    n: dict[tuple[int, int], int]  # (group, option) → var
    p: dict[tuple[int, int, int], int]  # (group, class, pattern) → var
    breaks: dict[tuple[int, int, int], int]  # (option, break, offset minutes) → var
    #: (group, day) → the row "shifts of the group on that day = agents whose pattern works it"
    day_rows: dict[tuple[int, int], int]
    #: rows summing one group's shifts over several days (weekly paid minutes, night shifts)
    week_rows: list[int]


def _runs_ok(days: frozenset[int], horizon_days: int, max_consecutive: int, cyclic: bool) -> bool:
    if max_consecutive >= horizon_days:
        return True
    span = max_consecutive + 1
    starts = range(horizon_days) if cyclic else range(horizon_days - span + 1)
    return not any(all((d0 + j) % horizon_days in days for j in range(span)) for d0 in starts)


def _patterns(
    instance: Instance, contract: Contract, options: list[ShiftOption], credit: int, before: int
) -> list[frozenset[int]]:
    lo_day: dict[int, int] = {}
    hi_day: dict[int, int] = {}
    for o in options:
        lo_day[o.day] = min(lo_day.get(o.day, o.paid), o.paid)
        hi_day[o.day] = max(hi_day.get(o.day, o.paid), o.paid)
    days = sorted(lo_day)
    most = instance.days - contract.min_days_off
    first = None if instance.cyclic else first_days_limit(contract, before, instance.days)
    out = []
    for size in range(0, min(most, len(days)) + 1):
        for combo in itertools.combinations(days, size):
            w = frozenset(combo)
            if sum(lo_day[d] for d in w) + credit > contract.max_weekly:
                continue
            if sum(hi_day[d] for d in w) + credit < contract.min_weekly:
                continue
            if first is not None and all(d in w for d in range(first)):
                continue  # the previous week's run of working days would grow too long
            if _runs_ok(w, instance.days, contract.max_consecutive_days, instance.cyclic):
                out.append(w)
    return out


def agent_groups(instance: Instance, options: list[ShiftOption]) -> list[Group]:
    """The interchangeable groups of agents (see the module docstring)."""
    keyed: dict[tuple[str, tuple[int, ...], int, int], list[int]] = defaultdict(list)
    for ai, agent in enumerate(instance.agents):
        credit = sum(t.credit for t in agent.time_off)
        opts = tuple(agent_options(instance, agent, options))
        keyed[agent.contract, opts, credit, agent.days_in_a_row_before].append(ai)
    groups = []
    for (name, opts, credit, before), members in keyed.items():
        contract = instance.contracts[name]
        classes: dict[tuple[tuple[int, ...], float], list[int]] = defaultdict(list)
        for ai in members:
            prefs = instance.agents[ai].preferences
            days_off = tuple(sorted(set(prefs.days_off)))
            classes[days_off, prefs.weight if days_off else 0.0].append(ai)
        groups.append(
            Group(
                agents=tuple(members),
                contract=contract,
                options=opts,
                credit=credit,
                classes=tuple((tuple(a), d, w) for (d, w), a in classes.items()),
                patterns=tuple(_patterns(instance, contract, [options[k] for k in opts], credit, before)),
            )
        )
    return groups


def build_aggregate(instance: Instance) -> Aggregate:
    """The aggregate tour model of ``instance`` (horizon ≤ MAX_PATTERN_DAYS days)."""
    if instance.days > MAX_PATTERN_DAYS:
        raise ValueError(f"day patterns are enumerated for horizons up to {MAX_PATTERN_DAYS} days")
    lp = LinearModel()
    w = instance.weights
    g_min = instance.interval
    options = shift_options(instance)
    groups = agent_groups(instance, options)
    n: dict[tuple[int, int], int] = {}
    p: dict[tuple[int, int, int], int] = {}
    day_rows: dict[tuple[int, int], int] = {}
    week_rows: list[int] = []

    def added(row: int) -> bool:
        return len(lp.rows) > row

    per_option: dict[int, dict[int, float]] = defaultdict(dict)
    for gi, grp in enumerate(groups):
        if not grp.patterns:
            raise ValueError(
                f"agent {instance.agents[grp.agents[0]].id!r}: "
                "no week of its allowed shifts meets its contract"
            )
        size = len(grp.agents)
        c = grp.contract
        per_day: dict[int, dict[int, float]] = defaultdict(dict)
        paid: dict[int, float] = {}
        nights: dict[int, float] = {}
        for k in grp.options:
            o = options[k]
            v = lp.var(0, size, cost=w.cost * o.template.cost_per_hour * o.paid / 60.0)
            n[gi, k] = v
            per_option[k][v] = 1.0
            per_day[o.day][v] = 1.0
            paid[v] = float(o.paid)
            if is_night_shift(c, o.start, o.end):
                nights[v] = 1.0
        for q, (members, days_off, weight) in enumerate(grp.classes):
            once: dict[int, float] = {}
            for pi, pat in enumerate(grp.patterns):
                unmet = len(pat & set(days_off))
                v = lp.var(0, len(members), cost=w.preference * weight * unmet)
                p[gi, q, pi] = v
                once[v] = 1.0
                for d in pat:
                    per_day[d][v] = -1.0
            lp.row(once, len(members), len(members))
        for d in range(instance.days):
            at = len(lp.rows)
            lp.row(per_day[d], 0, 0)  # shifts on day d = agents whose pattern works day d
            if added(at):
                day_rows[gi, d] = at
        at = len(lp.rows)
        lp.row(paid, max(0, c.min_weekly - grp.credit) * size, (c.max_weekly - grp.credit) * size)
        if added(at):
            week_rows.append(at)
        if c.max_night_shifts is not None and nights:
            week_rows.append(len(lp.rows))
            lp.row(nights, 0, c.max_night_shifts * size)

    cov: list[dict[int, float]] = [defaultdict(float) for _ in range(instance.intervals)]
    caps: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    breaks: dict[tuple[int, int, int], int] = {}
    for k, terms in per_option.items():
        o = options[k]
        count_ub = sum(lp.ub[v] for v in terms)
        for v in terms:
            caps[o.template.name, o.day][v] = 1.0
            for t in interval_span(instance, o.start, o.end):
                cov[t][v] += 1.0
        for i, br in enumerate(o.template.breaks):
            row = dict.fromkeys(terms, -1.0)
            for off in range(br.earliest_start, br.latest_start + 1, g_min):
                bv = lp.var(0, count_ub)
                breaks[k, i, off] = bv
                row[bv] = 1.0
                for t in interval_span(instance, o.start + off, o.start + off + br.duration):
                    cov[t][bv] -= 1.0
            lp.row(row, 0, 0)
    for (name, _day), terms in caps.items():
        cap = instance.template(name).max_agents
        if cap is not None:
            lp.row(terms, 0, cap)
    for act in instance.activities:
        once = {}
        for s in range(act.window.start, act.window.end - act.duration + 1, g_min):
            yv = lp.var(0, 1)
            once[yv] = 1.0
            for t in interval_span(instance, s, s + act.duration):
                cov[t][yv] -= float(len(act.participants))
        lp.row(once, 1, 1)

    weights = under_weights(instance)
    n_agents = len(instance.agents)
    for t in range(instance.intervals):
        r = instance.requirement[t]
        terms = dict(cov[t])
        j = 0
        while j < r:  # equal consecutive weights share one variable
            j2 = j
            while j2 < r and weights[t][j2] == weights[t][j]:
                j2 += 1
            terms[lp.var(0, j2 - j, integer=False, cost=weights[t][j])] = 1.0
            j = j2
        lp.row(terms, r, float("inf"))  # coverage + missing ≥ requirement
        terms = dict(cov[t])
        terms[lp.var(0, n_agents, integer=False, cost=w.over)] = -1.0
        lp.row(terms, -float("inf"), r)  # coverage − surplus ≤ requirement
        if instance.seats is not None and cov[t]:
            lp.row(dict(cov[t]), -float("inf"), instance.seats)
    return Aggregate(lp, options, groups, n, p, breaks, day_rows, week_rows)
