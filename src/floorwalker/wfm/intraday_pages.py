"""Intraday suggestions and shrinkage pages: the suggestions panel of the intraday page
(applying a break move or meeting change, recording overtime / VTO offers) and the
shrinkage page with CSV / XLSX export. Thin: parse, call intraday_actions /
shrinkage_service, render."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.errors import DomainError, InvalidInput
from floorwalker.metrics.export import Column, Table
from floorwalker.metrics.page_support import parse_day, respond
from floorwalker.org.models import Site, Team
from floorwalker.timeutil import local_today
from floorwalker.web.deps import Db, PageActor, Warehouse, csrf_protect
from floorwalker.wfm import intraday_actions, schedule_service, shrinkage_service
from floorwalker.wfm.intraday_service import DayPlan
from floorwalker.wfm.pages import _redirect

router = APIRouter(prefix="/wfm", dependencies=[Depends(csrf_protect)], include_in_schema=False)


def panel(
    db: Session, warehouse: Connection, actor: Actor, site: str, now: datetime, plan: DayPlan | None = None
) -> dict[str, Any]:
    """The suggestions and offers of the intraday page (nothing for roles that do not act)."""
    if actor.role not in intraday_actions.ACTION_ROLES:
        return {"suggestions": None, "offers": []}
    found = intraday_actions.suggestions(db, warehouse, actor, site, now, plan)
    return {"suggestions": found, "offers": intraday_actions.offers(db, actor, site, found["day"])}


def _utc(raw: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{field}: '{raw}' is not a date and time", field=field) from None


@router.post("/intraday/apply")
async def apply(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    site = str(form.get("site", "")) or None
    try:
        raw_id = str(form.get("activity_id", ""))
        if not raw_id.isdigit():
            raise InvalidInput("activity_id: not a block id", field="activity_id")
        action = str(form.get("action", ""))
        start = _utc(str(form.get("start_utc", "")), "start_utc") if action == "move" else None
        done = intraday_actions.apply_change(db, actor, int(raw_id), action, start, clock.utcnow())
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/intraday", {"site": site}, f"Not applied: {exc.message}")
    what = "cancelled" if done["action"] == "cancel" else f"moved to {done['start_utc']:%H:%M} UTC"
    return _redirect("/wfm/intraday", {"site": site}, f"{done['agent']}: block {what}")


@router.post("/intraday/offers")
async def offer(request: Request, db: Db, actor: PageActor) -> Response:
    form = await request.form()
    site = str(form.get("site", "")) or None
    try:
        got = intraday_actions.record_offer(
            db, actor, str(form.get("kind", "")), str(form.get("agent", "")),
            _utc(str(form.get("start_utc", "")), "start_utc"), _utc(str(form.get("end_utc", "")), "end_utc"),
            str(form.get("state", "")),
        )  # fmt: skip
    except DomainError as exc:
        db.rollback()
        return _redirect("/wfm/intraday", {"site": site}, f"Not recorded: {exc.message}")
    return _redirect("/wfm/intraday", {"site": site}, f"{got['kind']} for {got['agent']}: {got['state']}")


SHRINKAGE_COLUMNS = [
    Column("paid_min", "Paid min", "count"),
    Column("planned_min", "Planned shrinkage min", "count"),
    Column("actual_min", "Actual shrinkage min", "count"),
    Column("absence_min", "Absence min", "count"),
    Column("planned_shrinkage", "Planned shrinkage", "fraction"),
    Column("actual_shrinkage", "Actual shrinkage", "fraction"),
    Column("actual_planned_shrinkage", "Actual, planned reasons", "fraction"),
    Column("actual_unplanned_shrinkage", "Actual, unplanned reasons", "fraction"),
    Column("unpaid_min", "Unpaid min (outside)", "count"),
]


def shrinkage_tables(view: dict[str, Any]) -> list[Table]:
    """The shrinkage page's tables (by day, by week, by reason) for display and export."""
    reason_cols = [
        Column("reason", "Reason"),
        Column("kind", "Planned or unplanned"),
        Column("planned_min", "Planned min", "count"),
        Column("actual_min", "Actual min", "count"),
        Column("planned_fraction", "Planned", "fraction"),
        Column("actual_fraction", "Actual", "fraction"),
    ]
    reasons = [{**r, "kind": "planned" if r["planned"] else "unplanned"} for r in view["reasons"]]
    team = Column("team", "Team")
    days = [Column("day", "Day", "date"), team, *SHRINKAGE_COLUMNS]
    weeks = [Column("week_start", "Week of", "date"), team, *SHRINKAGE_COLUMNS]
    return [
        Table("shrinkage-days", "By day and team", days, view["days"]),
        Table("shrinkage-weeks", "By week and team", weeks, view["weeks"]),
        Table("shrinkage-reasons", "By reason", reason_cols, reasons),
    ]


@router.get("/shrinkage")
def shrinkage_page(
    request: Request,
    db: Db,
    warehouse: Warehouse,
    actor: PageActor,
    site: str | None = None,
    start: str | None = None,
    end: str | None = None,
    team: str | None = None,
) -> Response:
    sites = list(db.scalars(select(Site.code).where(Site.active.is_(True)).order_by(Site.code)))
    chosen = schedule_service.resolve_site(db, site or (sites[0] if sites else None))
    today = local_today(clock.utcnow().replace(tzinfo=UTC), chosen.time_zone)
    monday = today - timedelta(days=today.weekday())
    first: date = parse_day(start, monday, "start")
    last: date = parse_day(end, today, "end")
    view = shrinkage_service.shrinkage(db, warehouse, actor, chosen.code, first, last, team or None)
    teams = list(db.scalars(select(Team.name).where(Team.site_id == chosen.id).order_by(Team.name)))
    context = {**view, "sites": sites, "teams": teams, "first": first, "last": last}
    return respond(request, "wfm/shrinkage.html", context, shrinkage_tables(view))
