"""What the metrics pages show: the overview's tiles (value, green/amber/red, sparkline,
change vs the previous period and vs a year earlier, anomaly flag) and the day tables of
the queue, team and agent pages. Numbers come from ``service.period_cubes`` / ``service.cube``
(the same rows and formulas as ``floorwalker metrics``); this module only arranges them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor, can_read_center_metrics
from floorwalker.errors import PermissionDenied
from floorwalker.metrics import cache, rollup, service, target_service, targets, trends
from floorwalker.org.models import Queue, Site
from floorwalker.timeutil import local_today

#: Tiles of the overview: (row key, label, kind).
TILE_KPIS: tuple[tuple[str, str, str], ...] = (
    ("offered", "Offered", "count"),
    ("service_level", "Service level", "fraction"),
    ("asa_s", "ASA (voice, chat)", "seconds"),
    ("abandon_rate", "Abandon rate", "fraction"),
    ("aht_s", "AHT", "seconds"),
    ("csat", "CSAT", "fraction"),
)
PERIODS = (
    ("today", "Today"),
    ("yesterday", "Yesterday"),
    ("week_to_date", "Week to date"),
    ("month_to_date", "Month to date"),
)
#: Days in a tile's sparkline (ending on the period's last day).
SPARK_DAYS = 28
#: Weeks of same-weekday history behind an anomaly band.
HISTORY_WEEKS = 8


@dataclass
class Tile:
    kpi: str
    label: str
    kind: str
    value: float | None
    status: str | None
    goal: float | None
    direction: str | None
    vs_previous: trends.Change
    vs_last_year: trends.Change
    anomaly: str | None
    band: trends.Band | None
    spark: list[float | None]


@dataclass
class PeriodView:
    key: str
    label: str
    start: date
    end: date
    previous: tuple[date, date]
    last_year: tuple[date, date]
    tiles: list[Tile]
    #: Per-queue rows (queue_name, channel added), with ``status`` {kpi: green/amber/red}.
    queues: list[dict[str, Any]]


@dataclass
class SiteOverview:
    code: str
    name: str
    today: date
    periods: list[PeriodView] = field(default_factory=list)


def period_ranges(today: date) -> dict[str, tuple[date, date]]:
    """Today, yesterday, week to date (ISO week, from Monday) and month to date."""
    return {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "week_to_date": (today - timedelta(days=today.weekday()), today),
        "month_to_date": (today.replace(day=1), today),
    }


def comparison(key: str, start: date, end: date) -> tuple[date, date]:
    """The previous period a period is compared with: the day before for a day; the same
    elapsed days of the previous week or month for the "to date" periods."""
    if key == "week_to_date":
        return trends.previous_to_date(start, end, "week")
    if key == "month_to_date":
        return trends.previous_to_date(start, end, "month")
    return trends.previous_period(start, end)


def _value(rows: Sequence[Mapping[str, Any]], kpi: str, empty: float | None = None) -> float | None:
    """The KPI of a one-row cube; ``empty`` when there is no row (no contacts at all)."""
    return rows[0].get(kpi) if rows else (empty if kpi == "offered" else None)


def _status(value: float | None, target: targets.Target | None) -> str | None:
    return targets.status(value, target) if target is not None and value is not None else None


def overview(session: Session, warehouse: Connection, actor: Actor, now: datetime) -> list[SiteOverview]:
    """The overview of every active site (site-local periods). Managers, supervisors, QA."""
    if not can_read_center_metrics(actor):
        raise PermissionDenied("agents see their own numbers only")
    sites = list(session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)))
    queues = {q.code: q for q in session.scalars(select(Queue))}
    goals = target_service.current_targets(session)
    by_today: dict[date, list[Site]] = {}
    for site in sites:
        by_today.setdefault(local_today(now, site.time_zone), []).append(site)
    result: dict[str, SiteOverview] = {}
    for today, group in by_today.items():
        codes = tuple(s.code for s in group)
        ranges = period_ranges(today)
        compare = {k: comparison(k, *r) for k, r in ranges.items()}
        year = {k: trends.same_period_last_year(*r) for k, r in ranges.items()}
        days = [today - timedelta(days=n) for n in range(max(SPARK_DAYS, 7 * HISTORY_WEEKS + 1) + 1)]
        daily = {f"d{d.isoformat()}": (d, d) for d in days}
        start = min([d for d, _ in compare.values()] + days)
        now_cubes = service.period_cubes(
            session,
            warehouse,
            actor,
            service.CubeRequest(start=start, end=today, sites=codes),
            {**ranges, **{f"p_{k}": v for k, v in compare.items()}, **daily},
            [("site", "queue"), ("site",), ("site", "channel")],
            surveys=True,
            only={("site", "queue"): list(ranges)},
        )
        year_start = min(s for s, _ in year.values())
        year_cubes = service.period_cubes(
            session,
            warehouse,
            actor,
            service.CubeRequest(start=year_start, end=max(e for _, e in year.values()), sites=codes),
            year,
            [("site",), ("site", "channel")],
            surveys=True,
        )
        for site in group:
            view = SiteOverview(site.code, site.name, today)

            def site_rows(
                cubes: Mapping[Any, list[dict[str, Any]]], name: str, code: str = site.code
            ) -> list[dict[str, Any]]:
                return [r for r in cubes[(("site",), name)] if r["site"] == code]

            def kpi_of(
                cubes: Mapping[Any, list[dict[str, Any]]],
                name: str,
                kpi: str,
                empty: float | None = None,
                code: str = site.code,
            ) -> float | None:
                if kpi == "asa_s":  # voice and chat only (rollup.REAL_TIME_CHANNELS)
                    rows = [r for r in cubes[(("site", "channel"), name)] if r["site"] == code]
                    return rollup.real_time_asa(rows)
                return _value(site_rows(cubes, name), kpi, empty)

            for key, label in PERIODS:
                start_k, end_k = ranges[key]
                tiles = []
                for kpi, kpi_label, kind in TILE_KPIS:
                    value = kpi_of(now_cubes, key, kpi, 0)
                    # Today is in progress: a count so far is not comparable with a whole day.
                    partial = key == "today" and kind == "count"
                    target = (
                        targets.applicable(goals, kpi, site=site.code) if kpi in targets.TARGETABLE else None
                    )
                    spark_days = [end_k - timedelta(days=n) for n in range(SPARK_DAYS - 1, -1, -1)]
                    spark = [kpi_of(now_cubes, f"d{d.isoformat()}", kpi, 0) for d in spark_days]
                    band = None
                    # Only a finished day is judged against its usual band: today is in progress.
                    if key == "yesterday":
                        history = [
                            kpi_of(now_cubes, f"d{d.isoformat()}", kpi)
                            for d in trends.same_weekday_history(start_k, HISTORY_WEEKS)
                        ]
                        band = trends.usual_band([v for v in history if v is not None])
                    tiles.append(
                        Tile(
                            kpi,
                            kpi_label,
                            kind,
                            value,
                            _status(value, target),
                            target.goal if target else None,
                            target.direction if target else None,
                            trends.change(None if partial else value, kpi_of(now_cubes, f"p_{key}", kpi)),
                            trends.change(None if partial else value, kpi_of(year_cubes, key, kpi)),
                            trends.anomaly(value, band),
                            band,
                            spark,
                        )
                    )
                queue_rows = _queue_rows(now_cubes[(("site", "queue"), key)], site, queues, goals)
                view.periods.append(
                    PeriodView(key, label, start_k, end_k, compare[key], year[key], tiles, queue_rows)
                )
            result[site.code] = view
    return [result[s.code] for s in sites]


def cache_key(session: Session, warehouse: Connection, actor: Actor, now: datetime) -> tuple[Any, ...]:
    """The ``metrics.cache`` key of the center-wide overview at ``now`` (center readers only:
    they all see the same overview, so they share the entry)."""
    if not can_read_center_metrics(actor):
        raise PermissionDenied("agents see their own numbers only")
    return (
        str(session.get_bind().url),
        str(warehouse.engine.url),
        cache.minute(now),
        "center",
        cache.recent_data_version(session, warehouse),
    )


def overview_cached(
    session: Session, warehouse: Connection, actor: Actor, now: datetime
) -> list[SiteOverview]:
    """``overview``, computed at most once per minute and data version (``metrics.cache``)."""
    key = cache_key(session, warehouse, actor, now)
    return cache.overview_cache.get(
        key, lambda: overview(session, warehouse, actor, now), stale_key=previous_minute(key)
    )


def previous_minute(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The cache key of the minute before, same stores, scope and data version."""
    return (*key[:2], key[2] - timedelta(minutes=1), *key[3:])


def _queue_rows(
    rows: Sequence[dict[str, Any]], site: Site, queues: Mapping[str, Queue], goals: Sequence[targets.Target]
) -> list[dict[str, Any]]:
    """The site's queues (defined ones even without contacts) with status per KPI."""
    found = {r["queue"]: r for r in rows if r["site"] == site.code}
    codes = sorted({q.code for q in queues.values() if q.site_id == site.id and q.active} | set(found))
    out = []
    for code in codes:
        queue = queues.get(code)
        row = dict(
            found.get(code)
            or {
                "site": site.code,
                "queue": code,
                "offered": 0,
                "answered": 0,
                "abandoned": 0,
                "other_exits": 0,
                "incomplete": 0,
            }
        )
        row["queue_name"] = queue.name if queue else code
        row["channel"] = queue.channel if queue else "unknown"
        row["status"] = status_of(row, goals, site=site.code, queue=code)
        out.append(row)
    return out


def status_of(
    row: Mapping[str, Any],
    goals: Sequence[targets.Target],
    *,
    site: str | None = None,
    queue: str | None = None,
    team: str | None = None,
) -> dict[str, str | None]:
    """green / amber / red of each targeted KPI of a metrics row (None: no target or no value)."""
    out: dict[str, str | None] = {}
    for kpi in targets.TARGETABLE:
        if kpi in row:
            target = targets.applicable(goals, kpi, site=site, queue=queue, team=team)
            out[kpi] = _status(row.get(kpi), target)
    return out


def day_flags(
    rows: Sequence[Mapping[str, Any]], kpis: Sequence[str], first_day: date
) -> dict[date, dict[str, str | None]]:
    """Anomaly flags of day rows (``day`` keys as ISO dates) from ``first_day`` on: each day
    against the same weekday of the previous ``HISTORY_WEEKS`` weeks in ``rows``. Days
    without a row count as no contacts (offered 0, rates undefined)."""
    by_day = {date.fromisoformat(r["day"]): r for r in rows}
    flags: dict[date, dict[str, str | None]] = {}
    for day in sorted(by_day):
        if day < first_day:
            continue
        flags[day] = {}
        for kpi in kpis:
            history = [
                (by_day[d].get(kpi) if d in by_day else (0 if kpi == "offered" else None))
                for d in trends.same_weekday_history(day, HISTORY_WEEKS)
            ]
            band = trends.usual_band([v for v in history if v is not None])
            flags[day][kpi] = trends.anomaly(by_day[day].get(kpi), band)
    return flags


def interval_flags(
    rows: Sequence[Mapping[str, Any]],
    history: Sequence[Mapping[str, Any]],
    kpis: Sequence[str],
    grain: str,
    day: date,
) -> list[dict[str, str | None]]:
    """Anomaly flags of one day's interval rows (``grain`` keys are ISO labels): each
    interval against the same local start time on the same weekday of the previous
    ``HISTORY_WEEKS`` weeks in ``history`` (rows of the same grain). An interval missing
    from a history day counts as no contacts (offered 0, rates undefined)."""
    by_slot = {(date.fromisoformat(r[grain][:10]), r[grain][11:16]): r for r in history}
    past = trends.same_weekday_history(day, HISTORY_WEEKS)
    out: list[dict[str, str | None]] = []
    for row in rows:
        slot = row[grain][11:16]
        flags: dict[str, str | None] = {}
        for kpi in kpis:
            values = [
                by_slot[(d, slot)].get(kpi) if (d, slot) in by_slot else (0 if kpi == "offered" else None)
                for d in past
            ]
            band = trends.usual_band([v for v in values if v is not None])
            flags[kpi] = trends.anomaly(row.get(kpi), band)
        out.append(flags)
    return out
