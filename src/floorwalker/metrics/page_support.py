"""Shared plumbing of the metrics pages: table columns, links to the contacts behind a
number, CSV / XLSX export of any table (``?export=csv|xlsx&table=<id>`` on the page's own
URL, so an export carries the page's filters), value formats and date parameters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.metrics import export
from floorwalker.metrics.export import Column, Table
from floorwalker.org.models import Site
from floorwalker.timeutil import local_today
from floorwalker.web.templating import number, percent, render, seconds, templates

#: Columns of the per-queue and per-day tables (contact metrics).
CONTACT_COLUMNS = [
    Column("offered", "Offered", "count"),
    Column("answered", "Answered", "count"),
    Column("abandoned", "Abandoned", "count"),
    Column("other_exits", "Other exits", "count"),
    Column("incomplete", "Incomplete", "count"),
    Column("service_level", "Service level", "fraction"),
    Column("asa_s", "ASA", "seconds"),
    Column("abandon_rate", "Abandon rate", "fraction"),
    Column("aht_s", "AHT", "seconds"),
    Column("transfer_rate", "Transfer rate", "fraction"),
]
AGENT_TIME_COLUMNS = [
    Column("occupancy", "Occupancy", "fraction"),
    Column("utilisation", "Utilisation", "fraction"),
    Column("shrinkage", "Shrinkage", "fraction"),
]
CUSTOMER_COLUMNS = [
    Column("fcr", "FCR", "fraction"),
    Column("csat", "CSAT", "fraction"),
    Column("csat_responses", "CSAT responses", "count"),
]
#: Which contacts are behind a number: the outcome filter of the contact list.
DRILL_OUTCOME = {
    "offered": None,
    "answered": "answered",
    "abandoned": "abandoned",
    "other_exits": "other_exits",
    "incomplete": "incomplete",
    "service_level": None,
    "asa_s": "answered",
    "aht_s": "answered",
    "abandon_rate": "abandoned",
    "transfer_rate": "transferred",
    "csat": "answered",
    "fcr": "answered",
}


def contacts_href(**filters: Any) -> str:
    """The contact list behind a number (empty filters left out)."""
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/metrics/contacts?" + urlencode(query)


def drill_links(table: Table, base: dict[str, Any], per_row: Any = None) -> None:
    """Fill ``table.links``: every count or rate links to the contacts behind it."""
    table.links = []
    for row in table.rows:
        filters = {**base, **(per_row(row) if per_row else {})}
        table.links.append(
            {
                c.key: contacts_href(**filters, outcome=DRILL_OUTCOME[c.key])
                for c in table.columns
                if c.key in DRILL_OUTCOME
            }
        )


def drill_for(table: Table, row: Any, filters: dict[str, Any]) -> dict[str, str]:
    """The contact-list links of one row's numbers."""
    del row
    return {
        c.key: contacts_href(**filters, outcome=DRILL_OUTCOME[c.key])
        for c in table.columns
        if c.key in DRILL_OUTCOME
    }


def export_href(request: Request, table_id: str, fmt: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("export", "table", "page")]
    return f"{request.url.path}?{urlencode([*query, ('export', fmt), ('table', table_id)])}"


templates.env.globals["export_href"] = export_href
#: Charts need Chart.js in static/vendor (``make assets``); without it pages show tables only.
templates.env.globals["has_charts"] = (
    Path(__file__).parents[1] / "web" / "static" / "vendor" / "chart.umd.js"
).exists()


def change_text(value: Any, kind: str) -> str:
    """A ``trends.Change`` as text: fraction points for rates, percent for counts and times."""
    if value is None or value.absolute is None:
        return "—"
    if kind == "fraction":
        return f"{value.absolute * 100:+.1f} pts"
    if value.relative is None:
        return f"{value.absolute:+,.0f}"
    return f"{value.relative * 100:+.1f}%"


def fmt(value: Any, kind: str) -> str:
    """A value as the pages show it, by column kind (see ``export.Column``)."""
    if kind in ("count", "number"):
        return number(value)
    if kind == "fraction":
        return percent(value)
    if kind == "seconds":
        return seconds(value)
    return "—" if value is None else str(value)


templates.env.filters["change"] = change_text
templates.env.filters["fmt"] = fmt
PREVIOUS_LABEL = {
    "today": "vs yesterday",
    "yesterday": "vs the day before",
    "week_to_date": "vs last week",
    "month_to_date": "vs last month",
}


def respond(request: Request, template: str, context: dict[str, Any], tables: Sequence[Table]) -> Response:
    """The page, or one of its tables as CSV / XLSX when ``?export=`` asks for it."""
    fmt = request.query_params.get("export")
    if fmt:
        name = request.query_params.get("table", "")
        table = next((t for t in tables if t.id == name), None)
        if table is None:
            raise NotFound(f"this page has no table '{name}'")
        if fmt == "csv":
            return Response(
                export.to_csv(table),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{table.id}.csv"'},
            )
        if fmt == "xlsx":
            return Response(
                export.to_xlsx(table),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": f'attachment; filename="{table.id}.xlsx"'},
            )
        raise InvalidInput("export: csv or xlsx", field="export")
    return render(request, template, {**context, "tables": {t.id: t for t in tables}})


def parse_day(text: str | None, default: date, field: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: '{text}' is not a date (YYYY-MM-DD)", field=field) from None


def site_today(site: Site | None) -> date:
    return local_today(clock.now_aware(), site.time_zone if site else "UTC")


def center_today(db: Session) -> date:
    return site_today(db.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.id)).first())
