"""Routing rules on tiny deterministic cases: replayed contacts with fixed handle times and
patience, so every answer instant is known in advance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from floorwalker.sim import _core
from floorwalker.sim.engine import Replication, layout, run_once
from floorwalker.sim.scenario import Overflow

from .helpers import group, queue, replay, scenario

INF = math.inf


def run(sc) -> Replication:  # type: ignore[no-untyped-def]
    return run_once(sc, layout(sc), np.random.default_rng(0))


def test_longest_idle_agent_gets_the_contact() -> None:
    # Two one-agent groups, same skill level. X takes c0 (0–10), Y takes c1 (1–6). At 20 both
    # are idle: Y since 6, X since 10, so Y (the longest idle) takes c2.
    sc = scenario(
        [queue()],
        [group("X", 1, {"q": 1}), group("Y", 1, {"q": 1})],
        rp=replay([(0, 0, 10, INF), (0, 1, 5, INF), (0, 20, 5, INF)]),
    )
    r = run(sc)
    assert r.served_by.tolist() == [0, 1, 1]
    assert r.wait_s.tolist() == [0, 0, 0]


def test_skill_level_beats_idle_time() -> None:
    # A (level 2) is as idle as B (level 1): the contact goes to B; the next one to A.
    sc = scenario(
        [queue()],
        [group("A", 1, {"q": 2}), group("B", 1, {"q": 1})],
        rp=replay([(0, 0, 50, INF), (0, 1, 50, INF)]),
    )
    assert run(sc).served_by.tolist() == [1, 0]


def test_overflow_after_delay() -> None:
    # P is busy with c0 until 100; c1 (arrives 10) may go to O after 30 s of waiting: at 40.
    over = (Overflow(queue="q", group="O", after_s=30, level=2),)
    sc = scenario(
        [queue()],
        [group("P", 1, {"q": 1}), group("O", 1, {})],
        overflows=over,
        rp=replay([(0, 0, 100, INF), (0, 10, 10, INF)]),
    )
    r = run(sc)
    assert r.served_by.tolist() == [0, 1]
    assert r.wait_s[1] == pytest.approx(30)
    # O never takes a fresh contact while P is free ...
    sc2 = scenario(
        [queue()],
        [group("P", 1, {"q": 1}), group("O", 1, {})],
        overflows=over,
        rp=replay([(0, 0, 5, INF), (0, 10, 10, INF)]),
    )
    assert run(sc2).served_by.tolist() == [0, 0]
    # ... and when P frees before the delay, P answers the waiting contact (at 20).
    sc3 = scenario(
        [queue()],
        [group("P", 1, {"q": 1}), group("O", 1, {})],
        overflows=over,
        rp=replay([(0, 0, 20, INF), (0, 10, 10, INF)]),
    )
    r3 = run(sc3)
    assert r3.served_by.tolist() == [0, 0]
    assert r3.wait_s[1] == pytest.approx(10)


def test_overflow_group_pulls_once_eligible() -> None:
    # O is busy with its own queue until 60; c1 of q became eligible for O at 40 (10 + 30) and
    # P is still busy, so O takes it when it frees at 60.
    over = (Overflow(queue="q", group="O", after_s=30, level=2),)
    sc = scenario(
        [queue("q"), queue("own")],
        [group("P", 1, {"q": 1}), group("O", 1, {"own": 1})],
        overflows=over,
        rp=replay([(0, 0, 100, INF), (1, 0, 60, INF), (0, 10, 10, INF)]),
    )
    r = run(sc)
    assert r.served_by.tolist() == [0, 1, 1]
    assert r.wait_s[2] == pytest.approx(50)


@pytest.mark.parametrize(("picks", "first"), [("skill_level", 1), ("queue_priority", 2)])
def test_agent_picks_by_skill_then_priority_or_the_reverse(picks: str, first: int) -> None:
    # One agent busy until 100; c1 waits in "low" (level 1, priority 0), c2 in "high"
    # (level 2, priority 5). Which one the agent takes at 100 depends on the rule.
    sc = scenario(
        [queue("low", priority=0), queue("high", priority=5)],
        [group("A", 1, {"low": 1, "high": 2})],
        agent_picks=picks,
        rp=replay([(0, 0, 100, INF), (0, 10, 10, INF), (1, 20, 10, INF)]),
    )
    r = run(sc)
    other = 3 - first
    assert r.wait_s[first] == pytest.approx(100 - r.contacts.arrival_s[first])
    assert r.wait_s[other] == pytest.approx(110 - r.contacts.arrival_s[other])


def test_queue_priority_beats_waiting_time_at_equal_skill() -> None:
    sc = scenario(
        [queue("low", priority=0), queue("high", priority=5)],
        [group("A", 1, {"low": 1, "high": 1})],
        rp=replay([(0, 0, 100, INF), (0, 10, 10, INF), (1, 20, 10, INF)]),
    )
    r = run(sc)
    assert r.wait_s.tolist() == pytest.approx([0, 100, 80])


def test_fifo_within_a_queue_and_abandonment() -> None:
    # One agent busy until 100. c1 (patience 30) abandons at 40; c2 and c3 are answered in
    # arrival order at 100 and 110.
    sc = scenario(
        [queue()],
        [group("A", 1, {"q": 1})],
        rp=replay([(0, 0, 100, INF), (0, 10, 10, 30), (0, 20, 10, INF), (0, 30, 10, INF)]),
    )
    r = run(sc)
    assert r.state.tolist() == [_core.ANSWERED, _core.ABANDONED, _core.ANSWERED, _core.ANSWERED]
    assert r.wait_s.tolist() == pytest.approx([0, 30, 80, 80])


def test_wrap_up_keeps_the_agent() -> None:
    sc = scenario([queue(wrapup=5)], [group("A", 1, {"q": 1})], rp=replay([(0, 0, 10, INF), (0, 1, 10, INF)]))
    r = run(sc)
    assert r.wait_s[1] == pytest.approx(14)  # free at 10 + 5


def test_chat_concurrency() -> None:
    # One agent holding up to 3 sessions: three contacts at once, the fourth waits for a slot.
    sc = scenario(
        [queue()],
        [group("A", 1, {"q": 1}, concurrency=3)],
        rp=replay([(0, 0, 100, INF), (0, 1, 100, INF), (0, 2, 100, INF), (0, 3, 10, INF)]),
    )
    r = run(sc)
    assert r.wait_s.tolist() == pytest.approx([0, 0, 0, 97])
    # Busy time counts once while any session is open: 0–110.
    assert r.busy_s.sum() == pytest.approx(110 + 0)


def test_agents_leaving_finish_their_contact() -> None:
    # One agent in interval 0 (0–100), none in interval 1. c0 at 90 runs to 140 and is
    # answered; c1 at 120 finds nobody and is still waiting when the run stops at 200.
    sc = scenario(
        [queue()],
        [group("A", (1, 0), {"q": 1})],
        interval_s=100,
        intervals=2,
        rp=replay([(0, 90, 50, INF), (0, 120, 10, INF)]),
    )
    r = run(sc)
    assert r.state.tolist() == [_core.ANSWERED, _core.WAITING]
    assert r.wait_s[1] == pytest.approx(80)
    assert r.idle_s[0].tolist() == pytest.approx([90, 0])
    assert r.busy_s[0].tolist() == pytest.approx([10, 40])


def test_agents_joining_take_waiting_contacts() -> None:
    # No agent in interval 0; two join at 100 and answer the two waiting contacts at once.
    sc = scenario(
        [queue()],
        [group("A", (0, 2), {"q": 1})],
        interval_s=100,
        intervals=2,
        rp=replay([(0, 10, 50, INF), (0, 20, 50, INF)]),
    )
    r = run(sc)
    assert r.wait_s.tolist() == pytest.approx([90, 80])
