"""Saved forecast versions: build one from a queue's warehouse history with the forecasting
code, list them, override them (recorded as such, the original kept), and measure them
against what happened.

Roles: managers and admins save and override; supervisors (and the other center-wide
readers of metrics) read. Every write is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Queue
from floorwalker.timeutil import local_day_bounds_utc, local_today
from floorwalker.wfm import forecast_accuracy as acc
from floorwalker.wfm import service as wfm_service
from floorwalker.wfm.forecast import forecast as run_forecast
from floorwalker.wfm.forecast_series import ALLOWED_INTERVALS_MIN, build_series
from floorwalker.wfm.forecast_special import SpecialDay, merge, public_holidays
from floorwalker.wfm.models import ForecastOverride, ForecastRowRecord, ForecastVersion

PLANNER_ROLES = ("admin", "manager")
READER_ROLES = ("admin", "manager", "supervisor", "qa")


def require_planner(actor: Actor) -> None:
    if actor.role not in PLANNER_ROLES:
        raise PermissionDenied("only managers and admins change workforce plans")


def require_reader(actor: Actor) -> None:
    if actor.role not in READER_ROLES:
        raise PermissionDenied("workforce plans are for managers, supervisors and admins")


def _queue(session: Session, code: str) -> Queue:
    queue = session.scalars(select(Queue).where(Queue.code == code)).one_or_none()
    if queue is None:
        raise NotFound(f"no queue with code '{code}'", field="queue")
    return queue


@dataclass(frozen=True)
class EventDay:
    """A manager-entered special day for a new version (factor 0 = closed)."""

    day: date
    name: str
    factor: float


def create_version(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    queue: str,
    horizon_days: int,
    interval_min: int = 30,
    method: str = "auto",
    level: float = 0.8,
    history_days: int = 364,
    country: str | None = None,
    events: tuple[EventDay, ...] = (),
    note: str = "",
) -> ForecastVersion:
    """Forecast ``queue`` from its last ``history_days`` site-local days up to yesterday and
    save the rows as a new version (committed)."""
    require_planner(actor)
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise InvalidInput(f"interval must be 15, 30 or 60 minutes, not {interval_min}", field="interval_min")
    if not 1 <= horizon_days <= 731:
        raise InvalidInput("the horizon must be 1 to 731 open days", field="horizon_days")
    if history_days < 21:
        raise InvalidInput("at least 21 days of history are needed", field="history_days")
    q = _queue(session, queue)
    zone = wfm_service.queue_time_zone(session, queue)
    end = local_today(clock.now_aware(), zone) - timedelta(days=1)
    points = wfm_service.warehouse_history(
        session, warehouse, actor, queue=queue, interval_min=interval_min,
        start=end - timedelta(days=history_days - 1), end=end,
    )  # fmt: skip
    if not any(contacts for _, contacts, _ in points):
        raise InvalidInput(f"queue '{queue}' has no contacts in the last {history_days} days", field="queue")
    try:
        series = build_series(points, interval_min=interval_min, time_zone=zone)
        years = range(series.days[0].year, series.days[-1].year + 2 + horizon_days // 365)
        holidays = public_holidays(country, years) if country else []
        manual = [SpecialDay(e.day, e.name, e.factor, "event") for e in events]
        special = merge(holidays, manual)
        result = run_forecast(series, horizon_days=horizon_days, method=method, special=special, level=level)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="method") from None
    version = ForecastVersion(
        queue_id=q.id,
        interval_min=interval_min,
        method=result.method,
        level=level,
        horizon_days=horizon_days,
        time_zone=zone,
        history_end=end,
        history_days=history_days,
        special_days=[
            {"date": s.day.isoformat(), "name": s.name, "factor": round(s.factor, 4)}
            for s in result.special_days
        ],
        note=note,
        created_by=actor.username,
        created_at=clock.utcnow(),
    )
    session.add(version)
    session.flush()
    session.add_all(
        ForecastRowRecord(
            version_id=version.id,
            interval_start_utc=r.interval_start.astimezone(UTC).replace(tzinfo=None),
            interval_start_local=r.interval_start.isoformat(),
            contacts=r.contacts,
            lo=r.lo,
            hi=r.hi,
            aht_s=r.aht_s,
        )
        for r in result.rows
    )
    audit.record(
        session, actor, "create", "forecast_version", version.id,
        {"queue": queue, "method": result.method, "horizon_days": horizon_days, "rows": len(result.rows)},
    )  # fmt: skip
    session.commit()
    return version


def list_versions(session: Session, actor: Actor, queue: str | None = None) -> list[dict[str, Any]]:
    """Versions, newest first, with their queue code and row span."""
    require_reader(actor)
    stmt = select(ForecastVersion, Queue.code).join(Queue, Queue.id == ForecastVersion.queue_id)
    if queue is not None:
        stmt = stmt.where(Queue.code == _queue(session, queue).code)
    out = []
    for version, code in session.execute(stmt.order_by(ForecastVersion.id.desc())):
        out.append({**version_dict(version), "queue": code})
    return out


def version_dict(v: ForecastVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "interval_min": v.interval_min,
        "method": v.method,
        "level": v.level,
        "horizon_days": v.horizon_days,
        "time_zone": v.time_zone,
        "history_end": v.history_end.isoformat(),
        "special_days": v.special_days,
        "note": v.note,
        "created_by": v.created_by,
        "created_at": v.created_at.isoformat(),
    }


def get_version(session: Session, actor: Actor, version_id: int) -> ForecastVersion:
    require_reader(actor)
    version = session.get(ForecastVersion, version_id)
    if version is None:
        raise NotFound(f"no forecast version {version_id}", field="version")
    return version


def active_overrides(session: Session, version_id: int) -> list[ForecastOverride]:
    stmt = select(ForecastOverride).where(
        ForecastOverride.version_id == version_id, ForecastOverride.removed_at.is_(None)
    )
    return list(session.scalars(stmt.order_by(ForecastOverride.id)))


def all_overrides(session: Session, actor: Actor, version_id: int) -> list[ForecastOverride]:
    """Every override of the version, removed ones included (the record of changes)."""
    get_version(session, actor, version_id)
    stmt = select(ForecastOverride).where(ForecastOverride.version_id == version_id)
    return list(session.scalars(stmt.order_by(ForecastOverride.id)))


def adjusted_rows(session: Session, actor: Actor, version_id: int) -> list[acc.AdjustedRow]:
    """The version's rows with its active overrides applied (original contacts kept)."""
    version = get_version(session, actor, version_id)
    zone = ZoneInfo(version.time_zone)
    records = session.scalars(
        select(ForecastRowRecord)
        .where(ForecastRowRecord.version_id == version_id)
        .order_by(ForecastRowRecord.interval_start_utc)
    )
    rows = [
        acc.PlanRow(
            r.interval_start_utc,
            r.interval_start_utc.replace(tzinfo=UTC).astimezone(zone).date(),
            r.contacts, r.lo, r.hi, r.aht_s,
        )
        for r in records
    ]  # fmt: skip
    overrides = [
        acc.Override(o.start_utc, o.end_utc, o.factor) for o in active_overrides(session, version_id)
    ]
    return acc.apply_overrides(rows, overrides)


def add_override(
    session: Session,
    actor: Actor,
    version_id: int,
    *,
    factor: float,
    reason: str,
    day: date | None = None,
    start_local: datetime | None = None,
    end_local: datetime | None = None,
) -> ForecastOverride:
    """Scale a site-local ``day`` or the local range [start_local, end_local) by ``factor``
    (naive local wall-clock times of the queue's site). A reason is required."""
    require_planner(actor)
    version = get_version(session, actor, version_id)
    if not reason.strip():
        raise InvalidInput("say why the forecast is overridden (reason)", field="reason")
    if day is not None and (start_local is not None or end_local is not None):
        raise InvalidInput("give a day or a time range, not both", field="day")
    if day is not None:
        start, end = local_day_bounds_utc(day, version.time_zone)
        kind = "day"
    elif start_local is not None and end_local is not None:
        zone = ZoneInfo(version.time_zone)
        start = start_local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        end = end_local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        kind = "range"
    else:
        raise InvalidInput("give a day, or both the start and the end of a time range", field="day")
    try:
        acc.check_override(start, end, factor)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="factor") from None
    override = ForecastOverride(
        version_id=version.id, start_utc=start, end_utc=end, kind=kind, factor=factor,
        reason=reason.strip(), created_by=actor.username, created_at=clock.utcnow(),
    )  # fmt: skip
    session.add(override)
    session.flush()
    audit.record(
        session, actor, "override", "forecast_version", version.id,
        {"override_id": override.id, "start_utc": start, "end_utc": end, "factor": factor, "reason": reason},
    )  # fmt: skip
    session.commit()
    return override


def remove_override(session: Session, actor: Actor, override_id: int) -> ForecastOverride:
    """Take an override out of effect; the row stays, marked removed (who, when)."""
    require_planner(actor)
    override = session.get(ForecastOverride, override_id)
    if override is None or override.removed_at is not None:
        raise NotFound(f"no active override {override_id}", field="override")
    override.removed_at = clock.utcnow()
    override.removed_by = actor.username
    audit.record(
        session,
        actor,
        "remove_override",
        "forecast_version",
        override.version_id,
        {"override_id": override_id},
    )
    session.commit()
    return override


def accuracy(
    session: Session, warehouse: Connection, actor: Actor, version_id: int
) -> list[acc.HorizonAccuracy]:
    """Forecast vs actual by horizon for the version's days that are over (up to yesterday,
    site-local), actuals from the metrics cube (offered contacts)."""
    version = get_version(session, actor, version_id)
    rows = adjusted_rows(session, actor, version_id)
    if not rows:
        return []
    code = session.get(Queue, version.queue_id)
    assert code is not None
    yesterday = local_today(clock.now_aware(), version.time_zone) - timedelta(days=1)
    first, last = rows[0].day, min(rows[-1].day, yesterday)
    if last < first:
        return []
    points = wfm_service.warehouse_history(
        session, warehouse, actor, queue=code.code, interval_min=version.interval_min, start=first, end=last
    )
    actuals = {p[0].astimezone(UTC).replace(tzinfo=None): p[1] for p in points}
    return acc.accuracy_by_horizon(rows, actuals, version.history_end)


def accuracy_dict(accuracy: list[acc.HorizonAccuracy]) -> dict[str, Any]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 6)

    total_wape, total_bias = acc.overall(accuracy)
    return {
        "wape": r(total_wape),
        "bias": r(total_bias),
        "by_horizon": [
            {
                "horizon_days": a.horizon_days, "wape": r(a.wape), "bias": r(a.bias),
                "original_wape": r(a.original_wape), "original_bias": r(a.original_bias),
                "actual": round(a.actual, 3), "forecast": round(a.forecast, 3), "intervals": a.intervals,
            }
            for a in accuracy
        ],
    }  # fmt: skip


def week_coverage(
    session: Session, queue_id: int, monday: date, time_zone: str, start_utc: datetime, end_utc: datetime
) -> tuple[int | None, bool]:
    """The version to staff the site-local week from ``monday`` with, and whether it covers
    the whole week: the newest of the last three versions with rows in the week whose rows
    reach the week's last open weekday (open weekdays: those the version forecasts at all;
    all seven for a version shorter than a week),
    else the newest with any rows in the week (partial)."""
    stmt = (
        select(ForecastVersion.id)
        .join(ForecastRowRecord, ForecastRowRecord.version_id == ForecastVersion.id)
        .where(
            ForecastVersion.queue_id == queue_id,
            ForecastRowRecord.interval_start_utc >= start_utc,
            ForecastRowRecord.interval_start_utc < end_utc,
        )
        .group_by(ForecastVersion.id)
        .order_by(ForecastVersion.id.desc())
        .limit(3)
    )
    ids = list(session.scalars(stmt))
    zone = ZoneInfo(time_zone)
    for vid in ids:
        starts = session.scalars(
            select(ForecastRowRecord.interval_start_utc).where(ForecastRowRecord.version_id == vid)
        )
        days = {s.replace(tzinfo=UTC).astimezone(zone).date() for s in starts}
        # Open weekdays are known from a version spanning a week; a shorter one could
        # miss any day, so every weekday counts.
        weekdays = {d.weekday() for d in days} if (max(days) - min(days)).days >= 6 else set(range(7))
        needed = [monday + timedelta(days=i) for i in range(7) if i in weekdays]
        if needed and max(days) >= needed[-1]:
            return vid, True
    return (ids[0], False) if ids else (None, False)
