"""Organisation use cases. Every function takes the caller (``Actor``) and checks role and
scope before reading or writing; every write is audited in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from floorwalker.auth import audit
from floorwalker.auth.permissions import (
    Actor,
    can_manage_org,
    can_read_employee,
    can_write_employee,
)
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.org import schemas
from floorwalker.org.models import Employee, EmployeeSkill, Queue, Site, Skill, Team

M = TypeVar("M", Site, Team, Employee, Skill, Queue)

_UNIQUE_FIELDS = {
    Site: ("code", "name"),
    Team: ("name",),
    Employee: ("email", "agent_code"),
    Skill: ("name",),
    Queue: ("code",),
}


def _label(model: type[Any]) -> str:
    return model.__name__.lower()


def _get(session: Session, model: type[M], object_id: int) -> M:
    obj = session.get(model, object_id)
    if obj is None:
        raise NotFound(f"{_label(model)} {object_id} does not exist")
    return obj


def _require_org_manager(actor: Actor) -> None:
    if not can_manage_org(actor):
        raise PermissionDenied(f"role {actor.role} cannot change the organisation")


def _columns(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _check_unique(session: Session, obj: Any) -> None:
    """Say which field collides, rather than surfacing a database error."""
    model = type(obj)
    for field in _UNIQUE_FIELDS.get(model, ()):
        value = getattr(obj, field)
        if value is None:
            continue
        clash = session.scalar(select(model.id).where(getattr(model, field) == value, model.id != obj.id))
        if clash is not None:
            raise Conflict(f"another {_label(model)} already has {field} '{value}'", field=field)


def _check_refs(session: Session, values: dict[str, Any]) -> None:
    refs = {"site_id": Site, "team_id": Team, "skill_id": Skill, "supervisor_id": Employee}
    for field, model in refs.items():
        ref = values.get(field)
        if ref is not None and session.get(model, ref) is None:
            raise InvalidInput(f"{field}: {_label(model)} {ref} does not exist", field=field)


def _save(session: Session, actor: Actor, obj: Any, action: str, changes: dict[str, Any]) -> None:
    _check_unique(session, obj)
    session.add(obj)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{_label(type(obj))} conflicts with existing data: {exc.orig}") from None
    audit.record(session, actor, action, _label(type(obj)), obj.id, changes)
    session.commit()


def _create(session: Session, actor: Actor, model: type[M], data: BaseModel) -> M:
    values = data.model_dump()
    _check_refs(session, values)
    obj = model(**values)
    _save(session, actor, obj, "create", values)
    return obj


def _update(session: Session, actor: Actor, obj: M, data: BaseModel) -> M:
    values = data.model_dump(exclude_unset=True)
    _check_refs(session, values)
    before = _columns(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    _save(session, actor, obj, "update", audit.diff(before, _columns(obj)))
    return obj


def _active_filter(stmt: Select[Any], model: type[Any], include_inactive: bool) -> Select[Any]:
    return stmt if include_inactive else stmt.where(model.active.is_(True))


# --- sites -------------------------------------------------------------------------------


def list_sites(session: Session, actor: Actor, include_inactive: bool = False) -> Sequence[Site]:
    del actor  # every signed-in role may see the sites (names and time zones)
    return session.scalars(_active_filter(select(Site), Site, include_inactive).order_by(Site.name)).all()


def get_site(session: Session, actor: Actor, site_id: int) -> Site:
    del actor
    return _get(session, Site, site_id)


def create_site(session: Session, actor: Actor, data: schemas.SiteCreate) -> Site:
    _require_org_manager(actor)
    return _create(session, actor, Site, data)


def update_site(session: Session, actor: Actor, site_id: int, data: schemas.SiteUpdate) -> Site:
    _require_org_manager(actor)
    return _update(session, actor, _get(session, Site, site_id), data)


def deactivate_site(session: Session, actor: Actor, site_id: int) -> Site:
    return update_site(session, actor, site_id, schemas.SiteUpdate(active=False))


# --- teams -------------------------------------------------------------------------------


def _team_scope(stmt: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_center_wide:
        return stmt
    if actor.role == "supervisor":
        return stmt.where(Team.id.in_(actor.team_ids))
    own_team = select(Employee.team_id).where(Employee.id == actor.employee_id)
    return stmt.where(Team.id.in_(own_team.scalar_subquery()))


def list_teams(session: Session, actor: Actor, include_inactive: bool = False) -> Sequence[Team]:
    stmt = _active_filter(_team_scope(select(Team), actor), Team, include_inactive)
    return session.scalars(stmt.order_by(Team.name)).all()


def get_team(session: Session, actor: Actor, team_id: int) -> Team:
    team = _get(session, Team, team_id)
    if session.scalar(_team_scope(select(Team.id).where(Team.id == team_id), actor)) is None:
        raise PermissionDenied(f"team {team_id} is not one of yours")
    return team


def create_team(session: Session, actor: Actor, data: schemas.TeamCreate) -> Team:
    _require_org_manager(actor)
    return _create(session, actor, Team, data)


def update_team(session: Session, actor: Actor, team_id: int, data: schemas.TeamUpdate) -> Team:
    _require_org_manager(actor)
    return _update(session, actor, _get(session, Team, team_id), data)


def deactivate_team(session: Session, actor: Actor, team_id: int) -> Team:
    _require_org_manager(actor)
    members = session.scalar(
        select(func.count()).where(Employee.team_id == team_id, Employee.status == "active")
    )
    if members:
        raise Conflict(f"team {team_id} still has {members} active member(s); move them first")
    return update_team(session, actor, team_id, schemas.TeamUpdate(active=False))


def led_team_ids(session: Session, employee_id: int | None) -> frozenset[int]:
    """Teams whose supervisor is ``employee_id`` (the scope of a supervisor)."""
    if employee_id is None:
        return frozenset()
    return frozenset(session.scalars(select(Team.id).where(Team.supervisor_id == employee_id)))


# --- employees ---------------------------------------------------------------------------


def _employee_scope(stmt: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_center_wide:
        return stmt
    if actor.role == "supervisor":
        return stmt.where(or_(Employee.team_id.in_(actor.team_ids), Employee.id == actor.employee_id))
    return stmt.where(Employee.id == actor.employee_id)


def list_employees(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None = None,
    status: str | None = "active",
    role: str | None = None,
    search: str | None = None,
) -> Sequence[Employee]:
    stmt = _employee_scope(select(Employee), actor)
    if team_id is not None:
        stmt = stmt.where(Employee.team_id == team_id)
    if status:
        stmt = stmt.where(Employee.status == status)
    if role:
        stmt = stmt.where(Employee.role == role)
    if search:
        pattern = f"%{search.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Employee.full_name).like(pattern),
                func.lower(Employee.agent_code).like(pattern),
            )
        )
    return session.scalars(stmt.order_by(Employee.full_name)).all()


def get_employee(session: Session, actor: Actor, employee_id: int) -> Employee:
    employee = _get(session, Employee, employee_id)
    if not can_read_employee(actor, employee.id, employee.team_id):
        raise PermissionDenied(f"employee {employee_id} is outside your scope")
    return employee


def create_employee(session: Session, actor: Actor, data: schemas.EmployeeCreate) -> Employee:
    if not can_write_employee(actor, data.team_id, data.team_id):
        raise PermissionDenied("you may add people only to teams you lead")
    return _create(session, actor, Employee, data)


def update_employee(
    session: Session, actor: Actor, employee_id: int, data: schemas.EmployeeUpdate
) -> Employee:
    employee = get_employee(session, actor, employee_id)
    new_team = data.team_id if "team_id" in data.model_fields_set else employee.team_id
    if not can_write_employee(actor, employee.team_id, new_team):
        raise PermissionDenied(f"you may not change employee {employee_id}")
    if data.status == "leaver" and employee.status != "leaver":
        # Leaving also ends access and team leadership: one path only, mark_leaver.
        raise InvalidInput(
            "to record a leaver use 'Mark as leaver' (POST /api/v1/employees/{id}/leaver)",
            field="status",
        )
    merged = {**_columns(employee), **data.model_dump(exclude_unset=True)}
    try:
        schemas.check_leaver(merged["status"], merged["hire_date"], merged["leave_date"])
    except ValueError as exc:
        raise InvalidInput(str(exc), field="leave_date") from None
    return _update(session, actor, employee, data)


def mark_leaver(session: Session, actor: Actor, employee_id: int, data: schemas.LeaverIn) -> Employee:
    """Deactivate an employee: status leaver, with leave date and reason (the record stays,
    for attrition and history). In the same transaction the person stops leading any team
    and their login, sessions and API tokens end."""
    from floorwalker.auth import service as auth_service  # auth imports org: import here

    employee = get_employee(session, actor, employee_id)
    if not can_write_employee(actor, employee.team_id, employee.team_id):
        raise PermissionDenied(f"you may not change employee {employee_id}")
    if employee.status == "leaver":
        raise Conflict(f"employee {employee_id} is already a leaver")
    if actor.employee_id == employee_id:
        raise Conflict("you cannot mark yourself as a leaver; ask your manager")
    if data.leave_date < employee.hire_date:
        raise InvalidInput("leave date is before hire date", field="leave_date")
    before = _columns(employee)
    employee.status, employee.leave_date, employee.leave_reason = "leaver", data.leave_date, data.leave_reason
    for team in session.scalars(select(Team).where(Team.supervisor_id == employee_id)):
        team.supervisor_id = None
        audit.record(session, actor, "update", "team", team.id, {"supervisor_id": [employee_id, None]})
    auth_service.revoke_employee_access(session, actor, employee_id)
    audit.record(session, actor, "leaver", "employee", employee_id, audit.diff(before, _columns(employee)))
    session.commit()
    return employee


def employee_skills(session: Session, actor: Actor, employee_id: int) -> Sequence[EmployeeSkill]:
    get_employee(session, actor, employee_id)
    return session.scalars(select(EmployeeSkill).where(EmployeeSkill.employee_id == employee_id)).all()


def set_employee_skill(
    session: Session, actor: Actor, employee_id: int, data: schemas.EmployeeSkillSet
) -> EmployeeSkill:
    employee = get_employee(session, actor, employee_id)
    if not can_write_employee(actor, employee.team_id, employee.team_id):
        raise PermissionDenied(f"you may not change employee {employee_id}")
    _get(session, Skill, data.skill_id)
    link = session.get(EmployeeSkill, (employee_id, data.skill_id))
    before = None if link is None else link.proficiency
    if link is None:
        link = EmployeeSkill(employee_id=employee_id, skill_id=data.skill_id)
        session.add(link)
    link.proficiency = data.proficiency
    audit.record(
        session,
        actor,
        "set_skill",
        "employee",
        employee_id,
        {"skill_id": data.skill_id, "proficiency": [before, data.proficiency]},
    )
    session.commit()
    return link


def remove_employee_skill(session: Session, actor: Actor, employee_id: int, skill_id: int) -> None:
    employee = get_employee(session, actor, employee_id)
    if not can_write_employee(actor, employee.team_id, employee.team_id):
        raise PermissionDenied(f"you may not change employee {employee_id}")
    link = session.get(EmployeeSkill, (employee_id, skill_id))
    if link is None:
        raise NotFound(f"employee {employee_id} has no skill {skill_id}")
    session.delete(link)
    audit.record(session, actor, "remove_skill", "employee", employee_id, {"skill_id": skill_id})
    session.commit()


# --- skills ------------------------------------------------------------------------------


def list_skills(session: Session, actor: Actor, include_inactive: bool = False) -> Sequence[Skill]:
    del actor
    return session.scalars(_active_filter(select(Skill), Skill, include_inactive).order_by(Skill.name)).all()


def get_skill(session: Session, actor: Actor, skill_id: int) -> Skill:
    del actor
    return _get(session, Skill, skill_id)


def create_skill(session: Session, actor: Actor, data: schemas.SkillCreate) -> Skill:
    _require_org_manager(actor)
    return _create(session, actor, Skill, data)


def update_skill(session: Session, actor: Actor, skill_id: int, data: schemas.SkillUpdate) -> Skill:
    _require_org_manager(actor)
    return _update(session, actor, _get(session, Skill, skill_id), data)


def deactivate_skill(session: Session, actor: Actor, skill_id: int) -> Skill:
    return update_skill(session, actor, skill_id, schemas.SkillUpdate(active=False))


# --- queues ------------------------------------------------------------------------------


def list_queues(session: Session, actor: Actor, include_inactive: bool = False) -> Sequence[Queue]:
    del actor
    return session.scalars(_active_filter(select(Queue), Queue, include_inactive).order_by(Queue.name)).all()


def get_queue(session: Session, actor: Actor, queue_id: int) -> Queue:
    del actor
    return _get(session, Queue, queue_id)


def _check_concurrency(channel: str, concurrency: int) -> None:
    if concurrency > 1 and channel not in ("chat", "messaging"):
        raise InvalidInput(
            "concurrency above 1 applies to chat and messaging queues only", field="concurrency"
        )


def create_queue(session: Session, actor: Actor, data: schemas.QueueCreate) -> Queue:
    _require_org_manager(actor)
    _check_concurrency(data.channel, data.concurrency)
    return _create(session, actor, Queue, data)


def update_queue(session: Session, actor: Actor, queue_id: int, data: schemas.QueueUpdate) -> Queue:
    _require_org_manager(actor)
    queue = _get(session, Queue, queue_id)
    _check_concurrency(
        data.channel if data.channel is not None else queue.channel,
        data.concurrency if data.concurrency is not None else queue.concurrency,
    )
    return _update(session, actor, queue, data)


def deactivate_queue(session: Session, actor: Actor, queue_id: int) -> Queue:
    return update_queue(session, actor, queue_id, schemas.QueueUpdate(active=False))


def queue_assignments(
    session: Session, actor: Actor, queue_id: int | None = None
) -> list[schemas.QueueAssignment]:
    """Active agents who serve each queue through its required skill, best first."""
    stmt = (
        select(Queue, Employee, EmployeeSkill)
        .join(EmployeeSkill, EmployeeSkill.skill_id == Queue.skill_id)
        .join(Employee, Employee.id == EmployeeSkill.employee_id)
        .where(Employee.status == "active", Queue.active.is_(True))
    )
    if queue_id is not None:
        _get(session, Queue, queue_id)
        stmt = stmt.where(Queue.id == queue_id)
    stmt = _employee_scope(stmt, actor).order_by(
        Queue.name, EmployeeSkill.proficiency.desc(), Employee.full_name
    )
    return [
        schemas.QueueAssignment(
            queue_id=queue.id,
            queue_code=queue.code,
            employee_id=employee.id,
            full_name=employee.full_name,
            skill_id=link.skill_id,
            proficiency=link.proficiency,
        )
        for queue, employee, link in session.execute(stmt).all()
    ]
