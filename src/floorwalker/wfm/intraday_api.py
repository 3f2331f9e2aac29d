"""Intraday and shrinkage JSON API: today's intraday view, ranked suggestions, applying a
break or meeting change, overtime / VTO offers, and shrinkage planned vs actual. Thin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from floorwalker import clock
from floorwalker.timeutil import local_today
from floorwalker.web.deps import ApiActor, Db, Warehouse, csrf_protect
from floorwalker.wfm import intraday_actions, intraday_service, schedule_service, shrinkage_service

router = APIRouter(tags=["workforce"])
_write = [Depends(csrf_protect)]


class Change(BaseModel):
    """Move a block to ``start_utc`` (naive UTC) or cancel a meeting, training or coaching."""

    activity_id: int
    action: Literal["move", "cancel"]
    start_utc: datetime | None = None


class Offer(BaseModel):
    """An overtime or VTO offer to ``agent`` over [start_utc, end_utc) (naive UTC)."""

    kind: Literal["overtime", "vto"]
    agent: str = Field(min_length=1, max_length=80)
    start_utc: datetime
    end_utc: datetime
    state: Literal["offered", "accepted", "declined"] = "offered"


def _naive(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


@router.get("/wfm/intraday")
def intraday(db: Db, warehouse: Warehouse, actor: ApiActor, site: str | None = None) -> Any:
    """Today (site-local) per interval: forecast, actual so far, reforecast, agents needed,
    scheduled, gap and projected service level; per queue the ratio actual / forecast."""
    now = clock.utcnow()
    s = schedule_service.resolve_site(db, site)
    today = local_today(now.replace(tzinfo=UTC), s.time_zone)
    return intraday_service.intraday(db, warehouse, actor, s.code, today, now)


@router.get("/wfm/intraday/suggestions")
def suggestions(db: Db, warehouse: Warehouse, actor: ApiActor, site: str | None = None) -> Any:
    """Ranked suggestions for the rest of today (docs/workforce.md, "Intraday suggestions"):
    each with its agent-hours, projected service level before and after and its intervals."""
    return intraday_actions.suggestions(db, warehouse, actor, site, clock.utcnow())


@router.post("/wfm/intraday/changes", dependencies=_write)
def apply_change(data: Change, db: Db, actor: ApiActor) -> Any:
    """Apply a break move or meeting move / cancel to today's published schedule
    (rule-checked, audited); 400 names the rule it would break."""
    return intraday_actions.apply_change(
        db, actor, data.activity_id, data.action, _naive(data.start_utc), clock.utcnow()
    )


@router.get("/wfm/intraday/offers")
def list_offers(db: Db, actor: ApiActor, site: str | None = None) -> Any:
    """Today's overtime and VTO offers, each in its latest state."""
    s = schedule_service.resolve_site(db, site)
    return intraday_actions.offers(
        db, actor, s.code, local_today(clock.utcnow().replace(tzinfo=UTC), s.time_zone)
    )


@router.post("/wfm/intraday/offers", status_code=201, dependencies=_write)
def record_offer(data: Offer, db: Db, actor: ApiActor) -> Any:
    """Record an offer, or its acceptance or refusal (the latest record is its state)."""
    start, end = _naive(data.start_utc), _naive(data.end_utc)
    assert start is not None
    assert end is not None
    return intraday_actions.record_offer(db, actor, data.kind, data.agent, start, end, data.state)


@router.get("/wfm/shrinkage")
def shrinkage(
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    start: date,
    end: date,
    site: str | None = None,
    team: str | None = Query(None, max_length=120),
) -> Any:
    """Paid-time shrinkage, planned (published schedule) vs actual (agent states), per day
    and week and team, by reason and in total; minutes and fractions of paid time."""
    return shrinkage_service.shrinkage(db, warehouse, actor, site, start, end, team)
