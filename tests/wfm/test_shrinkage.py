"""Shrinkage, planned vs actual, on hand-built state timelines (pure)."""

from datetime import datetime, timedelta

import pytest

from floorwalker.wfm.adherence import StateSpan
from floorwalker.wfm.shrinkage import PaidBlock, agent_day, by_reason, fractions, total

NINE = datetime(2026, 10, 20, 9)


def t(minutes: int) -> datetime:
    return NINE + timedelta(minutes=minutes)


def timeline(*parts: tuple[str, str | None, int], start: int = 0) -> list[StateSpan]:
    out, at = [], start
    for state, reason, minutes in parts:
        out.append(StateSpan(state, t(at), t(at + minutes), reason))
        at += minutes
    return out


# 09:00–13:30 with a paid 15-minute break at 10:30, an unpaid 30-minute lunch at 11:30 and a
# 30-minute meeting at 12:30: 270 minutes, 240 paid, 45 planned shrinkage.
BLOCKS = [
    PaidBlock("break", t(90), t(105)),
    PaidBlock("lunch", t(150), t(180), paid=False),
    PaidBlock("meeting", t(210), t(240)),
]


def test_keeping_to_the_schedule_gives_actual_equal_to_planned() -> None:
    states = timeline(
        ("available", None, 90), ("not_ready", "break", 15), ("on_contact", None, 45),
        ("logged_out", None, 30), ("available", None, 30), ("not_ready", "meeting", 30),
        ("wrap_up", None, 30),
    )  # fmt: skip
    day = agent_day(t(0), t(270), BLOCKS, states)
    assert (day.paid_min, day.unpaid_min) == (240, 30)
    assert dict(day.planned) == {"break": 15, "meeting": 30}
    assert dict(day.actual) == {"break": 15, "meeting": 30}
    assert fractions(day)["planned"] == pytest.approx(45 / 240) == fractions(day)["actual"]
    assert fractions(day)["actual_unplanned"] == 0


def test_late_login_long_break_and_personal_time_are_unplanned() -> None:
    # 20 minutes late, break 15 + 10 over, 5 minutes personal, meeting taken logged out, leaves 10 early
    states = timeline(
        ("available", None, 70), ("not_ready", "break", 25), ("not_ready", "personal", 5),
        ("available", None, 30), ("logged_out", None, 30), ("available", None, 30), start=20,
    )  # fmt: skip
    states += timeline(("available", None, 20), start=240)
    day = agent_day(t(0), t(270), BLOCKS, states)
    # the break overrun keeps its reason; the meeting (no state: logged out) counts as the meeting
    assert dict(day.actual) == {"absence": 20 + 10, "break": 25, "personal": 5, "meeting": 30}
    assert day.actual_planned_min == 55 and day.actual_unplanned_min == 35
    f = fractions(day)
    assert f["actual"] == pytest.approx(90 / 240)
    assert f["actual_planned"] + f["actual_unplanned"] == pytest.approx(f["actual"])


def test_no_states_is_absence_and_time_off_counts_both_ways() -> None:
    day = agent_day(t(0), t(270), BLOCKS, [])
    assert day.actual["absence"] == 195 and day.actual["break"] == 15 and day.actual["meeting"] == 30
    leave = agent_day(None, None, [], [], time_off_min=480)
    assert (leave.paid_min, dict(leave.planned), dict(leave.actual)) == (
        480,
        {"time_off": 480},
        {"time_off": 480},
    )
    both = total([day, leave])
    assert both.paid_min == 720 and both.planned_min == 45 + 480
    rows = by_reason(both)
    assert [r["reason"] for r in rows][:2] == ["time_off", "absence"]
    absence = next(r for r in rows if r["reason"] == "absence")
    assert absence["planned"] is False and absence["planned_min"] == 0
    assert absence["actual_fraction"] == pytest.approx(195 / 720)
    assert fractions(total([]))["planned"] is None
    with pytest.raises(ValueError, match="end after"):
        agent_day(t(10), t(0), [], [])


def test_not_ready_without_reason_and_states_outside_the_shift() -> None:
    states = timeline(("not_ready", None, 30), ("available", None, 300), start=-30)
    day = agent_day(t(0), t(60), [], states + timeline(("not_ready", None, 10), start=60))
    assert day.paid_min == 60 and day.actual_min == 0  # the not-ready half hour was before the shift
    day = agent_day(t(0), t(60), [], timeline(("available", None, 50), ("not_ready", None, 10)))
    assert dict(day.actual) == {"(none)": 10}
