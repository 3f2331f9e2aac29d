"""Metrics pages: the overview and the queue page (the team, agent and contact-list pages
are in ``people_pages``, targets in ``target_pages``). Thin: read the query, call the
services, render; every table exports (``page_support.respond``)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from floorwalker import clock
from floorwalker.errors import InvalidInput
from floorwalker.metrics import (
    cache,
    charts,
    dashboard,
    formulas,
    grains,
    people_pages,
    service,
    target_pages,
    target_service,
)
from floorwalker.metrics.export import Column, Table
from floorwalker.metrics.page_support import (
    CONTACT_COLUMNS,
    DRILL_OUTCOME,
    PREVIOUS_LABEL,
    contacts_href,
    drill_links,
    parse_day,
    respond,
    site_today,
)
from floorwalker.org.models import Queue, Site
from floorwalker.web.deps import Db, PageActor, Warehouse
from floorwalker.web.templating import render, templates

router = APIRouter(include_in_schema=False)
router.include_router(target_pages.router)
router.include_router(people_pages.router)

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
        (*key, "page"),
        lambda: _overview_page(request, dashboard.overview_cached(db, warehouse, actor, now)),
        stale_key=(*dashboard.previous_minute(key), "page"),
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
                    Column("sl_formula", "SL formula"),
                    Column("aht_basis", "AHT basis"),
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
    chosen = parse_day(day, site_today(site), "day")
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
    watched = ["offered", "service_level", "asa_s", "abandon_rate", "aht_s"]
    flags = dashboard.day_flags(days, watched, first)
    # The same weekday's intervals over the previous weeks: one cube, filtered in Python.
    history = service.cube(
        db,
        warehouse,
        actor,
        service.CubeRequest(
            start=chosen - timedelta(weeks=dashboard.HISTORY_WEEKS),
            end=chosen - timedelta(days=1),
            by=(grain,),
            queues=(code,),
        ),
    )
    interval_flags = dashboard.interval_flags(intervals, history, watched, grain, chosen)
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
        flags=interval_flags,
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
