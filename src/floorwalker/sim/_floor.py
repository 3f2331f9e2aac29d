"""The agent-level core of the simulator, compiled with numba: named agents who log in and
out by their shifts, take breaks, and record every contact and every state change.

Where ``_core`` moves anonymous agents on and off duty to follow a staffing curve and
tallies seconds, this core plays each agent's day and writes, per contact, when it was
answered and ended, by whom and how it ended, and, per agent, the sequence of states
(available, on contact, wrap-up, not ready with a reason) that tiles each logged-in period.
Everything random is drawn before the call (see ``floor.py``); this loop is deterministic.

Routing is what a typical ACD does:
- an arriving contact goes to the eligible agent with the fewest open sessions, then the
  longest ready (for exclusive work an eligible agent has no session open);
- an agent who becomes free takes the longest-waiting contact among its real-time
  queues; a *deferred* queue (e-mail) is taken only when none of them has a contact
  waiting, so deferred work fills idle time rather than starving the phones;
- a session queue (chat) lets an agent hold up to the queue's concurrency at once; while
  one is open the agent takes only further sessions;
- a not-ready block or log-off that falls while the agent is busy waits until the
  contacts and their wrap-up are done ("pending not-ready"); an agent whose shift runs to
  closing ("drain") stays up to ``drain_s`` to clear the real-time contacts still waiting.

Events at the same instant run in the order they were scheduled (first in, first out),
and a new arrival runs after every event of its instant.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Agent states (codes of the timeline); "logged out" is the absence of a state.
AVAILABLE, ON_CONTACT, WRAP_UP, NOT_READY = 0, 1, 2, 3
# Contact outcomes; -1 = not arrived, or not finished when the run stopped.
ANSWERED, ABANDONED, TIMEOUT, TRANSFERRED = 0, 1, 2, 3

_NOT_ARRIVED, _WAITING, _SERVED, _GONE = 0, 1, 2, 3
_FREE, _SESSION_ANSWER, _SESSION_END, _ABANDON, _NR_END, _LOGIN, _NR_START, _LOGOUT, _ARRIVE = range(9)
_LOGOUT_MARK = -1

# Columns of the per-agent integer state.
_LOGGED, _EXCL, _SESS, _ACTIVE, _NR, _TOKEN, _STATE, _REASON, _DRAINS, _PHEAD, _PTAIL = range(11)
# Columns of the per-agent float state (seconds).
_READY, _SINCE, _LOGOUT_AT = range(3)
# Scalars: heap size, next sequence number, segments written, pending nodes used.
_HSIZE, _SEQ, _NSEG, _NPEND = range(4)


@njit(cache=True)
def _before(ht: np.ndarray, hs: np.ndarray, i: int, j: int) -> bool:
    return bool(ht[i] < ht[j] or (ht[i] == ht[j] and hs[i] < hs[j]))


@njit(cache=True)
def _swap(ht: np.ndarray, hs: np.ndarray, hx: np.ndarray, i: int, j: int) -> None:
    ht[i], ht[j] = ht[j], ht[i]
    hs[i], hs[j] = hs[j], hs[i]
    for k in range(3):
        hx[i, k], hx[j, k] = hx[j, k], hx[i, k]


@njit(cache=True)
def _push(
    ht: np.ndarray, hs: np.ndarray, hx: np.ndarray, S: np.ndarray, t: float, kind: int, x: int, y: int
) -> None:
    i = S[_HSIZE]
    S[_HSIZE] += 1
    ht[i] = t
    hs[i] = S[_SEQ]
    S[_SEQ] += 1
    hx[i, 0] = kind
    hx[i, 1] = x
    hx[i, 2] = y
    while i > 0:
        parent = (i - 1) >> 1
        if _before(ht, hs, i, parent):
            _swap(ht, hs, hx, i, parent)
            i = parent
        else:
            break


@njit(cache=True)
def _pop(ht: np.ndarray, hs: np.ndarray, hx: np.ndarray, S: np.ndarray) -> None:
    size = S[_HSIZE] - 1
    S[_HSIZE] = size
    ht[0] = ht[size]
    hs[0] = hs[size]
    for k in range(3):
        hx[0, k] = hx[size, k]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        best = left
        if left + 1 < size and _before(ht, hs, left + 1, left):
            best = left + 1
        if _before(ht, hs, best, i):
            _swap(ht, hs, hx, i, best)
            i = best
        else:
            break


@njit(cache=True)
def _set_state(
    a: int,
    t: float,
    new: int,
    why: int,
    AI: np.ndarray,
    AF: np.ndarray,
    seg_i: np.ndarray,
    seg_f: np.ndarray,
    S: np.ndarray,
) -> None:
    """Close agent ``a``'s current state at ``t`` (kept if it lasted) and open ``new``
    (-1 = logged out)."""
    if AI[a, _STATE] == new and AI[a, _REASON] == why:
        return
    if AI[a, _STATE] >= 0 and t > AF[a, _SINCE]:
        k = S[_NSEG]
        seg_i[k, 0] = a
        seg_i[k, 1] = AI[a, _STATE]
        seg_i[k, 2] = AI[a, _REASON]
        seg_f[k, 0] = AF[a, _SINCE]
        seg_f[k, 1] = t
        S[_NSEG] = k + 1
    AI[a, _STATE] = new
    AI[a, _REASON] = why
    AF[a, _SINCE] = t


@njit(cache=True)
def _head(q: int, qh: np.ndarray, link: np.ndarray, status: np.ndarray) -> int:
    """The longest-waiting contact of queue ``q`` (-1 if none), dropping those gone."""
    c = qh[q, 0]
    while c >= 0 and status[c] != _WAITING:
        c = link[c]
    qh[q, 0] = c
    if c < 0:
        qh[q, 1] = -1
    return c


@njit(cache=True)
def _take_head(q: int, c: int, qh: np.ndarray, link: np.ndarray) -> None:
    """Remove contact ``c``, the head of queue ``q``."""
    qh[q, 0] = link[c]
    if link[c] < 0:
        qh[q, 1] = -1


@njit(cache=True)
def _pending_push(
    a: int, why: int, duration: float, AI: np.ndarray, P: np.ndarray, PF: np.ndarray, S: np.ndarray
) -> None:
    node = S[_NPEND]
    S[_NPEND] += 1
    P[node, 0] = why
    PF[node] = duration
    if AI[a, _PHEAD] < 0:
        P[node, 1] = -1
        AI[a, _PHEAD] = node
        AI[a, _PTAIL] = node
    else:
        P[node, 1] = -1
        P[AI[a, _PTAIL], 1] = node
        AI[a, _PTAIL] = node


@njit(cache=True, nogil=True)
def simulate_floor(
    arrival: np.ndarray,
    queue: np.ndarray,
    patience: np.ndarray,
    handle: np.ndarray,
    hold: np.ndarray,
    wrapup: np.ndarray,
    ring: np.ndarray,
    child: np.ndarray,
    n_first: int,
    session: np.ndarray,
    deferred: np.ndarray,
    capacity: np.ndarray,
    timeout: np.ndarray,
    speed: np.ndarray,
    whole_seconds: bool,
    sh_agent: np.ndarray,
    sh_login: np.ndarray,
    sh_logout: np.ndarray,
    sh_drain: np.ndarray,
    sh_first_act: np.ndarray,
    act_agent: np.ndarray,
    act_start: np.ndarray,
    act_duration: np.ndarray,
    act_reason: np.ndarray,
    drain_s: float,
    end_s: float,
    close_at_end: bool,
    answered: np.ndarray,
    ended: np.ndarray,
    agent_of: np.ndarray,
    outcome: np.ndarray,
    talk: np.ndarray,
    seg_i: np.ndarray,
    seg_f: np.ndarray,
) -> tuple[int, int]:
    """Simulate the floor until ``end_s``; returns (events processed, segments written).

    Contacts (seconds): ``arrival`` (contacts ``[0, n_first)`` arrive on their own in
    time order; the others are transfer legs, written here when their parent ends),
    ``queue``, ``patience`` (``inf`` = never abandons), ``handle`` talk time at speed 1,
    ``hold`` and ``wrapup`` (after the talk), ``ring`` offer-to-answer delay, ``child``
    transfer leg that arrives when this one's talk and hold end (-1 = none).
    Queues: ``session`` (chat-like: several at once up to ``capacity``), ``deferred``
    (taken only when no real-time contact of the agent's queues waits), ``timeout``
    (waits reaching it end as TIMEOUT, e.g. voicemail; 0 = none). Agents:
    ``speed[a, q]`` talk-time multiplier (0 = does not serve q); ``whole_seconds``
    rounds each talk time to whole seconds (at least 1), as platforms record it.
    Shifts: agent, log-in, log-out, drain (stays up to ``drain_s`` past log-out to clear
    real-time contacts), ``sh_first_act`` (n_shifts + 1) the range of each shift's
    not-ready blocks: agent, start, duration, reason code (>= 0).

    ``close_at_end``: states still open at ``end_s`` are written as ending there (else
    left out). A session's wrap-up (if any) keeps its slot, shown as on contact.

    Outputs written in place: per contact ``answered``, ``ended`` (NaN unknown), agent
    (-1), outcome (-1, ANSWERED, ABANDONED, TIMEOUT, TRANSFERRED), ``talk`` seconds;
    state segments ``seg_i[k] = (agent, state, reason or -1)``, ``seg_f[k] = (start, end)``.
    """
    n = queue.shape[0]
    n_q = session.shape[0]
    n_a = speed.shape[0]
    n_sh = sh_agent.shape[0]
    n_act = act_agent.shape[0]

    # Agents per queue and queues per agent (index lists).
    qa_start = np.zeros(n_q + 1, np.int64)
    for q in range(n_q):
        cnt = 0
        for a in range(n_a):
            if speed[a, q] > 0.0:
                cnt += 1
        qa_start[q + 1] = qa_start[q] + cnt
    qa_list = np.empty(qa_start[n_q], np.int64)
    for q in range(n_q):
        k = qa_start[q]
        for a in range(n_a):
            if speed[a, q] > 0.0:
                qa_list[k] = a
                k += 1
    aq_start = np.zeros(n_a + 1, np.int64)
    for a in range(n_a):
        cnt = 0
        for q in range(n_q):
            if speed[a, q] > 0.0:
                cnt += 1
        aq_start[a + 1] = aq_start[a] + cnt
    aq_list = np.empty(aq_start[n_a], np.int64)
    for a in range(n_a):
        k = aq_start[a]
        for q in range(n_q):
            if speed[a, q] > 0.0:
                aq_list[k] = q
                k += 1

    status = np.zeros(n, np.int8)
    link = np.full(n, -1, np.int64)
    qh = np.full((n_q, 2), -1, np.int64)
    for c in range(n):
        answered[c] = np.nan
        ended[c] = np.nan
        agent_of[c] = -1
        outcome[c] = -1
        talk[c] = np.nan
        if c >= n_first:
            arrival[c] = np.nan

    AI = np.zeros((n_a, 11), np.int64)
    AF = np.zeros((n_a, 3), np.float64)
    for a in range(n_a):
        AI[a, _NR] = -1
        AI[a, _STATE] = -1
        AI[a, _REASON] = -1
        AI[a, _PHEAD] = -1
        AI[a, _PTAIL] = -1
    # Every event ever scheduled fits: per contact at most an abandon, an arrival (transfer
    # legs), a free or session answer, and a session end; per block a start and an end.
    cap = 4 * n + 2 * n_sh + 2 * n_act + 16
    ht = np.empty(cap, np.float64)
    hs = np.empty(cap, np.int64)
    hx = np.empty((cap, 3), np.int64)
    P = np.empty((n_act + n_sh + 16, 2), np.int64)
    PF = np.empty(n_act + n_sh + 16, np.float64)
    S = np.zeros(4, np.int64)

    # Scheduled in shift order (log-in, its blocks, log-off): same-instant ties run so.
    for s in range(n_sh):
        _push(ht, hs, hx, S, sh_login[s], _LOGIN, sh_agent[s], s)
        for b in range(sh_first_act[s], sh_first_act[s + 1]):
            _push(ht, hs, hx, S, act_start[b], _NR_START, act_agent[b], b)
        _push(ht, hs, hx, S, sh_logout[s], _LOGOUT, sh_agent[s], s)

    events = 0
    pointer = 0
    while True:
        t_e = ht[0] if S[_HSIZE] > 0 else np.inf
        t_a = arrival[pointer] if pointer < n_first else np.inf
        t = min(t_e, t_a)
        if t > end_s or t == np.inf:
            break
        events += 1
        # (kind, x, y) of the event; an arrival is handled as _ARRIVE.
        if t_a < t_e:
            kind = _ARRIVE
            x = pointer
            y = 0
            pointer += 1
        else:
            kind = hx[0, 0]
            x = hx[0, 1]
            y = hx[0, 2]
            _pop(ht, hs, hx, S)

        ready_agent = -1  # agent to run "become ready" for after this event
        drain_agent = -1  # agent whose log-off may wait for draining

        if kind == _ARRIVE:
            c = x
            q = queue[c]
            status[c] = _WAITING
            best = -1
            for k in range(qa_start[q], qa_start[q + 1]):
                a = qa_list[k]
                if AI[a, _LOGGED] == 0 or AI[a, _EXCL] != 0 or AI[a, _NR] >= 0 or AI[a, _PHEAD] >= 0:
                    continue
                if session[q]:
                    if AI[a, _SESS] >= capacity[q]:
                        continue
                elif AI[a, _SESS] > 0:
                    continue
                if (
                    best < 0
                    or AI[a, _SESS] < AI[best, _SESS]
                    or (AI[a, _SESS] == AI[best, _SESS] and AF[a, _READY] < AF[best, _READY])
                ):
                    best = a
            if best >= 0:
                _assign(
                    c,
                    best,
                    t,
                    queue,
                    handle,
                    hold,
                    wrapup,
                    ring,
                    child,
                    session,
                    speed,
                    whole_seconds,
                    arrival,
                    status,
                    answered,
                    ended,
                    agent_of,
                    outcome,
                    talk,
                    AI,
                    AF,
                    seg_i,
                    seg_f,
                    S,
                    ht,
                    hs,
                    hx,
                )
            else:
                if qh[q, 0] < 0:
                    qh[q, 0] = c
                else:
                    link[qh[q, 1]] = c
                qh[q, 1] = c
                limit = timeout[q]
                if limit > 0.0 and patience[c] >= limit:
                    _push(ht, hs, hx, S, t + limit, _ABANDON, c, TIMEOUT)
                elif patience[c] < np.inf:
                    _push(ht, hs, hx, S, t + patience[c], _ABANDON, c, ABANDONED)
        elif kind == _FREE:
            AI[x, _EXCL] = 0
            ready_agent = x
        elif kind == _ABANDON:
            if status[x] == _WAITING:
                status[x] = _GONE
                ended[x] = t
                outcome[x] = y
        elif kind == _SESSION_ANSWER:
            AI[x, _ACTIVE] += 1
            if AI[x, _ACTIVE] == 1:
                _set_state(x, t, ON_CONTACT, -1, AI, AF, seg_i, seg_f, S)
            ended[y] = t + talk[y]
            _push(ht, hs, hx, S, t + talk[y] + wrapup[y], _SESSION_END, x, y)
        elif kind == _SESSION_END:
            AI[x, _ACTIVE] -= 1
            AI[x, _SESS] -= 1
            if AI[x, _ACTIVE] == 0:
                _set_state(x, t, AVAILABLE, -1, AI, AF, seg_i, seg_f, S)
            ready_agent = x
        elif kind == _NR_START:
            if AI[x, _LOGGED] != 0:
                if AI[x, _NR] >= 0 or AI[x, _EXCL] != 0 or AI[x, _SESS] > 0:
                    _pending_push(x, act_reason[y], act_duration[y], AI, P, PF, S)
                else:
                    _start_not_ready(
                        x, t, act_reason[y], act_duration[y], AI, AF, seg_i, seg_f, S, ht, hs, hx
                    )
        elif kind == _NR_END:
            if y == AI[x, _TOKEN] and AI[x, _LOGGED] != 0:
                AI[x, _NR] = -1
                ready_agent = x
        elif kind == _LOGIN:
            AI[x, _LOGGED] = 1
            AF[x, _LOGOUT_AT] = sh_logout[y]
            AI[x, _DRAINS] = 1 if sh_drain[y] else 0
            AI[x, _PHEAD] = -1
            AI[x, _PTAIL] = -1
            AI[x, _NR] = -1
            AF[x, _READY] = t
            ready_agent = x
        elif kind == _LOGOUT and AI[x, _LOGGED] != 0:
            drain_agent = x

        if drain_agent >= 0:
            a = drain_agent
            busy = AI[a, _EXCL] != 0 or AI[a, _SESS] > 0
            if busy or (
                AI[a, _DRAINS] != 0
                and AI[a, _NR] < 0
                and _try_work(
                    a,
                    t,
                    True,
                    aq_start,
                    aq_list,
                    qh,
                    link,
                    queue,
                    handle,
                    hold,
                    wrapup,
                    ring,
                    child,
                    session,
                    deferred,
                    capacity,
                    speed,
                    whole_seconds,
                    arrival,
                    status,
                    answered,
                    ended,
                    agent_of,
                    outcome,
                    talk,
                    AI,
                    AF,
                    seg_i,
                    seg_f,
                    S,
                    ht,
                    hs,
                    hx,
                )
            ):
                _pending_push(a, _LOGOUT_MARK, 0.0, AI, P, PF, S)
            else:
                _log_out(a, t, AI, AF, seg_i, seg_f, S)

        if ready_agent >= 0:
            a = ready_agent
            if AI[a, _PHEAD] >= 0:
                if AI[a, _SESS] == 0:
                    node = AI[a, _PHEAD]
                    why = P[node, 0]
                    if why == _LOGOUT_MARK:
                        if (
                            AI[a, _DRAINS] != 0
                            and t < AF[a, _LOGOUT_AT] + drain_s
                            and _try_work(
                                a,
                                t,
                                True,
                                aq_start,
                                aq_list,
                                qh,
                                link,
                                queue,
                                handle,
                                hold,
                                wrapup,
                                ring,
                                child,
                                session,
                                deferred,
                                capacity,
                                speed,
                                whole_seconds,
                                arrival,
                                status,
                                answered,
                                ended,
                                agent_of,
                                outcome,
                                talk,
                                AI,
                                AF,
                                seg_i,
                                seg_f,
                                S,
                                ht,
                                hs,
                                hx,
                            )
                        ):
                            pass  # still clearing the queue; the log-off stays pending
                        else:
                            _log_out(a, t, AI, AF, seg_i, seg_f, S)
                    else:
                        AI[a, _PHEAD] = P[node, 1]
                        if AI[a, _PHEAD] < 0:
                            AI[a, _PTAIL] = -1
                        _start_not_ready(a, t, why, PF[node], AI, AF, seg_i, seg_f, S, ht, hs, hx)
            elif not _try_work(
                a,
                t,
                False,
                aq_start,
                aq_list,
                qh,
                link,
                queue,
                handle,
                hold,
                wrapup,
                ring,
                child,
                session,
                deferred,
                capacity,
                speed,
                whole_seconds,
                arrival,
                status,
                answered,
                ended,
                agent_of,
                outcome,
                talk,
                AI,
                AF,
                seg_i,
                seg_f,
                S,
                ht,
                hs,
                hx,
            ):
                if AI[a, _SESS] == 0 or AI[a, _ACTIVE] == 0:
                    _set_state(a, t, AVAILABLE, -1, AI, AF, seg_i, seg_f, S)
                if AI[a, _SESS] == 0:
                    AF[a, _READY] = t
    if close_at_end:
        for a in range(n_a):
            if AI[a, _STATE] >= 0 and AF[a, _SINCE] < end_s:
                _set_state(a, end_s, -1, -1, AI, AF, seg_i, seg_f, S)
    return events, S[_NSEG]


@njit(cache=True)
def _log_out(
    a: int, t: float, AI: np.ndarray, AF: np.ndarray, seg_i: np.ndarray, seg_f: np.ndarray, S: np.ndarray
) -> None:
    _set_state(a, t, -1, -1, AI, AF, seg_i, seg_f, S)
    AI[a, _LOGGED] = 0
    AI[a, _NR] = -1
    AI[a, _TOKEN] += 1
    AI[a, _PHEAD] = -1
    AI[a, _PTAIL] = -1


@njit(cache=True)
def _start_not_ready(
    a: int,
    t: float,
    why: int,
    duration: float,
    AI: np.ndarray,
    AF: np.ndarray,
    seg_i: np.ndarray,
    seg_f: np.ndarray,
    S: np.ndarray,
    ht: np.ndarray,
    hs: np.ndarray,
    hx: np.ndarray,
) -> None:
    AI[a, _NR] = why
    AI[a, _TOKEN] += 1
    _set_state(a, t, NOT_READY, why, AI, AF, seg_i, seg_f, S)
    _push(ht, hs, hx, S, t + duration, _NR_END, a, AI[a, _TOKEN])


@njit(cache=True)
def _assign(
    c: int,
    a: int,
    t: float,
    queue: np.ndarray,
    handle: np.ndarray,
    hold: np.ndarray,
    wrapup: np.ndarray,
    ring: np.ndarray,
    child: np.ndarray,
    session: np.ndarray,
    speed: np.ndarray,
    whole_seconds: bool,
    arrival: np.ndarray,
    status: np.ndarray,
    answered: np.ndarray,
    ended: np.ndarray,
    agent_of: np.ndarray,
    outcome: np.ndarray,
    talk: np.ndarray,
    AI: np.ndarray,
    AF: np.ndarray,
    seg_i: np.ndarray,
    seg_f: np.ndarray,
    S: np.ndarray,
    ht: np.ndarray,
    hs: np.ndarray,
    hx: np.ndarray,
) -> None:
    """Agent ``a`` takes contact ``c`` at ``t``: it rings, is answered, talked and wrapped."""
    q = queue[c]
    status[c] = _SERVED
    agent_of[c] = a
    ans = t + ring[c]
    answered[c] = ans
    length = handle[c] * speed[a, q]
    if whole_seconds:
        length = max(1.0, float(round(length)))
    talk[c] = length
    if session[q]:
        if AI[a, _ACTIVE] == 0:
            _set_state(a, t, AVAILABLE, -1, AI, AF, seg_i, seg_f, S)  # ringing: still available
        AI[a, _SESS] += 1
        AF[a, _READY] = t
        outcome[c] = ANSWERED
        _push(ht, hs, hx, S, ans, _SESSION_ANSWER, a, c)
    else:
        # Nothing interrupts an exclusive contact, so its states are written now.
        AI[a, _EXCL] = 1
        finish = ans + length + hold[c]
        ended[c] = finish
        _set_state(a, t, AVAILABLE, -1, AI, AF, seg_i, seg_f, S)
        _set_state(a, ans, ON_CONTACT, -1, AI, AF, seg_i, seg_f, S)
        _set_state(a, finish, WRAP_UP, -1, AI, AF, seg_i, seg_f, S)
        _push(ht, hs, hx, S, finish + wrapup[c], _FREE, a, 0)
        nxt = child[c]
        if nxt >= 0:
            outcome[c] = TRANSFERRED
            arrival[nxt] = finish
            _push(ht, hs, hx, S, finish, _ARRIVE, nxt, 0)
        else:
            outcome[c] = ANSWERED


@njit(cache=True)
def _try_work(
    a: int,
    t: float,
    realtime_only: bool,
    aq_start: np.ndarray,
    aq_list: np.ndarray,
    qh: np.ndarray,
    link: np.ndarray,
    queue: np.ndarray,
    handle: np.ndarray,
    hold: np.ndarray,
    wrapup: np.ndarray,
    ring: np.ndarray,
    child: np.ndarray,
    session: np.ndarray,
    deferred: np.ndarray,
    capacity: np.ndarray,
    speed: np.ndarray,
    whole_seconds: bool,
    arrival: np.ndarray,
    status: np.ndarray,
    answered: np.ndarray,
    ended: np.ndarray,
    agent_of: np.ndarray,
    outcome: np.ndarray,
    talk: np.ndarray,
    AI: np.ndarray,
    AF: np.ndarray,
    seg_i: np.ndarray,
    seg_f: np.ndarray,
    S: np.ndarray,
    ht: np.ndarray,
    hs: np.ndarray,
    hx: np.ndarray,
) -> bool:
    """Agent ``a`` takes waiting work, if any: the longest-waiting real-time contact of its
    queues, else (unless ``realtime_only``) the longest-waiting deferred one; once a session
    is open, further sessions up to the concurrency. True if it took anything."""
    took = False
    if AI[a, _SESS] == 0:
        best = -1
        for k in range(aq_start[a], aq_start[a + 1]):
            q = aq_list[k]
            if deferred[q]:
                continue
            c = _head(q, qh, link, status)
            if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                best = c
        if best < 0 and not realtime_only:
            for k in range(aq_start[a], aq_start[a + 1]):
                q = aq_list[k]
                if not deferred[q]:
                    continue
                c = _head(q, qh, link, status)
                if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                    best = c
        if best < 0:
            return False
        _take_head(queue[best], best, qh, link)
        _assign(
            best,
            a,
            t,
            queue,
            handle,
            hold,
            wrapup,
            ring,
            child,
            session,
            speed,
            whole_seconds,
            arrival,
            status,
            answered,
            ended,
            agent_of,
            outcome,
            talk,
            AI,
            AF,
            seg_i,
            seg_f,
            S,
            ht,
            hs,
            hx,
        )
        took = True
        if AI[a, _SESS] == 0:
            return True
    while True:
        best = -1
        for k in range(aq_start[a], aq_start[a + 1]):
            q = aq_list[k]
            if not session[q] or AI[a, _SESS] >= capacity[q]:
                continue
            c = _head(q, qh, link, status)
            if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                best = c
        if best < 0:
            return took
        _take_head(queue[best], best, qh, link)
        _assign(
            best,
            a,
            t,
            queue,
            handle,
            hold,
            wrapup,
            ring,
            child,
            session,
            speed,
            whole_seconds,
            arrival,
            status,
            answered,
            ended,
            agent_of,
            outcome,
            talk,
            AI,
            AF,
            seg_i,
            seg_f,
            S,
            ht,
            hs,
            hx,
        )
        took = True
