"""Schedule pages: the week's grid per agent and day (supervisors, managers, admins) with
publish and shift edits, an agent's own schedule and its iCalendar export, time-off
requests with their coverage impact and approval. Thin: parse,
call wfm.schedule_view / schedule_service, render."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from floorwalker import clock
from floorwalker.errors import DomainError, InvalidInput
from floorwalker.org.models import Site
from floorwalker.timeutil import local_today
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render
from floorwalker.wfm import (
    adherence_service,
    intraday_pages,
    intraday_service,
    schedule_service,
    schedule_view,
    time_off_service,
)
from floorwalker.wfm.pages import _redirect
from floorwalker.wfm.versions_service import PLANNER_ROLES

router = APIRouter(prefix="/wfm", dependencies=[Depends(csrf_protect)], include_in_schema=False)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _monday(raw: str | None) -> date:
    if not raw:
        today = clock.utcnow().date()
        return today - timedelta(days=today.weekday())
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"week: '{raw}' is not a date (YYYY-MM-DD)", field="week") from None
    return day - timedelta(days=day.weekday())


@router.get("/schedule")
def schedule_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    week: str | None = None,
    site: str | None = None,
    status: str | None = None,
    flash: str | None = None,
) -> Response:
    monday = _monday(week)
    sites = list(db.scalars(select(Site.code).where(Site.active.is_(True)).order_by(Site.code)))
    chosen = schedule_service.resolve_site(db, site or (sites[0] if sites else None))
    schedule, rows = schedule_view.week_schedule(
        db, actor, chosen, monday, status if status in ("draft", "published") else None
    )
    now = clock.utcnow()
    live = None
    if monday <= now.date() < monday + timedelta(days=7) and status != "draft":
        live = adherence_service.out_of_adherence_now(db, warehouse, actor, now)
    context: dict[str, Any] = {
        "live": live, "now": now,
        "week": monday, "prev": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "days": [(DAY_NAMES[i], monday + timedelta(days=i)) for i in range(7)],
        "sites": sites, "site": chosen.code, "schedule": schedule, "rows": rows, "flash": flash,
        "can_plan": actor.role in PLANNER_ROLES, "can_edit": actor.role in ("admin", "manager", "supervisor"),
    }  # fmt: skip
    return render(request, "wfm/schedule.html", context)


@router.get("/schedule/out-now")
def out_now(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    """The live "out of adherence now" list (the schedule page refreshes it every minute)."""
    schedule_view.require_reader(actor)
    now = clock.utcnow()
    live = adherence_service.out_of_adherence_now(db, warehouse, actor, now)
    return render(request, "wfm/_out_now.html", {"live": live, "now": now})


@router.post("/schedule/publish")
async def publish(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    week, site = str(form.get("week", "")), str(form.get("site", "")) or None
    try:
        schedule_service.publish_week(db, actor, site, _monday(week))
    except DomainError as exc:
        return _redirect("/wfm/schedule", {"week": week, "site": site}, f"Not published: {exc.message}")
    return _redirect(
        "/wfm/schedule", {"week": week, "site": site, "status": "published"}, "Schedule published"
    )


@router.post("/schedule/shifts/{shift_id}")
async def edit(request: Request, db: Db, actor: PageActor, shift_id: int) -> Response:
    form = await request.form()
    week, site = str(form.get("week", "")), str(form.get("site", "")) or None
    status = str(form.get("status", "")) or None
    try:
        shift = schedule_view.edit_shift(db, actor, shift_id, str(form.get("start", "")))
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/schedule", {"week": week, "site": site, "status": status}, exc.message)
    return _redirect(
        "/wfm/schedule",
        {"week": week, "site": site, "status": status},
        f"Shift of {shift.agent_code} on {shift.day} now starts {shift.start_local:%H:%M}",
    )


@router.get("/my-schedule")
def my_schedule(request: Request, db: Db, actor: PageActor, week: str | None = None) -> Response:
    monday = _monday(week)
    days = schedule_view.my_shifts(db, actor, monday, monday + timedelta(days=6))
    context = {
        "week": monday, "prev": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "days": [(DAY_NAMES[s.day.weekday()], s.day, cell) for s, cell in days],
    }  # fmt: skip
    return render(request, "wfm/my_schedule.html", context)


@router.get("/my-schedule.ics")
def my_calendar(request: Request, db: Db, actor: PageActor) -> Response:
    text = schedule_view.my_calendar(db, actor, request.url.hostname or "floorwalker")
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="my-schedule.ics"'},
    )


@router.get("/time-off")
def time_off_page(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    context = {
        "requests": time_off_service.list_requests(db, actor),
        "can_request": actor.employee_id is not None,
        "flash": flash,
    }
    return render(request, "wfm/time_off.html", context)


@router.post("/time-off")
async def ask_time_off(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    try:
        try:
            start = datetime.fromisoformat(str(form.get("start", "")))
            end = datetime.fromisoformat(str(form.get("end", "")))
        except ValueError:
            raise InvalidInput("start and end must be dates and times") from None
        time_off_service.request_time_off(db, actor, start, end, str(form.get("reason", "")))
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/time-off", {}, f"Not requested: {exc.message}")
    return _redirect("/wfm/time-off", {}, "Time off requested")


@router.get("/time-off/{request_id}")
def time_off_detail(request: Request, db: Db, actor: PageActor, request_id: int) -> Response:
    found = time_off_service.impact(db, actor, request_id)
    req = found.pop("request")
    can = req.status == "pending" and time_off_service.can_decide(actor, found["employee"])
    return render(request, "wfm/time_off_detail.html", {**found, "req": req, "can_decide": can})


@router.post("/time-off/{request_id}/decide")
async def decide_time_off(request: Request, db: Db, actor: PageActor, request_id: int) -> Response:
    form = await request.form()
    approve = str(form.get("decision", "")) == "approve"
    try:
        req = time_off_service.decide(db, actor, request_id, approve, str(form.get("note", "")))
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/time-off", {}, f"Not decided: {exc.message}")
    return _redirect("/wfm/time-off", {}, f"Request {req.id} {req.status}")


@router.get("/intraday")
def intraday_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    site: str | None = None,
    flash: str | None = None,
) -> Response:
    now = clock.utcnow()
    sites = list(db.scalars(select(Site.code).where(Site.active.is_(True)).order_by(Site.code)))
    chosen = schedule_service.resolve_site(db, site or (sites[0] if sites else None))
    today = local_today(now.replace(tzinfo=UTC), chosen.time_zone)
    plan = intraday_service.day_plan(db, warehouse, actor, chosen.code, today, now)
    view = intraday_service.intraday(db, warehouse, actor, chosen.code, today, now, plan)
    extra = intraday_pages.panel(db, warehouse, actor, chosen.code, now, plan)
    return render(request, "wfm/intraday.html", {**view, **extra, "sites": sites, "now": now, "flash": flash})
