"""Discrete-event simulation of the demo floor: contacts queue FIFO per queue, agents log
in and out by their shifts, take breaks, and pick up work. Pure; plain Python on a heap.

Routing is what a typical ACD does:
* an arriving contact goes to the longest-idle agent with the skill (for chat, the agent
  with the fewest open sessions);
* an agent who becomes free takes the longest-waiting contact among its real-time
  queues (voice, chat); e-mail is deferred work, taken only when no real-time contact
  waits, so that it fills idle time rather than starving the phones;
* a break or log-off that falls while the agent is busy waits until the contact and its
  wrap-up are finished ("pending not-ready"), and agents on the closing shift stay a
  little to clear the calls still queued.

Agent states are recorded as they change, so they tile each logged-in period exactly;
an exclusive contact's future (on_contact, then wrap_up) is written when it is
answered, because nothing can interrupt it.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

from floorwalker.demo._roster import Shift

# Agent states, in the order of floorwalker.contacts.models.AGENT_STATES minus logged_out.
AVAILABLE, ON_CONTACT, WRAP_UP, NOT_READY = 0, 1, 2, 3
STATE_NAMES = ("available", "on_contact", "wrap_up", "not_ready")
REASONS = ("break", "lunch", "meeting", "training", "coaching", "system")

# Contact status and outcome codes.
NOT_ARRIVED, WAITING, SERVED, GONE = 0, 1, 2, 3
ANSWERED, ABANDONED, TIMEOUT, TRANSFERRED = 0, 1, 2, 3
OUTCOME_NAMES = ("answered", "abandoned", "timeout", "transferred")

# Event kinds.
_FREE, _CHAT_ANSWER, _CHAT_END, _ABANDON, _NR_END, _LOGIN, _NR_START, _LOGOUT, _ARRIVE = range(9)
_LOGOUT_MARK = -1
DRAIN_LIMIT_S = 1200  # closing-shift agents stay at most this long to clear the queue


@dataclass
class SimContacts:
    """Inputs per contact leg (index = leg); children (transfer legs) have arrival -1
    until their parent is transferred."""

    arrival_s: list[int]
    queue: list[int]
    patience_s: list[int]
    talk_s: list[float]  # at proficiency 4
    hold_s: list[int]
    wrap_s: list[int]
    ring_s: list[int]
    child: list[int]  # leg that follows a transfer, -1 for none
    n_original: int  # legs [0, n_original) arrive on their own, in arrival order


@dataclass
class SimQueue:
    channel: str
    concurrency: int
    timeout_s: int  # waits this long end as a timeout (voicemail); 0 = none


@dataclass
class SimAgent:
    queues: tuple[int, ...]
    speed: dict[int, float]  # talk-time multiplier per queue served
    proficiency: dict[int, int] = field(default_factory=dict)  # 1–5 per queue served


@dataclass
class SimResult:
    answered_s: list[int]
    ended_s: list[int]
    agent: list[int]
    outcome: list[int]  # -1 = not arrived or not finished by the end
    talk_s: list[int]
    arrival_s: list[int]
    seg_agent: list[int] = field(default_factory=list)
    seg_state: list[int] = field(default_factory=list)
    seg_reason: list[int] = field(default_factory=list)
    seg_start: list[int] = field(default_factory=list)
    seg_end: list[int] = field(default_factory=list)


def simulate(
    contacts: SimContacts,
    queues: list[SimQueue],
    agents: list[SimAgent],
    shifts: list[Shift],
    end_s: int,
) -> SimResult:
    """Run the floor from the first event to ``end_s`` (simulation seconds)."""
    n = len(contacts.queue)
    arrival = list(contacts.arrival_s)
    queue_of = contacts.queue
    status = [NOT_ARRIVED] * n
    result = SimResult(
        answered_s=[-1] * n,
        ended_s=[-1] * n,
        agent=[-1] * n,
        outcome=[-1] * n,
        talk_s=[-1] * n,
        arrival_s=arrival,
    )
    answered, ended, agent_of, outcome, talk_of = (
        result.answered_s,
        result.ended_s,
        result.agent,
        result.outcome,
        result.talk_s,
    )
    seg_agent, seg_state, seg_reason = result.seg_agent, result.seg_state, result.seg_reason
    seg_start, seg_end = result.seg_start, result.seg_end

    is_chat = [q.channel == "chat" for q in queues]
    is_email = [q.channel == "email" for q in queues]
    capacity = [q.concurrency for q in queues]
    waiting: list[deque[int]] = [deque() for _ in queues]
    idle: list[dict[int, tuple[int, int]]] = [{} for _ in queues]

    n_agents = len(agents)
    served = [a.queues for a in agents]
    realtime = [tuple(q for q in a.queues if not is_email[q]) for a in agents]
    chats = [tuple(q for q in a.queues if is_chat[q]) for a in agents]
    emails = [tuple(q for q in a.queues if is_email[q]) for a in agents]
    speed = [a.speed for a in agents]
    logged = [False] * n_agents
    exclusive = [False] * n_agents
    sessions = [0] * n_agents  # chats assigned (ringing or open)
    active = [0] * n_agents  # chats answered and open
    not_ready = [-1] * n_agents  # reason code while in not-ready
    nr_token = [0] * n_agents
    pending: list[list[tuple[int, int]]] = [[] for _ in range(n_agents)]
    ready_since = [0] * n_agents
    state = [-1] * n_agents
    reason = [-1] * n_agents
    since = [0] * n_agents
    logout_at = [0] * n_agents
    drains = [False] * n_agents

    heap: list[tuple[int, int, int, int, int]] = []
    seq = 0

    def push(t: int, kind: int, x: int, y: int = 0) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (t, seq, kind, x, y))

    reason_code = {r: i for i, r in enumerate(REASONS)}
    for sh in shifts:
        push(sh.login_s, _LOGIN, sh.agent, sh.logout_s * 2 + int(sh.until_close))
        for start, duration, why in sh.activities:
            push(start, _NR_START, sh.agent, duration * 8 + reason_code[why])
        push(sh.logout_s, _LOGOUT, sh.agent)

    def set_state(a: int, t: int, new: int, why: int = -1) -> None:
        if state[a] == new and reason[a] == why:
            return
        if state[a] >= 0 and t > since[a]:
            seg_agent.append(a)
            seg_state.append(state[a])
            seg_reason.append(reason[a])
            seg_start.append(since[a])
            seg_end.append(t)
        state[a], reason[a], since[a] = new, why, t

    def refresh(a: int) -> None:
        ok = logged[a] and not exclusive[a] and not_ready[a] < 0 and not pending[a]
        key = (sessions[a], ready_since[a])
        for q in served[a]:
            if ok and (sessions[a] < capacity[q] if is_chat[q] else sessions[a] == 0):
                idle[q][a] = key
            else:
                idle[q].pop(a, None)

    def head(q: int) -> int:
        dq = waiting[q]
        while dq and status[dq[0]] != WAITING:
            dq.popleft()
        return dq[0] if dq else -1

    def assign(c: int, a: int, t: int) -> None:
        q = queue_of[c]
        status[c] = SERVED
        agent_of[c] = a
        ans = t + contacts.ring_s[c]
        answered[c] = ans
        talk = max(1, round(contacts.talk_s[c] * speed[a][q]))
        talk_of[c] = talk
        if is_chat[q]:
            if active[a] == 0:
                set_state(a, t, AVAILABLE)  # ringing: still shown available until accepted
            sessions[a] += 1
            ready_since[a] = t
            outcome[c] = ANSWERED
            push(ans, _CHAT_ANSWER, a, c)
        else:
            exclusive[a] = True
            finish = ans + talk + contacts.hold_s[c]
            ended[c] = finish
            set_state(a, t, AVAILABLE)
            set_state(a, ans, ON_CONTACT)
            set_state(a, finish, WRAP_UP)
            push(finish + contacts.wrap_s[c], _FREE, a)
            child = contacts.child[c]
            if child >= 0:
                outcome[c] = TRANSFERRED
                arrival[child] = finish
                push(finish, _ARRIVE, child)
            else:
                outcome[c] = ANSWERED
        refresh(a)

    def try_work(a: int, t: int, realtime_only: bool) -> bool:
        if sessions[a] > 0:
            # Mid-chat, the agent can only take further chats, up to the concurrency.
            took = False
            while True:
                best = -1
                for q in chats[a]:
                    c = head(q) if sessions[a] < capacity[q] else -1
                    if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                        best = c
                if best < 0:
                    return took
                waiting[queue_of[best]].popleft()
                assign(best, a, t)
                took = True
        best = -1
        for q in realtime[a]:
            c = head(q)
            if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                best = c
        if best < 0 and not realtime_only:
            for q in emails[a]:
                c = head(q)
                if c >= 0 and (best < 0 or arrival[c] < arrival[best]):
                    best = c
        if best < 0:
            return False
        waiting[queue_of[best]].popleft()
        assign(best, a, t)
        if sessions[a] > 0:
            try_work(a, t, realtime_only)  # fill the remaining chat slots
        return True

    def start_not_ready(a: int, t: int, why: int, duration: int) -> None:
        not_ready[a] = why
        nr_token[a] += 1
        set_state(a, t, NOT_READY, why)
        push(t + duration, _NR_END, a, nr_token[a])
        refresh(a)

    def log_out(a: int, t: int) -> None:
        set_state(a, t, -1)
        logged[a] = False
        not_ready[a] = -1
        nr_token[a] += 1
        pending[a].clear()
        refresh(a)

    def become_ready(a: int, t: int) -> None:
        if pending[a] and sessions[a] == 0:
            why, duration = pending[a].pop(0)
            if why == _LOGOUT_MARK:
                if drains[a] and t < logout_at[a] + DRAIN_LIMIT_S and try_work(a, t, True):
                    pending[a].insert(0, (why, duration))
                    refresh(a)
                    return
                log_out(a, t)
            else:
                start_not_ready(a, t, why, duration)
            return
        if pending[a] or try_work(a, t, False):
            refresh(a)
            return
        if sessions[a] == 0 or active[a] == 0:
            set_state(a, t, AVAILABLE)
        if sessions[a] == 0:
            ready_since[a] = t
        refresh(a)

    def arrive(c: int, t: int) -> None:
        q = queue_of[c]
        status[c] = WAITING
        free = idle[q]
        if free:
            assign(c, min(free, key=free.__getitem__), t)
            return
        waiting[q].append(c)
        patience = contacts.patience_s[c]
        limit = queues[q].timeout_s
        if limit and patience >= limit:
            push(t + limit, _ABANDON, c, TIMEOUT)
        elif patience < 10**8:
            push(t + patience, _ABANDON, c, ABANDONED)

    pointer = 0
    originals = contacts.n_original
    never = end_s + 1
    while True:
        next_event = heap[0][0] if heap else never
        next_arrival = arrival[pointer] if pointer < originals else never
        if min(next_event, next_arrival) > end_s:
            break
        if next_arrival < next_event:
            arrive(pointer, next_arrival)
            pointer += 1
            continue
        t, _, kind, x, y = heapq.heappop(heap)
        if kind == _FREE:
            exclusive[x] = False
            become_ready(x, t)
        elif kind == _ARRIVE:
            arrive(x, t)
        elif kind == _ABANDON:
            if status[x] == WAITING:
                status[x] = GONE
                ended[x] = t
                outcome[x] = y
        elif kind == _CHAT_ANSWER:
            active[x] += 1
            if active[x] == 1:
                set_state(x, t, ON_CONTACT)
            finish = t + talk_of[y]
            ended[y] = finish
            push(finish, _CHAT_END, x)
        elif kind == _CHAT_END:
            active[x] -= 1
            sessions[x] -= 1
            if active[x] == 0:
                set_state(x, t, AVAILABLE)
            become_ready(x, t)
        elif kind == _NR_START:
            if logged[x]:
                code, length = y % 8, y // 8
                if not_ready[x] >= 0 or exclusive[x] or sessions[x] > 0:
                    pending[x].append((code, length))
                    refresh(x)
                else:
                    start_not_ready(x, t, code, length)
        elif kind == _NR_END:
            if y == nr_token[x] and logged[x]:
                not_ready[x] = -1
                become_ready(x, t)
        elif kind == _LOGIN:
            logged[x] = True
            logout_at[x], drains[x] = y // 2, bool(y % 2)
            pending[x].clear()
            not_ready[x] = -1
            ready_since[x] = t
            become_ready(x, t)
        elif kind == _LOGOUT and logged[x]:
            busy = exclusive[x] or sessions[x] > 0
            if busy or (drains[x] and not_ready[x] < 0 and try_work(x, t, True)):
                pending[x].append((_LOGOUT_MARK, 0))
                refresh(x)
            else:
                log_out(x, t)
    return result
