"""The agent-level simulator: per-contact records, the agent state timeline, shifts with
not-ready blocks (pending while busy), deferred work and the closing-shift drain."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from floorwalker.sim.floor import (
    ABANDONED,
    ANSWERED,
    AVAILABLE,
    NOT_READY,
    ON_CONTACT,
    TIMEOUT,
    TRANSFERRED,
    WRAP_UP,
    Floor,
    FloorContacts,
    FloorQueue,
    FloorResult,
    NotReady,
    Shift,
    simulate_floor,
)

INF = float("inf")


def contacts(
    rows: Sequence[tuple[float, int, float, float]],
    *,
    hold: float = 0.0,
    wrapup: float = 0.0,
    ring: float = 0.0,
    transfer_to: Sequence[int] | None = None,
    extra: Sequence[tuple[int, float, float]] = (),
) -> FloorContacts:
    """(arrival, queue, handle, patience) per first leg, plus transfer legs (queue, handle,
    patience) in ``extra``."""
    n_first = len(rows)
    queue = [r[1] for r in rows] + [e[0] for e in extra]
    n = len(queue)
    return FloorContacts(
        arrival_s=np.array([r[0] for r in rows] + [-1.0] * len(extra)),
        queue=np.array(queue, dtype=np.int64),
        patience_s=np.array([r[3] for r in rows] + [e[2] for e in extra]),
        handle_s=np.array([r[2] for r in rows] + [e[1] for e in extra]),
        hold_s=np.full(n, hold),
        wrapup_s=np.full(n, wrapup),
        ring_s=np.full(n, ring),
        transfer_to=np.array(transfer_to if transfer_to is not None else [-1] * n, dtype=np.int64),
        n_first=n_first,
    )


def one_agent(queues: Sequence[FloorQueue], shifts: Sequence[Shift], n_agents: int = 1) -> Floor:
    return Floor(queues=queues, speed=np.ones((n_agents, len(queues))), shifts=shifts)


def segments(r: FloorResult, agent: int) -> list[tuple[str, str | None, float, float]]:
    s = r.states
    names = ("available", "on_contact", "wrap_up", "not_ready")
    out = [
        (names[s.state[k]], s.reasons[s.reason[k]] if s.reason[k] >= 0 else None, s.start_s[k], s.end_s[k])
        for k in range(s.agent.size)
        if s.agent[k] == agent
    ]
    return sorted(out, key=lambda x: x[2])


def test_a_call_its_wrap_up_and_the_states_around_it() -> None:
    r = simulate_floor(
        one_agent([FloorQueue("voice")], [Shift(0, 0, 100)]),
        contacts([(10, 0, 30, INF)], hold=5, wrapup=7, ring=2),
        end_s=200,
    )
    c = r.contacts
    assert c.answered_s[0] == 12 and c.ended_s[0] == 12 + 30 + 5
    assert c.wait_s[0] == 2 and c.talk_s[0] == 30 and c.hold_s[0] == 5 and c.wrapup_s[0] == 7
    assert c.outcome[0] == ANSWERED and c.agent[0] == 0 and c.queue[0] == 0
    assert segments(r, 0) == [
        ("available", None, 0, 12),
        ("on_contact", None, 12, 47),
        ("wrap_up", None, 47, 54),
        ("available", None, 54, 100),
    ]


def test_a_break_while_busy_waits_for_the_call_and_its_wrap_up() -> None:
    shift = Shift(0, 0, 300, not_ready=[NotReady(50, 30, "break")])
    r = simulate_floor(
        one_agent([FloorQueue("voice")], [shift]),
        contacts([(0, 0, 100, INF), (120, 0, 10, INF)], wrapup=10),
        end_s=400,
    )
    segs = segments(r, 0)
    assert ("not_ready", "break", 110, 140) in segs  # pending from 50 to the end of wrap-up at 110
    # The contact arriving during the break waits for it to end.
    assert r.contacts.answered_s[1] == 140 and r.contacts.wait_s[1] == 20


def test_a_break_when_idle_starts_on_time_and_blocks_routing() -> None:
    shift = Shift(0, 0, 300, not_ready=[NotReady(50, 30, "lunch")])
    r = simulate_floor(one_agent([FloorQueue("voice")], [shift]), contacts([(60, 0, 10, INF)]), end_s=400)
    assert ("not_ready", "lunch", 50, 80) in segments(r, 0)
    assert r.contacts.answered_s[0] == 80


def test_log_off_while_busy_waits_and_only_the_closing_shift_drains() -> None:
    rows = [(90, 0, 40, INF), (95, 0, 20, INF)]
    # Normal shift: the call in progress at log-off is finished, the waiting one is not taken.
    r = simulate_floor(one_agent([FloorQueue("voice")], [Shift(0, 0, 100)]), contacts(rows), end_s=1000)
    assert segments(r, 0)[-1][3] == 130
    assert r.contacts.outcome[1] == -1 and np.isnan(r.contacts.answered_s[1])
    # Closing shift: the agent stays to clear the queue.
    r = simulate_floor(
        one_agent([FloorQueue("voice")], [Shift(0, 0, 100, drain=True)]), contacts(rows), end_s=1000
    )
    assert r.contacts.answered_s[1] == 130
    assert segments(r, 0)[-1][3] == 150


def test_drain_stops_after_the_limit() -> None:
    floor = Floor([FloorQueue("voice")], np.ones((1, 1)), [Shift(0, 0, 100, drain=True)], drain_s=50)
    r = simulate_floor(floor, contacts([(90, 0, 60, INF), (95, 0, 60, INF)]), end_s=1000)
    assert r.contacts.answered_s[0] == 90 and np.isnan(r.contacts.answered_s[1])  # 150 is past 100 + 50
    assert segments(r, 0)[-1][3] == 150


def test_deferred_work_waits_for_the_phones() -> None:
    queues = [FloorQueue("voice"), FloorQueue("email", deferred=True)]
    # An e-mail waiting since 0 and a call since 5; the agent frees at 10 and takes the call.
    r = simulate_floor(
        one_agent(queues, [Shift(0, 0, 1000)]),
        contacts([(0, 0, 10, INF), (1, 1, 50, INF), (5, 0, 10, INF)]),
        end_s=1000,
    )
    assert r.contacts.answered_s.tolist() == [0, 20, 10]


def test_abandon_and_timeout() -> None:
    queues = [FloorQueue("voice", timeout_s=60)]
    r = simulate_floor(
        one_agent(queues, [Shift(0, 0, 1000)]),
        contacts([(0, 0, 500, INF), (1, 0, 10, 30), (2, 0, 10, 100)]),
        end_s=1000,
    )
    c = r.contacts
    assert c.outcome.tolist() == [ANSWERED, ABANDONED, TIMEOUT]
    assert c.ended_s[1] == 31 and c.wait_s[1] == 30
    assert c.ended_s[2] == 62 and c.wait_s[2] == 60


def test_a_transfer_leg_arrives_when_its_parent_ends() -> None:
    queues = [FloorQueue("sales"), FloorQueue("billing")]
    floor = Floor(queues, np.array([[1.0, 0.0], [0.0, 1.0]]), [Shift(0, 0, 1000), Shift(1, 0, 1000)])
    r = simulate_floor(
        floor, contacts([(10, 0, 30, INF)], wrapup=5, transfer_to=[1, -1], extra=[(1, 40, INF)]), 1000
    )
    c = r.contacts
    assert c.outcome.tolist() == [TRANSFERRED, ANSWERED]
    assert c.arrival_s[1] == c.ended_s[0] == 40
    assert c.agent.tolist() == [0, 1] and c.ended_s[1] == 80


def test_speed_scales_talk_time_and_whole_seconds_rounds_it() -> None:
    floor = Floor([FloorQueue("voice")], np.array([[1.26]]), [Shift(0, 0, 1000)], whole_seconds=True)
    r = simulate_floor(floor, contacts([(0, 0, 100, INF)]), end_s=1000)
    assert r.contacts.talk_s[0] == 126


def test_chat_sessions_up_to_the_concurrency() -> None:
    queues = [FloorQueue("chat", session=True, concurrency=2)]
    rows = [(0, 0, 100, INF), (1, 0, 100, INF), (2, 0, 100, INF)]
    r = simulate_floor(one_agent(queues, [Shift(0, 0, 1000)]), contacts(rows), end_s=1000)
    assert r.contacts.answered_s.tolist() == [0, 1, 100]
    # One on-contact state while any session is open, however many.
    assert segments(r, 0) == [("on_contact", None, 0, 200), ("available", None, 200, 1000)]


def _random_floor(seed: int) -> tuple[Floor, FloorContacts, list[Shift]]:
    rng = np.random.default_rng(seed)
    queues = [
        FloorQueue("voice", timeout_s=300),
        FloorQueue("sales"),
        FloorQueue("chat", session=True, concurrency=3),
        FloorQueue("email", deferred=True),
    ]
    n_agents = 12
    speed = np.where(rng.random((n_agents, 4)) < 0.6, rng.uniform(0.8, 1.3, (n_agents, 4)), 0.0)
    speed[np.arange(n_agents), rng.integers(0, 4, n_agents)] = 1.0  # everyone serves something
    shifts: list[Shift] = []
    for a in range(n_agents):
        for day in range(2):
            login = day * 86_400 + float(rng.integers(0, 4)) * 3600
            logout = login + 8 * 3600
            blocks = [
                NotReady(login + 7200 + float(rng.integers(0, 600)), 900, "break"),
                NotReady(login + 14_400 + float(rng.integers(0, 600)), 1800, "lunch"),
                NotReady(login + 21_600, 600, "meeting"),
            ]
            shifts.append(Shift(a, login, logout, drain=bool(a % 3 == 0), not_ready=blocks))
    n = 2500
    days = rng.integers(0, 2, n)
    arrival = np.sort(days * 86_400 + rng.uniform(0, 12 * 3600, n))
    queue = rng.integers(0, 4, n)
    patience = np.where(queue == 3, INF, rng.exponential(200, n))
    transfer = np.full(n, -1)
    fc = FloorContacts(
        arrival_s=arrival,
        queue=queue,
        patience_s=patience,
        handle_s=rng.exponential(240, n),
        hold_s=np.where(rng.random(n) < 0.2, 30.0, 0.0),
        wrapup_s=np.where(queue == 2, 0.0, 20.0),
        ring_s=rng.uniform(0, 6, n),
        transfer_to=transfer,
        n_first=n,
    )
    return Floor(queues, speed, shifts), fc, shifts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_states_tile_each_logged_in_period_without_overlap(seed: int) -> None:
    floor, fc, shifts = _random_floor(seed)
    r = simulate_floor(floor, fc, end_s=3 * 86_400)
    s = r.states
    assert s.agent.size > 0
    for a in range(floor.speed.shape[0]):
        mine = np.flatnonzero(s.agent == a)
        order = mine[np.argsort(s.start_s[mine], kind="stable")]
        start, end = s.start_s[order], s.end_s[order]
        assert (end > start).all()
        # Contiguous runs: each begins at a log-in and ends at or after the matching log-off.
        breaks = np.flatnonzero(start[1:] != end[:-1])
        assert (start[1:] >= end[:-1]).all()  # no overlap
        run_starts = np.concatenate(([start[0]], start[breaks + 1]))
        run_ends = np.concatenate((end[breaks], [end[-1]]))
        mine_shifts = sorted((sh.login_s, sh.logout_s, sh.drain) for sh in shifts if sh.agent == a)
        assert run_starts.tolist() == [sh[0] for sh in mine_shifts]
        for (_, logout, drain), run_end in zip(mine_shifts, run_ends, strict=True):
            assert run_end >= logout
            if not drain:
                assert run_end - logout <= 2 * 3600  # only a contact in progress keeps the agent
        # Segment states alternate: no two adjacent segments of one run have the same state.
        same = (start[1:] == end[:-1]) & (s.state[order][1:] == s.state[order][:-1])
        same &= s.reason[order][1:] == s.reason[order][:-1]
        assert not same.any()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_contacts_times_match_its_agents_states(seed: int) -> None:
    floor, fc, _ = _random_floor(seed)
    r = simulate_floor(floor, fc, end_s=3 * 86_400)
    c, s = r.contacts, r.states
    served = np.flatnonzero(~np.isnan(c.answered_s))
    assert served.size > 1000
    assert np.allclose(c.wait_s[served], c.answered_s[served] - c.arrival_s[served])
    gone = np.flatnonzero((c.outcome == ABANDONED) | (c.outcome == TIMEOUT))
    assert gone.size > 0
    assert np.allclose(c.wait_s[gone], c.ended_s[gone] - c.arrival_s[gone])
    voice = served[fc.queue[served] != 2]
    assert np.allclose(c.ended_s[voice] - c.answered_s[voice], c.talk_s[voice] + c.hold_s[voice])
    assert np.allclose(c.talk_s[served], fc.handle_s[served] * floor.speed[c.agent[served], fc.queue[served]])
    for k in voice[:300]:
        a = c.agent[k]
        on = (s.agent == a) & (s.state == ON_CONTACT) & (s.start_s == c.answered_s[k])
        assert on.sum() == 1 and s.end_s[on][0] == c.ended_s[k]
        wrap = (s.agent == a) & (s.state == WRAP_UP) & (s.start_s == c.ended_s[k])
        assert wrap.sum() == 1 and s.end_s[wrap][0] == c.ended_s[k] + fc.wrapup_s[k]
    chats = served[fc.queue[served] == 2]
    done = chats[~np.isnan(c.ended_s[chats])]
    assert np.allclose(c.ended_s[done] - c.answered_s[done], c.talk_s[done])
    # Every chat lies inside an on_contact state of its agent.
    for k in done[:300]:
        a = c.agent[k]
        inside = (s.agent == a) & (s.state == ON_CONTACT) & (s.start_s <= c.answered_s[k])
        inside &= s.end_s >= c.ended_s[k]
        assert inside.sum() == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_breaks_are_taken_in_full_and_never_overlap_work(seed: int) -> None:
    floor, fc, shifts = _random_floor(seed)
    r = simulate_floor(floor, fc, end_s=3 * 86_400)
    c, s = r.contacts, r.states
    nr = s.state == NOT_READY
    assert {s.reasons[k] for k in s.reason[nr]} == {"break", "lunch", "meeting"}
    planned = sum(len(sh.not_ready) for sh in shifts)
    lengths = s.end_s[nr] - s.start_s[nr]
    assert nr.sum() >= planned * 0.9  # only a block left pending at log-off is dropped
    assert np.isin(np.round(lengths), [900, 1800, 600]).all()
    late = 0
    for sh in shifts:
        for b in sh.not_ready:
            took = nr & (s.agent == sh.agent) & (s.start_s >= b.start_s) & (s.start_s < sh.logout_s + 7200)
            took &= s.reason == s.reasons.index(b.reason)
            if took.any():
                late += s.start_s[took].min() > b.start_s
    assert late > 0  # some blocks fell while busy and waited (pending not-ready)
    # No contact is answered by an agent while that agent is not ready.
    served = np.flatnonzero(~np.isnan(c.answered_s))
    for k in served[:500]:
        a = c.agent[k]
        blocked = nr & (s.agent == a) & (s.start_s < c.answered_s[k]) & (s.end_s > c.answered_s[k])
        assert not blocked.any()
    assert (s.state == AVAILABLE).any()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_deferred_work_is_never_taken_while_a_real_time_contact_waits(seed: int) -> None:
    floor, fc, _ = _random_floor(seed)
    r = simulate_floor(floor, fc, end_s=3 * 86_400)
    c = r.contacts
    deferred = [q for q, fq in enumerate(floor.queues) if fq.deferred]
    realtime = [q for q, fq in enumerate(floor.queues) if not fq.deferred]
    # When a real-time contact left the queue: answered, abandoned or timed out, or never.
    left = np.where(~np.isnan(c.answered_s), c.answered_s - fc.ring_s, c.ended_s)
    left = np.where(np.isnan(left), np.inf, left)
    arrived = c.arrival_s
    taken = np.flatnonzero(np.isin(fc.queue, deferred) & ~np.isnan(c.answered_s))
    assert taken.size > 50
    checked = 0
    for k in taken:
        a, t = c.agent[k], c.answered_s[k] - fc.ring_s[k]
        mine = [q for q in realtime if floor.speed[a, q] > 0]
        waiting = np.isin(fc.queue, mine) & (arrived < t) & (left > t)
        assert not waiting.any(), f"e-mail {k} taken at {t} while {np.flatnonzero(waiting)} waited"
        checked += len(mine) > 0
    assert checked > 0


def test_same_input_same_output() -> None:
    floor, fc, _ = _random_floor(5)
    a = simulate_floor(floor, fc, end_s=3 * 86_400)
    b = simulate_floor(floor, fc, end_s=3 * 86_400)
    assert np.array_equal(a.contacts.answered_s, b.contacts.answered_s, equal_nan=True)
    assert np.array_equal(a.states.start_s, b.states.start_s)


def test_bad_shift_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        simulate_floor(one_agent([FloorQueue("v")], [Shift(3, 0, 10)]), contacts([]), 10)
    with pytest.raises(ValueError, match="before it logs in"):
        simulate_floor(one_agent([FloorQueue("v")], [Shift(0, 10, 5)]), contacts([]), 10)
