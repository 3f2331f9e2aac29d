"""Agent availability and preferences on the operational store: read and change them
(the agent their own; a supervisor their teams' agents; managers and admins anyone), and
read a week's worth for schedule generation. Every write is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.hours import format_hours
from floorwalker.org.models import Employee
from floorwalker.wfm.availability import (
    AvailabilityError,
    Pattern,
    WeekPreferences,
    check_hours,
    check_preferences,
    check_validity,
    overlapping,
    week_preferences,
    week_windows,
)
from floorwalker.wfm.availability_models import AgentAvailability, AgentPreference
from floorwalker.wfm.versions_service import PLANNER_ROLES


class InvalidAvailability(InvalidInput):
    """Availability or preferences that cannot be stored (the message names the field)."""

    status_code = 422


def _invalid(exc: AvailabilityError) -> InvalidAvailability:
    return InvalidAvailability(str(exc), field=exc.field)


def can_edit(actor: Actor, employee: Employee) -> bool:
    """The employee themself, their team's supervisor, managers and admins."""
    if actor.role in PLANNER_ROLES or (actor.employee_id is not None and actor.employee_id == employee.id):
        return True
    return actor.role == "supervisor" and employee.team_id is not None and employee.team_id in actor.team_ids


def employee_for(session: Session, actor: Actor, employee_id: int | None) -> Employee:
    """The employee whose availability is read or changed (None: the actor's own), checked
    against the actor's scope."""
    if employee_id is None:
        if actor.employee_id is None:
            raise PermissionDenied("your user is not linked to an employee: ask your supervisor")
        employee_id = actor.employee_id
    emp = session.get(Employee, employee_id)
    if emp is None:
        raise NotFound(f"employee {employee_id} does not exist", field="employee")
    if not can_edit(actor, emp):
        raise PermissionDenied(f"employee {employee_id} is outside your scope")
    return emp


def editable_employees(session: Session, actor: Actor) -> list[Employee]:
    """Active employees with an agent code whose availability the actor may change, by name."""
    stmt = select(Employee).where(Employee.status == "active", Employee.agent_code.is_not(None))
    if actor.role not in PLANNER_ROLES:
        if actor.role == "supervisor":
            stmt = stmt.where(
                Employee.team_id.in_(actor.team_ids) | (Employee.id == (actor.employee_id or -1))
            )
        else:
            stmt = stmt.where(Employee.id == (actor.employee_id or -1))
    return list(session.scalars(stmt.order_by(Employee.full_name)))


def pattern_dict(p: AgentAvailability) -> dict[str, Any]:
    return {
        "id": p.id,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "hours": p.hours,
        "text": format_hours(p.hours) if any(p.hours.values()) else "not available",
    }


def preferences_dict(p: AgentPreference | None) -> dict[str, Any]:
    if p is None:
        return {
            "days_off": [],
            "start_times": [],
            "earliest_start": None,
            "latest_start": None,
            "weight": 1.0,
        }
    return {
        "days_off": list(p.days_off), "start_times": list(p.start_times), "earliest_start": p.earliest_start,
        "latest_start": p.latest_start, "weight": p.weight,
    }  # fmt: skip


def _patterns(session: Session, employee_id: int) -> list[AgentAvailability]:
    return list(
        session.scalars(
            select(AgentAvailability)
            .where(AgentAvailability.employee_id == employee_id)
            .order_by(
                AgentAvailability.valid_from.is_not(None), AgentAvailability.valid_from, AgentAvailability.id
            )
        )
    )


def get_availability(session: Session, actor: Actor, employee_id: int | None = None) -> dict[str, Any]:
    """The employee's availability patterns and preferences."""
    emp = employee_for(session, actor, employee_id)
    return {
        "employee_id": emp.id,
        "agent_code": emp.agent_code,
        "full_name": emp.full_name,
        "availability": [pattern_dict(p) for p in _patterns(session, emp.id)],
        "preferences": preferences_dict(session.get(AgentPreference, emp.id)),
    }


def _checked(
    session: Session,
    emp: Employee,
    hours: object,
    valid_from: date | None,
    valid_to: date | None,
    skip: int | None,
) -> dict[str, list[list[str]]]:
    try:
        normal = check_hours(hours)
        check_validity(valid_from, valid_to)
    except AvailabilityError as exc:
        raise _invalid(exc) from None
    others = [
        (p.id, Pattern(p.hours, p.valid_from, p.valid_to)) for p in _patterns(session, emp.id) if p.id != skip
    ]
    clash = overlapping(Pattern(normal, valid_from, valid_to), others)
    if clash is not None:
        raise InvalidAvailability(
            f"the dates overlap availability pattern {clash}: change or delete that one first "
            "(one pattern applies to a day)",
            field="valid_from",
        )
    return normal


def add_pattern(
    session: Session,
    actor: Actor,
    employee_id: int | None,
    hours: object,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> dict[str, Any]:
    """Store a weekly availability pattern (text or mapping, see wfm.availability)."""
    emp = employee_for(session, actor, employee_id)
    normal = _checked(session, emp, hours, valid_from, valid_to, None)
    row = AgentAvailability(
        employee_id=emp.id, valid_from=valid_from, valid_to=valid_to, hours=normal,
        updated_by=actor.username, updated_at=clock.utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    changes = {"employee_id": emp.id, "hours": normal, "valid_from": valid_from, "valid_to": valid_to}
    audit.record(session, actor, "create", "agent_availability", row.id, changes)
    session.commit()
    return pattern_dict(row)


def _own_pattern(session: Session, emp: Employee, pattern_id: int) -> AgentAvailability:
    row = session.get(AgentAvailability, pattern_id)
    if row is None or row.employee_id != emp.id:
        raise NotFound(f"employee {emp.id} has no availability pattern {pattern_id}", field="pattern")
    return row


def update_pattern(
    session: Session,
    actor: Actor,
    employee_id: int | None,
    pattern_id: int,
    hours: object,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> dict[str, Any]:
    """Replace a pattern's windows and dates."""
    emp = employee_for(session, actor, employee_id)
    row = _own_pattern(session, emp, pattern_id)
    normal = _checked(session, emp, hours, valid_from, valid_to, row.id)
    before = {"hours": row.hours, "valid_from": row.valid_from, "valid_to": row.valid_to}
    row.hours, row.valid_from, row.valid_to = normal, valid_from, valid_to
    row.updated_by, row.updated_at = actor.username, clock.utcnow()
    audit.record(session, actor, "update", "agent_availability", row.id,
                 {"employee_id": emp.id, **audit.diff(before, {"hours": normal, "valid_from": valid_from,
                                                              "valid_to": valid_to})})  # fmt: skip
    session.commit()
    return pattern_dict(row)


def delete_pattern(session: Session, actor: Actor, employee_id: int | None, pattern_id: int) -> None:
    emp = employee_for(session, actor, employee_id)
    row = _own_pattern(session, emp, pattern_id)
    audit.record(session, actor, "delete", "agent_availability", row.id,
                 {"employee_id": emp.id, "hours": row.hours, "valid_from": row.valid_from,
                  "valid_to": row.valid_to})  # fmt: skip
    session.delete(row)
    session.commit()


def set_preferences(
    session: Session,
    actor: Actor,
    employee_id: int | None,
    *,
    days_off: list[str],
    start_times: list[str],
    earliest_start: str | None = None,
    latest_start: str | None = None,
    weight: float = 1.0,
) -> dict[str, Any]:
    """Store the employee's preferences (replacing the earlier ones)."""
    emp = employee_for(session, actor, employee_id)
    try:
        days, starts = check_preferences(days_off, start_times, earliest_start, latest_start, weight)
    except AvailabilityError as exc:
        raise _invalid(exc) from None
    row = session.get(AgentPreference, emp.id)
    before = preferences_dict(row)
    if row is None:
        row = AgentPreference(employee_id=emp.id)
        session.add(row)
    row.days_off, row.start_times = days, starts
    row.earliest_start, row.latest_start, row.weight = earliest_start, latest_start, float(weight)
    row.updated_by, row.updated_at = actor.username, clock.utcnow()
    after = preferences_dict(row)
    audit.record(session, actor, "update", "agent_preferences", emp.id, audit.diff(before, after))
    session.commit()
    return after


def week_inputs(
    session: Session, employee_ids: list[int], monday: date
) -> dict[int, tuple[tuple[tuple[int, int], ...] | None, WeekPreferences | None]]:
    """For schedule generation (the caller has checked the role): per employee, the windows
    they can work in during the week starting ``monday`` (minutes from Monday 00:00 on the
    site's wall clock; None: unrestricted) and their preferences (None: none stored)."""
    out: dict[int, tuple[tuple[tuple[int, int], ...] | None, WeekPreferences | None]] = {}
    if not employee_ids:
        return out
    patterns: dict[int, list[Pattern]] = {}
    for p in session.scalars(
        select(AgentAvailability).where(AgentAvailability.employee_id.in_(employee_ids))
    ):
        patterns.setdefault(p.employee_id, []).append(Pattern(p.hours, p.valid_from, p.valid_to))
    prefs = {
        p.employee_id: week_preferences(p.days_off, p.start_times, p.earliest_start, p.latest_start, p.weight)
        for p in session.scalars(select(AgentPreference).where(AgentPreference.employee_id.in_(employee_ids)))
    }
    for eid in employee_ids:
        out[eid] = (week_windows(patterns.get(eid, []), monday), prefs.get(eid))
    return out
