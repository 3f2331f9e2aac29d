"""A simulation scenario: plain dataclasses, and the TOML reader that checks them. Pure
(the reader takes text and a name for messages; reading the file is the caller's job).

Every problem raises ``ScenarioError`` naming the file and the key, e.g.
``center.toml: queues[1].handle_time.cv: must be a number >= 0``.
The format is documented with an example in docs/simulation.md.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.sim.distributions import Distribution


class ScenarioError(InvalidInput):
    """The scenario file is malformed; the message names the file and key."""


@dataclass(frozen=True)
class Queue:
    """One queue (and its channel). Rates are expected contacts per interval."""

    name: str
    offered_per_interval: tuple[float, ...]
    handle_time: Distribution
    wrapup: Distribution
    patience: Distribution
    sl_threshold_s: float = 20.0
    priority: int = 0  # larger is served first
    channel: str = "voice"


@dataclass(frozen=True)
class AgentGroup:
    """Agents with the same skills. ``agents`` is the count on duty in each interval;
    ``skills`` maps queue name → skill level (1 = primary; larger = less preferred)."""

    name: str
    agents: tuple[int, ...]
    skills: dict[str, int]
    concurrency: int = 1


@dataclass(frozen=True)
class Overflow:
    """Group ``group`` may take contacts of ``queue`` once they have waited ``after_s``."""

    queue: str
    group: str
    after_s: float
    level: int


@dataclass(frozen=True)
class ShiftBlock:
    """A planned not-ready block inside a shift (seconds from the start of the horizon)."""

    start_s: float
    duration_s: float
    reason: str


@dataclass(frozen=True)
class ShiftPlan:
    """``agents`` agents of group ``group`` log in at ``start_s`` and off at ``end_s``
    (seconds from the start of the horizon), each with the same not-ready blocks; with
    ``drain`` they stay (up to 20 minutes) to clear contacts still waiting at ``end_s``."""

    group: str
    start_s: float
    end_s: float
    agents: int = 1
    drain: bool = False
    not_ready: tuple[ShiftBlock, ...] = ()


@dataclass(frozen=True)
class Replay:
    """Recorded contacts to replay instead of drawing Poisson arrivals (arrays of equal
    length, seconds from the start of the horizon). NaN handle or patience: drawn from the
    queue's distribution; ``patience_at_least_s``: the draw is conditioned on exceeding it
    (an answered contact's wait)."""

    queue: np.ndarray  # int, index into Scenario.queues
    arrival_s: np.ndarray
    handle_s: np.ndarray
    patience_s: np.ndarray
    patience_at_least_s: np.ndarray
    wrapup_s: np.ndarray | None = None


@dataclass(frozen=True)
class Scenario:
    interval_s: float
    intervals: int
    queues: tuple[Queue, ...]
    groups: tuple[AgentGroup, ...]
    overflows: tuple[Overflow, ...] = ()
    #: an agent who frees picks by skill level first ("skill_level") or queue priority first
    agent_picks: str = "skill_level"
    warmup_intervals: int = 0
    replications: int = 10
    seed: int = 1
    replay: Replay | None = field(default=None)
    #: Common random numbers across scenarios: per queue (by position), the expected
    #: contacts per interval to draw from (each at least the queue's offered); the draws are
    #: then thinned to the queue's offered (a kept contact keeps its handle time and
    #: patience). Two scenarios with the same cap and seed see the same customers, except
    #: those one of them thins out. None: draw the offered directly.
    arrival_cap: tuple[tuple[float, ...], ...] | None = field(default=None)
    #: Agent shifts with breaks. When given, the run plays each agent's shift (log-in,
    #: not-ready blocks, log-off) instead of the groups' staffing counts, which then only
    #: report how many agents the shifts log in at each interval's start.
    shifts: tuple[ShiftPlan, ...] = field(default=())

    @property
    def horizon_s(self) -> float:
        return self.interval_s * self.intervals


def _err(source: str, key: str, problem: str) -> ScenarioError:
    return ScenarioError(f"{source}: {key}: {problem}", field=key)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ScenarioError:
        return _err(self.source, key, problem)

    def known(self, data: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
        """A misspelt key must not silently fall back to a default."""
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise self.fail(where, f"unknown key (expected one of: {', '.join(allowed)})")

    def table(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "missing table")
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "must be a table")
        return value

    def number(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        default: float | None = None,
        minimum: float = 0.0,
        strict: bool = False,
    ) -> float:
        value = data.get(key, default)
        if value is None:
            raise self.fail(path, "missing")
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or value < minimum or (strict and value <= minimum):
            raise self.fail(path, f"must be a number {'>' if strict else '>='} {minimum:g}")
        return float(value)

    def integer(
        self, data: dict[str, Any], key: str, path: str, default: int | None = None, minimum: int = 0
    ) -> int:
        value = data.get(key, default)
        if value is None:
            raise self.fail(path, "missing")
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(path, f"must be a whole number >= {minimum}")
        return int(value)

    def name(self, data: dict[str, Any], path: str) -> str:
        value = data.get("name")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "missing or empty name")
        return value.strip()

    def per_interval(
        self, data: dict[str, Any], key: str, path: str, intervals: int, integer: bool
    ) -> tuple[float, ...]:
        value = data[key]
        kind = "whole number" if integer else "number"
        if isinstance(value, list):
            if len(value) != intervals:
                raise self.fail(path, f"has {len(value)} values; the horizon has {intervals} intervals")
            out = []
            for i, v in enumerate(value):
                out.append(self.number({"v": v}, "v", f"{path}[{i}]"))
                if integer and not isinstance(v, int):
                    raise self.fail(f"{path}[{i}]", f"must be a {kind} >= 0")
            return tuple(out)
        one = self.number(data, key, path)
        if integer and not isinstance(value, int):
            raise self.fail(path, f"must be a {kind} >= 0 or a list of them")
        return (one,) * intervals

    def distribution(self, value: Any, path: str, patience: bool = False) -> Distribution:
        if not isinstance(value, dict):
            raise self.fail(path, 'must be a table such as { distribution = "exponential", mean_s = 180 }')
        kinds = (
            ("none", "exponential", "empirical")
            if patience
            else ("constant", "exponential", "lognormal", "empirical")
        )
        kind = value.get("distribution")
        self.known(
            value, ("distribution", "mean_s", "cv", "values_s", "abandoned_waits_s", "answered_waits_s"), path
        )
        if kind not in kinds:
            raise self.fail(f"{path}.distribution", f"must be one of {', '.join(kinds)}")
        if kind == "none":
            return Distribution("none")
        if kind == "empirical":
            if patience:
                ab = self.values(value, "abandoned_waits_s", f"{path}.abandoned_waits_s")
                an = self.values(value, "answered_waits_s", f"{path}.answered_waits_s", allow_empty=True)
                return Distribution("empirical", values_s=ab, censored_s=an)
            return Distribution("empirical", values_s=self.values(value, "values_s", f"{path}.values_s"))
        mean = self.number(value, "mean_s", f"{path}.mean_s", strict=kind != "constant")
        cv = self.number(value, "cv", f"{path}.cv") if kind == "lognormal" else 0.0
        return Distribution(str(kind), mean_s=mean, cv=cv)

    def values(
        self, data: dict[str, Any], key: str, path: str, allow_empty: bool = False
    ) -> tuple[float, ...]:
        value = data.get(key, [] if allow_empty else None)
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(path, "must be a non-empty list of seconds")
        return tuple(self.number({"v": v}, "v", f"{path}[{i}]") for i, v in enumerate(value))


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """Read a scenario from TOML text; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({exc})") from None
    return scenario_from_dict(data, source)


def scenario_from_dict(data: dict[str, Any], source: str = "scenario") -> Scenario:
    """Check and convert an already-parsed TOML document (see :func:`parse_scenario`)."""
    r = _Reader(source)
    r.known(data, ("simulation", "queues", "groups", "routing", "shifts"), "")
    sim = r.table(data, "simulation", "simulation")
    r.known(
        sim,
        ("interval_s", "intervals", "warmup_intervals", "replications", "seed", "agent_picks"),
        "simulation",
    )
    interval_s = r.number(sim, "interval_s", "simulation.interval_s", default=1800, strict=True)
    intervals = r.integer(sim, "intervals", "simulation.intervals", minimum=1)
    warmup = r.integer(sim, "warmup_intervals", "simulation.warmup_intervals", default=0)
    if warmup >= intervals:
        raise r.fail("simulation.warmup_intervals", "must be smaller than simulation.intervals")
    replications = r.integer(sim, "replications", "simulation.replications", default=10, minimum=1)
    seed = r.integer(sim, "seed", "simulation.seed", default=1)
    picks = sim.get("agent_picks", "skill_level")
    if picks not in ("skill_level", "queue_priority"):
        raise r.fail("simulation.agent_picks", 'must be "skill_level" or "queue_priority"')

    raw_queues = data.get("queues")
    if not isinstance(raw_queues, list) or not raw_queues:
        raise r.fail("queues", "missing: add at least one [[queues]] table")
    queues: list[Queue] = []
    for i, q in enumerate(raw_queues):
        p = f"queues[{i}]"
        if not isinstance(q, dict):
            raise r.fail(p, "must be a table")
        r.known(
            q,
            (
                "name",
                "channel",
                "offered_per_interval",
                "rate_per_hour",
                "sl_threshold_s",
                "priority",
                "handle_time",
                "wrapup",
                "wrapup_s",
                "patience",
            ),
            p,
        )
        name = r.name(q, p)
        if any(x.name == name for x in queues):
            raise r.fail(f"{p}.name", f"duplicate queue name {name!r}")
        has_rate = "rate_per_hour" in q
        has_offered = "offered_per_interval" in q
        if has_rate == has_offered:
            raise r.fail(p, "give exactly one of offered_per_interval (number or list) and rate_per_hour")
        if has_rate:
            per_hour = r.number(q, "rate_per_hour", f"{p}.rate_per_hour")
            offered: tuple[float, ...] = (per_hour * interval_s / 3600.0,) * intervals
        else:
            offered = r.per_interval(q, "offered_per_interval", f"{p}.offered_per_interval", intervals, False)
        if "handle_time" not in q:
            raise r.fail(f"{p}.handle_time", "missing")
        handle = r.distribution(q["handle_time"], f"{p}.handle_time")
        if "wrapup" in q:
            wrapup = r.distribution(q["wrapup"], f"{p}.wrapup")
        else:
            wrapup = Distribution("constant", mean_s=r.number(q, "wrapup_s", f"{p}.wrapup_s", default=0))
        patience = r.distribution(q.get("patience", {"distribution": "none"}), f"{p}.patience", patience=True)
        sl_t = r.number(q, "sl_threshold_s", f"{p}.sl_threshold_s", default=20)
        prio = q.get("priority", 0)
        if not isinstance(prio, int) or isinstance(prio, bool):
            raise r.fail(f"{p}.priority", "must be a whole number")
        channel = q.get("channel", "voice")
        if not isinstance(channel, str):
            raise r.fail(f"{p}.channel", "must be text")
        queues.append(Queue(name, offered, handle, wrapup, patience, sl_t, prio, channel))
    names = {q.name for q in queues}

    with_shifts = "shifts" in data
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise r.fail("groups", "missing: add at least one [[groups]] table")
    groups: list[AgentGroup] = []
    for i, g in enumerate(raw_groups):
        p = f"groups[{i}]"
        if not isinstance(g, dict):
            raise r.fail(p, "must be a table")
        r.known(g, ("name", "agents", "skills", "concurrency"), p)
        name = r.name(g, p)
        if any(x.name == name for x in groups):
            raise r.fail(f"{p}.name", f"duplicate group name {name!r}")
        if with_shifts:
            if "agents" in g:
                raise r.fail(f"{p}.agents", "leave out when [[shifts]] are given: the shifts say who works")
            agents: tuple[int, ...] = (0,) * intervals
        elif "agents" not in g:
            raise r.fail(f"{p}.agents", "missing (a whole number, or a list with one per interval)")
        else:
            agents = tuple(int(v) for v in r.per_interval(g, "agents", f"{p}.agents", intervals, True))
        skills_raw = r.table(g, "skills", f"{p}.skills")
        skills: dict[str, int] = {}
        for qname in skills_raw:
            if qname not in names:
                raise r.fail(f"{p}.skills.{qname}", "no queue has this name")
            skills[qname] = r.integer(skills_raw, qname, f"{p}.skills.{qname}", minimum=1)
        conc = r.integer(g, "concurrency", f"{p}.concurrency", default=1, minimum=1)
        groups.append(AgentGroup(name, agents, skills, conc))
    gnames = {g.name for g in groups}

    routing = r.table(data, "routing", "routing", required=False)
    r.known(routing, ("overflow",), "routing")
    overflows: list[Overflow] = []
    raw_over = routing.get("overflow", [])
    if not isinstance(raw_over, list):
        raise r.fail("routing.overflow", "must be a list of [[routing.overflow]] tables")
    for i, o in enumerate(raw_over):
        p = f"routing.overflow[{i}]"
        if not isinstance(o, dict):
            raise r.fail(p, "must be a table")
        r.known(o, ("queue", "group", "after_s", "level"), p)
        if o.get("queue") not in names:
            raise r.fail(f"{p}.queue", "must name a queue")
        if o.get("group") not in gnames:
            raise r.fail(f"{p}.group", "must name a group")
        grp = next(g for g in groups if g.name == o["group"])
        if o["queue"] in grp.skills:
            raise r.fail(
                p, f"group {grp.name!r} already has skill {o['queue']!r}; overflow is for groups without it"
            )
        after = r.number(o, "after_s", f"{p}.after_s", strict=True)
        worst = max(grp.skills.values(), default=0)
        level = r.integer(o, "level", f"{p}.level", default=worst + 1, minimum=1)
        overflows.append(Overflow(o["queue"], o["group"], after, level))

    served = {qn for g in groups for qn in g.skills} | {o.queue for o in overflows}
    for q in queues:
        if q.name not in served:
            raise r.fail("groups", f"no group has a skill for queue {q.name!r}")
    if not with_shifts:
        return Scenario(
            interval_s,
            intervals,
            tuple(queues),
            tuple(groups),
            tuple(overflows),
            picks,
            warmup,
            replications,
            seed,
        )
    shifts = _shifts(r, data["shifts"], queues, groups, overflows, interval_s * intervals)
    on_duty = {g.name: [0] * intervals for g in groups}
    for sh in shifts:
        for i in range(intervals):
            if sh.start_s <= i * interval_s < sh.end_s:
                on_duty[sh.group][i] += sh.agents
    groups = [AgentGroup(g.name, tuple(on_duty[g.name]), g.skills, g.concurrency) for g in groups]
    return Scenario(
        interval_s,
        intervals,
        tuple(queues),
        tuple(groups),
        tuple(overflows),
        picks,
        warmup,
        replications,
        seed,
        shifts=tuple(shifts),
    )


def _shifts(
    r: _Reader,
    raw: Any,
    queues: list[Queue],
    groups: list[AgentGroup],
    overflows: list[Overflow],
    horizon_s: float,
) -> list[ShiftPlan]:
    """Read [[shifts]], and refuse what the agent-level run does not model."""
    if overflows:
        raise r.fail("routing.overflow", "not available with [[shifts]] (agents take their skills at once)")
    for i, q in enumerate(queues):
        if q.priority != 0:
            raise r.fail(
                f"queues[{i}].priority", "not available with [[shifts]] (longest waiting is served first)"
            )
    for i, g in enumerate(groups):
        for qname, level in g.skills.items():
            if level != 1:
                raise r.fail(f"groups[{i}].skills.{qname}", "must be 1 with [[shifts]] (no skill levels)")
    for q in queues:
        concurrencies = {g.concurrency for g in groups if q.name in g.skills}
        if len(concurrencies) > 1:
            raise r.fail(
                "groups", f"with [[shifts]], the groups serving queue {q.name!r} need the same concurrency"
            )
    if not isinstance(raw, list) or not raw:
        raise r.fail("shifts", "must be a list of [[shifts]] tables")
    gnames = {g.name for g in groups}
    out: list[ShiftPlan] = []
    for i, sh in enumerate(raw):
        p = f"shifts[{i}]"
        if not isinstance(sh, dict):
            raise r.fail(p, "must be a table")
        r.known(sh, ("group", "start_s", "end_s", "agents", "drain", "not_ready"), p)
        if sh.get("group") not in gnames:
            raise r.fail(f"{p}.group", "must name a group")
        start = r.number(sh, "start_s", f"{p}.start_s")
        end = r.number(sh, "end_s", f"{p}.end_s")
        if not start < end <= horizon_s:
            raise r.fail(p, f"needs start_s < end_s <= {horizon_s:g} (the end of the horizon)")
        agents = r.integer(sh, "agents", f"{p}.agents", default=1, minimum=1)
        drain = sh.get("drain", False)
        if not isinstance(drain, bool):
            raise r.fail(f"{p}.drain", "must be true or false")
        raw_blocks = sh.get("not_ready", [])
        if not isinstance(raw_blocks, list):
            raise r.fail(f"{p}.not_ready", "must be a list of { start_s, duration_s, reason } tables")
        blocks: list[ShiftBlock] = []
        for k, b in enumerate(raw_blocks):
            bp = f"{p}.not_ready[{k}]"
            if not isinstance(b, dict):
                raise r.fail(
                    bp, 'must be a table such as { start_s = 7200, duration_s = 900, reason = "break" }'
                )
            r.known(b, ("start_s", "duration_s", "reason"), bp)
            b_start = r.number(b, "start_s", f"{bp}.start_s")
            duration = r.number(b, "duration_s", f"{bp}.duration_s", strict=True)
            if not start <= b_start < end:
                raise r.fail(f"{bp}.start_s", "must fall inside the shift")
            reason = b.get("reason", "break")
            if not isinstance(reason, str) or not reason.strip():
                raise r.fail(f"{bp}.reason", 'must be text such as "break" or "lunch"')
            blocks.append(ShiftBlock(b_start, duration, reason.strip()))
        blocks.sort(key=lambda b: b.start_s)
        out.append(ShiftPlan(str(sh["group"]), start, end, agents, drain, tuple(blocks)))
    return out
