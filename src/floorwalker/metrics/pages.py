"""Overview and agent pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from floorwalker import clock
from floorwalker.metrics import formulas, service
from floorwalker.org import service as org_service
from floorwalker.org.models import Site
from floorwalker.timeutil import local_today
from floorwalker.web.deps import Db, PageActor, Warehouse
from floorwalker.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview(request: Request, db: Db, warehouse: Warehouse, actor: PageActor) -> Response:
    if actor.role == "agent":
        if actor.employee_id is None:
            return render(
                request,
                "error.html",
                {"status": 403, "message": "Your user has no employee record."},
                403,
            )
        return RedirectResponse(f"/agents/{actor.employee_id}", status_code=303)
    data = service.overview(db, warehouse, actor, clock.now_aware())
    days = {period: [r for r in data.rows if r.period == period] for period in ("today", "yesterday")}
    return render(
        request,
        "overview.html",
        {
            "data": data,
            "days": days,
            "formulas": formulas.SL_FORMULAS,
            "warn_formulas": formulas.SL_FORMULAS_WITH_WARNING,
        },
    )


@router.get("/agents/{employee_id}")
def agent(request: Request, db: Db, warehouse: Warehouse, actor: PageActor, employee_id: int) -> Response:
    employee = org_service.get_employee(db, actor, employee_id)
    site = db.get(Site, employee.site_id)
    today = local_today(clock.now_aware(), site.time_zone if site else "UTC")
    days = [today - timedelta(days=n) for n in range(7)]
    return render(
        request,
        "agent.html",
        {
            "employee": employee,
            "days": service.agent_days(db, warehouse, actor, employee_id, days),
        },
    )
