"""The management report's content from metric rows. Pure: plain rows in, a Report out.

Inputs are rows of ``metrics.service.cube`` (plain dicts: ``offered``, ``service_level`` …,
fractions 0–1 and seconds) for three periods — the reported one, the previous one and the
same one a year earlier — each as a total row (with agent time and customer metrics), one
row per site-local day, per queue and per team. Targets are ``metrics.targets.Target``.

The report says in sentences what the numbers say, compares every headline KPI with its
target and with the comparison periods, lists the queues and teams that moved most, and
carries an appendix (``reports.appendix``) of every formula and setting it used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from floorwalker.metrics import targets as targets_logic
from floorwalker.metrics import trends
from floorwalker.metrics.targets import Target
from floorwalker.reports import wording
from floorwalker.reports.appendix import Appendix, ReportSettings, build_appendix
from floorwalker.reports.kpis import HEADLINE, HEADLINE_LABELS, Row, num
from floorwalker.reports.movers import DEFAULT_MIN_CONTACTS, Mover, movers
from floorwalker.reports.wording import Unit

#: Targets used when none are given (spec/kpis.md's usual goals): SL ≥ 80%, abandon ≤ 5%.
DEFAULT_TARGETS: tuple[Target, ...] = (
    Target(kpi="service_level", goal=0.80),
    Target(kpi="abandon_rate", goal=0.05),
)

#: Columns of the queue and team tables: (key, heading, unit).
QUEUE_COLUMNS: tuple[tuple[str, str, Unit], ...] = (
    ("offered", "Offered", "count"),
    ("answered", "Answered", "count"),
    ("service_level", "Service level", "fraction"),
    ("asa_s", "ASA", "seconds"),
    ("abandon_rate", "Abandon rate", "fraction"),
    ("aht_s", "AHT", "seconds"),
    ("transfer_rate", "Transfer rate", "fraction"),
)
TEAM_COLUMNS: tuple[tuple[str, str, Unit], ...] = (
    ("answered", "Answered", "count"),
    ("aht_s", "AHT", "seconds"),
    ("transfer_rate", "Transfer rate", "fraction"),
    ("occupancy", "Occupancy", "fraction"),
    ("shrinkage", "Shrinkage", "fraction"),
)
Status = Literal["green", "amber", "red"]


class PeriodError(ValueError):
    """A period that is not YYYY-MM."""


def parse_period(text: str) -> tuple[date, date]:
    """ "2026-10" → (2026-10-01, 2026-10-31): a calendar month, site-local dates inclusive."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"period '{text}' is not a month YYYY-MM (e.g. 2026-10)")
    start = date(int(m.group(1)), int(m.group(2)), 1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


@dataclass(frozen=True)
class PeriodRows:
    """Cube rows of one period: ``total`` (None when the cube returned no row), one row per
    day (key ``day``: YYYY-MM-DD), per queue (key ``queue``) and per team (key ``team``)."""

    start: date
    end: date
    total: Row | None = None
    days: Sequence[Row] = ()
    queues: Sequence[Row] = ()
    teams: Sequence[Row] = ()

    @property
    def label(self) -> str:
        return wording.period_name(self.start, self.end)

    @property
    def has_contacts(self) -> bool:
        return self.total is not None and int(self.total.get("offered") or 0) > 0


@dataclass(frozen=True)
class Kpi:
    """One headline KPI: value, target and status, changes vs the two comparison periods."""

    key: str
    label: str
    unit: Unit
    value: float | None
    target: Target | None
    status: Status | None
    previous: float | None
    change: trends.Change
    year_ago: float | None
    change_year: trends.Change


@dataclass(frozen=True)
class DayPoint:
    """One site-local day of the period (days without contacts have zero counts, None rates)."""

    day: date
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    asa_s: float | None
    abandon_rate: float | None
    aht_s: float | None


@dataclass(frozen=True)
class GroupRow:
    """A queue or team: its values by column key, statuses against targets, SL change."""

    code: str
    name: str
    values: Mapping[str, float | None]
    statuses: Mapping[str, Status | None]
    previous: Mapping[str, float | None]


@dataclass(frozen=True)
class Report:
    title: str
    period_label: str
    start: date
    end: date
    previous_label: str
    year_label: str
    site: str | None
    scope: str
    generated_at: datetime
    has_data: bool
    summary: list[str]
    kpis: list[Kpi]
    days: list[DayPoint]
    queues: list[GroupRow]
    teams: list[GroupRow]
    improvements: list[Mover]
    declines: list[Mover]
    targets: list[Target]
    targets_are_defaults: bool
    appendix: Appendix
    queue_columns: tuple[tuple[str, str, Unit], ...] = QUEUE_COLUMNS
    team_columns: tuple[tuple[str, str, Unit], ...] = TEAM_COLUMNS
    notes: list[str] = field(default_factory=list)

    def kpi(self, key: str) -> Kpi | None:
        return next((k for k in self.kpis if k.key == key), None)


def _status(value: float | None, target: Target | None) -> Status | None:
    return None if target is None else targets_logic.status(value, target)


def _kpis(
    current: PeriodRows, previous: PeriodRows, year: PeriodRows, targets: Sequence[Target], site: str | None
) -> list[Kpi]:
    out = []
    for spec in HEADLINE:
        value = num(current.total, spec.key)
        if value is None and not spec.always:
            continue
        target = (
            targets_logic.applicable(targets, spec.key, site=site)
            if spec.key in targets_logic.TARGETABLE
            else None
        )
        prev = num(previous.total, spec.key) if previous.has_contacts else None
        ago = num(year.total, spec.key) if year.has_contacts else None
        out.append(
            Kpi(
                spec.key,
                HEADLINE_LABELS.get(spec.key, spec.label),
                spec.unit,
                value,
                target,
                _status(value, target),
                prev,
                trends.change(value, prev),
                ago,
                trends.change(value, ago),
            )
        )
    return out


def _kpi_sentence(k: Kpi, previous_label: str, year_label: str) -> str:
    text = f"{k.label} was {wording.value_text(k.value, k.unit)}"
    if k.target is not None and k.status is not None:
        text += f" against a target of {wording.goal_text(k.target.goal, k.unit)} ({k.status})"
    comparisons = []
    change = wording.change_text(k.change.absolute, k.change.relative, k.unit)
    if change is not None:
        comparisons.append(f"{change} on {previous_label}")
    change_year = wording.change_text(k.change_year.absolute, k.change_year.relative, k.unit)
    if change_year is not None:
        comparisons.append(f"{change_year} on {year_label}")
    if comparisons:
        text += ", " + " and ".join(comparisons)
    return text + "."


def _volume_sentence(
    current: PeriodRows,
    k_offered: Kpi,
    k_answered: Kpi,
    scope_words: str,
    previous_label: str,
    year_label: str,
) -> str:
    text = (
        f"{wording.count(k_offered.value)} contacts were offered in {current.label}{scope_words} "
        f"and {wording.count(k_answered.value)} were answered"
    )
    parts = []
    change = wording.change_text(k_offered.change.absolute, k_offered.change.relative, "count")
    if change is not None and k_offered.previous:
        parts.append(f"volume was {change} on {previous_label} ({wording.count(k_offered.previous)})")
    change_year = wording.change_text(k_offered.change_year.absolute, k_offered.change_year.relative, "count")
    if change_year is not None and k_offered.year_ago:
        parts.append(f"{change_year} on {year_label}")
    if parts:
        text += "; " + " and ".join(parts)
    return text + "."


def _day_points(current: PeriodRows) -> list[DayPoint]:
    by_day = {str(r["day"]): r for r in current.days}
    points = []
    day = current.start
    while day <= current.end:
        r = by_day.get(day.isoformat())
        points.append(
            DayPoint(
                day=day,
                offered=int(r["offered"]) if r else 0,
                answered=int(r["answered"]) if r else 0,
                abandoned=int(r["abandoned"]) if r else 0,
                service_level=num(r, "service_level"),
                asa_s=num(r, "asa_s"),
                abandon_rate=num(r, "abandon_rate"),
                aht_s=num(r, "aht_s"),
            )
        )
        day += timedelta(days=1)
    return points


def _groups(
    rows: Sequence[Row],
    previous: Sequence[Row],
    kind: str,
    columns: Sequence[tuple[str, str, Unit]],
    targets: Sequence[Target],
    names: Mapping[str, str],
    sites: Mapping[str, str],
    site: str | None,
) -> list[GroupRow]:
    before = {r[kind]: r for r in previous}
    out = []
    for r in rows:
        code = r[kind]
        if kind == "team" and code is None and not r.get("answered"):
            continue  # abandoned contacts have no agent and so no team: not a team's row
        label = "(no team)" if code is None else str(code)
        statuses: dict[str, Status | None] = {}
        for key, _, _ in columns:
            if key in targets_logic.TARGETABLE:
                scope = {"queue": code} if kind == "queue" else {"team": code}
                target = targets_logic.applicable(targets, key, site=sites.get(label, site), **scope)
                statuses[key] = _status(num(r, key), target)
        out.append(
            GroupRow(
                code=label,
                name=names.get(label, label),
                values={key: num(r, key) for key, _, _ in columns},
                statuses=statuses,
                previous={key: num(before.get(code), key) for key, _, _ in columns},
            )
        )
    return out


def _queue_sentence(queues: Sequence[GroupRow]) -> str | None:
    judged = [q for q in queues if q.statuses.get("service_level") is not None]
    if not judged:
        return None
    missed = [q for q in judged if q.statuses["service_level"] != "green"]
    if not missed:
        return f"All {len(judged)} queues met their service-level target."
    missed.sort(key=lambda q: q.values["service_level"] or 0.0)
    listed = ", ".join(
        f"{q.name} {wording.percent(q.values['service_level'])} ({q.statuses['service_level']})"
        for q in missed[:4]
    )
    more = f" and {len(missed) - 4} more" if len(missed) > 4 else ""
    met = len(judged) - len(missed)
    return f"{met} of {len(judged)} queues met their service-level target; below it: {listed}{more}."


def _day_sentence(days: Sequence[DayPoint]) -> str | None:
    busy = [d for d in days if d.offered > 0]
    if not busy:
        return None
    top = max(busy, key=lambda d: (d.offered, -d.day.toordinal()))
    text = (
        f"The busiest day was {wording.day_name(top.day)} with {wording.count(top.offered)} contacts offered"
    )
    if top.service_level is not None:
        text += f" (service level {wording.percent(top.service_level)})"
    rated = [d for d in busy if d.service_level is not None]
    if len(rated) > 1:
        low = min(rated, key=lambda d: (d.service_level or 0.0, d.day))
        if low.day != top.day:
            text += (
                f"; the lowest service level was {wording.percent(low.service_level)} on "
                f"{wording.day_name(low.day)}"
            )
    return text + "."


def build_report(
    current: PeriodRows,
    previous: PeriodRows,
    year_ago: PeriodRows,
    targets: Sequence[Target] | None,
    settings: ReportSettings,
    *,
    generated_at: datetime,
    min_contacts: int = DEFAULT_MIN_CONTACTS,
) -> Report:
    """The report of ``current`` compared with ``previous`` and ``year_ago``.

    ``targets`` None or empty means "none set": ``DEFAULT_TARGETS`` apply and the report
    says so. ``generated_at`` is printed on the report (passed in: no clock here)."""
    chosen = list(targets) if targets else list(DEFAULT_TARGETS)
    defaults = not targets
    site = settings.site
    names = {q.code: q.name for q in settings.queues}
    queue_sites = {q.code: q.site for q in settings.queues}
    kpis = _kpis(current, previous, year_ago, chosen, site)
    prev_label, year_label = previous.label, year_ago.label
    scope_words = f" at site {site}" if site else ""
    days = _day_points(current)
    queues = _groups(
        current.queues, previous.queues, "queue", QUEUE_COLUMNS, chosen, names, queue_sites, site
    )
    teams = _groups(current.teams, previous.teams, "team", TEAM_COLUMNS, chosen, {}, {}, site)
    improvements, declines = movers(
        (("queue", current.queues, previous.queues), ("team", current.teams, previous.teams)),
        names,
        prev_label,
        min_contacts,
    )
    summary: list[str] = []
    notes: list[str] = []
    if not current.has_contacts:
        summary.append(
            f"No contacts were recorded in {current.label}{scope_words} ({settings.scope}), so there are "
            "no service numbers to report for this period."
        )
        if previous.has_contacts:
            summary.append(
                f"{previous.label} had {wording.count(num(previous.total, 'offered'))} contacts offered: "
                "check that this period's contacts have been imported."
            )
    else:
        by_key = {k.key: k for k in kpis}
        summary.append(
            _volume_sentence(
                current, by_key["offered"], by_key["answered"], scope_words, prev_label, year_label
            )
        )
        for key in ("service_level", "abandon_rate", "asa_s", "aht_s", "occupancy", "fcr", "csat"):
            k = by_key.get(key)
            if k is not None and k.value is not None:
                summary.append(_kpi_sentence(k, prev_label, year_label))
        for sentence in (_queue_sentence(queues), _day_sentence(days)):
            if sentence:
                summary.append(sentence)
        if improvements:
            summary.append(improvements[0].headline("improvement"))
        if declines:
            summary.append(declines[0].headline("decline"))
    if not previous.has_contacts:
        notes.append(f"{prev_label} has no contacts, so there is no comparison with the previous period.")
    if not year_ago.has_contacts:
        notes.append(f"{year_label} has no contacts, so there is no comparison with a year earlier.")
    if defaults:
        notes.append(
            "No targets were given, so this report uses the default targets: service level ≥ 80% and "
            "abandon rate ≤ 5% (amber within 10% of the goal)."
        )
    notes.extend(settings.warnings())
    return Report(
        title="Contact center performance report",
        period_label=current.label,
        start=current.start,
        end=current.end,
        previous_label=prev_label,
        year_label=year_label,
        site=site,
        scope=settings.scope,
        generated_at=generated_at,
        has_data=current.has_contacts,
        summary=summary,
        kpis=kpis,
        days=days,
        queues=queues,
        teams=teams,
        improvements=improvements,
        declines=declines,
        targets=chosen,
        targets_are_defaults=defaults,
        appendix=build_appendix(
            settings,
            chosen,
            defaults,
            current.total,
            (previous.start, previous.end),
            (year_ago.start, year_ago.end),
        ),
        notes=notes,
    )
