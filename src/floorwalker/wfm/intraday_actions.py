"""Intraday suggestions on the stores: the rest of today's reforecast requirement and the
published schedule in, ranked suggestions out (pure rules in wfm.suggestions); a supervisor
applies a break move or a meeting move / cancel to the published schedule (rule-checked,
audited); overtime and VTO offers are recorded in the audit log with their state
(offered, accepted, declined)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker.auth import audit
from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee, Site
from floorwalker.timeutil import local_day_bounds_utc, local_today
from floorwalker.wfm.intraday_service import DayPlan, day_plan, shift_activities, site_day_shifts
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift, TimeOffRequest
from floorwalker.wfm.schedule_service import resolve_site
from floorwalker.wfm.scheduling.check import check_schedule
from floorwalker.wfm.scheduling.rules import (
    BREAK_KINDS,
    PLANNED_KINDS,
    BreakRule,
    ScheduledActivity,
    ScheduledShift,
)
from floorwalker.wfm.scheduling.week import FULL_BREAKS, PART_BREAKS, Person, contract_for, week_instance
from floorwalker.wfm.suggestions import (
    AgentToday,
    Slot,
    Suggestion,
    WeekRules,
    coverage,
    describe,
    projected_service_level,
    suggest,
)

ACTION_ROLES = ("admin", "manager", "supervisor")
#: Break rules of the templates schedule generation uses (wfm.scheduling.week).
TEMPLATE_BREAKS: dict[str, tuple[BreakRule, ...]] = {"full": FULL_BREAKS, "part": PART_BREAKS}
OFFER_KINDS = ("overtime", "vto")
OFFER_STATES = ("offered", "accepted", "declined")
APPLIED_KINDS = ("break_move", "meeting_move", "meeting_cancel")


def _require(actor: Actor) -> None:
    if actor.role not in ACTION_ROLES:
        raise PermissionDenied("intraday suggestions are for supervisors, managers and admins")


def _may_act(actor: Actor, employee: Employee) -> bool:
    return actor.role in ("admin", "manager") or (
        actor.role == "supervisor" and employee.team_id is not None and employee.team_id in actor.team_ids
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _paid_min(shift: ScheduleShift, acts: Any) -> int:
    if shift.start_utc is None or shift.end_utc is None:
        return 0
    unpaid = sum((a.end - a.start).total_seconds() for a in acts if not a.paid)
    return int(((shift.end_utc - shift.start_utc).total_seconds() - unpaid) // 60)


def agents_today(session: Session, actor: Actor, site: Site, day: date) -> list[AgentToday]:
    """Every agent on a published shift overlapping site-local ``day`` (for coverage), those
    with today's shift or today off in full (blocks, template break rules, the week's
    contract figures); ``actionable`` where ``actor`` may act on the agent."""
    coverage_only = {a.shift_id: a for a in site_day_shifts(session, site, day)}
    schedule = session.scalars(
        select(Schedule)
        .where(
            Schedule.site_id == site.id, Schedule.status == "published", Schedule.week_start == _monday(day)
        )
        .order_by(Schedule.id.desc())
    ).first()
    if schedule is None:
        return list(coverage_only.values())
    week = session.scalars(select(ScheduleShift).where(ScheduleShift.schedule_id == schedule.id)).all()
    by_emp: dict[int, list[ScheduleShift]] = defaultdict(list)
    for x in week:
        by_emp[x.employee_id].append(x)
    acts = shift_activities(session, [x.id for x in week if x.kind == "work"])
    employees = {
        e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(list(by_emp) or [-1])))
    }
    start, end = local_day_bounds_utc(day, site.time_zone)
    leave = set(
        session.scalars(
            select(TimeOffRequest.employee_id).where(
                TimeOffRequest.employee_id.in_(list(by_emp) or [-1]),
                TimeOffRequest.status == "approved",
                TimeOffRequest.start_utc < end,
                TimeOffRequest.end_utc > start,
            )
        )
    )
    near = _near_shifts(session, list(by_emp), day)
    out = dict(coverage_only)
    extra: list[AgentToday] = []
    for emp_id, rows in by_emp.items():
        emp = employees.get(emp_id)
        today = next((x for x in rows if x.day == day), None)
        if emp is None or today is None or emp.status != "active":
            continue
        contract = contract_for(float(emp.contract_hours_per_week))
        worked = {x.day for x in rows if x.kind == "work"}
        run = 1
        for direction in (-1, 1):
            d = day + timedelta(days=direction)
            while d in worked:
                run += 1
                d += timedelta(days=direction)
        anchor_start = today.start_utc or start
        anchor_end = today.end_utc or end
        rules = WeekRules(
            paid_min=sum(_paid_min(x, acts[x.id]) for x in rows if x.kind == "work"),
            min_weekly=contract.min_weekly,
            max_weekly=contract.max_weekly,
            min_rest=contract.min_rest,
            previous_end=max((e for s, e in near[emp_id] if e <= anchor_start and s != today.start_utc),
                             default=None),
            next_start=min((s for s, e in near[emp_id] if s >= anchor_end and s != today.start_utc),
                           default=None),
            days_off=7 - len(worked),
            min_days_off=contract.min_days_off,
            run_if_worked=run,
            max_consecutive_days=contract.max_consecutive_days,
        )  # fmt: skip
        agent = AgentToday(
            today.agent_code, rules, actionable=_may_act(actor, emp), may_work=emp_id not in leave
        )
        if today.kind == "work":
            agent = AgentToday(
                today.agent_code, rules, shift_id=today.id, start=today.start_utc, end=today.end_utc,
                activities=acts[today.id], break_rules=TEMPLATE_BREAKS.get(today.template or "", ()),
                actionable=agent.actionable, may_work=agent.may_work,
            )  # fmt: skip
            out[today.id] = agent
        else:
            extra.append(agent)
    return [*out.values(), *extra]


def _near_shifts(
    session: Session, employee_ids: list[int], day: date
) -> dict[int, list[tuple[datetime, datetime]]]:
    """(start, end) of each employee's published work shifts from two days before ``day`` to
    two days after, naive UTC."""
    out: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if not employee_ids:
        return out
    for emp_id, s, e in session.execute(
        select(ScheduleShift.employee_id, ScheduleShift.start_utc, ScheduleShift.end_utc)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .where(
            Schedule.status == "published",
            ScheduleShift.kind == "work",
            ScheduleShift.employee_id.in_(employee_ids),
            ScheduleShift.day >= day - timedelta(days=2),
            ScheduleShift.day <= day + timedelta(days=2),
        )
    ):
        if s is not None and e is not None:
            out[emp_id].append((s, e))
    return out


def _slots(plan: DayPlan, now: datetime) -> list[Slot]:
    step = timedelta(minutes=plan.interval_min)
    out = []
    for moment in sorted(plan.rows):
        row = plan.rows[moment]
        if moment + step <= now:
            continue
        aht = row["work_s"] / row["reforecast"] if row["reforecast"] > 0 else 0.0
        out.append(Slot(moment, int(row["required"]), float(row["reforecast"]), float(aht)))
    return out


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _as_dict(s: Suggestion, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "agent": s.agent,
        "text": describe(s, lambda moment: _local(moment, zone) or moment),
        "start_utc": s.start,
        "end_utc": s.end,
        "start_local": _local(s.start, zone),
        "end_local": _local(s.end, zone),
        "from_start_utc": s.from_start,
        "from_end_utc": s.from_end,
        "agent_hours": s.agent_hours,
        "sl_before": _round(s.sl_before),
        "sl_after": _round(s.sl_after),
        "gain_per_agent_hour": round(s.gain_per_agent_hour, 6),
        "shift_id": s.shift_id,
        "activity_id": s.activity_id,
        "activity": s.activity,
        "activity_kind": s.activity_kind,
        "applicable": s.kind in APPLIED_KINDS,
        "intervals": [
            {
                "interval_start_utc": e.start,
                "interval_start_local": _local(e.start, zone),
                "required": e.required,
                "scheduled_before": round(e.scheduled_before, 2),
                "scheduled_after": round(e.scheduled_after, 2),
                "gap_before": round(e.gap_before, 2),
                "gap_after": round(e.gap_after, 2),
                "sl_before": _round(e.sl_before),
                "sl_after": _round(e.sl_after),
            }
            for e in s.intervals
        ],
    }


def suggestions(
    session: Session,
    warehouse: Any,
    actor: Actor,
    site: str | None,
    now: datetime,
    plan: DayPlan | None = None,
) -> dict[str, Any]:
    """Ranked suggestions for the rest of the site's day at ``now`` (naive UTC): the site,
    day, service model, projected service level of the rest of the day as scheduled, and
    the suggestions (wfm.suggestions; only for agents the actor may act on). ``plan``: the
    day's ``day_plan`` when the caller has it."""
    _require(actor)
    s = resolve_site(session, site)
    day = local_today(now.replace(tzinfo=UTC), s.time_zone)
    plan = plan or day_plan(session, warehouse, actor, s.code, day, now)
    slots = _slots(plan, now)
    agents = agents_today(session, actor, s, day)
    found = suggest(slots, plan.model, agents, now)
    _, rest = projected_service_level(slots, plan.model, coverage(agents, slots, plan.interval_min))
    zone = ZoneInfo(s.time_zone)
    return {
        "site": s.code,
        "day": day,
        "now_utc": now,
        "model": {
            "interval_min": plan.model.interval_min,
            "threshold_s": plan.model.threshold_s,
            "patience_s": plan.model.patience_s,
            "erlang": "A" if plan.model.patience_s is not None else "C",
            "available": round(plan.model.available, 4),
        },
        "service_level_rest_of_day": _round(rest),
        "suggestions": [_as_dict(x, zone) for x in found],
    }


# --- applying a suggestion -------------------------------------------------------------


def _minute(base: datetime, local: datetime) -> int:
    return int((local - base).total_seconds() // 60)


def _week_shifts(
    session: Session,
    schedule: Schedule,
    employee_id: int,
    change: dict[int, tuple[datetime, datetime] | None],
) -> list[ScheduledShift]:
    """The employee's week as the independent checker reads it, with ``change`` applied
    (activity id → new local (start, end), or None: removed)."""
    base = datetime.combine(schedule.week_start, datetime.min.time())
    rows = session.scalars(
        select(ScheduleShift).where(
            ScheduleShift.schedule_id == schedule.id,
            ScheduleShift.employee_id == employee_id,
            ScheduleShift.kind == "work",
        )
    ).all()
    acts: dict[int, list[ScheduleActivity]] = defaultdict(list)
    for a in session.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id.in_([r.id for r in rows]))
    ):
        acts[a.shift_id].append(a)
    out = []
    for r in rows:
        if r.start_local is None or r.end_local is None:
            continue
        blocks = []
        for a in acts[r.id]:
            span = change.get(a.id, (a.start_local, a.end_local))
            if span is None:
                continue
            blocks.append(
                ScheduledActivity(a.kind, a.name, _minute(base, span[0]), _minute(base, span[1]), a.paid)
            )
        out.append(
            ScheduledShift(r.agent_code, r.template or "", (r.day - schedule.week_start).days,
                           _minute(base, r.start_local), _minute(base, r.end_local), tuple(blocks))
        )  # fmt: skip
    return out


def apply_change(
    session: Session, actor: Actor, activity_id: int, action: str, new_start: datetime | None, now: datetime
) -> dict[str, Any]:
    """Move (``action`` "move", to ``new_start`` naive UTC) or cancel (``action`` "cancel":
    meetings, training and coaching only) one block of today's published schedule that has
    not started. A break or lunch stays inside its template window; every block stays
    inside its shift and off every other block; the agent's week must break no rule of the
    independent checker that it did not break before. The agent's supervisor, managers and
    admins; audited."""
    _require(actor)
    act = session.get(ScheduleActivity, activity_id)
    shift = None if act is None else session.get(ScheduleShift, act.shift_id)
    schedule = None if shift is None else session.get(Schedule, shift.schedule_id)
    emp = None if shift is None else session.get(Employee, shift.employee_id)
    if act is None or shift is None or schedule is None or emp is None or schedule.status != "published":
        raise NotFound(f"no block with id {activity_id} in a published schedule", field="activity_id")
    if not _may_act(actor, emp):
        raise PermissionDenied("only the agent's supervisor, managers and admins change the agent's schedule")
    if shift.start_utc is None or shift.end_utc is None:
        raise NotFound(f"no block with id {activity_id} in a published schedule", field="activity_id")
    if act.start_utc <= now:
        raise InvalidInput(f"the {act.kind} '{act.name}' has already started", field="activity_id")
    zone = ZoneInfo(schedule.time_zone)
    before = {"start_utc": act.start_utc.isoformat(), "end_utc": act.end_utc.isoformat()}
    change: dict[int, tuple[datetime, datetime] | None]
    if action == "cancel":
        if act.kind not in PLANNED_KINDS:
            raise InvalidInput(f"a {act.kind} is part of the shift's rules: move it, do not cancel it",
                               field="action")  # fmt: skip
        change = {act.id: None}
    elif action == "move":
        if new_start is None:
            raise InvalidInput("start: give the new start", field="start")
        length = act.end_utc - act.start_utc
        new_end = new_start + length
        if new_start < now:
            raise InvalidInput(f"start: {new_start:%H:%M} UTC has passed", field="start")
        if new_start < shift.start_utc or new_end > shift.end_utc:
            raise InvalidInput("start: the block would leave the shift", field="start")
        if act.kind in BREAK_KINDS:
            rule = next(
                (
                    r
                    for r in TEMPLATE_BREAKS.get(shift.template or "", ())
                    if r.name == act.name and r.kind == act.kind
                ),
                None,
            )
            if rule is not None:
                lo = shift.start_utc + timedelta(minutes=rule.earliest_start)
                hi = shift.start_utc + timedelta(minutes=rule.latest_start)
                if not lo <= new_start <= hi:
                    raise InvalidInput(
                        f"start: {act.name} must start between {_local(lo, zone):%H:%M} and "
                        f"{_local(hi, zone):%H:%M} (the template's window)",
                        field="start",
                    )
        others = session.scalars(
            select(ScheduleActivity).where(
                ScheduleActivity.shift_id == shift.id, ScheduleActivity.id != act.id
            )
        ).all()
        clash = next((o for o in others if o.start_utc < new_end and new_start < o.end_utc), None)
        if clash is not None:
            raise InvalidInput(f"start: the block would overlap {clash.name}", field="start")
        local_start = _local(new_start, zone)
        assert local_start is not None
        change = {act.id: (local_start, local_start + length)}
    else:
        raise InvalidInput("action: move or cancel", field="action")
    person = [Person(shift.agent_code, float(emp.contract_hours_per_week))]
    required = [int(i["required"]) for i in schedule.intervals] or [0] * (7 * 1440 // schedule.interval_min)
    instance = week_instance(required, schedule.interval_min, person)
    old = set(check_schedule(instance, _week_shifts(session, schedule, emp.id, {})))
    new = [
        p for p in check_schedule(instance, _week_shifts(session, schedule, emp.id, change)) if p not in old
    ]
    if new:
        raise InvalidInput(f"change refused: {new[0]}", field="start")
    if action == "cancel":
        session.delete(act)
        audit.record(session, actor, "cancel", "schedule_activity", act.id,
                     {"agent": shift.agent_code, "kind": act.kind, "name": act.name, **before})  # fmt: skip
        session.commit()
        return {"activity_id": activity_id, "action": "cancel", "agent": shift.agent_code}
    assert new_start is not None
    start_local, end_local = change[act.id] or (act.start_local, act.end_local)
    length = act.end_utc - act.start_utc
    act.start_utc, act.end_utc = new_start, new_start + length
    act.start_local, act.end_local = start_local, end_local
    after = {"start_utc": act.start_utc.isoformat(), "end_utc": act.end_utc.isoformat()}
    audit.record(session, actor, "move", "schedule_activity", act.id, audit.diff(before, after))
    session.commit()
    return {"activity_id": act.id, "action": "move", "agent": shift.agent_code, "start_utc": act.start_utc,
            "end_utc": act.end_utc}  # fmt: skip


# --- overtime and VTO offers -----------------------------------------------------------


def record_offer(
    session: Session, actor: Actor, kind: str, agent: str, start: datetime, end: datetime, state: str
) -> dict[str, Any]:
    """Record an overtime or VTO offer to ``agent`` for [start, end) (naive UTC) in the
    state offered, accepted or declined (the latest record is the offer's state). The
    schedule itself is not changed: an accepted offer is entered on the schedule grid.
    The agent's supervisor, managers and admins; audited (the audit log is the record)."""
    _require(actor)
    if kind not in OFFER_KINDS:
        raise InvalidInput(f"kind: one of {', '.join(OFFER_KINDS)}", field="kind")
    if state not in OFFER_STATES:
        raise InvalidInput(f"state: one of {', '.join(OFFER_STATES)}", field="state")
    if end <= start:
        raise InvalidInput("end: must be after start", field="end")
    emp = session.scalars(select(Employee).where(Employee.agent_code == agent)).first()
    if emp is None:
        raise NotFound(f"agent: no agent with code '{agent}'", field="agent")
    if not _may_act(actor, emp):
        raise PermissionDenied("only the agent's supervisor, managers and admins make offers to the agent")
    offer = {"kind": kind, "agent": agent, "start_utc": start, "end_utc": end, "state": state}
    audit.record(session, actor, state, "intraday_offer", emp.id, offer)
    session.commit()
    return offer


def offers(session: Session, actor: Actor, site: str | None, day: date) -> list[dict[str, Any]]:
    """The overtime and VTO offers touching site-local ``day`` to agents the actor may act
    on, each in its latest state, with who recorded it and when."""
    _require(actor)
    s = resolve_site(session, site)
    start, end = local_day_bounds_utc(day, s.time_zone)
    employees = {
        str(e.id): e
        for e in session.scalars(select(Employee).where(Employee.site_id == s.id))
        if _may_act(actor, e)
    }
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "intraday_offer", AuditEntry.at >= start - timedelta(days=1))
        .order_by(AuditEntry.id)
    ):
        c = entry.changes or {}
        if entry.entity_id not in employees:
            continue
        try:
            s0, s1 = datetime.fromisoformat(c["start_utc"]), datetime.fromisoformat(c["end_utc"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (s0 < end and s1 > start):
            continue
        key = (str(c.get("kind")), str(c.get("agent")), c["start_utc"])
        latest[key] = {
            "kind": c.get("kind"), "agent": c.get("agent"), "start_utc": s0, "end_utc": s1,
            "start_local": _local(s0, ZoneInfo(s.time_zone)), "end_local": _local(s1, ZoneInfo(s.time_zone)),
            "state": c.get("state"), "by": entry.username, "at": entry.at,
        }  # fmt: skip
    return sorted(latest.values(), key=lambda o: (o["start_utc"], o["agent"]))
