"""Pydantic models of the metrics area that cross the API boundary."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class HeadlineRow(BaseModel):
    """One queue's headline numbers for one site-local day."""

    site: str
    queue: str
    queue_name: str
    channel: str
    #: "today" or "yesterday" in the site's own time zone (sites may be on different dates).
    period: str
    day: date
    offered: int
    answered: int
    abandoned: int
    other_exits: int
    incomplete: int
    service_level: float | None
    sl_formula: str
    sl_threshold_s: float
    asa_s: float | None
    abandon_rate: float | None
    aht_s: float | None
    aht_basis: str


class Overview(BaseModel):
    """Rows per site, queue and period; each row carries its site-local date."""

    rows: list[HeadlineRow]


class AgentDay(BaseModel):
    """An agent's own numbers for one day (the agent's overview)."""

    day: date
    handled: int
    aht_s: float | None
    talk_s: float | None
    hold_s: float | None
    wrapup_s: float | None


class TargetCreate(BaseModel):
    """A KPI target as sent by a form or the API; ``metrics.targets.validate`` checks it
    (the service raises InvalidInput naming the field)."""

    kpi: str
    goal: float
    scope_kind: str = "all"
    #: Site or queue code, or team name; empty for the whole center.
    scope_code: str | None = None
    #: Width of the amber band in the KPI's units; empty = 10% of the goal.
    amber_margin: float | None = None


class TargetUpdate(BaseModel):
    """PATCH: only the fields sent change."""

    kpi: str | None = None
    goal: float | None = None
    scope_kind: str | None = None
    scope_code: str | None = None
    amber_margin: float | None = None


class TargetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kpi: str
    goal: float
    scope_kind: str
    scope_code: str | None
    amber_margin: float | None
    #: at_least or at_most: which way is good.
    direction: str
    updated_by: str
    updated_at: datetime
