"""The overview's tiles, the period cubes behind them and the contact list behind a number,
on both warehouses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import dashboard, service, target_service
from floorwalker.metrics.schemas import TargetCreate
from tests import factories as f

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday; London is on UTC in November
TODAY = date(2026, 11, 18)


def _center(stores, db):
    """LON with queues sales and care; agent A1 in team Alpha, B1 in team Beta. Today: sales
    3 answered by A1 within T and 1 abandoned after 30 s at 10:20; care 2 answered by B1 after 40 s.
    Yesterday (Tuesday): sales 2 answered by A1. The 8 Tuesdays before: 10 answered each."""
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="sales", sl_threshold_s=20, short_abandon_s=5)
    f.queue(db, site.id, code="care", sl_threshold_s=20, short_abandon_s=5)
    alpha = f.team(db, site.id, name="Alpha")
    beta = f.team(db, site.id, name="Beta")
    a = f.employee(db, site.id, alpha.id, agent_code="A1")
    b = f.employee(db, site.id, beta.id, agent_code="B1")
    answered = {
        "outcome": "answered",
        "wait_s": 10,
        "talk_s": 100,
        "hold_s": 0,
        "wrapup_s": 20,
        "agent": "A1",
    }
    with stores.warehouse.begin() as conn:
        today = datetime(2026, 11, 18, 10, 0)
        f.load_contacts(conn, f.contact_rows("LON", "sales", today, [answered] * 3 + [
            {"outcome": "abandoned", "wait_s": 30, "offset_s": 1200}]))  # fmt: skip
        f.load_contacts(conn, f.contact_rows("LON", "care", today, [
            {**answered, "agent": "B1", "wait_s": 40, "offset_s": 60}] * 2))  # fmt: skip
        f.load_contacts(conn, f.contact_rows("LON", "sales", datetime(2026, 11, 17, 9, 0), [answered] * 2))
        for week in range(1, 9):
            day = datetime(2026, 11, 17, 9, 0) - timedelta(weeks=week)
            f.load_contacts(conn, f.contact_rows("LON", "sales", day, [answered] * 10))
    return site, a, b


def test_period_cubes_equal_one_cube_per_period(stores, db) -> None:
    _center(stores, db)
    periods = dashboard.period_ranges(TODAY)
    periods["last_8_weeks"] = (date(2026, 9, 22), TODAY)
    groupings = [("site", "queue"), ("site",), ("team",), ("agent", "queue")]
    with stores.warehouse.connect() as wh:
        folded = service.period_cubes(
            db, wh, SYSTEM, service.CubeRequest(start=date(2026, 9, 1), end=TODAY), periods, groupings
        )
        for grouping in groupings:
            for name, (start, end) in periods.items():
                direct = service.cube(db, wh, SYSTEM, service.CubeRequest(start=start, end=end, by=grouping))
                assert folded[(grouping, name)] == direct, (grouping, name)
    assert folded[(("site",), "today")][0]["offered"] == 6
    assert folded[(("site",), "last_8_weeks")][0]["offered"] == 88


def test_overview_tiles_status_trends_and_anomaly(stores, db) -> None:
    _center(stores, db)
    target_service.create_target(db, SYSTEM, TargetCreate(kpi="service_level", goal=0.80))
    target_service.create_target(db, SYSTEM, TargetCreate(kpi="abandon_rate", goal=0.05))
    target_service.create_target(
        db, SYSTEM, TargetCreate(kpi="service_level", goal=0.5, scope_kind="queue", scope_code="care")
    )
    with stores.warehouse.connect() as wh:
        (view,) = dashboard.overview(db, wh, SYSTEM, NOW)
    periods = {p.key: p for p in view.periods}
    assert list(periods) == ["today", "yesterday", "week_to_date", "month_to_date"]
    assert periods["week_to_date"].start == date(2026, 11, 16)
    assert periods["month_to_date"].previous == (date(2026, 10, 1), date(2026, 10, 18))
    today = {t.kpi: t for t in periods["today"].tiles}
    # 6 offered, 3 answered within 20 s (care's waited 40 s), no short abandons: SL 3/6.
    assert today["offered"].value == 6
    assert today["service_level"].value == pytest.approx(0.5) and today["service_level"].status == "red"
    assert today["abandon_rate"].value == pytest.approx(1 / 6) and today["abandon_rate"].status == "red"
    assert today["offered"].status is None  # no target on volume
    # Yesterday is the comparison: SL 1.0 → 0.5 is −50 points; a count of today so far is not compared.
    assert today["service_level"].vs_previous.absolute == pytest.approx(-0.5)
    assert today["offered"].vs_previous.absolute is None
    assert today["service_level"].vs_last_year.absolute is None  # no data a year ago
    assert len(today["offered"].spark) == dashboard.SPARK_DAYS and today["offered"].spark[-1] == 6
    yesterday = {t.kpi: t for t in periods["yesterday"].tiles}
    assert yesterday["offered"].value == 2 and yesterday["service_level"].status == "green"
    assert yesterday["offered"].anomaly == "low"  # the 8 Tuesdays before had 10 each
    assert yesterday["offered"].band is not None and yesterday["offered"].band.median == 10
    assert yesterday["service_level"].anomaly is None
    assert today["offered"].anomaly is None  # today is in progress: never flagged
    queues = {r["queue"]: r for r in periods["today"].queues}
    assert queues["care"]["status"]["service_level"] == "red"  # 0 of 2 within T against care's 0.5
    # 3 of 4 within T: 0.75 misses 0.80 by less than the default margin (0.08): amber.
    assert queues["sales"]["service_level"] == pytest.approx(0.75)
    assert queues["sales"]["status"]["service_level"] == "amber"


def test_overview_is_for_center_readers(stores, db) -> None:
    _, a, _ = _center(stores, db)
    agent = f.actor(db, f.user(db, "agent", employee_id=a.id))
    with stores.warehouse.connect() as wh, pytest.raises(PermissionDenied):
        dashboard.overview(db, wh, agent, NOW)


def test_contact_list_filters_and_agent_scope(stores, db) -> None:
    _, a, _ = _center(stores, db)
    with stores.warehouse.connect() as wh:

        def listed(actor=SYSTEM, **kw):
            chosen = service.ContactFilter(start=TODAY, end=TODAY, **kw)
            return service.contact_list(db, wh, actor, chosen, limit=None)

        rows, total = listed()
        assert total == 6 and len(rows) == 6
        assert rows[0]["arrived_local"] >= rows[-1]["arrived_local"]  # newest first
        assert listed(queues=("sales",), outcome="answered")[1] == 3
        assert listed(outcome="abandoned")[1] == 1
        assert listed(teams=("Beta",))[1] == 2
        assert listed(interval="2026-11-18T10:00:00+00:00", interval_s=900)[1] == 5  # the abandon is 10:20
        assert listed(interval="2026-11-18T10:00:00+01:00", interval_s=900)[1] == 0  # other offset
        page, total = service.contact_list(
            db, wh, SYSTEM, service.ContactFilter(start=TODAY, end=TODAY), offset=4, limit=4
        )
        assert total == 6 and len(page) == 2
        with pytest.raises(InvalidInput) as caught:
            listed(outcome="lost")
        assert caught.value.field == "outcome"
        with pytest.raises(InvalidInput):
            listed(interval="10 o'clock")

        agent = f.actor(db, f.user(db, "agent", employee_id=a.id))
        own, total = listed(agent)
        assert total == 3 and {r["agent"] for r in own} == {"A1"}
        with pytest.raises(PermissionDenied):
            listed(agent, agents=("B1",))


def test_the_overview_cache_sees_imports_and_target_changes(stores, db, monkeypatch) -> None:
    from floorwalker.contacts.models import imports
    from floorwalker.metrics import cache

    _center(stores, db)
    monkeypatch.setattr(cache, "VERSION_TTL_S", 0.0)  # each request reads the data version
    cache.overview_cache.clear()

    def offered_today():
        with stores.warehouse.connect() as wh:
            (view,) = dashboard.overview_cached(db, wh, SYSTEM, NOW)
        return view.periods[0].tiles[0].value

    assert offered_today() == 6
    hits = cache.overview_cache.hits
    assert (
        offered_today() == 6 and cache.overview_cache.hits == hits + 1
    )  # same minute: served from the cache
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON", "sales", datetime(2026, 11, 18, 11, 0), [{"outcome": "abandoned", "wait_s": 50}]
            ),
        )
        conn.execute(
            imports.insert().values(
                import_id=1,
                kind="contacts",
                source="test",
                files="x.csv",
                username="t",
                started_at=datetime(2026, 11, 18),
                finished_at=datetime(2026, 11, 18, 14, 59),
                status="loaded",
                lines=1,
                contacts=1,
                agent_states=0,
                surveys=0,
                rejected=0,
                duplicates=0,
                incomplete=0,
                unknown_events="{}",
            )
        )
    assert offered_today() == 7  # an import invalidates at once
    with stores.warehouse.connect() as wh:
        (view,) = dashboard.overview_cached(db, wh, SYSTEM, NOW)
    assert view.periods[0].tiles[1].status is None
    target_service.create_target(db, SYSTEM, TargetCreate(kpi="service_level", goal=0.80))
    with stores.warehouse.connect() as wh:
        (view,) = dashboard.overview_cached(db, wh, SYSTEM, NOW)
    assert view.periods[0].tiles[1].status == "red"  # a new target too (it is audited)
    with stores.warehouse.connect() as wh:
        (later,) = dashboard.overview_cached(db, wh, SYSTEM, NOW + timedelta(minutes=1))
    assert later is not view  # a new minute, a new computation


def test_the_data_version_is_reread_after_its_second_or_a_bump(stores, db, monkeypatch) -> None:
    from floorwalker.metrics import cache

    _center(stores, db)
    reads = []
    real = cache.data_version
    monkeypatch.setattr(cache, "data_version", lambda s, w: reads.append(1) or real(s, w))
    clock_s = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock_s[0])
    cache.bump()
    with stores.warehouse.connect() as wh:
        first = cache.recent_data_version(db, wh)
        clock_s[0] += 0.5
        assert cache.recent_data_version(db, wh) == first and len(reads) == 1
        target_service.create_target(db, SYSTEM, TargetCreate(kpi="csat", goal=0.85))  # bumps
        assert cache.recent_data_version(db, wh) != first and len(reads) == 2
        clock_s[0] += 1.0
        cache.recent_data_version(db, wh)
        assert len(reads) == 3


def test_interval_flags_compare_the_same_slot_of_the_same_weekday() -> None:
    from datetime import date, timedelta

    from floorwalker.metrics.dashboard import interval_flags

    day = date(2026, 11, 23)  # a Monday
    history = []
    for weeks_back, offered in zip(range(1, 9), [40, 42, 38, 41, 39, 40, 43, 37], strict=True):
        d = day - timedelta(weeks=weeks_back)
        history.append({"interval30": f"{d}T09:00:00+00:00", "offered": offered, "service_level": 0.8})
        # The same slot on a Tuesday must not count.
        history.append({"interval30": f"{d + timedelta(days=1)}T09:00:00+00:00", "offered": 500})
    today = [
        {"interval30": f"{day}T09:00:00+00:00", "offered": 90, "service_level": 0.81},
        {"interval30": f"{day}T09:30:00+00:00", "offered": 0, "service_level": None},
    ]
    flags = interval_flags(today, history, ["offered", "service_level"], "interval30", day)
    assert flags[0] == {"offered": "high", "service_level": None}
    # 09:30 has no history rows at all: 8 weeks of 0 offered, so 0 is usual; no rate band.
    assert flags[1] == {"offered": None, "service_level": None}


def test_the_overview_asa_tile_counts_voice_and_chat_only(stores, db) -> None:
    site = f.site(db, code="LON", time_zone="UTC")
    f.queue(db, site.id, code="calls", channel="voice")
    f.queue(db, site.id, code="mail", channel="email")
    at = datetime(2026, 11, 23, 10)
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn, f.contact_rows("LON", "calls", at, [{"outcome": "answered", "wait_s": 20, "talk_s": 60}])
        )
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON", "mail", at, [{"outcome": "answered", "wait_s": 7200, "talk_s": 60, "channel": "email"}]
            ),
        )
    with stores.warehouse.connect() as conn:
        (view,) = dashboard.overview(db, conn, SYSTEM, datetime(2026, 11, 24, 9, tzinfo=UTC))
    yesterday = next(p for p in view.periods if p.key == "yesterday")
    asa = next(t for t in yesterday.tiles if t.kpi == "asa_s")
    assert asa.value == 20.0  # not (20 + 7200) / 2
    assert asa.label == "ASA (voice, chat)"
