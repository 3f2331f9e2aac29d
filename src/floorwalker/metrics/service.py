"""Metric use cases: load settings from the operational store, aggregate in the warehouse,
apply the formulas."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, case, literal, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor, can_read_center_metrics
from floorwalker.contacts.models import contacts
from floorwalker.errors import PermissionDenied
from floorwalker.metrics import formulas
from floorwalker.metrics.queries import queue_count_columns
from floorwalker.metrics.schemas import AgentDay, HeadlineRow, Overview
from floorwalker.org.models import Employee, Queue, Site
from floorwalker.timeutil import local_day_bounds_utc, local_today

_COUNT_FIELDS = tuple(f.name for f in fields(formulas.QueueCounts))


def _headline(
    site: Site, queue: Queue | None, code: str, period: str, day: date, counts: formulas.QueueCounts
) -> HeadlineRow:
    formula = queue.sl_formula if queue else formulas.DEFAULT_SL_FORMULA
    return HeadlineRow(
        site=site.code,
        queue=code,
        queue_name=queue.name if queue else code,
        channel=queue.channel if queue else "unknown",
        period=period,
        day=day,
        offered=counts.offered,
        answered=counts.answered,
        abandoned=counts.abandoned,
        other_exits=counts.other_exits,
        incomplete=counts.incomplete,
        service_level=formulas.service_level(counts, formula),
        sl_formula=formula,
        sl_threshold_s=queue.sl_threshold_s if queue else 20.0,
        asa_s=formulas.asa_s(counts),
        abandon_rate=formulas.abandon_rate(counts),
        aht_s=formulas.aht_s(counts),
        aht_basis=formulas.aht_basis(counts),
    )


def overview(session: Session, warehouse: Connection, actor: Actor, now: datetime) -> Overview:
    """Today's and yesterday's headline numbers per site and queue (site-local days).

    ``now`` is aware. Queues with contacts but no definition in the organisation are shown
    under their source code with default settings, so no contact is silently left out."""
    if not can_read_center_metrics(actor):
        raise PermissionDenied("agents see their own numbers only")
    queues = {q.code: q for q in session.scalars(select(Queue))}
    rows: list[HeadlineRow] = []
    for site in session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)):
        today = local_today(now, site.time_zone)
        yesterday = today - timedelta(days=1)
        y_start, today_start = local_day_bounds_utc(yesterday, site.time_zone)
        _, today_end = local_day_bounds_utc(today, site.time_zone)
        day = case((contacts.c.arrived_at >= today_start, literal("today")), else_=literal("yesterday"))
        stmt = (
            select(
                contacts.c.queue,
                day.label("day"),
                *queue_count_columns(
                    {q.code: q.sl_threshold_s for q in queues.values()},
                    {q.code: q.short_abandon_s for q in queues.values()},
                ),
            )
            .where(
                and_(
                    contacts.c.site == site.code,
                    contacts.c.arrived_at >= y_start,
                    contacts.c.arrived_at < today_end,
                )
            )
            .group_by(contacts.c.queue, day)
        )
        found = {
            (r.queue, r.day): formulas.QueueCounts(**{f: getattr(r, f) for f in _COUNT_FIELDS})
            for r in warehouse.execute(stmt)
        }
        site_queues = sorted(
            {q.code for q in queues.values() if q.site_id == site.id and q.active}
            | {code for code, _ in found}
        )
        for code in site_queues:
            for label, when in (("today", today), ("yesterday", yesterday)):
                counts = found.get((code, label), formulas.QueueCounts())
                rows.append(_headline(site, queues.get(code), code, label, when, counts))
    return Overview(rows=rows)


def agent_days(
    session: Session, warehouse: Connection, actor: Actor, employee_id: int, days: list[date]
) -> list[AgentDay]:
    """One agent's handled contacts and handle time per site-local day (own data only)."""
    from floorwalker.org import service as org_service

    employee: Employee = org_service.get_employee(session, actor, employee_id)
    site = session.get(Site, employee.site_id)
    result: list[AgentDay] = []
    if employee.agent_code is None or site is None:
        return [AgentDay(day=d, handled=0, aht_s=None, talk_s=None, hold_s=None, wrapup_s=None) for d in days]
    for day in days:
        start, end = local_day_bounds_utc(day, site.time_zone)
        stmt = select(*queue_count_columns({}, {})).where(
            contacts.c.agent == employee.agent_code,
            contacts.c.arrived_at >= start,
            contacts.c.arrived_at < end,
        )
        r = warehouse.execute(stmt).one()
        counts = formulas.QueueCounts(**{f: getattr(r, f) for f in _COUNT_FIELDS})
        n = counts.handled
        result.append(
            AgentDay(
                day=day,
                handled=n,
                aht_s=formulas.aht_s(counts),
                talk_s=counts.talk_s / n if n else None,
                hold_s=counts.hold_s / n if n else None,
                wrapup_s=counts.wrapup_s / n if n else None,
            )
        )
    return result
