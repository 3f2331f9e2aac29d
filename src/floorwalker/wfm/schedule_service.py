"""Schedules on the stores: generate a site's week from its requirements and active
agents (stored as a draft), publish it, and read a published day back."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.org.models import Employee, Queue, Site
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift, TimeOffRequest
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY, Instance, ScheduledShift
from floorwalker.wfm.scheduling.solve import SolveResult, solve
from floorwalker.wfm.scheduling.week import Person, week_instance

#: Solver workers (the web and CLI share a small machine; more workers race, not repeat).
WORKERS = 2


def resolve_site(session: Session, site: str | None) -> Site:
    """The site by code; with none given, the only active site (else a clear error)."""
    if site is not None:
        found = session.scalars(select(Site).where(Site.code == site)).one_or_none()
        if found is None:
            raise NotFound(f"--site: no site with code '{site}'", field="site")
        return found
    sites = list(session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.code)))
    if len(sites) != 1:
        names = ", ".join(s.code for s in sites) or "none"
        raise InvalidInput(f"--site: name the site to schedule (active sites: {names})", field="site")
    return sites[0]


def _check_monday(monday: date) -> None:
    if monday.weekday() != 0:
        raise InvalidInput(f"--week: {monday} is not a Monday", field="week")


def site_agents(session: Session, site: Site) -> list[Employee]:
    """Active agents of the site with an agent code, by code."""
    return list(
        session.scalars(
            select(Employee)
            .where(
                Employee.site_id == site.id,
                Employee.status == "active",
                Employee.role == "agent",
                Employee.agent_code.is_not(None),
            )
            .order_by(Employee.agent_code)
        )
    )


def week_demand(
    session: Session, warehouse: Connection, actor: Actor, site: Site, monday: date, interval: int
) -> tuple[list[int], list[float], list[float], float]:
    """Agents on contacts per ``interval``-minute interval of the site-local week (Monday
    00:00 on), summed over the site's queues, each queue's requirement raised by its
    unplanned shrinkage (breaks and activities are in the schedule itself; absence is
    not); forecast contacts and contact-weighted AHT (seconds) per interval; and the
    queues' smallest service-level threshold (seconds)."""
    from floorwalker.wfm import service

    week = service.week_requirements(session, warehouse, actor, site.code, monday, interval_min=interval)
    n = 7 * MINUTES_PER_DAY // interval
    start = datetime.combine(monday, datetime.min.time())
    per_queue: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    contacts = [0.0] * n
    work = [0.0] * n
    queues = {q.code: q for q in session.scalars(select(Queue).where(Queue.site_id == site.id))}
    unplanned = {code: service.queue_plan(session, q).unplanned_shrinkage for code, q in queues.items()}
    for r in week.requirements:
        local = r.interval_start.replace(tzinfo=None)
        t = int((local - start).total_seconds() // 60) // interval
        if not 0 <= t < n:
            continue
        need = math.ceil(r.agents / (1.0 - unplanned.get(r.queue, 0.0)) - 1e-9) if r.agents else 0
        row = per_queue[r.queue]
        row[t] = max(row[t], need)  # a finer forecast interval: the busiest part decides
        contacts[t] += r.contacts
        work[t] += r.contacts * r.aht_s
    requirement = [sum(row[t] for row in per_queue.values()) for t in range(n)]
    aht = [work[t] / contacts[t] if contacts[t] > 0 else 0.0 for t in range(n)]
    thresholds = [float(q.sl_threshold_s) for q in queues.values() if q.active]
    return requirement, contacts, aht, min(thresholds, default=20.0)


def approved_time_off(
    session: Session, employee_ids: list[int], monday: date
) -> dict[int, list[tuple[int, int]]]:
    """Approved time off of the employees overlapping the site-local week, as (start, end)
    minutes from Monday 00:00 site-local, cut to the week."""
    start = datetime.combine(monday, datetime.min.time())
    end = start + timedelta(days=7)
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not employee_ids:
        return out
    for r in session.scalars(
        select(TimeOffRequest).where(
            TimeOffRequest.employee_id.in_(employee_ids),
            TimeOffRequest.status == "approved",
            TimeOffRequest.start_local < end,
            TimeOffRequest.end_local > start,
        )
    ):
        lo = max(0, int((r.start_local - start).total_seconds() // 60))
        hi = min(7 * MINUTES_PER_DAY, int((r.end_local - start).total_seconds() // 60))
        out[r.employee_id].append((lo, hi))
    return out


def _moment(monday: date, zone: ZoneInfo, minute: int) -> tuple[datetime, datetime]:
    """(naive UTC, naive local) of ``minute`` minutes after site-local Monday 00:00."""
    local = datetime.combine(monday, datetime.min.time()) + timedelta(minutes=minute)
    utc = local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    return utc, local


def _store(
    session: Session,
    schedule: Schedule,
    monday: date,
    zone: ZoneInfo,
    employees: list[Employee],
    shifts: tuple[ScheduledShift, ...],
) -> None:
    by_agent: dict[str, dict[int, ScheduledShift]] = defaultdict(dict)
    for s in shifts:
        by_agent[s.agent][s.day] = s
    for e in employees:
        code = e.agent_code or ""
        for d in range(7):
            s = by_agent[code].get(d)
            if s is None:
                session.add(
                    ScheduleShift(
                        schedule_id=schedule.id, employee_id=e.id, agent_code=code,
                        day=monday + timedelta(days=d), kind="off",
                    )
                )  # fmt: skip
                continue
            su, sl = _moment(monday, zone, s.start)
            eu, el = _moment(monday, zone, s.end)
            row = ScheduleShift(
                schedule_id=schedule.id, employee_id=e.id, agent_code=code, day=monday + timedelta(days=d),
                kind="work", template=s.template, start_utc=su, end_utc=eu, start_local=sl, end_local=el,
            )  # fmt: skip
            session.add(row)
            session.flush()
            for a in s.activities:
                au, al = _moment(monday, zone, a.start)
                bu, bl = _moment(monday, zone, a.end)
                session.add(
                    ScheduleActivity(
                        shift_id=row.id, kind=a.kind, name=a.name, paid=a.paid,
                        start_utc=au, end_utc=bu, start_local=al, end_local=bl,
                    )
                )  # fmt: skip


def _summary(schedule: Schedule, shifts: int, agents: int) -> dict[str, Any]:
    return {
        "agents": agents,
        "shifts": shifts,
        "under_coverage_agent_hours": round(schedule.under_agent_hours, 2),
        "over_coverage_agent_hours": round(schedule.over_agent_hours, 2),
        "objective": round(schedule.objective, 4),
        "bound": round(schedule.bound, 4),
        "gap": round(schedule.gap, 4),
        "rule_violations": schedule.rule_violations,
        "projected_service_level": None if schedule.projected_sl is None else round(schedule.projected_sl, 4),
    }


def generate_week(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    site: str | None,
    monday: date,
    time_limit_s: float = 60.0,
    seed: int | None = 0,
    *,
    interval: int = 30,
) -> dict[str, Any]:
    """Schedule the site's active agents for the site-local week starting ``monday``
    against the week's requirements (a forecast is built first where none covers the
    week), and store it as the site's draft for that week (replacing an earlier draft).
    Managers and admins; audited. Returns the summary of the `schedule generate` contract."""
    from floorwalker.wfm.versions_service import require_planner

    require_planner(actor)
    _check_monday(monday)
    s = resolve_site(session, site)
    employees = site_agents(session, s)
    if not employees:
        raise InvalidInput(
            f"site '{s.code}' has no active agents with an agent code to schedule", field="site"
        )
    requirement, contacts, aht, threshold = week_demand(session, warehouse, actor, s, monday, interval)
    leave = approved_time_off(session, [e.id for e in employees], monday)
    people = [
        Person(e.agent_code or "", float(e.contract_hours_per_week), tuple(leave.get(e.id, ())))
        for e in employees
    ]
    instance = week_instance(
        requirement, interval, people, contacts=contacts, aht_s=aht, threshold_s=threshold
    )
    result = solve(instance, time_limit=time_limit_s, seed=seed, workers=WORKERS)
    violations = len(check_schedule(instance, result.shifts))
    schedule = _save_draft(session, actor, s, monday, instance, result, violations, employees)
    out = _summary(schedule, len(result.shifts), len({x.agent for x in result.shifts}))
    audit.record(session, actor, "generate", "schedule", schedule.id,
                 {"site": s.code, "week": monday.isoformat(), **out})  # fmt: skip
    session.commit()
    return out


def _save_draft(
    session: Session,
    actor: Actor,
    site: Site,
    monday: date,
    instance: Instance,
    result: SolveResult,
    violations: int,
    employees: list[Employee],
) -> Schedule:
    zone = ZoneInfo(site.time_zone)
    old = session.scalars(
        select(Schedule.id).where(
            Schedule.site_id == site.id, Schedule.week_start == monday, Schedule.status == "draft"
        )
    ).all()
    for sid in old:
        _delete_schedule(session, sid)
    schedule = Schedule(
        site_id=site.id, week_start=monday, status="draft", time_zone=site.time_zone,
        interval_min=instance.interval, objective=result.objective, bound=result.bound, gap=result.gap,
        solver_status=result.status, under_agent_hours=result.under_agent_hours,
        over_agent_hours=result.over_agent_hours, rule_violations=violations,
        projected_sl=result.projected_service_level,
        intervals=[
            {
                "start_utc": _moment(monday, zone, t * instance.interval)[0].isoformat(),
                "required": instance.requirement[t],
                "scheduled": result.coverage[t],
                "service_level": result.service_level[t],
            }
            for t in range(instance.intervals)
        ],
        created_by=actor.username, created_at=clock.utcnow(),
    )  # fmt: skip
    session.add(schedule)
    session.flush()
    _store(session, schedule, monday, zone, employees, result.shifts)
    return schedule


def _delete_schedule(session: Session, schedule_id: int) -> None:
    shift_ids = select(ScheduleShift.id).where(ScheduleShift.schedule_id == schedule_id)
    session.execute(delete(ScheduleActivity).where(ScheduleActivity.shift_id.in_(shift_ids)))
    session.execute(delete(ScheduleShift).where(ScheduleShift.schedule_id == schedule_id))
    session.execute(delete(Schedule).where(Schedule.id == schedule_id))


def publish_week(session: Session, actor: Actor, site: str | None, monday: date) -> dict[str, Any]:
    """Publish the site's draft for the week: it becomes the published schedule and the
    one published before it (if any) is kept as superseded. Managers and admins; audited."""
    from floorwalker.wfm.versions_service import require_planner

    require_planner(actor)
    _check_monday(monday)
    s = resolve_site(session, site)
    draft = session.scalars(
        select(Schedule).where(
            Schedule.site_id == s.id, Schedule.week_start == monday, Schedule.status == "draft"
        )
    ).one_or_none()
    if draft is None:
        raise NotFound(
            f"--week: site '{s.code}' has no draft schedule for the week of {monday}", field="week"
        )
    superseded = []
    for old in session.scalars(
        select(Schedule).where(
            Schedule.site_id == s.id, Schedule.week_start == monday, Schedule.status == "published"
        )
    ):
        old.status = "superseded"
        superseded.append(old.id)
    draft.status = "published"
    draft.published_by = actor.username
    draft.published_at = clock.utcnow()
    audit.record(session, actor, "publish", "schedule", draft.id,
                 {"site": s.code, "week": monday.isoformat(), "superseded": superseded})  # fmt: skip
    session.commit()
    return {"schedule_id": draft.id, "site": s.code, "week": monday.isoformat(), "superseded": superseded}
