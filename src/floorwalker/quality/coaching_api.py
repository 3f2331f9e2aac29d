"""Coaching JSON API under /api/v1/qa/coaching. Thin: validate, call the service, serialise.
Values are in the metric's units (seconds, fractions 0–1)."""

# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from floorwalker import clock
from floorwalker.quality import coaching_measures, coaching_service
from floorwalker.web.deps import ApiActor, Db, Warehouse, csrf_protect

router = APIRouter(prefix="/qa/coaching", tags=["coaching"], dependencies=[Depends(csrf_protect)])


class SessionCreate(BaseModel):
    agent_id: int
    session_date: date
    topic: str = Field("", max_length=200)
    notes: str = ""
    status: str = "planned"
    follow_up_of_id: int | None = None
    evaluation_ids: list[int] = []


class SessionUpdate(BaseModel):
    status: str | None = None
    notes: str | None = None


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    agent_id: int
    coach_name: str
    session_date: date
    status: str
    topic: str
    notes: str
    follow_up_of_id: int | None
    created_at: datetime


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    evaluation_id: int | None
    kpi: str | None
    value: float | None
    goal: float | None
    n: int | None
    period_start: date | None
    period_end: date | None
    added_by: str


class ActionCreate(BaseModel):
    description: str = Field(min_length=1)
    owner_id: int
    due_date: date | None = None


class ActionRead(BaseModel):
    id: int
    session_id: int
    description: str
    owner_id: int
    owner: str
    due_date: date | None
    #: open, done or overdue (as of today, UTC).
    status: str
    done_by: str | None
    follow_up: str


class SessionDetail(BaseModel):
    session: SessionRead
    evidence: list[EvidenceRead]
    actions: list[ActionRead]
    follow_ups: list[SessionRead]


class EvaluationIn(BaseModel):
    evaluation_id: int


class ShortfallIn(BaseModel):
    kpi: str
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class DoneIn(BaseModel):
    done: bool = True


class NoteIn(BaseModel):
    note: str = Field(min_length=1)


class SideRead(BaseModel):
    value: float | None
    n: int


class EffectRead(BaseModel):
    metric: str
    before: SideRead
    after: SideRead
    change: float | None
    improved: bool | None
    enough_data: bool
    statement: str


class EffectCheck(BaseModel):
    before_start: date
    before_end: date
    after_start: date
    after_end: date
    effects: list[EffectRead]


class QueueRow(BaseModel):
    employee_id: int
    name: str
    team: str | None
    value: float
    goal: float
    n: int
    shortfall: float
    relative_shortfall: float
    days_since_coaching: int | None


def _actions(db: Db, actor: ApiActor, session_id: int) -> list[ActionRead]:
    views = coaching_service.actions(db, actor, clock.utcnow().date(), session_id=session_id)
    return [
        ActionRead(
            id=v.action.id,
            session_id=v.action.session_id,
            description=v.action.description,
            owner_id=v.action.owner_id,
            owner=v.owner,
            due_date=v.action.due_date,
            status=v.state,
            done_by=v.action.done_by,
            follow_up=v.action.follow_up,
        )
        for v in views
    ]


@router.get("/sessions", response_model=list[SessionRead])
def list_sessions(db: Db, actor: ApiActor, agent_id: int | None = None) -> Any:
    return coaching_service.list_sessions(db, actor, agent_id=agent_id)


@router.post("/sessions", response_model=SessionRead, status_code=201)
def create_session(data: SessionCreate, db: Db, actor: ApiActor) -> Any:
    return coaching_service.create_session(db, actor, **data.model_dump())


@router.get("/sessions/{session_id}", response_model=SessionDetail)
def get_session(session_id: int, db: Db, actor: ApiActor) -> Any:
    return SessionDetail(
        session=SessionRead.model_validate(coaching_service.get_session(db, actor, session_id)),
        evidence=[EvidenceRead.model_validate(e) for e in coaching_service.evidence(db, actor, session_id)],
        actions=_actions(db, actor, session_id),
        follow_ups=[
            SessionRead.model_validate(s) for s in coaching_service.follow_ups(db, actor, session_id)
        ],
    )


@router.patch("/sessions/{session_id}", response_model=SessionRead)
def update_session(session_id: int, data: SessionUpdate, db: Db, actor: ApiActor) -> Any:
    return coaching_service.update_session(db, actor, session_id, status=data.status, notes=data.notes)


@router.post("/sessions/{session_id}/evaluations", response_model=EvidenceRead, status_code=201)
def attach_evaluation(session_id: int, data: EvaluationIn, db: Db, actor: ApiActor) -> Any:
    return coaching_service.attach_evaluation(db, actor, session_id, data.evaluation_id)


@router.post("/sessions/{session_id}/shortfalls", response_model=EvidenceRead, status_code=201)
def attach_shortfall(
    session_id: int, data: ShortfallIn, db: Db, warehouse: Warehouse, actor: ApiActor
) -> Any:
    return coaching_measures.attach_shortfall(
        db, warehouse, actor, session_id, data.kpi, data.start, data.end
    )


@router.post("/sessions/{session_id}/actions", response_model=ActionRead, status_code=201)
def add_action(session_id: int, data: ActionCreate, db: Db, actor: ApiActor) -> Any:
    action = coaching_service.add_action(
        db, actor, session_id, description=data.description, owner_id=data.owner_id, due_date=data.due_date
    )
    return next(a for a in _actions(db, actor, session_id) if a.id == action.id)


@router.post("/actions/{action_id}/done", response_model=ActionRead)
def mark_done(action_id: int, data: DoneIn, db: Db, actor: ApiActor) -> Any:
    action = coaching_service.mark_action_done(db, actor, action_id, data.done)
    return next(a for a in _actions(db, actor, action.session_id) if a.id == action_id)


@router.post("/actions/{action_id}/notes", response_model=ActionRead)
def add_note(action_id: int, data: NoteIn, db: Db, actor: ApiActor) -> Any:
    action = coaching_service.note_action(db, actor, action_id, data.note)
    return next(a for a in _actions(db, actor, action.session_id) if a.id == action_id)


@router.get("/sessions/{session_id}/effect", response_model=EffectCheck)
def effect(session_id: int, db: Db, warehouse: Warehouse, actor: ApiActor, weeks: int = 4) -> Any:
    w, effects = coaching_measures.effect_check(db, warehouse, actor, session_id, weeks=weeks)
    return EffectCheck(
        before_start=w.before_start,
        before_end=w.before_end,
        after_start=w.after_start,
        after_end=w.after_end,
        effects=[
            EffectRead(
                metric=e.metric,
                before=SideRead(value=e.before.value, n=e.before.n),
                after=SideRead(value=e.after.value, n=e.after.n),
                change=e.change,
                improved=e.improved,
                enough_data=e.enough_data,
                statement=e.statement,
            )
            for e in effects
        ],
    )


@router.get("/queue", response_model=list[QueueRow])
def queue(
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    kpi: str = "qa_score",
    days: int = 30,
    weeks: int = 4,
    qa_goal: float = coaching_measures.DEFAULT_QA_GOAL,
) -> Any:
    entries = coaching_measures.queue(
        db, warehouse, actor, kpi=kpi, today=clock.utcnow().date(), days=days, weeks=weeks, qa_goal=qa_goal
    )
    return [
        QueueRow(
            employee_id=e.candidate.employee_id,
            name=e.candidate.name,
            team=e.candidate.team,
            value=e.candidate.value or 0.0,
            goal=e.candidate.goal or 0.0,
            n=e.candidate.n,
            shortfall=e.shortfall,
            relative_shortfall=e.relative_shortfall,
            days_since_coaching=e.days_since_coaching,
        )
        for e in entries
    ]
