"""Staffing requirements: a queue's forecast intervals and planning settings in, agents on
contacts and agents to schedule per interval out. Pure: builds on the staffing maths
(:mod:`staffing`, :mod:`deferred`) and adds no formula of its own.

Model per queue (docs/workforce.md, "Requirements"):

- voice, ``erlang_c``: Erlang C for the service-level target within T, the ASA target and
  the occupancy cap (whichever are set);
- voice, ``erlang_a``: Erlang A with the queue's patience, for the service-level and
  abandonment targets and the occupancy cap;
- chat and messaging: Erlang C on session slots, concurrency k sessions per agent (the
  forecast AHT is the time a session holds a slot);
- email and back office: deferred work. The forecast's open intervals are laid end to end
  (closed hours removed, so the response goal counts open time) and one constant agent
  count clears every item within the goal; that count holds for each open interval.

Agents scheduled = ceil(agents / (1 − planned − unplanned shrinkage)).

Multi-skill centers: each queue is staffed on its own and a center's need per interval is
the sum over queues. Agents who serve several queues pool their capacity, so the sum is an
upper bound (no pooling gain); the simulator gives the exact answer for a skill mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.wfm.deferred import deferred_required_agents
from floorwalker.wfm.erlang import traffic_erlangs
from floorwalker.wfm.staffing import (
    chat_required_agents,
    erlang_a_required_agents,
    erlang_c_required_agents,
    scheduled_agents,
    total_shrinkage,
)

VOICE = ("voice",)
SLOT_CHANNELS = ("chat", "messaging")
DEFERRED_CHANNELS = ("email", "back_office")

DEFAULT_TARGET_SL = 0.8
DEFAULT_MAX_OCCUPANCY = 0.85
DEFAULT_RESPONSE_GOAL_S = 4 * 3600.0
DEFAULT_PLANNED_SHRINKAGE = 0.2
DEFAULT_UNPLANNED_SHRINKAGE = 0.1


@dataclass(frozen=True)
class QueuePlan:
    """A queue's planning settings. Seconds and fractions. ``answer_s`` is the service-level
    threshold T; ``model`` is "erlang_c" or "erlang_a" (voice only); ``patience_s`` is the
    mean patience for Erlang A; ``response_goal_s`` the deferred-work goal (open time)."""

    queue: str
    channel: str
    answer_s: float
    concurrency: int = 1
    model: str = "erlang_c"
    target_sl: float | None = DEFAULT_TARGET_SL
    target_asa_s: float | None = None
    max_occupancy: float | None = DEFAULT_MAX_OCCUPANCY
    patience_s: float | None = None
    max_abandon: float | None = None
    response_goal_s: float | None = None
    planned_shrinkage: float = DEFAULT_PLANNED_SHRINKAGE
    unplanned_shrinkage: float = DEFAULT_UNPLANNED_SHRINKAGE
    default_aht_s: float | None = None


@dataclass(frozen=True)
class Demand:
    """One forecast interval: its start (aware or naive, passed through), contacts and AHT
    in seconds (None: use the queue's default AHT)."""

    interval_start: datetime
    contacts: float
    aht_s: float | None


@dataclass(frozen=True)
class Requirement:
    """Agents on contacts and agents to schedule for one interval of one queue;
    ``traffic_erlangs`` = contacts × AHT / interval length (work in agent-intervals)."""

    queue: str
    interval_start: datetime
    contacts: float
    aht_s: float
    traffic_erlangs: float
    agents: int
    scheduled_agents: int
    model: str


def model_name(plan: QueuePlan) -> str:
    """The model that staffs this queue: erlang_c, erlang_a, chat_slots or deferred."""
    if plan.channel in VOICE:
        return plan.model
    if plan.channel in SLOT_CHANNELS:
        return "chat_slots"
    if plan.channel in DEFERRED_CHANNELS:
        return "deferred"
    raise InvalidInput(f"queue '{plan.queue}': unknown channel '{plan.channel}'", field="channel")


def _check(plan: QueuePlan) -> str:
    model = model_name(plan)
    if model not in ("erlang_c", "erlang_a", "chat_slots", "deferred"):
        raise InvalidInput(f"queue '{plan.queue}': model must be erlang_c or erlang_a, not '{model}'")
    if model == "erlang_a" and plan.patience_s is None:
        raise InvalidInput(f"queue '{plan.queue}': Erlang A needs the mean patience (patience_s)")
    if model in ("erlang_c", "chat_slots") and (
        plan.target_sl is None and plan.target_asa_s is None and plan.max_occupancy is None
    ):
        raise InvalidInput(f"queue '{plan.queue}': give a service-level, ASA or occupancy target")
    if (
        model == "erlang_a"
        and plan.target_sl is None
        and plan.max_abandon is None
        and plan.max_occupancy is None
    ):
        raise InvalidInput(f"queue '{plan.queue}': give a service-level, abandonment or occupancy target")
    return model


def queue_requirements(plan: QueuePlan, demand: Sequence[Demand], interval_min: int) -> list[Requirement]:
    """Requirements of every interval in ``demand`` (in time order for deferred work)."""
    model = _check(plan)
    if not demand:
        return []
    interval_s = interval_min * 60.0
    contacts = np.array([d.contacts for d in demand], dtype=np.float64)
    if np.any(contacts < 0) or not np.all(np.isfinite(contacts)):
        raise InvalidInput(f"queue '{plan.queue}': contacts must be finite and not negative")
    # An interval with no AHT, or an AHT of 0 (a forecast from contacts that took no time),
    # takes the queue's default AHT, else the contact-weighted mean AHT of the forecast.
    known = [(d.contacts, d.aht_s) for d in demand if d.aht_s is not None and d.aht_s > 0]
    fallback = plan.default_aht_s
    if fallback is None and sum(c for c, _ in known) > 0:
        fallback = sum(c * a for c, a in known) / sum(c for c, _ in known)
    aht_values = [d.aht_s if d.aht_s is not None and d.aht_s > 0 else fallback for d in demand]
    if any(a is None for a in aht_values):
        raise InvalidInput(
            f"queue '{plan.queue}': the forecast has no AHT; set the queue's default AHT",
            field="default_aht_s",
        )
    aht = np.array(aht_values, dtype=np.float64)
    traffic = traffic_erlangs(contacts, interval_s, aht)
    occupancy = plan.max_occupancy
    if model == "erlang_c":
        agents = erlang_c_required_agents(
            traffic, aht, plan.answer_s, target_sl=plan.target_sl, target_asa_s=plan.target_asa_s,
            max_occupancy=occupancy,
        )  # fmt: skip
    elif model == "erlang_a":
        agents = erlang_a_required_agents(
            traffic, aht, plan.patience_s, plan.answer_s, target_sl=plan.target_sl,
            max_abandon=plan.max_abandon, max_occupancy=occupancy,
        )  # fmt: skip
    elif model == "chat_slots":
        agents = chat_required_agents(
            contacts, interval_s, aht, plan.concurrency, plan.answer_s, target_sl=plan.target_sl,
            target_asa_s=plan.target_asa_s, max_occupancy=occupancy,
        )  # fmt: skip
    else:
        agents = _deferred(plan, contacts, aht, interval_s)
    shrinkage = total_shrinkage(plan.planned_shrinkage, plan.unplanned_shrinkage)
    scheduled = scheduled_agents(agents, shrinkage)
    return [
        Requirement(
            plan.queue, d.interval_start, float(contacts[i]), float(aht[i]), float(traffic[i]),
            int(agents[i]), int(scheduled[i]), model,
        )
        for i, d in enumerate(demand)
    ]  # fmt: skip


def _deferred(plan: QueuePlan, contacts: np.ndarray, aht: np.ndarray, interval_s: float) -> np.ndarray:
    """One constant count over the open intervals laid end to end (see the module). Items
    carry the horizon's workload-weighted AHT (the model takes one handle time)."""
    work = float(np.sum(contacts * aht))
    total = float(np.sum(contacts))
    if total <= 0:
        return np.zeros(contacts.shape, dtype=np.int64)
    mean_aht = work / total
    goal = plan.response_goal_s if plan.response_goal_s is not None else DEFAULT_RESPONSE_GOAL_S
    result = deferred_required_agents(
        contacts, interval_s, mean_aht, goal, max_occupancy=plan.max_occupancy or 1.0
    )
    return np.full(contacts.shape, result.agents, dtype=np.int64)


@dataclass(frozen=True)
class IntervalTotal:
    """The center's need in one interval: the per-queue sum (see the module on multi-skill)."""

    interval_start: datetime
    agents: int
    scheduled_agents: int


def totals(requirements: Sequence[Requirement]) -> list[IntervalTotal]:
    """Per-interval sums over queues, in time order of the instants."""
    sums: dict[datetime, list[int]] = {}
    for r in requirements:
        cell = sums.setdefault(r.interval_start, [0, 0])
        cell[0] += r.agents
        cell[1] += r.scheduled_agents
    return [IntervalTotal(k, v[0], v[1]) for k, v in sorted(sums.items(), key=lambda kv: _key(kv[0]))]


def _key(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
