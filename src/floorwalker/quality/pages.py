"""Quality pages: scorecards (list, build, view), sampling, evaluate a contact, an evaluation
with its history (the agent acknowledges or disputes; a reviewer upholds or re-scores).
Calibration pages are in calibration_pages.py. Thin: parse the form, call the service, render."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from floorwalker.auth.permissions import Actor
from floorwalker.errors import DomainError, InvalidInput, PermissionDenied
from floorwalker.org.models import Employee
from floorwalker.quality import autocheck, sampling_service, schemas, service
from floorwalker.quality.models import Evaluation, ScorecardVersion
from floorwalker.quality.sampling import SamplingPlan
from floorwalker.quality.scorecard import Scorecard
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render

router = APIRouter(prefix="/qa", dependencies=[Depends(csrf_protect)], include_in_schema=False)

EXAMPLE_SCORECARD = """name = "Voice QA"
na_policy = "exclude"        # or "pass": N/A counts as met
critical_policy = "zero"     # or "flag": keep the score, mark failed
channels = ["voice"]

[[sections]]
id = "opening"
weight = 0.3
  [[sections.criteria]]
  id = "greeting"
  text = "Greeted the customer and gave their name"
  type = "yes_no"
  points = 1
  [[sections.criteria]]
  id = "verify_id"
  text = "Verified the customer's identity"
  type = "yes_no"
  points = 2
  critical = true

[[sections]]
id = "resolution"
weight = 0.7
  [[sections.criteria]]
  id = "empathy"
  text = "Showed empathy"
  type = "scale"
  min = 1
  max = 5
  points = 3
  na_allowed = true
  [[sections.criteria]]
  id = "resolved"
  text = "Resolved the customer's need"
  type = "yes_no"
  points = 3

[[grades]]
min = 0.9
name = "exceeds"
[[grades]]
min = 0.6
name = "meets"
[[grades]]
min = 0.0
name = "needs improvement"
"""


def _redirect(path: str, flash: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?flash={quote(flash)}" if flash else path, status_code=303)


def employee_names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(Employee.id, Employee.full_name).where(Employee.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


@router.get("")
def home(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    """The QA home: scorecards, evaluations in the actor's scope, open disputes."""
    evaluations = service.list_evaluations(db, actor, limit=100)
    qa = service.can_run_quality(actor)
    return render(
        request,
        "quality/home.html",
        {
            "scorecards": service.list_scorecards(db, actor),
            "evaluations": evaluations,
            "agents": employee_names(db, {e.agent_id for e in evaluations}),
            "disputes": service.open_disputes(db, actor) if qa else [],
            "can_run": qa,
            "flash": flash,
        },
    )


# --- scorecards --------------------------------------------------------------------------


@router.get("/scorecards/new")
def new_scorecard(request: Request, actor: PageActor, db: Db, from_version: int | None = None) -> Response:
    if not service.can_run_quality(actor):
        raise PermissionDenied(f"role {actor.role} cannot publish scorecards")
    text, fmt = EXAMPLE_SCORECARD, "toml"
    if from_version is not None:
        text = json.dumps(service.get_version(db, actor, from_version).definition, indent=2)
        fmt = "json"
    return render(request, "quality/scorecard_form.html", {"text": text, "fmt": fmt, "errors": []})


@router.post("/scorecards")
async def publish_scorecard(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    text = str(form.get("definition") or "")
    fmt = "json" if form.get("format") == "json" else "toml"
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        return render(
            request,
            "quality/scorecard_form.html",
            {"text": text, "fmt": fmt, "errors": [f"not valid {fmt.upper()}: {exc}"]},
            status_code=422,
        )
    try:
        version = service.publish_scorecard(db, actor, data)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return render(
            request,
            "quality/scorecard_form.html",
            {"text": text, "fmt": fmt, "errors": [exc.message]},
            status_code=422,
        )
    return _redirect(f"/qa/scorecards/{version.id}", f"Published version {version.version}.")


@router.get("/scorecards/{version_id}")
def scorecard(
    request: Request, version_id: int, db: Db, actor: PageActor, flash: str | None = None
) -> Response:
    version = service.get_version(db, actor, version_id)
    return render(
        request,
        "quality/scorecard.html",
        {
            "version": version,
            "card": service.definition_of(version),
            "can_run": service.can_run_quality(actor),
            "flash": flash,
        },
    )


# --- evaluating ------------------------------------------------------------------------


@router.get("/evaluate")
def pick_contact(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    agent: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
) -> Response:
    """Search the warehouse for a contact to evaluate."""
    found = service.find_contacts(
        warehouse, actor, agent=agent or None, queue=queue or None, channel=channel or None, limit=100
    )
    return render(
        request,
        "quality/pick_contact.html",
        {
            "contacts": found,
            "filters": {"agent": agent or "", "queue": queue or "", "channel": channel or ""},
            "scorecards": service.list_scorecards(db, actor),
        },
    )


@router.get("/sample")
def sample_contacts(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    week: str | None = None,
    per_agent: int = 2,
    strategy: str = "targeted",
    version_id: int | None = None,
) -> Response:
    """Contacts to evaluate under a sampling plan (N per agent per week); with a scorecard
    version, its transcript rules flag contacts too."""
    service.require_qa(actor, "sample contacts")
    picked = None
    errors: list[str] = []
    if week:
        try:
            plan = SamplingPlan(per_agent=per_agent, strategy=strategy)
            card = service.definition_of(service.get_version(db, actor, version_id)) if version_id else None
            picked = sampling_service.sample_contacts(
                db, warehouse, actor, plan, date.fromisoformat(week), scorecard=card
            )
        except ValueError as exc:
            errors.append(str(exc))
        except InvalidInput as exc:
            errors.append(exc.message)
    return render(
        request,
        "quality/sample.html",
        {
            "picked": picked,
            "errors": errors,
            "scorecards": service.list_scorecards(db, actor),
            "form": {
                "week": week or "",
                "per_agent": per_agent,
                "strategy": strategy,
                "version_id": version_id,
            },
        },
        status_code=422 if errors else 200,
    )


def answers_from_form(form: FormData, card: Scorecard) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for cid, criterion in card.criteria().items():
        raw = str(form.get(f"a.{cid}") or "").strip()
        if raw:
            if criterion.type in ("scale", "points") and raw != "na":
                try:
                    answers[cid] = float(raw)
                except ValueError:
                    raise InvalidInput(f"{cid}: '{raw}' is not a number", field=cid) from None
            else:
                answers[cid] = raw
        comment = str(form.get(f"c.{cid}") or "").strip()
        if comment:
            comments[cid] = comment
    return answers, comments


def _contact(warehouse: Any, actor: Actor, contact_id: int) -> dict[str, Any]:
    found = service.find_contacts(warehouse, actor, contact_id=contact_id, limit=1)
    if not found:
        raise InvalidInput(f"contact {contact_id} is not in the warehouse (or has no agent)")
    return found[0]


def _evaluate_page(
    request: Request,
    db: Session,
    contact: dict[str, Any],
    version: ScorecardVersion,
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    agent = db.scalar(select(Employee).where(Employee.agent_code == contact["agent"]))
    card = service.definition_of(version)
    transcript = contact.get("transcript")
    return render(
        request,
        "quality/evaluate.html",
        {
            "contact": contact,
            "version": version,
            "card": card,
            # Suggestions only: the evaluator reads them and answers; nothing is pre-filled.
            "suggestions": autocheck.suggestions(card, transcript),
            "sentiment": autocheck.sentiment(transcript),
            "agent": agent,
            "values": values or {},
            "errors": errors or [],
        },
        status_code=status_code,
    )


@router.get("/evaluate/{contact_id}")
def evaluate_form(
    request: Request, contact_id: int, version_id: int, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    if not service.can_run_quality(actor):
        raise PermissionDenied(f"role {actor.role} cannot evaluate contacts")
    version = service.get_version(db, actor, version_id)
    return _evaluate_page(request, db, _contact(warehouse, actor, contact_id), version)


@router.post("/evaluate/{contact_id}")
async def evaluate(
    request: Request, contact_id: int, db: Db, warehouse: Warehouse, actor: PageActor
) -> Response:
    form = await request.form()
    version = service.get_version(db, actor, int(str(form.get("version_id") or 0)))
    contact = _contact(warehouse, actor, contact_id)
    values = {k: str(v) for k, v in form.items()}
    try:
        answers, comments = answers_from_form(form, service.definition_of(version))
        agent_id = int(str(form.get("agent_id") or 0))
        evaluation = service.evaluate(
            db,
            actor,
            schemas.EvaluationCreate(
                scorecard_version_id=version.id,
                contact_id=contact_id,
                agent_id=agent_id,
                answers=answers,
                comments=comments,
                feedback=str(form.get("feedback") or ""),
            ),
            warehouse,
        )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _evaluate_page(
            request, db, contact, version, values=values, errors=[exc.message], status_code=422
        )
    return _redirect(f"/qa/evaluations/{evaluation.id}", f"Evaluation saved: {evaluation.score * 100:.2f}%.")


# --- an evaluation ---------------------------------------------------------------------


def _evaluation_page(
    request: Request,
    db: Session,
    actor: Actor,
    evaluation: Evaluation,
    *,
    flash: str | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    version = service.get_version(db, actor, evaluation.scorecard_version_id)
    disputes = service.disputes(db, actor, evaluation.id)
    open_dispute = next((d for d in disputes if d.status == "open"), None)
    may_review = (
        open_dispute is not None
        and service.can_run_quality(actor)
        and evaluation.evaluator_user_id != actor.user_id
    )
    return render(
        request,
        "quality/evaluation.html",
        {
            "evaluation": evaluation,
            "version": version,
            "card": service.definition_of(version),
            "agent_name": employee_names(db, {evaluation.agent_id}).get(evaluation.agent_id, ""),
            "revisions": service.revisions(db, actor, evaluation.id),
            "disputes": disputes,
            "open_dispute": open_dispute,
            "may_review": may_review,
            "is_agent": actor.employee_id is not None and actor.employee_id == evaluation.agent_id,
            "values": {f"a.{k}": v for k, v in evaluation.answers.items()}
            | {f"c.{k}": v for k, v in evaluation.comments.items()},
            "flash": flash,
            "errors": errors or [],
        },
        status_code=status_code,
    )


@router.get("/evaluations/{evaluation_id}")
def evaluation(
    request: Request, evaluation_id: int, db: Db, actor: PageActor, flash: str | None = None
) -> Response:
    return _evaluation_page(request, db, actor, service.get_evaluation(db, actor, evaluation_id), flash=flash)


@router.post("/evaluations/{evaluation_id}/acknowledge")
def acknowledge(evaluation_id: int, db: Db, actor: PageActor) -> Response:
    service.acknowledge(db, actor, evaluation_id)
    return _redirect(f"/qa/evaluations/{evaluation_id}", "Acknowledged.")


@router.post("/evaluations/{evaluation_id}/dispute")
async def dispute(request: Request, evaluation_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    if not reason:
        return _evaluation_page(
            request,
            db,
            actor,
            service.get_evaluation(db, actor, evaluation_id),
            errors=["reason: say why you dispute the evaluation"],
            status_code=422,
        )
    service.dispute(db, actor, evaluation_id, schemas.DisputeCreate(reason=reason))
    return _redirect(f"/qa/evaluations/{evaluation_id}", "Dispute sent to a reviewer.")


@router.post("/disputes/{dispute_id}/decide")
async def decide(request: Request, dispute_id: int, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    evaluation_id = service.get_dispute(db, actor, dispute_id).evaluation_id
    current = service.get_evaluation(db, actor, evaluation_id)
    decision = "rescore" if form.get("decision") == "rescore" else "uphold"
    note = str(form.get("note") or "")
    try:
        if decision == "rescore":
            version = service.get_version(db, actor, current.scorecard_version_id)
            answers, comments = answers_from_form(form, service.definition_of(version))
            data = schemas.DisputeDecision(decision="rescore", note=note, answers=answers, comments=comments)
        else:
            data = schemas.DisputeDecision(decision="uphold", note=note)
        service.decide_dispute(db, actor, dispute_id, data)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return _evaluation_page(request, db, actor, current, errors=[exc.message], status_code=422)
    done = "Re-scored." if decision == "rescore" else "Upheld."
    return _redirect(f"/qa/evaluations/{evaluation_id}", done)
