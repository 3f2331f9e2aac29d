"""Intraday: reforecast by the ratio of actual to forecast so far (pure and on both stores)."""

from datetime import date, datetime, timedelta

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
