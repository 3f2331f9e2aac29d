import pytest

from floorwalker.org import hours


def test_parse_ranges_lists_and_closed_days() -> None:
    parsed = hours.parse("mon-fri 08:00-12:00,13:00-20:00; sat 09:00-17:00")
    assert parsed["wed"] == [["08:00", "12:00"], ["13:00", "20:00"]]
    assert parsed["sat"] == [["09:00", "17:00"]]
    assert parsed["sun"] == []
    assert hours.weekly_open_hours(parsed) == 5 * 11 + 8


def test_format_round_trips() -> None:
    text = "mon-fri 08:00-20:00; sat 09:00-17:00"
    assert hours.format_hours(hours.parse(text)) == text
    assert hours.format_hours(hours.parse("")) == "closed"


def test_day_ranges_wrap_round_the_week() -> None:
    parsed = hours.parse("sun-thu 07:00-24:00; fri 07:00-14:00")
    assert [d for d in hours.DAYS if parsed[d]] == ["mon", "tue", "wed", "thu", "fri", "sun"]
    assert hours.parse("fri-mon 10:00-12:00")["sat"] == [["10:00", "12:00"]]


def test_midnight_close_is_allowed() -> None:
    assert hours.parse("sun 20:00-24:00")["sun"] == [["20:00", "24:00"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon 18:00-08:00", "ends before it starts"),
        ("mon 08:00-12:00,11:00-14:00", "overlap"),
        ("funday 08:00-10:00", "unknown day"),
        ("mon 8-10", "HH:MM"),
        ("mon 25:00-26:00", "not a time"),
        ("mon", "expected"),
    ],
)
def test_bad_hours_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(hours.BusinessHoursError, match=message):
        hours.parse(text)


def test_is_open_at_a_minute_of_a_weekday() -> None:
    week = hours.parse("mon-fri 08:00-12:00,13:00-20:00; sat 09:00-24:00")
    assert hours.is_open(week, 0, 8 * 60)  # Monday 08:00 opens
    assert not hours.is_open(week, 0, 12 * 60 + 30)  # the lunch closure
    assert not hours.is_open(week, 0, 20 * 60)  # 20:00 is closing time
    assert hours.is_open(week, 5, 23 * 60 + 59)  # Saturday until midnight
    assert not hours.is_open(week, 6, 10 * 60)  # closed on Sundays
