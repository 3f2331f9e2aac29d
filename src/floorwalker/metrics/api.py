"""Metrics JSON API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query

from floorwalker import clock
from floorwalker.metrics import service
from floorwalker.metrics.schemas import AgentDay, Overview
from floorwalker.org import service as org_service
from floorwalker.org.models import Site
from floorwalker.timeutil import local_today
from floorwalker.web.deps import ApiActor, Db, Warehouse

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
