"""Solve the aggregate model (aggregate.py) with HiGHS: its LP value is the lower bound,
and an LP dive turns the LP solution into integer shift and pattern counts.

The dive: solve the LP; fix every shift/pattern count that is within ``NEAR`` of an
integer to that integer (or, when none is, the few nearest ones); re-solve from the
previous basis (a few dual simplex iterations); repeat until every count is whole. A
fixing that makes the LP infeasible is tried the other way round. Breaks stay continuous
in the dive; their whole counts come afterwards from a small MIP with the shifts fixed
(integral in practice: the break rows of fixed shifts are a transportation problem).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from floorwalker.wfm.scheduling.model import LinearModel

#: Counts this close to a whole number are fixed in one go.
NEAR = 0.1
#: When no count is near a whole number, fix this share of the fractional ones (nearest first).
BATCH = 0.1
#: First seconds of branch and bound per neighbourhood in improve_by_day (doubled per
#: round that improves nothing).
DAY_LIMIT = 3.0


def highs_model(lp: LinearModel, time_limit: float, seed: int, *, relaxed: bool = False) -> Any:
    """A highspy.Highs holding ``lp`` (all variables continuous when ``relaxed``)."""
    import highspy
    import numpy as np

    # the core class: highspy.Highs's Python wrapper prints a banner on stdout when built,
    # which would corrupt the CLI's --json output
    from highspy._core import _Highs

    h = _Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit, 0.1)))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.setOptionValue("threads", 1)
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
    if not relaxed and any(lp.integer):
        model.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in lp.integer
        ]
    h.passModel(model)
    return h


def _optimal(h: Any) -> bool:
    import highspy

    return bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def lp_and_dive(
    lp: LinearModel, counts: Sequence[int], deadline: float, seed: int = 0
) -> tuple[float, list[float], list[float] | None]:
    """(LP value, the LP's solution, an LP solution with every variable of ``counts``
    whole, or None when the dive failed or ran past ``deadline``, time.perf_counter()).
    Raises ValueError when the LP is infeasible: then no schedule exists."""
    h = highs_model(lp, deadline - time.perf_counter(), seed, relaxed=True)
    h.run()
    if not _optimal(h):
        raise ValueError(h.modelStatusToString(h.getModelStatus()))
    bound = float(h.getInfo().objective_function_value)
    relaxation = list(h.getSolution().col_value)
    free = set(counts)
    while free:
        if time.perf_counter() > deadline:
            return bound, relaxation, None
        x = list(h.getSolution().col_value)
        frac = sorted(free, key=lambda v: abs(x[v] - round(x[v])))
        near = [v for v in frac if abs(x[v] - round(x[v])) <= NEAR]
        batch = near or frac[: max(1, int(len(frac) * BATCH))]
        for v in batch:
            r = float(round(x[v]))
            h.changeColBounds(v, r, r)
        h.run()
        if not _optimal(h):
            # fix one at a time, either way round, until the LP is feasible again
            for v in batch:
                h.changeColBounds(v, lp.lb[v], lp.ub[v])
            v = batch[0]
            for r in (float(round(x[v])), float(math.floor(x[v])), float(math.ceil(x[v]))):
                h.changeColBounds(v, r, r)
                h.run()
                if _optimal(h):
                    break
            else:
                return bound, relaxation, None
            batch = [v]
        free -= set(batch)
    return bound, relaxation, list(h.getSolution().col_value)


def solve_fixed(
    lp: LinearModel,
    values: Sequence[float],
    fixed: Sequence[int],
    continuous: Sequence[int],
    deadline: float,
    seed: int = 0,
) -> list[float] | None:
    """``lp`` solved by HiGHS's branch and bound with the ``fixed`` variables held at their
    (rounded) ``values`` and the ``continuous`` ones relaxed; None when it finds no
    solution before ``deadline``."""
    lb, ub = list(lp.lb), list(lp.ub)
    for v in fixed:
        lb[v] = ub[v] = float(round(values[v]))
    integer = list(lp.integer)
    for v in continuous:
        integer[v] = False
    h = highs_model(LinearModel(lb, ub, integer, lp.cost, lp.rows), deadline - time.perf_counter(), seed)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    return list(h.getSolution().col_value)


def improve_by_day(
    lp: LinearModel,
    values: list[float],
    day_vars: dict[int, list[int]],
    patterns: Sequence[int],
    continuous: Sequence[int],
    deadline: float,
    seed: int = 0,
) -> list[float]:
    """Large-neighbourhood search on the aggregate model from the whole solution
    ``values``. Neighbourhoods: the shift counts of one day (``day_vars[d]``) with
    everything else held, the ``patterns`` included (so each day's head count stays); and
    the shift counts of two neighbouring days with the patterns free (head counts can move
    between those two days). HiGHS's branch and bound re-plans the neighbourhood from the
    current solution within a per-neighbourhood time limit. ``continuous`` variables
    (break counts) are relaxed; their whole values come afterwards.

    Rounds go over the single days; a round that improves nothing doubles the limit (from
    DAY_LIMIT: the one-day problems are rarely solved to optimality in a few seconds, and
    longer solves of them are where the later improvements come from, measured in
    bench/RESULTS.md); once a round of single days is solved to optimality without
    improving, the two-day neighbourhoods follow. The search ends when those too are all
    optimal without improving, or ``deadline`` (time.perf_counter()) passes."""
    import highspy

    integer = list(lp.integer)
    for v in continuous:
        integer[v] = False
    best = list(values)
    best_cost = sum(c * best[i] for i, c in enumerate(lp.cost) if c)
    days = sorted(day_vars)
    singles = [({d}, False) for d in days]
    pairs = [({d, days[(i + 1) % len(days)]}, True) for i, d in enumerate(days)] if len(days) > 1 else []
    hoods = singles
    limit = DAY_LIMIT
    while True:
        settled = True
        improved = False
        for free_days, free_patterns in hoods:
            left = deadline - time.perf_counter()
            if left <= 0.5:
                return best
            lb, ub = list(lp.lb), list(lp.ub)
            for d2 in days:
                if d2 not in free_days:
                    for v in day_vars[d2]:
                        lb[v] = ub[v] = float(round(best[v]))
            if not free_patterns:
                for v in patterns:
                    lb[v] = ub[v] = float(round(best[v]))
            h = highs_model(LinearModel(lb, ub, integer, lp.cost, lp.rows), min(left, limit), seed)
            start = highspy.HighsSolution()
            start.col_value = best
            start.value_valid = True
            h.setSolution(start)
            h.run()
            if h.getInfo().primal_solution_status != 2:
                settled = False
                continue
            settled &= _optimal(h)
            x = list(h.getSolution().col_value)
            cost = sum(c * x[i] for i, c in enumerate(lp.cost) if c)
            if cost < best_cost - 1e-7 * max(1.0, abs(best_cost)):
                best, best_cost = x, cost
                improved = True
        if improved:
            hoods = singles
        elif settled:
            if hoods is pairs or not pairs:
                return best
            hoods = pairs
        else:
            limit *= 2
