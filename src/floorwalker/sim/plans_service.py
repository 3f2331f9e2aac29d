"""Load a what-if baseline from the plans (sim/plans.py): a site's saved forecasts for the
week, its published schedule or its staffing requirement, and recent history for the
shapes of handle time and patience; and say which baseline sources a week has.

Reads only (no forecast is built, no schedule generated). Callers check the role first
(sim/service.py); the forecast reads also check it (workforce readers).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.errors import NotFound
from floorwalker.org.models import Queue, Site
from floorwalker.sim import history, plans, queries
from floorwalker.timeutil import local_day_bounds_utc, local_today
from floorwalker.wfm import service as wfm_service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.models import ForecastVersion, Schedule, ScheduleActivity, ScheduleShift

#: Days of history before the week (or before today, for a week further out) whose contacts
#: give the shapes of handle time and patience of a forecast baseline.
HISTORY_DAYS = 7


class BaselineMissing(NotFound):
    """The chosen baseline source has nothing for the chosen week (the message says what is
    missing and which sources the week has)."""


def _horizon(week: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(week, time(0))
    return start, start + timedelta(days=days)


def _forecast_versions(session: Session, queues: list[Queue], week: date, zone: str) -> dict[str, int]:
    """Queue code → the saved version that staffs the week (the choice the staffing
    requirement makes: the newest covering the whole week, else the newest with rows in it)."""
    start, _ = local_day_bounds_utc(week, zone)
    end, _ = local_day_bounds_utc(week + timedelta(days=7), zone)
    out: dict[str, int] = {}
    for q in queues:
        if not q.active:
            continue
        vid, _full = versions.week_coverage(session, q.id, week, zone, start, end)
        if vid is not None:
            out[q.code] = vid
    return out


def _published(session: Session, site_id: int, week: date) -> Schedule | None:
    return session.scalars(
        select(Schedule).where(
            Schedule.site_id == site_id, Schedule.week_start == week, Schedule.status == "published"
        )
    ).first()


def staffing_week(week: date, today: date) -> date:
    """The past week whose logged-in agents staff a "forecast_history" baseline of ``week``:
    the week itself once it is over, else the last week over before ``today``."""
    if week + timedelta(days=7) <= today:
        return week
    return today - timedelta(days=today.weekday() + 7)


def availability(
    session: Session, warehouse: Connection, site: Site, week: date, days: int
) -> dict[str, str | None]:
    """Source → None when the week has it, else what is missing (one sentence)."""
    start, end = _horizon(week, days)
    legs, spans = queries.history_counts(warehouse, site.code, start, end)
    where = f"site {site.code}, week of {week.isoformat()}"
    out: dict[str, str | None] = {}
    if not legs:
        out["history"] = f"no contacts in the warehouse for {where}"
    elif not spans:
        out["history"] = f"no agent states in the warehouse for {where} (the staffing is unknown)"
    else:
        out["history"] = None
    has_forecast = bool(
        _forecast_versions(session, queries.org_queues(session, site.id), week, site.time_zone)
    )
    forecast = (
        None
        if has_forecast
        else f"no saved forecast covers {where} (save one on Planning → forecast, "
        "or with `floorwalker forecast save`)"
    )
    schedule = (
        None
        if _published(session, site.id, week) is not None
        else f"no published schedule for {where} (generate and publish one on Planning → schedule, "
        "or with `floorwalker schedule generate` then `publish`)"
    )
    out["forecast_schedule"] = "; ".join(x for x in (forecast, schedule) if x) or None
    out["forecast_requirement"] = forecast
    past = staffing_week(week, local_today(clock.now_aware(), site.time_zone))
    _, past_spans = queries.history_counts(warehouse, site.code, *_horizon(past, days))
    staffed = None if past_spans else f"no agent states in the warehouse for the week of {past.isoformat()}"
    out["forecast_history"] = "; ".join(x for x in (forecast, staffed) if x) or None
    return out


def missing_message(source: str, available: dict[str, str | None]) -> str:
    """What the chosen source lacks, and the sources the week has instead."""
    others = [plans.SOURCE_LABELS[s] for s, why in available.items() if why is None and s != source]
    offer = (
        f" This week has: {', '.join(others)}."
        if others
        else " No other baseline source has this week either."
    )
    return f"{plans.SOURCE_LABELS[source]}: {available[source]}.{offer}"


def _forecast_rows(
    session: Session, actor: Actor, vids: dict[str, int], week: date, zone: str, days: int
) -> list[plans.ForecastRow]:
    tz = ZoneInfo(zone)
    start_local = datetime.combine(week, time(0))
    lo, _ = local_day_bounds_utc(week, zone)
    hi, _ = local_day_bounds_utc(week + timedelta(days=days), zone)
    # .all() first: a Result has .keys(), so dict() would take it for a mapping.
    stmt = select(ForecastVersion.id, ForecastVersion.interval_min).where(
        ForecastVersion.id.in_(list(vids.values()))
    )
    lengths: dict[int, int] = dict(session.execute(stmt).all())
    out: list[plans.ForecastRow] = []
    for code, vid in sorted(vids.items()):
        for r in versions.adjusted_rows(session, actor, vid):
            if not lo <= r.start < hi:
                continue
            local = r.start.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
            out.append(
                plans.ForecastRow(
                    code, (local - start_local).total_seconds(), lengths[vid] * 60.0, r.contacts, r.aht_s
                )
            )
    return out


def _shifts(session: Session, site_id: int, week: date, days: int) -> list[plans.Shift]:
    """Work shifts of the published schedules (the week's, and the previous week's running
    past its Sunday midnight) overlapping the horizon, with their activities."""
    start, end = _horizon(week, days)
    ids = list(
        session.scalars(
            select(Schedule.id).where(
                Schedule.site_id == site_id,
                Schedule.status == "published",
                Schedule.week_start.in_([week, week - timedelta(days=7)]),
            )
        )
    )
    if not ids:
        return []
    rows = list(
        session.scalars(
            select(ScheduleShift).where(
                ScheduleShift.schedule_id.in_(ids),
                ScheduleShift.kind == "work",
                ScheduleShift.start_local < end,
                ScheduleShift.end_local > start,
            )
        )
    )
    away: dict[int, list[tuple[float, float]]] = defaultdict(list)
    if rows:
        for a in session.scalars(
            select(ScheduleActivity).where(ScheduleActivity.shift_id.in_([r.id for r in rows]))
        ):
            away[a.shift_id].append(
                ((a.start_local - start).total_seconds(), (a.end_local - start).total_seconds())
            )
    out = []
    for r in rows:
        assert r.start_local is not None
        assert r.end_local is not None
        out.append(
            plans.Shift(
                r.agent_code,
                (r.start_local - start).total_seconds(),
                (r.end_local - start).total_seconds(),
                tuple(away[r.id]),
            )
        )
    return out


def _requirement(
    session: Session, warehouse: Connection, actor: Actor, site: Site, week: date
) -> list[plans.RequirementRow]:
    start = datetime.combine(week, time(0))
    req = wfm_service.week_requirements(session, warehouse, actor, site.code, week, build_missing=False)
    length = {q["queue"]: q["interval_min"] * 60.0 for q in req.queues}
    return [
        plans.RequirementRow(
            r.queue,
            (r.interval_start.replace(tzinfo=None) - start).total_seconds(),
            length[r.queue],
            r.agents,
        )
        for r in req.requirements
    ]


def load(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    source: str,
    site: Site,
    week: date,
    days: int,
    interval_s: float,
    handle_model: str = "lognormal",
    replications: int = 10,
    seed: int = 1,
) -> history.Baseline:
    """The forecast baseline of ``source`` for ``days`` days from the Monday ``week`` (the
    caller has checked that the week has the source, see :func:`availability`)."""
    intervals = int(days * 86400 // interval_s)
    queues = queries.org_queues(session, site.id)
    vids = _forecast_versions(session, queues, week, site.time_zone)
    forecast = _forecast_rows(session, actor, vids, week, site.time_zone, days)

    # Shapes of handle time and patience from the last HISTORY_DAYS days of contacts.
    today = local_today(clock.now_aware(), site.time_zone)
    past = staffing_week(week, today)
    h_end = datetime.combine(min(week, today), time(0))
    h_start = h_end - timedelta(days=HISTORY_DAYS)
    recent = queries.contact_rows(warehouse, site.code, h_start, h_end)
    infos = queries.queue_infos(queues)
    by_queue: dict[str, list[history.ContactRow]] = defaultdict(list)
    for row in recent:
        by_queue[row.queue].append(row)
    pooled = history.handle_values(history.handled(recent))
    fits: dict[str, history.QueueModel] = {}
    for q in infos:
        if by_queue.get(q.code):
            model = history.queue_model(q, by_queue[q.code], pooled, handle_model)
            if model is not None:
                fits[q.code] = model
    plan_of = {q.code: wfm_service.queue_plan(session, q) for q in queues if q.code in vids}
    baseline = plans.build_plan_baseline(
        source=source,
        interval_s=interval_s,
        intervals=intervals,
        queues=infos,
        forecast=forecast,
        history=fits,
        patience_s={c: p.patience_s for c, p in plan_of.items()},
        default_aht_s={c: p.default_aht_s for c, p in plan_of.items()},
        shifts=_shifts(session, site.id, week, days) if source == "forecast_schedule" else (),
        agents=queries.agent_infos(session, queues),
        answered=history.answered_by(recent),
        requirement=_requirement(session, warehouse, actor, site, week)
        if source == "forecast_requirement"
        else (),
        states=queries.state_rows(warehouse, site.code, *_horizon(past, days))
        if source == "forecast_history"
        else (),
        replications=replications,
        seed=seed,
    )
    window = f"{h_start.date().isoformat()} … {(h_end - timedelta(days=1)).date().isoformat()}"
    used = ", ".join(f"{c} v{v}" for c, v in sorted(vids.items()))
    staffing = f"staffing: the agents logged in during the week of {past.isoformat()}"
    notes = (
        f"forecast versions used: {used}",
        *([staffing] if source == "forecast_history" else []),
        f"handle-time and patience shapes from the contacts of {window}"
        if fits
        else f"no contacts in {window}: default handle-time and patience models",
        *baseline.notes,
    )
    return history.Baseline(baseline.scenario, baseline.group_teams, notes)
