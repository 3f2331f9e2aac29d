"""What-if changes applied to a baseline scenario, and the baseline-vs-scenario run. Pure.

A change is a plain dict (the JSON a saved scenario keeps), checked by :func:`parse_change`.
Kinds and keys (``queue`` absent = every queue; ``days`` = weekdays 0 = Monday … 6, absent
= every day; ``from``/``to`` = "HH:MM" local clock, the window [from, to), absent = the whole
day):

- ``volume``: ``pct`` — offered contacts × (1 + pct/100); ``queue``, ``days``, ``from``, ``to``;
- ``aht``: ``pct`` or ``seconds`` — handle and wrap-up times scaled so the mean handle time
  (talk + hold + wrap-up) changes by that percentage or that many seconds; the shape
  (cv, or the empirical values' spread) is kept; ``queue``;
- ``agents``: ``delta`` (whole agents, + or −) in ``group`` (a group's name) or ``team``
  (the team's group with the most agents in each interval); ``days``, ``from``, ``to``.
  A group never goes below 0 agents;
- ``patience``: ``pct`` — customers' patience × (1 + pct/100); ``queue``;
- ``overflow``: ``queue``, ``group``, ``after_s``, ``on`` (true: the group may take the
  queue's contacts after they waited after_s; false: remove that overflow);
- ``merge``: ``queue`` into ``into`` — one queue: offered added per interval, handle and
  wrap-up times a volume-weighted lognormal with the pooled mean and variance, patience
  pooled (empirical observations together) or the target's; agents with either skill
  serve the merged queue (at their better level).

Common random numbers: baseline and scenario are run with the same seed and draw their
arrivals from a common cap (the larger offered of the two, thinned to each one's offered),
so both see the same customers with the same handle times and patience; a volume increase
only adds customers and a decrease only removes some. A change of AHT or patience keeps
each customer's random draw and scales it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.metrics.rollup import REAL_TIME_CHANNELS
from floorwalker.sim.distributions import Distribution
from floorwalker.sim.engine import simulate
from floorwalker.sim.history import Baseline
from floorwalker.sim.results import SimulationResult, mean_ci
from floorwalker.sim.scenario import Overflow, Scenario

KINDS = ("volume", "aht", "agents", "patience", "overflow", "merge")
KEYS = {
    "volume": ("pct", "queue", "days", "from", "to"),
    "aht": ("pct", "seconds", "queue"),
    "agents": ("delta", "group", "team", "days", "from", "to"),
    "patience": ("pct", "queue"),
    "overflow": ("queue", "group", "after_s", "on"),
    "merge": ("queue", "into"),
}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WhatIfError(InvalidInput):
    """A change is malformed or names something the baseline does not have."""


def _fail(i: int, key: str, problem: str) -> WhatIfError:
    return WhatIfError(f"changes[{i}].{key}: {problem}", field=f"changes[{i}].{key}")


def _number(c: Mapping[str, Any], i: int, key: str, lo: float = -math.inf) -> float:
    v = c.get(key)
    if not isinstance(v, int | float) or isinstance(v, bool) or not math.isfinite(v) or v < lo:
        raise _fail(i, key, f"must be a number{'' if lo == -math.inf else f' >= {lo:g}'}")
    return float(v)


def _clock(c: Mapping[str, Any], i: int, key: str) -> int | None:
    """ "HH:MM" → seconds after midnight; "24:00" allowed as an end."""
    v = c.get(key)
    if v in (None, ""):
        return None
    try:
        hh, mm = str(v).split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise _fail(i, key, "must be a time HH:MM") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise _fail(i, key, "must be a time between 00:00 and 24:00")
    return h * 3600 + m * 60


def parse_change(raw: Any, i: int = 0) -> dict[str, Any]:
    """Check one change and return it normalised (only its kind's keys, numbers as floats)."""
    if not isinstance(raw, Mapping):
        raise WhatIfError(f"changes[{i}]: must be an object with a kind", field=f"changes[{i}]")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(i, "kind", f"must be one of {', '.join(KINDS)}")
    allowed = KEYS[kind]
    for key, value in raw.items():
        if key != "kind" and key not in allowed and value not in (None, ""):
            raise _fail(i, key, f"not a key of a {kind} change (expected: {', '.join(allowed)})")
    out: dict[str, Any] = {"kind": kind}
    for key in ("queue", "group", "team", "into"):
        if key in allowed and raw.get(key) not in (None, ""):
            if not isinstance(raw[key], str):
                raise _fail(i, key, "must be text")
            out[key] = raw[key].strip()
    if "days" in allowed and raw.get("days") not in (None, [], ""):
        days = raw["days"]
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
        ):
            raise _fail(i, "days", "must be a list of weekdays 0 (Monday) … 6 (Sunday)")
        out["days"] = sorted(set(days))
    if "from" in allowed:
        lo, hi = _clock(raw, i, "from"), _clock(raw, i, "to")
        if lo is not None and hi is not None and hi <= lo:
            raise _fail(i, "to", "must be later than from")
        if lo is not None:
            out["from"] = str(raw["from"])
        if hi is not None:
            out["to"] = str(raw["to"])
    if kind in ("volume", "patience"):
        out["pct"] = _number(raw, i, "pct", -100.0)
    elif kind == "aht":
        has_pct, has_s = raw.get("pct") not in (None, ""), raw.get("seconds") not in (None, "")
        if has_pct == has_s:
            raise _fail(i, "pct", "give exactly one of pct and seconds")
        if has_pct:
            out["pct"] = _number(raw, i, "pct", -99.0)
        else:
            out["seconds"] = _number(raw, i, "seconds")
    elif kind == "agents":
        d = raw.get("delta")
        if not isinstance(d, int) or isinstance(d, bool) or d == 0:
            raise _fail(i, "delta", "must be a whole number of agents, not 0")
        out["delta"] = d
        if ("group" in out) == ("team" in out):
            raise _fail(i, "group", "give exactly one of group and team")
    elif kind == "overflow":
        for key in ("queue", "group"):
            if key not in out:
                raise _fail(i, key, "missing")
        on = raw.get("on", True)
        if not isinstance(on, bool):
            raise _fail(i, "on", "must be true or false")
        out["on"] = on
        if on:
            out["after_s"] = _number(raw, i, "after_s", 0.0)
    elif kind == "merge":
        for key in ("queue", "into"):
            if key not in out:
                raise _fail(i, key, "missing")
        if out["queue"] == out["into"]:
            raise _fail(i, "into", "must be another queue")
    return out


def describe(change: Mapping[str, Any]) -> str:
    """One line for a person, e.g. "Volume +10% on sales, Mon 09:00–12:00"."""
    kind = change["kind"]

    def where() -> str:
        days = change.get("days")
        parts = [", ".join(DAY_NAMES[d] for d in days)] if days else []
        if change.get("from") or change.get("to"):
            parts.append(f"{change.get('from', '00:00')}–{change.get('to', '24:00')}")
        return f", {' '.join(parts)}" if parts else ""

    q = f" on {change['queue']}" if change.get("queue") else " on every queue"
    if kind == "volume":
        return f"Volume {change['pct']:+g}%{q}{where()}"
    if kind == "aht":
        size = f"{change['pct']:+g}%" if "pct" in change else f"{change['seconds']:+g} s"
        return f"AHT {size}{q}"
    if kind == "agents":
        target = f"group {change['group']}" if "group" in change else f"team {change['team']}"
        return f"Agents {change['delta']:+d} in {target}{where()}"
    if kind == "patience":
        return f"Patience {change['pct']:+g}%{q}"
    if kind == "overflow":
        if change["on"]:
            return f"Overflow {change['queue']} → {change['group']} after {change['after_s']:g} s"
        return f"No overflow {change['queue']} → {change['group']}"
    return f"Merge {change['queue']} into {change['into']}"


def _mask(sc: Scenario, change: Mapping[str, Any]) -> np.ndarray:
    """Intervals the change applies to (the horizon starts on a Monday at 00:00)."""
    idx = np.arange(sc.intervals)
    start = idx * sc.interval_s
    day = (start // 86400).astype(np.int64) % 7
    tod = start % 86400
    mask = np.ones(sc.intervals, bool)
    if change.get("days"):
        mask &= np.isin(day, change["days"])
    if change.get("from"):
        mask &= tod >= _clock(change, 0, "from")  # type: ignore[operator]
    if change.get("to"):
        mask &= tod < _clock(change, 0, "to")  # type: ignore[operator]
    return mask


def scale(dist: Distribution, factor: float) -> Distribution:
    """Every duration multiplied by ``factor`` (> 0); the shape (cv) is kept."""
    if dist.kind == "none":
        return dist
    return dataclasses.replace(
        dist,
        mean_s=dist.mean_s * factor,
        values_s=tuple(v * factor for v in dist.values_s),
        censored_s=tuple(v * factor for v in dist.censored_s),
        _km=None,
    )


def _moments(dist: Distribution) -> tuple[float, float]:
    """Mean and second moment (seconds, seconds²) of a handle-time distribution."""
    if dist.kind == "empirical":
        v = np.asarray(dist.values_s, dtype=np.float64)
        return float(v.mean()), float((v * v).mean())
    m = dist.mean_s
    if dist.kind == "exponential":
        return m, 2 * m * m
    cv = dist.cv if dist.kind == "lognormal" else 0.0
    return m, m * m * (1 + cv * cv)


def pooled(a: Distribution, wa: float, b: Distribution, wb: float) -> Distribution:
    """The mixture of two handle-time distributions (weights: volumes) as a lognormal with
    the mixture's mean and variance."""
    total = wa + wb
    if total <= 0:
        return b
    (m1, s1), (m2, s2) = _moments(a), _moments(b)
    mean = (wa * m1 + wb * m2) / total
    second = (wa * s1 + wb * s2) / total
    if mean <= 0:
        return Distribution("constant", mean_s=0.0)
    var = max(second - mean * mean, 0.0)
    return Distribution("lognormal", mean_s=mean, cv=math.sqrt(var) / mean)


def _pooled_patience(a: Distribution, wa: float, b: Distribution, wb: float) -> Distribution:
    if a.kind == "empirical" and b.kind == "empirical":
        return Distribution(
            "empirical", values_s=a.values_s + b.values_s, censored_s=a.censored_s + b.censored_s
        )
    if a.kind == "exponential" and b.kind == "exponential" and wa + wb > 0:
        return Distribution("exponential", mean_s=(wa * a.mean_s + wb * b.mean_s) / (wa + wb))
    return b


def _queue(sc: Scenario, i: int, name: str, key: str = "queue") -> int:
    for qi, q in enumerate(sc.queues):
        if q.name == name:
            return qi
    raise _fail(i, key, f"no queue {name!r} in the baseline (queues: {', '.join(q.name for q in sc.queues)})")


def _group(sc: Scenario, i: int, name: str) -> int:
    for gi, g in enumerate(sc.groups):
        if g.name == name:
            return gi
    raise _fail(i, "group", f"no group {name!r} in the baseline")


def apply_change(base: Baseline, sc: Scenario, change: Mapping[str, Any], i: int = 0) -> Scenario:
    """``sc`` with one parsed change applied (``base`` gives each group's team)."""
    kind = change["kind"]
    queues = list(sc.queues)
    targets = [_queue(sc, i, change["queue"])] if change.get("queue") else list(range(len(queues)))
    if kind == "volume":
        mask = _mask(sc, change)
        f = 1 + change["pct"] / 100
        for qi in targets:
            q = queues[qi]
            rates = np.asarray(q.offered_per_interval, dtype=np.float64)
            queues[qi] = dataclasses.replace(
                q, offered_per_interval=tuple(np.where(mask, rates * f, rates).tolist())
            )
        return dataclasses.replace(sc, queues=tuple(queues))
    if kind == "aht":
        for qi in targets:
            q = queues[qi]
            aht = q.handle_time.mean + q.wrapup.mean
            if "pct" in change:
                f = 1 + change["pct"] / 100
            else:
                if aht <= 0 or aht + change["seconds"] <= 0:
                    raise _fail(i, "seconds", f"would make queue {q.name}'s AHT ({aht:.0f} s) zero or less")
                f = (aht + change["seconds"]) / aht
            queues[qi] = dataclasses.replace(
                q, handle_time=scale(q.handle_time, f), wrapup=scale(q.wrapup, f)
            )
        return dataclasses.replace(sc, queues=tuple(queues))
    if kind == "patience":
        f = 1 + change["pct"] / 100
        if f <= 0:
            raise _fail(i, "pct", "must be more than -100 (customers with no patience at all)")
        for qi in targets:
            queues[qi] = dataclasses.replace(queues[qi], patience=scale(queues[qi].patience, f))
        return dataclasses.replace(sc, queues=tuple(queues))
    if kind == "agents":
        return _agents(base, sc, change, i)
    if kind == "overflow":
        qname = queues[_queue(sc, i, change["queue"])].name
        grp = sc.groups[_group(sc, i, change["group"])]
        kept = tuple(o for o in sc.overflows if not (o.queue == qname and o.group == grp.name))
        if not change["on"]:
            return dataclasses.replace(sc, overflows=kept)
        if qname in grp.skills:
            raise _fail(
                i,
                "group",
                f"group {grp.name!r} already has skill {qname!r}; overflow is for groups without it",
            )
        level = max(grp.skills.values(), default=0) + 1
        return dataclasses.replace(sc, overflows=(*kept, Overflow(qname, grp.name, change["after_s"], level)))
    return _merge(sc, change, i)


def _agents(base: Baseline, sc: Scenario, change: Mapping[str, Any], i: int) -> Scenario:
    mask = _mask(sc, change)
    counts = np.array([g.agents for g in sc.groups], dtype=np.int64).reshape(len(sc.groups), sc.intervals)
    if "group" in change:
        gi = _group(sc, i, change["group"])
        counts[gi] = np.where(mask, np.maximum(counts[gi] + change["delta"], 0), counts[gi])
    else:
        mine = [gi for gi, g in enumerate(sc.groups) if base.group_teams.get(g.name) == change["team"]]
        if not mine:
            teams = sorted({t for t in base.group_teams.values() if t})
            raise _fail(
                i,
                "team",
                f"no group of team {change['team']!r} in the baseline (teams: {', '.join(teams) or 'none'})",
            )
        for t in np.flatnonzero(mask):
            left = change["delta"]
            step = 1 if left > 0 else -1
            while left:
                sub = counts[mine, t]
                if step < 0 and sub.max() == 0:
                    break
                counts[mine[int(np.argmax(sub))], t] += step
                left -= step
    groups = tuple(
        dataclasses.replace(g, agents=tuple(int(x) for x in counts[gi])) for gi, g in enumerate(sc.groups)
    )
    return dataclasses.replace(sc, groups=groups)


def _merge(sc: Scenario, change: Mapping[str, Any], i: int) -> Scenario:
    src_i, dst_i = _queue(sc, i, change["queue"]), _queue(sc, i, change["into"], "into")
    src, dst = sc.queues[src_i], sc.queues[dst_i]
    ws, wd = sum(src.offered_per_interval), sum(dst.offered_per_interval)
    merged = dataclasses.replace(
        dst,
        offered_per_interval=tuple(
            a + b for a, b in zip(src.offered_per_interval, dst.offered_per_interval, strict=True)
        ),
        handle_time=pooled(src.handle_time, ws, dst.handle_time, wd),
        wrapup=pooled(src.wrapup, ws, dst.wrapup, wd),
        patience=_pooled_patience(src.patience, ws, dst.patience, wd),
    )
    queues = tuple(merged if qi == dst_i else q for qi, q in enumerate(sc.queues) if qi != src_i)
    groups = []
    for g in sc.groups:
        skills = dict(g.skills)
        if src.name in skills:
            lv = skills.pop(src.name)
            skills[dst.name] = min(lv, skills.get(dst.name, lv))
        groups.append(dataclasses.replace(g, skills=skills))
    overflows: list[Overflow] = []
    for o in sc.overflows:
        o2 = dataclasses.replace(o, queue=dst.name) if o.queue == src.name else o
        grp = next(g for g in groups if g.name == o2.group)
        if o2.queue not in grp.skills and not any(
            (x.queue, x.group) == (o2.queue, o2.group) for x in overflows
        ):
            overflows.append(o2)
    return dataclasses.replace(sc, queues=queues, groups=tuple(groups), overflows=tuple(overflows))


def apply_changes(base: Baseline, changes: Sequence[Any]) -> tuple[Scenario, list[dict[str, Any]]]:
    """The baseline with every change applied in order; also the changes, normalised."""
    parsed = [parse_change(c, i) for i, c in enumerate(changes)]
    sc = base.scenario
    for i, c in enumerate(parsed):
        sc = apply_change(base, sc, c, i)
    return sc, parsed


def interval_label(sc: Scenario, i: int) -> str:
    """ "Mon 09:30" for interval ``i`` of a horizon starting Monday 00:00."""
    start = i * sc.interval_s
    day = int(start // 86400) % 7
    tod = int(start % 86400)
    return f"{DAY_NAMES[day]} {tod // 3600:02d}:{tod % 3600 // 60:02d}"


def common_cap(baseline: Scenario, scenario: Scenario) -> tuple[Scenario, Scenario]:
    """Both scenarios drawing arrivals from the same cap (per queue and interval, the larger
    offered of the two), so a volume change adds or removes customers without reshuffling
    the others (see ``Scenario.arrival_cap``). Only when both have the same queues in the
    same order (not after a merge)."""
    if [q.name for q in baseline.queues] != [q.name for q in scenario.queues]:
        return baseline, scenario
    cap = tuple(
        tuple(max(a, b) for a, b in zip(qa.offered_per_interval, qb.offered_per_interval, strict=True))
        for qa, qb in zip(baseline.queues, scenario.queues, strict=True)
    )
    return dataclasses.replace(baseline, arrival_cap=cap), dataclasses.replace(scenario, arrival_cap=cap)


def real_time_queues(sc: Scenario) -> list[int] | None:
    """Indices of the queues on real-time channels (voice, chat, messaging) when the scenario
    also has deferred ones (e-mail, back office), else None. A headline ASA over both would
    mix seconds on the phone with hours in an inbox (the overview's ASA tile is voice and
    chat only for the same reason), so the page shows ASA over these queues first."""
    rt = [i for i, q in enumerate(sc.queues) if q.channel in REAL_TIME_CHANNELS]
    return rt if rt and len(rt) < len(sc.queues) else None


def _per_replication(result: SimulationResult, queues: list[int] | None = None) -> dict[str, np.ndarray]:
    """Each replication's totals over the whole horizon (``queues``: only those), counts and
    ratios (NaN where undefined)."""
    qs = slice(None) if queues is None else queues
    c = {k: v[:, :, qs].sum(axis=(1, 2)) for k, v in result.counts.items()}
    busy, idle = result.busy_s.sum(axis=(1, 2)), result.idle_s.sum(axis=(1, 2))

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    return {
        "offered": c["offered"],
        "answered": c["answered"],
        "abandoned": c["abandoned"],
        "still_waiting": c["still_waiting"],
        "service_level": ratio(c["answered_within"], c["offered"]),
        "asa_s": ratio(c["wait_answered_s"], c["answered"]),
        "abandon_rate": ratio(c["abandoned"], c["offered"]),
        "occupancy": ratio(busy, busy + idle),
    }


def paired_difference(a: SimulationResult, b: SimulationResult) -> dict[str, Any]:
    """Scenario − baseline per replication (the same seeds pair them), averaged, with a 95%
    Student t interval of the paired differences: narrower than the two bands suggest,
    since common random numbers make the replications' noise largely cancel."""
    pa, pb = _per_replication(a), _per_replication(b)
    out: dict[str, Any] = {}
    for key in pa:
        m, ci = mean_ci(pb[key] - pa[key])
        digits = 4 if key in ("service_level", "abandon_rate", "occupancy") else 2
        out[key] = None if m is None else round(m, digits)
        out[f"{key}_ci"] = None if ci is None else [round(ci[0], digits), round(ci[1], digits)]
    return out


def compare(baseline: Scenario, scenario: Scenario, replications: int, seed: int) -> dict[str, Any]:
    """Run both with the same seed and replications (common random numbers). Returns the
    totals of each, the paired difference (scenario − baseline, see
    :func:`paired_difference`) and, per interval with any contact offered in either, both rows
    (counts are means per replication; ratios mean and 95% CI)."""
    if replications < 2:
        raise InvalidInput(
            "replications: at least 2 are needed for confidence intervals", field="replications"
        )
    baseline, scenario = common_cap(baseline, scenario)
    a = simulate(baseline, replications=replications, seed=seed)
    b = simulate(scenario, replications=replications, seed=seed)
    everything = slice(0, None)
    rows_a = a.metrics(everything, per_interval=True)["intervals"]
    rows_b = b.metrics(everything, per_interval=True)["intervals"]
    intervals = [
        {"interval": i, "label": interval_label(baseline, i), "baseline": ra, "scenario": rb}
        for i, (ra, rb) in enumerate(zip(rows_a, rows_b, strict=True))
        if ra["offered"] > 0 or rb["offered"] > 0
    ]
    totals = {"baseline": a.metrics(everything), "scenario": b.metrics(everything)}
    difference = paired_difference(a, b)
    rt_a, rt_b = real_time_queues(baseline), real_time_queues(scenario)
    if rt_a is not None and rt_b is not None:
        for side, res, rt in (("baseline", a, rt_a), ("scenario", b, rt_b)):
            window = res.metrics(everything, queues=rt)
            totals[side]["real_time_asa_s"] = window["asa_s"]
            totals[side]["real_time_asa_s_ci"] = window["asa_s_ci"]
            per = res.metrics(everything, queues=rt, per_interval=True)["intervals"]
            for row in intervals:
                rt_row = per[row["interval"]]
                row[side]["real_time_asa_s"] = rt_row["asa_s"]
                row[side]["real_time_asa_s_ci"] = rt_row["asa_s_ci"]
        diff, ci = mean_ci(_per_replication(b, rt_b)["asa_s"] - _per_replication(a, rt_a)["asa_s"])
        difference["real_time_asa_s"] = None if diff is None else round(diff, 2)
        difference["real_time_asa_s_ci"] = None if ci is None else [round(ci[0], 2), round(ci[1], 2)]
    return {
        "replications": replications,
        "seed": seed,
        "interval_s": baseline.interval_s,
        "totals": totals,
        "difference": difference,
        "intervals": intervals,
    }
