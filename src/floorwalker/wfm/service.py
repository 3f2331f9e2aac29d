"""Workforce use cases that read the stores: a queue's history for forecasting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.errors import NotFound
from floorwalker.metrics import service as metrics_service
from floorwalker.org.models import Queue, Site
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm.forecast_series import Point


def queue_time_zone(session: Session, queue: str) -> str:
    """The IANA zone of the site a queue (by code) belongs to."""
    zone = session.execute(
        select(Site.time_zone).join(Queue, Queue.site_id == Site.id).where(Queue.code == queue)
    ).scalar_one_or_none()
    if zone is None:
        raise NotFound(f"--queue: no queue with code '{queue}'", field="queue")
    return zone


def warehouse_history(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    queue: str,
    interval_min: int,
    start: date,
    end: date,
) -> list[Point]:
    """Offered contacts and AHT of ``queue`` per interval over site-local days ``start`` …
    ``end`` (inclusive), from the contact warehouse through the metrics cube (one
    definition of offered and AHT). Every interval of every day is present: one with no
    contacts is an explicit 0, so that closed hours are learned as closed. Interval starts
    are aware (the site's UTC offset then), so DST days have 23 or 25 hours."""
    zone_name = queue_time_zone(session, queue)
    rows = metrics_service.cube(
        session,
        warehouse,
        actor,
        metrics_service.CubeRequest(start=start, end=end, by=(f"interval{interval_min}",), queues=(queue,)),
    )
    seen: dict[datetime, tuple[float, float | None]] = {}
    for row in rows:
        moment = datetime.fromisoformat(str(row[f"interval{interval_min}"]))
        seen[moment.astimezone(UTC)] = (float(row["offered"]), row["aht_s"])
    zone = ZoneInfo(zone_name)
    points: list[Point] = []
    day = start
    while day <= end:
        first, last = local_day_bounds_utc(day, zone_name)
        moment = first.replace(tzinfo=UTC)
        while moment < last.replace(tzinfo=UTC):
            contacts, aht = seen.get(moment, (0.0, None))
            points.append((moment.astimezone(zone), contacts, aht if contacts > 0 else None))
            moment += timedelta(minutes=interval_min)
        day += timedelta(days=1)
    return points
