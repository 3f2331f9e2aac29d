"""Adherence and conformance on hand-built state timelines."""

from datetime import datetime, timedelta

import pytest

from floorwalker.wfm.adherence import Block, StateSpan, agent_day, state_at

T0 = datetime(2026, 10, 19, 9, 0)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def spans(*parts: tuple[str, int, int]) -> list[StateSpan]:
    return [StateSpan(state, at(a), at(b)) for state, a, b in parts]


# A 60-minute shift 09:00–10:00 with a break 09:30–09:45.
BREAK = [Block("break", at(30), at(45))]


def test_a_perfect_day_is_fully_adherent_and_conformant() -> None:
    day = agent_day(
        at(0), at(60), BREAK,
        spans(("available", 0, 10), ("on_contact", 10, 28), ("wrap_up", 28, 30),
              ("not_ready", 30, 45), ("available", 45, 60)),
    )  # fmt: skip
    assert (day.scheduled_min, day.adherent_min, day.adherence) == (60, 60, 1.0)
    assert (day.productive_scheduled_min, day.worked_min, day.conformance) == (45, 45, 1.0)
    assert day.exceptions == ()


def test_late_login_long_break_and_early_logoff() -> None:
    # logs in at 09:05, breaks 09:30–09:52 (7 min long), logs off at 09:57
    day = agent_day(
        at(0), at(60), BREAK,
        spans(("available", 5, 30), ("not_ready", 30, 52), ("on_contact", 52, 57), ("logged_out", 57, 90)),
    )  # fmt: skip
    # adherent: 09:05–09:30 work (25) + break 15 + 09:52–09:57 (5) = 45 of 60
    assert day.adherent_min == 45
    assert day.adherence == pytest.approx(0.75)
    # worked 25 + 5 = 30 of 45 scheduled work minutes
    assert day.conformance == pytest.approx(30 / 45)
    kinds = [(e.kind, e.start, e.minutes) for e in day.exceptions]
    assert kinds == [("late_login", at(0), 5), ("early_logoff", at(57), 3), ("long_break", at(45), 7)]


def test_grace_hides_short_departures() -> None:
    day = agent_day(
        at(0), at(60), BREAK, spans(("available", 2, 30), ("not_ready", 30, 47), ("available", 47, 60)),
        grace_min=2,
    )  # fmt: skip
    assert day.exceptions == ()
    assert day.adherent_min == 60 - 2 - 2


def test_absent_agent_and_conformance_outside_the_shift() -> None:
    absent = agent_day(at(0), at(60), BREAK, [])
    assert (absent.adherent_min, absent.worked_min) == (15, 0)  # logged out during the break keeps to it
    assert [(e.kind, e.minutes) for e in absent.exceptions] == [("absent", 60)]
    # worked 09:00–10:00 straight through the break and 30 minutes of overtime after the shift:
    # adherence loses the break, conformance counts every productive minute of the day's window
    busy = agent_day(at(0), at(60), BREAK, spans(("available", 0, 90)), window=(at(-60), at(120)))
    assert busy.adherent_min == 45
    assert busy.conformance == pytest.approx(90 / 45)


def test_meeting_minutes_keep_to_the_schedule_off_the_phones() -> None:
    blocks = [Block("meeting", at(0), at(30))]
    day = agent_day(at(0), at(60), blocks, spans(("not_ready", 0, 30), ("available", 30, 60)))
    assert day.adherence == 1.0 and day.exceptions == ()
    on_phones = agent_day(at(0), at(60), blocks, spans(("available", 0, 60)))
    assert on_phones.adherent_min == 30


def test_state_at_takes_the_state_covering_the_middle_of_the_minute() -> None:
    states = [StateSpan("available", at(0), at(0) + timedelta(seconds=40)),
              StateSpan("on_contact", at(0) + timedelta(seconds=40), at(2))]  # fmt: skip
    mids = [at(0) + timedelta(seconds=30), at(1) + timedelta(seconds=30), at(3)]
    assert state_at(states, mids) == ["available", "on_contact", "logged_out"]


def test_a_shift_must_have_a_length() -> None:
    with pytest.raises(ValueError, match="end after"):
        agent_day(at(10), at(10), [], [])
