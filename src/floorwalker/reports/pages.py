"""The management report page: a form (month, site, format) and the download. Thin."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from floorwalker import clock
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.org.models import Site
from floorwalker.reports import service
from floorwalker.web.deps import Db, PageActor, Warehouse
from floorwalker.web.templating import render

router = APIRouter(include_in_schema=False)


def _last_month() -> str:
    first = clock.now_aware().date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _form(
    request: Request, db: Db, values: dict[str, str], error: str | None = None, status: int = 200
) -> Response:
    sites = list(db.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)))
    return render(
        request,
        "reports/form.html",
        {"sites": sites, "values": values, "error": error, "formats": service.FORMATS},
        status,
    )


@router.get("/reports")
def report_form(request: Request, db: Db, actor: PageActor) -> Response:
    if actor.role not in service.REPORT_ROLES:
        raise PermissionDenied(f"role {actor.role} may not produce management reports")
    return _form(request, db, {"period": _last_month(), "format": "pdf", "site": ""})


@router.get("/reports/download")
def report_download(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    period: str = "",
    site: str = "",
    format: str = "pdf",
) -> Response:
    values = {"period": period, "site": site, "format": format}
    try:
        # Targets: the stored KPI targets, or the defaults when none are set (the report says).
        file = service.download(db, warehouse, actor, period, site or None, format, None, clock.now_aware())
    except InvalidInput as exc:
        return _form(request, db, values, exc.message, 400)
    return Response(
        file.data,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
