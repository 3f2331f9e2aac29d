"""Operational tables of agent availability and preferences (wfm.availability explains
the forms): weekly availability patterns with an optional validity range, and one row of
scheduling preferences per agent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from floorwalker.orm import Base


class AgentAvailability(Base):
    """A weekly pattern of the windows an employee can work in (site-local wall clock,
    {"mon": [["08:00", "17:00"]], ..., "sun": []}), valid ``valid_from`` … ``valid_to``
    (inclusive; NULL = open-ended). An employee's patterns do not overlap in dates."""

    __tablename__ = "wfm_agent_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class AgentPreference(Base):
    """An employee's scheduling wishes: preferred days off ("mon".."sun"), preferred start
    times ("HH:MM") and/or an earliest and latest start, and the weight (0–10, 1 = normal)."""

    __tablename__ = "wfm_agent_preferences"
    __table_args__ = (CheckConstraint("weight >= 0 AND weight <= 10", name="weight_range"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    days_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_times: Mapped[list[str]] = mapped_column(JSON, default=list)
    earliest_start: Mapped[str | None] = mapped_column(String(5))
    latest_start: Mapped[str | None] = mapped_column(String(5))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
