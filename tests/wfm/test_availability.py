"""Availability and preferences as plain data: validation, the week's windows (joined over
midnight, dated patterns, the days around the week) and preferences for the optimiser;
scheduling groups from skills and the site's result put back together."""

from datetime import date

import pytest

from floorwalker.wfm.availability import (
    AvailabilityError,
    Pattern,
    check_hours,
    check_preferences,
    check_validity,
    overlapping,
    week_preferences,
    week_windows,
)
from floorwalker.wfm.schedule_service import availability_notes
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.groups import SchedulingGroup, combine, scheduling_groups
from floorwalker.wfm.scheduling.rules import Agent, Contract, Instance, Preferences, ShiftTemplate
from floorwalker.wfm.scheduling.solve import solve
from floorwalker.wfm.scheduling.week import Person, available_paid_minutes, contract_for, week_instance

MONDAY = date(2026, 10, 19)
DAY = 1440


def test_hours_text_and_mapping_are_checked_with_the_field_named() -> None:
    hours = check_hours("mon-fri 08:00-17:00; sat 09:00-13:00")
    assert hours["mon"] == [["08:00", "17:00"]] and hours["sun"] == []
    assert check_hours({"tue": [["10:00", "12:00"]]})["tue"] == [["10:00", "12:00"]]
    assert all(v == [] for v in check_hours("not available").values())
    for bad, words in (
        ("mon 17:00-08:00", "ends before it starts"),
        ("funday 08:00-10:00", "unknown day"),
        ("mon 08:00-25:00", "not a time"),
        ("", "give the windows"),
        ({"mon": "08:00-10:00"}, "expected"),
    ):
        with pytest.raises(AvailabilityError, match=words) as exc:
            check_hours(bad)
        assert exc.value.field == "hours"
    with pytest.raises(AvailabilityError, match="before valid_from"):
        check_validity(date(2026, 5, 2), date(2026, 5, 1))


def test_dated_patterns_must_not_overlap() -> None:
    summer = Pattern({}, date(2026, 6, 1), date(2026, 8, 31))
    always = Pattern({})
    assert overlapping(Pattern({}, date(2026, 9, 1)), [(1, summer)]) is None
    assert overlapping(Pattern({}, date(2026, 8, 31), date(2026, 9, 30)), [(1, summer)]) == 1
    assert overlapping(Pattern({}, date(2027, 1, 1)), [(7, always)]) == 7


def test_week_windows_join_over_midnight_and_read_the_days_around_the_week() -> None:
    nights = check_hours("mon 22:00-24:00; tue 00:00-06:00")
    windows = week_windows([Pattern(nights)], MONDAY)
    assert windows == ((22 * 60, DAY + 6 * 60),)  # one window: a night shift fits
    assert week_windows([], MONDAY) is None
    # a pattern that starts on Thursday: Monday–Wednesday unrestricted (one window), then its days
    later = Pattern(check_hours("thu-sun 09:00-17:00"), valid_from=MONDAY.replace(day=22))
    got = week_windows([later], MONDAY)
    assert got is not None
    assert got[0] == (0, 3 * DAY)  # Mon 00:00 to Thu 00:00: a Wednesday night shift would leave it
    assert got[1:] == tuple((d * DAY + 540, d * DAY + 1020) for d in (3, 4, 5, 6))
    # a pattern that ended last week leaves this week unrestricted
    assert (
        week_windows([Pattern(check_hours("mon 09:00-10:00"), valid_to=MONDAY.replace(day=18))], MONDAY)
        is None
    )
    # Sunday evening unrestricted next week: a Sunday window runs into next Monday
    sunday_late = Pattern(check_hours("sun 20:00-24:00"), valid_to=MONDAY.replace(day=25))
    assert week_windows([sunday_late], MONDAY)[-1] == (6 * DAY + 20 * 60, 8 * DAY)


def test_preferences_validation_and_the_optimiser_form() -> None:
    days, starts = check_preferences(["sun", "sat"], ["09:00", "08:00"], None, None, 1.0)
    assert days == ["sat", "sun"] and starts == ["08:00", "09:00"]
    for args, field in (
        ((["fri", "someday"], [], None, None, 1.0), "days_off"),
        (([], ["08:15"], None, None, 1.0), "start_times"),
        (([], ["8am"], None, None, 1.0), "start_times"),
        (([], [], "10:00", "09:00", 1.0), "latest_start"),
        (([], [], "10:10", "10:20", 1.0), "earliest_start"),
        (([], [], None, None, 11.0), "weight"),
        (([], [], None, None, -1.0), "weight"),
    ):
        with pytest.raises(AvailabilityError) as exc:
            check_preferences(*args)
        assert exc.value.field == field
    p = week_preferences(["sat", "sun"], ["07:00"], "08:00", "09:00", 2.0)
    assert p.days_off == (5, 6) and p.start_times == (420, 480, 510, 540) and p.weight == 2.0
    assert week_preferences([], [], "22:45", None, 1).start_times == (1380, 1410)


def _requirement(days: range, first_h: int, last_h: int, need: int = 1) -> list[int]:
    req = [0] * (7 * 48)
    for d in days:
        for t in range(first_h * 2, last_h * 2):
            req[d * 48 + t] = need
    return req


def test_availability_is_hard_and_preferences_count_in_a_solved_week() -> None:
    req = _requirement(range(7), 7, 21, 1)
    windows = tuple((d * DAY + 6 * 60, d * DAY + 15 * 60) for d in range(5))  # Mon–Fri 06:00–15:00
    early = Person("early", 32, availability=windows)
    instance = week_instance(req, 30, [early])
    result = solve(instance, time_limit=10, seed=1, workers=1)
    assert check_schedule(instance, result.shifts) == []
    assert result.shifts and all(
        any(lo <= s.start and s.end <= hi for lo, hi in windows) for s in result.shifts
    )
    # preferences reach the optimiser: with nothing else to choose by, the wishes decide
    day_shift = ShiftTemplate("day", (480, 720), (480,), (0, 1, 2))
    wish = Instance(
        interval=60, days=3, requirement=(0,) * 72, templates=(day_shift,),
        contracts={"one": Contract("one", min_weekly=480, max_weekly=480)},
        agents=(Agent("late", "one", preferences=Preferences(days_off=(0, 1), start_times=(720,))),),
    )  # fmt: skip
    (shift,) = solve(wish, time_limit=10, seed=1, workers=1).shifts
    assert (shift.day, shift.start % DAY) == (2, 720)
    # availability that cannot hold the contract: the week aims at what it can hold
    one_day = Person("one", 40, availability=((2 * DAY + 8 * 60, 2 * DAY + 17 * 60),))
    tight = week_instance(req, 30, [one_day])
    assert available_paid_minutes(tight.templates, one_day, contract_for(40)) == 480
    assert tight.contracts[tight.agents[0].contract].min_weekly == 240
    (note,) = availability_notes(tight, [one_day])
    assert note == {
        "agent": "one",
        "reason": "availability holds at most 8 paid hours this week, the contract 40 h: "
        "scheduled at least 4 h",
    }
    # 06:00–15:00 takes no full shift (the earliest start is 07:00, 8 h 30 later is 15:30): 5 part shifts
    assert availability_notes(instance, [early])[0]["reason"].startswith("availability holds at most 20 paid")
    assert availability_notes(week_instance(req, 30, [Person("free", 32)]), [Person("free", 32)]) == []
    assert check_schedule(tight, solve(tight, time_limit=5, seed=1, workers=1).shifts) == []


def test_scheduling_groups_are_the_connected_queues_and_agents() -> None:
    queues = {"sales": 1, "billing": 2, "tech": 3, "chat": 4, "orphan": 9}
    agents = {"a": {1}, "b": {1, 2}, "c": {3}, "d": {3, 4}, "e": {4}, "f": set(), "g": {7}}
    groups, idle = scheduling_groups(queues, agents)
    assert groups == [
        SchedulingGroup(("billing", "sales"), ("a", "b")),
        SchedulingGroup(("chat", "tech"), ("c", "d", "e")),
        SchedulingGroup(("orphan",), ()),
    ]
    assert idle == ["f", "g"]
    # a queue that requires no skill is served by everyone: one group
    groups, idle = scheduling_groups({"sales": 1, "any": None}, {"a": {1}, "f": set()})
    assert groups == [SchedulingGroup(("any", "sales"), ("a", "f"))] and idle == []


def test_combine_sums_and_recomputes_the_gap_and_weights_service_level_by_contacts() -> None:
    req_a = _requirement(range(5), 9, 13, 1)
    req_b = _requirement(range(5), 13, 17, 1)
    contacts_a = [10.0 if r else 0.0 for r in req_a]
    contacts_b = [30.0 if r else 0.0 for r in req_b]
    aht = [180.0] * len(req_a)
    a = week_instance(req_a, 30, [Person("x", 20)], contacts=contacts_a, aht_s=aht)
    b = week_instance(req_b, 30, [Person("y", 20)], contacts=contacts_b, aht_s=aht)
    ra = solve(a, time_limit=5, seed=1, workers=1)
    rb = solve(b, time_limit=5, seed=1, workers=1)
    site = combine([(a, ra), (b, rb)], a.intervals)
    assert site.objective == pytest.approx(ra.objective + rb.objective)
    assert site.bound == pytest.approx(ra.bound + rb.bound)
    assert site.gap == pytest.approx(
        0 if site.objective <= 1e-9 else (site.objective - site.bound) / site.objective
    )
    assert site.under_agent_hours == pytest.approx(ra.under_agent_hours + rb.under_agent_hours)
    assert site.requirement == tuple(x + y for x, y in zip(req_a, req_b, strict=True))
    expected = (
        ra.projected_service_level * sum(contacts_a) + rb.projected_service_level * sum(contacts_b)
    ) / (sum(contacts_a) + sum(contacts_b))
    assert site.projected_service_level == pytest.approx(expected)
    with pytest.raises(ValueError, match="intervals"):
        combine([(a, ra)], 10)
