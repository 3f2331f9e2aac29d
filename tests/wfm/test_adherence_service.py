"""Adherence of a published day against warehouse agent states (both stores), and the CLI."""

import json
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from floorwalker.auth.permissions import Actor
from floorwalker.cli import app
from floorwalker.errors import NotFound
from floorwalker.wfm import adherence_service
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from tests import factories as f

DAY = date(2026, 10, 20)
NINE = datetime(2026, 10, 20, 9)
MANAGER = Actor(user_id=None, username="mia", role="manager")


def _published(db, stores):
    """A UTC site; ann (team Red) and bob (team Blue) work 09:00–13:00 with a 15-minute
    break at 11:00. ann keeps to it; bob logs in 10 minutes late and takes 25 minutes."""
    site = f.site(db, code="LON", time_zone="UTC")
    red, blue = f.team(db, site.id, name="Red"), f.team(db, site.id, name="Blue")
    ann = f.employee(db, site.id, red.id, agent_code="ann")
    bob = f.employee(db, site.id, blue.id, agent_code="bob")
    sched = Schedule(
        site_id=site.id, week_start=date(2026, 10, 19), status="published", time_zone="UTC",
        interval_min=30, objective=0, bound=0, gap=0, solver_status="optimal", under_agent_hours=0,
        over_agent_hours=0, rule_violations=0, projected_sl=None, intervals=[], created_by="mia",
        created_at=NINE,
    )  # fmt: skip
    db.add(sched)
    db.flush()
    for e in (ann, bob):
        shift = ScheduleShift(
            schedule_id=sched.id, employee_id=e.id, agent_code=e.agent_code, day=DAY, kind="work",
            template="part", start_utc=NINE, end_utc=NINE + timedelta(hours=4),
            start_local=NINE, end_local=NINE + timedelta(hours=4),
        )  # fmt: skip
        db.add(shift)
        db.flush()
        b = NINE + timedelta(hours=2)
        db.add(ScheduleActivity(shift_id=shift.id, kind="break", name="break", paid=True, start_utc=b,
                                end_utc=b + timedelta(minutes=15), start_local=b,
                                end_local=b + timedelta(minutes=15)))  # fmt: skip
    db.commit()
    with stores.warehouse.begin() as conn:
        f.load_agent_states(conn, f.agent_state_rows("LON", "ann", NINE - timedelta(minutes=5), [
            ("available", None, 125 * 60), ("not_ready", "break", 15 * 60), ("on_contact", None, 105 * 60),
            ("logged_out", None, 600),
        ]))  # fmt: skip
        f.load_agent_states(conn, f.agent_state_rows("LON", "bob", NINE + timedelta(minutes=10), [
            ("available", None, 110 * 60), ("not_ready", "break", 25 * 60), ("available", None, 95 * 60),
        ]))  # fmt: skip
    return red


def test_day_adherence_per_agent(stores, db) -> None:
    red = _published(db, stores)
    with stores.warehouse.connect() as wh:
        rows = {r["agent"]: r for r in adherence_service.day_adherence(db, wh, MANAGER, DAY)}
        assert set(rows) == {"ann", "bob"}
        ann, bob = rows["ann"], rows["bob"]
        assert (ann["scheduled_min"], ann["adherent_min"], ann["adherence"], ann["exceptions"]) == (
            240,
            240,
            1.0,
            [],
        )
        # worked 5 minutes before the shift too: 230 / 225
        assert ann["conformance"] == pytest.approx(round(230 / 225, 4))
        # bob: 10 late, 10 over his break → 220 adherent; worked 110 + 95 = 205 of 225
        assert (bob["adherent_min"], bob["adherence"]) == (220, round(220 / 240, 4))
        assert bob["conformance"] == pytest.approx(round(205 / 225, 4))
        assert [(e["kind"], e["minutes"]) for e in bob["exceptions"]] == [
            ("late_login", 10),
            ("long_break", 10),
        ]
        assert bob["exceptions"][1]["start_utc"] == "2026-10-20T11:15:00"
        only_red = adherence_service.day_adherence(db, wh, MANAGER, DAY, team="Red")
        assert [r["agent"] for r in only_red] == ["ann"]
        supervisor = Actor(user_id=None, username="sue", role="supervisor", team_ids=frozenset({red.id}))
        assert [r["agent"] for r in adherence_service.day_adherence(db, wh, supervisor, DAY)] == ["ann"]
        agent = Actor(user_id=None, username="al", role="agent", employee_id=None)
        assert adherence_service.day_adherence(db, wh, agent, DAY) == []
        assert adherence_service.day_adherence(db, wh, MANAGER, DAY + timedelta(days=1)) == []
        with pytest.raises(NotFound, match="--team"):
            adherence_service.day_adherence(db, wh, MANAGER, DAY, team="Green")


def test_adherence_cli(stores, db, monkeypatch) -> None:
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    _published(db, stores)
    run = CliRunner().invoke(
        app, ["schedule", "adherence", "--date", "2026-10-20", "--team", "Blue", "--json"]
    )
    assert run.exit_code == 0, run.output
    (bob,) = json.loads(run.output)
    assert set(bob) == {"agent", "scheduled_min", "adherent_min", "adherence", "conformance", "exceptions"}
    assert bob["agent"] == "bob" and bob["adherent_min"] == 220
    bad = CliRunner().invoke(app, ["schedule", "adherence", "--date", "yesterday", "--json"])
    assert bad.exit_code == 2 and "--date" in bad.output
    unknown = CliRunner().invoke(app, ["schedule", "adherence", "--date", "2026-10-20", "--team", "Green"])
    assert unknown.exit_code == 2 and "no team named 'Green'" in unknown.output


def test_out_of_adherence_now(stores, db) -> None:
    _published(db, stores)
    with stores.warehouse.connect() as wh:
        at_905 = adherence_service.out_of_adherence_now(db, wh, MANAGER, NINE + timedelta(minutes=5))
        assert at_905 == [{"agent": "bob", "scheduled": "work", "state": "logged_out", "since_utc": None}]
        in_break = adherence_service.out_of_adherence_now(
            db, wh, MANAGER, NINE + timedelta(hours=2, minutes=5)
        )
        assert in_break == []  # both on their break, not ready
        late_back = adherence_service.out_of_adherence_now(
            db, wh, MANAGER, NINE + timedelta(hours=2, minutes=20)
        )
        assert late_back == [
            {
                "agent": "bob",
                "scheduled": "work",
                "state": "not_ready",
                "since_utc": NINE + timedelta(hours=2),
            }
        ]
        assert adherence_service.out_of_adherence_now(db, wh, MANAGER, NINE + timedelta(hours=5)) == []
