"""Local days and UTC offsets from the tz database, checked against hand-known DST dates."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from floorwalker.timeutil import local_days_utc, utc_offsets


def test_a_spring_forward_day_is_23_hours_and_its_offset_changes_at_1am_utc() -> None:
    days = local_days_utc(datetime(2026, 3, 29, 0, 30), datetime(2026, 3, 29, 22, 0), "Europe/London")
    assert days == [(datetime(2026, 3, 29, 0, 0), datetime(2026, 3, 29, 23, 0))]
    assert utc_offsets(days, "Europe/London") == [
        (datetime(2026, 3, 29, 0, 0), 0),
        (datetime(2026, 3, 29, 1, 0), 3600),
    ]


def test_a_fall_back_day_is_25_hours_in_new_york() -> None:
    days = local_days_utc(datetime(2026, 11, 1, 12), datetime(2026, 11, 1, 12), "America/New_York")
    assert days == [(datetime(2026, 11, 1, 4, 0), datetime(2026, 11, 2, 5, 0))]
    assert utc_offsets(days, "America/New_York")[-1] == (datetime(2026, 11, 1, 6, 0), -18000)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
def test_the_offset_in_force_is_the_tz_databases(moment: datetime) -> None:
    zone = "America/Santiago"
    days = local_days_utc(moment - timedelta(days=1), moment, zone)
    pairs = utc_offsets(days, zone)
    in_force = [offset for since, offset in pairs if since <= moment][-1]
    expected = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    assert expected is not None
    assert in_force == int(expected.total_seconds())
