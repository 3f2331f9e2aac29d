"""Quality JSON API under /api/v1/qa. Thin: validate, call the service, serialise."""

# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from floorwalker.errors import InvalidInput
from floorwalker.quality import analytics_service, calibration_service, sampling_service, schemas, service
from floorwalker.quality.sampling import SamplingPlan
from floorwalker.quality.scorecard import parse_scorecard
from floorwalker.quality.scoring import score_answers
from floorwalker.web.deps import ApiActor, Db, Warehouse, csrf_protect

router = APIRouter(prefix="/qa", tags=["quality"], dependencies=[Depends(csrf_protect)])


class ScorecardSummary(BaseModel):
    scorecard_id: int
    name: str
    version: int
    version_id: int
    channels: list[str]


class ScoreRequest(BaseModel):
    scorecard: dict[str, Any]
    answers: dict[str, Any]


class ScoreResult(BaseModel):
    """The `floorwalker qa score --json` contract."""

    score: float
    failed: bool
    sections: dict[str, float | None]
    grade: str | None


class EvaluationDetail(BaseModel):
    evaluation: schemas.EvaluationRead
    revisions: list[schemas.RevisionRead]
    disputes: list[schemas.DisputeRead]


@router.post("/score", response_model=ScoreResult)
def score(data: ScoreRequest, actor: ApiActor) -> Any:
    """Score answers against a scorecard definition without storing anything."""
    del actor
    return score_answers(parse_scorecard(data.scorecard), data.answers).as_contract()


@router.get("/scorecards", response_model=list[ScorecardSummary])
def list_scorecards(db: Db, actor: ApiActor) -> Any:
    return [
        ScorecardSummary(
            scorecard_id=s.id, name=s.name, version=v.version, version_id=v.id, channels=v.channels
        )
        for s, v in service.list_scorecards(db, actor)
    ]


@router.post("/scorecards", response_model=schemas.ScorecardVersionRead, status_code=201)
def publish_scorecard(data: schemas.ScorecardPublish, db: Db, actor: ApiActor) -> Any:
    """Publish a definition: a new scorecard, or the next version of the one of that name."""
    return service.publish_scorecard(db, actor, data.definition)


@router.get("/scorecard-versions/{version_id}", response_model=schemas.ScorecardVersionRead)
def get_version(version_id: int, db: Db, actor: ApiActor) -> Any:
    return service.get_version(db, actor, version_id)


@router.get("/contacts")
def find_contacts(
    warehouse: Warehouse,
    actor: ApiActor,
    agent: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Answered contacts to evaluate, newest first."""
    return service.find_contacts(
        warehouse, actor, agent=agent, queue=queue, channel=channel, limit=min(max(limit, 1), 500)
    )


@router.get("/evaluations", response_model=list[schemas.EvaluationRead])
def list_evaluations(db: Db, actor: ApiActor, agent_id: int | None = None, status: str | None = None) -> Any:
    return service.list_evaluations(db, actor, agent_id=agent_id, status=status)


@router.post("/evaluations", response_model=schemas.EvaluationRead, status_code=201)
def evaluate(data: schemas.EvaluationCreate, db: Db, warehouse: Warehouse, actor: ApiActor) -> Any:
    return service.evaluate(db, actor, data, warehouse)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationDetail)
def get_evaluation(evaluation_id: int, db: Db, actor: ApiActor) -> Any:
    return EvaluationDetail(
        evaluation=schemas.EvaluationRead.model_validate(service.get_evaluation(db, actor, evaluation_id)),
        revisions=[
            schemas.RevisionRead.model_validate(r) for r in service.revisions(db, actor, evaluation_id)
        ],
        disputes=[schemas.DisputeRead.model_validate(d) for d in service.disputes(db, actor, evaluation_id)],
    )


@router.post("/evaluations/{evaluation_id}/acknowledge", response_model=schemas.EvaluationRead)
def acknowledge(evaluation_id: int, db: Db, actor: ApiActor) -> Any:
    return service.acknowledge(db, actor, evaluation_id)


@router.post("/evaluations/{evaluation_id}/disputes", response_model=schemas.DisputeRead, status_code=201)
def dispute(evaluation_id: int, data: schemas.DisputeCreate, db: Db, actor: ApiActor) -> Any:
    return service.dispute(db, actor, evaluation_id, data)


@router.get("/disputes", response_model=list[schemas.DisputeRead])
def open_disputes(db: Db, actor: ApiActor) -> Any:
    return service.open_disputes(db, actor)


@router.post("/disputes/{dispute_id}/decision", response_model=schemas.DisputeRead)
def decide(dispute_id: int, data: schemas.DisputeDecision, db: Db, actor: ApiActor) -> Any:
    return service.decide_dispute(db, actor, dispute_id, data)


@router.post("/calibration-sessions", response_model=schemas.CalibrationSessionRead, status_code=201)
def create_session(data: schemas.CalibrationSessionCreate, db: Db, actor: ApiActor) -> Any:
    return calibration_service.create_calibration_session(db, actor, data)


@router.post("/calibration-sessions/{session_id}/scores", status_code=201)
def submit_score(session_id: int, data: schemas.CalibrationScoreCreate, db: Db, actor: ApiActor) -> Any:
    entry = calibration_service.submit_calibration_score(db, actor, session_id, data)
    return {"id": entry.id, "contact_id": entry.contact_id, "score": entry.score, "failed": entry.failed}


@router.post("/calibration-sessions/{session_id}/close", response_model=schemas.CalibrationSessionRead)
def close_session(session_id: int, db: Db, actor: ApiActor) -> Any:
    return calibration_service.close_calibration_session(db, actor, session_id)


@router.get("/calibration-sessions/{session_id}/report")
def report(session_id: int, db: Db, actor: ApiActor, target: float | None = None) -> dict[str, Any]:
    """The `floorwalker qa calibration SESSION --json` report."""
    name, result = calibration_service.calibration_report(db, actor, session_id, target=target)
    return {"session": name, **result.as_dict()}


class SampledContact(BaseModel):
    contact_id: int
    agent: str
    week: date
    reasons: list[str]


@router.get("/sample", response_model=list[SampledContact])
def sample(
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    week: date,
    weeks: int = 1,
    per_agent: int = 2,
    strategy: str = "targeted",
    seed: int = 0,
) -> Any:
    """Contacts to evaluate under a sampling plan: N per agent per local week (``week`` is a Monday)."""
    try:
        plan = SamplingPlan(per_agent=per_agent, strategy=strategy, seed=seed)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    picked = sampling_service.sample_contacts(
        db, actor=actor, warehouse=warehouse, plan=plan, first_week=week, weeks=weeks
    )
    return [
        SampledContact(contact_id=p.contact_id, agent=p.agent, week=p.week, reasons=list(p.reasons))
        for p in picked
    ]


@router.get("/analytics")
def qa_analytics(db: Db, warehouse: Warehouse, actor: ApiActor, since: date, until: date) -> dict[str, Any]:
    """QA analytics over evaluations made from ``since`` to the day before ``until`` (UTC),
    in the caller's scope (supervisors: their teams; agents: their own)."""
    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until, datetime.min.time())
    return analytics_service.qa_analytics(db, warehouse, actor, start, end)
