"""Whole-run properties: conservation, reproducibility, pooling, arrival rates."""

from __future__ import annotations

import json

import numpy as np
import pytest

from floorwalker.sim.engine import draw_contacts, simulate
from floorwalker.sim.scenario import Overflow

from .helpers import group, queue, scenario


def _center(intervals: int = 8):  # type: ignore[no-untyped-def]
    rates = (30.0, 60.0, 90.0, 120.0, 120.0, 90.0, 60.0, 30.0)[:intervals]
    qs = [
        queue("a", 0, intervals, aht=240, patience=90),
        queue("b", 0, intervals, aht=300, patience=200, wrapup=20, priority=1),
        queue("chat", 0, intervals, aht=600, patience=600, threshold=60),
    ]
    qs = [
        type(q)(q.name, rates, q.handle_time, q.wrapup, q.patience, q.sl_threshold_s, q.priority) for q in qs
    ]
    groups = [
        group("A", tuple([4, 6, 8, 9, 9, 8, 6, 4][:intervals]), {"a": 1, "b": 2}),
        group("B", tuple([3, 5, 7, 8, 8, 7, 5, 3][:intervals]), {"b": 1}),
        group("C", 3, {"chat": 1}, intervals, concurrency=3),
    ]
    return scenario(qs, groups, interval_s=1800, intervals=intervals, overflows=(Overflow("a", "B", 45, 3),))


def test_conservation_every_replication_interval_and_queue() -> None:
    res = simulate(_center(), replications=5, seed=3)
    c = res.counts
    assert np.array_equal(c["offered"], c["answered"] + c["abandoned"] + c["still_waiting"])
    assert c["abandoned"].sum() > 0 and c["still_waiting"].sum() >= 0 and c["answered"].sum() > 0
    assert np.all(c["answered_within"] <= c["answered"])
    # Every drawn contact is counted once.
    sc = _center()
    rng_counts = []
    for ss in np.random.SeedSequence(3).spawn(5):
        rng_counts.append(draw_contacts(sc, np.random.Generator(np.random.PCG64(ss))).arrival_s.size)
    assert c["offered"].sum(axis=(1, 2)).tolist() == rng_counts


def test_same_seed_same_numbers_and_threads_do_not_matter() -> None:
    sc = _center()
    a = simulate(sc, replications=4, seed=9).to_dict()
    b = simulate(sc, replications=4, seed=9, threads=2).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    c = simulate(sc, replications=4, seed=10).to_dict()
    assert a["totals"] != c["totals"]
    # The first replications do not change when more are asked for.
    more = simulate(sc, replications=6, seed=9)
    fewer = simulate(sc, replications=4, seed=9)
    assert np.array_equal(more.counts["answered"][:4], fewer.counts["answered"])


def test_poisson_arrivals_follow_the_interval_rates() -> None:
    sc = _center()
    res = simulate(sc, replications=40, seed=5)
    per_interval = res.counts["offered"].mean(axis=0)  # (I, Q)
    expected = np.array(sc.queues[0].offered_per_interval)
    # mean of 40 Poisson counts: standard error sqrt(rate / 40); allow 4 of them
    assert np.all(np.abs(per_interval[:, 0] - expected) < 4 * np.sqrt(expected / 40))


def test_pooling_beats_separate_queues() -> None:
    # Two queues of 8 Erlangs each: two separate teams of 10, or one team of 20 with both skills.
    hours = 10
    qs = [queue("x", 160, hours), queue("y", 160, hours)]
    separate = scenario(
        qs, [group("X", 10, {"x": 1}, hours), group("Y", 10, {"y": 1}, hours)], intervals=hours, warmup=1
    )
    pooled = scenario(qs, [group("XY", 20, {"x": 1, "y": 1}, hours)], intervals=hours, warmup=1)
    s = simulate(separate, replications=20, seed=1).metrics()
    p = simulate(pooled, replications=20, seed=1).metrics()
    assert p["service_level_ci"][0] > s["service_level_ci"][1]
    assert p["asa_s_ci"][1] < s["asa_s_ci"][0]
    # Same work, same agents: occupancy agrees.
    assert p["occupancy"] == pytest.approx(s["occupancy"], abs=0.02)


def test_more_agents_never_hurt_on_common_random_numbers() -> None:
    base = _center()
    more = type(base)(
        **{
            **base.__dict__,
            "groups": tuple(
                type(g)(g.name, tuple(x + 2 for x in g.agents), g.skills, g.concurrency) for g in base.groups
            ),
        }
    )
    a = simulate(base, replications=10, seed=2).metrics()
    b = simulate(more, replications=10, seed=2).metrics()
    assert b["service_level"] > a["service_level"]
    assert b["abandon_rate"] < a["abandon_rate"]
    assert b["occupancy"] < a["occupancy"]


def test_result_json_shape() -> None:
    d = simulate(_center(), replications=3, seed=1).to_dict()
    for key in (
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "asa_s",
        "occupancy",
        "service_level_ci",
        "asa_s_ci",
    ):
        assert key in d["totals"]
    assert len(d["intervals"]) == 8
    assert set(d["queues"]) == {"a", "b", "chat"}
    assert len(d["queues"]["a"]["intervals"]) == 8
    assert set(d["groups"]) == {"A", "B", "C"}
    assert 0 < d["groups"]["C"]["occupancy"] <= 1
    assert len(d["groups"]["A"]["intervals"]) == 8
    json.dumps(d)  # plain data
