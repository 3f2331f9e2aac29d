"""A baseline scenario from the plans instead of history: the week's saved forecast, staffed
by the published schedule, by the staffing requirement, or by the agents of a past week.
Pure (plain rows in, a :class:`~floorwalker.sim.history.Baseline` out);
sim/plans_service.py loads the rows.

The horizon is the one of sim/history.py: site-local Monday 00:00, ``intervals`` intervals
of ``interval_s`` seconds on the local clock. Times in the rows are seconds from that start.

Per queue:

- **arrival rate**: the forecast contacts (overrides applied). A forecast interval that is
  not the simulator's (15 or 60 minutes against 30) is spread over the intervals it
  overlaps, in proportion to the overlap;
- **handle time**: the engine has one handle-time distribution per queue, so the forecast's
  per-interval AHT is averaged over the horizon, weighted by forecast contacts (else the
  queue's default AHT of its planning settings, else the history's mean). The shape comes
  from recent history (the handle and wrap-up fits of sim/history.py, both scaled so that
  their means add up to that AHT); without history, a lognormal with cv
  :data:`DEFAULT_HANDLE_CV` for talk + hold and the queue's assumed wrap-up (constant);
- **patience**: from history (Kaplan–Meier, as for the history baseline); without
  history, exponential with the queue's planning patience (the Erlang A setting), else
  customers never abandon.

Staffing:

- ``forecast_schedule``: each scheduled shift counts as staffed except during its
  activities (break, lunch, meeting, training, coaching); agents are grouped by team and
  skills exactly as the history baseline groups logged-in agents (presence seconds per
  interval summed per group, rounded to whole agents);
- ``forecast_requirement``: each queue served by its own group whose count is the queue's
  requirement (agents on contacts, before shrinkage) — the busiest overlapping forecast
  interval where the forecast's interval is shorter than the simulator's. Queues do not
  pool agents here, as the requirement does not assume they do;
- ``forecast_history``: the agents as they were logged in (ready: available, on a contact,
  in wrap-up) in a past week, weekday by weekday and half hour by half hour, grouped as
  the history baseline groups them: "the forecast, with the staff we had".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from floorwalker.errors import InvalidInput
from floorwalker.sim.distributions import Distribution
from floorwalker.sim.history import (
    AgentInfo,
    Baseline,
    QueueInfo,
    QueueModel,
    StateRow,
    group_agents,
    presence,
    sim_queue,
)
from floorwalker.sim.scenario import AgentGroup, Queue, Scenario
from floorwalker.sim.whatif import scale

#: Where a baseline comes from.
SOURCES = ("history", "forecast_schedule", "forecast_requirement", "forecast_history")
SOURCE_LABELS = {
    "history": "History (what happened that week)",
    "forecast_schedule": "Saved forecast + published schedule",
    "forecast_requirement": "Saved forecast + staffing requirement",
    "forecast_history": "Saved forecast + staffing as logged in a past week",
}
PLAN_SOURCES = SOURCES[1:]
#: Coefficient of variation of talk + hold when there is no history to fit it: call-center
#: studies find lognormal handle times with a standard deviation close to the mean.
DEFAULT_HANDLE_CV = 1.0


@dataclass(frozen=True)
class ForecastRow:
    """One forecast interval of a queue: contacts and AHT (talk + hold + wrap-up, seconds;
    None = not forecast)."""

    queue: str
    start_s: float
    length_s: float
    contacts: float
    aht_s: float | None = None


@dataclass(frozen=True)
class Shift:
    """A scheduled shift [start_s, end_s) and its activities (off-contact spans)."""

    agent: str
    start_s: float
    end_s: float
    activities: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class RequirementRow:
    """Agents on contacts a queue needs over [start_s, start_s + length_s)."""

    queue: str
    start_s: float
    length_s: float
    agents: int


def _overlaps(start: float, length: float, interval_s: float, intervals: int) -> list[tuple[int, float]]:
    """(interval, seconds of overlap) of [start, start + length) with the horizon's intervals."""
    end = min(start + length, interval_s * intervals)
    lo = max(start, 0.0)
    out: list[tuple[int, float]] = []
    if end <= lo:
        return out
    for i in range(int(lo // interval_s), min(math.ceil(end / interval_s), intervals)):
        seconds = min(end, (i + 1) * interval_s) - max(lo, i * interval_s)
        if seconds > 0:
            out.append((i, seconds))
    return out


def forecast_offered(
    rows: Sequence[ForecastRow], interval_s: float, intervals: int
) -> tuple[dict[str, np.ndarray], dict[str, float | None]]:
    """Per queue, the forecast contacts per interval (spread by overlap) and the
    contact-weighted mean AHT (seconds) of the rows in the horizon (None: no AHT)."""
    offered: dict[str, np.ndarray] = {}
    work: dict[str, list[float]] = {}
    for r in rows:
        if r.length_s <= 0:
            continue
        parts = _overlaps(r.start_s, r.length_s, interval_s, intervals)
        row = offered.setdefault(r.queue, np.zeros(intervals, np.float64))
        inside = 0.0
        for i, seconds in parts:
            share = r.contacts * seconds / r.length_s
            row[i] += share
            inside += share
        if r.aht_s is not None and r.aht_s > 0 and inside > 0:
            acc = work.setdefault(r.queue, [0.0, 0.0])
            acc[0] += inside
            acc[1] += inside * r.aht_s
    aht = {q: (work[q][1] / work[q][0] if q in work and work[q][0] > 0 else None) for q in offered}
    return offered, aht


def work_spans(shifts: Sequence[Shift]) -> list[StateRow]:
    """The time each shift is on contacts: the shift minus its activities, as ready spans."""
    out: list[StateRow] = []
    for s in shifts:
        cursor = s.start_s
        for a_start, a_end in sorted(s.activities):
            lo, hi = max(a_start, s.start_s), min(a_end, s.end_s)
            if hi <= lo:
                continue
            if lo > cursor:
                out.append(StateRow(s.agent, "available", cursor, lo - cursor))
            cursor = max(cursor, hi)
        if s.end_s > cursor:
            out.append(StateRow(s.agent, "available", cursor, s.end_s - cursor))
    return out


def requirement_counts(
    rows: Sequence[RequirementRow], interval_s: float, intervals: int
) -> dict[str, list[int]]:
    """Per queue and interval, the largest requirement among the rows overlapping it."""
    out: dict[str, list[int]] = {}
    for r in rows:
        counts = out.setdefault(r.queue, [0] * intervals)
        for i, _ in _overlaps(r.start_s, r.length_s, interval_s, intervals):
            counts[i] = max(counts[i], int(r.agents))
    return out


def planned_queue_model(
    q: QueueInfo,
    aht_s: float | None,
    history: QueueModel | None,
    *,
    patience_s: float | None = None,
    default_aht_s: float | None = None,
) -> QueueModel:
    """A queue's distributions for a forecast baseline (see the module docstring).
    ``aht_s``: the forecast's mean AHT; ``history``: the recent history's fits, if any;
    ``patience_s``, ``default_aht_s``: the queue's planning settings."""
    notes: list[str] = []
    code = q.code
    target = aht_s
    if target is None and default_aht_s:
        target = float(default_aht_s)
        notes.append(f"queue {code}: the forecast has no AHT; the queue's default AHT {target:.0f} s is used")
    if history is not None:
        mean = history.handle_time.mean + history.wrapup.mean
        if target is None:
            target = mean
            notes.append(f"queue {code}: the forecast has no AHT; the recent history's {mean:.0f} s is used")
        if mean <= 0:
            raise InvalidInput(f"queue {code}: the recent history has no handle time", field="week")
        f = target / mean
        handle, wrapup, patience = scale(history.handle_time, f), scale(history.wrapup, f), history.patience
        notes.extend(history.notes)
    else:
        if target is None:
            raise InvalidInput(
                f"queue {code}: the forecast has no AHT, the queue has no default AHT in its "
                "planning settings, and there is no history to take one from",
                field="week",
            )
        wrap = float(q.wrapup_s) if q.wrapup_s is not None and 0 <= q.wrapup_s < target else 0.0
        handle = Distribution("lognormal", mean_s=target - wrap, cv=DEFAULT_HANDLE_CV)
        wrapup = Distribution("constant", mean_s=wrap)
        notes.append(
            f"queue {code}: no recent history; talk + hold is lognormal (mean {target - wrap:.0f} s, "
            f"cv {DEFAULT_HANDLE_CV:g}) and wrap-up {wrap:g} s"
        )
        if patience_s:
            patience = Distribution("exponential", mean_s=float(patience_s))
            notes.append(f"queue {code}: no recent history; patience exponential, mean {patience_s:g} s")
        else:
            patience = Distribution("none")
            notes.append(
                f"queue {code}: no recent history and no patience in its planning settings; "
                "customers never abandon"
            )
    return QueueModel(handle, wrapup, patience, tuple(notes))


def build_plan_baseline(
    *,
    source: str,
    interval_s: float,
    intervals: int,
    queues: Sequence[QueueInfo],
    forecast: Sequence[ForecastRow],
    history: Mapping[str, QueueModel],
    patience_s: Mapping[str, float | None] | None = None,
    default_aht_s: Mapping[str, float | None] | None = None,
    shifts: Sequence[Shift] = (),
    agents: Mapping[str, AgentInfo] | None = None,
    answered: Mapping[str, set[str]] | None = None,
    requirement: Sequence[RequirementRow] = (),
    states: Sequence[StateRow] = (),
    replications: int = 10,
    seed: int = 1,
) -> Baseline:
    """The forecast-based scenario of ``source`` ("forecast_schedule": staffing from
    ``shifts``, agents grouped with ``agents`` (team, skills) and ``answered``;
    "forecast_requirement": from ``requirement``; "forecast_history": from the agent
    ``states`` of a past week, their times from that week's Monday). ``history`` maps a queue code to its
    recent-history fits (absent: defaults). Queues with no forecast contact in the horizon
    are left out. Raises InvalidInput when nothing can be built."""
    if source not in PLAN_SOURCES:
        raise InvalidInput(f"baseline: {source!r} is not a plan source", field="baseline")
    info = {q.code: q for q in queues}
    offered, aht = forecast_offered(forecast, interval_s, intervals)
    codes = sorted(code for code, values in offered.items() if values.sum() > 0)
    if not codes:
        raise InvalidInput("the saved forecasts have no contacts in the chosen days", field="week")
    notes: list[str] = []
    built: list[Queue] = []
    for code in codes:
        q = info.get(code, QueueInfo(code))
        model = planned_queue_model(
            q,
            aht[code],
            history.get(code),
            patience_s=(patience_s or {}).get(code),
            default_aht_s=(default_aht_s or {}).get(code),
        )
        notes.extend(model.notes)
        built.append(sim_queue(q, offered[code], model))
    if source in ("forecast_schedule", "forecast_history"):
        spans = work_spans(shifts) if source == "forecast_schedule" else states
        present = presence(spans, interval_s, intervals)
        groups, group_teams, group_notes = group_agents(
            present, agents or {}, answered or {}, built, info, interval_s
        )
        notes.extend(group_notes)
        if not groups:
            who = "scheduled agent" if source == "forecast_schedule" else "agent logged in that week"
            raise InvalidInput(
                f"no {who} has a skill for the forecast queues in the chosen days "
                "(skills: Organisation → people; or agents who answered them recently)",
                field="week",
            )
    else:
        counts = requirement_counts(requirement, interval_s, intervals)
        groups, group_teams = [], {}
        for sq in built:
            row = counts.get(sq.name)
            if row is None or not any(row):
                notes.append(
                    f"queue {sq.name}: no staffing requirement; its contacts can only abandon or wait"
                )
                continue
            name = f"Requirement: {sq.name}"
            conc = max(1, int(info.get(sq.name, QueueInfo(sq.name)).concurrency))
            groups.append(AgentGroup(name, tuple(row), {sq.name: 1}, conc))
            group_teams[name] = None
        if not groups:
            raise InvalidInput("the requirement staffs no agent in the chosen days", field="week")
        notes.append(
            "staffing is each queue's requirement (agents on contacts, before shrinkage), "
            "each queue with its own agents; changes by team do not apply"
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
