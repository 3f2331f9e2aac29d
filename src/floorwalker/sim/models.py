"""Saved what-if scenarios (operational store): a named set of changes on a site's week and
baseline source, with the summary of its last run so it reopens without simulating again.

``changes`` is the list of change objects of sim/whatif.py (normalised); ``results`` the
:func:`floorwalker.sim.whatif.compare` output (totals and per-interval rows of the
baseline and the scenario), or None if it was saved without a run.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from floorwalker.orm import Base


class SimScenario(Base):
    __tablename__ = "sim_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Site code (Site.code).
    site: Mapped[str] = mapped_column(String(60))
    #: The Monday the week starts on (site-local).
    week: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=7)
    replications: Mapped[int] = mapped_column(Integer, default=10)
    seed: Mapped[int] = mapped_column(Integer, default=1)
    #: Where the baseline comes from: one of sim/plans.py SOURCES ("history",
    #: "forecast_schedule", "forecast_requirement", "forecast_history").
    baseline: Mapped[str] = mapped_column(String(24), default="history", server_default="history")
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
