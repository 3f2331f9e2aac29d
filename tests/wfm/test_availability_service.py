"""Availability and preferences on both stores: who may read and change whose (agent self,
supervisor own teams, managers all), validation with the field named (422), audit; and
schedule generation that honours them, with the site split by skills into groups."""

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli import app
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org import schemas
from floorwalker.org import service as org_service
from floorwalker.org.models import Site
from floorwalker.wfm import availability_service as service
from floorwalker.wfm import schedule_service, schedule_view
from floorwalker.wfm.models import Schedule, ScheduleShift
from floorwalker.wfm.scheduling.rules import Preferences
from tests import factories as f
from tests.wfm.test_schedule_generate import FIRST, KEYS, MANAGER, WEEK, history


def _people(db):
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    mine = f.employee(db, site.id, team_id=team_a.id)
    other = f.employee(db, site.id, team_id=team_b.id)
    actors = {
        "agent": f.actor(db, f.user(db, "agent", employee_id=mine.id)),
        "sup": f.actor(db, f.user(db, "supervisor", employee_id=sup_a.id)),
        "manager": f.actor(db, f.user(db, "manager")),
        "qa": f.actor(db, f.user(db, "qa")),
    }
    return mine, other, actors


def test_scope_agent_self_supervisor_own_teams_manager_all(stores, db) -> None:
    mine, other, a = _people(db)
    added = service.add_pattern(db, a["agent"], None, "mon-fri 08:00-17:00")
    assert added["text"] == "mon-fri 08:00-17:00"
    assert service.get_availability(db, a["agent"])["availability"][0]["id"] == added["id"]
    with pytest.raises(PermissionDenied):
        service.get_availability(db, a["agent"], other.id)
    with pytest.raises(PermissionDenied):
        service.add_pattern(db, a["agent"], other.id, "mon 08:00-12:00")
    service.update_pattern(db, a["sup"], mine.id, added["id"], "mon-thu 08:00-17:00")
    with pytest.raises(PermissionDenied):
        service.set_preferences(db, a["sup"], other.id, days_off=["sun"], start_times=[])
    with pytest.raises(PermissionDenied):
        service.get_availability(db, a["qa"], mine.id)
    with pytest.raises(PermissionDenied, match="not linked"):
        service.get_availability(db, a["manager"])
    service.set_preferences(
        db, a["manager"], other.id, days_off=["sun", "sat"], start_times=["09:00"], weight=2
    )
    assert service.get_availability(db, a["manager"], other.id)["preferences"]["days_off"] == ["sat", "sun"]
    with pytest.raises(NotFound):
        service.delete_pattern(db, a["manager"], other.id, added["id"])  # not other's pattern
    service.delete_pattern(db, a["agent"], None, added["id"])
    assert service.get_availability(db, a["agent"])["availability"] == []
    assert {e.id for e in service.editable_employees(db, a["sup"])} == {mine.id, a["sup"].employee_id}
    entries = db.execute(select(AuditEntry.action, AuditEntry.entity).order_by(AuditEntry.id)).all()
    assert [tuple(e) for e in entries if e[1].startswith("agent_")] == [
        ("create", "agent_availability"), ("update", "agent_availability"),
        ("update", "agent_preferences"), ("delete", "agent_availability"),
    ]  # fmt: skip


def test_validation_is_422_with_the_field(stores, db) -> None:
    _, _, a = _people(db)
    me = a["agent"]

    def prefs(**kw):
        return lambda: service.set_preferences(db, me, None, **{"days_off": [], "start_times": [], **kw})

    cases = [
        (lambda: service.add_pattern(db, me, None, "mon 18:00-08:00"), "hours", "ends before"),
        (lambda: service.add_pattern(db, me, None, "x", date(2026, 2, 1)), "hours", None),
        (
            lambda: service.add_pattern(db, me, None, "mon 08:00-12:00", date(2026, 2, 1), date(2026, 1, 1)),
            "valid_to",
            "before valid_from",
        ),
        (prefs(days_off=["xmas"]), "days_off", "unknown day"),
        (prefs(start_times=["08:10"]), "start_times", "half hour"),
        (prefs(earliest_start="14:00", latest_start="13:00"), "latest_start", "before"),
        (prefs(weight=50), "weight", "between 0 and 10"),
    ]
    for call, field, words in cases:
        with pytest.raises(service.InvalidAvailability, match=words) as exc:
            call()
        assert exc.value.status_code == 422 and exc.value.field == field
    service.add_pattern(db, a["agent"], None, "mon 08:00-12:00", date(2026, 6, 1), date(2026, 8, 31))
    with pytest.raises(service.InvalidAvailability, match="overlap") as exc:
        service.add_pattern(db, a["agent"], None, "tue 08:00-12:00", date(2026, 8, 1))
    assert exc.value.field == "valid_from"
    service.add_pattern(db, a["agent"], None, "tue 08:00-12:00", date(2026, 9, 1))  # after the summer: fine


def test_generation_honours_availability_and_reads_preferences(stores, db, monkeypatch) -> None:
    """A London site over the week the clocks go back (Sunday 25 October 2026): availability
    is read on the wall clock, kept by every stored shift, and the rule checker agrees."""
    people = history(stores, db, monkeypatch)
    lon = db.scalars(select(Site).where(Site.code == "LON")).one()
    lon.time_zone = "Europe/London"
    db.commit()
    service.add_pattern(db, MANAGER, people[0].id, "mon-thu 09:00-17:30; fri 13:00-17:00; sun 10:00-14:00")
    service.set_preferences(
        db, MANAGER, people[3].id, days_off=["mon", "tue"], start_times=["09:00"], earliest_start="12:00",
        latest_start="13:00", weight=4,
    )  # fmt: skip
    built = schedule_service.week_people(db, schedule_service.site_agents(db, lon), WEEK)
    first = built[people[0].agent_code]
    assert first.availability is not None and (4 * 1440 + 780, 4 * 1440 + 1020) in first.availability
    assert (
        6 * 1440 + 600,
        6 * 1440 + 840,
    ) in first.availability  # Sunday on the wall clock, after the change
    assert built[people[3].agent_code].preferences == Preferences((0, 1), (540, 720, 750, 780), 4.0)
    assert built[people[1].agent_code].availability is None
    with stores.warehouse.connect() as wh:
        out = schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=8, seed=1)
    assert set(out) >= KEYS and out["rule_violations"] == 0 and out["agents"] == 4
    assert out["unscheduled_agents"] == [] and len(out["groups"]) == 1  # no skills set: one pool
    rows = db.scalars(
        select(ScheduleShift).where(ScheduleShift.employee_id == people[0].id, ScheduleShift.kind == "work")
    ).all()
    assert rows
    windows = {0: (9, 17.5), 1: (9, 17.5), 2: (9, 17.5), 3: (9, 17.5), 4: (13, 17), 6: (10, 14)}
    for r in rows:
        day = r.start_local.weekday()
        start = r.start_local.hour + r.start_local.minute / 60
        end = start + (r.end_local - r.start_local).total_seconds() / 3600
        assert day in windows and windows[day][0] <= start and end <= windows[day][1], (
            r.start_local,
            r.end_local,
        )
        offset = 1 if r.start_local < datetime(2026, 10, 25, 2) else 0  # BST, then GMT
        assert r.start_utc == r.start_local - timedelta(hours=offset)
    # a supervisor's edit is checked against availability too
    other = db.scalars(
        select(ScheduleShift)
        .where(
            ScheduleShift.employee_id == people[1].id,
            ScheduleShift.kind == "work",
            ScheduleShift.template == "full",
        )
        .order_by(ScheduleShift.start_local)
    ).first()
    # (the refusal names every rule the moved week would break; a week that already broke a
    # rule before the edit is not refused for it again, so the move must change the shift:
    # 09:30 is never a start of the 'full' template, whichever shift the optimiser chose)
    earlier = "09:30"
    assert other.start_local.strftime("%H:%M") != earlier
    with pytest.raises(InvalidInput, match="start time not allowed") as unrestricted:
        schedule_view.edit_shift(db, MANAGER, other.id, earlier)
    assert "availability" not in str(unrestricted.value)
    service.add_pattern(db, MANAGER, people[1].id, "not available", WEEK, WEEK + timedelta(days=6))
    with pytest.raises(InvalidInput, match="outside the agent's availability"):
        schedule_view.edit_shift(db, MANAGER, other.id, earlier)


def _two_queue_history(stores, db, monkeypatch):
    """Sales (skill Sales) busy in the mornings, tech (skill Tech) in the afternoons, five
    weeks; two sales agents, two tech agents, one agent with a skill no queue needs."""
    site = f.site(db, code="DUO", time_zone="UTC")
    sales, tech, spare = f.skill(db, name="Sales"), f.skill(db, name="Tech"), f.skill(db, name="Spare")
    f.queue(db, site.id, code="sales", skill_id=sales.id)
    f.queue(db, site.id, code="tech", skill_id=tech.id)
    f.queue(db, site.id, code="vip", skill_id=f.skill(db, name="VIP").id)  # nobody has it, no history
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 300}] * 4
    tables = []
    for day in range(35):
        d = FIRST + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for half in range(16):
            at = datetime.combine(d, datetime.min.time()) + timedelta(hours=8, minutes=30 * half)
            tables.append(f.contact_rows("DUO", "sales" if half < 8 else "tech", at, spec))
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, pa.concat_tables(tables))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 14, 12, tzinfo=UTC))
    people = {}
    for name, skill in (("s1", sales), ("s2", sales), ("t1", tech), ("t2", tech), ("x1", spare)):
        e = f.employee(db, site.id, agent_code=name, contract_hours_per_week=20)
        org_service.set_employee_skill(
            db, SYSTEM, e.id, schemas.EmployeeSkillSet(skill_id=skill.id, proficiency=3)
        )
        people[name] = e
    return people


def test_two_skill_groups_are_each_covered_by_their_own_agents(stores, db, monkeypatch) -> None:
    people = _two_queue_history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        out = schedule_service.generate_week(db, wh, MANAGER, "DUO", WEEK, time_limit_s=10, seed=1)
    assert set(out) >= KEYS and out["rule_violations"] == 0
    assert [g["queues"] for g in out["groups"]] == [["sales"], ["tech"], ["vip"]]
    assert [g["agents"] for g in out["groups"]] == [2, 2, 0]
    assert out["notes"] == [{"queues": "vip", "reason": "no active agent has the skill of these queues"}]
    assert out["unscheduled_agents"] == [{"agent": "x1", "reason": "no skill on any queue of the site"}]
    assert out["agents"] == 4
    assert out["objective"] == pytest.approx(sum(g["objective"] for g in out["groups"]), abs=1e-3)
    assert out["bound"] == pytest.approx(sum(g["bound"] for g in out["groups"]), abs=1e-3)
    assert out["under_coverage_agent_hours"] == pytest.approx(
        sum(g["under_coverage_agent_hours"] for g in out["groups"]), abs=0.02
    )
    expected_gap = 0 if out["objective"] <= 1e-9 else (out["objective"] - out["bound"]) / out["objective"]
    assert out["gap"] == pytest.approx(expected_gap, abs=1e-3)
    rows = db.scalars(select(ScheduleShift)).all()
    assert not [r for r in rows if r.employee_id == people["x1"].id]  # not scheduled at all
    work = [r for r in rows if r.kind == "work"]
    # each group's agents work when its own queue needs them: sales shifts start by midday,
    # tech shifts end in the afternoon or later
    for r in work:
        if r.agent_code.startswith("s"):
            assert r.start_local.hour < 12, r.start_local
        else:
            assert r.end_local.hour >= 13, r.end_local
    (draft,) = db.scalars(select(Schedule)).all()
    mornings = [i for i in draft.intervals if i["required"] and i["start_utc"][11:16] < "12:00"]
    assert mornings and sum(i["scheduled"] for i in mornings) > 0
    # the CLI's text form names the agents it left out
    settings = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(settings.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", settings.warehouse_url)
    run = CliRunner().invoke(app, ["schedule", "generate", "--week", str(WEEK), "--time-limit-s", "2"])
    assert run.exit_code == 0, run.output
    assert "not scheduled (no skill on any queue of the site): x1" in run.output
