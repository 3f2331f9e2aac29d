"""Schedule changes JSON API under /api/v1/wfm: shift swaps (propose, accept, decline,
cancel, review, approve, reject) and supervisors' rule-checked shift edits. Thin:
validate, call wfm.swap_service / wfm.schedule_edit_service, serialise. Times are
site-local wall clock (HH:MM) unless named _utc."""

# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from floorwalker.web.deps import ApiActor, Db, csrf_protect
from floorwalker.wfm import schedule_edit_service as edits
from floorwalker.wfm import swap_service
from floorwalker.wfm.models import ShiftSwap
from floorwalker.wfm.time_off import Impact

router = APIRouter(prefix="/wfm", tags=["schedule changes"], dependencies=[Depends(csrf_protect)])


class SwapCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offered_shift_id: int
    #: The colleague's shift wanted in exchange (a swap) …
    wanted_shift_id: int | None = None
    #: … or the colleague who takes the offered shift (a trade; they must be off that day).
    colleague_id: int | None = None
    message: str = Field("", max_length=400)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=400)


class SwapRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    schedule_id: int
    kind: str
    status: str
    proposer_id: int
    colleague_id: int
    offered_shift_id: int
    wanted_shift_id: int | None
    offered_label: str
    wanted_label: str
    message: str
    note: str
    created_by: str
    created_at: datetime
    responded_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None


class IntervalChange(BaseModel):
    start_utc: datetime
    required: int
    scheduled_before: int
    scheduled_after: int
    #: Agents short of the requirement after, beyond before (negative: fewer short).
    extra_short: int


class SkillChange(BaseModel):
    skill: str
    agent: str
    start_utc: datetime
    end_utc: datetime
    #: Agents with the skill on the phones gained (+) or lost (−).
    change: int


class SwapReview(BaseModel):
    swap: SwapRead
    proposer: str
    colleague: str
    can_decide: bool
    #: Hard rules either agent's week would newly break (empty: both weeks keep every rule).
    problems: list[str]
    #: Why the swap can no longer be applied ("" when it can).
    stale: str
    #: Each involved day after the swap: [agent, "Tue 2030-01-08 11:30–20:00 (full)"].
    after: list[tuple[str, str]]
    coverage: list[IntervalChange]
    skills: list[SkillChange]


def _changes(impacts: list[Impact]) -> list[IntervalChange]:
    return [
        IntervalChange(
            start_utc=i.start,
            required=i.required,
            scheduled_before=i.before,
            scheduled_after=i.after,
            extra_short=i.extra_short,
        )
        for i in impacts
    ]


@router.get("/swaps", response_model=list[SwapRead])
def list_swaps(db: Db, actor: ApiActor) -> list[ShiftSwap]:
    """Swaps the caller may see: own and offered to them (agents), their teams'
    (supervisors), all (managers, admins); newest first."""
    return [x["swap"] for x in swap_service.list_swaps(db, actor)]


@router.post("/swaps", response_model=SwapRead, status_code=201)
def propose(body: SwapCreate, db: Db, actor: ApiActor) -> ShiftSwap:
    """Offer one of your published shifts: for a colleague's shift (`wanted_shift_id`)
    or to a colleague who is off that day (`colleague_id`). Refused with the rule named
    when either week would break a hard rule."""
    return swap_service.propose(
        db, actor, body.offered_shift_id, body.wanted_shift_id, body.colleague_id, body.message
    )


@router.get("/swaps/{swap_id}", response_model=SwapReview)
def review(swap_id: int, db: Db, actor: ApiActor) -> SwapReview:
    """The swap, the rule check of both weeks after it, and (for its deciders) the
    coverage change per interval and per skill."""
    r = swap_service.review(db, actor, swap_id)
    return SwapReview(
        swap=SwapRead.model_validate(r["swap"]),
        proposer=r["proposer"].agent_code or r["proposer"].full_name,
        colleague=r["colleague"].agent_code or r["colleague"].full_name,
        can_decide=r["can_decide"], problems=r["problems"], stale=r["stale"], after=r["after"],
        coverage=_changes(r["coverage"]),
        skills=[
            SkillChange(skill=s["skill"], agent=s["agent"], start_utc=s["start"], end_utc=s["end"],
                        change=s["change"])
            for s in r["skills"]
        ],
    )  # fmt: skip


Action = Literal["accept", "decline", "cancel", "approve", "reject"]


@router.post("/swaps/{swap_id}/{action}", response_model=SwapRead)
def act(swap_id: int, action: Action, db: Db, actor: ApiActor, body: NoteIn | None = None) -> ShiftSwap:
    """accept / decline (the colleague), cancel (the proposer), approve / reject (a
    supervisor of both agents' teams, a manager, an admin). Approval applies the swap to
    the published schedule; 409 when the swap is no longer pending, its shifts changed
    since it was proposed, or a rule would break."""
    note = body.note if body is not None else ""
    if action == "cancel":
        return swap_service.cancel(db, actor, swap_id)
    step = {
        "accept": swap_service.accept, "decline": swap_service.decline,
        "approve": swap_service.approve, "reject": swap_service.reject,
    }[action]  # fmt: skip
    return step(db, actor, swap_id, note)


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    end: str = Field(description="new end, HH:MM site time (at or before the start: next day)")


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="new start, HH:MM site time")


class BlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["meeting", "training", "coaching"]
    name: str = Field(min_length=1, max_length=60)
    start: str
    minutes: int = Field(gt=0, le=480)


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str
    start: str


class EditResult(BaseModel):
    shift_id: int
    agent: str
    before: str
    after: str
    activities: list[str]
    coverage: list[IntervalChange]


def _result(out: dict[str, Any]) -> EditResult:
    return EditResult(**{**out, "coverage": _changes(out["coverage"])})


@router.post("/shifts/{shift_id}/end", response_model=EditResult)
def change_end(shift_id: int, body: EndIn, db: Db, actor: ApiActor) -> EditResult:
    """Change a shift's end (its length must be one a template allows)."""
    return _result(edits.change_end(db, actor, shift_id, body.end))


@router.post("/activities/{activity_id}/move", response_model=EditResult)
def move_activity(activity_id: int, body: StartIn, db: Db, actor: ApiActor) -> EditResult:
    """Move a break, lunch or block inside its shift (a break within its window)."""
    return _result(edits.move_activity(db, actor, activity_id, body.start))


@router.post("/shifts/{shift_id}/activities", response_model=EditResult)
def add_block(shift_id: int, body: BlockIn, db: Db, actor: ApiActor) -> EditResult:
    """Add a meeting, training or coaching block inside a shift, clear of its breaks."""
    return _result(edits.add_block(db, actor, shift_id, body.kind, body.name, body.start, body.minutes))


@router.post("/shifts/{shift_id}/remove", response_model=EditResult)
def remove_shift(shift_id: int, db: Db, actor: ApiActor) -> EditResult:
    """Make the shift's day a day off."""
    return _result(edits.remove_shift(db, actor, shift_id))


@router.post("/shifts/{shift_id}/add", response_model=EditResult)
def add_shift(shift_id: int, body: ShiftIn, db: Db, actor: ApiActor) -> EditResult:
    """On a day off (``shift_id`` is the day-off row), add a shift from a template."""
    return _result(edits.add_shift(db, actor, shift_id, body.template, body.start))
