"""Shrinkage of a site's days, planned (published schedule) vs actual (agent states of the
contact warehouse), per day and week, per team and reason (pure rules in wfm.shrinkage)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import agent_states
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.org.models import Employee, Team
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.adherence import StateSpan
from floorwalker.wfm.adherence_service import visible_shifts
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift, TimeOffRequest
from floorwalker.wfm.schedule_service import resolve_site
from floorwalker.wfm.scheduling.week import CONTRACT_DAYS
from floorwalker.wfm.shrinkage import (
    ABSENCE,
    VARIANT,
    PaidBlock,
    Shrinkage,
    agent_day,
    by_reason,
    fractions,
    total,
)

#: Longest span of days one request may cover.
MAX_DAYS = 62
NO_TEAM = "(no team)"


def _states(
    warehouse: Connection, agents: list[str], start: datetime, end: datetime
) -> dict[str, list[StateSpan]]:
    s = agent_states.c
    out: dict[str, list[StateSpan]] = defaultdict(list)
    if not agents:
        return out
    for agent, state, reason, started, ended in warehouse.execute(
        select(s.agent, s.state, s.reason, s.started_at, s.ended_at)
        .where(s.agent.in_(agents), s.started_at < end, s.ended_at > start)
        .order_by(s.agent, s.started_at)
    ):
        out[agent].append(StateSpan(state, started, ended, reason))
    return out


def _row(s: Shrinkage) -> dict[str, Any]:
    f = fractions(s)
    return {
        "paid_min": s.paid_min,
        "unpaid_min": s.unpaid_min,
        "planned_min": s.planned_min,
        "actual_min": s.actual_min,
        "absence_min": s.actual.get(ABSENCE, 0),
        "planned_shrinkage": None if f["planned"] is None else round(f["planned"], 4),
        "actual_shrinkage": None if f["actual"] is None else round(f["actual"], 4),
        "actual_planned_shrinkage": None if f["actual_planned"] is None else round(f["actual_planned"], 4),
        "actual_unplanned_shrinkage": None
        if f["actual_unplanned"] is None
        else round(f["actual_unplanned"], 4),
    }


def shrinkage(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    site: str | None,
    first: date,
    last: date,
    team: str | None = None,
) -> dict[str, Any]:
    """Paid-time shrinkage of the site's published shifts on site-local days ``first`` …
    ``last`` (inclusive; optionally one team's) that ``actor`` may see (supervisors their
    teams): per day and team, per week (Monday) and team, by reason, and in total; minutes
    and fractions of paid time (docs/adherence.md, "Shrinkage"). Only minutes before now
    count: today's shifts up to now, later shifts not at all."""
    versions.require_reader(actor)
    if last < first:
        raise InvalidInput("end: must not be before start", field="end")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"at most {MAX_DAYS} days at once", field="end")
    s = resolve_site(session, site)
    stmt = (
        select(ScheduleShift, Employee)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .join(Employee, Employee.id == ScheduleShift.employee_id)
        .where(
            Schedule.site_id == s.id,
            Schedule.status == "published",
            ScheduleShift.day >= first,
            ScheduleShift.day <= last,
        )
    )
    if team is not None:
        team_id = session.scalars(select(Team.id).where(Team.name == team)).one_or_none()
        if team_id is None:
            raise NotFound(f"team: no team named '{team}'", field="team")
        stmt = stmt.where(Employee.team_id == team_id)
    rows = session.execute(
        visible_shifts(stmt, actor).order_by(ScheduleShift.day, ScheduleShift.agent_code)
    ).all()
    teams: dict[int, str] = dict(session.execute(select(Team.id, Team.name)).all())  # type: ignore[arg-type]
    work = [x for x, _ in rows if x.kind == "work" and x.start_utc is not None and x.end_utc is not None]
    acts: dict[int, list[PaidBlock]] = defaultdict(list)
    if work:
        for a in session.scalars(
            select(ScheduleActivity).where(ScheduleActivity.shift_id.in_([x.id for x in work]))
        ):
            acts[a.shift_id].append(PaidBlock(a.kind, a.start_utc, a.end_utc, a.paid))
    lo, _ = local_day_bounds_utc(first, s.time_zone)
    _, hi = local_day_bounds_utc(last, s.time_zone)
    lo = min([lo, *(x.start_utc for x in work if x.start_utc is not None)])
    hi = max([hi, *(x.end_utc for x in work if x.end_utc is not None)])
    states = _states(warehouse, sorted({x.agent_code for x in work}), lo, hi)
    leave = _leave(session, [e.id for x, e in rows if x.kind == "off"], lo, hi)
    per_day: dict[tuple[date, str], Shrinkage] = defaultdict(Shrinkage)
    per_week: dict[tuple[date, str], Shrinkage] = defaultdict(Shrinkage)
    # Only time that has happened: a shift in progress counts up to now, a later one not at
    # all (its agent is not "absent" yet), so planned and actual cover the same minutes.
    now = clock.utcnow()
    for shift, emp in rows:
        name = teams.get(emp.team_id, NO_TEAM) if emp.team_id is not None else NO_TEAM
        if shift.kind == "work":
            if shift.start_utc is None or shift.end_utc is None or shift.start_utc >= now:
                continue
            end_utc = min(shift.end_utc, now)
            part = agent_day(shift.start_utc, end_utc, acts[shift.id], states[shift.agent_code])
        else:
            start, end = local_day_bounds_utc(shift.day, s.time_zone)
            if start >= now:
                continue
            on_leave = any(a < end and b > start for a, b in leave.get(emp.id, ()))
            credit = round(float(emp.contract_hours_per_week) * 60 / CONTRACT_DAYS) if on_leave else 0
            if not credit:
                continue
            part = agent_day(None, None, [], [], time_off_min=credit)
        per_day[(shift.day, name)].add(part)
        per_week[(shift.day - timedelta(days=shift.day.weekday()), name)].add(part)
    everything = total(per_day.values())
    return {
        "site": s.code,
        "start": first,
        "end": last,
        "team": team,
        "variant": VARIANT,
        "days": [{"day": d, "team": t, **_row(v)} for (d, t), v in sorted(per_day.items())],
        "weeks": [{"week_start": d, "team": t, **_row(v)} for (d, t), v in sorted(per_week.items())],
        "reasons": [
            {
                **r,
                "planned_fraction": _r4(r["planned_fraction"]),
                "actual_fraction": _r4(r["actual_fraction"]),
            }
            for r in by_reason(everything)
        ],
        "total": _row(everything),
    }


def _r4(x: object) -> float | None:
    return round(x, 4) if isinstance(x, float | int) else None


def _leave(
    session: Session, employee_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    out: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if not employee_ids:
        return out
    for r in session.scalars(
        select(TimeOffRequest).where(
            TimeOffRequest.employee_id.in_(employee_ids),
            TimeOffRequest.status == "approved",
            TimeOffRequest.start_utc < end,
            TimeOffRequest.end_utc > start,
        )
    ):
        out[r.employee_id].append((r.start_utc, r.end_utc))
    return out
