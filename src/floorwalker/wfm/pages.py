"""Workforce planning pages: forecast (history, forecast with its prediction interval,
accuracy, overrides), the week's requirements heatmap, and the capacity plan. Thin: parse
the query or form, call the services, render. Charts are inline SVG and HTML tables
(no chart library is vendored)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from floorwalker import clock
from floorwalker.errors import DomainError, InvalidInput
from floorwalker.org.models import Queue, Site
from floorwalker.timeutil import local_today
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render
from floorwalker.wfm import capacity_service
from floorwalker.wfm import service as wfm_service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.forecast_methods import METHODS

router = APIRouter(prefix="/wfm", dependencies=[Depends(csrf_protect)], include_in_schema=False)

CHART_W, CHART_H = 760, 220


def _redirect(path: str, params: dict[str, Any], flash: str | None = None) -> RedirectResponse:
    query = {k: v for k, v in params.items() if v is not None}
    if flash:
        query["flash"] = flash
    return RedirectResponse(f"{path}?{urlencode(query, quote_via=quote)}", status_code=303)


def _chart(history: list[tuple[date, float]], forecast: list[dict[str, Any]]) -> dict[str, Any]:
    """Polylines for daily history, forecast and its band, scaled to the chart box."""
    days = [d for d, _ in history] + [r["day"] for r in forecast]
    if not days:
        return {}
    top = max([v for _, v in history] + [r["hi"] for r in forecast] + [1.0])
    step = CHART_W / max(len(days) - 1, 1)

    def xy(i: int, value: float) -> str:
        return f"{i * step:.1f},{CHART_H - value / top * CHART_H:.1f}"

    n = len(history)
    band = [xy(n + i, r["hi"]) for i, r in enumerate(forecast)]
    band += [xy(n + i, r["lo"]) for i, r in reversed(list(enumerate(forecast)))]
    return {
        "width": CHART_W,
        "height": CHART_H,
        "top": top,
        "history": " ".join(xy(i, v) for i, (_, v) in enumerate(history)),
        "forecast": " ".join(xy(n + i, r["contacts"]) for i, r in enumerate(forecast)),
        "band": " ".join(band),
        "first": days[0],
        "last": days[-1],
    }


@router.get("")
def forecast_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    queue: str | None = None,
    version: int | None = None,
    flash: str | None = None,
) -> Response:
    versions.require_reader(actor)
    queues = list(db.scalars(select(Queue.code).where(Queue.active.is_(True)).order_by(Queue.code)))
    queue = queue or (queues[0] if queues else None)
    listed = versions.list_versions(db, actor, queue) if queue else []
    chosen = version or (listed[0]["id"] if listed else None)
    context: dict[str, Any] = {
        "queues": queues, "queue": queue, "versions": listed, "version": None, "flash": flash,
        "methods": ["auto", *METHODS], "can_plan": actor.role in versions.PLANNER_ROLES,
    }  # fmt: skip
    if chosen is not None:
        v = versions.get_version(db, actor, chosen)
        rows = versions.adjusted_rows(db, actor, chosen)
        daily: dict[date, dict[str, Any]] = {}
        for r in rows:
            d = daily.setdefault(
                r.day, {"day": r.day, "contacts": 0.0, "original": 0.0, "lo": 0.0, "hi": 0.0}
            )
            d["contacts"] += r.contacts
            d["original"] += r.original
            d["lo"] += r.lo
            d["hi"] += r.hi
        owner = db.get(Queue, v.queue_id)
        code = owner.code if owner is not None else queue
        context["queue"] = code
        points = wfm_service.warehouse_history(
            db, warehouse, actor, queue=str(code), interval_min=v.interval_min,
            start=v.history_end - timedelta(days=27), end=v.history_end,
        )  # fmt: skip
        history: dict[date, float] = {}
        for moment, contacts, _ in points:
            history[moment.date()] = history.get(moment.date(), 0.0) + contacts
        forecast_days = list(daily.values())
        context.update(
            version=versions.version_dict(v),
            days=forecast_days,
            intervals=rows[: 7 * 1440 // v.interval_min],
            chart=_chart(sorted(history.items()), forecast_days),
            accuracy=versions.accuracy_dict(versions.accuracy(db, warehouse, actor, chosen)),
            overrides=versions.all_overrides(db, actor, chosen),
        )
    return render(request, "wfm/forecast.html", context)


@router.post("/forecast")
async def save_forecast(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    form = await request.form()
    queue = str(form.get("queue") or "")
    try:
        v = versions.create_version(
            db, warehouse, actor, queue=queue,
            horizon_days=_int(form.get("horizon_days"), "horizon days"),
            method=str(form.get("method") or "auto"),
            history_days=_int(form.get("history_days") or "364", "history days"),
            note=str(form.get("note") or ""),
        )  # fmt: skip
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _redirect("/wfm", {"queue": queue}, f"Not saved: {exc.message}")
    return _redirect(
        "/wfm", {"queue": queue, "version": v.id}, f"Saved forecast version {v.id} ({v.method})."
    )


def _int(raw: object, name: str) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise InvalidInput(f"{name}: a whole number, not '{raw}'") from None


@router.post("/versions/{version_id}/overrides")
async def add_override(request: Request, version_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    queue = str(form.get("queue") or "")
    try:
        day = str(form.get("day") or "")
        start, end = str(form.get("start") or ""), str(form.get("end") or "")
        try:
            factor = float(str(form.get("factor") or ""))
        except ValueError:
            raise InvalidInput("factor: a number (1.2 = 20% more, 0 = closed)") from None
        try:
            versions.add_override(
                db, actor, version_id, factor=factor, reason=str(form.get("reason") or ""),
                day=date.fromisoformat(day) if day else None,
                start_local=datetime.fromisoformat(start) if start else None,
                end_local=datetime.fromisoformat(end) if end else None,
            )  # fmt: skip
        except ValueError as exc:
            raise InvalidInput(f"not a date or time: {exc}") from None
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _redirect(
            "/wfm", {"queue": queue, "version": version_id}, f"Override not saved: {exc.message}"
        )
    return _redirect("/wfm", {"queue": queue, "version": version_id}, "Override recorded.")


@router.post("/overrides/{override_id}/remove")
async def remove_override(request: Request, override_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    o = versions.remove_override(db, actor, override_id)
    return _redirect("/wfm", {"queue": form.get("queue"), "version": o.version_id}, "Override removed.")


def _next_monday() -> date:
    today = local_today(clock.now_aware(), "UTC")
    return today + timedelta(days=7 - today.weekday())


def _sites(db: Db) -> list[str]:
    return list(db.scalars(select(Site.code).order_by(Site.code)))


@router.get("/requirements")
def requirements_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    week: str | None = None,
    site: str | None = None,
    queue: str | None = None,
    measure: str = "scheduled_agents",
    flash: str | None = None,
) -> Response:
    try:
        day = date.fromisoformat(week) if week else _next_monday()
    except ValueError:
        raise InvalidInput(f"week: '{week}' is not a date (YYYY-MM-DD)") from None
    monday = day - timedelta(days=day.weekday())
    if measure not in ("agents", "scheduled_agents"):
        measure = "scheduled_agents"
    result = wfm_service.week_requirements(db, warehouse, actor, site or None, monday, build_missing=False)
    cells: dict[tuple[str, date], int] = {}
    for r in result.requirements:
        if queue and r.queue != queue:
            continue
        key = (r.interval_start.strftime("%H:%M"), r.interval_start.date())
        cells[key] = cells.get(key, 0) + int(getattr(r, measure))
    times = sorted({t for t, _ in cells})
    days = [monday + timedelta(days=i) for i in range(7)]
    top = max(cells.values(), default=0)
    grid = [(t, [(cells.get((t, d)), _colour(cells.get((t, d)), top)) for d in days]) for t in times]
    return render(
        request,
        "wfm/requirements.html",
        {
            "monday": monday, "site": site, "sites": _sites(db), "queue": queue, "measure": measure,
            "queues": [q["queue"] for q in result.queues], "days": days, "grid": grid, "top": top,
            "skipped": result.skipped + result.notes, "flash": flash,
            "can_plan": actor.role in versions.PLANNER_ROLES,
            "daily": [sum(v for (_, d2), v in cells.items() if d2 == d) for d in days],
        },
    )  # fmt: skip


def _colour(value: int | None, top: int) -> str:
    """Cell background: light (few agents) to dark blue (the week's peak)."""
    if not value or top <= 0:
        return "#ffffff"
    lightness = 95 - 55 * value / top
    return f"hsl(212, 70%, {lightness:.0f}%)"


@router.post("/requirements/build")
async def build_requirements(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    form = await request.form()
    week, site = str(form.get("week") or ""), str(form.get("site") or "") or None
    try:
        monday = date.fromisoformat(week)
        built = wfm_service.week_requirements(db, warehouse, actor, site, monday, build_missing=True)
    except ValueError:
        return _redirect("/wfm/requirements", {}, f"week: '{week}' is not a date")
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _redirect("/wfm/requirements", {"week": week, "site": site}, f"Not built: {exc.message}")
    return _redirect(
        "/wfm/requirements",
        {"week": week, "site": site},
        f"Forecasts ready for {len(built.queues)} queue(s).",
    )


@router.get("/capacity")
def capacity_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    months: int = 12,
    site: str | None = None,
    growth: float = 0.0,
    attrition: float | None = None,
    cost_per_hour: float | None = None,
) -> Response:
    from floorwalker.wfm.capacity import PlanInputs

    inputs = PlanInputs(current_fte=0.0, attrition=0.0, cost_per_hour=cost_per_hour)
    plan = capacity_service.plan(
        db, warehouse, actor, months=months, site=site or None, growth=growth,
        attrition=attrition, inputs=inputs,
    )  # fmt: skip
    return render(
        request,
        "wfm/capacity.html",
        {"plan": plan, "months": months, "site": site, "sites": _sites(db), "growth": growth,
         "attrition": attrition, "cost_per_hour": cost_per_hour},
    )  # fmt: skip
