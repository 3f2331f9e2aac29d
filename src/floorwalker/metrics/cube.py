"""The metrics cube's SQL, written once in SQLAlchemy Core for DuckDB and PostgreSQL.

Each builder returns a ``Select`` grouped by *key columns* and aggregates; the service
folds the rows into metrics with the pure modules (formulas, agent_time, customer).

Key columns are labelled by dimension name (``site``, ``queue``, ``agent`` …); a time
grain gives ``t`` (an interval's ⌊local epoch seconds / length⌋, or the local date the day,
ISO week or month starts on) and, for intervals only, ``utc_offset_s`` so that the hour a
DST change repeats stays two buckets. Only portable SQL is used: ``extract(epoch …)``,
``date_trunc('week' | 'month', …)`` (ISO weeks start on Monday on both engines),
``floor``, ``least`` / ``greatest``, ``CAST … AS DATE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Double,
    Integer,
    Select,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    select,
    values,
)
from sqlalchemy.sql.elements import ColumnElement

from floorwalker.contacts.models import agent_states, contacts, survey_responses
from floorwalker.metrics.grains import INTERVAL_SECONDS
from floorwalker.metrics.queries import queue_count_columns


@dataclass(frozen=True)
class Filters:
    """Which facts a cube reads. Dates are site-local: ``start_local`` inclusive,
    ``end_local`` exclusive (midnight after the last day). Empty tuples mean "all"."""

    start_local: datetime
    end_local: datetime
    sites: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()


def _epoch(col: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.extract("epoch", col)


def time_key_columns(grain: str | None, local: ColumnElement[Any], offset: ColumnElement[Any]) -> list[Any]:
    """Key columns of a time grain over a site-local timestamp column."""
    if grain is None:
        return []
    if grain in INTERVAL_SECONDS:
        length = INTERVAL_SECONDS[grain]
        return [
            cast(func.floor(_epoch(local) / length), BigInteger).label("t"),
            offset.label("utc_offset_s"),
        ]
    if grain == "day":
        return [cast(local, Date).label("t")]
    if grain in ("week", "month"):
        return [cast(func.date_trunc(grain, local), Date).label("t")]
    raise ValueError(f"unknown time grain {grain!r}")


def _contact_keys(columns: Sequence[str], grain: str | None, table: Any = contacts) -> list[Any]:
    c = table.c
    return [c[name].label(name) for name in columns] + time_key_columns(
        grain, c.arrived_local, c.utc_offset_s
    )


def _contact_filters(f: Filters, table: Any = contacts) -> list[ColumnElement[bool]]:
    c = table.c
    where = [c.arrived_local >= f.start_local, c.arrived_local < f.end_local]
    if f.sites:
        where.append(c.site.in_(f.sites))
    if f.queues:
        where.append(c.queue.in_(f.queues))
    if f.agents:
        where.append(c.agent.in_(f.agents))
    return where


#: The WHERE clauses of a contact cube, for other readers of the same facts (the contact list).
contact_filters = _contact_filters


def _group(stmt: Select[Any], keys: list[Any]) -> Select[Any]:
    return stmt.group_by(*[k.element for k in keys]) if keys else stmt


def contact_counts_query(
    columns: Sequence[str],
    grain: str | None,
    filters: Filters,
    sl_threshold_s: Mapping[str, float],
    short_abandon_s: Mapping[str, float],
) -> Select[Any]:
    """Per key: the ``formulas.QueueCounts`` columns. ``columns`` are contact columns
    (site, queue, channel, agent, disposition); T and S are per queue code."""
    keys = _contact_keys(columns, grain)
    stmt = select(*keys, *queue_count_columns(sl_threshold_s, short_abandon_s)).where(
        *_contact_filters(filters)
    )
    return _group(stmt, keys)


def fcr_query(
    columns: Sequence[str],
    grain: str | None,
    filters: Filters,
    window_days: int,
    same_reason: bool,
) -> Select[Any]:
    """Per key: ``handled`` (answered legs with a known customer) and ``resolved`` (of those,
    no new contact of the same customer within ``window_days`` after arrival, on any
    channel; with ``same_reason`` only a later contact with the same disposition counts).

    A "new contact" is a leg with no previous leg: the later legs of the same call
    (transfers, overflows) are not repeats. The window may reach past the period's end."""
    later = contacts.alias("later")
    c = contacts.c
    repeat = [
        later.c.customer_key == c.customer_key,
        later.c.previous_contact_id.is_(None),
        later.c.arrived_at > c.arrived_at,
        later.c.arrived_at <= c.arrived_at + timedelta(days=window_days),
    ]
    if same_reason:
        repeat.append(later.c.disposition == c.disposition)
    repeated = exists(select(later.c.contact_id).where(and_(*repeat)))
    keys = _contact_keys(columns, grain)
    stmt = select(
        *keys,
        cast(func.count(), Integer).label("handled"),
        cast(func.coalesce(func.sum(case((~repeated, 1), else_=0)), 0), Integer).label("resolved"),
    ).where(*_contact_filters(filters), c.outcome == "answered", c.customer_key.is_not(None))
    return _group(stmt, keys)


def survey_query(columns: Sequence[str], grain: str | None, filters: Filters) -> Select[Any]:
    """Per key, kind and scale: the ``customer.SurveyCounts`` columns. Responses count
    with the contact they answer (its queue, agent and arrival time); responses linked to
    no contact cannot be placed in a queue or an interval and are not counted here."""
    s = survey_responses.c
    keys = _contact_keys(columns, grain)
    kind_keys = [s.kind.label("kind"), s.scale_min.label("scale_min"), s.scale_max.label("scale_max")]
    stmt = (
        select(
            *keys,
            *kind_keys,
            cast(func.count(), Integer).label("responses"),
            cast(func.sum(s.score), Double).label("score_sum"),
            cast(func.sum(case((s.score >= s.scale_max - 1, 1), else_=0)), Integer).label("top_two"),
            cast(func.sum(case((s.score >= 9, 1), else_=0)), Integer).label("promoters"),
            cast(func.sum(case((s.score <= 6, 1), else_=0)), Integer).label("detractors"),
        )
        .select_from(survey_responses.join(contacts, contacts.c.contact_id == s.contact_id))
        .where(*_contact_filters(filters))
    )
    return _group(stmt, keys + kind_keys)


def _state_filters(f: Filters) -> list[ColumnElement[bool]]:
    a = agent_states.c
    where = [a.started_local >= f.start_local, a.started_local < f.end_local]
    if f.sites:
        where.append(a.site.in_(f.sites))
    if f.agents:
        where.append(a.agent.in_(f.agents))
    return where


def max_state_span_query(grain: str, filters: Filters) -> Select[Any]:
    """The most intervals of ``grain`` one agent state touches (sizes the split below)."""
    a = agent_states.c
    length = INTERVAL_SECONDS[grain]
    start = _epoch(a.started_local)
    span = func.floor((start + a.duration_s) / length) - func.floor(start / length)
    return select(cast(func.coalesce(func.max(span), 0), Integer)).where(*_state_filters(filters))


def agent_time_query(
    columns: Sequence[str], grain: str | None, filters: Filters, span: int = 0
) -> Select[Any]:
    """Per key, state and reason: ``seconds`` in that state. ``columns`` are agent-state
    columns (site, agent). Day, week and month use the state's local start (states are cut
    at each site-local midnight on import); interval grains split each state across the
    intervals it overlaps, ``span`` being the most extra intervals one state reaches
    (``max_state_span_query``)."""
    a = agent_states.c
    col_keys = [a[name].label(name) for name in columns]
    state_keys = [a.state.label("state"), a.reason.label("reason")]
    if grain not in INTERVAL_SECONDS:
        keys = col_keys + time_key_columns(grain, a.started_local, a.utc_offset_s)
        stmt = select(*keys, *state_keys, cast(func.sum(a.duration_s), Double).label("seconds")).where(
            *_state_filters(filters)
        )
        return _group(stmt, keys + state_keys)
    length = INTERVAL_SECONDS[grain]
    steps = values(column("k", Integer), name="steps").data([(k,) for k in range(span + 1)])
    start = _epoch(a.started_local)
    end = start + a.duration_s
    bucket = cast(func.floor(start / length), BigInteger) + steps.c.k
    overlap = func.least(end, (bucket + 1) * length) - func.greatest(start, bucket * length)
    keys = [*col_keys, bucket.label("t"), a.utc_offset_s.label("utc_offset_s")]
    stmt = (
        select(*keys, *state_keys, cast(func.sum(overlap), Double).label("seconds"))
        .select_from(agent_states.join(steps, bucket * length < end))
        .where(*_state_filters(filters))
    )
    return _group(stmt, keys + state_keys)
