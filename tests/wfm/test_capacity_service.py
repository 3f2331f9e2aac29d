"""Capacity plan on real stores (both): volume from the warehouse, staff and leavers from
the organisation, and `floorwalker capacity plan`."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from floorwalker.auth.permissions import Actor
from floorwalker.cli import app
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.wfm import capacity_service
from tests import factories as f

SUPERVISOR = Actor(user_id=None, username="sam", role="supervisor")


def _center(stores, db, monkeypatch) -> None:
    """Ten complete weeks (3 Aug – 11 Oct 2026) of 20 one-hour calls a day = 140 workload
    hours a week; six agents on 40 h, one of whom left on 1 June 2026."""
    site = f.site(db, code="LON", time_zone="UTC")
    f.queue(db, site.id, code="sales")
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 3600}] * 20
    with stores.warehouse.begin() as conn:
        for day in range(70):
            at = datetime(2026, 8, 3, 9) + timedelta(days=day)
            f.load_contacts(conn, f.contact_rows("LON", "sales", at, spec))
    for _ in range(5):
        f.employee(db, site.id, hire_date=date(2024, 1, 1))
    f.employee(db, site.id, hire_date=date(2024, 1, 1), status="leaver", leave_date=date(2026, 6, 1))
    f.employee(db, site.id, role="supervisor", hire_date=date(2024, 1, 1))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 13, 12, tzinfo=UTC))


def test_plan_from_the_stores(stores, db, monkeypatch) -> None:
    _center(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        plan = capacity_service.plan(db, wh, SUPERVISOR, months=6, site="LON")
    # 13 month-end snapshots 13 Oct 2025 … 13 Oct 2026: 6 heads in 8, 5 in 5; one leaver.
    assert plan["attrition"]["leavers_12m"] == 1
    assert plan["attrition"]["average_headcount"] == pytest.approx(73 / 13, abs=1e-3)
    assert plan["attrition"]["annualised"] == pytest.approx(13 / 73, abs=1e-6)
    assert plan["first_week"] == "2026-10-19"
    (queue,) = plan["queues"]
    assert (queue["aht_s"], queue["history_weeks"]) == (3600.0, 10)
    first = plan["weeks"][0]
    # 140 h / 0.85 occupancy / (1 − 0.3 default shrinkage) / 40 h = 5.882 FTE against 5.
    assert first["contacts"] == pytest.approx(140.0, abs=0.1)
    assert first["required_fte"] == pytest.approx(140 / 0.85 / 0.7 / 40, abs=1e-3)
    assert first["available_fte"] == pytest.approx(5.0)
    assert plan["hires"] >= 1 and plan["classes"][0]["start_week"] == "2026-10-19"
    with stores.warehouse.connect() as wh, pytest.raises(InvalidInput, match="6 to 18"):
        capacity_service.plan(db, wh, SUPERVISOR, months=3)
    with stores.warehouse.connect() as wh, pytest.raises(PermissionDenied):
        capacity_service.plan(db, wh, Actor(user_id=None, username="a", role="agent"))


def test_capacity_cli_what_if(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    _center(stores, db, monkeypatch)
    args = ["capacity", "plan", "--months", "12", "--site", "LON", "--attrition", "0",
            "--cost-per-hour", "20", "--json"]  # fmt: skip
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    base = json.loads(out.output)
    # No attrition, flat volume: one late class of 1 closes the 0.88 FTE gap for good.
    assert [(c["hires"], c["late"]) for c in base["classes"]] == [(1, True)]
    assert base["weeks"][0]["cost"] == pytest.approx(6 * 40 * 20)  # 5 agents + the trainee
    grown = json.loads(CliRunner().invoke(app, [*args[:-1], "--growth", "0.5", "--json"]).output)
    assert grown["hires"] > base["hires"] and grown["total_cost"] > base["total_cost"]
    bad = CliRunner().invoke(app, ["capacity", "plan", "--months", "30", "--json"])
    assert bad.exit_code == 2 and "6 to 18" in bad.output
