"""Rows of the cube's SQL folded into metric rows. Pure: plain rows and settings in, plain
dicts out.

The SQL always groups by queue (and by agent when teams are asked for), finer than the
caller's dimensions; this module adds those rows up to the requested keys. That is how
queues with different service-level settings combine: every queue's contacts are counted
against its own T and S, and the combined service level is Σ numerator / Σ denominator of
each queue's own formula (``formulas.service_level_parts``). When all queues share one
formula this equals the formula applied to the summed counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from floorwalker.metrics import agent_time as at
from floorwalker.metrics import customer, formulas, grains

COUNT_FIELDS = tuple(f.name for f in fields(formulas.QueueCounts))
SURVEY_FIELDS = tuple(f.name for f in fields(customer.SurveyCounts))

#: Contact metrics of every cube row, in order (the `floorwalker metrics` contract).
CONTACT_METRICS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "other_exits",
    "answered_within_threshold",
    "service_level",
    "asa_s",
    "abandon_rate",
    "aht_s",
    "talk_s",
    "hold_s",
    "wrapup_s",
    "transfer_rate",
)
#: Agent-time metrics added with ``agent_time`` (the contract's three first).
AGENT_TIME_METRICS = ("occupancy", "utilisation", "shrinkage")


@dataclass(frozen=True)
class QueueSetting:
    """A queue's service-level settings (spec/kpis.md): formula, T and S in seconds."""

    sl_formula: str = formulas.DEFAULT_SL_FORMULA
    sl_threshold_s: float = 20.0
    short_abandon_s: float = 5.0


@dataclass
class _Group:
    counts: list[formulas.QueueCounts] = field(default_factory=list)
    sl_numerator: int = 0
    sl_denominator: int = 0
    formulas_used: set[str] = field(default_factory=set)
    thresholds_used: set[float] = field(default_factory=set)
    agent_time: at.AgentTime | None = None
    handled_known_customer: int = 0
    resolved: int = 0
    surveys: list[customer.SurveyCounts] = field(default_factory=list)


def _time_value(grain: str | None, row: Mapping[str, Any]) -> tuple[str, Any]:
    """(label, sort key) of a row's time bucket."""
    t = row["t"]
    if grain in grains.INTERVAL_SECONDS:
        length = grains.INTERVAL_SECONDS[grain]
        offset = int(row["utc_offset_s"])
        return grains.interval_label(int(t), length, offset), grains.interval_start_utc(
            int(t), length, offset
        )
    day = t.date() if isinstance(t, datetime) else t
    assert isinstance(day, date)
    if grain == "week":
        return grains.week_label(day), datetime.combine(day, datetime.min.time(), UTC)
    if grain == "month":
        return grains.month_label(day), datetime.combine(day, datetime.min.time(), UTC)
    return grains.day_label(day), datetime.combine(day, datetime.min.time(), UTC)


class Rollup:
    """Accumulates cube rows under the requested dimensions, then emits metric rows."""

    def __init__(
        self,
        dims: Sequence[str],
        settings: Mapping[str, QueueSetting],
        teams: Mapping[str, str],
        planned_reasons: frozenset[str] = at.DEFAULT_PLANNED_REASONS,
    ) -> None:
        self.dims = tuple(dims)
        self.grain = grains.time_grain(dims)
        self.settings = settings
        self.teams = teams
        self.planned_reasons = planned_reasons
        self._groups: dict[tuple[Any, ...], _Group] = {}
        self._sort: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def _key(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        key: list[Any] = []
        sort: list[Any] = []
        for dim in self.dims:
            if dim == "team":
                value = self.teams.get(row["agent"]) if row.get("agent") is not None else None
                key.append(value)
                sort.append((value is None, value or ""))
            elif dim == self.grain:
                label, order = _time_value(self.grain, row)
                key.append(label)
                sort.append((False, order))
            else:
                value = row[dim]
                key.append(value)
                sort.append((value is None, value if value is not None else ""))
        k = tuple(key)
        self._sort.setdefault(k, tuple(sort))
        return k

    def _group(self, row: Mapping[str, Any]) -> _Group:
        return self._groups.setdefault(self._key(row), _Group())

    def add_counts(self, row: Mapping[str, Any]) -> None:
        """A row of ``cube.contact_counts_query`` (it must carry ``queue``)."""
        counts = formulas.QueueCounts(**{f: row[f] for f in COUNT_FIELDS})
        setting = self.settings.get(row["queue"], QueueSetting())
        g = self._group(row)
        g.counts.append(counts)
        num, den = formulas.service_level_parts(counts, setting.sl_formula)
        g.sl_numerator += num
        g.sl_denominator += den
        g.formulas_used.add(setting.sl_formula)
        g.thresholds_used.add(setting.sl_threshold_s)

    def add_agent_time(self, row: Mapping[str, Any]) -> None:
        """A row of ``cube.agent_time_query``."""
        g = self._group(row)
        if g.agent_time is None:
            g.agent_time = at.AgentTime()
        g.agent_time.add(row["state"], row["reason"], float(row["seconds"]))

    def add_fcr(self, row: Mapping[str, Any]) -> None:
        """A row of ``cube.fcr_query``."""
        g = self._group(row)
        g.handled_known_customer += int(row["handled"])
        g.resolved += int(row["resolved"])

    def add_survey(self, row: Mapping[str, Any]) -> None:
        """A row of ``cube.survey_query``."""
        self._group(row).surveys.append(customer.SurveyCounts(**{f: row[f] for f in SURVEY_FIELDS}))

    def rows(self, *, with_agent_time: bool = False, with_customer: bool = False) -> list[dict[str, Any]]:
        """One dict per key, sorted by key (time in real order, DST repeats included):
        the dimension values, then ``CONTACT_METRICS``, then details, then the optional parts."""
        out = []
        for key in sorted(self._groups, key=lambda k: self._sort[k]):
            g = self._groups[key]
            row: dict[str, Any] = dict(zip(self.dims, key, strict=True))
            row.update(contact_metrics(g.counts, g.sl_numerator, g.sl_denominator))
            row["sl_formula"] = _one_or_mixed(g.formulas_used)
            row["sl_threshold_s"] = _one_or_mixed(g.thresholds_used)
            if with_agent_time:
                row.update(agent_time_metrics(g.agent_time or at.AgentTime(), self.planned_reasons))
            if with_customer:
                row.update(customer_metrics(g.handled_known_customer, g.resolved, g.surveys))
            out.append(row)
        return out


def _one_or_mixed(values: set[Any]) -> Any:
    if not values:
        return None
    return next(iter(values)) if len(values) == 1 else "mixed"


def contact_metrics(
    parts: Iterable[formulas.QueueCounts], sl_numerator: int, sl_denominator: int
) -> dict[str, Any]:
    """Contact metrics of combined counts; the service level from per-queue parts."""
    c = formulas.combine(parts)
    talk, hold, wrapup = formulas.handle_components_s(c)
    return {
        "offered": c.offered,
        "answered": c.answered,
        "abandoned": c.abandoned,
        "short_abandoned": c.short_abandoned,
        "other_exits": c.other_exits,
        "answered_within_threshold": c.answered_within_threshold,
        "service_level": formulas.ratio(sl_numerator, sl_denominator),
        "asa_s": formulas.asa_s(c),
        "abandon_rate": formulas.abandon_rate(c),
        "aht_s": formulas.aht_s(c),
        "talk_s": talk,
        "hold_s": hold,
        "wrapup_s": wrapup,
        "transfer_rate": formulas.transfer_rate(c),
        "incomplete": c.incomplete,
        "abandoned_within_threshold": c.abandoned_within_threshold,
        "handled": c.handled,
        "aht_basis": formulas.aht_basis(c),
        "hold_rate": formulas.hold_rate(c),
        "average_wait_abandoned_s": formulas.average_wait_abandoned_s(c),
        "longest_wait_answered_s": c.longest_wait_answered_s,
        "longest_wait_abandoned_s": c.longest_wait_abandoned_s,
    }


def agent_time_metrics(t: at.AgentTime, planned_reasons: frozenset[str]) -> dict[str, Any]:
    """Occupancy, utilisation, shrinkage (total, planned, unplanned) and the seconds behind them."""
    planned, unplanned = at.shrinkage_split(t, planned_reasons)
    return {
        "occupancy": at.occupancy(t),
        "utilisation": at.utilisation(t),
        "shrinkage": at.shrinkage(t),
        "planned_shrinkage": planned,
        "unplanned_shrinkage": unplanned,
        "shrinkage_basis": at.SHRINKAGE_BASIS,
        "logged_in_s": t.logged_in_s,
        "handling_s": t.handling_s,
        "available_s": t.available_s,
        "not_ready_s": dict(at.not_ready_by_reason(t)),
    }


def customer_metrics(
    handled_known_customer: int, resolved: int, surveys: Iterable[customer.SurveyCounts]
) -> dict[str, Any]:
    """FCR and repeat-contact rate, CSAT, NPS and CES with their counts and scales."""
    m = customer.survey_metrics(surveys)
    return {
        "fcr": customer.fcr(resolved, handled_known_customer),
        "repeat_contact_rate": customer.repeat_contact_rate(resolved, handled_known_customer),
        "fcr_handled": handled_known_customer,
        "csat": m.csat,
        "csat_mean": m.csat_mean,
        "csat_responses": m.csat_responses,
        "csat_scale": m.csat_scale,
        "nps": m.nps,
        "nps_responses": m.nps_responses,
        "ces": m.ces,
        "ces_responses": m.ces_responses,
        "ces_scale": m.ces_scale,
    }


#: Channels whose waits are seconds to minutes. Headline ASA figures (overview tiles, the
#: report) are theirs alone: an email's wait is hours and would swamp a center-wide mean.
REAL_TIME_CHANNELS = ("voice", "chat", "messaging")


def real_time_asa(channel_rows: Sequence[Mapping[str, Any]]) -> float | None:
    """ASA over the real-time channels from per-channel metrics rows: the answered-weighted
    mean of their ASAs (ASA is Σ wait of answered / answered, so this is exact)."""
    waited = answered = 0.0
    for row in channel_rows:
        asa, count = row.get("asa_s"), row.get("answered") or 0
        if row.get("channel") in REAL_TIME_CHANNELS and asa is not None and count:
            waited += float(asa) * count
            answered += count
    return waited / answered if answered else None
