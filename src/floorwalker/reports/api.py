"""Management report JSON API: the rendered file. Thin."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from floorwalker import clock
from floorwalker.reports import service
from floorwalker.web.deps import ApiActor, Db, Warehouse

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/{period}",
    response_class=Response,
    responses={
        200: {"content": {t: {} for t in service.MEDIA_TYPES.values()}, "description": "The report file."}
    },
)
def report(
    period: str,
    db: Db,
    warehouse: Warehouse,
    actor: ApiActor,
    site: str | None = Query(None, description="Only this site (its code)."),
    format: str = Query("pdf", pattern="^(pdf|xlsx|html)$", description="pdf, xlsx or html."),
) -> Response:
    """The management report of month ``period`` (YYYY-MM): managers and admins for the
    center, supervisors for their own teams. Each download is recorded in the audit log."""
    file = service.download(db, warehouse, actor, period, site, format, None, clock.now_aware())
    return Response(
        file.data,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
