"""Metric SQL, written once in SQLAlchemy Core and run unchanged on DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Double, Integer, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

from floorwalker.contacts.models import contacts

ANSWERED = ("answered", "transferred")
OTHER_EXITS = ("timeout", "exit_key", "no_agents", "queue_full")


def _per_queue(values: Mapping[str, float], default: float) -> ColumnElement[Any]:
    """A per-queue setting (T or S, seconds) as a SQL expression on contacts.queue."""
    if not values:
        return literal(default, Double)
    return case(values, value=contacts.c.queue, else_=literal(default, Double))


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[float]:
    return func.coalesce(func.sum(case((condition, value), else_=None)), 0.0)


def queue_count_columns(
    sl_threshold_s: Mapping[str, float],
    short_abandon_s: Mapping[str, float],
    *,
    default_threshold_s: float = 20.0,
    default_short_s: float = 5.0,
) -> list[ColumnElement[Any]]:
    """The aggregate columns whose names match ``formulas.QueueCounts`` fields."""
    c = contacts.c
    threshold = _per_queue(sl_threshold_s, default_threshold_s)
    short = _per_queue(short_abandon_s, default_short_s)
    answered = c.outcome.in_(ANSWERED)
    abandoned = c.outcome == "abandoned"
    handled = answered & c.talk_s.is_not(None)
    return [
        cast(func.count(), Integer).label("offered"),
        cast(_count(answered), Integer).label("answered"),
        cast(_count(abandoned), Integer).label("abandoned"),
        cast(_count(c.outcome.in_(OTHER_EXITS)), Integer).label("other_exits"),
        cast(_count(c.outcome == "incomplete"), Integer).label("incomplete"),
        cast(_count(answered & (c.wait_s <= threshold)), Integer).label("answered_within_threshold"),
        cast(_count(abandoned & (c.wait_s <= threshold)), Integer).label("abandoned_within_threshold"),
        cast(_count(abandoned & (c.wait_s <= short)), Integer).label("short_abandoned"),
        cast(_sum(answered, c.wait_s), Double).label("wait_answered_s"),
        cast(_sum(abandoned, c.wait_s), Double).label("wait_abandoned_s"),
        cast(_count(handled), Integer).label("handled"),
        cast(_sum(handled, c.talk_s), Double).label("talk_s"),
        cast(_sum(handled, func.coalesce(c.hold_s, 0.0)), Double).label("hold_s"),
        cast(_sum(handled, func.coalesce(c.wrapup_s, 0.0)), Double).label("wrapup_s"),
        cast(_count(handled & c.hold_s.is_not(None)), Integer).label("handled_with_hold"),
        cast(_count(handled & c.wrapup_s.is_not(None)), Integer).label("handled_with_wrapup"),
        cast(_count(c.outcome == "transferred"), Integer).label("transferred"),
        cast(_count(answered & (c.hold_s > 0)), Integer).label("answered_with_hold"),
        cast(func.max(case((answered, c.wait_s), else_=None)), Double).label("longest_wait_answered_s"),
        cast(func.max(case((abandoned, c.wait_s), else_=None)), Double).label("longest_wait_abandoned_s"),
    ]
