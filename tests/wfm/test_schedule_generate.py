"""`schedule generate` / `publish` on real stores (both): from a small generated history
to a stored draft that keeps every rule, then published."""

import json
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.cli import app
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import schedule_service
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from tests import factories as f

MANAGER = Actor(user_id=None, username="mia", role="manager")
SUPERVISOR = Actor(user_id=None, username="sam", role="supervisor")
FIRST = date(2026, 9, 7)
WEEK = date(2026, 10, 19)
KEYS = {
    "agents", "shifts", "under_coverage_agent_hours", "over_coverage_agent_hours", "objective",
    "bound", "gap", "rule_violations", "projected_service_level",
}  # fmt: skip


def history(stores, db, monkeypatch) -> list:
    """Five weeks, Monday–Friday 09:00–17:00, 4 answered contacts of 300 s each half-hour
    (UTC site); three 40 h agents and one 20 h agent."""
    site = f.site(db, code="LON", time_zone="UTC")
    f.queue(db, site.id, code="sales")
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 300}] * 4
    tables = []
    for day in range(35):
        d = FIRST + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for half in range(16):
            at = datetime.combine(d, datetime.min.time()) + timedelta(hours=9, minutes=30 * half)
            tables.append(f.contact_rows("LON", "sales", at, spec))
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, pa.concat_tables(tables))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 14, 12, tzinfo=UTC))
    return [f.employee(db, site.id, contract_hours_per_week=h) for h in (40, 40, 40, 20)]


def test_generate_stores_a_rule_abiding_draft_and_publish_audits(stores, db, monkeypatch) -> None:
    people = history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        out = schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=8, seed=1)
    assert set(out) >= KEYS  # the contract keys (more may follow)
    assert out["rule_violations"] == 0
    assert out["agents"] == 4
    assert 0 <= out["bound"] <= out["objective"] + 1e-9 and 0 <= out["gap"] <= 1
    assert 0 < out["projected_service_level"] <= 1
    (draft,) = db.scalars(select(Schedule)).all()
    assert (draft.status, draft.week_start, draft.rule_violations) == ("draft", WEEK, 0)
    rows = db.scalars(select(ScheduleShift)).all()
    assert len(rows) == 4 * 7  # every agent, every day: a shift or a day off
    work = [r for r in rows if r.kind == "work"]
    assert len(work) == out["shifts"]
    for r in work:
        assert r.start_utc is not None and r.end_utc is not None
        assert r.start_utc == r.start_local  # UTC site
        assert r.start_utc.date() == r.day
    paid = {p.agent_code: 0.0 for p in people}
    for r in work:
        acts = db.scalars(select(ScheduleActivity).where(ScheduleActivity.shift_id == r.id)).all()
        assert acts, "every default shift has at least one break"
        for a in acts:
            assert r.start_utc <= a.start_utc < a.end_utc <= r.end_utc
        unpaid = sum((a.end_utc - a.start_utc).total_seconds() for a in acts if not a.paid)
        paid[r.agent_code] += ((r.end_utc - r.start_utc).total_seconds() - unpaid) / 3600
    for p in people:  # contract hours − 4 h ≤ paid hours ≤ contract hours
        assert p.contract_hours_per_week - 4 <= paid[p.agent_code] <= p.contract_hours_per_week
    # a second run replaces the draft
    with stores.warehouse.connect() as wh:
        schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=5, seed=1)
    assert [s.status for s in db.scalars(select(Schedule))] == ["draft"]
    published = schedule_service.publish_week(db, MANAGER, "LON", WEEK)
    assert published["superseded"] == []
    with pytest.raises(NotFound, match="no draft"):
        schedule_service.publish_week(db, MANAGER, "LON", WEEK)
    actions = sorted(
        a for (a,) in db.execute(select(AuditEntry.action).where(AuditEntry.entity == "schedule"))
    )
    assert actions == ["generate", "generate", "publish"]


def test_generate_refuses_supervisors_and_bad_weeks(stores, db, monkeypatch) -> None:
    history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        with pytest.raises(PermissionDenied):
            schedule_service.generate_week(db, wh, SUPERVISOR, "LON", WEEK)
        with pytest.raises(InvalidInput, match="not a Monday"):
            schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK + timedelta(days=1))
        with pytest.raises(NotFound, match="no site"):
            schedule_service.generate_week(db, wh, MANAGER, "NOPE", WEEK)


def test_generate_and_publish_cli(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    history(stores, db, monkeypatch)
    run = CliRunner().invoke(
        app, ["schedule", "generate", "--week", "2026-10-19", "--time-limit-s", "5", "--seed", "3", "--json"]
    )
    assert run.exit_code == 0, run.output
    payload = json.loads(run.output)
    assert set(payload) >= KEYS and payload["rule_violations"] == 0 and payload["shifts"] > 0
    assert isinstance(payload["gap"], float) and isinstance(payload["projected_service_level"], float)
    run = CliRunner().invoke(app, ["schedule", "publish", "--week", "2026-10-19", "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["site"] == "LON"
    bad = CliRunner().invoke(app, ["schedule", "generate", "--week", "2026-10-20", "--json"])
    assert bad.exit_code == 2 and "not a Monday" in bad.output


def test_leave_credit_counts_a_fifth_of_the_week_per_day_touched() -> None:
    from floorwalker.wfm.scheduling.week import Person, leave_credit

    assert leave_credit(Person("a", 40, ((1440, 2 * 1440),))) == 480
    assert leave_credit(Person("a", 40, ((1440 + 600, 2 * 1440 + 60),))) == 960  # touches Tue and Wed
    assert leave_credit(Person("a", 20, tuple((d * 1440, d * 1440 + 60) for d in range(7)))) == 1200  # capped
    assert leave_credit(Person("a", 40)) == 0


def test_approved_time_off_is_kept_free_when_the_week_is_generated(stores, db, monkeypatch) -> None:
    from floorwalker.wfm.models import TimeOffRequest

    people = history(stores, db, monkeypatch)
    tue, thu = datetime(2026, 10, 20), datetime(2026, 10, 22)
    db.add(TimeOffRequest(
        employee_id=people[0].id, start_utc=tue, end_utc=thu, start_local=tue, end_local=thu,
        reason="holiday", status="approved", created_by="al", created_at=tue, note="",
    ))  # fmt: skip
    db.commit()
    with stores.warehouse.connect() as wh:
        out = schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=5, seed=1)
    assert out["rule_violations"] == 0
    rows = db.scalars(
        select(ScheduleShift).where(ScheduleShift.employee_id == people[0].id, ScheduleShift.kind == "work")
    ).all()
    assert rows and all(r.start_utc >= thu or r.end_utc <= tue for r in rows)
    hours = sum((r.end_utc - r.start_utc).total_seconds() / 3600 - 0.5 * (r.template == "full") for r in rows)
    assert 40 - 16 - 4 <= hours <= 40 - 16  # two days of leave count 16 of the 40 contract hours
