"""Coaching pages: sessions (list, new, one session with evidence, actions and the effect
check), the supervisor's coaching queue, training programmes with enrolments, onboarding
checklists of new hires. Thin: parse the form, call the service, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from floorwalker import clock
from floorwalker.errors import DomainError, InvalidInput, PermissionDenied
from floorwalker.quality import coaching, coaching_measures, coaching_service, service, training_service
from floorwalker.quality.pages import employee_names
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render

router = APIRouter(prefix="/qa", dependencies=[Depends(csrf_protect)], include_in_schema=False)

KPI_LABELS = {
    "qa_score": "QA score",
    "aht_s": "AHT",
    "fcr": "FCR",
    "csat": "CSAT",
    "transfer_rate": "Transfer rate",
}


def _today() -> date:
    return clock.utcnow().date()


def _back(path: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?flash={quote(flash)}", status_code=303)


def _date(form: FormData, name: str, required: bool = True) -> date | None:
    text = str(form.get(name) or "").strip()
    if not text:
        if required:
            raise InvalidInput(f"{name}: a date is required", field=name)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: not a date (YYYY-MM-DD): {text!r}", field=name) from None


def _day(form: FormData, name: str) -> date:
    found = _date(form, name)
    if found is None:
        raise InvalidInput(f"{name}: a date is required", field=name)
    return found


def _int(form: FormData, name: str) -> int:
    try:
        return int(str(form.get(name) or ""))
    except ValueError:
        raise InvalidInput(f"{name}: a number is required", field=name) from None


def _fail(exc: DomainError, path: str) -> RedirectResponse:
    if exc.status_code in (403, 404):
        raise exc
    return _back(path, exc.message)


# --- sessions ----------------------------------------------------------------------------------


@router.get("/coaching")
def sessions(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    rows = coaching_service.list_sessions(db, actor)
    today = _today()
    mine = (
        coaching_service.actions(db, actor, today, owner_id=actor.employee_id)
        if actor.employee_id is not None
        else []
    )
    return render(
        request,
        "quality/coaching/list.html",
        {
            "sessions": rows,
            "agents": employee_names(db, {s.agent_id for s in rows}),
            "my_actions": mine,
            "can_coach": actor.role in coaching_service.COACH_ROLES,
            "flash": flash,
        },
    )


@router.get("/coaching/queue")
def queue(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    kpi: str = "qa_score",
    days: int = 30,
    weeks: int = 4,
    qa_goal: float = coaching_measures.DEFAULT_QA_GOAL,
) -> Response:
    entries = coaching_measures.queue(
        db, warehouse, actor, kpi=kpi, today=_today(), days=days, weeks=weeks, qa_goal=qa_goal
    )
    return render(
        request,
        "quality/coaching/queue.html",
        {
            "entries": entries,
            "kpi": kpi,
            "days": days,
            "weeks": weeks,
            "qa_goal": qa_goal,
            "kpis": KPI_LABELS,
        },
    )


@router.get("/coaching/new")
def new_session(
    request: Request,
    db: Db,
    actor: PageActor,
    agent_id: int | None = None,
    follow_up_of: int | None = None,
    flash: str | None = None,
) -> Response:
    if actor.role not in coaching_service.COACH_ROLES:
        raise PermissionDenied(f"role {actor.role} cannot coach")
    agents = coaching_service.coachable_agents(db, actor)
    if not agents:
        raise InvalidInput("agent_id: you coach no active agents", field="agent_id")
    chosen = agent_id if agent_id is not None else agents[0].id
    evaluations = service.list_evaluations(db, actor, agent_id=chosen, limit=30)
    return render(
        request,
        "quality/coaching/new.html",
        {
            "agents": agents,
            "agent_id": chosen,
            "evaluations": evaluations,
            "follow_up_of": follow_up_of,
            "today": _today(),
            "flash": flash,
        },
    )


@router.post("/coaching")
async def create_session(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    try:
        agent_id = _int(form, "agent_id")
        follow = str(form.get("follow_up_of_id") or "").strip()
        row = coaching_service.create_session(
            db,
            actor,
            agent_id=agent_id,
            session_date=_date(form, "session_date") or _today(),
            topic=str(form.get("topic") or ""),
            notes=str(form.get("notes") or ""),
            status=str(form.get("status") or "planned"),
            follow_up_of_id=int(follow) if follow.isdigit() else None,
            evaluation_ids=[int(str(v)) for v in form.getlist("evaluation_id")],
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, "/qa/coaching/new")
    return _back(f"/qa/coaching/{row.id}", "Session saved.")


@router.get("/coaching/{session_id}")
def session_page(
    request: Request,
    session_id: int,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    weeks: int = 4,
    flash: str | None = None,
) -> Response:
    row = coaching_service.get_session(db, actor, session_id)
    today = _today()
    windows, effects = coaching_measures.effect_check(db, warehouse, actor, session_id, weeks=weeks)
    agent = coaching_service.employee(db, row.agent_id)
    coaches = coaching_service.can_coach(actor, agent)
    owners = {row.agent_id: agent.full_name}
    if actor.employee_id is not None and coaches:
        owners.update(employee_names(db, {actor.employee_id}))
    return render(
        request,
        "quality/coaching/session.html",
        {
            "s": row,
            "agent": agent,
            "evidence": coaching_service.evidence(db, actor, session_id),
            "actions": coaching_service.actions(db, actor, today, session_id=session_id),
            "follow_ups": coaching_service.follow_ups(db, actor, session_id),
            "windows": windows,
            "effects": effects,
            "weeks": weeks,
            "can_coach": coaches,
            "can_attach": coaches or actor.role == "qa",
            "agent_evaluations": service.list_evaluations(db, actor, agent_id=row.agent_id, limit=30)
            if coaches or actor.role == "qa"
            else [],
            "owners": owners,
            "kpis": KPI_LABELS,
            "statuses": coaching.SESSION_STATUSES,
            "today": today,
            "flash": flash,
        },
    )


@router.post("/coaching/{session_id}/status")
async def update_session(request: Request, session_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    path = f"/qa/coaching/{session_id}"
    try:
        coaching_service.update_session(
            db, actor, session_id, status=str(form.get("status") or ""), notes=str(form.get("notes") or "")
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Session updated.")


@router.post("/coaching/{session_id}/evaluations")
async def attach_evaluation(request: Request, session_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    path = f"/qa/coaching/{session_id}"
    try:
        coaching_service.attach_evaluation(db, actor, session_id, _int(form, "evaluation_id"))
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Evaluation attached.")


@router.post("/coaching/{session_id}/shortfalls")
async def attach_shortfall(
    request: Request, session_id: int, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    form = await request.form()
    path = f"/qa/coaching/{session_id}"
    try:
        start, end = _day(form, "from"), _day(form, "to")
        coaching_measures.attach_shortfall(
            db, warehouse, actor, session_id, str(form.get("kpi") or ""), start, end
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Metric evidence attached.")


@router.post("/coaching/{session_id}/actions")
async def add_action(request: Request, session_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    path = f"/qa/coaching/{session_id}"
    try:
        coaching_service.add_action(
            db,
            actor,
            session_id,
            description=str(form.get("description") or ""),
            owner_id=_int(form, "owner_id"),
            due_date=_date(form, "due_date", required=False),
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Action added.")


@router.post("/coaching/actions/{action_id}/done")
async def action_done(request: Request, action_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    action = coaching_service.mark_action_done(db, actor, action_id, done=form.get("done", "1") == "1")
    return _back(str(form.get("next") or f"/qa/coaching/{action.session_id}"), "Action updated.")


@router.post("/coaching/actions/{action_id}/note")
async def action_note(request: Request, action_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    try:
        action = coaching_service.note_action(db, actor, action_id, str(form.get("note") or ""))
    except InvalidInput as exc:
        db.rollback()
        return _back("/qa/coaching", exc.message)
    return _back(f"/qa/coaching/{action.session_id}", "Note added.")


# --- training ----------------------------------------------------------------------------------


@router.get("/training")
def programmes(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    rows = training_service.list_programmes(db, actor)
    views = training_service.enrolments(db, actor)
    by_programme: dict[int, list[Any]] = {}
    for v in views:
        by_programme.setdefault(v.enrolment.programme_id, []).append(v)
    return render(
        request,
        "quality/coaching/training.html",
        {
            "programmes": rows,
            "stats": {
                p.id: (
                    len(by_programme.get(p.id, [])),
                    training_service.completion(by_programme.get(p.id, [])),
                )
                for p in rows
            },
            "mine": [v for v in views if v.enrolment.employee_id == actor.employee_id],
            "can_define": actor.role in ("admin", "manager"),
            "flash": flash,
        },
    )


@router.post("/training")
async def create_programme(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    try:
        hours = float(str(form.get("hours") or "0"))
    except ValueError:
        return _back("/qa/training", "hours: a number is required")
    try:
        row = training_service.create_programme(
            db,
            actor,
            name=str(form.get("name") or ""),
            description=str(form.get("description") or ""),
            hours=hours,
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, "/qa/training")
    return _back(f"/qa/training/{row.id}", "Programme created.")


@router.get("/training/{programme_id}")
def programme(
    request: Request, programme_id: int, db: Db, actor: PageActor, flash: str | None = None
) -> Response:
    views = training_service.enrolments(db, actor, programme_id=programme_id)
    return render(
        request,
        "quality/coaching/programme.html",
        {
            "p": training_service.get_programme(db, actor, programme_id),
            "enrolments": views,
            "completion": training_service.completion(views),
            "agents": coaching_service.coachable_agents(db, actor),
            "today": _today(),
            "flash": flash,
        },
    )


@router.post("/training/{programme_id}/enrolments")
async def enrol(request: Request, programme_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    path = f"/qa/training/{programme_id}"
    try:
        training_service.enrol(
            db,
            actor,
            programme_id,
            _int(form, "employee_id"),
            _date(form, "enrolled_on", required=False) or _today(),
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Enrolled.")


@router.post("/training/enrolments/{enrolment_id}")
async def enrolment_status(request: Request, enrolment_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    path = str(form.get("next") or "/qa/training")
    try:
        training_service.set_enrolment_status(
            db,
            actor,
            enrolment_id,
            str(form.get("status") or ""),
            _date(form, "on", required=False) or _today(),
        )
    except DomainError as exc:
        db.rollback()
        return _fail(exc, path)
    return _back(path, "Enrolment updated.")


# --- onboarding --------------------------------------------------------------------------------


@router.get("/onboarding")
def new_hires(request: Request, db: Db, actor: PageActor, within_days: int = 90) -> Response:
    return render(
        request,
        "quality/coaching/onboarding_list.html",
        {"hires": training_service.new_hires(db, actor, _today(), within_days), "within_days": within_days},
    )


@router.get("/onboarding/{employee_id}")
def onboarding(
    request: Request,
    employee_id: int,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    weeks: int = 8,
    flash: str | None = None,
) -> Response:
    items = training_service.checklist(db, actor, employee_id)
    employee = coaching_service.employee(db, employee_id)
    return render(
        request,
        "quality/coaching/onboarding.html",
        {
            "employee": employee,
            "items": items,
            "progress": coaching.checklist_progress([i.done_on is not None for i in items]),
            "weeks": training_service.nesting(db, warehouse, actor, employee_id, _today(), weeks),
            "can_edit": coaching_service.can_coach(actor, employee),
            "today": _today(),
            "flash": flash,
        },
    )


@router.post("/onboarding/{employee_id}/items")
async def add_items(request: Request, employee_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    texts = str(form.get("items") or "").splitlines()
    training_service.add_items(db, actor, employee_id, texts)
    return _back(f"/qa/onboarding/{employee_id}", "Checklist updated.")


@router.post("/onboarding/items/{item_id}")
async def tick(request: Request, item_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    done = form.get("done") == "1"
    item = training_service.tick_item(db, actor, item_id, _today() if done else None)
    return _back(f"/qa/onboarding/{item.employee_id}", "Checklist updated.")
