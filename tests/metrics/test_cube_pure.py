"""The cube's pure parts: dimensions and labels, combining counts, agent time, surveys."""

from datetime import UTC, date, datetime

import pytest

from floorwalker.metrics import agent_time as at
from floorwalker.metrics import customer, formulas, grains
from floorwalker.metrics.formulas import QueueCounts


def test_dimensions_are_checked_and_keep_their_order() -> None:
    assert grains.parse_dimensions(" queue, day ,") == ("queue", "day")
    assert grains.parse_dimensions("") == ()
    with pytest.raises(grains.DimensionError, match="unknown dimension 'hour'"):
        grains.parse_dimensions("queue,hour")
    with pytest.raises(grains.DimensionError, match="given twice"):
        grains.parse_dimensions("queue,queue")
    with pytest.raises(grains.DimensionError, match="one time grain"):
        grains.parse_dimensions(["interval15", "month"])
    assert grains.time_grain(("site", "week")) == "week"


def test_labels() -> None:
    bucket = int(datetime(2026, 10, 25, 1, 45).replace(tzinfo=UTC).timestamp()) // 900
    assert grains.interval_label(bucket, 900, 3600) == "2026-10-25T01:45:00+01:00"
    assert grains.interval_label(bucket, 900, 0) == "2026-10-25T01:45:00+00:00"
    assert grains.interval_label(bucket, 900, -(5 * 3600 + 1800)) == "2026-10-25T01:45:00-05:30"
    assert grains.interval_start_utc(bucket, 900, 3600) == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert grains.week_label(date(2027, 1, 1)) == "2026-W53"  # ISO year, not calendar year
    assert grains.month_label(datetime(2026, 2, 1)) == "2026-02"
    assert grains.day_label(datetime(2026, 2, 1, 0, 0)) == "2026-02-01"


def test_combine_adds_counts_and_keeps_the_longest_waits() -> None:
    a = QueueCounts(offered=3, answered=2, wait_answered_s=30.0, longest_wait_answered_s=20.0)
    b = QueueCounts(offered=1, abandoned=1, longest_wait_abandoned_s=50.0, wait_abandoned_s=50.0)
    c = formulas.combine([a, b])
    assert (c.offered, c.answered, c.abandoned, c.wait_answered_s) == (4, 2, 1, 30.0)
    assert (c.longest_wait_answered_s, c.longest_wait_abandoned_s) == (20.0, 50.0)
    assert formulas.combine([]) == QueueCounts()


def test_service_level_parts_add_up_across_formulas() -> None:
    voice = QueueCounts(answered=2, abandoned=2, short_abandoned=1, answered_within_threshold=1)
    chat = QueueCounts(answered=2, abandoned=1, answered_within_threshold=1)
    assert formulas.service_level_parts(voice) == (1, 3)
    assert formulas.service_level_parts(chat, "answered_within_over_answered") == (1, 2)
    with pytest.raises(ValueError, match="unknown service-level formula"):
        formulas.service_level_parts(chat, "made_up")


def test_handle_components_and_hold_rate() -> None:
    c = QueueCounts(
        answered=4, handled=4, talk_s=400.0, hold_s=60.0, handled_with_hold=4, answered_with_hold=1
    )
    assert formulas.handle_components_s(c) == (100.0, 15.0, None)
    assert formulas.hold_rate(c) == 0.25
    assert formulas.handle_components_s(QueueCounts()) == (None, None, None)


def test_agent_time_formulas() -> None:
    t = at.fold(
        [
            ("available", None, 100.0),
            ("on_contact", None, 250.0),
            ("wrap_up", None, 50.0),
            ("not_ready", "lunch", 60.0),
            ("not_ready", None, 40.0),
            ("logged_out", None, 1000.0),
        ]
    )
    assert t.logged_in_s == 500.0
    assert at.occupancy(t) == pytest.approx(300 / 400)
    assert at.utilisation(t) == pytest.approx(300 / 500)
    assert at.shrinkage(t) == pytest.approx(100 / 500)
    assert at.shrinkage_split(t) == pytest.approx((60 / 500, 40 / 500))
    assert at.shrinkage_split(t, frozenset()) == pytest.approx((0.0, 100 / 500))
    assert dict(at.not_ready_by_reason(t)) == {"lunch": 60.0, at.NO_REASON: 40.0}
    empty = at.AgentTime()
    assert (at.occupancy(empty), at.utilisation(empty), at.shrinkage(empty)) == (None, None, None)


def _survey(kind: str, lo: int, hi: int, scores: list[int]) -> customer.SurveyCounts:
    return customer.SurveyCounts(
        kind=kind,
        scale_min=lo,
        scale_max=hi,
        responses=len(scores),
        score_sum=float(sum(scores)),
        top_two=sum(s >= hi - 1 for s in scores),
        promoters=sum(s >= 9 for s in scores),
        detractors=sum(s <= 6 for s in scores),
    )


def test_survey_metrics_never_average_across_scales() -> None:
    m = customer.survey_metrics([_survey("csat", 1, 5, [5, 4, 3, 1]), _survey("csat", 1, 10, [10, 2])])
    assert (m.csat, m.csat_responses, m.csat_scale, m.csat_mean) == (3 / 6, 6, "mixed", None)
    nps = customer.survey_metrics([_survey("nps", 0, 10, [10, 10, 7, 0, 3])])
    assert (nps.nps, nps.nps_responses) == (pytest.approx(0.0), 5)
    none = customer.survey_metrics([])
    assert (none.csat, none.nps, none.ces, none.ces_scale) == (None, None, None, None)
    assert customer.fcr(3, 4) == 0.75 and customer.repeat_contact_rate(3, 4) == 0.25
    assert customer.fcr(0, 0) is None and customer.repeat_contact_rate(0, 0) is None
