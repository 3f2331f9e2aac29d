"""Calibration pages (list and create sessions, score a session's contacts blind, close the
session, read the report) and the QA analytics page. Thin: parse, call the service, render."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from floorwalker import clock
from floorwalker.errors import DomainError, InvalidInput
from floorwalker.quality import analytics_service, calibration_service, schemas, service
from floorwalker.quality.pages import answers_from_form, employee_names
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render

router = APIRouter(prefix="/qa/calibration", dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _list_page(
    request: Request,
    db: Db,
    actor: PageActor,
    values: dict[str, str],
    errors: list[str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "quality/calibration_list.html",
        {
            "sessions": calibration_service.list_calibration_sessions(db, actor),
            "scorecards": service.list_scorecards(db, actor),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("")
def sessions(request: Request, db: Db, actor: PageActor) -> Response:
    return _list_page(request, db, actor, {}, [])


@router.post("")
async def create(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    try:
        ids = [int(x) for x in values.get("contact_ids", "").replace(",", " ").split()]
        data = schemas.CalibrationSessionCreate(
            name=values.get("name", ""),
            scorecard_version_id=int(values.get("version_id") or 0),
            contact_ids=ids,
            target=float(values.get("target") or 0.85),
            expert=values.get("expert") or None,
        )
        created = calibration_service.create_calibration_session(db, actor, data)
    except ValueError as exc:  # ValidationError is a ValueError
        problems = (
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
            if isinstance(exc, ValidationError)
            else [f"contact ids and target are numbers ({exc})"]
        )
        return _list_page(request, db, actor, values, problems, 422)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _list_page(request, db, actor, values, [exc.message], 422)
    return RedirectResponse(f"/qa/calibration/{created.id}", status_code=303)


@router.get("/{session_id}")
def session_page(request: Request, session_id: int, db: Db, actor: PageActor) -> Response:
    calibration = calibration_service.get_calibration_session(db, actor, session_id)
    mine, counts = calibration_service.session_progress(db, actor, session_id)
    report = None
    if counts and calibration_service.may_see_report(actor, calibration):
        report = calibration_service.calibration_report(db, actor, session_id)[1]
    version = service.get_version(db, actor, calibration.scorecard_version_id)
    return render(
        request,
        "quality/calibration.html",
        {
            "session": calibration,
            "version": version,
            "card": service.definition_of(version),
            "mine": mine,
            "counts": counts,
            "report": report,
        },
    )


def _score_page(
    request: Request,
    db: Db,
    actor: PageActor,
    session_id: int,
    contact: dict[str, object],
    values: dict[str, str],
    errors: list[str],
    status_code: int = 200,
) -> Response:
    calibration = calibration_service.get_calibration_session(db, actor, session_id)
    version = service.get_version(db, actor, calibration.scorecard_version_id)
    return render(
        request,
        "quality/calibration_score.html",
        {
            "session": calibration,
            "contact": contact,
            "card": service.definition_of(version),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


def _contact(warehouse: Warehouse, actor: PageActor, contact_id: int) -> dict[str, object]:
    found = service.find_contacts(warehouse, actor, contact_id=contact_id, limit=1)
    return found[0] if found else {"contact_id": contact_id}


@router.get("/{session_id}/score/{contact_id}")
def score_form(
    request: Request, session_id: int, contact_id: int, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    return _score_page(request, db, actor, session_id, _contact(warehouse, actor, contact_id), {}, [])


@router.post("/{session_id}/score/{contact_id}")
async def score(
    request: Request, session_id: int, contact_id: int, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    form = await request.form()
    calibration = calibration_service.get_calibration_session(db, actor, session_id)
    card = service.definition_of(service.get_version(db, actor, calibration.scorecard_version_id))
    try:
        answers, comments = answers_from_form(form, card)
        calibration_service.submit_calibration_score(
            db,
            actor,
            session_id,
            schemas.CalibrationScoreCreate(contact_id=contact_id, answers=answers, comments=comments),
        )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        values = {k: str(v) for k, v in form.items()}
        return _score_page(
            request, db, actor, session_id, _contact(warehouse, actor, contact_id), values, [exc.message], 422
        )
    return RedirectResponse(f"/qa/calibration/{session_id}", status_code=303)


@router.post("/{session_id}/close")
def close(session_id: int, db: Db, actor: PageActor) -> Response:
    calibration_service.close_calibration_session(db, actor, session_id)
    return RedirectResponse(f"/qa/calibration/{session_id}", status_code=303)


analytics_router = APIRouter(prefix="/qa/analytics", include_in_schema=False)


@analytics_router.get("")
def analytics_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    """QA analytics for the period, in the actor's scope."""
    today = clock.utcnow().date()
    try:
        start = date.fromisoformat(since) if since else today - timedelta(days=28)
        end = date.fromisoformat(until) if until else today + timedelta(days=1)
    except ValueError as exc:
        raise InvalidInput(f"since/until: {exc}") from None
    result = analytics_service.qa_analytics(
        db,
        warehouse,
        actor,
        datetime.combine(start, datetime.min.time()),
        datetime.combine(end, datetime.min.time()),
    )
    names = employee_names(db, {g["key"] for g in result["by_agent"]})
    return render(
        request,
        "quality/analytics.html",
        {
            "result": result,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "names": names,
        },
    )
