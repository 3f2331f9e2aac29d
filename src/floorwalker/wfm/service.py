"""Workforce use cases that read the stores: a queue's history for forecasting, queue
planning settings, and a week's staffing requirements from saved forecasts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.metrics import service as metrics_service
from floorwalker.org.hours import is_open
from floorwalker.org.models import Queue, Site
from floorwalker.timeutil import local_day_bounds_utc, local_today
from floorwalker.wfm.forecast_series import Point
from floorwalker.wfm.models import STAFFING_MODELS, QueuePlanSetting
from floorwalker.wfm.requirements import Demand, QueuePlan, Requirement, model_name, queue_requirements


def _queue_site(session: Session, queue: str) -> Site:
    site = session.execute(
        select(Site).join(Queue, Queue.site_id == Site.id).where(Queue.code == queue)
    ).scalar_one_or_none()
    if site is None:
        raise NotFound(f"--queue: no queue with code '{queue}'", field="queue")
    return site


def workable_intervals(session: Session, queue: str, demand: Sequence[Demand]) -> list[bool] | None:
    """One flag per demand interval: inside the queue's site's business hours. Deferred
    work (e-mail, back office) is staffed only in these (items wait overnight); None when
    the site states no hours (any interval is workable)."""
    hours = _queue_site(session, queue).business_hours or {}
    if not any(hours.values()):
        return None
    return [
        is_open(hours, d.interval_start.weekday(), d.interval_start.hour * 60 + d.interval_start.minute)
        for d in demand
    ]


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


# --- Requirements: a week of agents per queue and interval from saved forecasts ---------


def queue_plan(session: Session, queue: Queue) -> QueuePlan:
    """The queue's planning settings (defaults of ``requirements`` where none are saved)."""
    saved = session.get(QueuePlanSetting, queue.id)
    base = QueuePlan(queue.code, queue.channel, float(queue.sl_threshold_s), int(queue.concurrency))
    if saved is None:
        return base
    return replace(
        base,
        model=saved.model,
        target_sl=saved.target_sl,
        target_asa_s=saved.target_asa_s,
        max_occupancy=saved.max_occupancy,
        patience_s=saved.patience_s,
        max_abandon=saved.max_abandon,
        response_goal_s=saved.response_goal_s,
        planned_shrinkage=saved.planned_shrinkage,
        unplanned_shrinkage=saved.unplanned_shrinkage,
        default_aht_s=saved.default_aht_s,
    )


PLAN_FIELDS = (
    "model", "target_sl", "target_asa_s", "max_occupancy", "patience_s", "max_abandon",
    "response_goal_s", "planned_shrinkage", "unplanned_shrinkage", "default_aht_s",
)  # fmt: skip


def set_queue_plan(session: Session, actor: Actor, queue: str, **changes: Any) -> QueuePlan:
    """Save planning settings of ``queue`` (only the fields given change; None clears an
    optional target). Checked by building the plan; managers and admins only; audited."""
    from floorwalker.wfm.versions_service import require_planner

    require_planner(actor)
    unknown = [k for k in changes if k not in PLAN_FIELDS]
    if unknown:
        raise InvalidInput(f"unknown planning setting '{unknown[0]}'", field=unknown[0])
    q = session.scalars(select(Queue).where(Queue.code == queue)).one_or_none()
    if q is None:
        raise NotFound(f"no queue with code '{queue}'", field="queue")
    saved = session.get(QueuePlanSetting, q.id)
    if saved is None:
        current = queue_plan(session, q)
        saved = QueuePlanSetting(queue_id=q.id, **{k: getattr(current, k) for k in PLAN_FIELDS})
        session.add(saved)
    before = {k: getattr(saved, k) for k in PLAN_FIELDS}
    for key, value in changes.items():
        setattr(saved, key, value)
    _validate_plan(queue_plan_from(q, saved))
    audit.record(session, actor, "update", "queue_plan", q.code, audit.diff(before, changes))
    session.commit()
    return queue_plan(session, q)


def queue_plan_from(queue: Queue, saved: QueuePlanSetting) -> QueuePlan:
    return replace(
        QueuePlan(queue.code, queue.channel, float(queue.sl_threshold_s), int(queue.concurrency)),
        **{k: getattr(saved, k) for k in PLAN_FIELDS},
    )


def _validate_plan(plan: QueuePlan) -> None:
    if plan.model not in STAFFING_MODELS:
        raise InvalidInput(
            f"model must be one of {', '.join(STAFFING_MODELS)}, not '{plan.model}'", field="model"
        )
    for name in ("target_sl", "max_occupancy", "max_abandon"):
        value = getattr(plan, name)
        if value is not None and not 0 < value <= 1:
            raise InvalidInput(f"{name} must be a fraction above 0 and at most 1", field=name)
    for name in ("target_asa_s", "patience_s", "response_goal_s", "default_aht_s"):
        value = getattr(plan, name)
        if value is not None and not value > 0:
            raise InvalidInput(f"{name} must be a positive number of seconds", field=name)
    if not (plan.planned_shrinkage >= 0 and plan.unplanned_shrinkage >= 0
            and plan.planned_shrinkage + plan.unplanned_shrinkage < 1):  # fmt: skip
        raise InvalidInput("planned + unplanned shrinkage must be 0 or more and below 1", field="shrinkage")
    # Targets that the model needs (e.g. patience for Erlang A) are checked by requirements.
    queue_requirements(plan, [], 30)


@dataclass(frozen=True)
class WeekRequirements:
    """A week's requirements: per queue (with the forecast version used), the per-interval
    totals over queues, the queues left out (no history to forecast from) and notes
    (a queue staffed from a forecast that covers only part of the week)."""

    monday: date
    interval_min: int
    queues: list[dict[str, Any]]
    requirements: list[Requirement]
    skipped: list[dict[str, str]]
    notes: list[dict[str, str]] = field(default_factory=list)


def site_queues(session: Session, site: str | None) -> list[Queue]:
    stmt = select(Queue).where(Queue.active.is_(True))
    if site is not None:
        site_id = session.scalars(select(Site.id).where(Site.code == site)).one_or_none()
        if site_id is None:
            raise NotFound(f"no site with code '{site}'", field="site")
        stmt = stmt.where(Queue.site_id == site_id)
    return list(session.scalars(stmt.order_by(Queue.code)))


def week_requirements(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    site: str | None,
    monday: date,
    *,
    interval_min: int = 30,
    build_missing: bool = True,
) -> WeekRequirements:
    """Requirements for the site-local week starting ``monday`` (Monday 00:00 to the next
    Monday 00:00 of each queue's site), from the newest saved forecast version with rows in
    that week; a queue without one gets a new version first (managers and admins; others
    get a clear error; with ``build_missing=False`` such a queue is listed as skipped). A
    queue with no contacts in its history is skipped, not guessed."""
    from floorwalker.wfm import versions_service as versions

    versions.require_reader(actor)
    if monday.weekday() != 0:
        raise InvalidInput(f"--week: {monday} is not a Monday", field="week")
    out: list[Requirement] = []
    queues: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    notes: list[dict[str, str]] = []
    for q in site_queues(session, site):
        zone = queue_time_zone(session, q.code)
        start, _ = local_day_bounds_utc(monday, zone)
        end, _ = local_day_bounds_utc(monday + timedelta(days=7), zone)
        version_id, full = versions.week_coverage(session, q.id, monday, zone, start, end)
        if not full and build_missing and actor.role in versions.PLANNER_ROLES:
            today = local_today(clock.now_aware(), zone)
            horizon = (monday + timedelta(days=7) - today).days
            try:
                if horizon < 1:
                    raise InvalidInput(f"the week of {monday} is past: no new forecast is made for it")
                version_id = versions.create_version(
                    session, warehouse, actor, queue=q.code, horizon_days=horizon, interval_min=interval_min
                ).id
                full = True
            except InvalidInput as exc:
                if version_id is None:
                    skipped.append({"queue": q.code, "reason": exc.message})
                    continue
        if version_id is None and not build_missing:
            skipped.append({"queue": q.code, "reason": f"no saved forecast covers the week of {monday}"})
            continue
        if version_id is None:
            raise NotFound(
                f"queue '{q.code}' has no saved forecast for the week of {monday}; a manager must save one",
                field="week",
            )
        if not full:
            notes.append(
                {
                    "queue": q.code,
                    "reason": f"the newest saved forecast covers only part of the week of {monday}",
                }
            )
        version = versions.get_version(session, actor, version_id)
        plan = queue_plan(session, q)
        rows = [r for r in versions.adjusted_rows(session, actor, version_id) if start <= r.start < end]
        local = ZoneInfo(zone)
        demand = [Demand(r.start.replace(tzinfo=UTC).astimezone(local), r.contacts, r.aht_s) for r in rows]
        reqs = queue_requirements(
            plan, demand, version.interval_min, workable_intervals(session, q.code, demand)
        )
        out.extend(reqs)
        queues.append(
            {
                "queue": q.code,
                "channel": q.channel,
                "model": model_name(plan),
                "forecast_version_id": version_id,
                "interval_min": version.interval_min,
                "time_zone": zone,
            }
        )
    return WeekRequirements(monday, interval_min, queues, out, skipped, notes)


def requirement_dict_start(moment: datetime) -> str:
    """An aware interval start as naive-UTC ISO text (the storage form)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def requirement_dict(r: Requirement) -> dict[str, Any]:
    return {
        "interval_start_utc": requirement_dict_start(r.interval_start),
        "interval_start_local": r.interval_start.isoformat(),
        "queue": r.queue,
        "contacts": round(r.contacts, 3),
        "aht_s": round(r.aht_s, 3),
        "traffic_erlangs": round(r.traffic_erlangs, 4),
        "agents": r.agents,
        "scheduled_agents": r.scheduled_agents,
    }


def requirements_for_week(
    session: Session, warehouse: Connection, actor: Actor, site: str | None, monday: date
) -> list[dict[str, Any]]:
    """The plain per-interval list the schedule optimiser consumes: one dict per queue and
    interval with ``interval_start_utc`` (naive UTC, ISO text), ``interval_start_local``
    (ISO with the site's offset), ``queue``, ``agents`` (on contacts) and
    ``scheduled_agents`` (with shrinkage)."""
    week = week_requirements(session, warehouse, actor, site, monday)
    return [
        {k: v for k, v in requirement_dict(r).items()
         if k in ("interval_start_utc", "interval_start_local", "queue", "agents", "scheduled_agents")}
        for r in week.requirements
    ]  # fmt: skip
