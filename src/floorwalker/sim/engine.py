"""Run a scenario: draw the contacts of each replication, run the compiled core, tally.

Pure: plain data in (a :class:`~floorwalker.sim.scenario.Scenario`), plain data out (a
:class:`~floorwalker.sim.results.SimulationResult`); no database, no clock. Replication
``r`` draws from ``numpy.random.SeedSequence(seed).spawn(R)[r]``, so the same seed gives the
same numbers, and the first k replications do not change when more are asked for.

Arrivals: a non-homogeneous Poisson process with a constant rate inside each interval
(the count of an interval is Poisson with the interval's expected contacts, the instants
uniform inside it — exact for a piecewise-constant rate), or the scenario's replay.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from floorwalker.sim import _core
from floorwalker.sim.distributions import sample, sample_at_least
from floorwalker.sim.floor import (
    ABANDONED,
    ANSWERED,
    AVAILABLE,
    NOT_READY,
    ContactRecords,
    Floor,
    FloorContacts,
    FloorQueue,
    FloorResult,
    NotReady,
    Shift,
    StateTimeline,
    simulate_floor,
)
from floorwalker.sim.results import SimulationResult, tally
from floorwalker.sim.scenario import Replay, Scenario


@dataclass(frozen=True)
class Layout:
    """The scenario as the arrays the compiled core reads (fixed across replications)."""

    level: np.ndarray  # (G, Q) int64, 0 = no skill
    delay: np.ndarray  # (G, Q) float64 seconds before a group may take a queue's contact
    q_priority: np.ndarray  # (Q,) int64
    gstart: np.ndarray  # (G+1,) int64 agent index ranges
    concurrency: np.ndarray  # (G,) int64
    staffing: np.ndarray  # (G, I) int64
    sl_threshold_s: np.ndarray  # (Q,) float64


def layout(scenario: Scenario) -> Layout:
    """Translate names to indices: skill levels, overflow delays, agent ranges."""
    qidx = {q.name: i for i, q in enumerate(scenario.queues)}
    n_g, n_q = len(scenario.groups), len(scenario.queues)
    level = np.zeros((n_g, n_q), np.int64)
    delay = np.zeros((n_g, n_q), np.float64)
    for g, grp in enumerate(scenario.groups):
        for qname, lv in grp.skills.items():
            level[g, qidx[qname]] = lv
    gpos = {g.name: i for i, g in enumerate(scenario.groups)}
    for o in scenario.overflows:
        level[gpos[o.group], qidx[o.queue]] = o.level
        delay[gpos[o.group], qidx[o.queue]] = o.after_s
    staffing = np.array([g.agents for g in scenario.groups], dtype=np.int64).reshape(n_g, scenario.intervals)
    sizes = staffing.max(axis=1) if scenario.intervals else np.zeros(n_g, np.int64)
    gstart = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    return Layout(
        level=level,
        delay=delay,
        q_priority=np.array([q.priority for q in scenario.queues], dtype=np.int64),
        gstart=gstart,
        concurrency=np.array([g.concurrency for g in scenario.groups], dtype=np.int64),
        staffing=staffing,
        sl_threshold_s=np.array([q.sl_threshold_s for q in scenario.queues], dtype=np.float64),
    )


@dataclass(frozen=True)
class Contacts:
    """One replication's contacts, sorted by arrival (seconds)."""

    arrival_s: np.ndarray
    queue: np.ndarray
    handle_s: np.ndarray
    wrapup_s: np.ndarray
    patience_s: np.ndarray


def draw_contacts(scenario: Scenario, rng: np.random.Generator) -> Contacts:
    """Arrivals (Poisson per interval, or the replay) with their handle, wrap-up and patience."""
    if scenario.replay is not None:
        return _replay_contacts(scenario, scenario.replay, rng)
    n_i = scenario.intervals
    parts_t, parts_q, parts_h, parts_w, parts_p = [], [], [], [], []
    cap = scenario.arrival_cap
    for qi, q in enumerate(scenario.queues):
        offered = np.asarray(q.offered_per_interval, dtype=np.float64)
        mean = offered if cap is None else np.asarray(cap[qi], dtype=np.float64)
        counts = rng.poisson(mean)
        n = int(counts.sum())
        start = np.repeat(np.arange(n_i, dtype=np.float64), counts)
        t, h = (start + rng.random(n)) * scenario.interval_s, sample(q.handle_time, rng, n)
        w, p = sample(q.wrapup, rng, n), sample(q.patience, rng, n)
        if cap is not None:
            # Thinning: a Poisson(cap) contact is kept with probability offered / cap, which
            # leaves a Poisson(offered) process; the marks are drawn for every contact, so
            # the stream stays aligned with any other scenario drawn from the same cap.
            cell = start.astype(np.int64)
            keep = rng.random(n) * mean[cell] < offered[cell]
            t, h, w, p = t[keep], h[keep], w[keep], p[keep]
        parts_t.append(t)
        parts_q.append(np.full(t.size, qi, np.int64))
        parts_h.append(h)
        parts_w.append(w)
        parts_p.append(p)
    t = np.concatenate(parts_t)
    order = np.argsort(t)  # instants are continuous: ties have probability zero
    return Contacts(
        arrival_s=t[order],
        queue=np.concatenate(parts_q)[order],
        handle_s=np.concatenate(parts_h)[order],
        wrapup_s=np.concatenate(parts_w)[order],
        patience_s=np.concatenate(parts_p)[order],
    )


def _replay_contacts(scenario: Scenario, rp: Replay, rng: np.random.Generator) -> Contacts:
    order = np.argsort(rp.arrival_s, kind="stable")
    queue = np.asarray(rp.queue, dtype=np.int64)[order]
    handle = np.asarray(rp.handle_s, dtype=np.float64)[order].copy()
    patience = np.asarray(rp.patience_s, dtype=np.float64)[order].copy()
    at_least = np.asarray(rp.patience_at_least_s, dtype=np.float64)[order]
    wrapup = (
        np.asarray(rp.wrapup_s, dtype=np.float64)[order].copy()
        if rp.wrapup_s is not None
        else np.full(queue.size, np.nan)
    )
    for qi, q in enumerate(scenario.queues):
        mine = queue == qi
        for values, dist in ((handle, q.handle_time), (wrapup, q.wrapup)):
            missing = mine & np.isnan(values)
            if missing.any():
                values[missing] = sample(dist, rng, int(missing.sum()))
        missing = mine & np.isnan(patience)
        if missing.any():
            patience[missing] = sample_at_least(q.patience, rng, at_least[missing])
    return Contacts(np.asarray(rp.arrival_s, dtype=np.float64)[order], queue, handle, wrapup, patience)


@dataclass(frozen=True)
class Replication:
    """Per-contact outcome of one replication (arrays aligned with its Contacts)."""

    contacts: Contacts
    state: np.ndarray  # _core.WAITING / ANSWERED / ABANDONED / NOT_ARRIVED
    wait_s: np.ndarray
    served_by: np.ndarray  # group index, -1 if not answered
    busy_s: np.ndarray  # (G, I)
    idle_s: np.ndarray  # (G, I)
    events: int
    agent: np.ndarray | None = None  # agent index (0 .. agents of all groups - 1), -1 if not answered

    def records(self) -> ContactRecords:
        """The replication contact by contact (per-contact output): arrival, answer, end,
        wait, talk, wrap-up, outcome, queue and agent, in arrival order, seconds from the
        start of the horizon. Answer = arrival + wait; end = answer + handle time (the
        wrap-up follows it). Outcome codes are those of ``floor.OUTCOME_NAMES``; a contact
        still waiting when the horizon ends has outcome -1 and NaN times."""
        c = self.contacts
        answered = self.state == _core.ANSWERED
        abandoned = self.state == _core.ABANDONED
        arrival = c.arrival_s
        answer_s = np.where(answered, arrival + self.wait_s, np.nan)
        end_s = np.where(answered, answer_s + c.handle_s, np.where(abandoned, arrival + self.wait_s, np.nan))
        outcome = np.where(answered, ANSWERED, np.where(abandoned, ABANDONED, -1)).astype(np.int64)
        agent = self.agent if self.agent is not None else np.full(arrival.size, -1, np.int64)
        return ContactRecords(
            arrival_s=arrival.copy(),
            answered_s=answer_s,
            ended_s=end_s,
            wait_s=np.where(answered | abandoned, self.wait_s, np.nan),
            talk_s=np.where(answered, c.handle_s, np.nan),
            hold_s=np.where(answered, 0.0, np.nan),
            wrapup_s=np.where(answered, c.wrapup_s, np.nan),
            outcome=outcome,
            queue=c.queue.copy(),
            agent=np.where(answered, agent, -1),
        )


def run_once(scenario: Scenario, lay: Layout, rng: np.random.Generator) -> Replication:
    """One replication: draw, simulate to the end of the horizon."""
    c = draw_contacts(scenario, rng)
    n = c.arrival_s.size
    n_q = len(scenario.queues)
    qorder = np.argsort(c.queue, kind="stable").astype(np.int64)
    qstart = np.concatenate(([0], np.cumsum(np.bincount(c.queue, minlength=n_q)))).astype(np.int64)
    state = np.empty(n, np.int8)
    wait = np.empty(n, np.float64)
    served_by = np.empty(n, np.int64)
    agent = np.empty(n, np.int64)
    n_g = len(scenario.groups)
    busy = np.zeros((n_g, scenario.intervals), np.float64)
    idle = np.zeros((n_g, scenario.intervals), np.float64)
    events = _core.simulate_replication(
        c.arrival_s,
        c.queue,
        c.handle_s,
        c.wrapup_s,
        c.patience_s,
        qstart,
        qorder,
        lay.level,
        lay.delay,
        lay.q_priority,
        scenario.agent_picks == "skill_level",
        lay.gstart,
        lay.concurrency,
        lay.staffing,
        float(scenario.interval_s),
        float(scenario.horizon_s),
        state,
        wait,
        served_by,
        agent,
        busy,
        idle,
    )
    return Replication(c, state, wait, served_by, busy, idle, int(events), agent)


def simulate(
    scenario: Scenario, replications: int | None = None, seed: int | None = None, threads: int = 1
) -> SimulationResult:
    """Run ``replications`` independent replications (default: the scenario's) and tally
    them per replication, interval and queue. ``threads`` > 1 runs replications side by
    side (the core releases the GIL); results do not depend on it."""
    reps = scenario.replications if replications is None else replications
    base = scenario.seed if seed is None else seed
    if reps < 1:
        raise ValueError("replications must be at least 1")
    lay = layout(scenario)
    streams = np.random.SeedSequence(base).spawn(reps)

    shifts = shift_floor(scenario) if scenario.shifts else None

    def one(ss: np.random.SeedSequence) -> _Tally:
        if shifts is not None:
            return _tally_floor(scenario, lay, *shifts, np.random.Generator(np.random.PCG64(ss)))
        rep = run_once(scenario, lay, np.random.Generator(np.random.PCG64(ss)))
        counts = tally(
            rep.contacts.arrival_s,
            rep.contacts.queue,
            rep.state,
            rep.wait_s,
            scenario.interval_s,
            scenario.intervals,
            lay.sl_threshold_s,
        )
        return counts, rep.busy_s, rep.idle_s, rep.events, None

    if threads > 1 and reps > 1:
        with ThreadPoolExecutor(threads) as pool:
            outs: Sequence[_Tally] = list(pool.map(one, streams))
    else:
        outs = [one(ss) for ss in streams]
    per_agent = [o[4] for o in outs]
    return SimulationResult.stack(
        scenario=scenario,
        counts=[o[0] for o in outs],
        busy=[o[1] for o in outs],
        idle=[o[2] for o in outs],
        events=sum(o[3] for o in outs),
        agents=None if shifts is None else (per_agent, shifts[1]),  # type: ignore[arg-type]
    )


# One replication's tallies: counts, busy and idle per (group, interval), events, and for
# runs with shifts each agent's busy and idle seconds (None for staffing-curve runs).
_Tally = tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, int, tuple[np.ndarray, np.ndarray] | None]


def _stream(scenario: Scenario, replication: int, seed: int | None) -> np.random.Generator:
    """The generator of replication ``replication`` (0-based) of ``simulate(scenario, seed=seed)``."""
    if replication < 0:
        raise ValueError("replication must be at least 0")
    base = scenario.seed if seed is None else seed
    stream = np.random.SeedSequence(base).spawn(replication + 1)[replication]
    return np.random.Generator(np.random.PCG64(stream))


def replication_records(scenario: Scenario, replication: int = 0, seed: int | None = None) -> ContactRecords:
    """Per-contact output of replication ``replication`` (0-based) of
    ``simulate(scenario, seed=seed)``: the same draws, so its contacts are the ones that
    replication tallied."""
    if scenario.shifts:
        return replication_floor(scenario, replication, seed).contacts
    return run_once(scenario, layout(scenario), _stream(scenario, replication, seed)).records()


def replication_floor(scenario: Scenario, replication: int = 0, seed: int | None = None) -> FloorResult:
    """Per-contact output and agent state timeline of replication ``replication`` of a
    scenario with shifts (agents numbered in the order of its ``[[shifts]]``)."""
    if not scenario.shifts:
        raise ValueError("the scenario has no shifts: agent states need [[shifts]]")
    floor, _ = shift_floor(scenario)
    return _run_floor(scenario, floor, _stream(scenario, replication, seed))[1]


def shift_floor(scenario: Scenario) -> tuple[Floor, np.ndarray]:
    """The agent-level floor of a scenario with shifts, and each agent's group index.
    Every skill counts the same; a group's concurrency makes its queues session queues
    (chat); channel "email" is deferred work."""
    qidx = {q.name: i for i, q in enumerate(scenario.queues)}
    gidx = {g.name: i for i, g in enumerate(scenario.groups)}
    agent_group: list[int] = []
    shifts: list[Shift] = []
    for plan in scenario.shifts:
        blocks = [NotReady(b.start_s, b.duration_s, b.reason) for b in plan.not_ready]
        for _ in range(plan.agents):
            shifts.append(Shift(len(agent_group), plan.start_s, plan.end_s, plan.drain, blocks))
            agent_group.append(gidx[plan.group])
    speed = np.zeros((len(agent_group), len(scenario.queues)))
    capacity = [1] * len(scenario.queues)
    for a, g in enumerate(agent_group):
        for qname in scenario.groups[g].skills:
            speed[a, qidx[qname]] = 1.0
    for grp in scenario.groups:
        for qname in grp.skills:
            capacity[qidx[qname]] = max(capacity[qidx[qname]], grp.concurrency)
    queues = [
        FloorQueue(q.name, session=capacity[i] > 1, concurrency=capacity[i], deferred=q.channel == "email")
        for i, q in enumerate(scenario.queues)
    ]
    return Floor(queues, speed, shifts, close_at_end=True), np.asarray(agent_group, dtype=np.int64)


def _run_floor(scenario: Scenario, floor: Floor, rng: np.random.Generator) -> tuple[Contacts, FloorResult]:
    c = draw_contacts(scenario, rng)
    n = c.arrival_s.size
    zeros = np.zeros(n)
    fc = FloorContacts(
        c.arrival_s, c.queue, c.patience_s, c.handle_s, zeros, c.wrapup_s, zeros, np.full(n, -1, np.int64), n
    )
    return c, simulate_floor(floor, fc, scenario.horizon_s)


def _tally_floor(
    scenario: Scenario, lay: Layout, floor: Floor, agent_group: np.ndarray, rng: np.random.Generator
) -> _Tally:
    """One replication of a scenario with shifts, tallied like the staffing-curve run:
    counts per (interval, queue), and busy (on contact or wrap-up) and idle (available)
    seconds per (group, interval) from the state timeline; and each agent's busy and idle
    seconds over the horizon (agents have their own shifts here, so their own occupancy)."""
    c, res = _run_floor(scenario, floor, rng)
    rec = res.contacts
    answered, abandoned = rec.outcome == ANSWERED, rec.outcome == ABANDONED
    state = np.where(answered, _core.ANSWERED, np.where(abandoned, _core.ABANDONED, _core.WAITING))
    state = state.astype(np.int8)
    wait = np.where(answered | abandoned, rec.wait_s, scenario.horizon_s - c.arrival_s)
    counts = tally(
        c.arrival_s, c.queue, state, wait, scenario.interval_s, scenario.intervals, lay.sl_threshold_s
    )
    st = res.states
    group = agent_group[st.agent] if st.agent.size else st.agent
    working = (st.state != AVAILABLE) & (st.state != NOT_READY)
    n_g = len(scenario.groups)
    busy = np.stack(
        [
            _per_interval(st.start_s[m], st.end_s[m], scenario.interval_s, scenario.intervals)
            for m in ((group == g) & working for g in range(n_g))
        ]
    )
    idle = np.stack(
        [
            _per_interval(st.start_s[m], st.end_s[m], scenario.interval_s, scenario.intervals)
            for m in ((group == g) & (st.state == AVAILABLE) for g in range(n_g))
        ]
    )
    seconds = np.maximum(np.minimum(st.end_s, scenario.horizon_s) - st.start_s, 0.0)  # inside the horizon
    n_a = agent_group.size
    agent_busy = np.bincount(st.agent, weights=np.where(working, seconds, 0.0), minlength=n_a)
    agent_idle = np.bincount(st.agent, weights=np.where(st.state == AVAILABLE, seconds, 0.0), minlength=n_a)
    return counts, busy, idle, res.events, (agent_busy, agent_idle)


def _per_interval(start_s: np.ndarray, end_s: np.ndarray, interval_s: float, intervals: int) -> np.ndarray:
    """Seconds of the segments [start, end) inside each interval. With F(T) the seconds
    before T, F(T) = sum over starts < T of (T - start) - sum over ends < T of (T - end)."""
    bounds = np.arange(intervals + 1) * interval_s

    def before(points: np.ndarray) -> np.ndarray:
        p = np.sort(points)
        k = np.searchsorted(p, bounds, side="left")
        csum = np.concatenate(([0.0], np.cumsum(p)))
        return k * bounds - csum[k]

    total = before(start_s) - before(end_s)
    return np.diff(total)


def agent_labels(scenario: Scenario) -> list[str]:
    """A name per agent index of the per-contact and state output: "group#k", k from 1."""
    if scenario.shifts:
        _, agent_group = shift_floor(scenario)
        seen: dict[int, int] = {}
        labels = []
        for g in agent_group.tolist():
            seen[g] = seen.get(g, 0) + 1
            labels.append(f"{scenario.groups[g].name}#{seen[g]}")
        return labels
    lay = layout(scenario)
    return [
        f"{grp.name}#{k + 1}"
        for grp, size in zip(scenario.groups, np.diff(lay.gstart), strict=True)
        for k in range(int(size))
    ]


CONTACT_CSV_COLUMNS = (
    "arrival_s",
    "answered_s",
    "ended_s",
    "wait_s",
    "talk_s",
    "wrapup_s",
    "outcome",
    "queue",
    "agent",
)


def records_csv(scenario: Scenario, records: ContactRecords) -> str:
    """The records as CSV text (one row per contact, columns ``CONTACT_CSV_COLUMNS``; queue
    by name, outcome by name or "waiting", agent as "group#k" (k from 1), blanks unknown)."""
    from floorwalker.sim.floor import OUTCOME_NAMES

    labels = agent_labels(scenario)

    def num(x: float) -> str:
        return "" if np.isnan(x) else f"{x:.3f}"

    lines = [",".join(CONTACT_CSV_COLUMNS)]
    for k in range(records.arrival_s.size):
        a = int(records.agent[k])
        agent = labels[a] if a >= 0 else ""
        outcome = OUTCOME_NAMES[records.outcome[k]] if records.outcome[k] >= 0 else "waiting"
        lines.append(
            ",".join(
                (
                    num(records.arrival_s[k]),
                    num(records.answered_s[k]),
                    num(records.ended_s[k]),
                    num(records.wait_s[k]),
                    num(records.talk_s[k]),
                    num(records.wrapup_s[k]),
                    outcome,
                    scenario.queues[int(records.queue[k])].name,
                    agent,
                )
            )
        )
    return "\n".join(lines) + "\n"


STATE_CSV_COLUMNS = ("agent", "state", "reason", "start_s", "end_s")


def states_csv(scenario: Scenario, states: StateTimeline) -> str:
    """The agent state timeline as CSV text, by agent then start (columns
    ``STATE_CSV_COLUMNS``; reason blank unless not ready)."""
    from floorwalker.sim.floor import STATE_NAMES

    labels = agent_labels(scenario)
    order = np.lexsort((states.start_s, states.agent))
    lines = [",".join(STATE_CSV_COLUMNS)]
    for k in order.tolist():
        why = states.reasons[states.reason[k]] if states.reason[k] >= 0 else ""
        lines.append(
            f"{labels[states.agent[k]]},{STATE_NAMES[states.state[k]]},{why},"
            f"{states.start_s[k]:.3f},{states.end_s[k]:.3f}"
        )
    return "\n".join(lines) + "\n"
