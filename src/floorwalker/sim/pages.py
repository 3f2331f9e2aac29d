"""The what-if page: choose a site's week, add changes, run baseline against scenario, save
and reopen named scenarios. Thin: parse the form, call the service, render. Works as plain
form posts; with htmx the result replaces the page's main block and a spinner shows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from floorwalker import clock
from floorwalker.errors import DomainError, InvalidInput
from floorwalker.sim import plans, service, whatif
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render

router = APIRouter(prefix="/sim", dependencies=[Depends(csrf_protect)], include_in_schema=False)

KIND_LABELS = {
    "volume": "Volume ±%",
    "aht": "AHT ±% or ±seconds",
    "agents": "Agents added or removed",
    "patience": "Patience ±%",
    "overflow": "Overflow rule",
    "merge": "Merge a queue into another",
}


def _last_monday() -> date:
    today = clock.now_aware().date()
    return today - timedelta(days=today.weekday() + 7)


def _state(form: FormData | None = None) -> dict[str, Any]:
    """The page's settings from a form (or defaults), checked loosely; the service checks."""
    f = form or FormData()

    def integer(key: str, default: int) -> int:
        raw = str(f.get(key) or "").strip()
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{key}: must be a whole number", field=key) from None

    raw_week = str(f.get("week") or "").strip()
    try:
        week = date.fromisoformat(raw_week) if raw_week else _last_monday()
    except ValueError:
        raise InvalidInput("week: must be a date YYYY-MM-DD", field="week") from None
    try:
        changes = json.loads(str(f.get("changes") or "[]"))
    except json.JSONDecodeError:
        raise InvalidInput("changes: not valid JSON", field="changes") from None
    if not isinstance(changes, list):
        raise InvalidInput("changes: must be a list", field="changes")
    baseline = str(f.get("baseline") or "history")
    if baseline not in plans.SOURCES:
        raise InvalidInput(f"baseline: must be one of {', '.join(plans.SOURCES)}", field="baseline")
    return {
        "site": str(f.get("site") or ""),
        "week": week,
        "baseline": baseline,
        "days": integer("days", 7),
        "replications": integer("replications", 10),
        "seed": integer("seed", 1),
        "changes": changes,
    }


def change_from_form(form: FormData) -> dict[str, Any]:
    """The "add a change" fields as a change object (checked by whatif.parse_change)."""
    kind = str(form.get("kind") or "")
    raw: dict[str, Any] = {"kind": kind}
    for key in ("queue", "group", "team", "into", "from", "to"):
        value = str(form.get(key) or "").strip()
        if value:
            raw[key] = value
    for key, cast in (("pct", float), ("seconds", float), ("after_s", float), ("delta", int)):
        value = str(form.get(key) or "").strip()
        if value:
            try:
                raw[key] = cast(value)
            except ValueError:
                raise InvalidInput(
                    f"{key}: must be a {'whole ' if cast is int else ''}number", field=key
                ) from None
    days = [int(d) for d in form.getlist("weekday") if str(d).isdigit()]
    if days:
        raw["days"] = days
    if kind == "overflow":
        raw["on"] = str(form.get("on") or "on") == "on"
    keys = whatif.KEYS.get(kind, ())
    return whatif.parse_change({k: v for k, v in raw.items() if k == "kind" or k in keys}, 0)


def _page(
    request: Request,
    db: Any,
    actor: Any,
    state: dict[str, Any],
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    saved: Any = None,
    status: int = 200,
    warehouse: Any = None,
) -> Response:
    names = None
    if result is not None:
        names = {k: result.get(k, []) for k in ("queues", "groups", "teams")}
    elif warehouse is not None and state["site"]:
        names = service.baseline_names(
            db,
            warehouse,
            actor,
            site=state["site"],
            week=state["week"],
            days=state["days"],
            baseline=state["baseline"],
        )
    available = None
    if warehouse is not None and state["site"]:
        try:
            available = service.availability(
                db, warehouse, actor, site=state["site"], week=state["week"], days=state["days"]
            )
        except DomainError:
            available = None  # a bad week or site: the error message already says so
    described = []
    for i, c in enumerate(state["changes"]):
        try:
            described.append(whatif.describe(whatif.parse_change(c, i)))
        except DomainError:
            described.append(json.dumps(c))
    return render(
        request,
        "sim/whatif.html",
        {
            "sites": service.sites(db),
            "state": state,
            "changes_json": json.dumps(state["changes"]),
            "described": described,
            "kinds": KIND_LABELS,
            "sources": plans.SOURCE_LABELS,
            "available": available,
            "result": result,
            "names": names,
            "error": error,
            "saved": saved,
            "scenarios": service.list_saved(db, actor),
            "can_write": service.can_write(actor),
            "weekdays": list(enumerate(whatif.DAY_NAMES)),
            "flash": request.query_params.get("flash"),
        },
        status_code=status,
    )


@router.get("")
def whatif_page(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    service.list_saved(db, actor)  # the role check
    state = _state()
    first = service.sites(db)
    if first:
        state["site"] = first[0].code
    return _page(request, db, actor, state, warehouse=warehouse)


@router.post("")
async def whatif_post(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    """One form, several buttons: ``action`` = add, remove-N, run."""
    form = await request.form()
    service.list_saved(db, actor)
    try:
        state = _state(form)
    except DomainError as exc:
        return _page(request, db, actor, _state(), error=exc.message, status=422)
    action = str(form.get("action") or "run")
    try:
        if action == "add":
            state["changes"].append(change_from_form(form))
            return _page(request, db, actor, state, warehouse=warehouse)
        if action.startswith("remove-"):
            idx = int(action.removeprefix("remove-"))
            if 0 <= idx < len(state["changes"]):
                state["changes"].pop(idx)
            return _page(request, db, actor, state, warehouse=warehouse)
        result = service.run(
            db,
            warehouse,
            actor,
            site=state["site"],
            week=state["week"],
            days=state["days"],
            changes=state["changes"],
            replications=state["replications"],
            seed=state["seed"],
            baseline=state["baseline"],
        )
    except DomainError as exc:
        return _page(request, db, actor, state, error=exc.message, status=422, warehouse=warehouse)
    return _page(request, db, actor, state, result=result, warehouse=warehouse)


@router.post("/saved")
async def save_scenario(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    form = await request.form()
    service.need_write(actor)
    try:
        state = _state(form)
        result = service.run(
            db,
            warehouse,
            actor,
            site=state["site"],
            week=state["week"],
            days=state["days"],
            changes=state["changes"],
            replications=state["replications"],
            seed=state["seed"],
            baseline=state["baseline"],
        )
        row = service.save(
            db,
            actor,
            name=str(form.get("name") or ""),
            description=str(form.get("description") or ""),
            site=state["site"],
            week=state["week"],
            days=state["days"],
            replications=state["replications"],
            seed=state["seed"],
            baseline=state["baseline"],
            changes=state["changes"],
            results=result,
        )
    except DomainError as exc:
        db.rollback()
        try:
            state = _state(form)
        except DomainError:
            state = _state()
        return _page(request, db, actor, state, error=exc.message, status=422, warehouse=warehouse)
    return RedirectResponse(
        f"/sim/saved/{row.id}?flash={quote('Scenario saved: ' + row.name)}", status_code=303
    )


@router.get("/saved/{scenario_id}")
def open_saved(
    scenario_id: int, request: Request, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    row = service.get_saved(db, actor, scenario_id)
    state = {
        "site": row.site,
        "week": row.week,
        "days": row.days,
        "replications": row.replications,
        "seed": row.seed,
        "baseline": row.baseline,
        "changes": list(row.changes),
    }
    return _page(request, db, actor, state, result=row.results, saved=row, warehouse=warehouse)


@router.post("/saved/{scenario_id}/delete")
def delete_saved(scenario_id: int, db: Db, actor: PageActor) -> Response:
    service.delete_saved(db, actor, scenario_id)
    return RedirectResponse(f"/sim?flash={quote('Scenario deleted')}", status_code=303)
