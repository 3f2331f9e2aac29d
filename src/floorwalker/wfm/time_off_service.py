"""Time-off requests: an agent asks for time off; the agent's supervisor (or a manager,
an admin) sees the coverage impact on the stored schedules and approves or refuses.
Approval turns the agent's overlapping shifts into days off and lowers the stored
coverage accordingly. Every write is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee, Site
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift, TimeOffRequest
from floorwalker.wfm.time_off import (
    Impact,
    IntervalCoverage,
    ShiftSpan,
    contribution,
    overlaps,
    removal_impact,
)
from floorwalker.wfm.versions_service import PLANNER_ROLES


def _own_employee(session: Session, actor: Actor) -> Employee:
    if actor.employee_id is None:
        raise PermissionDenied("your user is not linked to an employee: ask your supervisor")
    emp = session.get(Employee, actor.employee_id)
    if emp is None:
        raise NotFound("your employee record is gone")
    return emp


def can_decide(actor: Actor, emp: Employee) -> bool:
    if actor.role in PLANNER_ROLES:
        return True
    return actor.role == "supervisor" and emp.team_id is not None and emp.team_id in actor.team_ids


def request_time_off(
    session: Session, actor: Actor, start_local: datetime, end_local: datetime, reason: str = ""
) -> TimeOffRequest:
    """The actor asks for time off over [start_local, end_local) (site-local wall clock)."""
    emp = _own_employee(session, actor)
    if end_local <= start_local:
        raise InvalidInput("time off must end after it starts", field="end")
    site = session.get(Site, emp.site_id)
    zone = ZoneInfo(site.time_zone if site is not None else "UTC")

    def utc(local: datetime) -> datetime:
        return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    req = TimeOffRequest(
        employee_id=emp.id, start_utc=utc(start_local), end_utc=utc(end_local), start_local=start_local,
        end_local=end_local, reason=reason.strip()[:400], status="pending", created_by=actor.username,
        created_at=clock.utcnow(), note="",
    )  # fmt: skip
    session.add(req)
    session.flush()
    audit.record(session, actor, "request", "time_off", req.id,
                 {"start_local": start_local.isoformat(), "end_local": end_local.isoformat()})  # fmt: skip
    session.commit()
    return req


def list_requests(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Requests the actor may see (own; supervisors their teams'; managers all), newest first."""
    stmt = select(TimeOffRequest, Employee).join(Employee, Employee.id == TimeOffRequest.employee_id)
    if actor.role not in PLANNER_ROLES:
        mine = Employee.id == (actor.employee_id or -1)
        stmt = stmt.where(mine | Employee.team_id.in_(actor.team_ids) if actor.role == "supervisor" else mine)
    rows = session.execute(stmt.order_by(TimeOffRequest.id.desc())).all()
    return [
        {"request": r, "employee": e, "can_decide": r.status == "pending" and can_decide(actor, e)}
        for r, e in rows
    ]


def _affected(session: Session, req: TimeOffRequest) -> list[tuple[Schedule, list[ScheduleShift]]]:
    """Stored (draft or published) schedules with the agent's shifts the request overlaps."""
    rows = session.execute(
        select(Schedule, ScheduleShift)
        .join(ScheduleShift, ScheduleShift.schedule_id == Schedule.id)
        .where(
            Schedule.status.in_(("draft", "published")),
            ScheduleShift.employee_id == req.employee_id,
            ScheduleShift.kind == "work",
            ScheduleShift.start_utc < req.end_utc,
            ScheduleShift.end_utc > req.start_utc,
        )
        .order_by(Schedule.id, ScheduleShift.start_utc)
    ).all()
    out: dict[int, tuple[Schedule, list[ScheduleShift]]] = {}
    for sched, shift in rows:
        out.setdefault(sched.id, (sched, []))[1].append(shift)
    return list(out.values())


def _spans(session: Session, shifts: list[ScheduleShift]) -> list[ShiftSpan]:
    acts = session.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id.in_([s.id for s in shifts]))
    ).all()
    out = []
    for s in shifts:
        if s.start_utc is None or s.end_utc is None:
            continue
        mine = tuple((a.start_utc, a.end_utc) for a in acts if a.shift_id == s.id)
        out.append(ShiftSpan(s.start_utc, s.end_utc, mine))
    return out


def _coverage(schedule: Schedule) -> list[IntervalCoverage]:
    return [
        IntervalCoverage(datetime.fromisoformat(i["start_utc"]), int(i["required"]), int(i["scheduled"]))
        for i in schedule.intervals
    ]


def impact(session: Session, actor: Actor, request_id: int) -> dict[str, Any]:
    """What approving would do: the shifts that become days off and, per affected
    interval, coverage before and after; ``below`` lists the intervals left short."""
    req, emp = _get(session, actor, request_id)
    shifts: list[ScheduleShift] = []
    impacts: list[Impact] = []
    for sched, mine in _affected(session, req):
        spans = [s for s in _spans(session, mine) if overlaps(s, req.start_utc, req.end_utc)]
        shifts.extend(mine)
        impacts.extend(removal_impact(_coverage(sched), sched.interval_min, spans))
    below = [i for i in impacts if i.extra_short > 0]
    return {
        "request": req,
        "employee": emp,
        "shifts": shifts,
        "intervals": impacts,
        "below": below,
        "extra_short_agent_intervals": sum(i.extra_short for i in below),
    }


def _get(session: Session, actor: Actor, request_id: int) -> tuple[TimeOffRequest, Employee]:
    req = session.get(TimeOffRequest, request_id)
    emp = None if req is None else session.get(Employee, req.employee_id)
    if req is None or emp is None:
        raise NotFound(f"no time-off request {request_id}", field="request")
    if not (can_decide(actor, emp) or emp.id == actor.employee_id):
        raise NotFound(f"no time-off request {request_id}", field="request")
    return req, emp


def decide(session: Session, actor: Actor, request_id: int, approve: bool, note: str = "") -> TimeOffRequest:
    """Approve or refuse a pending request (the agent's supervisor, managers, admins).
    Approval turns the overlapping shifts into days off and lowers the stored coverage."""
    req, emp = _get(session, actor, request_id)
    if not can_decide(actor, emp):
        raise PermissionDenied("only the agent's supervisor, managers and admins decide time off")
    if req.status != "pending":
        raise InvalidInput(f"the request is already {req.status}", field="request")
    removed = []
    if approve:
        for sched, mine in _affected(session, req):
            spans = _spans(session, mine)
            delta = contribution(_coverage(sched), sched.interval_min, spans)
            sched.intervals = [
                {**iv, "scheduled": int(iv["scheduled"]) - delta.get(i, 0)}
                for i, iv in enumerate(sched.intervals)
            ]
            for s in mine:
                session.execute(delete(ScheduleActivity).where(ScheduleActivity.shift_id == s.id))
                s.kind, s.template = "off", "time off"
                s.start_utc = s.end_utc = s.start_local = s.end_local = None
                removed.append(s.id)
    req.status = "approved" if approve else "refused"
    req.decided_by = actor.username
    req.decided_at = clock.utcnow()
    req.note = note.strip()[:400]
    audit.record(session, actor, "approve" if approve else "refuse", "time_off", req.id,
                 {"shifts_off": removed, "note": req.note})  # fmt: skip
    session.commit()
    return req
