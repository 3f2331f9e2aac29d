"""Series preparation: aggregation to the interval, site-local days, DST."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from floorwalker.wfm.forecast_series import build_series, occurrences, slot_starts
from tests.wfm.forecast_synth import history


def test_five_minute_counts_sum_into_half_hours() -> None:
    points = [(datetime(2024, 3, 4, 8, 0) + timedelta(minutes=5 * i), float(i + 1), None) for i in range(12)]
    series = build_series(points, interval_min=30)
    assert series.days == [date(2024, 3, 4)]
    row = series.contacts[0]
    assert row[16] == 1 + 2 + 3 + 4 + 5 + 6  # 08:00–08:25
    assert row[17] == 7 + 8 + 9 + 10 + 11 + 12  # 08:30–08:55
    assert np.isnan(row[15]) and np.isnan(row[18])


def test_aht_is_contact_weighted_when_aggregating() -> None:
    points = [(datetime(2024, 3, 4, 9, 0), 10.0, 100.0), (datetime(2024, 3, 4, 9, 15), 30.0, 300.0)]
    series = build_series(points, interval_min=30)
    assert series.has_aht
    assert series.handle_s[0, 18] / series.contacts[0, 18] == pytest.approx((10 * 100 + 30 * 300) / 40)


def test_days_without_points_are_all_missing_rows() -> None:
    series = build_series(history(date(2024, 3, 1), 5), interval_min=30)  # Fri, Sat, Sun, Mon, Tue
    assert [d.isoformat() for d in series.days] == [
        "2024-03-01",
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
        "2024-03-05",
    ]
    assert np.all(np.isnan(series.contacts[1])) and np.all(np.isnan(series.contacts[2]))


def test_sixty_and_fifteen_minute_grains() -> None:
    points = [(datetime(2024, 3, 4, 8, 0) + timedelta(minutes=15 * i), 1.0, None) for i in range(8)]
    assert build_series(points, interval_min=60).contacts[0, 8:10].tolist() == [4.0, 4.0]
    assert build_series(points, interval_min=15).contacts[0, 32:40].tolist() == [1.0] * 8
    with pytest.raises(ValueError, match="15, 30, 60"):
        build_series(points, interval_min=20)


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/London", date(2024, 3, 31), date(2024, 10, 27)),
        ("America/New_York", date(2024, 3, 10), date(2024, 11, 3)),
    ],
)
def test_dst_days_have_23_and_25_hours(zone: str, spring: date, autumn: date) -> None:
    assert occurrences(spring, 30, zone).sum() == 46
    assert occurrences(autumn, 30, zone).sum() == 50
    assert occurrences(spring, 15, zone).sum() == 92
    assert occurrences(autumn + timedelta(days=1), 30, zone).sum() == 48
    assert occurrences(spring, 30, None).sum() == 48  # naive local time: every day is 24 hours
    gap = [s for s in range(48) if occurrences(spring, 30, zone)[s] == 0]
    assert len(gap) == 2
    assert slot_starts(spring, gap[0], 30, zone) == []
    twice = slot_starts(autumn, 2, 30, zone)  # 01:00 local happens twice in both zones
    assert len(twice) == 2 and twice[0].utcoffset() != twice[1].utcoffset()


def test_repeated_hour_is_kept_per_occurrence() -> None:
    zone = ZoneInfo("Europe/London")
    autumn = date(2024, 10, 27)
    start = datetime(2024, 10, 27, tzinfo=zone)
    # 50 real half-hours, 10 contacts each, written with their UTC offsets.
    points = [
        ((start.astimezone(ZoneInfo("UTC")) + timedelta(minutes=30 * i)), 10.0, None) for i in range(50)
    ]
    series = build_series(points, interval_min=30, time_zone="Europe/London")
    assert series.days == [autumn]
    assert np.all(series.contacts[0] == 10.0)  # 01:00 and 01:30 happened twice: 20 over 2 occurrences
    # The same day written as naive local times (01:00 and 01:30 repeated) gives the same grid.
    naive = [(p[0].astimezone(zone).replace(tzinfo=None), p[1], p[2]) for p in points]
    assert np.array_equal(
        build_series(naive, interval_min=30, time_zone="Europe/London").contacts, series.contacts
    )
    # Without a zone the naive repeated labels simply add up in their wall-clock slot.
    assert build_series(naive, interval_min=30).contacts[0, 2] == 20.0


def test_empty_history_is_refused() -> None:
    with pytest.raises(ValueError, match="no data"):
        build_series([], interval_min=30)
