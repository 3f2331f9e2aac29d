"""Intraday view of a site's day: forecast vs actual contacts so far, the rest of the day
reforecast per queue by its ratio of actual to forecast so far, the agents that
reforecast needs (each queue's staffing model, raised by unplanned shrinkage as in
schedule generation) and the staffing gap against the published schedule."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm import service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.intraday import reforecast
from floorwalker.wfm.models import ForecastRowRecord, ForecastVersion, Schedule
from floorwalker.wfm.requirements import Demand, queue_requirements
from floorwalker.wfm.schedule_service import resolve_site


def _version_for(session: Session, queue_id: int, start: datetime, end: datetime) -> int | None:
    return session.scalars(
        select(ForecastVersion.id)
        .join(ForecastRowRecord, ForecastRowRecord.version_id == ForecastVersion.id)
        .where(
            ForecastVersion.queue_id == queue_id,
            ForecastRowRecord.interval_start_utc >= start,
            ForecastRowRecord.interval_start_utc < end,
        )
        .order_by(ForecastVersion.id.desc())
        .limit(1)
    ).first()


def intraday(
    session: Session, warehouse: Connection, actor: Actor, site: str | None, day: date, now: datetime
) -> dict[str, Any]:
    """Per interval of site-local ``day`` (naive UTC starts; ``now`` naive UTC): forecast,
    actual (None until the interval has ended), reforecast contacts, required agents for
    the reforecast, scheduled agents (published schedule) and gap = scheduled − required;
    per queue the ratio of actual to forecast so far."""
    versions.require_reader(actor)
    s = resolve_site(session, site)
    zone = ZoneInfo(s.time_zone)
    start, end = local_day_bounds_utc(day, s.time_zone)
    rows: dict[datetime, dict[str, Any]] = defaultdict(
        lambda: {"forecast": 0.0, "actual": None, "reforecast": 0.0, "required": 0}
    )
    ratios = []
    for q in service.site_queues(session, s.code):
        vid = _version_for(session, q.id, start, end)
        if vid is None:
            continue
        version = versions.get_version(session, actor, vid)
        step = timedelta(minutes=version.interval_min)
        fc = [r for r in versions.adjusted_rows(session, actor, vid) if start <= r.start < end]
        points = service.warehouse_history(
            session, warehouse, actor, queue=q.code, interval_min=version.interval_min, start=day, end=day
        )
        seen = {p[0].astimezone(UTC).replace(tzinfo=None): p[1] for p in points}
        actual = [seen.get(r.start, 0.0) if r.start + step <= now else None for r in fc]
        ratio, contacts = reforecast([r.contacts for r in fc], actual)
        ratios.append({"queue": q.code, "ratio": round(ratio, 4), "forecast_version_id": vid})
        plan = service.queue_plan(session, q)
        demand = [
            Demand(r.start.replace(tzinfo=UTC).astimezone(zone), c, r.aht_s)
            for r, c in zip(fc, contacts, strict=True)
        ]
        reqs = queue_requirements(plan, demand, version.interval_min)
        for r, a, c, req in zip(fc, actual, contacts, reqs, strict=True):
            row = rows[r.start]
            row["forecast"] += r.contacts
            row["reforecast"] += c
            if a is not None:
                row["actual"] = (row["actual"] or 0.0) + a
            need = req.agents / (1.0 - plan.unplanned_shrinkage) if req.agents else 0
            row["required"] += math.ceil(need - 1e-9)
    scheduled = _scheduled(session, s.id, start, end)
    out = []
    for moment in sorted(rows):
        row = rows[moment]
        have = scheduled.get(moment)
        out.append(
            {
                "interval_start_utc": moment,
                "interval_start_local": moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None),
                "forecast": round(row["forecast"], 2),
                "actual": None if row["actual"] is None else round(row["actual"], 2),
                "reforecast": round(row["reforecast"], 2),
                "required": row["required"],
                "scheduled": have,
                "gap": None if have is None else have - row["required"],
            }
        )
    return {"site": s.code, "day": day, "queues": ratios, "intervals": out}


def _scheduled(session: Session, site_id: int, start: datetime, end: datetime) -> dict[datetime, int]:
    out: dict[datetime, int] = {}
    monday = (start + timedelta(hours=12)).date()
    monday -= timedelta(days=monday.weekday())
    for sched in session.scalars(
        select(Schedule).where(
            Schedule.site_id == site_id,
            Schedule.status == "published",
            Schedule.week_start.in_((monday, monday - timedelta(days=7))),
        )
    ):
        for iv in sched.intervals:
            moment = datetime.fromisoformat(iv["start_utc"])
            if start <= moment < end:
                out[moment] = int(iv["scheduled"])
    return out
