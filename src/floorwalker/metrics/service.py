"""Metric use cases: load settings from the operational store, aggregate in the warehouse,
apply the formulas."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, literal, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor, can_read_center_metrics
from floorwalker.contacts.models import contacts
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import agent_time as agent_time_logic
from floorwalker.metrics import cube as cube_sql
from floorwalker.metrics import formulas, grains, rollup
from floorwalker.metrics.queries import queue_count_columns
from floorwalker.metrics.schemas import AgentDay, HeadlineRow, Overview
from floorwalker.org.models import Employee, Queue, Site, Team
from floorwalker.timeutil import local_day_bounds_utc, local_today

_COUNT_FIELDS = tuple(f.name for f in fields(formulas.QueueCounts))


def _headline(
    site: Site, queue: Queue | None, code: str, period: str, day: date, counts: formulas.QueueCounts
) -> HeadlineRow:
    formula = queue.sl_formula if queue else formulas.DEFAULT_SL_FORMULA
    return HeadlineRow(
        site=site.code,
        queue=code,
        queue_name=queue.name if queue else code,
        channel=queue.channel if queue else "unknown",
        period=period,
        day=day,
        offered=counts.offered,
        answered=counts.answered,
        abandoned=counts.abandoned,
        other_exits=counts.other_exits,
        incomplete=counts.incomplete,
        service_level=formulas.service_level(counts, formula),
        sl_formula=formula,
        sl_threshold_s=queue.sl_threshold_s if queue else 20.0,
        asa_s=formulas.asa_s(counts),
        abandon_rate=formulas.abandon_rate(counts),
        aht_s=formulas.aht_s(counts),
        aht_basis=formulas.aht_basis(counts),
    )


def overview(session: Session, warehouse: Connection, actor: Actor, now: datetime) -> Overview:
    """Today's and yesterday's headline numbers per site and queue (site-local days).

    ``now`` is aware. Queues with contacts but no definition in the organisation are shown
    under their source code with default settings, so no contact is silently left out."""
    if not can_read_center_metrics(actor):
        raise PermissionDenied("agents see their own numbers only")
    queues = {q.code: q for q in session.scalars(select(Queue))}
    rows: list[HeadlineRow] = []
    for site in session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)):
        today = local_today(now, site.time_zone)
        yesterday = today - timedelta(days=1)
        y_start, today_start = local_day_bounds_utc(yesterday, site.time_zone)
        _, today_end = local_day_bounds_utc(today, site.time_zone)
        day = case((contacts.c.arrived_at >= today_start, literal("today")), else_=literal("yesterday"))
        stmt = (
            select(
                contacts.c.queue,
                day.label("day"),
                *queue_count_columns(
                    {q.code: q.sl_threshold_s for q in queues.values()},
                    {q.code: q.short_abandon_s for q in queues.values()},
                ),
            )
            .where(
                and_(
                    contacts.c.site == site.code,
                    contacts.c.arrived_at >= y_start,
                    contacts.c.arrived_at < today_end,
                )
            )
            .group_by(contacts.c.queue, day)
        )
        found = {
            (r.queue, r.day): formulas.QueueCounts(**{f: getattr(r, f) for f in _COUNT_FIELDS})
            for r in warehouse.execute(stmt)
        }
        site_queues = sorted(
            {q.code for q in queues.values() if q.site_id == site.id and q.active}
            | {code for code, _ in found}
        )
        for code in site_queues:
            for label, when in (("today", today), ("yesterday", yesterday)):
                counts = found.get((code, label), formulas.QueueCounts())
                rows.append(_headline(site, queues.get(code), code, label, when, counts))
    return Overview(rows=rows)


def agent_days(
    session: Session, warehouse: Connection, actor: Actor, employee_id: int, days: list[date]
) -> list[AgentDay]:
    """One agent's handled contacts and handle time per site-local day (own data only)."""
    from floorwalker.org import service as org_service

    employee: Employee = org_service.get_employee(session, actor, employee_id)
    site = session.get(Site, employee.site_id)
    result: list[AgentDay] = []
    if employee.agent_code is None or site is None:
        return [AgentDay(day=d, handled=0, aht_s=None, talk_s=None, hold_s=None, wrapup_s=None) for d in days]
    for day in days:
        start, end = local_day_bounds_utc(day, site.time_zone)
        stmt = select(*queue_count_columns({}, {})).where(
            contacts.c.agent == employee.agent_code,
            contacts.c.arrived_at >= start,
            contacts.c.arrived_at < end,
        )
        r = warehouse.execute(stmt).one()
        counts = formulas.QueueCounts(**{f: getattr(r, f) for f in _COUNT_FIELDS})
        n = counts.handled
        result.append(
            AgentDay(
                day=day,
                handled=n,
                aht_s=formulas.aht_s(counts),
                talk_s=counts.talk_s / n if n else None,
                hold_s=counts.hold_s / n if n else None,
                wrapup_s=counts.wrapup_s / n if n else None,
            )
        )
    return result


# --- the metrics cube -------------------------------------------------------------------

#: Dimensions agent states cannot be split by: an agent's time is not per queue or channel.
_NOT_AGENT_TIME_DIMS = ("queue", "channel", "disposition")


@dataclass(frozen=True)
class CubeRequest:
    """What to compute: site-local dates ``start`` … ``end`` (inclusive), dimensions
    (``grains.DIMENSIONS``), filters by code, and the optional metric families.

    Settings (spec/kpis.md): ``fcr_window_days`` (default 7), ``fcr_same_reason`` (a repeat
    counts only with the same disposition), ``planned_reasons`` (not-ready reasons that are
    planned shrinkage)."""

    start: date
    end: date
    by: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    #: Team names: only contacts and states of these teams' agents (current membership).
    teams: tuple[str, ...] = ()
    agent_time: bool = False
    customer: bool = False
    fcr_window_days: int = 7
    fcr_same_reason: bool = False
    planned_reasons: frozenset[str] = agent_time_logic.DEFAULT_PLANNED_REASONS


def _check_request(request: CubeRequest) -> tuple[str, ...]:
    try:
        dims = grains.parse_dimensions(request.by)
    except grains.DimensionError as exc:
        raise InvalidInput(str(exc), field="by") from None
    if request.end < request.start:
        raise InvalidInput(f"the last day {request.end} is before the first day {request.start}", field="to")
    if request.fcr_window_days < 1:
        raise InvalidInput("the FCR window must be at least 1 day", field="fcr_window_days")
    if request.agent_time:
        split = [d for d in dims if d in _NOT_AGENT_TIME_DIMS]
        if split or request.queues:
            what = f"by {split[0]}" if split else "filtered by queue"
            raise InvalidInput(
                f"agent time cannot be {what}: agent states are not per queue, channel or disposition",
                field="agent_time",
            )
    return dims


def _check_codes(session: Session, warehouse: Connection, request: CubeRequest) -> None:
    """A site or queue code that neither the organisation nor the warehouse knows is a typo."""
    known_sites = set(session.scalars(select(Site.code)))
    known_queues = set(session.scalars(select(Queue.code)))
    for code in request.sites:
        if (
            code not in known_sites
            and warehouse.execute(select(contacts.c.site).where(contacts.c.site == code).limit(1)).first()
            is None
        ):
            raise InvalidInput(f"unknown site '{code}'", field="site")
    for code in request.queues:
        if (
            code not in known_queues
            and warehouse.execute(select(contacts.c.queue).where(contacts.c.queue == code).limit(1)).first()
            is None
        ):
            raise InvalidInput(f"unknown queue '{code}'", field="queue")


def queue_settings(session: Session) -> dict[str, rollup.QueueSetting]:
    """Service-level settings of every queue defined in the organisation, by code."""
    return {
        q.code: rollup.QueueSetting(q.sl_formula, q.sl_threshold_s, q.short_abandon_s)
        for q in session.scalars(select(Queue))
    }


def agent_teams(session: Session) -> dict[str, str]:
    """Team name of every agent code that has a team."""
    stmt = select(Employee.agent_code, Team.name).join(Team, Team.id == Employee.team_id)
    return {code: name for code, name in session.execute(stmt) if code is not None}


def _scope_agents(session: Session, actor: Actor, request: CubeRequest) -> tuple[str, ...]:
    """The agent filter the actor may see: an agent sees own contacts and states only."""
    if can_read_center_metrics(actor):
        return request.agents
    employee = session.get(Employee, actor.employee_id) if actor.employee_id is not None else None
    if employee is None or employee.agent_code is None:
        raise PermissionDenied("agents see their own numbers only, and this user has no agent code")
    if request.agents and request.agents != (employee.agent_code,):
        raise PermissionDenied("agents see their own numbers only")
    return (employee.agent_code,)


def _team_agents(session: Session, teams: tuple[str, ...], agents: tuple[str, ...]) -> tuple[str, ...]:
    """The agent filter narrowed to the agents of ``teams`` (team names)."""
    found = {name for (name,) in session.execute(select(Team.name).where(Team.name.in_(teams)))}
    missing = [t for t in teams if t not in found]
    if missing:
        raise InvalidInput(f"unknown team '{missing[0]}'", field="team")
    stmt = (
        select(Employee.agent_code)
        .join(Team, Team.id == Employee.team_id)
        .where(Team.name.in_(teams), Employee.agent_code.is_not(None))
    )
    members = {code for code in session.scalars(stmt) if code is not None}
    chosen = sorted(members & set(agents)) if agents else sorted(members)
    # An empty filter would mean "everyone": a team with no agents matches nothing instead.
    return tuple(chosen) or ("",)


def cube(session: Session, warehouse: Connection, actor: Actor, request: CubeRequest) -> list[dict[str, Any]]:
    """Metrics grouped by ``request.by`` over site-local dates, as plain dicts (one per
    group, sorted): the group keys, ``rollup.CONTACT_METRICS`` and their details, plus the
    agent-time and customer metrics when asked for. Groups with no contacts but with agent
    time appear with zero counts and None rates."""
    dims = _check_request(request)
    agents = _scope_agents(session, actor, request)
    if request.teams:
        agents = _team_agents(session, request.teams, agents)
    _check_codes(session, warehouse, request)
    settings = queue_settings(session)
    teams = agent_teams(session) if "team" in dims else {}
    grain = grains.time_grain(dims)
    columns = [d for d in dims if d in grains.CONTACT_COLUMNS]
    contact_columns = [*columns, *(["queue"] if "queue" not in columns else [])]
    if "team" in dims and "agent" not in contact_columns:
        contact_columns.append("agent")
    filters = cube_sql.Filters(
        start_local=datetime.combine(request.start, time(0)),
        end_local=datetime.combine(request.end + timedelta(days=1), time(0)),
        sites=request.sites,
        queues=request.queues,
        agents=agents,
    )
    acc = rollup.Rollup(dims, settings, teams, request.planned_reasons)
    stmt = cube_sql.contact_counts_query(
        contact_columns,
        grain,
        filters,
        {code: s.sl_threshold_s for code, s in settings.items()},
        {code: s.short_abandon_s for code, s in settings.items()},
    )
    for row in warehouse.execute(stmt).mappings():
        acc.add_counts(row)
    if request.agent_time:
        state_columns = [d for d in dims if d in ("site", "agent")]
        if "team" in dims and "agent" not in state_columns:
            state_columns.append("agent")
        span = 0
        if grain in grains.INTERVAL_SECONDS:
            span = int(warehouse.execute(cube_sql.max_state_span_query(grain, filters)).scalar_one())
        for row in warehouse.execute(
            cube_sql.agent_time_query(state_columns, grain, filters, span)
        ).mappings():
            acc.add_agent_time(row)
    if request.customer:
        fcr = cube_sql.fcr_query(
            contact_columns, grain, filters, request.fcr_window_days, request.fcr_same_reason
        )
        for row in warehouse.execute(fcr).mappings():
            acc.add_fcr(row)
        for row in warehouse.execute(cube_sql.survey_query(contact_columns, grain, filters)).mappings():
            acc.add_survey(row)
    return acc.rows(with_agent_time=request.agent_time, with_customer=request.customer)
