"""A baseline scenario from what really happened: turn warehouse rows of one week into a
:class:`~floorwalker.sim.scenario.Scenario`. Pure (plain rows in, a scenario out); the
service (sim/service.py) loads the rows.

The horizon starts at the site-local Monday 00:00 and has ``intervals`` intervals of
``interval_s`` seconds on the local clock. Per queue:

- **arrival rate**: the offered contacts of each interval (from the metrics cube, the
  same definition of offered as every report), used as the Poisson mean of the interval;
- **handle time**: talk + hold of answered (and transferred) legs, either a lognormal
  fitted by maximum likelihood on the logarithms (μ̂, σ̂ → mean exp(μ̂+σ̂²/2), cv
  √(exp σ̂² − 1)) or the empirical values resampled; **wrap-up**: the same fit on the
  recorded wrap-up seconds, else the queue's assumed wrap-up setting, else none;
- **patience**: the Kaplan–Meier estimate from abandoned waits (events) and the waits of
  every other contact that left the queue otherwise (answered, transferred, other exits:
  censored — they were willing to wait at least that long); no abandons → never abandons;
- **T**: the queue's service-level threshold; concurrency from the queue.

Agents: each agent's seconds in a state that takes contacts (available, on contact,
wrap-up: logged in and not on not-ready) per interval, from the agent states. Agents with
the same team and the same skills form a group; the group's count in an interval is the
sum of its agents' presence (seconds / interval length), rounded to the nearest whole
agent. Skills come from the organisation (employee skills → the queues requiring them;
skill level = 6 − proficiency, so an expert's level 1 is preferred); an agent without
skills in the organisation is given the queues they answered that week (level 1).
Routing defaults: no overflow, an agent who frees up picks by skill level, then longest
waiting contact.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.sim.distributions import Distribution
from floorwalker.sim.scenario import AgentGroup, Queue, Scenario

#: Agent states in which an agent takes contacts (logged in and not on not-ready).
READY_STATES = frozenset({"available", "on_contact", "wrap_up"})
#: Outcomes of legs that reached an agent (their talk, hold and wrap-up are handle time).
HANDLED = frozenset({"answered", "transferred"})
HANDLE_MODELS = ("lognormal", "empirical")


@dataclass(frozen=True)
class QueueInfo:
    """A queue's settings from the organisation (defaults for queues it does not define)."""

    code: str
    channel: str = "voice"
    sl_threshold_s: float = 20.0
    concurrency: int = 1
    #: wrap-up seconds to assume when the source records none; None = unknown
    wrapup_s: float | None = None


@dataclass(frozen=True)
class ContactRow:
    """One leg in the week (seconds; None = not recorded)."""

    queue: str
    outcome: str
    wait_s: float | None = None
    talk_s: float | None = None
    hold_s: float | None = None
    wrapup_s: float | None = None
    agent: str | None = None


@dataclass(frozen=True)
class StateRow:
    """One agent-state span; ``start_s`` is seconds from the horizon's start (local clock)."""

    agent: str
    state: str
    start_s: float
    duration_s: float


@dataclass(frozen=True)
class AgentInfo:
    """An agent code's team and skills (queue code → skill level, 1 = preferred)."""

    agent: str
    team: str | None = None
    skills: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Baseline:
    """The scenario built from history, the team of each group, and what was assumed."""

    scenario: Scenario
    group_teams: dict[str, str | None]
    notes: tuple[str, ...] = ()


def fit_lognormal(values: Sequence[float]) -> Distribution:
    """Maximum-likelihood lognormal of the positive values (seconds), as mean and cv.
    One positive value: a constant; none: constant 0."""
    v = np.asarray([x for x in values if x > 0], dtype=np.float64)
    if v.size == 0:
        return Distribution("constant", mean_s=0.0)
    if v.size == 1:
        return Distribution("constant", mean_s=float(v[0]))
    logs = np.log(v)
    mu, sigma2 = float(logs.mean()), float(logs.var())
    return Distribution("lognormal", mean_s=math.exp(mu + sigma2 / 2), cv=math.sqrt(math.expm1(sigma2)))


def handle_distribution(values: Sequence[float], model: str) -> Distribution:
    """Handle (or wrap-up) time from observed seconds: ``lognormal`` or ``empirical``."""
    if model not in HANDLE_MODELS:
        raise InvalidInput(f"handle_model: must be one of {', '.join(HANDLE_MODELS)}", field="handle_model")
    positive = [float(x) for x in values if x > 0]
    if model == "empirical" and positive:
        return Distribution("empirical", values_s=tuple(positive))
    return fit_lognormal(positive)


def patience_distribution(rows: Iterable[ContactRow]) -> Distribution:
    """Kaplan–Meier patience from abandoned waits (events) and other waits (censored)."""
    events: list[float] = []
    censored: list[float] = []
    for r in rows:
        if r.wait_s is None or r.wait_s < 0:
            continue
        (events if r.outcome == "abandoned" else censored).append(float(r.wait_s))
    if not events:
        return Distribution("none")
    return Distribution("empirical", values_s=tuple(events), censored_s=tuple(censored))


def presence(states: Iterable[StateRow], interval_s: float, intervals: int) -> dict[str, np.ndarray]:
    """Seconds each agent spent in a ready state in each interval (spans cut at the
    interval edges and at the horizon)."""
    horizon = interval_s * intervals
    out: dict[str, np.ndarray] = {}
    for s in states:
        if s.state not in READY_STATES or s.duration_s <= 0:
            continue
        start = max(s.start_s, 0.0)
        end = min(s.start_s + s.duration_s, horizon)
        if end <= start:
            continue
        row = out.setdefault(s.agent, np.zeros(intervals, np.float64))
        first = int(start // interval_s)
        last = min(math.ceil(end / interval_s), intervals)
        for i in range(first, last):
            lo, hi = max(start, i * interval_s), min(end, (i + 1) * interval_s)
            if hi > lo:
                row[i] += hi - lo
    return out


def _group_name(team: str | None, skills: Mapping[str, int]) -> str:
    parts = [q if lv == 1 else f"{q} (level {lv})" for q, lv in sorted(skills.items())]
    return f"{team or 'No team'}: {', '.join(parts)}"


def handled(rows: Iterable[ContactRow]) -> list[ContactRow]:
    """The legs that reached an agent."""
    return [r for r in rows if r.outcome in HANDLED]


def handle_values(rows: Iterable[ContactRow]) -> list[float]:
    """Talk + hold seconds of the rows with a recorded talk time."""
    return [(r.talk_s or 0.0) + (r.hold_s or 0.0) for r in rows if r.talk_s is not None]


def answered_by(contacts: Iterable[ContactRow]) -> dict[str, set[str]]:
    """Agent code → the queues whose contacts the agent handled."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in contacts:
        if r.agent and r.outcome in HANDLED:
            out[r.agent].add(r.queue)
    return out


@dataclass(frozen=True)
class QueueModel:
    """A queue's handle time (talk + hold), wrap-up and patience, and what was assumed."""

    handle_time: Distribution
    wrapup: Distribution
    patience: Distribution
    notes: tuple[str, ...] = ()


def sim_queue(q: QueueInfo, offered: Iterable[float], model: QueueModel) -> Queue:
    """The simulator's queue: ``offered`` contacts per interval, the fitted (or planned)
    handle time, wrap-up and patience, the queue's threshold T and channel."""
    return Queue(
        q.code,
        tuple(float(x) for x in offered),
        model.handle_time,
        model.wrapup,
        model.patience,
        float(q.sl_threshold_s),
        0,
        q.channel,
    )


def queue_model(
    q: QueueInfo, rows: Sequence[ContactRow], pooled: Sequence[float], handle_model: str
) -> QueueModel | None:
    """The distributions of queue ``q`` from its legs ``rows`` (see the module docstring);
    ``pooled``: talk + hold seconds of the site's other queues, borrowed when the queue has
    none. None when neither has a value."""
    notes: list[str] = []
    code = q.code
    done = handled(rows)
    values = handle_values(done)
    if not values:
        if not pooled:
            return None
        values = list(pooled)
        notes.append(
            f"queue {code}: no answered contact with a talk time; "
            "handle time borrowed from the site's other queues"
        )
    handle = handle_distribution(values, handle_model)
    recorded = [float(r.wrapup_s) for r in done if r.wrapup_s is not None]
    if recorded:
        wrapup = handle_distribution(recorded, handle_model)
    elif q.wrapup_s is not None:
        wrapup = Distribution("constant", mean_s=float(q.wrapup_s))
        notes.append(f"queue {code}: no recorded wrap-up; the queue's assumed {q.wrapup_s:g} s is used")
    else:
        wrapup = Distribution("constant", mean_s=0.0)
        notes.append(f"queue {code}: no recorded or assumed wrap-up; none is simulated")
    patience = patience_distribution(rows)
    if patience.kind == "none":
        notes.append(f"queue {code}: no abandoned contact; customers are simulated as never abandoning")
    return QueueModel(handle, wrapup, patience, tuple(notes))


def group_agents(
    present: Mapping[str, np.ndarray],
    agents: Mapping[str, AgentInfo],
    answered: Mapping[str, set[str]],
    queues: Sequence[Queue],
    info: Mapping[str, QueueInfo],
    interval_s: float,
) -> tuple[list[AgentGroup], dict[str, str | None], list[str]]:
    """Agents with the same team and skills (on ``queues``) as groups: each group's count per
    interval is its agents' presence (seconds per interval, ``present``) summed and rounded
    to the nearest whole agent. An agent without skills in the organisation is given the
    queues ``answered`` says they handled; one with neither is left out. Returns the
    groups, each group's team, and notes."""
    notes: list[str] = []
    served = {q.name for q in queues}
    totals: dict[tuple[str | None, tuple[tuple[str, int], ...]], np.ndarray] = {}
    inferred = unskilled = 0
    for agent, seconds in sorted(present.items()):
        a = agents.get(agent, AgentInfo(agent))
        skills = {qc: lv for qc, lv in a.skills.items() if qc in served}
        if not skills:
            skills = {qc: 1 for qc in answered.get(agent, set()) if qc in served}
            if skills:
                inferred += 1
        if not skills:
            unskilled += 1
            continue
        key = (a.team, tuple(sorted(skills.items())))
        totals[key] = totals.get(key, np.zeros(len(seconds))) + seconds / interval_s
    if inferred:
        notes.append(
            f"{inferred} agent(s) without skills in the organisation: given the queues they answered"
        )
    if unskilled:
        notes.append(f"{unskilled} agent(s) with no skill for these queues were left out")
    conc = {q.name: max(1, int(info.get(q.name, QueueInfo(q.name)).concurrency)) for q in queues}
    groups: list[AgentGroup] = []
    group_teams: dict[str, str | None] = {}
    for (team, skill_items), load in sorted(totals.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        counts = tuple(math.floor(x + 0.5) for x in load)
        if not any(counts):
            continue
        skills = dict(skill_items)
        name = _group_name(team, skills)
        groups.append(AgentGroup(name, counts, skills, min(conc[qc] for qc in skills)))
        group_teams[name] = team
    staffed = {qc for g in groups for qc in g.skills}
    for sq in queues:
        if groups and sq.name not in staffed:
            notes.append(
                f"queue {sq.name}: no staffed agent has its skill; its contacts can only abandon or wait"
            )
    return groups, group_teams, notes


def build_baseline(
    *,
    interval_s: float,
    intervals: int,
    queues: Sequence[QueueInfo],
    offered: Mapping[str, Sequence[float]],
    contacts: Sequence[ContactRow],
    states: Sequence[StateRow],
    agents: Mapping[str, AgentInfo],
    handle_model: str = "lognormal",
    replications: int = 10,
    seed: int = 1,
) -> Baseline:
    """The history-based scenario (see the module docstring). ``offered`` maps a queue code
    to its offered contacts per interval (``intervals`` values); queues with no contact
    offered in the horizon are left out. Raises InvalidInput when nothing can be built."""
    notes: list[str] = []
    info = {q.code: q for q in queues}
    for code, values in offered.items():
        if len(values) != intervals:
            raise InvalidInput(f"offered[{code}]: has {len(values)} values; the horizon has {intervals}")
    codes = sorted(code for code, values in offered.items() if sum(values) > 0)
    if not codes:
        raise InvalidInput("no contacts were offered at this site in the chosen week", field="week")
    by_queue: dict[str, list[ContactRow]] = defaultdict(list)
    for r in contacts:
        by_queue[r.queue].append(r)

    pooled = handle_values(handled(contacts))
    built: list[Queue] = []
    for code in codes:
        q = info.get(code, QueueInfo(code))
        model = queue_model(q, by_queue.get(code, []), pooled, handle_model)
        if model is None:
            raise InvalidInput(
                f"queue {code}: no answered contact with a talk time in the chosen week, "
                "and none at the site to borrow from",
                field="week",
            )
        notes.extend(model.notes)
        built.append(sim_queue(q, offered[code], model))

    present = presence(states, interval_s, intervals)
    groups, group_teams, group_notes = group_agents(
        present, agents, answered_by(contacts), built, info, interval_s
    )
    notes.extend(group_notes)
    if not groups:
        raise InvalidInput(
            "no agent with a skill for these queues was logged in during the chosen week", field="week"
        )
    scenario = Scenario(
        interval_s=float(interval_s),
        intervals=intervals,
        queues=tuple(built),
        groups=tuple(groups),
        replications=replications,
        seed=seed,
    )
    return Baseline(scenario, group_teams, tuple(notes))
