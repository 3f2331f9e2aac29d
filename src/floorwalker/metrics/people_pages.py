"""Team, agent and contact-list pages: the people behind the numbers and the contacts
behind any number. An agent sees own data only (the services enforce it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from floorwalker.auth.permissions import can_read_center_metrics
from floorwalker.errors import InvalidInput
from floorwalker.metrics import dashboard, service, target_service
from floorwalker.metrics.export import Column, Table
from floorwalker.metrics.page_support import (
    AGENT_TIME_COLUMNS,
    CONTACT_COLUMNS,
    CUSTOMER_COLUMNS,
    center_today,
    drill_for,
    drill_links,
    parse_day,
    respond,
    site_today,
)
from floorwalker.org import service as org_service
from floorwalker.org.models import Employee, Site, Team
from floorwalker.web.deps import Db, PageActor, Warehouse

router = APIRouter(include_in_schema=False)

# --- teams and agents ----------------------------------------------------------------------


def _range(db: Db, start: str, end: str, site: Site | None = None) -> tuple[date, date]:
    today = site_today(site) if site else center_today(db)
    last = parse_day(end, today, "to")
    first = parse_day(start, last - timedelta(days=13), "from")
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
        if e.agent_code is not None
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
#: Most contacts one export holds (XLSX writing is slow in pure Python: ~50,000 rows take
#: several seconds; CSV is ten times faster).
EXPORT_LIMIT = {"xlsx": 50_000, "csv": 500_000}
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
    today = center_today(db)
    last = parse_day(end, today, "to")
    first = parse_day(start, last, "from")
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
    exporting = params.get("export")
    if exporting and exporting not in EXPORT_LIMIT:
        raise InvalidInput("export: csv or xlsx", field="export")
    cap = EXPORT_LIMIT.get(exporting or "", PAGE_SIZE)
    rows, total = service.contact_list(
        db, warehouse, actor, chosen, offset=0 if exporting else (page - 1) * PAGE_SIZE, limit=cap + 1
    )
    if exporting and len(rows) > cap:
        raise InvalidInput(
            f"export: {total:,} contacts match; a {exporting.upper()} export holds at most {cap:,}. "
            "Narrow the filter (fewer days, one queue)" + (" or export CSV." if exporting == "xlsx" else "."),
            field="export",
        )
    rows = rows[:PAGE_SIZE] if not exporting else rows
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
