"""The demo center's cubes agree on the embedded warehouse and on PostgreSQL (the issue's
"DuckDB vs PostgreSQL equality on the demo data"): the same seed builds the same center
into each, and every cube below must come out the same, metric by metric.

The demo's seconds have fractions, and the two engines add doubles in different orders,
so floats are compared to 1e-9 relative; everything else must be equal."""

import math
import os
import secrets
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from floorwalker.auth.permissions import SYSTEM
from floorwalker.db import get_engine, operational_session
from floorwalker.demo.service import build_demo
from floorwalker.metrics import service
from floorwalker.metrics.service import CubeRequest
from floorwalker.settings import Settings, normalise_url

POSTGRES_URL = os.environ.get("FLOORWALKER_TEST_POSTGRES_URL")
NOW = datetime(2026, 10, 28, 12, 0, tzinfo=UTC)  # the week before spans the DST change of 25 Oct
FIRST, LAST = date(2026, 10, 21), date(2026, 10, 27)
REQUESTS = [
    CubeRequest(FIRST, LAST, by=("queue", "day"), customer=True),
    CubeRequest(FIRST, LAST, by=("channel", "interval15")),
    CubeRequest(FIRST, LAST, by=("team", "week"), agent_time=True, customer=True),
    CubeRequest(FIRST, LAST, by=("agent", "interval60"), agent_time=True),
    CubeRequest(FIRST, LAST, by=("queue", "disposition"), customer=True, fcr_same_reason=True),
]

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs FLOORWALKER_TEST_POSTGRES_URL")


def _cubes(settings: Settings) -> list[list[dict[str, Any]]]:
    build_demo(settings, seed=5, now=NOW, time_zone="Europe/London", days=10, force=True)
    with (
        operational_session(settings.resolved_database_url) as session,
        get_engine(settings.resolved_warehouse_url).connect() as conn,
    ):
        return [service.cube(session, conn, SYSTEM, r) for r in REQUESTS]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


@pytest.fixture(scope="module")
def postgres_demo_url():
    admin_url = make_url(normalise_url(POSTGRES_URL or ""))
    name = f"floorwalker_demo_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_demo_center_cubes_are_the_same_on_both_warehouses(tmp_path, postgres_demo_url) -> None:
    embedded = _cubes(Settings(data=tmp_path, database_url=None, warehouse_url=None))
    postgres = _cubes(
        Settings(data=tmp_path, database_url=postgres_demo_url, warehouse_url=postgres_demo_url)
    )
    for request, a, b in zip(REQUESTS, embedded, postgres, strict=True):
        assert len(a) == len(b) > 0, request.by
        for row_a, row_b in zip(a, b, strict=True):
            assert _same(row_a, row_b), (request.by, row_a, row_b)
    day_rows = embedded[0]
    assert sum(r["offered"] for r in day_rows) > 1000
    assert any(r["csat_responses"] for r in day_rows) and any(r["fcr"] is not None for r in day_rows)
    assert any(r["occupancy"] is not None for r in embedded[2])
