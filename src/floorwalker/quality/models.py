"""Operational tables of quality: scorecards and their versions, evaluations with their
revision history, disputes, calibration sessions and the evaluators' blind scores.

A scorecard's content lives only in its versions (immutable once published; the JSON is
the ``scorecard.scorecard_to_dict`` shape). An evaluation points at the version it was
scored on, so publishing a change never alters past evaluations. Each scoring of an
evaluation (the original, a re-score after a dispute) is kept as a revision; the
evaluation row carries the current one. Contacts live in the warehouse (another store):
``contact_id`` is the warehouse's id, not a foreign key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorwalker.orm import Base

EVALUATION_STATUSES = ("submitted", "acknowledged", "disputed", "resolved")
DISPUTE_STATUSES = ("open", "upheld", "rescored")


class Scorecard(Base):
    __tablename__ = "qa_scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ScorecardVersion(Base):
    __tablename__ = "qa_scorecard_versions"
    __table_args__ = (UniqueConstraint("scorecard_id", "version", name="uq_qa_scorecard_versions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecards.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Channels the version applies to (empty: every channel); copied out of ``definition``.
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str] = mapped_column(String(120))

    scorecard: Mapped[Scorecard] = relationship(lazy="raise")


class Evaluation(Base):
    __tablename__ = "qa_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecard_versions.id"), index=True)
    contact_id: Mapped[int] = mapped_column(BigInteger, index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    evaluator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evaluator_name: Mapped[str] = mapped_column(String(120))
    evaluated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    #: The current revision (1 = the original scoring).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    feedback: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)
    failed: Mapped[bool] = mapped_column(Boolean)
    sections: Mapped[dict[str, float | None]] = mapped_column(JSON)
    grade: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)

    version: Mapped[ScorecardVersion] = relationship(lazy="raise")


class EvaluationRevision(Base):
    """One scoring of an evaluation, kept for ever (the dispute history)."""

    __tablename__ = "qa_evaluation_revisions"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "revision", name="uq_qa_evaluation_revisions_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    feedback: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)
    failed: Mapped[bool] = mapped_column(Boolean)
    sections: Mapped[dict[str, float | None]] = mapped_column(JSON)
    grade: Mapped[str | None] = mapped_column(String(80))
    scored_by: Mapped[str] = mapped_column(String(120))
    scored_at: Mapped[datetime] = mapped_column(DateTime)
    #: Why this revision exists: "evaluation" or "re-score of dispute N".
    reason: Mapped[str] = mapped_column(String(200))


class Dispute(Base):
    __tablename__ = "qa_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    raised_by: Mapped[str] = mapped_column(String(120))
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: The evaluation revision the agent disputed, and the one the reviewer's re-score made.
    revision_disputed: Mapped[int] = mapped_column(Integer)
    revision_after: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class CalibrationSession(Base):
    __tablename__ = "qa_calibration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecard_versions.id"))
    #: Warehouse contact ids every evaluator scores.
    contact_ids: Mapped[list[int]] = mapped_column(JSON)
    #: Agreement target (fraction).
    target: Mapped[float] = mapped_column(Float, default=0.85)
    #: Username of the expert whose scores are the reference; none: the evaluators' mean.
    expert: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class CalibrationScore(Base):
    """One evaluator's blind scoring of one contact of a calibration session."""

    __tablename__ = "qa_calibration_scores"
    __table_args__ = (
        UniqueConstraint("session_id", "contact_id", "evaluator", name="uq_qa_calibration_scores_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("qa_calibration_sessions.id"), index=True)
    contact_id: Mapped[int] = mapped_column(BigInteger)
    evaluator: Mapped[str] = mapped_column(String(120))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    score: Mapped[float] = mapped_column(Float)
    failed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
