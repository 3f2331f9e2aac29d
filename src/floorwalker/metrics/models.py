"""Operational tables of the metrics area: KPI targets (the goals behind green/amber/red)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorwalker.orm import Base


class KpiTarget(Base):
    """One goal for one KPI and scope (see ``metrics.targets``). ``scope_code`` is the site or
    queue code or the team name; empty for the whole center. Goals and margins are in the
    KPI's own units (fractions 0–1, seconds)."""

    __tablename__ = "kpi_targets"
    __table_args__ = (UniqueConstraint("kpi", "scope_kind", "scope_code", name="uq_kpi_targets_kpi_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(40), index=True)
    goal: Mapped[float] = mapped_column(Float)
    scope_kind: Mapped[str] = mapped_column(String(10), default="all")
    scope_code: Mapped[str | None] = mapped_column(String(120))
    amber_margin: Mapped[float | None] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    @property
    def direction(self) -> str:
        """at_least or at_most (which way is good), from ``metrics.targets.TARGETABLE``."""
        from floorwalker.metrics.targets import TARGETABLE

        return TARGETABLE.get(self.kpi, "unknown")
