"""Management report use cases: load the metric rows of three periods through the metrics
cube, build the content, render it, record the download in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, distinct, func, select
from sqlalchemy.orm import Session

from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import contacts
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import agent_time, rollup, target_service, trends
from floorwalker.metrics import service as metrics_service
from floorwalker.metrics.service import CubeRequest
from floorwalker.metrics.targets import Target
from floorwalker.org.models import Employee, Queue, Site, Team
from floorwalker.reports import content
from floorwalker.reports.appendix import QueueInfo, ReportSettings

if TYPE_CHECKING:
    from floorwalker.reports import charts

FORMATS = ("pdf", "xlsx", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
#: Roles that may produce the management report (a supervisor's covers own teams only).
REPORT_ROLES = frozenset({"admin", "manager", "supervisor"})


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: bytes, a file name and its media type."""

    data: bytes
    filename: str
    media_type: str


def _supervised_teams(session: Session, actor: Actor) -> tuple[str, ...]:
    """The team names a supervisor leads (the report's scope)."""
    if not actor.team_ids:
        raise PermissionDenied("this supervisor leads no team, so there is nothing to report")
    names = session.scalars(select(Team.name).where(Team.id.in_(actor.team_ids)).order_by(Team.name))
    return tuple(names)


def _period_rows(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    start: date,
    end: date,
    base: dict[str, Any],
    with_days: bool,
) -> content.PeriodRows:
    def cube(**kw: Any) -> list[dict[str, Any]]:
        return metrics_service.cube(
            session, warehouse, actor, CubeRequest(start=start, end=end, **base, **kw)
        )

    total = cube(agent_time=True, customer=True)
    total_row = dict(total[0]) if total else None
    if total_row is not None:
        total_row["asa_s"] = rollup.real_time_asa(cube(by=("channel",)))
    return content.PeriodRows(
        start=start,
        end=end,
        total=total_row,
        days=cube(by=("day",)) if with_days else (),
        queues=cube(by=("queue",)),
        teams=cube(by=("team",), agent_time=True),
    )


def _agents_of(session: Session, teams: Sequence[str]) -> list[str]:
    stmt = (
        select(Employee.agent_code)
        .join(Team, Team.id == Employee.team_id)
        .where(Team.name.in_(teams), Employee.agent_code.is_not(None))
    )
    return [code for code in session.scalars(stmt) if code is not None]


def _sources(
    warehouse: Connection, start: date, end: date, site: str | None, agents: list[str] | None
) -> tuple[dict[str, int], int]:
    """Contacts of the period by importing source, and the number of imports behind them."""
    stmt = select(
        contacts.c.source,
        func.count().label("n"),
        func.count(distinct(contacts.c.import_id)).label("imports"),
    ).where(
        contacts.c.arrived_local >= datetime.combine(start, time(0)),
        contacts.c.arrived_local < datetime.combine(end + timedelta(days=1), time(0)),
    )
    if site:
        stmt = stmt.where(contacts.c.site == site)
    if agents is not None:
        stmt = stmt.where(contacts.c.agent.in_(agents or [""]))
    rows = warehouse.execute(stmt.group_by(contacts.c.source)).all()
    return {r.source: int(r.n) for r in rows}, sum(int(r.imports) for r in rows)


def _settings(
    session: Session,
    warehouse: Connection,
    current: content.PeriodRows,
    site: str | None,
    teams: tuple[str, ...],
    request: dict[str, Any],
) -> ReportSettings:
    sites = {s.id: s for s in session.scalars(select(Site))}
    defined = {q.code: q for q in session.scalars(select(Queue))}
    used = {str(r["queue"]) for r in current.queues}
    if site:
        used |= {q.code for q in defined.values() if q.active and sites[q.site_id].code == site}
    queues = []
    for code in sorted(used):
        q = defined.get(code)
        if q is None:
            queues.append(QueueInfo(code=code, name=code, site=site or "—", channel="(not defined)"))
        else:
            queues.append(
                QueueInfo(
                    q.code,
                    q.name,
                    sites[q.site_id].code,
                    q.channel,
                    q.sl_formula,
                    q.sl_threshold_s,
                    q.short_abandon_s,
                )
            )
    zones = {s.code: s.time_zone for s in sites.values() if s.active and (site is None or s.code == site)}
    agents = _agents_of(session, teams) if teams else None
    sources, imports = _sources(warehouse, current.start, current.end, site, agents)
    return ReportSettings(
        queues=queues,
        site=site,
        scope=f"teams {', '.join(teams)}" if teams else "whole center",
        time_zones=zones,
        fcr_window_days=request["fcr_window_days"],
        fcr_same_reason=request["fcr_same_reason"],
        planned_reasons=request["planned_reasons"],
        sources=sources,
        imports=imports,
    )


def build(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    period: str,
    site: str | None,
    targets: Sequence[Target] | None,
    now: datetime,
) -> content.Report:
    """The report of calendar month ``period`` (YYYY-MM, site-local days) for the whole
    center or one site; a supervisor's report covers the teams they lead. ``targets``:
    None uses the stored KPI targets, or the defaults when none are stored."""
    if actor.role not in REPORT_ROLES:
        raise PermissionDenied(f"role {actor.role} may not produce management reports")
    try:
        start, end = content.parse_period(period)
    except content.PeriodError as exc:
        raise InvalidInput(str(exc), field="period") from None
    teams = _supervised_teams(session, actor) if actor.role == "supervisor" else ()
    base: dict[str, Any] = {
        "sites": (site,) if site else (),
        "teams": teams,
        "fcr_window_days": 7,
        "fcr_same_reason": False,
        "planned_reasons": agent_time.DEFAULT_PLANNED_REASONS,
    }
    current = _period_rows(session, warehouse, actor, start, end, base, with_days=True)
    previous = _period_rows(session, warehouse, actor, *trends.previous_period(start, end), base, False)
    year_ago = _period_rows(session, warehouse, actor, *trends.same_period_last_year(start, end), base, False)
    if targets is None:
        # The targets the manager keeps in floorwalker (Targets page); none stored: defaults.
        targets = target_service.current_targets(session) or None
    settings = _settings(session, warehouse, current, site, teams, base)
    return content.build_report(current, previous, year_ago, targets, settings, generated_at=now)


def report_charts(report: content.Report, *, svg: bool = True, png: bool = True) -> list[charts.Chart]:
    """The report's four charts, with the center-wide SL and abandon targets drawn in."""
    # matplotlib takes a third of a second to import: every CLI command paid it at start.
    from floorwalker.reports import charts

    sl, ab = report.kpi("service_level"), report.kpi("abandon_rate")
    return charts.report_charts(
        report.days,
        sl.target.goal if sl and sl.target else None,
        ab.target.goal if ab and ab.target else None,
        svg=svg,
        png=png,
    )


def render(report: content.Report, fmt: str) -> bytes:
    """The report as PDF, XLSX or self-contained HTML bytes."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format '{fmt}' is not one of {', '.join(FORMATS)}", field="format")
    figures = report_charts(report, svg=fmt == "html", png=fmt != "html")
    if fmt == "html":
        from floorwalker.reports.render_html import render_html

        return render_html(report, figures).encode("utf-8")
    if fmt == "xlsx":
        from floorwalker.reports.render_xlsx import render_xlsx

        return render_xlsx(report, figures)
    from floorwalker.reports.render_pdf import render_pdf

    return render_pdf(report, figures)


def filename(period: str, site: str | None, fmt: str) -> str:
    return f"floorwalker-report-{period}{'-' + site if site else ''}.{fmt}"


def download(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    period: str,
    site: str | None,
    fmt: str,
    targets: Sequence[Target] | None,
    now: datetime,
) -> ReportFile:
    """Build and render the report, and record who downloaded which report in the audit log."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format '{fmt}' is not one of {', '.join(FORMATS)}", field="format")
    report = build(session, warehouse, actor, period, site, targets, now)
    data = render(report, fmt)
    audit.record(
        session,
        actor,
        "download",
        "report",
        period,
        {"format": fmt, "site": site, "scope": report.scope, "bytes": len(data)},
    )
    session.commit()
    return ReportFile(data, filename(period, site, fmt), MEDIA_TYPES[fmt])
