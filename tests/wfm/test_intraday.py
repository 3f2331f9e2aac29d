"""Intraday: reforecast by the ratio of actual to forecast so far (pure and on both stores)."""

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from floorwalker.auth.permissions import Actor
from floorwalker.wfm import intraday_service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.intraday import reforecast
from tests import factories as f
from tests.wfm.test_schedule_generate import history

MANAGER = Actor(user_id=None, username="mia", role="manager")


def test_reforecast_scales_the_rest_of_the_day() -> None:
    ratio, out = reforecast([10, 10, 20, 20], [15, 15, None, None])
    assert ratio == pytest.approx(1.5)
    assert out == pytest.approx([15, 15, 30, 30])
    assert reforecast([0, 5], [3, None]) == (1.0, [3, 5])  # nothing forecast so far: no scaling
    with pytest.raises(ValueError, match="one value per interval"):
        reforecast([1], [])


def test_intraday_scales_the_afternoon_by_the_morning(stores, db, monkeypatch) -> None:
    history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        versions.create_version(
            db, wh, MANAGER, queue="sales", horizon_days=14, method="weighted_average", history_days=35
        )
    day = date(2026, 10, 20)
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 300}] * 8
    tables = [
        f.contact_rows("LON", "sales", datetime(2026, 10, 20, 9) + timedelta(minutes=30 * i), spec)
        for i in range(4)
    ]
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, pa.concat_tables(tables))
    with stores.warehouse.connect() as wh:
        out = intraday_service.intraday(db, wh, MANAGER, "LON", day, datetime(2026, 10, 20, 11, 0))
    (queue,) = out["queues"]
    rows = {r["interval_start_utc"]: r for r in out["intervals"]}
    morning = [rows[datetime(2026, 10, 20, 9) + timedelta(minutes=30 * i)] for i in range(4)]
    assert [r["actual"] for r in morning] == [8, 8, 8, 8]
    expected = 32 / sum(r["forecast"] for r in morning)
    assert morning[0]["forecast"] > 0 and queue["ratio"] == pytest.approx(expected, rel=1e-2)
    eleven, three = rows[datetime(2026, 10, 20, 11)], rows[datetime(2026, 10, 20, 15)]
    assert eleven["actual"] is None  # 11:00–11:30 has not ended at 11:00
    assert three["reforecast"] == pytest.approx(expected * three["forecast"], rel=1e-2)
    assert three["required"] > 0 and three["scheduled"] is None and three["gap"] is None


def test_email_arriving_at_night_is_staffed_in_business_hours(stores, db, monkeypatch) -> None:
    """E-mail arrives round the clock; the site opens 09:00–17:00. The night's items wait for
    the morning (as in the week's requirement), so no agent is needed at night and the night
    shows no service level, while the working day carries the work."""
    site = f.site(db, code="LON", time_zone="UTC", business_hours="mon-fri 09:00-17:00")
    f.queue(db, site.id, code="mail", channel="email")
    spec = [{"outcome": "answered", "wait_s": 3600, "talk_s": 300}] * 3
    first = date(2026, 9, 14)
    tables = [
        f.contact_rows("LON", "mail", datetime.combine(first + timedelta(days=d), datetime.min.time())
                       + timedelta(minutes=30 * h), spec)
        for d in range(35) if (first + timedelta(days=d)).weekday() < 5 for h in range(48)
    ]  # fmt: skip
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, pa.concat_tables(tables))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 14, 12, tzinfo=UTC))
    with stores.warehouse.connect() as wh:
        versions.create_version(
            db, wh, MANAGER, queue="mail", horizon_days=14, method="weighted_average", history_days=35
        )
        out = intraday_service.intraday(db, wh, MANAGER, "LON", date(2026, 10, 20), datetime(2026, 10, 20, 0))
    rows = {r["interval_start_utc"].hour * 60 + r["interval_start_utc"].minute: r for r in out["intervals"]}
    night = [r for m, r in rows.items() if m < 9 * 60 or m >= 17 * 60]
    day = [r for m, r in rows.items() if 9 * 60 <= m < 17 * 60]
    assert all(r["reforecast"] > 0 for r in night)  # items do arrive at night …
    assert all(r["required"] == 0 and r["projected_service_level"] is None for r in night)
    assert sum(r["required"] for r in day) > 0  # … and are worked in the day
