"""What-if changes on a baseline (pure), and baseline-vs-scenario runs with common random
numbers on tiny scenarios."""

from __future__ import annotations

import dataclasses

import pytest

from floorwalker.sim.distributions import Distribution
from floorwalker.sim.history import Baseline
from floorwalker.sim.scenario import AgentGroup, Overflow, Queue, Scenario
from floorwalker.sim.whatif import (
    WhatIfError,
    apply_changes,
    compare,
    describe,
    parse_change,
    pooled,
)

DAY = 86400.0


def _base(intervals: int = 4, interval_s: float = DAY / 2) -> Baseline:
    """Two days of two 12-hour intervals: Mon 00:00, Mon 12:00, Tue 00:00, Tue 12:00."""

    def q(name: str, rate: float, aht: float) -> Queue:
        return Queue(
            name,
            (rate,) * intervals,
            Distribution("lognormal", mean_s=aht, cv=0.5),
            Distribution("constant", mean_s=20.0),
            Distribution("empirical", values_s=(30.0, 60.0), censored_s=(10.0,)),
        )

    sc = Scenario(
        interval_s,
        intervals,
        (q("sales", 10.0, 180.0), q("help", 30.0, 300.0)),
        (
            AgentGroup("Red: sales", (2,) * intervals, {"sales": 1}),
            AgentGroup("Red: help", (3,) * intervals, {"help": 1}),
            AgentGroup("Blue: help", (1,) * intervals, {"help": 1}),
        ),
    )
    return Baseline(sc, {"Red: sales": "Red", "Red: help": "Red", "Blue: help": "Blue"})


def test_volume_on_one_queue_some_days_and_hours() -> None:
    sc, parsed = apply_changes(
        _base(),
        [{"kind": "volume", "pct": 10, "queue": "sales", "days": [1], "from": "12:00", "to": "24:00"}],
    )
    assert sc.queues[0].offered_per_interval == pytest.approx((10, 10, 10, 11))
    assert sc.queues[1].offered_per_interval == (30.0,) * 4
    assert describe(parsed[0]) == "Volume +10% on sales, Tue 12:00–24:00"
    every, _ = apply_changes(_base(), [{"kind": "volume", "pct": -50}])
    assert [q.offered_per_interval[0] for q in every.queues] == [5.0, 15.0]


def test_aht_percent_and_seconds_keep_the_shape() -> None:
    sc, _ = apply_changes(_base(), [{"kind": "aht", "pct": -10, "queue": "help"}])
    h = sc.queues[1]
    assert h.handle_time.mean_s == pytest.approx(270.0) and h.handle_time.cv == 0.5
    assert h.wrapup.mean_s == pytest.approx(18.0)
    sc, _ = apply_changes(_base(), [{"kind": "aht", "seconds": -15, "queue": "help"}])
    h = sc.queues[1]
    assert h.handle_time.mean + h.wrapup.mean == pytest.approx(320 - 15)
    with pytest.raises(WhatIfError, match=r"changes\[0\]\.seconds"):
        apply_changes(_base(), [{"kind": "aht", "seconds": -400}])


def test_agents_by_group_and_by_team_never_below_zero() -> None:
    sc, _ = apply_changes(_base(), [{"kind": "agents", "delta": -5, "group": "Red: sales", "days": [0]}])
    assert sc.groups[0].agents == (0, 0, 2, 2)
    sc, _ = apply_changes(_base(), [{"kind": "agents", "delta": 2, "team": "Red", "from": "12:00"}])
    # the team's largest group in each interval gets them
    assert sc.groups[1].agents == (3, 5, 3, 5)
    assert sc.groups[0].agents == (2,) * 4
    sc, _ = apply_changes(_base(), [{"kind": "agents", "delta": -4, "team": "Red"}])
    # one at a time from the largest: 3,2 → 2,2 → 1,2 … until 4 are gone
    assert [g.agents[0] for g in sc.groups] == [0, 1, 1]
    with pytest.raises(WhatIfError, match="team"):
        apply_changes(_base(), [{"kind": "agents", "delta": 1, "team": "Green"}])


def test_patience_overflow_and_merge() -> None:
    sc, _ = apply_changes(_base(), [{"kind": "patience", "pct": 50, "queue": "sales"}])
    assert sc.queues[0].patience.values_s == (45.0, 90.0)
    assert sc.queues[0].patience.censored_s == (15.0,)
    assert sc.queues[0].patience.mean == pytest.approx(1.5 * _base().scenario.queues[0].patience.mean)

    sc, _ = apply_changes(
        _base(), [{"kind": "overflow", "queue": "help", "group": "Red: sales", "after_s": 30}]
    )
    assert sc.overflows == (Overflow("help", "Red: sales", 30.0, 2),)
    off, _ = apply_changes(
        _base(),
        [
            {"kind": "overflow", "queue": "help", "group": "Red: sales", "after_s": 30},
            {"kind": "overflow", "queue": "help", "group": "Red: sales", "on": False},
        ],
    )
    assert off.overflows == ()
    with pytest.raises(WhatIfError, match="already has skill"):
        apply_changes(_base(), [{"kind": "overflow", "queue": "sales", "group": "Red: sales", "after_s": 5}])

    sc, _ = apply_changes(_base(), [{"kind": "merge", "queue": "sales", "into": "help"}])
    assert [q.name for q in sc.queues] == ["help"]
    assert sc.queues[0].offered_per_interval == (40.0,) * 4
    assert sc.groups[0].skills == {"help": 1}
    assert sc.queues[0].handle_time.mean_s == pytest.approx((10 * 180 + 30 * 300) / 40)
    assert len(sc.queues[0].patience.values_s) == 4


def test_pooled_handle_time_has_the_mixture_variance() -> None:
    a = Distribution("constant", mean_s=100.0)
    b = Distribution("constant", mean_s=300.0)
    d = pooled(a, 1.0, b, 1.0)
    assert d.mean_s == 200.0
    assert d.cv == pytest.approx(100.0 / 200.0)  # sd of a 50/50 mix of 100 and 300


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kind": "height"}, "kind"),
        ({"kind": "volume"}, "pct"),
        ({"kind": "volume", "pct": -150}, "pct"),
        ({"kind": "volume", "pct": 5, "from": "25:00"}, "from"),
        ({"kind": "volume", "pct": 5, "from": "10:00", "to": "09:00"}, "to"),
        ({"kind": "volume", "pct": 5, "days": [7]}, "days"),
        ({"kind": "volume", "pct": 5, "delta": 3}, "delta"),
        ({"kind": "aht", "pct": 5, "seconds": 3}, "pct"),
        ({"kind": "agents", "delta": 0, "group": "g"}, "delta"),
        ({"kind": "agents", "delta": 1}, "group"),
        ({"kind": "merge", "queue": "a", "into": "a"}, "into"),
    ],
)
def test_bad_changes_name_the_field(change: dict, problem: str) -> None:
    with pytest.raises(WhatIfError, match=rf"changes\[0\]\.{problem}"):
        parse_change(change, 0)


def test_unknown_queue_is_named() -> None:
    with pytest.raises(WhatIfError, match="no queue 'nope'"):
        apply_changes(_base(), [{"kind": "volume", "pct": 5, "queue": "nope"}])


def _tiny() -> Baseline:
    """One queue, one hour, a handful of contacts: compiles once, runs in milliseconds."""
    sc = Scenario(
        1800.0,
        2,
        (
            Queue(
                "q",
                (20.0, 20.0),
                Distribution("exponential", mean_s=180.0),
                Distribution("constant", mean_s=0.0),
                Distribution("exponential", mean_s=120.0),
            ),
        ),
        (AgentGroup("g", (2, 2), {"q": 1}),),
    )
    return Baseline(sc, {"g": None})


def test_zero_change_gives_identical_results() -> None:
    base = _tiny()
    same, _ = apply_changes(
        base, [{"kind": "volume", "pct": 0}, {"kind": "agents", "delta": 1, "group": "g", "days": [3]}]
    )
    out = compare(base.scenario, same, replications=5, seed=7)
    assert out["totals"]["baseline"] == out["totals"]["scenario"]
    assert all(r["baseline"] == r["scenario"] for r in out["intervals"])
    assert out["difference"]["service_level"] == 0 and out["difference"]["service_level_ci"] == [0, 0]


def test_more_agents_on_the_same_customers_improve_service() -> None:
    base = _tiny()
    more, _ = apply_changes(base, [{"kind": "agents", "delta": 2, "group": "g"}])
    out = compare(base.scenario, more, replications=5, seed=7)
    b, s = out["totals"]["baseline"], out["totals"]["scenario"]
    assert s["offered"] == b["offered"]  # common random numbers: the same arrivals
    assert s["service_level"] > b["service_level"]
    assert s["abandoned"] < b["abandoned"]
    assert [r["label"] for r in out["intervals"]] == ["Mon 00:00", "Mon 00:30"]
    assert b["service_level_ci"][0] <= b["service_level"] <= b["service_level_ci"][1]
    d = out["difference"]
    assert d["service_level"] == pytest.approx(s["service_level"] - b["service_level"], abs=1e-3)
    assert d["offered"] == 0 and d["offered_ci"] == [0, 0]  # the same customers in both
    assert d["service_level_ci"][0] > 0  # the paired interval is clear of zero


def test_volume_change_keeps_the_same_customers() -> None:
    """With a common arrival cap, +50% volume only adds customers: per replication, every
    interval offers at least as many as the baseline, and the thinned stream keeps the mean."""
    import dataclasses

    import numpy as np

    from floorwalker.sim.engine import draw_contacts
    from floorwalker.sim.whatif import common_cap

    base = _tiny()
    more, _ = apply_changes(base, [{"kind": "volume", "pct": 50}])
    a, b = common_cap(base.scenario, more)
    assert a.arrival_cap == b.arrival_cap == ((30.0, 30.0),)
    counts = []
    for r in range(200):
        ca = draw_contacts(a, np.random.default_rng(r))
        cb = draw_contacts(b, np.random.default_rng(r))
        # every baseline customer is in the scenario, with the same handle time and patience
        assert set(ca.arrival_s) <= set(cb.arrival_s)
        same = np.isin(cb.arrival_s, ca.arrival_s)
        assert np.array_equal(cb.handle_s[same], ca.handle_s)
        assert np.array_equal(cb.patience_s[same], ca.patience_s)
        counts.append((ca.arrival_s.size, cb.arrival_s.size))
    n = np.array(counts, dtype=float)
    # Poisson(40) and Poisson(60) over 200 draws: the means within 4 standard errors
    assert abs(n[:, 0].mean() - 40) < 4 * np.sqrt(40 / 200)
    assert abs(n[:, 1].mean() - 60) < 4 * np.sqrt(60 / 200)
    merged = dataclasses.replace(more, queues=())
    assert common_cap(base.scenario, merged)[0].arrival_cap is None


def test_headline_asa_leaves_out_deferred_work() -> None:
    """Voice beside e-mail: the ASA shown first is the voice queue's own (an inbox's hours
    would swamp the seconds on the phone); the all-queue ASA stays beside it."""
    never = Distribution("constant", mean_s=1e9)

    def q(name: str, channel: str, rate: float) -> Queue:
        return Queue(name, (rate, rate), Distribution("exponential", mean_s=180.0),
                     Distribution("constant", mean_s=0.0), never, channel=channel)  # fmt: skip

    sc = Scenario(
        1800.0,
        2,
        (q("calls", "voice", 15.0), q("mail", "email", 40.0)),
        (AgentGroup("phones", (2, 2), {"calls": 1}), AgentGroup("inbox", (1, 1), {"mail": 1})),
    )
    out = compare(sc, sc, replications=4, seed=3)
    b = out["totals"]["baseline"]
    voice = compare(
        dataclasses.replace(sc, queues=sc.queues[:1], groups=sc.groups[:1]),
        dataclasses.replace(sc, queues=sc.queues[:1], groups=sc.groups[:1]),
        replications=4,
        seed=3,
    )["totals"]["baseline"]
    assert b["real_time_asa_s"] < b["asa_s"]  # the inbox waits far longer
    assert "real_time_asa_s" not in voice  # one kind of queue: plain ASA only
    assert b["real_time_asa_s_ci"][0] <= b["real_time_asa_s"] <= b["real_time_asa_s_ci"][1]
    assert out["difference"]["real_time_asa_s"] == 0
    assert all("real_time_asa_s" in r["baseline"] for r in out["intervals"])
