"""Workforce use cases that read the stores: a queue's history for forecasting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.errors import NotFound
from floorwalker.metrics import service as metrics_service
from floorwalker.org.hours import is_open
from floorwalker.org.models import Queue, Site
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm.forecast_series import Point


def _queue_site(session: Session, queue: str) -> Site:
    site = session.execute(
        select(Site).join(Queue, Queue.site_id == Site.id).where(Queue.code == queue)
    ).scalar_one_or_none()
    if site is None:
        raise NotFound(f"--queue: no queue with code '{queue}'", field="queue")
    return site


def queue_time_zone(session: Session, queue: str) -> str:
    """The IANA zone of the site a queue (by code) belongs to."""
    return _queue_site(session, queue).time_zone


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
    definition of offered and AHT). Every interval with contacts is present, and so is
    every interval inside the site's business hours (an explicit 0: a quiet half-hour is
    not a closed one); outside them an interval with no contacts is left out, which the
    forecast reads as closed. A site with no business hours set gets every interval.
    Interval starts are aware (the site's UTC offset then), so DST days have 23 or 25 hours."""
    site = _queue_site(session, queue)
    zone_name = site.time_zone
    business = site.business_hours or {}
    known_hours = any(business.values())
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
            local = moment.astimezone(zone)
            contacts, aht = seen.get(moment, (0.0, None))
            if (
                contacts > 0
                or not known_hours
                or is_open(business, local.weekday(), local.hour * 60 + local.minute)
            ):
                points.append((local, contacts, aht if contacts > 0 else None))
            moment += timedelta(minutes=interval_min)
        day += timedelta(days=1)
    return points
