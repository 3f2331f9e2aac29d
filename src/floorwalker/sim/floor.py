"""The simulator at agent level: named agents with shifts and not-ready blocks, and a record
of every contact and every agent state. Pure: plain data in, plain data out.

Use it when the question is about *people* rather than head counts — a day of schedules
with breaks, lunch and meetings, e-mail worked in the gaps between calls, an agent kept
past the end of the shift by a call — or when the per-contact and per-state records
themselves are wanted (the demo center is generated this way). ``engine.simulate`` (a
staffing curve per agent group, tallies only) stays the fast path for what-if runs.

Times are seconds from the start of the run. Everything random is drawn by the caller
(arrivals, handle times, patience); the run itself is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from floorwalker.sim import _floor

#: Agent state names by code (the contact warehouse's names; "logged_out" is implied
#: between logged-in periods and never recorded).
STATE_NAMES = ("available", "on_contact", "wrap_up", "not_ready")
AVAILABLE, ON_CONTACT, WRAP_UP, NOT_READY = (
    _floor.AVAILABLE,
    _floor.ON_CONTACT,
    _floor.WRAP_UP,
    _floor.NOT_READY,
)
#: Contact outcome names by code; -1 = not arrived, or not finished when the run stopped.
OUTCOME_NAMES = ("answered", "abandoned", "timeout", "transferred")
ANSWERED, ABANDONED, TIMEOUT, TRANSFERRED = (
    _floor.ANSWERED,
    _floor.ABANDONED,
    _floor.TIMEOUT,
    _floor.TRANSFERRED,
)
DRAIN_S = 1200.0


@dataclass(frozen=True)
class FloorQueue:
    """How a queue's contacts are worked. ``session``: an agent holds up to
    ``concurrency`` at once (chat); ``deferred``: taken only when none of the agent's
    real-time queues has a contact waiting (e-mail); ``timeout_s``: a wait reaching it
    ends with outcome "timeout" (voicemail), 0 = none."""

    name: str
    session: bool = False
    concurrency: int = 1
    deferred: bool = False
    timeout_s: float = 0.0


@dataclass(frozen=True)
class NotReady:
    """A planned not-ready block (break, lunch, meeting …) of ``duration_s`` seconds. If
    the agent is busy at ``start_s`` it starts when the agent is free (pending not-ready),
    for its full length."""

    start_s: float
    duration_s: float
    reason: str


@dataclass(frozen=True)
class Shift:
    """One logged-in period of agent ``agent`` (index into the speed matrix's rows). A
    log-off that falls while the agent is busy waits for the contact and its wrap-up;
    with ``drain`` the agent also stays up to ``Floor.drain_s`` to clear the real-time
    contacts still waiting (the closing shift)."""

    agent: int
    login_s: float
    logout_s: float
    drain: bool = False
    not_ready: Sequence[NotReady] = ()


@dataclass(frozen=True)
class Floor:
    """Queues, agents and shifts. ``speed[a, q]`` multiplies a contact's talk time when
    agent ``a`` handles queue ``q`` (0 = agent does not serve q). ``reasons``: the
    not-ready reason names, in the order their codes appear in the output (reasons used
    by shifts but missing are appended)."""

    queues: Sequence[FloorQueue]
    speed: np.ndarray
    shifts: Sequence[Shift]
    reasons: Sequence[str] = ()
    drain_s: float = DRAIN_S
    whole_seconds: bool = False
    #: write the states still open when the run stops as ending then (else leave them out)
    close_at_end: bool = False


@dataclass(frozen=True)
class FloorContacts:
    """Contacts (contact legs), each array one value per contact. Contacts ``[0, n_first)``
    arrive on their own at ``arrival_s`` (sorted); the rest are transfer legs whose
    arrival is their parent's end of talk and hold (``transfer_to`` of the parent names
    them; -1 = not transferred). ``patience_s`` inf = never abandons; ``handle_s`` talk at
    speed 1; ``ring_s`` from offer to answer once an agent is chosen."""

    arrival_s: np.ndarray
    queue: np.ndarray
    patience_s: np.ndarray
    handle_s: np.ndarray
    hold_s: np.ndarray
    wrapup_s: np.ndarray
    ring_s: np.ndarray
    transfer_to: np.ndarray
    n_first: int


@dataclass(frozen=True)
class ContactRecords:
    """What happened to each contact (aligned with the input). NaN where unknown: not
    arrived (a transfer leg never triggered), not answered, or not ended by the end of the
    run (an answered exclusive contact's end is known when it is answered). ``wait_s``:
    to answer, else to abandon/timeout, else NaN. ``outcome``: code of OUTCOME_NAMES or
    -1; ``agent`` -1 when not answered."""

    arrival_s: np.ndarray
    answered_s: np.ndarray
    ended_s: np.ndarray
    wait_s: np.ndarray
    talk_s: np.ndarray
    hold_s: np.ndarray
    wrapup_s: np.ndarray
    outcome: np.ndarray
    queue: np.ndarray
    agent: np.ndarray


@dataclass(frozen=True)
class StateTimeline:
    """Agent states as segments [start_s, end_s), in the order they closed. ``state``: code
    of STATE_NAMES; ``reason``: index into ``reasons`` for not-ready, else -1. Segments of
    one agent never overlap and tile each logged-in period exactly (up to the end of the
    run: a state still open then is not written)."""

    agent: np.ndarray
    state: np.ndarray
    reason: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class FloorResult:
    contacts: ContactRecords
    states: StateTimeline
    events: int


def simulate_floor(floor: Floor, contacts: FloorContacts, end_s: float) -> FloorResult:
    """Play the floor from the first event to ``end_s`` seconds."""
    n = int(contacts.queue.shape[0])
    n_q = len(floor.queues)
    speed = np.ascontiguousarray(floor.speed, dtype=np.float64)
    if speed.ndim != 2 or speed.shape[1] != n_q:
        raise ValueError(f"speed must be (agents, {n_q}), got {speed.shape}")
    reasons = list(floor.reasons)
    code = {r: i for i, r in enumerate(reasons)}
    sh_agent, sh_login, sh_logout, sh_drain = [], [], [], []
    act_agent, act_start, act_duration, act_reason = [], [], [], []
    first_act = [0]
    for s in floor.shifts:
        if not 0 <= s.agent < speed.shape[0]:
            raise ValueError(f"shift agent {s.agent} out of range (0..{speed.shape[0] - 1})")
        if s.logout_s < s.login_s:
            raise ValueError(
                f"shift of agent {s.agent} logs out ({s.logout_s}) before it logs in ({s.login_s})"
            )
        sh_agent.append(s.agent)
        sh_login.append(s.login_s)
        sh_logout.append(s.logout_s)
        sh_drain.append(s.drain)
        for b in s.not_ready:
            if b.reason not in code:
                code[b.reason] = len(reasons)
                reasons.append(b.reason)
            act_agent.append(s.agent)
            act_start.append(b.start_s)
            act_duration.append(b.duration_s)
            act_reason.append(code[b.reason])
        first_act.append(len(act_agent))
    i64, f64 = np.int64, np.float64
    arrival = np.array(contacts.arrival_s, dtype=f64)  # a copy: transfer arrivals are written
    queue = np.ascontiguousarray(contacts.queue, dtype=i64)
    n_act = len(act_agent)
    # Segments written: at most 3 per answered contact, 2 per session, 2 per block, and one
    # per "become ready" (free, session end, block end, log-in), per log-off and per agent
    # at the end.
    cap = 7 * n + 2 * n_act + 2 * len(sh_agent) + speed.shape[0] + 16
    answered = np.empty(n, f64)
    ended = np.empty(n, f64)
    agent = np.empty(n, i64)
    outcome = np.empty(n, i64)
    talk = np.empty(n, f64)
    seg_i = np.empty((cap, 3), i64)
    seg_f = np.empty((cap, 2), f64)
    events, n_seg = _floor.simulate_floor(
        arrival,
        queue,
        np.ascontiguousarray(contacts.patience_s, dtype=f64),
        np.ascontiguousarray(contacts.handle_s, dtype=f64),
        np.ascontiguousarray(contacts.hold_s, dtype=f64),
        np.ascontiguousarray(contacts.wrapup_s, dtype=f64),
        np.ascontiguousarray(contacts.ring_s, dtype=f64),
        np.ascontiguousarray(contacts.transfer_to, dtype=i64),
        int(contacts.n_first),
        np.array([q.session for q in floor.queues], dtype=np.bool_),
        np.array([q.deferred for q in floor.queues], dtype=np.bool_),
        np.array([q.concurrency for q in floor.queues], dtype=i64),
        np.array([q.timeout_s for q in floor.queues], dtype=f64),
        speed,
        bool(floor.whole_seconds),
        np.array(sh_agent, dtype=i64),
        np.array(sh_login, dtype=f64),
        np.array(sh_logout, dtype=f64),
        np.array(sh_drain, dtype=np.bool_),
        np.array(first_act, dtype=i64),
        np.array(act_agent, dtype=i64),
        np.array(act_start, dtype=f64),
        np.array(act_duration, dtype=f64),
        np.array(act_reason, dtype=i64),
        float(floor.drain_s),
        float(end_s),
        bool(floor.close_at_end),
        answered,
        ended,
        agent,
        outcome,
        talk,
        seg_i,
        seg_f,
    )
    served = ~np.isnan(answered)
    hold = np.where(served, contacts.hold_s, np.nan)
    wrapup = np.where(served, contacts.wrapup_s, np.nan)
    wait = np.where(served, answered - arrival, np.where(outcome >= 0, ended - arrival, np.nan))
    records = ContactRecords(arrival, answered, ended, wait, talk, hold, wrapup, outcome, queue, agent)
    states = StateTimeline(
        agent=seg_i[:n_seg, 0].copy(),
        state=seg_i[:n_seg, 1].copy(),
        reason=seg_i[:n_seg, 2].copy(),
        start_s=seg_f[:n_seg, 0].copy(),
        end_s=seg_f[:n_seg, 1].copy(),
        reasons=tuple(reasons),
    )
    return FloorResult(records, states, int(events))
