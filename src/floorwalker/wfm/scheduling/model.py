"""Build the schedule optimisation model as a solver-neutral mixed-integer linear program.

Decision variables:

* ``x[a, k]`` (0/1): agent a works candidate shift k (template, day, start, length);
* ``n[k]`` (integer): agents on candidate shift k, = Σ_a x[a, k];
* ``b[k, i, p]`` (integer): agents on shift k whose break i starts p minutes after the shift
  starts — breaks are placed per shift, not per agent (Aykin's implicit break model), which
  is exact because agents on the same shift are interchangeable for break placement; every
  such assignment is feasible because a template's break windows are disjoint;
* ``bi[a, k, i, p]`` (0/1): the same for an agent who attends a planned activity, on the
  shifts that overlap the activity's window (the activity must not meet the agent's breaks);
* ``y[m, s]`` (0/1): planned activity m starts at minute s;
* ``u[t, j]`` (continuous): the j-th group of missing agents in interval t, priced by the
  service-level weights of coverage.under_weights; ``o[t]`` surplus agents.

Every hard rule is a linear constraint; the objective is linear. solve.py hands the model
to CP-SAT or HiGHS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from floorwalker.wfm.scheduling.coverage import interval_span, under_weights
from floorwalker.wfm.scheduling.rules import (
    MINUTES_PER_DAY,
    Agent,
    Instance,
    ShiftTemplate,
    first_days_limit,
    is_night_shift,
    paid_minutes,
    rest_after,
)


@dataclass
class LinearModel:
    """min Σ cost·v subject to lo ≤ Σ coef·v ≤ hi per row, lb ≤ v ≤ ub, some v integer."""

    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    rows: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)

    def var(self, lb: float, ub: float, *, integer: bool = True, cost: float = 0.0) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        self.cost.append(cost)
        return len(self.lb) - 1

    def row(self, terms: dict[int, float], lo: float, hi: float) -> None:
        if terms:
            idx = list(terms)
            self.rows.append((idx, [terms[i] for i in idx], lo, hi))
        elif lo > 0 or hi < 0:
            raise ValueError("an empty constraint cannot hold")


@dataclass(frozen=True)
class ShiftOption:
    """A candidate shift: template, start day, start and end minute of the horizon."""

    template: ShiftTemplate
    day: int
    start: int
    end: int

    @property
    def paid(self) -> int:
        return paid_minutes(self.template, self.end - self.start)


@dataclass
class BuiltModel:
    lp: LinearModel
    options: list[ShiftOption]
    x: dict[tuple[int, int], int]
    n: dict[int, int]
    agg_breaks: dict[tuple[int, int, int], int]
    ind_breaks: dict[tuple[int, int, int, int], int]
    activity_starts: dict[tuple[int, int], int]
    under: list[list[tuple[int, float]]]
    over: list[int]


def shift_options(instance: Instance) -> list[ShiftOption]:
    out = []
    for t in instance.templates:
        for d in t.days:
            for s in t.start_times:
                if s >= MINUTES_PER_DAY:
                    continue
                for length in t.lengths:
                    start = d * MINUTES_PER_DAY + s
                    out.append(ShiftOption(t, d, start, start + length))
    return out


def agent_options(instance: Instance, agent: Agent, options: list[ShiftOption]) -> list[int]:
    """Candidate shifts the agent may work: allowed template, inside availability, clear of
    time off, after the rest the previous week's last shift needs, paid minutes within the
    weekly maximum."""
    contract = instance.contracts[agent.contract]
    credit = sum(t.credit for t in agent.time_off)
    keep = []
    for k, o in enumerate(options):
        if agent.templates is not None and o.template.name not in agent.templates:
            continue
        if agent.availability is not None and not any(w.contains(o.start, o.end) for w in agent.availability):
            continue
        if any(t.window.overlaps(o.start, o.end) for t in agent.time_off):
            continue
        if o.start < agent.rest_until and not instance.cyclic:
            continue
        if o.paid + credit > contract.max_weekly:
            continue
        keep.append(k)
    return keep


def _break_offsets(template: ShiftTemplate, i: int, grain: int) -> range:
    b = template.breaks[i]
    return range(b.earliest_start, b.latest_start + 1, grain)


def _agent_rows(
    lp: LinearModel,
    instance: Instance,
    options: list[ShiftOption],
    ai: int,
    agent: Agent,
    x: dict[tuple[int, int], int],
    by_option: dict[int, list[int]],
    individual: dict[tuple[int, int], int],
    attending: list[int],
    only: frozenset[int] | None,
) -> None:
    """One agent's shift variables and work rules."""
    w = instance.weights
    contract = instance.contracts[agent.contract]
    credit = sum(t.credit for t in agent.time_off)
    prefs = agent.preferences
    mine = [k for k in agent_options(instance, agent, options) if only is None or k in only]
    per_day: dict[int, list[int]] = defaultdict(list)
    for k in mine:
        o = options[k]
        unmet = (o.day in prefs.days_off) + (
            bool(prefs.start_times) and (o.start % MINUTES_PER_DAY) not in prefs.start_times
        )
        cost = w.cost * o.template.cost_per_hour * o.paid / 60.0 + w.preference * prefs.weight * unmet
        v = lp.var(0, 1, cost=cost)
        x[ai, k] = v
        by_option[k].append(v)
        per_day[o.day].append(k)
        if any(instance.activities[m].window.overlaps(o.start, o.end) for m in attending):
            individual[ai, k] = v
    # one shift a day; working-day count; consecutive days
    for d in range(instance.days):
        lp.row({x[ai, k]: 1.0 for k in per_day[d]}, 0, 1)
    lp.row({x[ai, k]: 1.0 for k in mine}, 0, instance.days - contract.min_days_off)
    span = contract.max_consecutive_days + 1
    if span <= instance.days or (instance.cyclic and contract.max_consecutive_days < instance.days):
        starts = range(instance.days) if instance.cyclic else range(instance.days - span + 1)
        for d0 in starts:
            days = {(d0 + j) % instance.days for j in range(span)}
            lp.row({x[ai, k]: 1.0 for k in mine if options[k].day in days}, 0, contract.max_consecutive_days)
    limit = None if instance.cyclic else first_days_limit(contract, agent.days_in_a_row_before, instance.days)
    if limit is not None:  # the previous week's run continues into this one
        lp.row({x[ai, k]: 1.0 for k in mine if options[k].day < limit}, 0, limit - 1)
    # weekly paid minutes (time-off credit counts)
    lp.row(
        {x[ai, k]: float(options[k].paid) for k in mine},
        contract.min_weekly - credit,
        contract.max_weekly - credit,
    )
    # night shifts
    nights = [k for k in mine if is_night_shift(contract, options[k].start, options[k].end)]
    if contract.max_night_shifts is not None and nights:
        lp.row({x[ai, k]: 1.0 for k in nights}, 0, contract.max_night_shifts)
    # rest between shifts (also forbids overlaps): for each later shift start s, the
    # earlier-day shifts whose end + rest passes s and the later-day shifts starting by s
    # cannot both be worked.
    for d1 in range(instance.days):
        for delta in range(1, instance.days):
            d2 = d1 + delta
            if d2 >= instance.days and not instance.cyclic:
                break
            shift = instance.horizon if d2 >= instance.days else 0
            d2 %= instance.days
            first = [
                (options[k].end + rest_after(contract, options[k].start, options[k].end), k)
                for k in per_day[d1]
            ]
            second = sorted((options[k].start + shift, k) for k in per_day[d2])
            if not first or not second or max(f for f, _ in first) <= second[0][0]:
                continue
            prev_a: frozenset[int] | None = None
            rows: list[tuple[frozenset[int], list[int]]] = []
            for idx, (s, _k) in enumerate(second):
                group_a = frozenset(k for f, k in first if f > s)
                group_b = [k2 for s2, k2 in second[: idx + 1] if s2 <= s]
                if not group_a:
                    break
                if group_a == prev_a:
                    rows[-1] = (group_a, group_b)
                else:
                    rows.append((group_a, group_b))
                prev_a = group_a
            for group_a, group_b in rows:
                terms = {x[ai, k]: 1.0 for k in group_a}
                terms.update({x[ai, k]: 1.0 for k in group_b})
                lp.row(terms, 0, 1)


def _relaxed_rows(
    lp: LinearModel, instance: Instance, options: list[ShiftOption], n_var: dict[int, int]
) -> None:
    """The aggregate relaxation: agents per candidate shift without agent identity. Every
    constraint is a sum of per-agent rules, so any schedule's counts satisfy them and the
    relaxation's optimum (or its proven bound) is a lower bound for the full model."""
    w = instance.weights
    can: dict[int, int] = defaultdict(int)
    day_agents: dict[tuple[str, int], int] = defaultdict(int)
    tmpl_days: dict[str, int] = defaultdict(int)
    total_days = 0
    lo_paid = hi_paid = 0.0
    for agent in instance.agents:
        contract = instance.contracts[agent.contract]
        credit = sum(t.credit for t in agent.time_off)
        mine = agent_options(instance, agent, options)
        for k in mine:
            can[k] += 1
        worked_days = instance.days - contract.min_days_off
        for name in {options[k].template.name for k in mine}:
            tmpl_days[name] += worked_days
            for d in {options[k].day for k in mine if options[k].template.name == name}:
                day_agents[name, d] += 1
        total_days += worked_days
        lo_paid += max(0, contract.min_weekly - credit)
        hi_paid += contract.max_weekly - credit
    for k, count in can.items():
        o = options[k]
        n_var[k] = lp.var(0, count, cost=w.cost * o.template.cost_per_hour * o.paid / 60.0)
    per_tmpl_day: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    per_tmpl: dict[str, dict[int, float]] = defaultdict(dict)
    for k, v in n_var.items():
        per_tmpl_day[options[k].template.name, options[k].day][v] = 1.0
        per_tmpl[options[k].template.name][v] = 1.0
    for key, terms in per_tmpl_day.items():
        lp.row(terms, 0, day_agents[key])
    for name, terms in per_tmpl.items():
        lp.row(terms, 0, tmpl_days[name])
    lp.row(dict.fromkeys(n_var.values(), 1.0), 0, total_days)
    lp.row({v: float(options[k].paid) for k, v in n_var.items()}, lo_paid, hi_paid)


def build_model(
    instance: Instance, *, relaxed: bool = False, only: frozenset[int] | None = None
) -> BuiltModel:
    """The MILP of ``instance`` (see the module docstring); ``relaxed``: the aggregate
    relaxation (agents per shift only, rules summed over agents) whose bound is valid for
    the full model. ``only``: keep just these candidate shifts (indices of shift_options)."""
    lp = LinearModel()
    g = instance.interval
    nint = instance.intervals
    w = instance.weights
    options = shift_options(instance)
    cov: list[dict[int, float]] = [defaultdict(float) for _ in range(nint)]
    x: dict[tuple[int, int], int] = {}
    by_option: dict[int, list[int]] = defaultdict(list)  # option → x vars
    attends: dict[int, list[int]] = defaultdict(list)  # agent → activities
    agent_index = {a.id: i for i, a in enumerate(instance.agents)}
    for m, act in enumerate(instance.activities):
        for pid in act.participants:
            attends[agent_index[pid]].append(m)

    individual: dict[tuple[int, int], int] = {}  # (agent, option) → x var, breaks per agent
    n_var: dict[int, int] = {}
    if relaxed:
        _relaxed_rows(lp, instance, options, n_var)
    else:
        for ai, agent in enumerate(instance.agents):
            _agent_rows(lp, instance, options, ai, agent, x, by_option, individual, attends[ai], only)
        for k, xs in by_option.items():
            nv = lp.var(0, len(xs))
            n_var[k] = nv
            terms = dict.fromkeys(xs, 1.0)
            terms[nv] = -1.0
            lp.row(terms, 0, 0)

    # template caps, coverage by shifts
    caps: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    for k, nv in n_var.items():
        o = options[k]
        caps[o.template.name, o.day][nv] = 1.0
        for t in interval_span(instance, o.start, o.end):
            cov[t][nv] += 1.0
    for (name, _day), terms in caps.items():
        cap = instance.template(name).max_agents
        if cap is not None:
            lp.row(terms, 0, cap)

    # breaks: per shift for interchangeable agents, per agent for activity attendees
    agg_breaks: dict[tuple[int, int, int], int] = {}
    ind_breaks: dict[tuple[int, int, int, int], int] = {}
    busy: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)  # (agent, abs interval)
    ind_by_option: dict[int, list[int]] = defaultdict(list)
    for (ai, k), v in individual.items():
        ind_by_option[k].append(v)
        o = options[k]
        for i, br in enumerate(o.template.breaks):
            terms = {v: -1.0}
            for p in _break_offsets(o.template, i, g):
                bv = lp.var(0, 1)
                ind_breaks[ai, k, i, p] = bv
                terms[bv] = 1.0
                for t in interval_span(instance, o.start + p, o.start + p + br.duration):
                    cov[t][bv] -= 1.0
                for a_t in range((o.start + p) // g, (o.start + p + br.duration) // g):
                    busy[ai, a_t][bv] = 1.0
            lp.row(terms, 0, 0)
    for k, nv in n_var.items():
        o = options[k]
        for i, br in enumerate(o.template.breaks):
            terms = {nv: -1.0}
            for v in ind_by_option[k]:
                terms[v] = 1.0
            for p in _break_offsets(o.template, i, g):
                bv = lp.var(0, lp.ub[nv])
                agg_breaks[k, i, p] = bv
                terms[bv] = 1.0
                for t in interval_span(instance, o.start + p, o.start + p + br.duration):
                    cov[t][bv] -= 1.0
            lp.row(terms, 0, 0)

    # planned activities
    activity_starts: dict[tuple[int, int], int] = {}
    for m, act in enumerate(instance.activities):
        once: dict[int, float] = {}
        for s in range(act.window.start, act.window.end - act.duration + 1, g):
            yv = lp.var(0, 1)
            activity_starts[m, s] = yv
            once[yv] = 1.0
            for t in interval_span(instance, s, s + act.duration):
                cov[t][yv] -= float(len(act.participants))
            for pid in act.participants if not relaxed else ():
                ai = agent_index[pid]
                inside = {
                    x[ai, k]: -1.0
                    for k in range(len(options))
                    if (ai, k) in x and options[k].start <= s and s + act.duration <= options[k].end
                }
                inside[yv] = 1.0
                lp.row(inside, -len(inside), 0)
                for a_t in range(s // g, (s + act.duration) // g):
                    busy[ai, a_t][yv] = 1.0
        lp.row(once, 1, 1)
    for terms in busy.values():
        if len(terms) > 1:
            lp.row(terms, 0, 1)

    # coverage against the requirement
    weights = under_weights(instance)
    under: list[list[tuple[int, float]]] = []
    over: list[int] = []
    n_agents = len(instance.agents)
    for t in range(nint):
        r = instance.requirement[t]
        pieces: list[tuple[int, float]] = []
        j = 0
        while j < r:  # group equal consecutive weights into one variable
            j2 = j
            while j2 < r and weights[t][j2] == weights[t][j]:
                j2 += 1
            pieces.append((lp.var(0, j2 - j, integer=False, cost=weights[t][j]), weights[t][j]))
            j = j2
        under.append(pieces)
        ov = lp.var(0, n_agents, integer=False, cost=w.over)
        over.append(ov)
        terms = dict(cov[t])
        for v, _ in pieces:
            terms[v] = 1.0
        lp.row(terms, r, float("inf"))  # coverage + missing ≥ requirement
        terms = dict(cov[t])
        terms[ov] = -1.0
        lp.row(terms, -float("inf"), r)  # coverage − surplus ≤ requirement
        if instance.seats is not None and cov[t]:
            lp.row(dict(cov[t]), -float("inf"), instance.seats)
    return BuiltModel(lp, options, x, n_var, agg_breaks, ind_breaks, activity_starts, under, over)
