"""Organisation use cases on real stores: CRUD, scope, audit, clear errors, nothing half-written."""

from datetime import date

import pytest
from sqlalchemy import func, select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.org import schemas, service
from floorwalker.org.models import Employee
from tests import factories as f


def _audit_count(db) -> int:
    return db.scalar(select(func.count()).select_from(AuditEntry))


def test_create_update_deactivate_site_is_audited(db) -> None:
    site = f.site(db, code="LIS", name="Lisbon", time_zone="Europe/Lisbon")
    service.update_site(db, SYSTEM, site.id, schemas.SiteUpdate(business_hours="mon-sat 09:00-18:00"))
    service.deactivate_site(db, SYSTEM, site.id)
    assert [s.code for s in service.list_sites(db, SYSTEM)] == []
    assert [s.code for s in service.list_sites(db, SYSTEM, include_inactive=True)] == ["LIS"]
    entries = db.scalars(select(AuditEntry).where(AuditEntry.entity == "site").order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[1].changes["business_hours"][1]["sat"] == [["09:00", "18:00"]]
    assert entries[2].changes == {"active": [True, False]}


def test_duplicate_code_is_a_conflict_naming_the_field_and_writes_nothing(db) -> None:
    f.site(db, code="LON")
    before = _audit_count(db)
    with pytest.raises(Conflict) as err:
        f.site(db, code="LON")
    assert err.value.field == "code"
    assert _audit_count(db) == before


def test_unknown_reference_is_invalid_input(db) -> None:
    with pytest.raises(InvalidInput, match="site 999 does not exist"):
        service.create_team(db, SYSTEM, schemas.TeamCreate(name="Ghost", site_id=999))


def test_unknown_id_is_not_found(db) -> None:
    with pytest.raises(NotFound):
        service.get_queue(db, SYSTEM, 12345)


def test_supervisor_sees_and_changes_only_own_team(db) -> None:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    mine = f.employee(db, site.id, team_a.id)
    theirs = f.employee(db, site.id, team_b.id)
    sup = f.actor(db, f.user(db, "supervisor", sup_a.id))
    visible = {e.id for e in service.list_employees(db, sup)}
    assert mine.id in visible and theirs.id not in visible
    with pytest.raises(PermissionDenied):
        service.get_employee(db, sup, theirs.id)
    before = _audit_count(db)
    with pytest.raises(PermissionDenied):
        service.update_employee(db, sup, theirs.id, schemas.EmployeeUpdate(full_name="Hacked"))
    with pytest.raises(PermissionDenied):
        service.update_employee(db, sup, mine.id, schemas.EmployeeUpdate(team_id=team_b.id))
    assert _audit_count(db) == before
    db.expire_all()
    assert db.get(Employee, theirs.id).full_name != "Hacked"
    service.update_employee(db, sup, mine.id, schemas.EmployeeUpdate(contract_hours_per_week=32))
    assert db.get(Employee, mine.id).contract_hours_per_week == 32
    with pytest.raises(PermissionDenied):
        service.create_team(db, sup, schemas.TeamCreate(name="Mine", site_id=site.id))


def test_agent_sees_only_self(db) -> None:
    site, team_a, _, _, _ = f.supervised_team(db)
    me = f.employee(db, site.id, team_a.id)
    colleague = f.employee(db, site.id, team_a.id)
    agent = f.actor(db, f.user(db, "agent", me.id))
    assert [e.id for e in service.list_employees(db, agent)] == [me.id]
    with pytest.raises(PermissionDenied):
        service.get_employee(db, agent, colleague.id)
    with pytest.raises(PermissionDenied):
        service.update_employee(db, agent, me.id, schemas.EmployeeUpdate(contract_hours_per_week=10))
    assert [t.id for t in service.list_teams(db, agent)] == [team_a.id]


def test_leaver_keeps_the_record_with_date_and_reason(db) -> None:
    site = f.site(db)
    person = f.employee(db, site.id, hire_date=date(2025, 3, 1))
    service.mark_leaver(
        db,
        SYSTEM,
        person.id,
        schemas.LeaverIn(leave_date=date(2026, 6, 30), leave_reason="resigned"),
    )
    assert service.list_employees(db, SYSTEM) == []
    (leaver,) = service.list_employees(db, SYSTEM, status="leaver")
    assert (leaver.leave_date, leaver.leave_reason) == (date(2026, 6, 30), "resigned")
    with pytest.raises(InvalidInput, match="before hire date"):
        service.update_employee(db, SYSTEM, person.id, schemas.EmployeeUpdate(leave_date=date(2020, 1, 1)))


def test_team_with_active_members_cannot_be_deactivated(db) -> None:
    site = f.site(db)
    team = f.team(db, site.id)
    f.employee(db, site.id, team.id)
    with pytest.raises(Conflict, match="active member"):
        service.deactivate_team(db, SYSTEM, team.id)


def test_skills_and_queue_assignments(db) -> None:
    site = f.site(db)
    billing = f.skill(db, name="Billing")
    queue = f.queue(db, site.id, skill_id=billing.id)
    expert = f.employee(db, site.id, full_name="Expert")
    novice = f.employee(db, site.id, full_name="Novice")
    f.employee(db, site.id, full_name="Unskilled")
    service.set_employee_skill(
        db, SYSTEM, expert.id, schemas.EmployeeSkillSet(skill_id=billing.id, proficiency=5)
    )
    service.set_employee_skill(
        db, SYSTEM, novice.id, schemas.EmployeeSkillSet(skill_id=billing.id, proficiency=1)
    )
    rows = service.queue_assignments(db, SYSTEM, queue.id)
    assert [(r.full_name, r.proficiency) for r in rows] == [("Expert", 5), ("Novice", 1)]
    service.remove_employee_skill(db, SYSTEM, novice.id, billing.id)
    assert [r.full_name for r in service.queue_assignments(db, SYSTEM, queue.id)] == ["Expert"]


def test_queue_rules(db) -> None:
    site = f.site(db)
    with pytest.raises(InvalidInput) as err:
        f.queue(db, site.id, channel="voice", concurrency=3)
    assert err.value.field == "concurrency"
    chat = f.queue(db, site.id, channel="chat", concurrency=3)
    with pytest.raises(InvalidInput, match="concurrency"):
        service.update_queue(db, SYSTEM, chat.id, schemas.QueueUpdate(channel="voice"))
    with pytest.raises(ValueError, match="sl_formula"):
        schemas.QueueCreate(code="x", name="X", channel="voice", site_id=site.id, sl_formula="vendor_magic")


def test_threshold_defaults_follow_the_channel(db) -> None:
    site = f.site(db)
    thresholds = {ch: f.queue(db, site.id, channel=ch).sl_threshold_s for ch in ("voice", "chat", "email")}
    assert thresholds == {"voice": 20.0, "chat": 60.0, "email": 86400.0}
    assert f.queue(db, site.id, channel="chat", sl_threshold_s=45).sl_threshold_s == 45


def test_site_code_longer_than_the_column_is_refused_before_the_database(db) -> None:
    with pytest.raises(ValueError, match="at most 60"):
        schemas.SiteCreate(code="S" * 61, name="Long", time_zone="UTC")


def test_a_leaver_loses_login_and_teams_in_the_same_write(db) -> None:
    from floorwalker.auth import service as auth_service
    from floorwalker.errors import NotAuthenticated

    _site, team_a, sup_a, _, _ = f.supervised_team(db)
    u = f.user(db, "supervisor", sup_a.id, username="leaving")
    service.mark_leaver(
        db, SYSTEM, sup_a.id, schemas.LeaverIn(leave_date=date(2026, 9, 1), leave_reason="relocated")
    )
    db.expire_all()
    assert db.get(type(team_a), team_a.id).supervisor_id is None
    with pytest.raises(NotAuthenticated):
        auth_service.authenticate(db, u.username, f.PASSWORD, "x")
    with pytest.raises(Conflict, match="already a leaver"):
        service.mark_leaver(
            db, SYSTEM, sup_a.id, schemas.LeaverIn(leave_date=date(2026, 9, 2), leave_reason="x")
        )


def test_leaving_goes_through_mark_leaver_only(db) -> None:
    site = f.site(db)
    person = f.employee(db, site.id)
    with pytest.raises(InvalidInput, match="Mark as leaver") as err:
        service.update_employee(
            db, SYSTEM, person.id, schemas.EmployeeUpdate(status="leaver", leave_date=date(2026, 1, 1))
        )
    assert err.value.field == "status"


def test_nobody_marks_themselves_as_leaver(db) -> None:
    site = f.site(db)
    boss = f.employee(db, site.id, role="manager")
    me = f.actor(db, f.user(db, "manager", boss.id))
    with pytest.raises(Conflict, match="yourself"):
        service.mark_leaver(db, me, boss.id, schemas.LeaverIn(leave_date=date(2026, 9, 1), leave_reason="x"))


def test_a_rehired_leaver_can_sign_in_again(db) -> None:
    from floorwalker.auth import service as auth_service

    site = f.site(db)
    person = f.employee(db, site.id)
    u = f.user(db, "agent", person.id)
    service.mark_leaver(
        db, SYSTEM, person.id, schemas.LeaverIn(leave_date=date(2026, 9, 1), leave_reason="x")
    )
    with pytest.raises(Conflict, match="leaver"):
        auth_service.activate_user(db, SYSTEM, u.id)
    service.update_employee(
        db, SYSTEM, person.id, schemas.EmployeeUpdate(status="active", leave_date=None, leave_reason=None)
    )
    auth_service.activate_user(db, SYSTEM, u.id)
    assert auth_service.authenticate(db, u.username, f.PASSWORD, "x").id == u.id
