"""A queue's forecasting history read from the warehouse (both stores), and
`floorwalker forecast --queue` using it."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli import app
from floorwalker.errors import NotFound
from floorwalker.wfm import service
from tests import factories as f


def _load(stores, utc: datetime, offset_s: int, specs: list[dict]) -> None:
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, f.contact_rows("LON", "sales", utc, specs, utc_offset_s=offset_s))


def test_history_has_every_interval_of_each_local_day_including_a_dst_day(stores, db) -> None:
    site = f.site(db, code="LON", business_hours="mon-sun 00:00-24:00")
    f.queue(db, site.id, code="sales")
    # 29 March 2026: London springs forward at 01:00 UTC, a 23-hour day (46 half-hours).
    _load(
        stores, datetime(2026, 3, 29, 8, 10), 3600, [{"outcome": "answered", "wait_s": 5, "talk_s": 100}] * 2
    )
    _load(stores, datetime(2026, 3, 30, 0, 40), 3600, [{"outcome": "abandoned", "wait_s": 30}])
    with stores.warehouse.connect() as conn:
        points = service.warehouse_history(
            db, conn, SYSTEM, queue="sales", interval_min=30, start=date(2026, 3, 29), end=date(2026, 3, 30)
        )
    assert len(points) == 46 + 48
    busy = {p[0].isoformat(): (p[1], p[2]) for p in points if p[1]}
    assert busy == {"2026-03-29T09:00:00+01:00": (2.0, 100.0), "2026-03-30T01:30:00+01:00": (1.0, None)}
    assert points[0][0].isoformat() == "2026-03-29T00:00:00+00:00"
    with stores.warehouse.connect() as conn, pytest.raises(NotFound, match="no queue with code 'nope'"):
        service.warehouse_history(
            db, conn, SYSTEM, queue="nope", interval_min=30, start=date(2026, 3, 29), end=date(2026, 3, 30)
        )


def test_outside_business_hours_only_intervals_with_contacts_count(stores, db) -> None:
    site = f.site(db, code="LON")  # mon-fri 08:00-20:00
    f.queue(db, site.id, code="sales")
    _load(stores, datetime(2026, 3, 29, 8, 10), 3600, [{"outcome": "answered", "wait_s": 5, "talk_s": 100}])
    _load(stores, datetime(2026, 3, 30, 0, 40), 3600, [{"outcome": "abandoned", "wait_s": 30}])
    with stores.warehouse.connect() as conn:
        points = service.warehouse_history(
            db, conn, SYSTEM, queue="sales", interval_min=30, start=date(2026, 3, 29), end=date(2026, 3, 30)
        )
    sunday = [p for p in points if p[0].date() == date(2026, 3, 29)]
    assert [(p[0].strftime("%H:%M"), p[1]) for p in sunday] == [("09:00", 1.0)]  # closed on Sundays
    monday = [p for p in points if p[0].date() == date(2026, 3, 30)]
    assert len(monday) == 1 + 24  # the night-time abandon, then 08:00–20:00
    assert monday[0][0].strftime("%H:%M") == "01:30" and monday[1][0].strftime("%H:%M") == "08:00"


def test_forecast_cli_reads_the_queue_from_the_warehouse(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    site = f.site(db, code="LON", time_zone="UTC", business_hours="mon-sun 08:00-18:00")
    f.queue(db, site.id, code="sales")
    first = date(2026, 9, 1)
    for day in range(42):  # six weeks: 3 contacts at 09:00 and 1 at 10:00 every day
        at = datetime.combine(first + timedelta(days=day), datetime.min.time()).replace(hour=9)
        _load(stores, at, 0, [{"outcome": "answered", "wait_s": 5, "talk_s": 200}] * 3)
        _load(stores, at + timedelta(hours=1), 0, [{"outcome": "answered", "wait_s": 5, "talk_s": 200}])
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 13, 12, tzinfo=UTC))
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            "--queue",
            "sales",
            "--horizon-days",
            "2",
            "--history-days",
            "42",
            "--json",
            "--details",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["time_zone"] == "UTC"
    rows = {r["interval_start"]: r for r in payload["rows"]}
    assert rows["2026-10-13 09:00:00+00:00"]["contacts"] == pytest.approx(3.0, abs=0.5)
    assert rows["2026-10-14 10:00:00+00:00"]["contacts"] == pytest.approx(1.0, abs=0.5)
    assert rows["2026-10-13 09:00:00+00:00"]["aht_s"] == pytest.approx(200.0)
    both = CliRunner().invoke(
        app, ["forecast", "--queue", "sales", "--history", "x.csv", "--horizon-days", "2"]
    )
    assert both.exit_code == 2 and "give one of them" in both.output
