"""Schedules on the stores: generate a site's week from its requirements and active
agents (by scheduling group: queues that share agents through skills; availability and
preferences from wfm.availability_service), stored as a draft; publish it."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.org.models import Employee, EmployeeSkill, Queue, Site
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift, TimeOffRequest
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.coverage import coverage_cost, projected_service_level, under_over_hours
from floorwalker.wfm.scheduling.groups import SiteResult, combine, scheduling_groups
from floorwalker.wfm.scheduling.rules import MINUTES_PER_DAY, Instance, Preferences, ScheduledShift
from floorwalker.wfm.scheduling.solve import NoFeasibleSchedule, SolveResult, solve
from floorwalker.wfm.scheduling.week import (
    Person,
    available_paid_minutes,
    contract_for,
    leave_credit,
    week_instance,
)

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


@dataclass
class QueueWeek:
    """One queue's week per ``interval``-minute interval of the site-local week (Monday
    00:00 on): agents on contacts raised by the queue's unplanned shrinkage, forecast
    contacts and work (contacts × AHT, seconds); the queue's threshold (seconds) and
    required skill (None: any agent serves it)."""

    requirement: list[int]
    contacts: list[float]
    work_s: list[float]
    threshold_s: float
    skill_id: int | None


def queue_weeks(
    session: Session, warehouse: Connection, actor: Actor, site: Site, monday: date, interval: int
) -> dict[str, QueueWeek]:
    """Every active queue of the site with its week (zeros where the queue has no
    forecast). Each queue's requirement is raised by its unplanned shrinkage (breaks and
    activities are in the schedule itself; absence is not)."""
    from floorwalker.wfm import service

    week = service.week_requirements(session, warehouse, actor, site.code, monday, interval_min=interval)
    n = 7 * MINUTES_PER_DAY // interval
    start = datetime.combine(monday, datetime.min.time())
    out = {
        q.code: QueueWeek([0] * n, [0.0] * n, [0.0] * n, float(q.sl_threshold_s), q.skill_id)
        for q in service.site_queues(session, site.code)
    }
    queues = {q.code: q for q in session.scalars(select(Queue).where(Queue.site_id == site.id))}
    unplanned = {code: service.queue_plan(session, q).unplanned_shrinkage for code, q in queues.items()}
    for r in week.requirements:
        row = out.get(r.queue)
        if row is None:
            continue
        local = r.interval_start.replace(tzinfo=None)
        t = int((local - start).total_seconds() // 60) // interval
        if not 0 <= t < n:
            continue
        need = math.ceil(r.agents / (1.0 - unplanned.get(r.queue, 0.0)) - 1e-9) if r.agents else 0
        row.requirement[t] = max(
            row.requirement[t], need
        )  # a finer forecast interval: the busiest part decides
        row.contacts[t] += r.contacts
        row.work_s[t] += r.contacts * r.aht_s
    return out


def group_demand(weeks: list[QueueWeek]) -> tuple[list[int], list[float], list[float], float]:
    """Several queues' weeks as one: requirement summed over the queues (the wfm area's
    multi-queue convention, an upper bound: agents who serve several queues pool their
    capacity), contacts summed, contact-weighted AHT (seconds), the strictest (smallest)
    threshold (seconds; 20 without queues)."""
    n = len(weeks[0].requirement) if weeks else 0
    requirement = [sum(w.requirement[t] for w in weeks) for t in range(n)]
    contacts = [sum(w.contacts[t] for w in weeks) for t in range(n)]
    work = [sum(w.work_s[t] for w in weeks) for t in range(n)]
    aht = [work[t] / contacts[t] if contacts[t] > 0 else 0.0 for t in range(n)]
    return requirement, contacts, aht, min((w.threshold_s for w in weeks), default=20.0)


def week_demand(
    session: Session, warehouse: Connection, actor: Actor, site: Site, monday: date, interval: int
) -> tuple[list[int], list[float], list[float], float]:
    """The site's week as one pool (every queue, see ``group_demand``): requirement,
    contacts, AHT (seconds) per interval and the smallest threshold (seconds)."""
    return group_demand(list(queue_weeks(session, warehouse, actor, site, monday, interval).values()))


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


def agent_skill_ids(session: Session, employees: list[Employee]) -> dict[str, set[int]]:
    """Agent code → the skill ids the agent has (any proficiency)."""
    out: dict[str, set[int]] = {e.agent_code or "": set() for e in employees}
    code = {e.id: e.agent_code or "" for e in employees}
    if code:
        for link in session.scalars(select(EmployeeSkill).where(EmployeeSkill.employee_id.in_(list(code)))):
            out[code[link.employee_id]].add(link.skill_id)
    return out


def week_people(
    session: Session, employees: list[Employee], monday: date, site_id: int | None = None
) -> dict[str, Person]:
    """Agent code → the agent as the optimiser sees them for the week: contract hours,
    approved time off, availability (hard) and preferences (soft), all in minutes from
    Monday 00:00 on the site's wall clock; with ``site_id``, the site's previous week's
    last shift and run of working days (wfm.previous_week)."""
    from floorwalker.wfm.availability_service import week_inputs
    from floorwalker.wfm.previous_week import previous_week

    leave = approved_time_off(session, [e.id for e in employees], monday)
    inputs = week_inputs(session, [e.id for e in employees], monday)
    before = {} if site_id is None else previous_week(session, site_id, monday)
    out = {}
    for e in employees:
        windows, prefs = inputs.get(e.id, (None, None))
        last_end, run = before.get(e.id, (None, 0))
        out[e.agent_code or ""] = Person(
            e.agent_code or "", float(e.contract_hours_per_week), tuple(leave.get(e.id, ())),
            availability=windows,
            preferences=Preferences() if prefs is None
            else Preferences(prefs.days_off, prefs.start_times, prefs.weight),
            last_shift_end=last_end, days_in_a_row_before=run,
        )  # fmt: skip
    return out


def availability_notes(instance: Instance, people: list[Person]) -> list[dict[str, str]]:
    """Agents whose availability cannot hold their contract's minimum weekly hours (the
    week aims at what it can hold instead, see wfm.scheduling.week)."""
    out = []
    for agent, person in zip(instance.agents, people, strict=True):
        base = contract_for(person.contract_hours)
        if instance.contracts[agent.contract].min_weekly < base.min_weekly:
            most = available_paid_minutes(instance.templates, person, base) + leave_credit(person)
            out.append({
                "agent": agent.id,
                "reason": f"availability holds at most {most / 60:g} paid hours this week, the contract "
                          f"{person.contract_hours:g} h: scheduled at least "
                          f"{instance.contracts[agent.contract].min_weekly / 60:g} h",
            })  # fmt: skip
    return out


def _empty_result(instance: Instance) -> SolveResult:
    """The only schedule of a group with no agents: nobody on the phones (exact, so the
    bound is the objective)."""
    coverage = [0] * instance.intervals
    cost = coverage_cost(instance, coverage)
    under, over = under_over_hours(instance, coverage)
    per, overall = projected_service_level(instance, coverage)
    return SolveResult((), cost, cost, 0.0, "optimal", 0.0, tuple(coverage), under, over, tuple(per), overall)


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

    The site's queues are split into scheduling groups (wfm.scheduling.groups: queues
    that share agents through their skills); each group is solved on its own with its own
    agents and its queues' summed requirement, the time limit shared out by agents.
    Availability is a hard rule, preferences are soft (docs/scheduling.md). Agents who
    serve no queue of the site are not scheduled and are listed. Managers and admins;
    audited. Returns the summary of the `schedule generate` contract, plus ``groups``,
    ``unscheduled_agents`` and ``notes``."""
    from floorwalker.wfm.versions_service import require_planner

    require_planner(actor)
    _check_monday(monday)
    s = resolve_site(session, site)
    employees = site_agents(session, s)
    if not employees:
        raise InvalidInput(
            f"site '{s.code}' has no active agents with an agent code to schedule", field="site"
        )
    weeks = queue_weeks(session, warehouse, actor, s, monday, interval)
    groups, idle = scheduling_groups(
        {code: w.skill_id for code, w in weeks.items()}, agent_skill_ids(session, employees)
    )
    people = week_people(session, employees, monday, s.id)
    total_agents = max(1, sum(len(g.agents) for g in groups))
    parts: list[tuple[Instance, SolveResult]] = []
    shifts: list[ScheduledShift] = []
    violations = 0
    per_group: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    for g in groups:
        requirement, contacts, aht, threshold = group_demand([weeks[q] for q in g.queues])
        instance = week_instance(
            requirement, interval, [people[a] for a in g.agents],
            contacts=contacts, aht_s=aht, threshold_s=threshold,
        )  # fmt: skip
        if not g.agents:
            result = _empty_result(instance)
            notes.append(
                {"queues": ", ".join(g.queues), "reason": "no active agent has the skill of these queues"}
            )
        else:
            limit = max(1.0, time_limit_s * len(g.agents) / total_agents)
            try:
                result = solve(instance, time_limit=limit, seed=seed, workers=WORKERS)
            except NoFeasibleSchedule as exc:
                raise NoFeasibleSchedule(f"queues {', '.join(g.queues)}: {exc.message}") from None
        notes.extend(availability_notes(instance, [people[a] for a in g.agents]))
        found = len(check_schedule(instance, result.shifts))
        violations += found
        parts.append((instance, result))
        shifts.extend(result.shifts)
        per_group.append({
            "queues": list(g.queues), "agents": len(g.agents), "shifts": len(result.shifts),
            "under_coverage_agent_hours": round(result.under_agent_hours, 2),
            "over_coverage_agent_hours": round(result.over_agent_hours, 2),
            "objective": round(result.objective, 4), "bound": round(result.bound, 4),
            "gap": round(result.gap, 4),
            "rule_violations": found,
            "projected_service_level": None if result.projected_service_level is None
            else round(result.projected_service_level, 4),
        })  # fmt: skip
    n = 7 * MINUTES_PER_DAY // interval
    site_result = combine(parts, n)
    scheduled = {a for g in groups for a in g.agents}
    schedule = _save_draft(
        session, actor, s, monday, interval, site_result, violations,
        [e for e in employees if (e.agent_code or "") in scheduled], tuple(shifts),
    )  # fmt: skip
    out = _summary(schedule, len(shifts), len({x.agent for x in shifts}))
    audit.record(session, actor, "generate", "schedule", schedule.id,
                 {"site": s.code, "week": monday.isoformat(), **out})  # fmt: skip
    session.commit()
    return {
        **out,
        "groups": per_group,
        "unscheduled_agents": [{"agent": a, "reason": "no skill on any queue of the site"} for a in idle],
        "notes": notes,
    }


def _save_draft(
    session: Session,
    actor: Actor,
    site: Site,
    monday: date,
    interval: int,
    result: SiteResult,
    violations: int,
    employees: list[Employee],
    shifts: tuple[ScheduledShift, ...],
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
        interval_min=interval, objective=result.objective, bound=result.bound, gap=result.gap,
        solver_status=result.status, under_agent_hours=result.under_agent_hours,
        over_agent_hours=result.over_agent_hours, rule_violations=violations,
        projected_sl=result.projected_service_level,
        intervals=[
            {
                "start_utc": _moment(monday, zone, t * interval)[0].isoformat(),
                "required": result.requirement[t],
                "scheduled": result.coverage[t],
                "service_level": result.service_level[t],
            }
            for t in range(len(result.requirement))
        ],
        created_by=actor.username, created_at=clock.utcnow(),
    )  # fmt: skip
    session.add(schedule)
    session.flush()
    _store(session, schedule, monday, zone, employees, shifts)
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
