"""The discrete-event core of the contact-center simulator, compiled with numba.

One call simulates one replication from pre-drawn contacts (arrival instant, queue,
handle time, wrap-up, patience) and a staffing curve, and writes each contact's outcome
and the agent groups' busy and idle seconds per interval. Everything random is drawn
before the call (numpy Generator, see ``engine.py``), so this loop is deterministic.

State:
- contacts ``0..n-1`` arrive in time order; queue ``q`` keeps its contacts in arrival
  order (``qbuf[qstart[q]:qstart[q+1]]``); a head pointer skips contacts that have left;
- agents of group ``g`` are ``gstart[g]..gstart[g+1]-1``; agents with a free session slot
  who are on duty form one doubly linked list per group, ordered by the instant they last
  became available (front = longest idle);
- a binary heap of future events: a session ends (agent), a contact's patience runs out,
  a contact becomes eligible for an overflow group.

Events at the same instant run in this order: interval boundary (staffing change), session
end, overflow, abandon, arrival. So an agent who frees at t takes a contact arriving at t,
and a contact whose patience ends exactly when an agent frees is answered.
"""

from __future__ import annotations

import numpy as np
from numba import njit

WAITING = 0
ANSWERED = 1
ABANDONED = 2
NOT_ARRIVED = 3

EV_END = 0
EV_OVERFLOW = 1
EV_ABANDON = 2


@njit(cache=True)
def _less(ht: np.ndarray, hp: np.ndarray, i: int, j: int) -> bool:
    if ht[i] < ht[j]:
        return True
    if ht[i] > ht[j]:
        return False
    return bool((hp[i] & 3) < (hp[j] & 3))


@njit(cache=True)
def _push(ht: np.ndarray, hp: np.ndarray, size: int, t: float, payload: int) -> int:
    i = size
    ht[i] = t
    hp[i] = payload
    while i > 0:
        parent = (i - 1) >> 1
        if _less(ht, hp, i, parent):
            ht[i], ht[parent] = ht[parent], ht[i]
            hp[i], hp[parent] = hp[parent], hp[i]
            i = parent
        else:
            break
    return size + 1


@njit(cache=True)
def _pop(ht: np.ndarray, hp: np.ndarray, size: int) -> int:
    size -= 1
    ht[0] = ht[size]
    hp[0] = hp[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        best = left
        right = left + 1
        if right < size and _less(ht, hp, right, left):
            best = right
        if _less(ht, hp, best, i):
            ht[i], ht[best] = ht[best], ht[i]
            hp[i], hp[best] = hp[best], hp[i]
            i = best
        else:
            break
    return size


@njit(cache=True)
def _spread(acc: np.ndarray, g: int, t0: float, t1: float, interval_s: float) -> None:
    """Add the seconds of [t0, t1) to ``acc[g, interval]`` for each interval they cover."""
    n_int = acc.shape[1]
    while t1 > t0:
        i = int(t0 // interval_s)
        if i >= n_int:
            return
        end = (i + 1) * interval_s
        stop = t1 if t1 < end else end
        acc[g, i] += stop - t0
        t0 = stop


@njit(cache=True)
def _account(
    a: int,
    t: float,
    ag: np.ndarray,
    sessions: np.ndarray,
    on_duty: np.ndarray,
    leaving: np.ndarray,
    last: np.ndarray,
    busy: np.ndarray,
    idle: np.ndarray,
    interval_s: float,
) -> None:
    """Close agent ``a``'s current state at ``t``: busy if any session (or wrap-up) is open,
    idle if on duty with none, nothing if off duty."""
    if sessions[a] > 0:
        _spread(busy, ag[a], last[a], t, interval_s)
    elif on_duty[a] and not leaving[a]:
        _spread(idle, ag[a], last[a], t, interval_s)
    last[a] = t


@njit(cache=True)
def _list_remove(
    a: int, g: int, prev: np.ndarray, nxt: np.ndarray, head: np.ndarray, tail: np.ndarray, in_list: np.ndarray
) -> None:
    p = prev[a]
    n = nxt[a]
    if p >= 0:
        nxt[p] = n
    else:
        head[g] = n
    if n >= 0:
        prev[n] = p
    else:
        tail[g] = p
    prev[a] = -1
    nxt[a] = -1
    in_list[a] = False


@njit(cache=True)
def _list_append(
    a: int, g: int, prev: np.ndarray, nxt: np.ndarray, head: np.ndarray, tail: np.ndarray, in_list: np.ndarray
) -> None:
    t = tail[g]
    prev[a] = t
    nxt[a] = -1
    if t >= 0:
        nxt[t] = a
    else:
        head[g] = a
    tail[g] = a
    in_list[a] = True


@njit(cache=True, nogil=True)
def simulate_replication(
    arr_t: np.ndarray,
    arr_q: np.ndarray,
    handle: np.ndarray,
    wrapup: np.ndarray,
    patience: np.ndarray,
    qstart: np.ndarray,
    qbuf: np.ndarray,
    level: np.ndarray,
    delay: np.ndarray,
    q_priority: np.ndarray,
    skill_first: bool,
    gstart: np.ndarray,
    concurrency: np.ndarray,
    staffing: np.ndarray,
    interval_s: float,
    end_s: float,
    state: np.ndarray,
    wait: np.ndarray,
    served_by: np.ndarray,
    agent_of: np.ndarray,
    busy: np.ndarray,
    idle: np.ndarray,
) -> int:
    """Simulate one replication; returns the number of events processed.

    Inputs (seconds throughout): ``arr_t`` sorted arrival instants, ``arr_q`` queue index,
    ``handle`` and ``wrapup`` per contact, ``patience`` per contact (``inf`` = never
    abandons); ``qstart``/``qbuf`` the contacts of each queue in arrival order;
    ``level[g, q]`` skill level of group g for queue q (1 = primary, 0 = no skill);
    ``delay[g, q]`` seconds a contact of q must have waited before group g may take it
    (overflow); ``q_priority[q]`` larger = served first; ``skill_first``: an agent who
    frees picks by skill level then queue priority (else priority then level);
    ``gstart`` agent index ranges per group; ``concurrency[g]`` sessions an agent holds;
    ``staffing[g, i]`` agents on duty in interval i; ``end_s`` when the run stops.

    Outputs written in place: ``state`` (WAITING / ANSWERED / ABANDONED / NOT_ARRIVED),
    ``wait`` (seconds to answer or abandon; for still waiting, to ``end_s``),
    ``served_by`` (group or -1), ``agent_of`` (agent index or -1), ``busy``/``idle``
    seconds per group and interval.
    """
    n = arr_t.shape[0]
    n_q = qstart.shape[0] - 1
    n_g = gstart.shape[0] - 1
    n_agents = gstart[n_g]
    n_int = staffing.shape[1]

    ag = np.empty(n_agents, np.int64)
    for g in range(n_g):
        for a in range(gstart[g], gstart[g + 1]):
            ag[a] = g
    sessions = np.zeros(n_agents, np.int64)
    on_duty = np.zeros(n_agents, np.bool_)
    leaving = np.zeros(n_agents, np.bool_)
    last = np.zeros(n_agents, np.float64)
    idle_since = np.zeros(n_agents, np.float64)
    prev = np.full(n_agents, -1, np.int64)
    nxt = np.full(n_agents, -1, np.int64)
    in_list = np.zeros(n_agents, np.bool_)
    lhead = np.full(n_g, -1, np.int64)
    ltail = np.full(n_g, -1, np.int64)
    order = np.empty(n_agents + 1, np.int64)
    qhead = qstart[:-1].copy()
    qtail = qstart[:-1].copy()

    max_conc = 1
    for g in range(n_g):
        if concurrency[g] > max_conc:
            max_conc = concurrency[g]
    n_over = 0
    for g in range(n_g):
        for q in range(n_q):
            if level[g, q] > 0 and delay[g, q] > 0.0:
                n_over += 1
    cap = n * (2 + min(n_over, n_g)) + n_agents * max_conc + 16
    ht = np.empty(cap, np.float64)
    hp = np.empty(cap, np.int64)
    hsize = 0

    for c in range(n):
        state[c] = NOT_ARRIVED
        served_by[c] = -1
        agent_of[c] = -1
        wait[c] = 0.0

    events = 0
    next_arrival = 0
    boundary = 0  # index of the next interval boundary to apply
    now = 0.0

    while True:
        # Which source is next: boundary, heap, arrival (ties in that order).
        t_b = boundary * interval_s if boundary < n_int else np.inf
        t_h = ht[0] if hsize > 0 else np.inf
        t_a = arr_t[next_arrival] if next_arrival < n else np.inf
        t = min(t_b, t_h, t_a)
        if t > end_s or t == np.inf:
            break
        now = t
        events += 1
        freed_group = -1
        freed_agent = -1

        if t_b <= t_h and t_b <= t_a:
            i = boundary
            boundary += 1
            for g in range(n_g):
                target = staffing[g, i]
                count = 0
                for a in range(gstart[g], gstart[g + 1]):
                    if on_duty[a] and not leaving[a]:
                        count += 1
                # Fewer needed: idle agents go first (the most recently freed), then busy
                # agents are flagged to leave once their open sessions end.
                while count > target and ltail[g] >= 0:
                    a = ltail[g]
                    _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                    _list_remove(a, g, prev, nxt, lhead, ltail, in_list)
                    if sessions[a] > 0:
                        leaving[a] = True
                    else:
                        on_duty[a] = False
                    count -= 1
                a = gstart[g + 1] - 1
                while count > target and a >= gstart[g]:
                    if on_duty[a] and not leaving[a]:
                        _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                        leaving[a] = True
                        count -= 1
                    a -= 1
                # More needed: call back agents still finishing, then bring fresh ones on.
                a = gstart[g]
                while count < target and a < gstart[g + 1]:
                    if on_duty[a] and leaving[a]:
                        _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                        leaving[a] = False
                        count += 1
                        if sessions[a] < concurrency[g]:
                            idle_since[a] = now
                            _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                    a += 1
                a = gstart[g]
                while count < target and a < gstart[g + 1]:
                    if not on_duty[a]:
                        _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                        on_duty[a] = True
                        count += 1
                        idle_since[a] = now
                        _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                    a += 1
            freed_group = -2  # every group may now pull waiting contacts
        elif t_h <= t_a:
            payload = hp[0]
            hsize = _pop(ht, hp, hsize)
            kind = payload & 3
            ident = payload >> 2
            if kind == EV_END:
                a = ident
                g = ag[a]
                _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                sessions[a] -= 1
                if leaving[a]:
                    if sessions[a] == 0:
                        leaving[a] = False
                        on_duty[a] = False
                elif on_duty[a]:
                    if in_list[a]:
                        _list_remove(a, g, prev, nxt, lhead, ltail, in_list)
                    idle_since[a] = now
                    _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                    freed_agent = a
            elif kind == EV_ABANDON:
                c = ident
                if state[c] == WAITING:
                    state[c] = ABANDONED
                    wait[c] = now - arr_t[c]
            else:  # overflow: contact c may now go to group g
                c = ident // n_g
                g = ident % n_g
                if state[c] == WAITING and lhead[g] >= 0:
                    a = lhead[g]
                    q = arr_q[c]
                    _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                    _list_remove(a, g, prev, nxt, lhead, ltail, in_list)
                    sessions[a] += 1
                    if sessions[a] < concurrency[g]:
                        _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                    state[c] = ANSWERED
                    wait[c] = now - arr_t[c]
                    served_by[c] = g
                    agent_of[c] = a
                    hsize = _push(ht, hp, hsize, now + handle[c] + wrapup[c], a * 4 + EV_END)
        else:
            c = next_arrival
            next_arrival += 1
            q = arr_q[c]
            qtail[q] += 1
            # Best idle agent among groups that take q at once: skill level, then longest idle.
            best_a = -1
            best_lvl = 1 << 30
            best_since = np.inf
            for g in range(n_g):
                lv = level[g, q]
                if lv > 0 and delay[g, q] <= 0.0 and lhead[g] >= 0:
                    a = lhead[g]
                    if lv < best_lvl or (lv == best_lvl and idle_since[a] < best_since):
                        best_a = a
                        best_lvl = lv
                        best_since = idle_since[a]
            if best_a >= 0:
                a = best_a
                g = ag[a]
                _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                _list_remove(a, g, prev, nxt, lhead, ltail, in_list)
                sessions[a] += 1
                if sessions[a] < concurrency[g]:
                    _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                state[c] = ANSWERED
                wait[c] = 0.0
                served_by[c] = g
                agent_of[c] = a
                hsize = _push(ht, hp, hsize, now + handle[c] + wrapup[c], a * 4 + EV_END)
            else:
                state[c] = WAITING
                if patience[c] < np.inf:
                    hsize = _push(ht, hp, hsize, now + patience[c], c * 4 + EV_ABANDON)
                for g in range(n_g):
                    if level[g, q] > 0 and delay[g, q] > 0.0 and delay[g, q] < patience[c]:
                        hsize = _push(ht, hp, hsize, now + delay[g, q], (c * n_g + g) * 4 + EV_OVERFLOW)

        # Agents with a free slot pull waiting contacts (one freed agent, or all after a
        # staffing change).
        if freed_agent >= 0 or freed_group == -2:
            n_order = 0
            if freed_group == -2:
                # Longest-idle first within each group.
                for g in range(n_g):
                    a = lhead[g]
                    while a >= 0:
                        order[n_order] = a
                        n_order += 1
                        a = nxt[a]
            else:
                order[0] = freed_agent
                n_order = 1
            for k in range(n_order):
                a = order[k]
                g = ag[a]
                while in_list[a]:
                    best_q = -1
                    best_c = -1
                    for q in range(n_q):
                        lv = level[g, q]
                        if lv <= 0:
                            continue
                        h = qhead[q]
                        while h < qtail[q] and state[qbuf[h]] != WAITING:
                            h += 1
                        qhead[q] = h
                        if h >= qtail[q]:
                            continue
                        c = qbuf[h]
                        if now - arr_t[c] < delay[g, q] - 1e-7:
                            continue
                        if best_q < 0:
                            best_q = q
                            best_c = c
                            continue
                        blv = level[g, best_q]
                        if skill_first:
                            better = lv < blv or (
                                lv == blv
                                and (
                                    q_priority[q] > q_priority[best_q]
                                    or (q_priority[q] == q_priority[best_q] and arr_t[c] < arr_t[best_c])
                                )
                            )
                        else:
                            better = q_priority[q] > q_priority[best_q] or (
                                q_priority[q] == q_priority[best_q]
                                and (lv < blv or (lv == blv and arr_t[c] < arr_t[best_c]))
                            )
                        if better:
                            best_q = q
                            best_c = c
                    if best_c < 0:
                        break
                    c = best_c
                    _account(a, now, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
                    _list_remove(a, g, prev, nxt, lhead, ltail, in_list)
                    sessions[a] += 1
                    if sessions[a] < concurrency[g]:
                        _list_append(a, g, prev, nxt, lhead, ltail, in_list)
                    state[c] = ANSWERED
                    wait[c] = now - arr_t[c]
                    served_by[c] = g
                    agent_of[c] = a
                    hsize = _push(ht, hp, hsize, now + handle[c] + wrapup[c], a * 4 + EV_END)

    for a in range(n_agents):
        _account(a, end_s, ag, sessions, on_duty, leaving, last, busy, idle, interval_s)
    for c in range(n):
        if state[c] == WAITING:
            wait[c] = end_s - arr_t[c]
    return events
