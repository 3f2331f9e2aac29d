"""Metric use cases: load settings from the operational store, aggregate in the warehouse,
apply the formulas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, func, select
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
    row: dict[str, Any], site: Site, queue: Queue | None, code: str, period: str, day: date
) -> HeadlineRow:
    return HeadlineRow(
        site=site.code,
        queue=code,
        queue_name=queue.name if queue else code,
        channel=queue.channel if queue else "unknown",
        period=period,
        day=day,
        offered=row.get("offered", 0),
        answered=row.get("answered", 0),
        abandoned=row.get("abandoned", 0),
        other_exits=row.get("other_exits", 0),
        incomplete=row.get("incomplete", 0),
        service_level=row.get("service_level"),
        sl_formula=queue.sl_formula if queue else formulas.DEFAULT_SL_FORMULA,
        sl_threshold_s=queue.sl_threshold_s if queue else 20.0,
        asa_s=row.get("asa_s"),
        abandon_rate=row.get("abandon_rate"),
        aht_s=row.get("aht_s"),
        aht_basis=row.get("aht_basis", formulas.aht_basis(formulas.QueueCounts())),
    )


def overview(session: Session, warehouse: Connection, actor: Actor, now: datetime) -> Overview:
    """Today's and yesterday's headline numbers per site and queue (site-local days): the
    cube by site and queue of each day (``period_cubes``).

    ``now`` is aware. Queues with contacts but no definition in the organisation are shown
    under their source code with default settings, so no contact is silently left out."""
    if not can_read_center_metrics(actor):
        raise PermissionDenied("agents see their own numbers only")
    queues = {q.code: q for q in session.scalars(select(Queue))}
    rows: list[HeadlineRow] = []
    for site in session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)):
        today = local_today(now, site.time_zone)
        yesterday = today - timedelta(days=1)
        days = {"today": (today, today), "yesterday": (yesterday, yesterday)}
        cubes = period_cubes(
            session,
            warehouse,
            actor,
            CubeRequest(start=yesterday, end=today, sites=(site.code,)),
            days,
            [("queue",)],
        )
        found = {(r["queue"], label): r for label in days for r in cubes[(("queue",), label)]}
        site_queues = sorted(
            {q.code for q in queues.values() if q.site_id == site.id and q.active}
            | {code for code, _ in found}
        )
        for code in site_queues:
            for label, (day, _) in days.items():
                rows.append(_headline(found.get((code, label), {}), site, queues.get(code), code, label, day))
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


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[no-any-return]


def period_cubes(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    request: CubeRequest,
    periods: Mapping[str, tuple[date, date]],
    groupings: Sequence[tuple[str, ...]],
    *,
    surveys: bool = False,
    only: Mapping[tuple[str, ...], Sequence[str]] | None = None,
) -> dict[tuple[tuple[str, ...], str], list[dict[str, Any]]]:
    """The cube of every grouping (dimensions without a time grain) for every named period
    (inclusive site-local dates inside ``request.start`` … ``request.end``), from **one**
    day-grain query over the request's window (and one survey query with ``surveys``).

    The numbers equal those of ``cube`` called once per period and grouping: the same SQL
    rows, folded by the same ``rollup.Rollup``. ``request.by`` is ignored (the groupings
    say it); the request's filters, scope rules and settings apply. With ``surveys`` the
    rows carry CSAT, NPS and CES (FCR needs its own query: use ``cube`` with ``customer``).
    ``only`` limits a grouping to some of the periods (by name)."""
    dims = _check_request(replace(request, by=tuple(dict.fromkeys(d for g in groupings for d in g))))
    if grains.time_grain(dims) is not None:
        raise InvalidInput("period cubes are grouped by day already; give no time grain", field="by")
    agents = _scope_agents(session, actor, request)
    if request.teams:
        agents = _team_agents(session, request.teams, agents)
    _check_codes(session, warehouse, request)
    settings = queue_settings(session)
    teams = agent_teams(session) if "team" in dims else {}
    columns = [d for d in dims if d in grains.CONTACT_COLUMNS]
    columns += [c for c in ("queue", "agent") if c not in columns and (c == "queue" or "team" in dims)]
    filters = cube_sql.Filters(
        start_local=datetime.combine(request.start, time(0)),
        end_local=datetime.combine(request.end + timedelta(days=1), time(0)),
        sites=request.sites,
        queues=request.queues,
        agents=agents,
    )
    thresholds = {code: s.sl_threshold_s for code, s in settings.items()}
    shorts = {code: s.short_abandon_s for code, s in settings.items()}
    by_day: dict[date, list[Mapping[str, Any]]] = {}
    for row in warehouse.execute(
        cube_sql.contact_counts_query(columns, "day", filters, thresholds, shorts)
    ).mappings():
        by_day.setdefault(_as_date(row["t"]), []).append(row)
    survey_by_day: dict[date, list[Mapping[str, Any]]] = {}
    if surveys:
        for row in warehouse.execute(cube_sql.survey_query(columns, "day", filters)).mappings():
            survey_by_day.setdefault(_as_date(row["t"]), []).append(row)
    out: dict[tuple[tuple[str, ...], str], list[dict[str, Any]]] = {}
    for grouping in groupings:
        for name, (start, end) in periods.items():
            if only is not None and grouping in only and name not in only[grouping]:
                continue
            acc = rollup.Rollup(grouping, settings, teams, request.planned_reasons)
            day = start
            while day <= end:
                for row in by_day.get(day, ()):
                    acc.add_counts(row)
                for row in survey_by_day.get(day, ()):
                    acc.add_survey(row)
                day += timedelta(days=1)
            out[(tuple(grouping), name)] = acc.rows(with_customer=surveys)
    return out


# --- the contacts behind a number ----------------------------------------------------------

#: Outcome filters of the contact list: the metric groups of spec/kpis.md, then raw outcomes.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "answered": ("answered", "transferred"),
    "abandoned": ("abandoned",),
    "other_exits": ("timeout", "exit_key", "no_agents", "queue_full"),
    "transferred": ("transferred",),
    "incomplete": ("incomplete",),
}
CONTACT_LIST_COLUMNS = (
    "arrived_local",
    "site",
    "queue",
    "channel",
    "agent",
    "outcome",
    "wait_s",
    "talk_s",
    "hold_s",
    "wrapup_s",
    "disposition",
    "customer_key",
    "source",
    "source_key",
)


@dataclass(frozen=True)
class ContactFilter:
    """The contacts behind a number: site-local dates ``start`` … ``end`` (inclusive), codes,
    a team name, an interval (its label from ``grains.interval_label`` and length in
    seconds) and an outcome group (``OUTCOME_GROUPS``)."""

    start: date
    end: date
    sites: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    interval: str | None = None
    interval_s: int = 900
    outcome: str | None = None


def _interval_bounds(label: str, length_s: int) -> tuple[datetime, datetime, int]:
    """(local start, local end, UTC offset seconds) of an interval label such as
    ``2026-10-25T01:45:00+01:00``."""
    try:
        start = datetime.fromisoformat(label)
    except ValueError:
        raise InvalidInput(
            f"interval: '{label}' is not an interval such as 2026-11-18T09:00:00+00:00", field="interval"
        ) from None
    offset = start.utcoffset()
    if offset is None:
        raise InvalidInput("interval: give the UTC offset, e.g. 2026-11-18T09:00:00+00:00", field="interval")
    if length_s not in grains.INTERVAL_SECONDS.values():
        raise InvalidInput("interval_s: 900, 1800 or 3600", field="interval_s")
    local = start.replace(tzinfo=None)
    return local, local + timedelta(seconds=length_s), int(offset.total_seconds())


def contact_list(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    chosen: ContactFilter,
    *,
    offset: int = 0,
    limit: int | None = 50,
) -> tuple[list[dict[str, Any]], int]:
    """The contact legs matching ``chosen`` (newest first) and how many there are in all.
    An agent sees own contacts only, whatever the filter says."""
    if chosen.end < chosen.start:
        raise InvalidInput(f"the last day {chosen.end} is before the first day {chosen.start}", field="to")
    if chosen.outcome is not None and chosen.outcome not in OUTCOME_GROUPS:
        raise InvalidInput(f"outcome: one of {', '.join(OUTCOME_GROUPS)}", field="outcome")
    scope = CubeRequest(
        start=chosen.start,
        end=chosen.end,
        sites=chosen.sites,
        queues=chosen.queues,
        agents=chosen.agents,
        teams=chosen.teams,
    )
    agents = _scope_agents(session, actor, scope)
    if chosen.teams:
        agents = _team_agents(session, chosen.teams, agents)
    c = contacts.c
    where = cube_sql.contact_filters(
        cube_sql.Filters(
            start_local=datetime.combine(chosen.start, time(0)),
            end_local=datetime.combine(chosen.end + timedelta(days=1), time(0)),
            sites=chosen.sites,
            queues=chosen.queues,
            agents=agents,
        )
    )
    if chosen.interval:
        start, end, utc_offset = _interval_bounds(chosen.interval, chosen.interval_s)
        where += [c.arrived_local >= start, c.arrived_local < end, c.utc_offset_s == utc_offset]
    if chosen.outcome is not None:
        where.append(c.outcome.in_(OUTCOME_GROUPS[chosen.outcome]))
    total = int(warehouse.execute(select(func.count()).select_from(contacts).where(*where)).scalar_one())
    stmt = (
        select(*[c[name] for name in CONTACT_LIST_COLUMNS])
        .where(*where)
        .order_by(c.arrived_at.desc(), c.contact_id)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(r) for r in warehouse.execute(stmt).mappings()], total
