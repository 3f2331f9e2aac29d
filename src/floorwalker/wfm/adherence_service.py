"""Adherence of a site-local day: each agent's published shift against the agent states
of the contact warehouse (pure rules in wfm.adherence)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import agent_states
from floorwalker.errors import NotFound
from floorwalker.org.models import Employee, Team
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm.adherence import (
    MINUTE,
    AgentDay,
    Block,
    StateSpan,
    agent_day,
    is_adherent,
    scheduled_kind,
    state_at,
)
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift

#: Departures of this many minutes or less are not listed as exceptions.
GRACE_MIN = 2


def visible_shifts(stmt: Select[Any], actor: Actor) -> Select[Any]:
    """Limit a select over ScheduleShift joined to Employee to what ``actor`` may see:
    agents (and any role without a wider view) their own, supervisors their teams,
    managers, admins and QA everyone."""
    if actor.is_center_wide:
        return stmt
    if actor.role == "supervisor":
        return stmt.where((Employee.team_id.in_(actor.team_ids)) | (Employee.id == (actor.employee_id or -1)))
    return stmt.where(Employee.id == (actor.employee_id or -1))


def published_shifts(
    session: Session, actor: Actor, day: date, team: str | None = None
) -> list[tuple[ScheduleShift, str, list[ScheduleActivity]]]:
    """The published shifts (work, not days off) of site-local ``day`` that ``actor`` may
    see, with the schedule's time zone and the shift's activities, by agent code."""
    stmt = (
        select(ScheduleShift, Schedule.time_zone)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .join(Employee, Employee.id == ScheduleShift.employee_id)
        .where(Schedule.status == "published", ScheduleShift.day == day, ScheduleShift.kind == "work")
    )
    if team is not None:
        team_id = session.scalars(select(Team.id).where(Team.name == team)).one_or_none()
        if team_id is None:
            raise NotFound(f"--team: no team named '{team}'", field="team")
        stmt = stmt.where(Employee.team_id == team_id)
    rows = session.execute(visible_shifts(stmt, actor).order_by(ScheduleShift.agent_code)).all()
    ids = [r[0].id for r in rows]
    acts: dict[int, list[ScheduleActivity]] = defaultdict(list)
    if ids:
        for a in session.scalars(
            select(ScheduleActivity)
            .where(ScheduleActivity.shift_id.in_(ids))
            .order_by(ScheduleActivity.start_utc)
        ):
            acts[a.shift_id].append(a)
    return [(shift, zone, acts[shift.id]) for shift, zone in rows]


def _states(
    warehouse: Connection, agents: list[str], start: datetime, end: datetime
) -> dict[str, list[StateSpan]]:
    s = agent_states.c
    out: dict[str, list[StateSpan]] = defaultdict(list)
    if not agents:
        return out
    rows = warehouse.execute(
        select(s.agent, s.state, s.started_at, s.ended_at)
        .where(s.agent.in_(agents), s.started_at < end, s.ended_at > start)
        .order_by(s.agent, s.started_at)
    )
    for agent, state, started, ended in rows:
        out[agent].append(StateSpan(state, started, ended))
    return out


def _times(shift: ScheduleShift) -> tuple[datetime, datetime]:
    if shift.start_utc is None or shift.end_utc is None:
        raise ValueError(f"shift {shift.id} of {shift.agent_code} is a work day without times")
    return shift.start_utc, shift.end_utc


def _row(agent: str, d: AgentDay) -> dict[str, Any]:
    return {
        "agent": agent,
        "scheduled_min": d.scheduled_min,
        "adherent_min": d.adherent_min,
        "adherence": None if d.adherence is None else round(d.adherence, 4),
        "conformance": None if d.conformance is None else round(d.conformance, 4),
        "exceptions": [
            {"kind": e.kind, "start_utc": e.start.isoformat(), "minutes": e.minutes} for e in d.exceptions
        ],
    }


def day_adherence(
    session: Session, warehouse: Connection, actor: Actor, day: date, team: str | None = None
) -> list[dict[str, Any]]:
    """Per agent with a published shift on site-local ``day`` (optionally one team's):
    scheduled and adherent minutes, adherence, conformance (worked minutes over the
    site-local day, and the shift where it runs past midnight) and exceptions."""
    shifts = published_shifts(session, actor, day, team)
    if not shifts:
        return []
    windows = {}
    for shift, zone, _ in shifts:
        start, end = local_day_bounds_utc(day, zone)
        s_start, s_end = _times(shift)
        windows[shift.id] = (min(start, s_start), max(end, s_end))
    lo = min(w[0] for w in windows.values())
    hi = max(w[1] for w in windows.values())
    states = _states(warehouse, sorted({s.agent_code for s, _, _ in shifts}), lo, hi)
    out = []
    for shift, _, acts in shifts:
        s_start, s_end = _times(shift)
        blocks = [Block(a.kind, a.start_utc, a.end_utc) for a in acts]
        result = agent_day(
            s_start, s_end, blocks, states[shift.agent_code],
            window=windows[shift.id], grace_min=GRACE_MIN,
        )  # fmt: skip
        out.append(_row(shift.agent_code, result))
    return out


def out_of_adherence_now(
    session: Session, warehouse: Connection, actor: Actor, now: datetime, team: str | None = None
) -> list[dict[str, Any]]:
    """Agents (that ``actor`` may see) on a published shift at ``now`` (naive UTC) whose
    current state does not keep to the scheduled activity: agent, scheduled activity,
    current state and since when (naive UTC) the agent has been in that state."""
    candidates = []
    for day in {(now - timedelta(days=1)).date(), now.date(), (now + timedelta(days=1)).date()}:
        for shift, _zone, acts in published_shifts(session, actor, day, team):
            start, end = _times(shift)
            if start <= now < end:
                candidates.append((shift, acts))
    if not candidates:
        return []
    states = _states(
        warehouse, sorted({s.agent_code for s, _ in candidates}), now - timedelta(days=1), now + MINUTE
    )
    out = []
    for shift, acts in sorted(candidates, key=lambda c: c[0].agent_code):
        kind = scheduled_kind([Block(a.kind, a.start_utc, a.end_utc) for a in acts], now)
        spans = states[shift.agent_code]
        (state,) = state_at(spans, [now])
        if is_adherent(kind, state):
            continue
        current = [s for s in spans if s.start <= now < s.end]
        since = current[0].start if current else max((s.end for s in spans if s.end <= now), default=None)
        out.append({"agent": shift.agent_code, "scheduled": kind, "state": state, "since_utc": since})
    return out
