"""Intraday view of a site's day: forecast vs actual contacts so far, the rest of the day
reforecast per queue by its ratio of actual to forecast so far, the agents that
reforecast needs (each queue's staffing model, raised by unplanned shrinkage as in
schedule generation), the staffing gap against the published schedule's shifts as they
stand and the projected service level (suggestions to close the gap: intraday_actions)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.org.models import Site
from floorwalker.timeutil import local_day_bounds_utc
from floorwalker.wfm import service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.intraday import reforecast
from floorwalker.wfm.models import (
    ForecastRowRecord,
    ForecastVersion,
    Schedule,
    ScheduleActivity,
    ScheduleShift,
)
from floorwalker.wfm.requirements import Demand, queue_requirements
from floorwalker.wfm.schedule_service import resolve_site
from floorwalker.wfm.suggestions import (
    Activity,
    AgentToday,
    ServiceModel,
    Slot,
    WeekRules,
    coverage,
    projected_service_level,
)


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


@dataclass
class DayPlan:
    """The reforecast day of a site: per interval start (naive UTC) the forecast, actual,
    reforecast contacts, required agents and reforecast work (contacts × AHT, seconds); the
    queues' ratios; and the pooled service model of the site (threshold T, patience for
    Erlang A when every queue plans with it, fraction of scheduled agents on contacts)."""

    site: Site
    zone: ZoneInfo
    interval_min: int
    rows: dict[datetime, dict[str, Any]]
    queues: list[dict[str, Any]]
    model: ServiceModel


def day_plan(session: Session, warehouse: Connection, actor: Actor, site: str | None, day: date,
             now: datetime) -> DayPlan:  # fmt: skip
    """Reforecast ``day`` of the site as of ``now`` (naive UTC); see ``intraday``."""
    versions.require_reader(actor)
    s = resolve_site(session, site)
    zone = ZoneInfo(s.time_zone)
    start, end = local_day_bounds_utc(day, s.time_zone)
    rows: dict[datetime, dict[str, Any]] = defaultdict(
        lambda: {"forecast": 0.0, "actual": None, "reforecast": 0.0, "required": 0, "work_s": 0.0}
    )
    ratios = []
    steps, thresholds, patience, unplanned = [], [], [], []
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
        reqs = queue_requirements(
            plan, demand, version.interval_min, service.workable_intervals(session, q.code, demand)
        )
        later = sum(c for r, c in zip(fc, contacts, strict=True) if r.start + step > now)
        steps.append(version.interval_min)
        thresholds.append(plan.answer_s)
        patience.append((plan.patience_s if plan.model == "erlang_a" else None, later))
        unplanned.append((plan.unplanned_shrinkage, later))
        for r, a, c, req in zip(fc, actual, contacts, reqs, strict=True):
            row = rows[r.start]
            row["forecast"] += r.contacts
            row["reforecast"] += c
            row["work_s"] += c * req.aht_s
            if a is not None:
                row["actual"] = (row["actual"] or 0.0) + a
            need = req.agents / (1.0 - plan.unplanned_shrinkage) if req.agents else 0
            row["required"] += math.ceil(need - 1e-9)
    weight = sum(w for _, w in unplanned)
    available = 1.0 - (sum(u * w for u, w in unplanned) / weight if weight > 0 else 0.0)
    pooled_patience = None
    if patience and all(p is not None for p, _ in patience):
        total = sum(w for _, w in patience)
        pooled_patience = sum((p or 0.0) * w for p, w in patience) / total if total > 0 else None
    model = ServiceModel(
        interval_min=min(steps, default=30),
        threshold_s=min(thresholds, default=20.0),
        patience_s=pooled_patience,
        available=available,
    )
    return DayPlan(s, zone, model.interval_min, dict(rows), ratios, model)


def intraday(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    site: str | None,
    day: date,
    now: datetime,
    plan: DayPlan | None = None,
) -> dict[str, Any]:
    """Per interval of site-local ``day`` (naive UTC starts; ``now`` naive UTC): forecast,
    actual (None until the interval has ended), reforecast contacts, required agents for
    the reforecast, scheduled agents (the published schedule's shifts as they stand now,
    edits included: minutes on shift and not in a block / interval minutes), gap =
    scheduled − required, and the projected service level of the scheduled agents (pooled
    over the site's queues, Erlang C or A; None without contacts, and where no agent is
    needed or scheduled: deferred work outside business hours); per queue the ratio of
    actual to forecast so far. ``plan``: the day's ``day_plan`` when the caller has it."""
    plan = plan or day_plan(session, warehouse, actor, site, day, now)
    moments = sorted(plan.rows)
    slots = [
        Slot(m, plan.rows[m]["required"], plan.rows[m]["reforecast"], _aht(plan.rows[m])) for m in moments
    ]
    agents = site_day_shifts(session, plan.site, day)
    scheduled = coverage(agents, slots, plan.interval_min) if agents else None
    levels = projected_service_level(slots, plan.model, scheduled)[0] if scheduled is not None else None
    out = []
    for i, moment in enumerate(moments):
        row = plan.rows[moment]
        have = None if scheduled is None else round(scheduled[i], 2)
        out.append(
            {
                "interval_start_utc": moment,
                "interval_start_local": moment.replace(tzinfo=UTC).astimezone(plan.zone).replace(tzinfo=None),
                "forecast": round(row["forecast"], 2),
                "actual": None if row["actual"] is None else round(row["actual"], 2),
                "reforecast": round(row["reforecast"], 2),
                "required": row["required"],
                "scheduled": have,
                "gap": None if have is None else round(have - row["required"], 2),
                # Nobody needed and nobody on: the site is closed and what arrives is
                # deferred work waiting for opening hours, not a service level of 0.
                "projected_service_level": None
                if levels is None or levels[i] is None or (row["required"] == 0 and not have)
                else round(levels[i] or 0.0, 4),
            }
        )
    return {"site": plan.site.code, "day": day, "queues": plan.queues, "intervals": out}


def _aht(row: dict[str, Any]) -> float:
    return float(row["work_s"] / row["reforecast"]) if row["reforecast"] > 0 else 0.0


def site_day_shifts(session: Session, site: Site, day: date) -> list[AgentToday]:
    """Every published work shift of the site overlapping site-local ``day`` (any team, for
    coverage), with its blocks; contract figures are left empty (see intraday_actions)."""
    start, end = local_day_bounds_utc(day, site.time_zone)
    shifts = session.scalars(
        select(ScheduleShift)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .where(
            Schedule.site_id == site.id,
            Schedule.status == "published",
            ScheduleShift.kind == "work",
            ScheduleShift.start_utc < end,
            ScheduleShift.end_utc > start,
        )
        .order_by(ScheduleShift.agent_code, ScheduleShift.start_utc)
    ).all()
    acts = shift_activities(session, [x.id for x in shifts])
    none = WeekRules(paid_min=0, min_weekly=0, max_weekly=0, min_rest=0)
    return [
        AgentToday(
            x.agent_code, none, shift_id=x.id, start=x.start_utc, end=x.end_utc, activities=acts[x.id],
            actionable=False,
        )
        for x in shifts
    ]  # fmt: skip


def shift_activities(session: Session, ids: list[int]) -> dict[int, tuple[Activity, ...]]:
    """The blocks of each shift, by shift id, in start order."""
    out: dict[int, list[Activity]] = defaultdict(list)
    if ids:
        for a in session.scalars(
            select(ScheduleActivity)
            .where(ScheduleActivity.shift_id.in_(ids))
            .order_by(ScheduleActivity.start_utc)
        ):
            out[a.shift_id].append(Activity(a.id, a.kind, a.name, a.start_utc, a.end_utc, a.paid))
    return defaultdict(tuple, {k: tuple(v) for k, v in out.items()})
