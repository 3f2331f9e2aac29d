"""Solve a schedule model with CP-SAT (default) or HiGHS, report objective, bound and gap,
and turn the solution into agents' shifts with their breaks and planned activities.

Determinism: with a seed, the same instance, seed, solver and limits give the same
schedule when the solver finishes before the time limit; when the time limit stops it,
the incumbent can depend on the machine's speed. Without a seed CP-SAT's workers race in
parallel (faster, not repeatable).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from floorwalker.errors import DomainError
from floorwalker.wfm.scheduling.construct import greedy_schedule, greedy_values
from floorwalker.wfm.scheduling.coverage import (
    coverage_cost,
    coverage_of,
    projected_service_level,
    under_over_hours,
)
from floorwalker.wfm.scheduling.model import BuiltModel, LinearModel, build_model
from floorwalker.wfm.scheduling.rules import Instance, ScheduledActivity, ScheduledShift

SOLVERS = ("cp-sat", "highs")
#: CP-SAT needs integer objective coefficients: weights are scaled by this and rounded.
CPSAT_SCALE = 1000
#: Share of the time limit given to the aggregate relaxation (the bound).
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
    import numpy as np

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 1e-6)
    inf = highspy.kHighsInf
    model = highspy.HighsLp()
    model.num_col_ = len(lp.lb)
    model.num_row_ = len(lp.rows)
    model.col_cost_ = np.array(lp.cost, dtype=float)
    model.col_lower_ = np.array(lp.lb, dtype=float)
    model.col_upper_ = np.array(lp.ub, dtype=float)
    model.row_lower_ = np.array([lo if lo > -math.inf else -inf for _, _, lo, _ in lp.rows], dtype=float)
    model.row_upper_ = np.array([hi if hi < math.inf else inf for _, _, _, hi in lp.rows], dtype=float)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for idx, coef, _, _ in lp.rows:
        index.extend(idx)
        value.extend(coef)
        starts.append(len(index))
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    model.a_matrix_.index_ = np.array(index, dtype=np.int32)
    model.a_matrix_.value_ = np.array(value, dtype=float)
    model.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in lp.integer
    ]
    h.passModel(model)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        raise NoFeasibleSchedule(f"no schedule satisfies every hard rule ({h.modelStatusToString(status)})")
    values = list(h.getSolution().col_value)
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


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    seed: int | None = None,
    solver: str = "cp-sat",
    workers: int = 8,
) -> SolveResult:
    """Build and solve the model of ``instance``; ``time_limit`` in seconds. With a
    ``seed`` the search is repeatable (same instance, seed and limit → same schedule when it
    ends before the limit); without one the solver's workers run freely in parallel."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}")
    started = time.perf_counter()
    # 1. the aggregate relaxation: a proven lower bound, and agents per shift as a guide
    relax = build_model(instance, relaxed=True)
    relax_limit = time_limit * RELAXATION_SHARE
    if solver == "cp-sat":
        rvalues, rbound, _ = _solve_cpsat(relax.lp, relax_limit, seed, workers)
    else:
        rvalues, rbound, _ = _solve_highs(relax.lp, relax_limit, seed or 0)
    # 2. the full model, every agent and rule, started from the relaxation's shift counts
    built = build_model(instance)
    wanted = {k: round(rvalues[v]) for k, v in relax.n.items()}
    first = greedy_schedule(instance, built.options, started + time_limit * GREEDY_UNTIL)
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
            values, bound, optimal = _solve_cpsat(built.lp, remaining, seed, workers, hint)
        else:
            values, bound, optimal = _solve_highs(built.lp, remaining, seed or 0)
    except NoFeasibleSchedule:
        if start_values is None:
            raise
        # the solver found nothing better in time: the greedy week, judged by the relaxation's bound
        values, bound, optimal = start_values, rbound, False
    if start_values is not None and _cost(built.lp, start_values) < _cost(built.lp, values):
        values = start_values
    bound = max(bound, rbound)
    shifts = _extract(instance, built, values)
    coverage = coverage_of(instance, shifts)
    # the objective of the schedule itself (a time-limited incumbent's slack variables
    # need not be tight): shift costs and preferences, then coverage priced afresh
    objective = sum(built.lp.cost[v] for v in built.x.values() if values[v] > 0.5)
    objective += coverage_cost(instance, coverage)
    bound = min(bound, objective)
    gap = 0.0 if objective <= 1e-9 else max(0.0, (objective - bound) / objective)
    optimal = optimal or gap <= 1e-9
    under, over = under_over_hours(instance, coverage)
    per, overall = projected_service_level(instance, coverage)
    return SolveResult(
        shifts=tuple(shifts),
        objective=objective,
        bound=bound,
        gap=gap,
        status="optimal" if optimal else "feasible",
        seconds=time.perf_counter() - started,
        coverage=tuple(coverage),
        under_agent_hours=under,
        over_agent_hours=over,
        service_level=tuple(per),
        projected_service_level=overall,
    )
