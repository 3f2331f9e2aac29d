"""The capacity and hiring plan on real stores: weekly volume and AHT per queue from the
warehouse (metrics cube), saved forecasts for the near term, headcount, contract hours and
the center's own leavers from the organisation. The arithmetic is in :mod:`capacity`."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput
from floorwalker.metrics import service as metrics_service
from floorwalker.org.models import Employee, Queue, Site
from floorwalker.timeutil import local_today
from floorwalker.wfm import capacity as cap
from floorwalker.wfm import service as wfm_service
from floorwalker.wfm import versions_service as versions

HISTORY_WEEKS = 156
AHT_WEEKS = 13
AGENT_ROLES = ("agent",)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's end)."""
    year, month = divmod(day.month - 1 + months, 12)
    target = date(day.year + year, month + 1, 1)
    following = date(target.year + (target.month // 12), target.month % 12 + 1, 1)
    return min(date(target.year, target.month, day.day), following - timedelta(days=1))


def headcount_on(employees: list[Employee], day: date) -> int:
    """Agents employed on ``day``: hired by then and not yet gone."""
    return sum(1 for e in employees if e.hire_date <= day and (e.leave_date is None or e.leave_date > day))


def measured_attrition(employees: list[Employee], today: date) -> tuple[float, int, float]:
    """Annualised attrition over the last 12 months: (rate, leavers, average headcount),
    the average over 13 month-end snapshots."""
    start = _add_months(today, -12)
    leavers = sum(1 for e in employees if e.leave_date is not None and start < e.leave_date <= today)
    snapshots = [headcount_on(employees, _add_months(start, m)) for m in range(13)]
    rate = cap.annualised_attrition(leavers, snapshots, 12)
    return rate, leavers, sum(snapshots) / len(snapshots)


def _weekly_history(
    session: Session, warehouse: Connection, actor: Actor, queue: str, first: date, last_monday: date
) -> tuple[list[float], date, float | None]:
    """Complete weeks' offered contacts from the first week with contacts to the last
    complete week; and the contact-weighted AHT of the last ``AHT_WEEKS`` weeks."""
    rows = metrics_service.cube(
        session,
        warehouse,
        actor,
        metrics_service.CubeRequest(
            start=first, end=last_monday + timedelta(days=6), by=("week",), queues=(queue,)
        ),
    )
    weeks: dict[date, tuple[float, float | None]] = {}
    for row in rows:
        year, week = str(row["week"]).split("-W")
        weeks[date.fromisocalendar(int(year), int(week), 1)] = (float(row["offered"]), row["aht_s"])
    busy = sorted(w for w, (n, _) in weeks.items() if n > 0)
    if not busy:
        return [], last_monday, None
    start = busy[0]
    series = []
    monday = start
    while monday <= last_monday:
        series.append(weeks.get(monday, (0.0, None))[0])
        monday += timedelta(weeks=1)
    recent = [(n, a) for w, (n, a) in weeks.items() if w > last_monday - timedelta(weeks=AHT_WEEKS) and a]
    handled = sum(n for n, _ in recent)
    aht = sum(n * a for n, a in recent) / handled if handled > 0 else None
    return series, start, aht


def _saved_weeks(session: Session, actor: Actor, queue: Queue, first_week: date) -> dict[date, float]:
    """Weekly contacts of the newest saved version, for the weeks it covers whole (from
    ``first_week`` on; overrides applied)."""
    stmt = select(versions.ForecastVersion.id).where(versions.ForecastVersion.queue_id == queue.id)
    newest = session.scalars(stmt.order_by(versions.ForecastVersion.id.desc()).limit(1)).first()
    if newest is None:
        return {}
    rows = versions.adjusted_rows(session, actor, newest)
    if not rows:
        return {}
    last_day = rows[-1].day
    sums: dict[date, float] = {}
    for r in rows:
        sums[_monday(r.day)] = sums.get(_monday(r.day), 0.0) + r.contacts
    return {w: v for w, v in sums.items() if w >= first_week and w + timedelta(days=6) <= last_day}


def plan(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    months: int = 12,
    site: str | None = None,
    growth: float = 0.0,
    attrition: float | None = None,
    shrinkage: float | None = None,
    inputs: cap.PlanInputs | None = None,
) -> dict[str, Any]:
    """The plan for ``months`` months from next Monday, as plain data (see the CLI).
    ``attrition`` and ``shrinkage`` override the measured attrition and the queues'
    workload-weighted shrinkage; ``inputs`` carries the other assumptions (its
    ``current_fte``, ``attrition`` and ``shrinkage`` are replaced)."""
    versions.require_reader(actor)
    if not 6 <= months <= 18:
        raise InvalidInput("--months: plan 6 to 18 months ahead", field="months")
    if attrition is not None and attrition < 0:
        raise InvalidInput("--attrition: an annual rate of 0 or more (0.3 = 30%)", field="attrition")
    queues = wfm_service.site_queues(session, site)
    zone = "UTC"
    if queues:
        zone = wfm_service.queue_time_zone(session, queues[0].code)
    today = local_today(clock.now_aware(), zone)
    first_week = _monday(today) + timedelta(weeks=1)
    n_weeks = max(1, (_add_months(first_week, months) - first_week).days // 7)
    last_complete = _monday(today) - timedelta(weeks=1)
    contacts = [0.0] * n_weeks
    workload = [0.0] * n_weeks
    shrink_weight = 0.0
    shrink_sum = 0.0
    used: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for q in queues:
        qplan = wfm_service.queue_plan(session, q)
        history, start, aht = _weekly_history(
            session,
            warehouse,
            actor,
            q.code,
            last_complete - timedelta(weeks=HISTORY_WEEKS - 1),
            last_complete,
        )
        aht = aht or qplan.default_aht_s
        if aht is None or len(history) < cap.MIN_HISTORY_WEEKS:
            skipped.append(
                {"queue": q.code, "reason": "fewer than 8 complete weeks with contacts, or no AHT"}
            )
            continue
        gap_weeks = (first_week - last_complete).days // 7 - 1  # the current, unfinished week
        ahead = cap.extrapolate_weekly(history, start, gap_weeks + n_weeks, growth=growth)[gap_weeks:]
        saved = _saved_weeks(session, actor, q, first_week)
        near = 0
        for t in range(n_weeks):
            week = first_week + timedelta(weeks=t)
            volume = ahead[t]
            if week in saved and growth == 0:
                volume, near = saved[week], near + 1
            hours = volume * aht / 3600.0 / (q.concurrency if q.channel in ("chat", "messaging") else 1)
            contacts[t] += volume
            workload[t] += hours
            shrink_sum += hours * (qplan.planned_shrinkage + qplan.unplanned_shrinkage)
            shrink_weight += hours
        used.append(
            {"queue": q.code, "aht_s": round(aht, 3), "history_weeks": len(history), "saved_weeks": near}
        )
    employees = _agents(session, site)
    measured, leavers, average = measured_attrition(employees, today)
    base = inputs or cap.PlanInputs(current_fte=0.0, attrition=0.0)
    current = sum(e.contract_hours_per_week for e in employees if headcount_on([e], today)) / base.fte_hours
    if shrinkage is None:
        shrinkage = shrink_sum / shrink_weight if shrink_weight > 0 else base.shrinkage
    p = replace(
        base, current_fte=current, attrition=measured if attrition is None else attrition, shrinkage=shrinkage
    )
    try:
        result = cap.capacity_plan(first_week, contacts, workload, p)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return {
        "site": site,
        "first_week": first_week.isoformat(),
        "months": months,
        "growth": growth,
        "attrition": {"annualised": round(p.attrition, 6), "measured": round(measured, 6),
                      "leavers_12m": leavers, "average_headcount": round(average, 3)},
        "inputs": asdict(p),
        "queues": used,
        "skipped": skipped,
        "weeks": [_week_dict(w) for w in result.weeks],
        "months_view": [asdict(m) for m in cap.by_month(result)],
        "classes": [
            {"start_week": (first_week + timedelta(weeks=c.start_week)).isoformat(), "hires": c.size,
             "productive_from": (first_week + timedelta(weeks=c.productive_week)).isoformat(), "late": c.late}
            for c in result.classes
        ],
        "hires": result.hires,
        "total_cost": None if result.total_cost is None else round(result.total_cost, 2),
        "notes": result.notes,
    }  # fmt: skip


def _week_dict(w: cap.WeekPlan) -> dict[str, Any]:
    return {
        "week": w.week.isoformat(),
        "contacts": round(w.contacts, 1),
        "workload_hours": round(w.workload_hours, 2),
        "required_fte": round(w.required_fte, 3),
        "available_fte": round(w.available_fte, 3),
        "gap_fte": round(w.gap_fte, 3),
        "paid_fte": round(w.paid_fte, 3),
        "hires_starting": w.hires_starting,
        "cost": None if w.cost is None else round(w.cost, 2),
    }


def _agents(session: Session, site: str | None) -> list[Employee]:
    stmt = select(Employee).where(Employee.role.in_(AGENT_ROLES))
    if site is not None:
        stmt = stmt.join(Site, Site.id == Employee.site_id).where(Site.code == site)
    return list(session.scalars(stmt))
