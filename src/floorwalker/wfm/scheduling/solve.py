"""Schedule a week: the aggregate model with HiGHS (bound, plan, agents, breaks), the full
model with CP-SAT (default) or HiGHS for small weeks and as a fallback; report objective,
bound and gap, and turn the solution into agents' shifts with their breaks and planned
activities (docs/scheduling.md, *How it works*).

Determinism: the aggregate path (single-threaded, seeded HiGHS) gives the same schedule
for the same instance and limit when it finishes before the time limit; when the limit
stops it, how far it got depends on the machine's speed and load. The full model with a
seed is repeatable under the same condition; without a seed CP-SAT's workers race in
parallel (faster, not repeatable).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from floorwalker.errors import DomainError
from floorwalker.wfm.scheduling.aggregate import MAX_PATTERN_DAYS, build_aggregate
from floorwalker.wfm.scheduling.assign import assign_agents
from floorwalker.wfm.scheduling.construct import greedy_schedule, greedy_values
from floorwalker.wfm.scheduling.coverage import (
    coverage_cost,
    coverage_of,
    projected_service_level,
    under_over_hours,
)
from floorwalker.wfm.scheduling.decompose import plan_by_day
from floorwalker.wfm.scheduling.model import BuiltModel, LinearModel, build_model
from floorwalker.wfm.scheduling.plan import highs_model, improve_by_day, lp_and_dive, solve_fixed
from floorwalker.wfm.scheduling.rules import Instance, ScheduledActivity, ScheduledShift

SOLVERS = ("cp-sat", "highs")
#: CP-SAT needs integer objective coefficients: weights are scaled by this and rounded.
CPSAT_SCALE = 1000
#: Share of the time limit the aggregate path (bound, dive, assignment, branch and bound) may use.
AGGREGATE_SHARE = 0.95
#: Share of what is left after the dive for the day decomposition (decompose.py: bound and plan).
DECOMPOSITION_SHARE = 0.5
#: Share of what is left after the dive kept for handing the plan to agents and placing breaks.
HAND_OUT_SHARE = 0.15
#: ... and at least this many seconds per agent (measured: ~10 s for 500 agents, busy 2-core box).
HAND_OUT_SECONDS_PER_AGENT = 0.03
#: A schedule this close to the bound (relative) counts as proven; nothing more is tried.
GAP_TOLERANCE = 1e-6
#: Up to this many agents the full model also runs when the aggregate path's schedule is
#: not proven optimal (it can prove small instances optimal; it cannot cope with large ones).
FULL_MODEL_AGENTS = 12
#: Full model: share of its time given to its own aggregate relaxation (the bound).
RELAXATION_SHARE = 0.3
#: The greedy first schedule improves until this share of the time limit has passed.
GREEDY_UNTIL = 0.7


class NoFeasibleSchedule(DomainError):
    """No schedule satisfies every hard rule (or none was found within the time limit)."""

    status_code = 422


@dataclass(frozen=True)
class SolveResult:
    """A solved schedule. ``objective`` is the model objective of the schedule, ``bound`` a
    proven lower bound on any schedule's objective, ``gap`` = (objective − bound) / objective
    (0 when both are 0). ``status`` is "optimal" or "feasible" (stopped at the time limit)."""

    shifts: tuple[ScheduledShift, ...]
    objective: float
    bound: float
    gap: float
    status: str
    seconds: float
    coverage: tuple[int, ...]
    under_agent_hours: float
    over_agent_hours: float
    service_level: tuple[float | None, ...]
    projected_service_level: float | None


def _solve_cpsat(
    lp: LinearModel, time_limit: float, seed: int | None, workers: int, hint: dict[int, float] | None = None
) -> tuple[list[float], float, bool]:
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    vs = [m.new_int_var(math.ceil(lo), math.floor(hi), "") for lo, hi in zip(lp.lb, lp.ub, strict=True)]
    for idx, coef, lo, hi in lp.rows:
        expr = cp_model.LinearExpr.weighted_sum([vs[i] for i in idx], [round(c) for c in coef])
        if lo > -math.inf:
            m.add(expr >= math.ceil(lo))
        if hi < math.inf:
            m.add(expr <= math.floor(hi))
    obj = [(i, round(c * CPSAT_SCALE)) for i, c in enumerate(lp.cost) if c]
    m.minimize(cp_model.LinearExpr.weighted_sum([vs[i] for i, _ in obj], [c for _, c in obj]))
    for i, value in (hint or {}).items():
        m.add_hint(vs[i], round(value))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    if seed is not None:
        # repeatable: the workers take turns in fixed batches (slower than free-running
        # parallel workers, which race and so differ from run to run)
        solver.parameters.random_seed = seed
        solver.parameters.interleave_search = True
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoFeasibleSchedule(
            "no schedule satisfies every hard rule"
            + (" (none found within the time limit)" if status == cp_model.UNKNOWN else "")
        )
    values = [float(solver.value(v)) for v in vs]
    return values, solver.best_objective_bound / CPSAT_SCALE, status == cp_model.OPTIMAL


def _solve_highs(lp: LinearModel, time_limit: float, seed: int) -> tuple[list[float], float, bool]:
    import highspy

    h = highs_model(lp, time_limit, seed)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        raise NoFeasibleSchedule(f"no schedule satisfies every hard rule ({h.modelStatusToString(status)})")
    values = list(h.getSolution().col_value)
    if not any(lp.integer):  # a linear programme: its optimum is its bound
        return values, float(info.objective_function_value), status == highspy.HighsModelStatus.kOptimal
    return values, float(info.mip_dual_bound), status == highspy.HighsModelStatus.kOptimal


def _cost(lp: LinearModel, values: list[float]) -> float:
    return sum(c * values[i] for i, c in enumerate(lp.cost) if c)


def _extract(instance: Instance, built: BuiltModel, values: list[float]) -> list[ScheduledShift]:
    options = built.options
    on: dict[int, list[int]] = defaultdict(list)  # option → agents (aggregated break placement)
    chosen: list[tuple[int, int]] = []
    for (ai, k), v in built.x.items():
        if values[v] > 0.5:
            chosen.append((ai, k))
    individual = {(ai, k) for (ai, k, _i, _p) in built.ind_breaks}
    for ai, k in sorted(chosen):
        if (ai, k) not in individual:
            on[k].append(ai)
    acts: dict[int, list[ScheduledActivity]] = defaultdict(list)
    # aggregated breaks: hand the counted break starts to the shift's agents in order
    for k, agents in on.items():
        o = options[k]
        for i, br in enumerate(o.template.breaks):
            slots = [
                p
                for (k2, i2, p), v in sorted(built.agg_breaks.items())
                if k2 == k and i2 == i
                for _ in range(round(values[v]))
            ]
            for ai, p in zip(agents, slots, strict=True):
                acts[ai].append(
                    ScheduledActivity(br.kind, br.name, o.start + p, o.start + p + br.duration, br.paid)
                )
    for (ai, k, i, p), v in built.ind_breaks.items():
        if values[v] > 0.5:
            br = options[k].template.breaks[i]
            s = options[k].start + p
            acts[ai].append(ScheduledActivity(br.kind, br.name, s, s + br.duration, br.paid))
    agent_index = {a.id: i for i, a in enumerate(instance.agents)}
    for (m, s), v in built.activity_starts.items():
        if values[v] > 0.5:
            act = instance.activities[m]
            for pid in act.participants:
                acts[agent_index[pid]].append(ScheduledActivity(act.kind, act.name, s, s + act.duration))
    shifts = []
    for ai, k in sorted(chosen, key=lambda c: (c[0], options[c[1]].start)):
        o = options[k]
        inside = sorted((a for a in acts[ai] if o.start <= a.start and a.end <= o.end), key=lambda a: a.start)
        shifts.append(
            ScheduledShift(instance.agents[ai].id, o.template.name, o.day, o.start, o.end, tuple(inside))
        )
    return shifts


def _schedule_objective(instance: Instance, built: BuiltModel, values: list[float]) -> float:
    """The objective of the schedule itself (a time-limited incumbent's slack variables need
    not be tight): shift costs and preferences, then coverage priced afresh."""
    shifts = _extract(instance, built, values)
    objective = sum(built.lp.cost[v] for v in built.x.values() if values[v] > 0.5)
    return objective + coverage_cost(instance, coverage_of(instance, shifts))


def _place(
    instance: Instance, chosen: dict[int, list[int]], deadline: float, seed: int
) -> tuple[BuiltModel, list[float]] | None:
    """The full model with every agent's shifts fixed to ``chosen``: HiGHS places the breaks
    and planned activities. None when they cannot all be placed (a meeting nobody's shifts
    hold) or HiGHS finds nothing before ``deadline``."""
    only = frozenset(k for ks in chosen.values() for k in ks)
    built = build_model(instance, only=only)
    lb, ub = list(built.lp.lb), list(built.lp.ub)
    for (ai, k), v in built.x.items():
        lb[v] = ub[v] = 1.0 if k in chosen[ai] else 0.0
    fixed = LinearModel(lb, ub, built.lp.integer, built.lp.cost, built.lp.rows)
    try:
        values, _, _ = _solve_highs(fixed, max(1.0, deadline - time.perf_counter()), seed)
    except NoFeasibleSchedule:
        return None
    return built, values


def _aggregate_path(
    instance: Instance, deadline: float, seed: int
) -> tuple[float, list[tuple[BuiltModel, list[float]]], dict[int, list[int]] | None]:
    """(lower bound, schedules as full-model solutions, and the agents' shifts when breaks
    and planned activities could not be placed on them) from the aggregate model:

    1. its LP (the bound) and an LP dive to whole shift counts (plan.lp_and_dive);
    2. whole pattern counts for those shift counts (HiGHS, shifts fixed, breaks relaxed);
       HiGHS's branch and bound on the whole aggregate model instead if the dive failed;
    3. the day decomposition (decompose.py): head counts per day chosen first, a bound at
       least the LP's, and a second plan; the cheaper of the two plans goes on;
    4. the counts improved day by day (plan.improve_by_day);
    5. handed to named agents (assign.py), breaks and activities placed (_place) — the
       plans of steps 2 and 3 when that of step 4 cannot be handed out."""
    try:
        agg = build_aggregate(instance)
        shift_counts = list(agg.n.values())
        bound, relaxation, dive = lp_and_dive(agg.lp, shift_counts, deadline, seed)
    except ValueError as exc:
        raise NoFeasibleSchedule(f"no schedule satisfies every hard rule ({exc})") from exc
    found: list[tuple[BuiltModel, list[float]]] = []
    week: dict[int, list[int]] | None = None
    breaks = list(agg.breaks.values())

    def share(fraction: float) -> float:
        return time.perf_counter() + (deadline - time.perf_counter()) * fraction

    start = None if dive is None else solve_fixed(agg.lp, dive, shift_counts, breaks, share(0.2), seed)
    if start is None:
        start = solve_fixed(agg.lp, [], [], breaks, share(0.5), seed)
    starts = [] if start is None else [start]
    if start is None or _cost(agg.lp, start) - bound > GAP_TOLERANCE * max(_cost(agg.lp, start), 1e-9):
        by_day = plan_by_day(agg, relaxation, bound, share(DECOMPOSITION_SHARE))
        bound = max(bound, by_day.bound)
        if by_day.values is not None:
            starts.append(by_day.values)
    if not starts:
        return bound, found, week
    starts.sort(key=lambda values: _cost(agg.lp, values))
    start = plan = starts[0]
    if _cost(agg.lp, start) - bound > GAP_TOLERANCE * max(_cost(agg.lp, start), 1e-9):
        day_vars: dict[int, list[int]] = defaultdict(list)
        for (_g, k), v in agg.n.items():
            day_vars[agg.options[k].day].append(v)
        # leave time to hand the plan out and place breaks and activities
        left = deadline - time.perf_counter()
        reserve = max(HAND_OUT_SHARE * left, HAND_OUT_SECONDS_PER_AGENT * len(instance.agents))
        patterns = list(agg.p.values())
        plan = improve_by_day(agg.lp, start, day_vars, patterns, breaks, deadline - reserve, seed)
    for values in [plan] + [s for s in starts if s is not plan]:
        chosen = assign_agents(instance, agg, values)
        if chosen is None:
            continue
        placed = _place(instance, chosen, deadline, seed)
        if placed is not None:
            found.append(placed)
            break
        week = week or chosen  # shifts without a place for some planned activity
    return bound, found, week


def _full_path(
    instance: Instance,
    time_limit: float,
    seed: int | None,
    solver: str,
    workers: int,
    week: dict[int, list[int]] | None = None,
) -> tuple[BuiltModel, list[float], float]:
    """The full model (every agent and rule as variables and rows) with the solver chosen:
    its aggregate relaxation first for a bound; started from ``week`` (shifts per agent)
    when given, else from a greedy first week."""
    started = time.perf_counter()
    relax = build_model(instance, relaxed=True)
    relax_limit = time_limit * RELAXATION_SHARE
    if solver == "cp-sat":
        rvalues, rbound, _ = _solve_cpsat(relax.lp, relax_limit, seed, workers)
    else:
        rvalues, rbound, _ = _solve_highs(relax.lp, relax_limit, seed or 0)
    built = build_model(instance)
    wanted = {k: round(rvalues[v]) for k, v in relax.n.items()}
    first = week or greedy_schedule(instance, built.options, started + time_limit * GREEDY_UNTIL)
    start_values = None if first is None else greedy_values(instance, built, first)
    if start_values is not None:  # a complete first schedule
        hint = dict(enumerate(start_values))
    elif first is not None:  # every agent's shifts
        taken = {(ai, k) for ai, ks in first.items() for k in ks}
        hint = {v: float(key in taken) for key, v in built.x.items()}
    else:  # the relaxation's counts alone
        hint = {v: float(wanted.get(k, 0)) for k, v in built.n.items()}
    remaining = max(1.0, time_limit - (time.perf_counter() - started))
    try:
        if solver == "cp-sat":
            values, bound, _ = _solve_cpsat(built.lp, remaining, seed, workers, hint)
        else:
            values, bound, _ = _solve_highs(built.lp, remaining, seed or 0)
    except NoFeasibleSchedule:
        if start_values is None:
            raise
        # the solver found nothing better in time: the greedy week, judged by the relaxation's bound
        values, bound = start_values, rbound
    if start_values is not None and _cost(built.lp, start_values) < _cost(built.lp, values):
        values = start_values
    return built, values, max(bound, rbound)


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    seed: int | None = None,
    solver: str = "cp-sat",
    workers: int = 8,
) -> SolveResult:
    """Schedule ``instance`` within ``time_limit`` seconds.

    1. The aggregate model (agents per group × shift and per group × working-day pattern):
       its LP (HiGHS) is the lower bound; an LP dive gives whole shift counts, which are
       handed to named agents within every rule (assign.py); HiGHS then places breaks and
       planned activities with the shifts fixed. Remaining time goes to HiGHS's branch and
       bound on the aggregate model, started from the dive.
    2. The full model (``solver``: every agent and rule as variables) when step 1 found no
       schedule, or for small instances (≤ FULL_MODEL_AGENTS agents) whose schedule is not
       yet proven optimal. The better schedule is kept; the bound is the larger.

    With a ``seed`` the search is repeatable (same instance, seed and limit → same schedule
    when it ends before the limit); without one CP-SAT's workers run freely in parallel."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}")
    started = time.perf_counter()
    deadline = started + time_limit
    bound = -math.inf
    found: list[tuple[BuiltModel, list[float]]] = []
    week = None
    if instance.days <= MAX_PATTERN_DAYS:
        bound, found, week = _aggregate_path(instance, started + time_limit * AGGREGATE_SHARE, seed or 0)
    scored = [(_schedule_objective(instance, b, v), b, v) for b, v in found]
    best = min(scored, key=lambda c: c[0], default=None)
    proven = best is not None and best[0] - bound <= GAP_TOLERANCE * max(best[0], 1e-9)
    if best is None or (not proven and len(instance.agents) <= FULL_MODEL_AGENTS):
        remaining = max(1.0, deadline - time.perf_counter())
        try:
            built, values, full_bound = _full_path(instance, remaining, seed, solver, workers, week)
        except NoFeasibleSchedule:
            if best is None:
                raise
        else:
            bound = max(bound, full_bound)
            objective = _schedule_objective(instance, built, values)
            if best is None or objective < best[0] - 1e-9:
                best = (objective, built, values)
    assert best is not None
    objective, built, values = best
    shifts = _extract(instance, built, values)
    coverage = coverage_of(instance, shifts)
    bound = min(bound, objective)
    gap = 0.0 if objective <= 1e-9 else max(0.0, (objective - bound) / objective)
    under, over = under_over_hours(instance, coverage)
    per, overall = projected_service_level(instance, coverage)
    return SolveResult(
        shifts=tuple(shifts),
        objective=objective,
        bound=bound,
        gap=gap,
        status="optimal" if gap <= 1e-9 else "feasible",
        seconds=time.perf_counter() - started,
        coverage=tuple(coverage),
        under_agent_hours=under,
        over_agent_hours=over,
        service_level=tuple(per),
        projected_service_level=overall,
    )
