"""End-to-end forecasts: closed days, special days, DST, AHT, selection, intervals."""

from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from floorwalker.wfm.forecast import forecast
from floorwalker.wfm.forecast_series import build_series
from floorwalker.wfm.forecast_special import SpecialDay, merge, public_holidays
from tests.wfm.forecast_synth import expected, history

START = date(2024, 1, 1)  # Monday
US_2024 = {d.day: d for d in public_holidays("US", [2024])}


def _by_day(result):
    return Counter(r.interval_start.date() for r in result.rows)


def test_closed_weekdays_and_hours_are_not_forecast() -> None:
    series = build_series(history(START, 7 * 8), interval_min=30)  # ends Sunday 2024-02-25
    result = forecast(series, horizon_days=7, method="weighted_average")
    days = _by_day(result)
    assert sorted(days) == [date(2024, 2, d) for d in (26, 27, 28, 29)] + [
        date(2024, 3, d) for d in (1, 4, 5)
    ]
    assert set(days.values()) == {20}
    assert min(r.interval_start.time() for r in result.rows).isoformat() == "08:00:00"
    assert max(r.interval_start.time() for r in result.rows).isoformat() == "17:30:00"
    monday = [r.contacts for r in result.rows if r.interval_start.date() == date(2024, 2, 26)]
    assert monday == pytest.approx(expected(date(2024, 2, 26), 2000.0).tolist())


def _holiday_history(scale_on_holidays: float) -> list:
    scale = {d: scale_on_holidays for d in US_2024 if d < date(2024, 9, 1)}
    return history(START, 244, scale=scale, noise_seed=5)  # to Saturday 2024-08-31


def test_public_holiday_closed_in_history_is_closed_in_forecast() -> None:
    series = build_series(_holiday_history(0.0), interval_min=30)
    special = merge(public_holidays("US", [2024]), [])
    result = forecast(series, horizon_days=5, special=special)
    assert sorted(_by_day(result)) == [date(2024, 9, d) for d in (3, 4, 5, 6, 9)]  # Labor Day (2nd) closed
    assert [(s.day, s.name, s.factor) for s in result.special_days] == [(date(2024, 9, 2), "Labor Day", 0.0)]
    # Without the calendar the missing holidays are gaps and Labor Day is an ordinary Monday.
    plain = forecast(series, horizon_days=5)
    assert date(2024, 9, 2) in _by_day(plain)


def test_holiday_effect_is_learned_from_past_holidays() -> None:
    series = build_series(_holiday_history(0.4), interval_min=30)
    special = merge(public_holidays("US", [2024]), [])
    result = forecast(series, horizon_days=5, special=special, method="weighted_average")
    (labor,) = result.special_days
    assert labor.factor == pytest.approx(0.4, abs=0.05)
    labor_total = sum(r.contacts for r in result.rows if r.interval_start.date() == date(2024, 9, 2))
    assert labor_total == pytest.approx(0.4 * expected(date(2024, 9, 2), 2000.0).sum(), rel=0.08)


def test_holiday_in_history_is_left_out_of_training() -> None:
    # History to Friday 2024-07-05; Independence Day (Thu 4th) had half the usual contacts.
    points = history(START, 187, scale={date(2024, 7, 4): 0.5})
    series = build_series(points, interval_min=30)
    special = merge(public_holidays("US", [2024]), [])
    with_calendar = forecast(series, horizon_days=5, special=special, method="seasonal_naive")
    without = forecast(series, horizon_days=5, method="seasonal_naive")

    def thursday(result):
        return sum(r.contacts for r in result.rows if r.interval_start.date() == date(2024, 7, 11))

    normal = expected(date(2024, 7, 11), 2000.0).sum()
    assert thursday(with_calendar) == pytest.approx(normal)
    assert thursday(without) == pytest.approx(normal / 2)


def test_manager_events_scale_or_close_days() -> None:
    series = build_series(history(START, 7 * 8), interval_min=30)
    events = {
        date(2024, 2, 27): SpecialDay(date(2024, 2, 27), "mailing", 1.5, "event"),
        date(2024, 2, 28): SpecialDay(date(2024, 2, 28), "system outage", 0.0, "event"),
    }
    result = forecast(series, horizon_days=5, special=events, method="weighted_average")
    days = _by_day(result)
    assert sorted(days) == [
        date(2024, 2, 26),
        date(2024, 2, 27),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2024, 3, 4),
    ]
    tuesday = sum(r.contacts for r in result.rows if r.interval_start.date() == date(2024, 2, 27))
    assert tuesday == pytest.approx(1.5 * expected(date(2024, 2, 27), 2000.0).sum())


def _round_the_clock(first: date, last: date, per_interval: float) -> list:
    """A 24/7 queue with the same contacts in every real half-hour, naive local times
    (a skipped hour has no rows, a repeated hour has its rows twice)."""
    from zoneinfo import ZoneInfo

    zone, utc = ZoneInfo("Europe/London"), ZoneInfo("UTC")
    moment = datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(utc)
    end = datetime(last.year, last.month, last.day, tzinfo=zone).astimezone(utc) + timedelta(days=1)
    points = []
    while moment < end:
        points.append((moment.astimezone(zone).replace(tzinfo=None), per_interval, 300.0))
        moment += timedelta(minutes=30)
    return points


def test_dst_change_in_history_and_in_forecast() -> None:
    points = _round_the_clock(date(2024, 2, 5), date(2024, 10, 25), 10.0)  # spring change inside
    series = build_series(points, interval_min=30, time_zone="Europe/London")
    result = forecast(series, horizon_days=4, method="auto")
    days = _by_day(result)
    assert days[date(2024, 10, 26)] == 48
    assert days[date(2024, 10, 27)] == 50  # the 25-hour day
    assert days[date(2024, 10, 28)] == 48
    assert all(r.contacts == pytest.approx(10.0, abs=0.5) for r in result.rows)
    one_am = [r.interval_start for r in result.rows if r.interval_start.date() == date(2024, 10, 27)][2:6]
    assert [t.isoformat() for t in one_am] == [
        "2024-10-27T01:00:00+01:00",
        "2024-10-27T01:30:00+01:00",
        "2024-10-27T01:00:00+00:00",
        "2024-10-27T01:30:00+00:00",
    ]
    spring = build_series(
        _round_the_clock(date(2024, 1, 1), date(2024, 3, 30), 10.0),
        interval_min=30,
        time_zone="Europe/London",
    )
    ahead = forecast(spring, horizon_days=2, method="weighted_average")
    assert _by_day(ahead)[date(2024, 3, 31)] == 46  # the 23-hour day
    assert all(r.aht_s == pytest.approx(300.0) for r in ahead.rows)


def test_aht_forecast_is_contact_weighted() -> None:
    # Weeks alternate AHT 200 s with 2× the contacts and 500 s with 1×: weighted by contacts
    # and recency the forecast sits nearer 200 than the plain mean 350.
    points = []
    for week in range(8):
        factor, aht = (2.0, 200.0) if week % 2 == 0 else (1.0, 500.0)
        for p in history(START + timedelta(weeks=week), 7, aht_s=aht):
            points.append((p[0], p[1] * factor, p[2]))
    series = build_series(points, interval_min=30)
    result = forecast(series, horizon_days=1, method="weighted_average")
    weights = np.arange(8, 0, -1, dtype=float)  # newest week first: week 7 (500 s, 1×) … week 0 (200 s, 2×)
    counts = np.array([1.0 if w % 2 else 2.0 for w in range(7, -1, -1)])
    ahts = np.array([500.0 if w % 2 else 200.0 for w in range(7, -1, -1)])
    assert result.rows[0].aht_s == pytest.approx((weights * counts * ahts).sum() / (weights * counts).sum())


def test_auto_selection_follows_a_trend() -> None:
    series = build_series(history(START, 7 * 20, trend_per_day=6.0, noise_seed=11), interval_min=30)
    result = forecast(series, horizon_days=5)
    assert result.backtest is not None
    scores = result.backtest.scores
    assert set(scores) == {"seasonal_naive", "weighted_average", "ets", "arima"}
    assert result.method in {"ets", "arima"}
    assert scores[result.method].wape < scores["weighted_average"].wape


def test_prediction_intervals_cover_about_their_level() -> None:
    series = build_series(history(START, 7 * 20, noise_seed=2), interval_min=30)
    result = forecast(series, horizon_days=10, level=0.8, method="weighted_average", backtest_origins=30)
    assert result.level == 0.8
    assert all(r.lo <= r.contacts <= r.hi for r in result.rows)
    rng = np.random.default_rng(99)
    hits = total = 0
    for r in result.rows:
        mean = expected(r.interval_start.date(), 2000.0)[
            (r.interval_start.hour - 8) * 2 + r.interval_start.minute // 30
        ]
        draws = rng.poisson(mean, 200)
        hits += int(((draws >= r.lo) & (draws <= r.hi)).sum())
        total += draws.size
    assert 0.7 < hits / total < 0.93


def test_bad_arguments_are_refused() -> None:
    series = build_series(history(START, 7 * 4), interval_min=30)
    with pytest.raises(ValueError, match="unknown method"):
        forecast(series, horizon_days=3, method="crystal_ball")
    with pytest.raises(ValueError, match="at least one day"):
        forecast(series, horizon_days=0)
    with pytest.raises(ValueError, match="three weeks"):
        forecast(build_series(history(START, 14), interval_min=30), horizon_days=3, method="ets")


def test_an_unfinished_last_day_is_not_read_as_a_quiet_day() -> None:
    complete = history(START, 7 * 10 - 2, noise_seed=4)  # to Friday 2024-03-08
    cut = [p for p in complete if not (p[0].date() == date(2024, 3, 8) and p[0].hour >= 12)]
    partial = forecast(build_series(cut, interval_min=30), horizon_days=5, method="seasonal_naive")
    assert len({r.interval_start.time() for r in partial.rows}) == 20  # still open until 18:00
    # Read as a finished day, the half-empty Friday would be copied to next Friday.
    friday = sum(r.contacts for r in partial.rows if r.interval_start.date() == date(2024, 3, 15))
    assert friday == pytest.approx(expected(date(2024, 3, 15), 2000.0).sum(), rel=0.1)


def test_special_days_do_not_feed_the_aht_forecast() -> None:
    points = history(START, 7 * 6 - 2, aht_s=300.0)  # to Friday 2024-02-09
    # The last Friday was a special day with long calls; it must not move the AHT forecast.
    points = [(t, c, 900.0 if t.date() == date(2024, 2, 9) else a) for t, c, a in points]
    series = build_series(points, interval_min=30)
    event = {date(2024, 2, 9): SpecialDay(date(2024, 2, 9), "system change", 1.0, "event")}
    result = forecast(series, horizon_days=5, special=event, method="weighted_average")
    assert all(r.aht_s == pytest.approx(300.0) for r in result.rows)


def test_opening_hours_are_learned_per_weekday_and_missing_days_are_gaps() -> None:
    points = history(START, 7 * 6, noise_seed=8)  # Mon–Fri 08:00–18:00, to Sunday 2024-02-11
    # Saturdays open 09:00–13:00 with 10 contacts a half-hour; one ordinary Wednesday has no data.
    for week in range(6):
        saturday = START + timedelta(days=7 * week + 5)
        points += [
            (datetime.combine(saturday, datetime.min.time()) + timedelta(hours=9, minutes=30 * s), 10.0, None)
            for s in range(8)
        ]
    points = [p for p in points if p[0].date() != date(2024, 1, 31)]
    series = build_series(points, interval_min=30)
    result = forecast(series, horizon_days=6, method="weighted_average")
    saturday_rows = [r for r in result.rows if r.interval_start.date() == date(2024, 2, 17)]
    assert [r.interval_start.strftime("%H:%M") for r in saturday_rows] == [
        f"{9 + s // 2:02d}:{30 * (s % 2):02d}" for s in range(8)
    ]
    assert all(r.contacts == pytest.approx(10.0) for r in saturday_rows)
    # The missing Wednesday is filled from earlier Wednesdays, not read as a day without contacts.
    wednesday = sum(r.contacts for r in result.rows if r.interval_start.date() == date(2024, 2, 14))
    assert wednesday == pytest.approx(expected(date(2024, 2, 14), 2000.0).sum(), rel=0.05)
