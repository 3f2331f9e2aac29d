"""Operational tables of coaching: sessions with their evidence (evaluations, metric
shortfalls) and agreed actions, training programmes with enrolments, and onboarding
checklists of new hires. A follow-up session points at the session it follows up."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorwalker.orm import Base


class CoachingSession(Base):
    __tablename__ = "coaching_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    coach_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    coach_name: Mapped[str] = mapped_column(String(120))
    session_date: Mapped[date] = mapped_column(Date, index=True)
    #: planned, held or cancelled (``coaching.SESSION_STATUSES``).
    status: Mapped[str] = mapped_column(String(20), default="planned")
    topic: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CoachingEvidence(Base):
    """Why the session happens: an evaluation, or a metric shortfall (value against goal
    over a period, with the number of observations behind the value)."""

    __tablename__ = "coaching_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id"), index=True)
    #: "evaluation" or "metric".
    kind: Mapped[str] = mapped_column(String(20))
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    kpi: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)
    goal: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class CoachingAction(Base):
    __tablename__ = "coaching_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    #: The employee who owns the action (the agent or the coach).
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    #: open or done; "overdue" is computed (``coaching.action_status``), never stored.
    status: Mapped[str] = mapped_column(String(10), default="open")
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(120))
    #: Follow-up notes, appended with who and when.
    follow_up: Mapped[str] = mapped_column(Text, default="")


class TrainingProgramme(Base):
    __tablename__ = "training_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float)


class Enrolment(Base):
    __tablename__ = "training_enrolments"
    __table_args__ = (
        UniqueConstraint("programme_id", "employee_id", name="uq_training_enrolments_employee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("training_programmes.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    #: enrolled, completed or withdrawn.
    status: Mapped[str] = mapped_column(String(12), default="enrolled")


class OnboardingItem(Base):
    """One item of a new hire's onboarding checklist."""

    __tablename__ = "onboarding_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(120))
