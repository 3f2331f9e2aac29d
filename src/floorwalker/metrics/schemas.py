"""Pydantic models of the metrics area that cross the API boundary."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


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
