"""Forecast versions, overrides, accuracy and week requirements on real stores (both)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.cli import app
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import service
from floorwalker.wfm import versions_service as versions
from tests import factories as f

MANAGER = Actor(user_id=None, username="mia", role="manager")
SUPERVISOR = Actor(user_id=None, username="sam", role="supervisor")
AGENT = Actor(user_id=None, username="al", role="agent")
FIRST = date(2026, 9, 1)


def _load(stores, at: datetime, n: int) -> None:
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 200}] * n
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, f.contact_rows("LON", "sales", at, spec))


def _history(stores, db, monkeypatch, now: datetime = datetime(2026, 10, 13, 12, tzinfo=UTC)) -> None:
    """Six weeks: 3 contacts at 09:00 and 1 at 10:00 every day (UTC site), AHT 200 s."""
    site = f.site(db, code="LON", time_zone="UTC")
    f.queue(db, site.id, code="sales")
    for day in range(42):
        at = datetime.combine(FIRST + timedelta(days=day), datetime.min.time()).replace(hour=9)
        _load(stores, at, 3)
        _load(stores, at + timedelta(hours=1), 1)
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: now)


def _save(db, stores, horizon: int = 3) -> int:
    with stores.warehouse.connect() as wh:
        return versions.create_version(
            db, wh, MANAGER, queue="sales", horizon_days=horizon, method="weighted_average", history_days=42
        ).id


def test_a_version_is_saved_listed_and_overridden_with_the_original_kept(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    vid = _save(db, stores)
    (listed,) = versions.list_versions(db, SUPERVISOR, "sales")
    assert (listed["id"], listed["method"], listed["history_end"], listed["created_by"]) == (
        vid, "weighted_average", "2026-10-12", "mia",
    )  # fmt: skip
    rows = {r.start: r for r in versions.adjusted_rows(db, SUPERVISOR, vid)}
    nine = datetime(2026, 10, 13, 9)
    assert rows[nine].contacts == pytest.approx(3.0)
    assert rows[nine].aht_s == pytest.approx(200.0)
    assert rows[nine].lo <= 3.0 <= rows[nine].hi

    day = versions.add_override(db, MANAGER, vid, factor=2.0, reason="TV campaign", day=date(2026, 10, 13))
    versions.add_override(
        db, MANAGER, vid, factor=0.5, reason="system outage",
        start_local=datetime(2026, 10, 13, 10), end_local=datetime(2026, 10, 13, 11),
    )  # fmt: skip
    rows = {r.start: r for r in versions.adjusted_rows(db, SUPERVISOR, vid)}
    assert (rows[nine].contacts, rows[nine].original, rows[nine].factor) == pytest.approx((6.0, 3.0, 2.0))
    ten = rows[datetime(2026, 10, 13, 10)]
    assert (ten.contacts, ten.factor) == pytest.approx((1.0, 1.0))  # ×2 then ×0.5
    assert rows[datetime(2026, 10, 14, 9)].factor == 1.0

    versions.remove_override(db, MANAGER, day.id)
    rows = {r.start: r for r in versions.adjusted_rows(db, SUPERVISOR, vid)}
    assert rows[nine].contacts == pytest.approx(3.0)
    kept = versions.all_overrides(db, SUPERVISOR, vid)
    assert [(o.reason, o.removed_by) for o in kept] == [("TV campaign", "mia"), ("system outage", None)]
    actions = [
        a for (a,) in db.execute(select(AuditEntry.action).where(AuditEntry.entity == "forecast_version"))
    ]
    assert sorted(actions) == ["create", "override", "override", "remove_override"]


def test_roles_and_bad_overrides(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh, pytest.raises(PermissionDenied):
        versions.create_version(db, wh, SUPERVISOR, queue="sales", horizon_days=2)
    vid = _save(db, stores, horizon=1)
    with pytest.raises(PermissionDenied):
        versions.add_override(db, SUPERVISOR, vid, factor=1.1, reason="x", day=date(2026, 10, 13))
    with pytest.raises(PermissionDenied):
        versions.list_versions(db, AGENT)
    with pytest.raises(InvalidInput, match="why"):
        versions.add_override(db, MANAGER, vid, factor=1.1, reason=" ", day=date(2026, 10, 13))
    with pytest.raises(InvalidInput, match="factor"):
        versions.add_override(db, MANAGER, vid, factor=-1, reason="x", day=date(2026, 10, 13))
    with pytest.raises(InvalidInput, match="end must be after"):
        versions.add_override(
            db, MANAGER, vid, factor=1.1, reason="x",
            start_local=datetime(2026, 10, 13, 11), end_local=datetime(2026, 10, 13, 10),
        )  # fmt: skip
    with pytest.raises(NotFound):
        versions.remove_override(db, MANAGER, 999)
    with stores.warehouse.connect() as wh, pytest.raises(NotFound, match="nope"):
        versions.create_version(db, wh, MANAGER, queue="nope", horizon_days=2)


def test_accuracy_by_horizon_against_the_warehouse(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    vid = _save(db, stores, horizon=3)
    # What happened: 13 Oct (horizon 1) twice the usual 09:00 volume; 14 Oct as usual.
    _load(stores, datetime(2026, 10, 13, 9), 6)
    _load(stores, datetime(2026, 10, 13, 10), 1)
    _load(stores, datetime(2026, 10, 14, 9), 3)
    _load(stores, datetime(2026, 10, 14, 10), 1)
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 15, 8, tzinfo=UTC))
    with stores.warehouse.connect() as wh:
        result = versions.accuracy(db, wh, SUPERVISOR, vid)
    assert [a.horizon_days for a in result] == [1, 2]  # 15 Oct is not over yet
    h1, h2 = result
    assert (h1.actual, h1.forecast) == pytest.approx((7.0, 4.0))
    assert (h1.wape, h1.bias) == pytest.approx((3 / 7, -3 / 7))
    assert (h2.wape, h2.bias) == pytest.approx((0.0, 0.0), abs=1e-9)
    # The manager's ×2 on the 9 o'clock interval of the 13th: 6 forecast vs 6 actual.
    versions.add_override(
        db, MANAGER, vid, factor=2.0, reason="campaign",
        start_local=datetime(2026, 10, 13, 9), end_local=datetime(2026, 10, 13, 9, 30),
    )  # fmt: skip
    with stores.warehouse.connect() as wh:
        payload = versions.accuracy_dict(versions.accuracy(db, wh, SUPERVISOR, vid))
    first = payload["by_horizon"][0]
    assert (first["wape"], first["original_wape"]) == pytest.approx((0.0, 3 / 7), abs=1e-6)
    assert payload["wape"] == pytest.approx(0.0, abs=1e-6)


def test_week_requirements_from_a_saved_version_match_erlang_c(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    vid = _save(db, stores, horizon=14)
    service.set_queue_plan(
        db,
        MANAGER,
        "sales",
        target_sl=0.8,
        max_occupancy=None,
        planned_shrinkage=0.2,
        unplanned_shrinkage=0.1,
    )
    with stores.warehouse.connect() as wh:
        week = service.week_requirements(db, wh, SUPERVISOR, "LON", date(2026, 10, 19))
        plain = service.requirements_for_week(db, wh, SUPERVISOR, "LON", date(2026, 10, 19))
    assert week.queues[0]["forecast_version_id"] == vid
    by_start = {r["interval_start_utc"]: r for r in plain}
    # 3 contacts × 200 s in 30 min, 80% in 20 s: the erlang-c CLI says 2 agents, 3 scheduled.
    nine = by_start["2026-10-19T09:00:00"]
    assert nine == {
        "interval_start_utc": "2026-10-19T09:00:00", "interval_start_local": "2026-10-19T09:00:00+00:00",
        "queue": "sales", "agents": 2, "scheduled_agents": 3,
    }  # fmt: skip
    # 1 contact: a = 0.111 E; one agent: SL = 1 − 0.111·e^(−0.889·20/200) = 0.898 ≥ 0.8.
    assert by_start["2026-10-19T10:00:00"]["agents"] == 1
    days = {r["interval_start_utc"][:10] for r in plain}
    assert days == {(date(2026, 10, 19) + timedelta(days=i)).isoformat() for i in range(7)}
    with stores.warehouse.connect() as wh, pytest.raises(InvalidInput, match="not a Monday"):
        service.week_requirements(db, wh, SUPERVISOR, "LON", date(2026, 10, 20))


def test_week_without_a_version_is_built_for_a_manager_only(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh, pytest.raises(NotFound, match="a manager must save one"):
        service.week_requirements(db, wh, SUPERVISOR, "LON", date(2026, 10, 19))
    with pytest.raises(PermissionDenied):
        service.set_queue_plan(db, SUPERVISOR, "sales", target_sl=0.9)
    with pytest.raises(InvalidInput, match="target_sl"):
        service.set_queue_plan(db, MANAGER, "sales", target_sl=1.5)


def test_staffing_requirements_cli(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    _history(stores, db, monkeypatch)
    _save(db, stores, horizon=14)
    out = CliRunner().invoke(
        app, ["staffing", "requirements", "--week", "2026-10-21", "--site", "LON", "--json"]
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["week"] == "2026-10-19"
    (queue,) = payload["queues"]
    assert queue["queue"] == "sales" and queue["model"] == "erlang_c"
    nine = next(r for r in queue["intervals"] if r["interval_start_utc"] == "2026-10-19T09:00:00")
    assert (nine["agents"], nine["contacts"]) == (2, 3.0)
    bad = CliRunner().invoke(app, ["staffing", "requirements", "--week", "next week", "--json"])
    assert bad.exit_code == 2 and "--week" in bad.output


def test_forecast_save_versions_accuracy_and_settings_cli(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    _history(stores, db, monkeypatch)
    run = CliRunner().invoke
    saved = run(app, ["forecast", "save", "--queue", "sales", "--horizon-days", "2", "--method",
                      "weighted_average", "--history-days", "42", "--json"])  # fmt: skip
    assert saved.exit_code == 0, saved.output
    vid = json.loads(saved.output)["id"]
    listed = json.loads(run(app, ["forecast", "versions", "--queue", "sales", "--json"]).output)
    assert [v["id"] for v in listed] == [vid]
    _load(stores, datetime(2026, 10, 13, 9), 3)
    _load(stores, datetime(2026, 10, 13, 10), 2)
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 14, 8, tzinfo=UTC))
    acc = json.loads(run(app, ["forecast", "accuracy", "--version", str(vid), "--json"]).output)
    # Day 1: 3 + 1 forecast against 3 + 2 actual: WAPE 1/5, bias −1/5.
    assert acc["by_horizon"][0]["wape"] == pytest.approx(0.2) and acc["bias"] == pytest.approx(-0.2)
    args = ["staffing", "settings", "--queue", "sales", "--model", "erlang_a", "--patience-s", "90", "--json"]
    setting = run(app, args)
    assert setting.exit_code == 0, setting.output
    assert json.loads(setting.output)["model"] == "erlang_a"
    bad = run(app, ["staffing", "settings", "--queue", "sales", "--target-sl", "2"])
    assert bad.exit_code == 2 and "target_sl" in bad.output
    bad = run(app, ["forecast", "save", "--queue", "nope", "--horizon-days", "2"])
    assert bad.exit_code != 0 and "nope" in bad.output


def test_a_forecast_covering_part_of_the_week_is_used_and_said(stores, db, monkeypatch) -> None:
    _history(stores, db, monkeypatch)
    _save(db, stores, horizon=3)  # Tue 13 – Thu 15 Oct: part of the week of Monday 12 Oct
    with stores.warehouse.connect() as wh:
        week = service.week_requirements(db, wh, SUPERVISOR, "LON", date(2026, 10, 12))
    assert week.notes == [
        {"queue": "sales", "reason": "the newest saved forecast covers only part of the week of 2026-10-12"}
    ]
    assert {r.interval_start.date() for r in week.requirements} == {date(2026, 10, d) for d in (13, 14, 15)}
    _save(db, stores, horizon=14)
    with stores.warehouse.connect() as wh:
        full = service.week_requirements(db, wh, SUPERVISOR, "LON", date(2026, 10, 12))
    assert full.notes == [] and len({r.interval_start.date() for r in full.requirements}) == 6
