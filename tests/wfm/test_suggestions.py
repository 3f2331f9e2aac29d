"""Intraday suggestions on hand-built days (pure): effects computed right, rules kept."""

import itertools
from datetime import datetime, timedelta

import pytest

from floorwalker.wfm.erlang import erlang_c
from floorwalker.wfm.erlang_a import erlang_a
from floorwalker.wfm.scheduling.rules import BreakRule
from floorwalker.wfm.suggestions import (
    Activity,
    AgentToday,
    ServiceModel,
    Slot,
    WeekRules,
    coverage,
    projected_service_level,
    suggest,
)

NINE = datetime(2026, 10, 20, 9)
MODEL = ServiceModel(interval_min=30, threshold_s=20.0)
#: 30-minute break, allowed to start 30 to 150 minutes into the shift.
RULE = BreakRule("break", "break", 30, 30, 150, True)
ROOMY = WeekRules(paid_min=1200, min_weekly=0, max_weekly=2400, min_rest=660)


def at(hh: float) -> datetime:
    return NINE.replace(hour=0) + timedelta(hours=hh)


def slots(required: list[int], contacts: list[float] | None = None, aht_s: float = 180.0) -> list[Slot]:
    """Half-hour slots from 09:00; contacts default to what ``required`` agents carry well."""
    load = contacts or [r * 6.0 for r in required]
    return [
        Slot(NINE + timedelta(minutes=30 * t), r, c, aht_s)
        for t, (r, c) in enumerate(zip(required, load, strict=True))
    ]


def agent(name: str, start: float = 9, end: float = 17, blocks=(), week=ROOMY, **kw) -> AgentToday:
    acts = tuple(Activity(i, k, n, at(s), at(e)) for i, (k, n, s, e) in enumerate(blocks))
    return AgentToday(name, week, shift_id=1, start=at(start), end=at(end), activities=acts,
                      break_rules=(RULE,), **kw)  # fmt: skip


def sl_c(agents: int, contacts: float, aht_s: float = 180.0) -> float:
    return float(erlang_c(agents, contacts * aht_s / 1800, aht_s, 20.0).service_level)


def test_coverage_counts_minutes_on_shift_and_off_blocks() -> None:
    day = slots([1] * 4)
    a = AgentToday("ann", ROOMY, start=at(9), end=at(10.75),
                   activities=(Activity(1, "break", "break", at(9.5), at(9.75)),))  # fmt: skip
    assert coverage([a], day, 30) == [1.0, 0.5, 1.0, 0.5]
    per, total = projected_service_level(day, MODEL, [2, 2, 0, 0])
    assert per[0] == pytest.approx(sl_c(2, 6)) and per[2] == 0.0
    assert total == pytest.approx((sl_c(2, 6) * 12) / 24)


def test_break_moves_into_the_surplus_inside_its_window() -> None:
    # Three agents 09–17; 10:00–11:00 needs 3, 09:30–10:00 only 1. ann's break is at 10:00.
    req = [2, 1, 3, 3] + [2] * 12
    day = slots(req)
    ann = agent("ann", blocks=[("break", "break", 10, 10.5)])
    team = [ann, agent("bob", blocks=[("break", "break", 13, 13.5)]), agent("cy")]
    out = suggest(day, MODEL, team, now=at(9))
    first = out[0]
    assert (first.kind, first.agent, first.start, first.from_start) == ("break_move", "ann", at(9.5), at(10))
    assert first.agent_hours == 0.5
    by = {e.start: e for e in first.intervals}
    assert (by[at(9.5)].scheduled_before, by[at(9.5)].scheduled_after) == (3, 2)
    assert (by[at(10)].scheduled_before, by[at(10)].scheduled_after) == (2, 3)
    assert by[at(10)].sl_before == pytest.approx(sl_c(2, 18)) and by[at(10)].sl_after == pytest.approx(
        sl_c(3, 18)
    )
    # rest-of-day SL moves by exactly the contact-weighted change of the two intervals
    total = sum(s.contacts for s in day)
    change = (sl_c(3, 18) - sl_c(2, 18)) * 18 + (sl_c(2, 6) - sl_c(3, 6)) * 6
    assert first.sl_after - first.sl_before == pytest.approx(change / total)
    assert first.gain_per_agent_hour == pytest.approx(change / total / 0.5)
    for s in out:  # no move outside its window (30–150 min after the shift start)
        if s.kind == "break_move":
            assert at(9.5) <= s.start <= at(11.5)


def test_a_break_never_leaves_its_window_nor_moves_once_started() -> None:
    # The surplus is at 09:00–09:30, before ann's window opens (30 min in): nothing to gain.
    narrow = BreakRule("break", "break", 30, 60, 90, True)
    req = [1, 3, 3, 3] + [2] * 12
    ann = AgentToday("ann", ROOMY, start=at(9), end=at(17), break_rules=(narrow,),
                     activities=(Activity(1, "break", "break", at(10), at(10.5)),))  # fmt: skip
    out = suggest(slots(req), MODEL, [ann, agent("bob"), agent("cy")], now=at(9))
    assert not [s for s in out if s.kind == "break_move" and s.agent == "ann"]
    # a break already under way stays where it is
    ann = agent("ann", blocks=[("break", "break", 10, 10.5)])
    started = suggest(slots([2, 1, 3, 3] + [2] * 12), MODEL, [ann, agent("bob"), agent("cy")], now=at(10.1))
    assert not [s for s in started if s.kind == "break_move"]


def test_meeting_moves_to_the_surplus_or_is_cancelled() -> None:
    req = [2] * 2 + [3] * 2 + [2] * 12  # 10:00–11:00 needs everyone
    cy = agent("cy", blocks=[("meeting", "team huddle", 10, 11)])
    out = suggest(slots(req), MODEL, [agent("ann"), agent("bob"), cy], now=at(9))
    meeting = next(s for s in out if s.agent == "cy")
    assert meeting.kind == "meeting_move" and meeting.activity == "team huddle"
    assert meeting.from_start == at(10) and meeting.end - meeting.start == timedelta(hours=1)
    assert all(e.scheduled_after >= e.required for e in meeting.intervals if e.start >= meeting.start)
    # Every interval understaffed: no start absorbs it, so the suggestion is to cancel it.
    tight = suggest(slots([3] * 16), MODEL, [agent("ann"), agent("bob"), cy], now=at(9))
    cancel = next(s for s in tight if s.agent == "cy")
    assert cancel.kind == "meeting_cancel" and (cancel.start, cancel.end) == (at(10), at(11))
    assert [(e.scheduled_before, e.scheduled_after) for e in cancel.intervals] == [(2, 3), (2, 3)]


def test_overtime_respects_weekly_max_rest_and_days_off() -> None:
    # Two agents 09–13; 13:00–15:00 needs 2 and nobody is scheduled.
    req = [2] * 8 + [2] * 4
    full = WeekRules(paid_min=2400, min_weekly=0, max_weekly=2400, min_rest=660)
    rest = WeekRules(paid_min=600, min_weekly=0, max_weekly=2400, min_rest=660,
                     next_start=at(13) + timedelta(hours=11, minutes=15))  # fmt: skip
    team = [agent("ann", 9, 13, week=full), agent("bob", 9, 13, week=rest)]
    assert not [s for s in suggest(slots(req), MODEL, team, now=at(9)) if s.kind == "overtime"]
    # With headroom, ann is offered the extension; she may not pass her weekly maximum.
    some = WeekRules(paid_min=2340, min_weekly=0, max_weekly=2400, min_rest=660)
    light = slots(req, [12.0] * 8 + [3.0] * 4)  # one agent serves 13:00–15:00 well
    out = suggest(light, MODEL, [agent("ann", 9, 13, week=some), team[1]], now=at(9))
    (ot,) = [s for s in out if s.kind == "overtime"]
    assert (ot.agent, ot.start, ot.end, ot.agent_hours) == ("ann", at(13), at(14), 1.0)
    assert ot.sl_after > ot.sl_before
    assert [(e.scheduled_before, e.scheduled_after) for e in ot.intervals] == [(0, 1), (0, 1)]
    # An agent off today: an extra block, only with a day off to spare and not on time off.
    off = WeekRules(paid_min=1920, min_weekly=0, max_weekly=2400, min_rest=660, days_off=3, min_days_off=2)
    dan = AgentToday("dan", off)
    extra = [s for s in suggest(slots(req), MODEL, [*team, dan], now=at(9)) if s.kind == "overtime"]
    assert [(s.agent, s.start, s.end) for s in extra] == [("dan", at(13), at(15))]
    # 1.2 Erlangs on one agent leaves Erlang C's service level at 0: offered for the gap it closes
    assert extra[0].sl_after == pytest.approx(extra[0].sl_before)
    for blocked in (AgentToday("dan", off, may_work=False), AgentToday("dan", replace_days(off, 2))):
        assert not [
            s for s in suggest(slots(req), MODEL, [*team, blocked], now=at(9)) if s.kind == "overtime"
        ]


def replace_days(w: WeekRules, days_off: int) -> WeekRules:
    from dataclasses import replace

    return replace(w, days_off=days_off)


def test_vto_only_where_coverage_holds_and_above_the_weekly_minimum() -> None:
    # Three agents 09–17; from 15:00 one is enough.
    req = [3] * 12 + [1] * 4
    low = WeekRules(paid_min=2400, min_weekly=2400, max_weekly=2400, min_rest=660)
    team = [agent("ann", week=low), agent("bob"), agent("cy")]
    out = suggest(slots(req), MODEL, team, now=at(9))
    vto = [s for s in out if s.kind == "vto"]
    assert {s.agent for s in vto} == {"bob", "cy"}  # ann is at her contract minimum
    for s in vto:
        assert (s.start, s.end) == (at(15), at(17)) and s.agent_hours == 2.0
        assert s.sl_after <= s.sl_before
    final = vto[-1].intervals
    assert all(e.scheduled_after >= e.required for e in final)
    assert out.index(vto[0]) > max((i for i, s in enumerate(out) if s.kind != "vto"), default=-1)


def test_ranked_by_gain_per_agent_hour_each_on_top_of_the_last() -> None:
    req = [2, 1, 3, 3] + [2] * 8 + [3] * 4
    some = WeekRules(paid_min=2280, min_weekly=0, max_weekly=2400, min_rest=0)
    team = [agent("ann", blocks=[("break", "break", 10, 10.5)], week=some), agent("bob", week=some),
            agent("cy", 9, 15, week=some)]  # fmt: skip
    out = [s for s in suggest(slots(req), MODEL, team, now=at(9)) if s.kind != "vto"]
    assert len(out) >= 2
    for a, b in itertools.pairwise(out):
        assert b.sl_before == pytest.approx(a.sl_after)
    assert out[0].gain_per_agent_hour >= out[1].gain_per_agent_hour


def test_erlang_a_with_patience_and_available_fraction() -> None:
    model = ServiceModel(interval_min=30, threshold_s=20.0, patience_s=120.0, available=0.5)
    per, _ = projected_service_level(slots([1]), model, [4])
    expected = float(erlang_a(2, 6 * 180 / 1800, 180.0, 120.0, 20.0).service_level)
    assert per[0] == pytest.approx(expected)
    assert suggest([], model, [], now=NINE) == []
    with pytest.raises(ValueError, match="interval_min"):
        suggest(slots([1]), ServiceModel(interval_min=0, threshold_s=20), [], now=NINE)
