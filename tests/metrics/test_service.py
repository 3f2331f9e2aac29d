"""The overview's numbers computed from stored contacts, on both warehouses."""

from datetime import UTC, datetime

import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.errors import PermissionDenied
from floorwalker.metrics import service
from tests import factories as f

NOW = datetime(2026, 7, 15, 14, 0, tzinfo=UTC)  # 15:00 in London (BST)


def _row(overview, queue, period):
    return next(r for r in overview.rows if r.queue == queue and r.period == period)


def test_overview_counts_today_and_yesterday_by_site_local_day(stores, db) -> None:
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="sales", sl_threshold_s=20, short_abandon_s=5)
    today_morning = datetime(2026, 7, 15, 8, 0)  # 09:00 local
    late_yesterday_local = datetime(2026, 7, 14, 23, 30)  # 00:30 on the 15th, local: today
    yesterday = datetime(2026, 7, 14, 10, 0)
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "sales",
                today_morning,
                [
                    {
                        "outcome": "answered",
                        "wait_s": 10,
                        "talk_s": 200,
                        "hold_s": 20,
                        "wrapup_s": 30,
                    },
                    {
                        "outcome": "answered",
                        "wait_s": 40,
                        "talk_s": 100,
                        "hold_s": 0,
                        "wrapup_s": 50,
                    },
                    {"outcome": "abandoned", "wait_s": 3},
                    {"outcome": "abandoned", "wait_s": 70},
                    {"outcome": "timeout", "wait_s": 300},
                    {"outcome": "incomplete", "wait_s": None},
                ],
                utc_offset_s=3600,
            ),
        )
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "sales",
                late_yesterday_local,
                [
                    {"outcome": "answered", "wait_s": 5, "talk_s": 60, "hold_s": 0, "wrapup_s": 0},
                ],
                utc_offset_s=3600,
            ),
        )
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "sales",
                yesterday,
                [
                    {"outcome": "answered", "wait_s": 100, "talk_s": 300},
                ],
                utc_offset_s=3600,
            ),
        )
    with stores.warehouse.connect() as conn:
        overview = service.overview(db, conn, SYSTEM, NOW)
    today = _row(overview, "sales", "today")
    assert str(today.day) == "2026-07-15"
    assert (
        today.offered,
        today.answered,
        today.abandoned,
        today.other_exits,
        today.incomplete,
    ) == (7, 3, 2, 1, 1)
    # default formula: A_T / (A + Ab + X − Ab_S) = 2 / (3 + 2 + 1 − 1)
    assert today.service_level == pytest.approx(2 / 5)
    assert today.asa_s == pytest.approx((10 + 40 + 5) / 3)
    # (Ab − Ab_S) / (O − Ab_S) = 1 / (7 − 1)
    assert today.abandon_rate == pytest.approx(1 / 6)
    assert today.aht_s == pytest.approx((250 + 150 + 60) / 3)
    assert today.aht_basis == "talk + hold + wrap-up"
    before = _row(overview, "sales", "yesterday")
    assert (before.offered, before.answered, before.service_level, before.aht_basis) == (
        1,
        1,
        0.0,
        "talk only",
    )


def test_queue_settings_drive_the_service_level(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(
        db,
        site.id,
        code="chat",
        channel="chat",
        sl_threshold_s=60,
        sl_formula="answered_within_over_answered",
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "chat",
                datetime(2026, 7, 15, 9, 0),
                [
                    {"outcome": "answered", "wait_s": 50, "talk_s": 100},
                    {"outcome": "answered", "wait_s": 61, "talk_s": 100},
                    {"outcome": "abandoned", "wait_s": 30},
                ],
            ),
        )
    with stores.warehouse.connect() as conn:
        row = _row(service.overview(db, conn, SYSTEM, NOW), "chat", "today")
    assert row.service_level == pytest.approx(0.5)
    assert row.sl_formula == "answered_within_over_answered"


def test_contacts_of_an_undefined_queue_are_shown_not_dropped(stores, db) -> None:
    f.site(db, code="LON")
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "mystery",
                datetime(2026, 7, 15, 9, 0),
                [{"outcome": "answered", "wait_s": 1, "talk_s": 10}],
            ),
        )
    with stores.warehouse.connect() as conn:
        row = _row(service.overview(db, conn, SYSTEM, NOW), "mystery", "today")
    assert row.offered == 1 and row.channel == "unknown"


def test_agents_get_no_center_overview_but_their_own_days(stores, db) -> None:
    site = f.site(db, code="LON")
    me = f.employee(db, site.id, agent_code="A77")
    other = f.employee(db, site.id, agent_code="A78")
    agent = f.actor(db, f.user(db, "agent", me.id))
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "q",
                datetime(2026, 7, 15, 9, 0),
                [
                    {"outcome": "answered", "wait_s": 1, "talk_s": 100, "agent": "A77"},
                    {"outcome": "answered", "wait_s": 1, "talk_s": 300, "agent": "A78"},
                ],
            ),
        )
    with stores.warehouse.connect() as conn:
        with pytest.raises(PermissionDenied):
            service.overview(db, conn, agent, NOW)
        (day,) = service.agent_days(db, conn, agent, me.id, [NOW.date()])
        assert (day.handled, day.aht_s) == (1, 100.0)
        with pytest.raises(PermissionDenied):
            service.agent_days(db, conn, agent, other.id, [NOW.date()])


def test_each_site_has_its_own_today(stores, db) -> None:
    london = f.site(db, code="LON", time_zone="Europe/London")
    sydney = f.site(db, code="SYD", time_zone="Australia/Sydney")
    f.queue(db, london.id, code="lon-q")
    f.queue(db, sydney.id, code="syd-q")
    # NOW is 14:00 UTC on 15 July: 15:00 in London, 00:00 on 16 July in Sydney.
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "SYD",
                "syd-q",
                datetime(2026, 7, 15, 13, 0),
                [{"outcome": "answered", "wait_s": 1, "talk_s": 10}],
            ),
        )  # 23:00 on the 15th in Sydney
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "lon-q",
                datetime(2026, 7, 15, 13, 0),
                [{"outcome": "answered", "wait_s": 1, "talk_s": 10}],
            ),
        )
    with stores.warehouse.connect() as conn:
        overview = service.overview(db, conn, SYSTEM, NOW)
    syd_today, syd_yesterday = _row(overview, "syd-q", "today"), _row(overview, "syd-q", "yesterday")
    assert (str(syd_today.day), syd_today.offered) == ("2026-07-16", 0)
    assert (str(syd_yesterday.day), syd_yesterday.offered) == ("2026-07-15", 1)
    lon_today = _row(overview, "lon-q", "today")
    assert (str(lon_today.day), lon_today.offered) == ("2026-07-15", 1)
