"""The "My availability & preferences" page (/wfm/availability): an agent edits their own;
a supervisor picks one of their teams' agents, a manager or admin anyone. Thin: parse the
form, call wfm.availability_service, render. Invalid input re-renders the page with the
reason (422); out-of-scope employees are refused (403)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput
from floorwalker.org.hours import DAYS
from floorwalker.web.deps import Db, PageActor, csrf_protect
from floorwalker.web.templating import render
from floorwalker.wfm import availability_service as service
from floorwalker.wfm.pages import _redirect

router = APIRouter(prefix="/wfm", dependencies=[Depends(csrf_protect)], include_in_schema=False)
PATH = "/wfm/availability"


def _employee_param(raw: object) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"employee: '{text}' is not an employee id", field="employee") from None


def _date(raw: object, field: str) -> date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise service.InvalidAvailability(
            f"{field}: '{text}' is not a date (YYYY-MM-DD)", field=field
        ) from None


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    employee: int | None,
    flash: str | None = None,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    others = service.editable_employees(db, actor)
    if employee is None and others and all(e.id != actor.employee_id for e in others):
        # a manager or admin who is not a scheduled agent (no employee record, or no agent
        # code): the first agent, so the page and its agent picker agree
        employee = others[0].id
    current = service.get_availability(db, actor, employee)
    context = {
        "current": current,
        "employees": others if len(others) > 1 or current["employee_id"] != actor.employee_id else [],
        "days": DAYS,
        "flash": flash,
        "error": error,
        "form": form or {},
        "employee_param": current["employee_id"],
    }
    return render(request, "wfm/availability.html", context, status_code=422 if error else 200)


@router.get("/availability")
def availability_page(
    request: Request, db: Db, actor: PageActor, employee: str | None = None, flash: str | None = None
) -> Response:
    return _page(request, db, actor, _employee_param(employee), flash)


@router.post("/availability/patterns")
async def add_pattern(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    who = _employee_param(form.get("employee"))
    values = {k: str(form.get(k, "")) for k in ("hours", "valid_from", "valid_to")}
    try:
        service.add_pattern(
            db, actor, who, values["hours"], _date(values["valid_from"], "valid_from"),
            _date(values["valid_to"], "valid_to"),
        )  # fmt: skip
    except service.InvalidAvailability as exc:
        db.rollback()
        return _page(request, db, actor, who, error=f"Not saved: {exc.message}", form=values)
    return _redirect(PATH, {"employee": who}, "Availability added")


@router.post("/availability/patterns/{pattern_id}")
async def update_pattern(request: Request, db: Db, actor: PageActor, pattern_id: int) -> Response:
    form = await request.form()
    who = _employee_param(form.get("employee"))
    values = {k: str(form.get(k, "")) for k in ("hours", "valid_from", "valid_to")}
    try:
        service.update_pattern(
            db, actor, who, pattern_id, values["hours"], _date(values["valid_from"], "valid_from"),
            _date(values["valid_to"], "valid_to"),
        )  # fmt: skip
    except service.InvalidAvailability as exc:
        db.rollback()
        return _page(request, db, actor, who, error=f"Not saved: {exc.message}")
    return _redirect(PATH, {"employee": who}, "Availability changed")


@router.post("/availability/patterns/{pattern_id}/delete")
async def delete_pattern(request: Request, db: Db, actor: PageActor, pattern_id: int) -> Response:
    form = await request.form()
    who = _employee_param(form.get("employee"))
    service.delete_pattern(db, actor, who, pattern_id)
    return _redirect(PATH, {"employee": who}, "Availability deleted")


@router.post("/availability/preferences")
async def set_preferences(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    who = _employee_param(form.get("employee"))
    starts = [t.strip() for t in str(form.get("start_times", "")).replace(";", ",").split(",") if t.strip()]
    earliest = str(form.get("earliest_start", "")).strip() or None
    latest = str(form.get("latest_start", "")).strip() or None
    raw_weight = str(form.get("weight", "1")).strip() or "1"
    try:
        try:
            weight = float(raw_weight)
        except ValueError:
            raise service.InvalidAvailability(
                f"weight: '{raw_weight}' is not a number", field="weight"
            ) from None
        service.set_preferences(
            db, actor, who, days_off=[str(d) for d in form.getlist("days_off")], start_times=starts,
            earliest_start=earliest, latest_start=latest, weight=weight,
        )  # fmt: skip
    except service.InvalidAvailability as exc:
        db.rollback()
        return _page(request, db, actor, who, error=f"Preferences not saved: {exc.message}")
    return _redirect(PATH, {"employee": who}, "Preferences saved")
