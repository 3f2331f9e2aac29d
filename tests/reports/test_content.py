"""The report's pure parts: periods, wording, movers, defaults, targets files."""

from datetime import UTC, date, datetime

import pytest

from floorwalker.metrics.targets import Target
from floorwalker.reports import content, wording
from floorwalker.reports.appendix import QueueInfo, ReportSettings
from floorwalker.reports.targets_file import TargetsFileError, targets_from_toml

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_parse_period(text, start, end) -> None:
    assert content.parse_period(text) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "Oct 2026", "2026-10-01", ""])
def test_parse_period_rejects(text) -> None:
    with pytest.raises(content.PeriodError, match="is not a month YYYY-MM"):
        content.parse_period(text)


def test_wording() -> None:
    assert wording.change_text(0.031, None, "fraction") == "up 3.1 points"
    assert wording.change_text(-0.01, None, "fraction") == "down 1.0 point"
    assert wording.change_text(0.0001, None, "fraction") == "unchanged"
    assert wording.change_text(8.2, 0.1, "seconds") == "up 8 seconds"
    assert wording.change_text(-95, -0.3, "seconds") == "down 1:35"
    assert wording.change_text(10, 0.0833, "count") == "up 8.3%"
    assert wording.change_text(None, None, "count") is None
    assert wording.signed_change(-0.00001, None, "fraction") == "0.0 pt"
    assert wording.signed_change(-377, None, "seconds") == "−6:17"
    assert wording.signed_change(3, 0.5, "count") == "+50.0%"
    assert wording.goal_text(0.8, "fraction") == "80%" and wording.goal_text(0.055, "fraction") == "5.5%"
    assert wording.period_name(date(2026, 10, 1), date(2026, 10, 31)) == "October 2026"
    assert wording.period_name(date(2026, 10, 1), date(2026, 10, 14)) == "1 Oct 2026 – 14 Oct 2026"
    assert wording.day_name(date(2026, 10, 5)) == "Monday 5 October"


def _row(key, code, offered, sl, aht=300.0, answered=None):
    return {
        key: code,
        "offered": offered,
        "answered": answered if answered is not None else offered,
        "service_level": sl,
        "abandon_rate": 0.02,
        "asa_s": 20.0,
        "aht_s": aht,
        "transfer_rate": 0.03,
    }


def _period(start, end, queues=(), teams=(), offered=None):
    total = None if offered is None else {"offered": offered, "answered": offered, "service_level": 0.8}
    return content.PeriodRows(start, end, total, (), list(queues), list(teams))


OCT = (date(2026, 10, 1), date(2026, 10, 31))
SEP = (date(2026, 9, 1), date(2026, 9, 30))
OCT25 = (date(2025, 10, 1), date(2025, 10, 31))


def test_movers_rank_by_points_and_percent_with_noise_floors() -> None:
    current = _period(
        *OCT,
        queues=[
            _row("queue", "a", 100, 0.90),
            _row("queue", "b", 100, 0.70, aht=330),
            _row("queue", "tiny", 5, 0.20),
        ],
        teams=[_row("team", "Red", 50, None, aht=303)],
        offered=205,
    )
    previous = _period(
        *SEP,
        queues=[
            _row("queue", "a", 100, 0.80),
            _row("queue", "b", 100, 0.72, aht=300),
            _row("queue", "tiny", 5, 0.90),
        ],
        teams=[_row("team", "Red", 50, None, aht=300)],
        offered=205,
    )
    settings = ReportSettings(queues=[QueueInfo("a", "Alpha", "LON", "voice")])
    r = content.build_report(current, previous, _period(*OCT25), None, settings, generated_at=NOW)
    assert [(m.name, m.kpi) for m in r.improvements] == [("Alpha", "service_level")]
    assert r.improvements[0].score == pytest.approx(10.0)
    # b's AHT +10% outranks b's SL −2 points; "tiny" has too few contacts; Red's +3 s is noise.
    assert [(m.name, m.kpi) for m in r.declines] == [("b", "aht_s"), ("b", "service_level")]
    assert (
        r.declines[0].sentence == "b (queue): average handle time up 30 seconds, from 5:00 in September 2026 "
        "to 5:30."
    )
    assert (
        "The largest improvement was queue Alpha: service level up 10.0 points (80.0% → 90.0%)." in r.summary
    )


def test_default_targets_and_formula_warning() -> None:
    settings = ReportSettings(
        queues=[QueueInfo("q", "Q", "LON", "voice", sl_formula="answered_within_over_answered")],
        fcr_window_days=3,
    )
    r = content.build_report(
        _period(*OCT, offered=10), _period(*SEP), _period(*OCT25), [], settings, generated_at=NOW
    )
    assert r.targets_are_defaults and r.targets == list(content.DEFAULT_TARGETS)
    assert any("ignores abandoned contacts" in n for n in r.notes)
    assert ("FCR repeat window", "3 days") in r.appendix.settings
    assert r.appendix.targets[0] == ("Service level", "all", "≥ 80%", "8.0 points")


def test_targets_file() -> None:
    text = (
        '[[target]]\nkpi = "abandon_rate"\ngoal = 0.04\nscope_kind = "queue"\nscope_code = "sales"\n'
        "amber_margin = 0.01\n"
    )
    assert targets_from_toml(text, "t.toml") == [Target("abandon_rate", 0.04, "queue", "sales", 0.01)]
    for bad, message in [
        ("x = 1", "t.toml: no [[target]] entries"),
        ("[[target]]\nkpi = 'service_level'\n", "t.toml: target 1: kpi and goal are required"),
        (
            "[[target]]\nkpi = 'service_level'\ngoal = 80\n",
            "t.toml: target 1: goal: a fraction between 0 and 1",
        ),
        (
            "[[target]]\nkpi = 'service_level'\ngoal = 0.8\ncolour = 1\n",
            "t.toml: target 1: unknown field 'colour'",
        ),
        ("[[target]\n", "t.toml: not valid TOML"),
    ]:
        with pytest.raises(TargetsFileError) as err:
            targets_from_toml(bad, "t.toml")
        assert str(err.value).startswith(message)


def test_the_headline_asa_leaves_email_out() -> None:
    from floorwalker.metrics.rollup import real_time_asa

    rows = [
        {"channel": "voice", "asa_s": 10.0, "answered": 30},
        {"channel": "chat", "asa_s": 40.0, "answered": 10},
        {"channel": "email", "asa_s": 7200.0, "answered": 50},
    ]
    assert real_time_asa(rows) == pytest.approx((10 * 30 + 40 * 10) / 40)
    assert real_time_asa([{"channel": "email", "asa_s": 7200.0, "answered": 5}]) is None
