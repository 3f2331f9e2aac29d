"""Metrics JSON API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from floorwalker import clock
from floorwalker.metrics import service, target_service
from floorwalker.metrics.schemas import AgentDay, Overview, TargetCreate, TargetRead, TargetUpdate
from floorwalker.org import service as org_service
from floorwalker.org.models import Site
from floorwalker.timeutil import local_today
from floorwalker.web.deps import ApiActor, Db, Warehouse, csrf_protect

router = APIRouter(tags=["metrics"])


@router.get("/metrics/overview", response_model=Overview)
def overview(db: Db, warehouse: Warehouse, actor: ApiActor) -> Any:
    """Today's and yesterday's headline numbers per site and queue (site-local days)."""
    return service.overview(db, warehouse, actor, clock.now_aware())


@router.get("/agents/{employee_id}/days", response_model=list[AgentDay])
def agent_days(
    employee_id: int,
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    days: int = Query(7, ge=1, le=92),
) -> Any:
    """An agent's handled contacts and handle time for the last ``days`` site-local days."""
    employee = org_service.get_employee(db, actor, employee_id)
    site = db.get(Site, employee.site_id)
    today = local_today(clock.now_aware(), site.time_zone if site else "UTC")
    return service.agent_days(
        db, warehouse, actor, employee_id, [today - timedelta(days=n) for n in range(days)]
    )


# --- KPI targets ---------------------------------------------------------------------------

_write = [Depends(csrf_protect)]


@router.get("/metrics/targets", response_model=list[TargetRead])
def list_targets(db: Db, actor: ApiActor) -> Any:
    """Every KPI target (goal, scope, amber margin, who set it and when)."""
    return target_service.list_targets(db, actor)


@router.post("/metrics/targets", response_model=TargetRead, status_code=201, dependencies=_write)
def create_target(data: TargetCreate, db: Db, actor: ApiActor) -> Any:
    """Set a target (managers and admins). 400 names the bad field; 409 when the KPI already
    has a target for that scope."""
    return target_service.create_target(db, actor, data)


@router.get("/metrics/targets/{target_id}", response_model=TargetRead)
def get_target(target_id: int, db: Db, actor: ApiActor) -> Any:
    return target_service.get_target(db, actor, target_id)


@router.patch("/metrics/targets/{target_id}", response_model=TargetRead, dependencies=_write)
def update_target(target_id: int, data: TargetUpdate, db: Db, actor: ApiActor) -> Any:
    return target_service.update_target(db, actor, target_id, data)


@router.delete("/metrics/targets/{target_id}", status_code=204, dependencies=_write)
def delete_target(target_id: int, db: Db, actor: ApiActor) -> Response:
    target_service.delete_target(db, actor, target_id)
    return Response(status_code=204)


# --- the contacts behind a number ----------------------------------------------------------


@router.get("/metrics/contacts")
def contacts(
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    start: date = Query(alias="from", description="First site-local day, inclusive."),
    end: date = Query(alias="to", description="Last site-local day, inclusive."),
    site: str | None = None,
    queue: str | None = None,
    team: str | None = Query(None, description="Team name: contacts of its current members."),
    agent: str | None = None,
    interval: str | None = Query(None, description="An interval label, e.g. 2026-11-18T09:00:00+00:00."),
    interval_s: int = Query(900, description="The interval's length: 900, 1800 or 3600 seconds."),
    outcome: str | None = Query(
        None, description="answered, abandoned, other_exits, transferred, incomplete."
    ),
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """The contact legs behind a number, newest first, and how many match in all. An agent
    gets own contacts only (asking for another agent's is refused)."""
    chosen = service.ContactFilter(
        start=start,
        end=end,
        sites=(site,) if site else (),
        queues=(queue,) if queue else (),
        agents=(agent,) if agent else (),
        teams=(team,) if team else (),
        interval=interval,
        interval_s=interval_s,
        outcome=outcome,
    )
    rows, total = service.contact_list(db, warehouse, actor, chosen, offset=offset, limit=limit)
    return {"total": total, "offset": offset, "contacts": rows}
