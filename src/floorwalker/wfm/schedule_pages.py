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
    schedule_edit_service,
    schedule_service,
    schedule_view,
    swap_service,
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


#: Time limit of a generation started from the page (seconds): the CLI's default, and the
#: range a form may ask for (a request waits for the optimiser).
GENERATE_SECONDS = 60.0
MIN_GENERATE_SECONDS = 1.0
MAX_GENERATE_SECONDS = 300.0


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


@router.post("/schedule/generate")
async def generate(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    """Generate the week's draft from the page (as `floorwalker schedule generate`, which
    cannot open the embedded warehouse while the server holds it)."""
    form = await request.form()
    week, site = str(form.get("week", "")), str(form.get("site", "")) or None
    try:
        limit = float(str(form.get("time_limit_s", "") or GENERATE_SECONDS))
    except ValueError:
        limit = -1.0
    if not MIN_GENERATE_SECONDS <= limit <= MAX_GENERATE_SECONDS:
        return _redirect(
            "/wfm/schedule", {"week": week, "site": site},
            f"Not generated: time limit must be {MIN_GENERATE_SECONDS:g}–{MAX_GENERATE_SECONDS:g} seconds",
        )  # fmt: skip
    try:
        out = schedule_service.generate_week(db, warehouse, actor, site, _monday(week), time_limit_s=limit)
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/schedule", {"week": week, "site": site}, f"Not generated: {exc.message}")
    return _redirect(
        "/wfm/schedule", {"week": week, "site": site, "status": "draft"},
        f"Draft generated: {out['shifts']} shifts for {out['agents']} agents, gap {out['gap']:.1%}, "
        f"{out['rule_violations']} rule violations",
    )  # fmt: skip


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


EDITS = ("end", "block", "remove", "add")


@router.get("/schedule/shifts/{shift_id}")
def shift_page(
    request: Request, db: Db, actor: PageActor, shift_id: int, flash: str | None = None
) -> Response:
    """One agent's day with every edit a supervisor can make to it."""
    view = schedule_edit_service.edit_view(db, actor, shift_id)
    return render(request, "wfm/shift_edit.html", {**view, "flash": flash})


@router.post("/schedule/shifts/{shift_id}/{change}")
async def change_shift(request: Request, db: Db, actor: PageActor, shift_id: int, change: str) -> Response:
    """Supervisor edits from the grid: end (new end), block (meeting / training /
    coaching), remove (day off), add (a shift from a template on a day off)."""
    form = await request.form()
    week, site = str(form.get("week", "")), str(form.get("site", "")) or None
    status = str(form.get("status", "")) or None
    back = {"week": week, "site": site, "status": status}

    def get(key: str) -> str:
        return str(form.get(key, ""))

    try:
        if change == "end":
            out = schedule_edit_service.change_end(db, actor, shift_id, get("end"))
        elif change == "block":
            try:
                minutes = int(get("minutes"))
            except ValueError:
                raise InvalidInput("minutes: give the block's length in minutes", field="minutes") from None
            out = schedule_edit_service.add_block(
                db, actor, shift_id, get("kind"), get("name"), get("start"), minutes
            )
        elif change == "remove":
            out = schedule_edit_service.remove_shift(db, actor, shift_id)
        elif change == "add":
            out = schedule_edit_service.add_shift(db, actor, shift_id, get("template"), get("start"))
        else:
            raise InvalidInput(f"unknown change '{change}' (one of {', '.join(EDITS)})")
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/schedule", back, exc.message)
    return _redirect("/wfm/schedule", back, f"{out['agent']}: {out['before']} → {out['after']}")


@router.post("/schedule/activities/{activity_id}")
async def move_activity(request: Request, db: Db, actor: PageActor, activity_id: int) -> Response:
    form = await request.form()
    week, site = str(form.get("week", "")), str(form.get("site", "")) or None
    back = {"week": week, "site": site, "status": str(form.get("status", "")) or None}
    try:
        out = schedule_edit_service.move_activity(db, actor, activity_id, str(form.get("start", "")))
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/schedule", back, exc.message)
    return _redirect("/wfm/schedule", back, f"{out['agent']}: {', '.join(out['activities'])}")


@router.get("/my-schedule")
def my_schedule(request: Request, db: Db, actor: PageActor, week: str | None = None) -> Response:
    monday = _monday(week)
    days = schedule_view.my_shifts(db, actor, monday, monday + timedelta(days=6))
    offers = [r for r in swap_service.list_swaps(db, actor) if r["can_respond"]]
    now_local = _site_now(db, actor)
    context = {
        "week": monday, "prev": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "days": [(DAY_NAMES[s.day.weekday()], s.day, cell) for s, cell in days],
        "offers": offers, "now_local": now_local,
    }  # fmt: skip
    return render(request, "wfm/my_schedule.html", context)


def _site_now(db: Db, actor: PageActor) -> datetime:
    """Now on the wall clock of the actor's site (naive), to tell shifts still to come."""
    from zoneinfo import ZoneInfo

    from floorwalker.org.models import Employee

    emp = db.get(Employee, actor.employee_id) if actor.employee_id is not None else None
    site = db.get(Site, emp.site_id) if emp is not None else None
    zone = ZoneInfo(site.time_zone if site is not None else "UTC")
    return clock.utcnow().replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


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
