"""Metrics pages: overview, queue, team, agent and the contacts behind any number. Every
table exports as CSV or XLSX (``?export=csv|xlsx&table=<id>`` on the page's own URL, so the
export carries the page's filters). Thin: read the query, call the services, render."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from floorwalker import clock
from floorwalker.auth.permissions import can_read_center_metrics
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.metrics import (
    cache,
    charts,
    dashboard,
    export,
    formulas,
    grains,
    service,
    target_pages,
    target_service,
)
from floorwalker.metrics.export import Column, Table
from floorwalker.org import service as org_service
from floorwalker.org.models import Employee, Queue, Site, Team
from floorwalker.timeutil import local_today
from floorwalker.web.deps import Db, PageActor, Warehouse
from floorwalker.web.templating import number, percent, render, seconds, templates

router = APIRouter(include_in_schema=False)
router.include_router(target_pages.router)

#: Columns of the per-queue and per-day tables (contact metrics).
CONTACT_COLUMNS = [
    Column("offered", "Offered", "count"),
    Column("answered", "Answered", "count"),
    Column("abandoned", "Abandoned", "count"),
    Column("other_exits", "Other exits", "count"),
    Column("service_level", "Service level", "fraction"),
    Column("asa_s", "ASA", "seconds"),
    Column("abandon_rate", "Abandon rate", "fraction"),
    Column("aht_s", "AHT", "seconds"),
    Column("transfer_rate", "Transfer rate", "fraction"),
]
AGENT_TIME_COLUMNS = [
    Column("occupancy", "Occupancy", "fraction"),
    Column("utilisation", "Utilisation", "fraction"),
    Column("shrinkage", "Shrinkage", "fraction"),
]
CUSTOMER_COLUMNS = [
    Column("fcr", "FCR", "fraction"),
    Column("csat", "CSAT", "fraction"),
    Column("csat_responses", "CSAT responses", "count"),
]
#: Which contacts are behind a number: the outcome filter of the contact list.
DRILL_OUTCOME = {
    "offered": None,
    "answered": "answered",
    "abandoned": "abandoned",
    "other_exits": "other_exits",
    "service_level": None,
    "asa_s": "answered",
    "aht_s": "answered",
    "abandon_rate": "abandoned",
    "transfer_rate": "transferred",
    "csat": "answered",
    "fcr": "answered",
}


def contacts_href(**filters: Any) -> str:
    """The contact list behind a number (empty filters left out)."""
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/metrics/contacts?" + urlencode(query)


def drill_links(table: Table, base: dict[str, Any], per_row: Any = None) -> None:
    """Fill ``table.links``: every count or rate links to the contacts behind it."""
    table.links = []
    for row in table.rows:
        filters = {**base, **(per_row(row) if per_row else {})}
        table.links.append(
            {
                c.key: contacts_href(**filters, outcome=DRILL_OUTCOME[c.key])
                for c in table.columns
                if c.key in DRILL_OUTCOME
            }
        )


def drill_for(table: Table, row: Any, filters: dict[str, Any]) -> dict[str, str]:
    """The contact-list links of one row's numbers."""
    del row
    return {
        c.key: contacts_href(**filters, outcome=DRILL_OUTCOME[c.key])
        for c in table.columns
        if c.key in DRILL_OUTCOME
    }


def export_href(request: Request, table_id: str, fmt: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("export", "table", "page")]
    return f"{request.url.path}?{urlencode([*query, ('export', fmt), ('table', table_id)])}"


templates.env.globals["export_href"] = export_href
#: Charts need Chart.js in static/vendor (``make assets``); without it pages show tables only.
templates.env.globals["has_charts"] = (
    Path(__file__).parents[1] / "web" / "static" / "vendor" / "chart.umd.js"
).exists()


def change_text(value: Any, kind: str) -> str:
    """A ``trends.Change`` as text: fraction points for rates, percent for counts and times."""
    if value is None or value.absolute is None:
        return "—"
    if kind == "fraction":
        return f"{value.absolute * 100:+.1f} pts"
    if value.relative is None:
        return f"{value.absolute:+,.0f}"
    return f"{value.relative * 100:+.1f}%"


def fmt(value: Any, kind: str) -> str:
    """A value as the pages show it, by column kind (see ``export.Column``)."""
    if kind in ("count", "number"):
        return number(value)
    if kind == "fraction":
        return percent(value)
    if kind == "seconds":
        return seconds(value)
    return "—" if value is None else str(value)


templates.env.filters["change"] = change_text
templates.env.filters["fmt"] = fmt
PREVIOUS_LABEL = {
    "today": "vs yesterday",
    "yesterday": "vs the day before",
    "week_to_date": "vs last week",
    "month_to_date": "vs last month",
}


def respond(request: Request, template: str, context: dict[str, Any], tables: Sequence[Table]) -> Response:
    """The page, or one of its tables as CSV / XLSX when ``?export=`` asks for it."""
    fmt = request.query_params.get("export")
    if fmt:
        name = request.query_params.get("table", "")
        table = next((t for t in tables if t.id == name), None)
        if table is None:
            raise NotFound(f"this page has no table '{name}'")
        if fmt == "csv":
            return Response(
                export.to_csv(table),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{table.id}.csv"'},
            )
        if fmt == "xlsx":
            return Response(
                export.to_xlsx(table),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": f'attachment; filename="{table.id}.xlsx"'},
            )
        raise InvalidInput("export: csv or xlsx", field="export")
    return render(request, template, {**context, "tables": {t.id: t for t in tables}})


def _day(text: str | None, default: date, field: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: '{text}' is not a date (YYYY-MM-DD)", field=field) from None


def _site_today(site: Site | None) -> date:
    return local_today(clock.now_aware(), site.time_zone if site else "UTC")


def _center_today(db: Db) -> date:
    return _site_today(db.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.id)).first())


# --- overview ------------------------------------------------------------------------------


@router.get("/")
def overview(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    if actor.role == "agent":
        if actor.employee_id is None:
            return render(
                request, "error.html", {"status": 403, "message": "Your user has no employee record."}, 403
            )
        return RedirectResponse(f"/agents/{actor.employee_id}", status_code=303)
    now = clock.now_aware()
    key = dashboard.cache_key(db, warehouse, actor, now)
    # The page's tables and links are built once per cache entry, like the numbers themselves.
    # The overview takes no query parameters, so its content (export links included) is the
    # same for every center reader: rendered once per cache entry.
    body, tables = cache.overview_cache.get(
        (*key, "page"), lambda: _overview_page(request, dashboard.overview_cached(db, warehouse, actor, now))
    )
    return respond(request, "metrics/overview.html", {"body": body}, tables)


def _overview_page(request: Request, sites: list[dashboard.SiteOverview]) -> tuple[Markup, list[Table]]:
    tables = []
    for s in sites:
        for p in s.periods:
            t = Table(
                f"queues-{s.code}-{p.key}",
                f"{s.name} {p.label}",
                [
                    Column("queue_name", "Queue"),
                    Column("channel", "Channel"),
                    *CONTACT_COLUMNS,
                    Column("csat", "CSAT", "fraction"),
                ],
                p.queues,
                status=[r["status"] for r in p.queues],
            )
            drill_links(
                t,
                {"site": s.code, "from": p.start.isoformat(), "to": p.end.isoformat()},
                lambda r: {"queue": r["queue"]},
            )
            for links, row in zip(t.links, p.queues, strict=True):
                links["queue_name"] = f"/metrics/queues/{row['queue']}"
            tables.append(t)
    tile_links = {
        (s.code, p.key, tile.kpi): contacts_href(
            site=s.code,
            outcome=DRILL_OUTCOME.get(tile.kpi),
            **{"from": p.start.isoformat(), "to": p.end.isoformat()},
        )
        for s in sites
        for p in s.periods
        for tile in p.tiles
    }
    context = {
        "sites": sites,
        "tile_links": tile_links,
        "previous_label": PREVIOUS_LABEL,
        "formulas": formulas.SL_FORMULAS,
        "warn_formulas": formulas.SL_FORMULAS_WITH_WARNING,
        "sparkline": charts.sparkline_points,
        "contacts_href": contacts_href,
        "drill": DRILL_OUTCOME,
    }
    template = templates.get_template("metrics/_overview_body.html")
    body = Markup(template.render({**context, "request": request, "tables": {t.id: t for t in tables}}))  # noqa: S704 - our own template's output
    return body, tables


# --- queue ---------------------------------------------------------------------------------


@router.get("/metrics/queues/{code}")
def queue_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    code: str,
    day: str = "",
    grain: str = "interval15",
) -> Response:
    queue = db.scalar(select(Queue).where(Queue.code == code))
    site = db.get(Site, queue.site_id) if queue else None
    chosen = _day(day, _site_today(site), "day")
    if grain not in grains.INTERVAL_SECONDS:
        raise InvalidInput("grain: interval15, interval30 or interval60", field="grain")
    intervals = service.cube(
        db, warehouse, actor, service.CubeRequest(start=chosen, end=chosen, by=(grain,), queues=(code,))
    )
    first = chosen - timedelta(days=27)
    days = service.cube(
        db,
        warehouse,
        actor,
        service.CubeRequest(
            start=first - timedelta(weeks=dashboard.HISTORY_WEEKS), end=chosen, by=("day",), queues=(code,)
        ),
    )
    flags = dashboard.day_flags(days, ["offered", "service_level", "asa_s", "abandon_rate", "aht_s"], first)
    days = [r for r in days if date.fromisoformat(r["day"]) >= first]
    goals = target_service.current_targets(db)
    site_code = site.code if site else None
    for r in intervals:
        r["start"] = r[grain][11:16]
    it = Table(
        "intervals",
        f"{code} {chosen} by interval",
        [Column("start", "From"), *CONTACT_COLUMNS, Column(grain, "Interval (ISO, UTC offset)")],
        intervals,
        status=[dashboard.status_of(r, goals, site=site_code, queue=code) for r in intervals],
    )
    drill_links(
        it,
        {"queue": code, "from": chosen.isoformat(), "to": chosen.isoformat()},
        lambda r: {"interval": r[grain], "interval_s": grains.INTERVAL_SECONDS[grain]},
    )
    dt = Table(
        "days",
        f"{code} by day",
        [Column("day", "Day", "date"), *CONTACT_COLUMNS],
        days,
        status=[dashboard.status_of(r, goals, site=site_code, queue=code) for r in days],
        flags=[flags.get(date.fromisoformat(r["day"]), {}) for r in days],
    )
    drill_links(dt, {"queue": code}, lambda r: {"from": r["day"], "to": r["day"]})
    chart = {
        "labels": [r["start"] for r in intervals],
        "offered": [r["offered"] for r in intervals],
        "answered": [r["answered"] for r in intervals],
        "service_level": [r["service_level"] for r in intervals],
        "asa_s": [r["asa_s"] for r in intervals],
        "abandon_rate": [r["abandon_rate"] for r in intervals],
    }
    return respond(
        request,
        "metrics/queue.html",
        {
            "queue": queue,
            "code": code,
            "day": chosen,
            "grain": grain,
            "chart_json": json.dumps(chart).replace("</", "<\\/"),
            "prev_day": chosen - timedelta(days=1),
            "next_day": chosen + timedelta(days=1),
        },
        [it, dt],
    )


# --- teams and agents ----------------------------------------------------------------------


def _range(db: Db, start: str, end: str, site: Site | None = None) -> tuple[date, date]:
    today = _site_today(site) if site else _center_today(db)
    last = _day(end, today, "to")
    first = _day(start, last - timedelta(days=13), "from")
    if last < first:
        raise InvalidInput(f"to: the last day {last} is before the first day {first}", field="to")
    return first, last


@router.get("/metrics/teams")
def teams(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
) -> Response:
    if not can_read_center_metrics(actor):
        return RedirectResponse(f"/agents/{actor.employee_id}", status_code=303)
    first, last = _range(db, start, end)
    rows = service.cube(db, warehouse, actor, service.CubeRequest(start=first, end=last, by=("team",)))
    ids = {t.name: t.id for t in db.scalars(select(Team))}
    for r in rows:
        r["team"] = r["team"] or "(no team)"
    t = Table("teams", f"Teams {first} to {last}", [Column("team", "Team"), *CONTACT_COLUMNS], rows)
    drill_links(
        t,
        {"from": first.isoformat(), "to": last.isoformat()},
        lambda r: {"team": r["team"]},
    )
    for i, r in enumerate(rows):
        # Contacts without a team (unanswered, or agents in no team) have no list filter.
        t.links[i] = (
            {"team": f"/metrics/teams/{ids[r['team']]}?from={first}&to={last}"} if r["team"] in ids else {}
        )
        if r["team"] in ids:
            t.links[i].update(
                drill_for(t, r, {"from": first.isoformat(), "to": last.isoformat(), "team": r["team"]})
            )
    return respond(request, "metrics/teams.html", {"first": first, "last": last, "ids": ids}, [t])


@router.get("/metrics/teams/{team_id}")
def team_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    team_id: int,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
) -> Response:
    team = org_service.get_team(db, actor, team_id)
    first, last = _range(db, start, end, db.get(Site, team.site_id))
    goals = target_service.current_targets(db)
    req = service.CubeRequest(start=first, end=last, teams=(team.name,), agent_time=True, customer=True)
    days = service.cube(db, warehouse, actor, replace(req, by=("day",)))
    agents = service.cube(db, warehouse, actor, replace(req, by=("agent",)))
    names = {
        e.agent_code: (e.id, e.full_name)
        for e in db.scalars(select(Employee).where(Employee.team_id == team.id))
    }
    for r in agents:
        r["name"] = names.get(r["agent"], (None, r["agent"]))[1]
    columns = [*CONTACT_COLUMNS, *AGENT_TIME_COLUMNS, *CUSTOMER_COLUMNS]
    dt = Table(
        "days",
        f"{team.name} by day",
        [Column("day", "Day", "date"), *columns],
        days,
        status=[dashboard.status_of(r, goals, team=team.name) for r in days],
    )
    drill_links(dt, {"team": team.name}, lambda r: {"from": r["day"], "to": r["day"]})
    at = Table(
        "agents",
        f"{team.name} agents {first} to {last}",
        [Column("name", "Agent"), Column("agent", "Code"), *columns],
        agents,
        status=[dashboard.status_of(r, goals, team=team.name) for r in agents],
    )
    drill_links(at, {"from": first.isoformat(), "to": last.isoformat()}, lambda r: {"agent": r["agent"]})
    for links, r in zip(at.links, agents, strict=True):
        if names.get(r["agent"], (None,))[0] is not None:
            links["name"] = f"/agents/{names[r['agent']][0]}?from={first}&to={last}"
    return respond(
        request,
        "metrics/team.html",
        {"team": team, "first": first, "last": last, "ids": {code: v[0] for code, v in names.items()}},
        [dt, at],
    )


@router.get("/agents/{employee_id}")
def agent(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    employee_id: int,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
) -> Response:
    employee = org_service.get_employee(db, actor, employee_id)
    first, last = _range(db, start, end, db.get(Site, employee.site_id))
    rows: list[dict[str, Any]] = []
    if employee.agent_code:
        rows = service.cube(
            db,
            warehouse,
            actor,
            service.CubeRequest(
                start=first,
                end=last,
                by=("day",),
                agents=(employee.agent_code,),
                agent_time=True,
                customer=True,
            ),
        )
    by_day = {r["day"]: r for r in rows}
    # Every day of the range, newest first, including days without contacts.
    days = [
        by_day.get(
            (last - timedelta(days=n)).isoformat(),
            {"day": (last - timedelta(days=n)).isoformat(), "offered": 0, "answered": 0},
        )
        for n in range((last - first).days + 1)
    ]
    goals = target_service.current_targets(db)
    columns = [
        Column("day", "Day", "date"),
        Column("handled", "Handled", "count"),
        Column("aht_s", "AHT", "seconds"),
        Column("talk_s", "Talk", "seconds"),
        Column("hold_s", "Hold", "seconds"),
        Column("wrapup_s", "Wrap-up", "seconds"),
        Column("transfer_rate", "Transfer rate", "fraction"),
        *AGENT_TIME_COLUMNS,
        *CUSTOMER_COLUMNS,
    ]
    for d in days:
        d.setdefault("handled", 0)
    t = Table(
        "agent-days",
        f"{employee.full_name} by day",
        columns,
        days,
        status=[dashboard.status_of(r, goals) for r in days],
    )
    drill_links(t, {"agent": employee.agent_code or "-"}, lambda r: {"from": r["day"], "to": r["day"]})
    for links in t.links:
        links["handled"] = links["aht_s"]
    return respond(request, "metrics/agent.html", {"employee": employee, "first": first, "last": last}, [t])


# --- the contacts behind a number ----------------------------------------------------------

PAGE_SIZE = 50
CONTACT_TABLE_COLUMNS = [
    Column("arrived_local", "Arrived (site time)"),
    Column("site", "Site"),
    Column("queue", "Queue"),
    Column("channel", "Channel"),
    Column("agent", "Agent"),
    Column("outcome", "Outcome"),
    Column("wait_s", "Wait", "seconds"),
    Column("talk_s", "Talk", "seconds"),
    Column("hold_s", "Hold", "seconds"),
    Column("wrapup_s", "Wrap-up", "seconds"),
    Column("disposition", "Disposition"),
    Column("customer_key", "Customer"),
    Column("source_key", "Source key"),
]


@router.get("/metrics/contacts")
def contact_list(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    site: str = "",
    queue: str = "",
    team: str = "",
    agent: str = "",
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    interval: str = "",
    interval_s: int = 900,
    outcome: str = "",
    page: int = 1,
) -> Response:
    params = request.query_params
    today = _center_today(db)
    last = _day(end, today, "to")
    first = _day(start, last, "from")
    chosen = service.ContactFilter(
        start=first,
        end=last,
        sites=(site,) if site else (),
        queues=(queue,) if queue else (),
        agents=(agent,) if agent else (),
        teams=(team,) if team else (),
        interval=interval or None,
        interval_s=interval_s,
        outcome=outcome or None,
    )
    page = max(page, 1)
    exporting = bool(params.get("export"))
    rows, total = service.contact_list(
        db,
        warehouse,
        actor,
        chosen,
        offset=0 if exporting else (page - 1) * PAGE_SIZE,
        limit=1_048_575 if exporting else PAGE_SIZE,
    )
    for r in rows:
        r["arrived_local"] = r["arrived_local"].strftime("%Y-%m-%d %H:%M:%S")
    t = Table("contacts", f"Contacts {first} to {last}", CONTACT_TABLE_COLUMNS, rows)
    own = None
    if not can_read_center_metrics(actor) and actor.employee_id is not None:
        own = db.get(Employee, actor.employee_id)
    query = [(k, v) for k, v in params.multi_items() if k != "page"]
    return respond(
        request,
        "metrics/contacts.html",
        {
            "filters": {
                "site": site,
                "queue": queue,
                "team": team,
                "agent": own.agent_code if own else agent,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "interval": interval,
                "outcome": outcome,
            },
            "outcomes": list(service.OUTCOME_GROUPS),
            "total": total,
            "page": page,
            "page_size": PAGE_SIZE,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "query": urlencode(query),
            "agent_locked": own is not None,
            "interval_s": interval_s,
        },
        [t],
    )
