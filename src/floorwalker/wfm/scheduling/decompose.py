"""Split the aggregate model (aggregate.py) by day and choose each day's head counts first
(Benders decomposition): a stronger lower bound and a better first plan than the LP dive.

Why: in the aggregate model the days meet only in the working-day patterns (how many agents
of each group work each day, the *head counts*) and in the weekly rows (paid minutes, night
shifts). Given whole head counts, every day is a small problem of its own. Measured on the
200-agent bench week (bench/RESULTS.md): the head counts the LP dive rounds to cost about
2.6 of the 4.5 between the old plan and the LP bound, and at the head counts chosen here
almost every day's whole-number plan costs exactly its LP value.

Method:

* Blocks: the model's variables other than the patterns, joined by every row except the
  head-count rows and the weekly rows (a day, or several days when shifts cross midnight
  or a planned activity's window spans days).
* A block's cost as a function of its head counts H (and, for weekly rows whose
  coefficients differ between one day's shifts, the block's share L of that row) is the
  value of its LP with those right-hand sides: convex, so every evaluation gives a tangent
  (the value plus the duals of the fixing rows times the change) that lies below it
  everywhere.
* The master problem: patterns (continuous), whole head counts H, the shares L, weekly rows
  on them, and per block a cost θ above its tangents. Its optimum is a lower bound on every
  schedule: any schedule's patterns give whole head counts, and its cost per block is at
  least the block's LP at those counts, which is at least every tangent.
* Loop: solve the master, evaluate each block at the master's head counts, add a tangent
  where the block costs more than the master thought; first with the master relaxed
  (converges to the LP bound and collects the tangents cheaply), then with whole head
  counts until no tangent is missing or the time is up. The master's proven bound is the
  decomposition's bound; the head counts with the lowest evaluated cost are the plan.
* Realisation: whole patterns for those head counts (least unmet preference), then each
  block solved in whole shifts with its head counts fixed (HiGHS), breaks left continuous
  as everywhere in the aggregate path.

Pure: takes the aggregate model, returns numbers.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from floorwalker.wfm.scheduling.aggregate import Aggregate
from floorwalker.wfm.scheduling.model import LinearModel
from floorwalker.wfm.scheduling.plan import highs_model

#: A block costing this much more than the master's estimate gets a new tangent.
CUT_TOLERANCE = 1e-6
#: Relaxed master rounds at most (each adds a tangent per block that needs one).
RELAXED_ROUNDS = 200
#: Share of the decomposition's time for one whole-number master solve.
MASTER_SHARE = 0.35
#: Share of the decomposition's time for choosing the head counts (the master loop); the
#: rest realises them. The realisation's whole-number day plans are what the schedule is
#: made of; under a short budget a later master round gains less than their time.
CHOOSE_SHARE = 0.5
#: Relative gap at which a whole-number master counts as solved: its proven bound is then
#: within 0.1 % of its optimum (proving the last 0.01 % took about a third of the
#: master's time on the 200-agent bench week).
MASTER_GAP = 1e-3


#: head counts per (group, day) and shares per (weekly row, group, day)
Point = tuple[dict[tuple[int, int], float], dict[tuple[int, int, int], float]]


@dataclass
class _Block:
    variables: list[int]  # model variable indices
    head_rows: dict[tuple[int, int], int]  # (group, day) → local row fixing its head count
    share_rows: dict[tuple[int, int, int], int]  # (week row, group, day) → local row fixing L
    rows: list[tuple[list[int], list[float], float, float]]  # local rows (indices are local)
    solver: Any = None


@dataclass
class Decomposition:
    """The aggregate model split into blocks, and the master problem's fixed part."""

    agg: Aggregate
    blocks: list[_Block]
    heads: list[tuple[int, int]]  # (group, day) pairs with shifts
    shares: list[tuple[int, int, int]]  # (week row, group, day) with differing coefficients
    share_range: dict[tuple[int, int, int], tuple[float, float]]  # coefficient min, max
    uniform: dict[tuple[int, int], dict[int, float]]  # (group, day) → {week row: coefficient}
    #: tangents: (block, constant, slopes) meaning θ_block − Σ slope·variable ≥ constant
    cuts: list[tuple[int, float, dict[tuple[Any, ...], float]]] = field(default_factory=list)


@dataclass(frozen=True)
class DecomposedPlan:
    """``bound``: a proven lower bound on every schedule (at least the LP's); ``values``: a
    whole plan of the aggregate model (shift and pattern counts whole, breaks continuous),
    or None when no plan was realised in time; ``estimate``: the evaluated cost of the head
    counts behind ``values`` (its LP value, ≤ the plan's cost)."""

    bound: float
    values: list[float] | None
    estimate: float | None


def _find(parent: list[int], v: int) -> int:
    while parent[v] != v:
        parent[v] = parent[parent[v]]
        v = parent[v]
    return v


def decompose(agg: Aggregate) -> Decomposition:
    """The blocks and the master's fixed rows of ``agg``."""
    lp = agg.lp
    nvars = len(lp.lb)
    patterns = set(agg.p.values())
    head_of = {v: (g, agg.options[k].day) for (g, k), v in agg.n.items()}
    members: dict[tuple[int, int], list[int]] = defaultdict(list)
    for v, key in head_of.items():
        members[key].append(v)
    linking = set(agg.day_rows.values()) | set(agg.week_rows)
    parent = list(range(nvars))

    def union(a: int, b: int) -> None:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[rb] = ra

    inner: list[int] = []
    for ri, (idx, _coef, _lo, _hi) in enumerate(lp.rows):
        if ri in linking or all(v in patterns for v in idx):
            continue
        inner.append(ri)
        for v in idx[1:]:
            union(idx[0], v)
    for vs in members.values():
        for v in vs[1:]:
            union(vs[0], v)

    # weekly rows: per (group, day) one coefficient for all its shifts → a master term on H;
    # otherwise the day's part of the row becomes a share L fixed in the block
    uniform: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    shares: list[tuple[int, int, int]] = []
    share_range: dict[tuple[int, int, int], tuple[float, float]] = {}
    share_terms: dict[tuple[int, int, int], dict[int, float]] = {}
    for ri in agg.week_rows:
        idx, coef, _lo, _hi = lp.rows[ri]
        by_var = dict(zip(idx, coef, strict=True))
        for key, vs in members.items():
            cs = [by_var.get(v, 0.0) for v in vs]
            if not any(cs):
                continue
            if max(cs) - min(cs) <= 1e-9:
                uniform[key][ri] = cs[0]
            else:
                share = (ri, *key)
                shares.append(share)
                share_range[share] = (min(cs), max(cs))
                share_terms[share] = {v: c for v, c in zip(vs, cs, strict=True) if c}

    # parts that hold no shifts (intervals no shift can cover: their cost is fixed) join
    # one block, so that each evaluation and each master carries one θ for them all
    fixed_root = -1
    with_heads = {_find(parent, vs[0]) for vs in members.values()}
    for v in range(nvars):
        if v in patterns or _find(parent, v) in with_heads:
            continue
        if fixed_root < 0:
            fixed_root = _find(parent, v)
        else:
            union(fixed_root, v)
    block_of: dict[int, int] = {}
    blocks: list[_Block] = []
    for v in range(nvars):
        if v in patterns:
            continue
        root = _find(parent, v)
        if root not in block_of:
            block_of[root] = len(blocks)
            blocks.append(_Block([], {}, {}, []))
        blocks[block_of[root]].variables.append(v)
    local = {v: i for b in blocks for i, v in enumerate(b.variables)}
    for ri in inner:
        idx, coef, lo, hi = lp.rows[ri]
        blocks[block_of[_find(parent, idx[0])]].rows.append(([local[v] for v in idx], list(coef), lo, hi))
    for key, vs in members.items():
        b = blocks[block_of[_find(parent, vs[0])]]
        b.head_rows[key] = len(b.rows)
        b.rows.append(([local[v] for v in vs], [1.0] * len(vs), 0.0, 0.0))
    for share, terms in share_terms.items():
        b = blocks[block_of[_find(parent, next(iter(terms)))]]
        b.share_rows[share] = len(b.rows)
        b.rows.append(([local[v] for v in terms], list(terms.values()), 0.0, 0.0))
    blocks = [b for b in blocks if b.head_rows or any(lp.cost[v] for v in b.variables)]
    return Decomposition(agg, blocks, sorted(members), shares, share_range, dict(uniform))


def _block_lp(dec: Decomposition, b: _Block) -> Any:
    if b.solver is None:
        lp = dec.agg.lp
        sub = LinearModel(
            [lp.lb[v] for v in b.variables],
            [lp.ub[v] for v in b.variables],
            [False] * len(b.variables),
            [lp.cost[v] for v in b.variables],
            b.rows,
        )
        b.solver = highs_model(sub, math.inf, 0, relaxed=True)
    return b.solver


Slopes = dict[tuple[Any, ...], float]


def _evaluate(dec: Decomposition, b: _Block, point: Point) -> tuple[float, Slopes] | None:
    """(LP value of block ``b`` at these head counts and shares, the tangent's slopes), or
    None when the block cannot take them."""
    import highspy

    heads, shares = point
    h = _block_lp(dec, b)
    for key, r in b.head_rows.items():
        h.changeRowBounds(r, heads[key], heads[key])
    for share, r in b.share_rows.items():
        h.changeRowBounds(r, shares[share], shares[share])
    h.setOptionValue("time_limit", math.inf)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    dual = h.getSolution().row_dual
    slopes: dict[tuple[Any, ...], float] = {("H", *k): dual[r] for k, r in b.head_rows.items()}
    slopes.update({("L", *k): dual[r] for k, r in b.share_rows.items()})
    return float(h.getInfo().objective_function_value), slopes


def _point(dec: Decomposition, values: list[float]) -> Point:
    """Head counts and shares of a solution of the aggregate model."""
    lp = dec.agg.lp
    heads: dict[tuple[int, int], float] = defaultdict(float)
    for (g, k), v in dec.agg.n.items():
        heads[g, dec.agg.options[k].day] += values[v]
    shares: dict[tuple[int, int, int], float] = {}
    for s in dec.shares:
        ri, g, d = s
        idx, coef, _lo, _hi = lp.rows[ri]
        on = {v for (g2, k), v in dec.agg.n.items() if g2 == g and dec.agg.options[k].day == d}
        shares[s] = sum(c * values[v] for v, c in zip(idx, coef, strict=True) if v in on)
    return dict(heads), shares


def _master(
    dec: Decomposition, time_limit: float, relaxed: bool
) -> tuple[float, float, Point, list[float], float] | None:
    """Solve the master: (value, proven bound, its head counts and shares, θ per block,
    pattern cost), or None when it found no solution in time."""
    agg, lp = dec.agg, dec.agg.lp
    m = LinearModel()
    pvar = {v: m.var(lp.lb[v], lp.ub[v], integer=False, cost=lp.cost[v]) for v in agg.p.values()}
    hvar = {key: m.var(0, len(agg.groups[key[0]].agents)) for key in dec.heads}
    lvar = {s: m.var(-math.inf, math.inf, integer=False) for s in dec.shares}
    theta = [m.var(0, math.inf, integer=False, cost=1.0) for _ in dec.blocks]
    patterns = set(agg.p.values())
    for idx, coef, lo, hi in lp.rows:
        if all(v in patterns for v in idx):
            m.row({pvar[v]: c for v, c in zip(idx, coef, strict=True)}, lo, hi)
    for key, ri in agg.day_rows.items():
        idx, coef, lo, hi = lp.rows[ri]
        terms = {pvar[v]: c for v, c in zip(idx, coef, strict=True) if v in patterns}
        terms[hvar[key]] = 1.0  # the row's shifts, summed, are the head count
        m.row(terms, lo, hi)
    for ri in agg.week_rows:
        _idx, _coef, lo, hi = lp.rows[ri]
        terms = {hvar[key]: c[ri] for key, c in dec.uniform.items() if ri in c}
        terms.update({lvar[s]: 1.0 for s in dec.shares if s[0] == ri})
        m.row(terms, lo, hi)
    for s in dec.shares:  # a share lies between its smallest and largest coefficient × H
        lo_c, hi_c = dec.share_range[s]
        m.row({lvar[s]: 1.0, hvar[s[1], s[2]]: -lo_c}, 0.0, math.inf)
        m.row({lvar[s]: 1.0, hvar[s[1], s[2]]: -hi_c}, -math.inf, 0.0)
    for bi, constant, slopes in dec.cuts:
        terms = {theta[bi]: 1.0}
        for (kind, *at), y in slopes.items():
            var = hvar[at[0], at[1]] if kind == "H" else lvar[at[0], at[1], at[2]]
            terms[var] = terms.get(var, 0.0) - y
        m.row(terms, constant, math.inf)
    h = highs_model(m, time_limit, 0, relaxed=relaxed)
    h.setOptionValue("mip_rel_gap", MASTER_GAP)
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        return None
    x = list(h.getSolution().col_value)
    value = float(info.objective_function_value)
    bound = value if relaxed else float(info.mip_dual_bound)
    heads = {key: (x[v] if relaxed else float(round(x[v]))) for key, v in hvar.items()}
    shares = {s: x[v] for s, v in lvar.items()}
    pattern_cost = sum(lp.cost[v] * x[pv] for v, pv in pvar.items())
    return value, bound, (heads, shares), [x[t] for t in theta], pattern_cost


def _tangents(dec: Decomposition, point: Point, theta: list[float] | None) -> tuple[float, int] | None:
    """Evaluate every block at ``point``; add a tangent where a block costs more than
    ``theta`` (all blocks when None). (Σ block values, tangents added), or None when some
    block cannot take the point."""
    heads, shares = point
    total, added = 0.0, 0
    for bi, b in enumerate(dec.blocks):
        got = _evaluate(dec, b, point)
        if got is None:
            return None
        value, slopes = got
        total += value
        if theta is None or value > theta[bi] + CUT_TOLERANCE * max(1.0, abs(value)):
            at = {("H", *k): heads[k] for k in b.head_rows} | {("L", *k): shares[k] for k in b.share_rows}
            constant = value - sum(y * at[key] for key, y in slopes.items())
            dec.cuts.append((bi, constant, slopes))
            added += 1
    return total, added


def _realise(dec: Decomposition, point: Point, deadline: float) -> list[float] | None:
    """A whole plan at ``point``'s head counts: whole patterns with the least unmet
    preference, then the blocks in whole shifts (all blocks together, patterns fixed, when
    a weekly row has shares). None when either finds nothing before ``deadline``."""
    from floorwalker.wfm.scheduling.plan import solve_fixed

    agg, lp = dec.agg, dec.agg.lp
    heads, _shares = point
    patterns = set(agg.p.values())
    pm = LinearModel()
    pvar = {v: pm.var(lp.lb[v], lp.ub[v], cost=lp.cost[v]) for v in agg.p.values()}
    for idx, coef, lo, hi in lp.rows:
        if all(v in patterns for v in idx):
            pm.row({pvar[v]: c for v, c in zip(idx, coef, strict=True)}, lo, hi)
    for key, ri in agg.day_rows.items():
        idx, coef, _lo, _hi = lp.rows[ri]
        pm.row({pvar[v]: -c for v, c in zip(idx, coef, strict=True) if v in patterns}, heads[key], heads[key])
    # the LP first: its optimum is often whole already (then no branch and bound)
    h = highs_model(pm, max(0.1, (deadline - time.perf_counter()) / 2), 0, relaxed=True)
    h.run()
    pv = list(h.getSolution().col_value) if h.getInfo().primal_solution_status == 2 else []
    if not pv or any(abs(v - round(v)) > 1e-6 for v in pv):
        h = highs_model(pm, max(0.1, (deadline - time.perf_counter()) / 2), 0)
        h.run()
        if h.getInfo().primal_solution_status != 2:
            return None
        pv = list(h.getSolution().col_value)
    x = [0.0] * len(lp.lb)
    for v, i in pvar.items():
        x[v] = float(round(pv[i]))
    breaks = list(agg.breaks.values())
    if dec.shares:
        return solve_fixed(lp, x, list(patterns), breaks, deadline)
    relaxed = set(breaks)
    for left, b in zip(range(len(dec.blocks), 0, -1), dec.blocks, strict=True):
        rows = list(b.rows)
        for key, r in b.head_rows.items():
            idx, coef, _lo, _hi = rows[r]
            rows[r] = (idx, coef, heads[key], heads[key])
        sub = LinearModel(
            [lp.lb[v] for v in b.variables],
            [lp.ub[v] for v in b.variables],
            [lp.integer[v] and v not in relaxed for v in b.variables],
            [lp.cost[v] for v in b.variables],
            rows,
        )
        hb = highs_model(sub, max(0.1, (deadline - time.perf_counter()) / left), 0)
        # the polish re-plans every day afterwards: a plan within 0.1 % of the block's
        # best is enough here. (Starting HiGHS from the rounded LP plan below was tried:
        # slower to the best plan on the 200-agent bench week, so it is the fallback only.)
        hb.setOptionValue("mip_rel_gap", 1e-3)
        hb.run()
        if hb.getInfo().primal_solution_status == 2:
            values = list(hb.getSolution().col_value)
        else:  # nothing found in its share of the time: the block's LP, rounded
            rounded = _rounded_block(dec, b, point, sub)
            if rounded is None:
                return None
            values = rounded
        for v, value in zip(b.variables, values, strict=True):
            x[v] = value
    return x


def _rounded_block(dec: Decomposition, b: _Block, point: Point, sub: LinearModel) -> list[float] | None:
    """Block ``b`` at ``point`` in whole shifts without branch and bound: its LP's shift
    counts rounded per head count (largest remainders, so each head count holds), the rest
    of the block (breaks, coverage) re-solved as an LP with those counts fixed. None when
    the block has other whole-number variables (planned activities)."""
    import highspy

    local = {v: i for i, v in enumerate(b.variables)}
    counted = {local[v] for row in b.head_rows.values() for v in (b.variables[i] for i in b.rows[row][0])}
    if any(sub.integer[i] and i not in counted for i in range(len(b.variables))):
        return None
    if _evaluate(dec, b, point) is None:
        return None
    lp_values = list(b.solver.getSolution().col_value)
    lb, ub = list(sub.lb), list(sub.ub)
    for row in b.head_rows.values():
        idx, _coef, heads, _hi = sub.rows[row]
        floors = {i: math.floor(lp_values[i] + 1e-9) for i in idx}
        short = round(heads) - sum(floors.values())
        for i in sorted(idx, key=lambda i: floors[i] - lp_values[i])[: max(0, short)]:
            floors[i] += 1
        for i, value in floors.items():
            lb[i] = ub[i] = float(value)
    h = highs_model(LinearModel(lb, ub, sub.integer, sub.cost, sub.rows), math.inf, 0, relaxed=True)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return list(h.getSolution().col_value)


def plan_by_day(agg: Aggregate, lp_values: list[float], lp_bound: float, deadline: float) -> DecomposedPlan:
    """The decomposition's bound and plan (see the module docstring), started from the
    aggregate LP's solution ``lp_values`` (value ``lp_bound``); the master loop stops after
    CHOOSE_SHARE of the time, leaving the rest to the realisation."""
    started = time.perf_counter()
    choose_by = started + (deadline - started) * CHOOSE_SHARE
    dec = decompose(agg)
    bound = lp_bound
    if _tangents(dec, _point(dec, lp_values), None) is None:
        return DecomposedPlan(bound, None, None)
    for _ in range(RELAXED_ROUNDS):  # relaxed master: cheap tangents around the LP optimum
        if time.perf_counter() > choose_by:
            break
        got = _master(dec, choose_by - time.perf_counter(), relaxed=True)
        if got is None:
            break
        _value, _bound, point, theta, _pc = got
        evaluated = _tangents(dec, point, theta)
        if evaluated is None or evaluated[1] == 0:
            break
    best: tuple[float, Point] | None = None
    while (left := choose_by - time.perf_counter()) > 0.1:
        got = _master(dec, max(0.1, min(left, MASTER_SHARE * (deadline - started))), relaxed=False)
        if got is None:
            break
        _value, master_bound, point, theta, pattern_cost = got
        bound = max(bound, master_bound)
        evaluated = _tangents(dec, point, theta)
        if evaluated is None:
            break
        total, added = evaluated
        if best is None or total + pattern_cost < best[0]:
            best = (total + pattern_cost, point)
        if added == 0:
            break
    if best is None:
        return DecomposedPlan(bound, None, None)
    return DecomposedPlan(bound, _realise(dec, best[1], deadline), best[0])
