"""Operational tables of workforce planning: saved forecast versions with their rows, the
manager's overrides (kept apart so the original forecast stays visible), and each queue's
planning settings (targets, patience, deferred-work goal, shrinkage).

A forecast version never changes once saved: an override is a separate row that scales
the version's contacts over a time range, and removing one only marks it removed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from floorwalker.orm import Base

STAFFING_MODELS = ("erlang_c", "erlang_a")


class ForecastVersion(Base):
    __tablename__ = "wfm_forecast_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    interval_min: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(40))
    #: Coverage of the prediction interval [lo, hi] (fraction, 0.8 = 80%).
    level: Mapped[float] = mapped_column(Float)
    horizon_days: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(64))
    #: The last site-local day of history the forecast was built from (horizon 1 = the day after).
    history_end: Mapped[date] = mapped_column(Date)
    history_days: Mapped[int] = mapped_column(Integer)
    #: [{"date", "name", "factor"}]: the special days applied (factor 0 = closed).
    special_days: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(400), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ForecastRowRecord(Base):
    """One interval of a version. ``interval_start_utc`` is naive UTC; the local start is
    kept as text with its UTC offset (what the site's clock said, DST included)."""

    __tablename__ = "wfm_forecast_rows"
    __table_args__ = (
        UniqueConstraint("version_id", "interval_start_utc", name="uq_wfm_forecast_rows_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("wfm_forecast_versions.id"), index=True)
    interval_start_utc: Mapped[datetime] = mapped_column(DateTime)
    interval_start_local: Mapped[str] = mapped_column(String(32))
    contacts: Mapped[float] = mapped_column(Float)
    lo: Mapped[float] = mapped_column(Float)
    hi: Mapped[float] = mapped_column(Float)
    aht_s: Mapped[float | None] = mapped_column(Float)


class ForecastOverride(Base):
    """The manager's change to a version: contacts (and lo, hi) of the intervals starting in
    [start_utc, end_utc) are multiplied by ``factor``. Removal keeps the row (removed_at)."""

    __tablename__ = "wfm_forecast_overrides"
    __table_args__ = (CheckConstraint("factor >= 0", name="factor_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("wfm_forecast_versions.id"), index=True)
    start_utc: Mapped[datetime] = mapped_column(DateTime)
    end_utc: Mapped[datetime] = mapped_column(DateTime)
    #: "day" or "range": how the manager entered it (for display).
    kind: Mapped[str] = mapped_column(String(10))
    factor: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(400))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    removed_by: Mapped[str | None] = mapped_column(String(120))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)


class QueuePlanSetting(Base):
    """Planning targets of one queue (the queue's channel, threshold T and concurrency stay
    on the queue). A queue without a row plans with the defaults of ``requirements``."""

    __tablename__ = "wfm_queue_settings"
    __table_args__ = (
        CheckConstraint("planned_shrinkage + unplanned_shrinkage < 1", name="shrinkage_below_one"),
    )

    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    #: Voice: "erlang_c" or "erlang_a" (with patience).
    model: Mapped[str] = mapped_column(String(10), default="erlang_c")
    target_sl: Mapped[float | None] = mapped_column(Float)
    target_asa_s: Mapped[float | None] = mapped_column(Float)
    max_occupancy: Mapped[float | None] = mapped_column(Float)
    patience_s: Mapped[float | None] = mapped_column(Float)
    max_abandon: Mapped[float | None] = mapped_column(Float)
    #: Email / back office: every item handled within this many seconds of open time.
    response_goal_s: Mapped[float | None] = mapped_column(Float)
    planned_shrinkage: Mapped[float] = mapped_column(Float, default=0.2)
    unplanned_shrinkage: Mapped[float] = mapped_column(Float, default=0.1)
    #: AHT to assume where the forecast has none (seconds).
    default_aht_s: Mapped[float | None] = mapped_column(Float)


# --- Schedules ------------------------------------------------------------------------

SCHEDULE_STATUSES = ("draft", "published", "superseded")
#: Kinds of a scheduled day (a shift, or a day off) and of the timed activities inside a shift.
DAY_KINDS = ("work", "off")
SCHEDULE_ACTIVITY_KINDS = ("break", "lunch", "meeting", "training", "coaching")


class Schedule(Base):
    """One site's schedule for one site-local week (Monday ``week_start``): at most one
    draft, one published, and any number of superseded ones, with the optimiser's
    objective, proven bound and gap (docs/scheduling.md)."""

    __tablename__ = "wfm_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    time_zone: Mapped[str] = mapped_column(String(64))
    interval_min: Mapped[int] = mapped_column(Integer)
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    gap: Mapped[float] = mapped_column(Float)
    solver_status: Mapped[str] = mapped_column(String(12))
    under_agent_hours: Mapped[float] = mapped_column(Float)
    over_agent_hours: Mapped[float] = mapped_column(Float)
    rule_violations: Mapped[int] = mapped_column(Integer)
    projected_sl: Mapped[float | None] = mapped_column(Float)
    #: [{"start_utc", "required", "scheduled", "service_level"}] per interval.
    intervals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str | None] = mapped_column(String(120))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)


class ScheduleShift(Base):
    """One employee's site-local day of a schedule: a shift (``kind`` "work", start and end
    in naive UTC and naive site-local time) or a day off (``kind`` "off", no times)."""

    __tablename__ = "wfm_schedule_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("wfm_schedules.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    agent_code: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))
    template: Mapped[str | None] = mapped_column(String(60))
    start_utc: Mapped[datetime | None] = mapped_column(DateTime)
    end_utc: Mapped[datetime | None] = mapped_column(DateTime)
    start_local: Mapped[datetime | None] = mapped_column(DateTime)
    end_local: Mapped[datetime | None] = mapped_column(DateTime)


class ScheduleActivity(Base):
    """A timed block inside a shift: break, lunch, meeting, training or coaching (the rest of
    the shift is work). Times as on the shift."""

    __tablename__ = "wfm_schedule_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("wfm_schedule_shifts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(60))
    paid: Mapped[bool] = mapped_column(default=True)
    start_utc: Mapped[datetime] = mapped_column(DateTime)
    end_utc: Mapped[datetime] = mapped_column(DateTime)
    start_local: Mapped[datetime] = mapped_column(DateTime)
    end_local: Mapped[datetime] = mapped_column(DateTime)


TIME_OFF_STATUSES = ("pending", "approved", "refused")


class TimeOffRequest(Base):
    """An agent's request for time off over [start, end) (naive UTC and site-local), decided
    by the agent's supervisor or a manager; approval turns the overlapping scheduled shifts
    into days off."""

    __tablename__ = "wfm_time_off_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    start_utc: Mapped[datetime] = mapped_column(DateTime)
    end_utc: Mapped[datetime] = mapped_column(DateTime)
    start_local: Mapped[datetime] = mapped_column(DateTime)
    end_local: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(400), default="")


SHIFT_SWAP_STATUSES = ("proposed", "accepted", "declined", "approved", "rejected", "cancelled")


class ShiftSwap(Base):
    """An agent's offer to swap a published shift with a colleague's (``kind`` "swap") or
    to give it to a colleague who is off that day (``kind`` "trade"): the colleague accepts
    or declines, a supervisor approves or rejects (wfm.swaps). ``fingerprint`` records the
    involved days as they were when proposed, so a swap whose shifts changed meanwhile is
    refused."""

    __tablename__ = "wfm_shift_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("wfm_schedules.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    colleague_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    offered_shift_id: Mapped[int] = mapped_column(ForeignKey("wfm_schedule_shifts.id", ondelete="CASCADE"))
    wanted_shift_id: Mapped[int | None] = mapped_column(
        ForeignKey("wfm_schedule_shifts.id", ondelete="CASCADE")
    )
    #: The shifts as proposed, e.g. "Tue 2026-10-20 09:00–17:30 (full)".
    offered_label: Mapped[str] = mapped_column(String(120))
    wanted_label: Mapped[str] = mapped_column(String(120), default="")
    fingerprint: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(String(400), default="")
    note: Mapped[str] = mapped_column(String(400), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
