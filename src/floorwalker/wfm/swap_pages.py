"""Shift swap pages: the list of swap requests (an agent's offers and inbox, a
supervisor's requests to decide), proposing a swap from "my schedule", and the review
page with the rule check and coverage impact before approval. Thin: parse, call
wfm.swap_service, render."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from floorwalker.errors import DomainError, InvalidInput
from floorwalker.web.deps import Db, PageActor, csrf_protect
from floorwalker.web.templating import render
from floorwalker.wfm import swap_service
from floorwalker.wfm.models import ScheduleShift
from floorwalker.wfm.pages import _redirect

router = APIRouter(prefix="/wfm", dependencies=[Depends(csrf_protect)], include_in_schema=False)
ACTIONS = ("accept", "decline", "cancel", "approve", "reject")


@router.get("/swaps")
def swaps_page(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    rows = swap_service.list_swaps(db, actor)
    context = {
        "inbox": [r for r in rows if r["can_respond"]],
        "rows": rows,
        "flash": flash,
    }
    return render(request, "wfm/swaps.html", context)


@router.get("/swaps/new")
def new_swap(request: Request, db: Db, actor: PageActor, shift: int) -> Response:
    """The form to offer one of the actor's shifts (``shift``)."""
    row = db.get(ScheduleShift, shift)
    if row is None or row.employee_id != actor.employee_id or row.kind != "work":
        raise InvalidInput("shift: choose one of your own shifts to offer", field="shift")
    monday = row.day - timedelta(days=row.day.weekday())
    opts = swap_service.options(db, actor, monday)
    if row.id not in {r.id for r in opts["mine"]}:
        raise InvalidInput("shift: this shift has started or is not on a published schedule", field="shift")
    working_that_day = {r.employee_id for r, _ in opts["theirs"] if r.day == row.day}
    context = {
        "shift": row,
        "theirs": opts["theirs"],
        "takers": [e for e in opts["colleagues"] if e.id not in working_that_day],
    }
    return render(request, "wfm/swap_new.html", context)


@router.post("/swaps")
async def propose(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    target = str(form.get("target", ""))
    try:
        offered = int(str(form.get("shift", "")))
        kind, _, raw = target.partition(":")
        if kind not in ("shift", "to") or not raw.isdigit():
            raise InvalidInput("choose the colleague's shift you want, or who takes yours")
        swap = swap_service.propose(
            db, actor, offered,
            wanted_shift_id=int(raw) if kind == "shift" else None,
            colleague_id=int(raw) if kind == "to" else None,
            message=str(form.get("message", "")),
        )  # fmt: skip
    except ValueError:
        return _redirect("/wfm/swaps", {}, "Not proposed: choose one of your shifts")
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/swaps", {}, f"Not proposed: {exc.message}")
    return _redirect("/wfm/swaps", {}, f"Swap {swap.id} proposed: waiting for your colleague")


@router.get("/swaps/{swap_id}")
def swap_detail(request: Request, db: Db, actor: PageActor, swap_id: int) -> Response:
    found = swap_service.review(db, actor, swap_id)
    return render(request, "wfm/swap_detail.html", found)


@router.post("/swaps/{swap_id}/{action}")
async def act(request: Request, db: Db, actor: PageActor, swap_id: int, action: str) -> Response:
    form = await request.form()
    note = str(form.get("note", ""))
    try:
        if action not in ACTIONS:
            raise InvalidInput(f"unknown action '{action}'")
        if action == "cancel":
            swap = swap_service.cancel(db, actor, swap_id)
        else:
            step = {
                "accept": swap_service.accept, "decline": swap_service.decline,
                "approve": swap_service.approve, "reject": swap_service.reject,
            }[action]  # fmt: skip
            swap = step(db, actor, swap_id, note)
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/swaps", {}, f"Swap {swap_id} not changed: {exc.message}")
    return _redirect("/wfm/swaps", {}, f"Swap {swap.id} {swap.status}")
