"""Coaching logic, pure: hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from floorwalker.quality import coaching
from floorwalker.quality.coaching import Candidate, CoachingError, Side


def test_action_status_open_done_overdue_on_the_day_passed_in() -> None:
    due = date(2026, 11, 10)
    assert coaching.action_status("open", due, date(2026, 11, 10)) == "open"  # due day is on time
    assert coaching.action_status("open", due, date(2026, 11, 11)) == "overdue"
    assert coaching.action_status("done", due, date(2026, 12, 1)) == "done"
    assert coaching.action_status("open", None, date(2030, 1, 1)) == "open"
    with pytest.raises(CoachingError, match="status"):
        coaching.action_status("overdue", due, due)


def test_shortfall_follows_the_direction_of_the_kpi() -> None:
    assert coaching.shortfall("aht_s", 330.0, 300.0) == pytest.approx(30.0)
    assert coaching.shortfall("fcr", 0.62, 0.70) == pytest.approx(0.08)
    assert coaching.shortfall("csat", 0.90, 0.85) == pytest.approx(-0.05)
    assert coaching.shortfall("fcr", None, 0.70) is None
    assert coaching.relative_shortfall("aht_s", 330.0, 300.0) == pytest.approx(0.10)
    with pytest.raises(CoachingError, match="kpi"):
        coaching.shortfall("service_level", 0.5, 0.8)


def test_windows_leave_out_the_session_day() -> None:
    w = coaching.windows(date(2026, 11, 15), 4)
    assert (w.before_start, w.before_end) == (date(2026, 10, 18), date(2026, 11, 14))
    assert (w.after_start, w.after_end) == (date(2026, 11, 16), date(2026, 12, 13))
    assert (w.before_end - w.before_start).days + 1 == 28
    with pytest.raises(CoachingError):
        coaching.windows(date(2026, 11, 15), 0)


def test_effect_with_enough_data_states_the_direction_without_claiming_cause() -> None:
    e = coaching.effect("aht_s", Side(360.0, 120), Side(320.0, 140))
    assert e.change == pytest.approx(-40.0)
    assert e.improved is True and e.enough_data
    assert e.statement.startswith("better") and "not proof" in e.statement
    qa = coaching.effect("qa_score", Side(0.70, 3), Side(0.65, 4))
    assert qa.change == pytest.approx(-0.05) and qa.improved is False and qa.statement.startswith("worse")


def test_effect_with_too_few_data_says_so() -> None:
    e = coaching.effect("qa_score", Side(0.5, 2), Side(0.9, 5))
    assert not e.enough_data
    assert e.change == pytest.approx(0.4)  # still shown, but not judged
    assert e.statement.startswith("too few data") and "2 evaluations before" in e.statement
    c = coaching.effect("csat", Side(0.8, 60), Side(0.9, 49))
    assert not c.enough_data and "at least 50" in c.statement
    assert coaching.effect("fcr", Side(None, 0), Side(0.7, 80)).change is None
    assert coaching.effect("fcr", Side(0.7, 80), Side(0.7, 80)).statement == "no change"


def _c(i: int, value: float | None, goal: float | None, last: date | None = None, n: int = 100) -> Candidate:
    return Candidate(i, f"agent {i}", "A", value, n, goal, last)


def test_queue_keeps_under_goal_agents_without_recent_coaching_ordered_by_relative_shortfall() -> None:
    today = date(2026, 11, 30)
    queue = coaching.coaching_queue(
        "aht_s",
        [
            _c(1, 330.0, 300.0),  # 10% over
            _c(2, 450.0, 300.0, date(2026, 10, 1)),  # 50% over, last coached 60 days ago
            _c(3, 420.0, 300.0, date(2026, 10, 31)),  # 40% over, coached exactly 30 days ago: recent
            _c(4, 290.0, 300.0),  # meets goal
            _c(5, 500.0, None),  # no target covers them
            _c(6, 600.0, 300.0, n=0),  # no contacts
            _c(7, None, 300.0),
        ],
        today,
        30,
    )
    assert [e.candidate.employee_id for e in queue] == [2, 1]
    assert queue[0].shortfall == pytest.approx(150.0) and queue[0].relative_shortfall == pytest.approx(0.5)
    assert queue[0].days_since_coaching == 60 and queue[1].days_since_coaching is None
    # one day later, agent 3's session is 31 days old: due again
    later = coaching.coaching_queue("aht_s", [_c(3, 420.0, 300.0, date(2026, 10, 31))], date(2026, 12, 1), 30)
    assert [e.candidate.employee_id for e in later] == [3]


def test_tenure_weeks_and_checklist_progress() -> None:
    hired = date(2026, 11, 2)
    assert coaching.tenure_week(hired, date(2026, 11, 1)) == 0
    assert coaching.tenure_week(hired, hired) == 1
    assert coaching.tenure_week(hired, date(2026, 11, 8)) == 1
    assert coaching.tenure_week(hired, date(2026, 11, 9)) == 2
    assert coaching.week_bounds(hired, 2) == (date(2026, 11, 9), date(2026, 11, 15))
    assert coaching.checklist_progress([True, False, True, True]) == pytest.approx(0.75)
    assert coaching.checklist_progress([]) is None
