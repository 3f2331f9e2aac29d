"""Pydantic models that cross the API boundary for quality.

Scorecard definitions and answers stay plain JSON objects here: ``scorecard.parse_scorecard``
and ``scoring.parse_answers`` validate them and name the bad field, which a generic
schema could not do as precisely."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ScorecardPublish(_In):
    """A scorecard definition (docs/quality.md); its ``name`` picks the scorecard, and
    publishing adds a version."""

    definition: dict[str, Any]


class ScorecardVersionRead(_Out):
    id: int
    scorecard_id: int
    version: int
    definition: dict[str, Any]
    channels: list[str]
    published_at: datetime
    published_by: str


class EvaluationCreate(_In):
    scorecard_version_id: int
    contact_id: int
    agent_id: int
    #: criterion id → value ("yes"/"no", a number, text, or "na")
    answers: dict[str, Any]
    comments: dict[str, str] = Field(default_factory=dict)
    feedback: str = ""


class EvaluationRead(_Out):
    id: int
    scorecard_version_id: int
    contact_id: int
    agent_id: int
    evaluator_name: str
    evaluated_at: datetime
    status: str
    revision: int
    answers: dict[str, Any]
    comments: dict[str, str]
    feedback: str
    score: float
    failed: bool
    sections: dict[str, float | None]
    grade: str | None
    acknowledged_at: datetime | None


class RevisionRead(_Out):
    revision: int
    answers: dict[str, Any]
    comments: dict[str, str]
    feedback: str
    score: float
    failed: bool
    sections: dict[str, float | None]
    grade: str | None
    scored_by: str
    scored_at: datetime
    reason: str


class DisputeCreate(_In):
    reason: str = Field(min_length=1, max_length=4000)


class DisputeDecision(_In):
    decision: Literal["uphold", "rescore"]
    note: str = ""
    #: The re-score (decision "rescore"): the full answers on the same scorecard version.
    answers: dict[str, Any] | None = None
    comments: dict[str, str] = Field(default_factory=dict)
    feedback: str | None = None


class DisputeRead(_Out):
    id: int
    evaluation_id: int
    raised_by: str
    raised_at: datetime
    reason: str
    status: str
    revision_disputed: int
    revision_after: int | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str


class CalibrationSessionCreate(_In):
    name: str = Field(min_length=1, max_length=160)
    scorecard_version_id: int
    contact_ids: list[int] = Field(min_length=1)
    target: float = Field(default=0.85, gt=0, le=1)
    expert: str | None = None


class CalibrationSessionRead(_Out):
    id: int
    name: str
    scorecard_version_id: int
    contact_ids: list[int]
    target: float
    expert: str | None
    created_by: str
    created_at: datetime
    closed_at: datetime | None


class CalibrationScoreCreate(_In):
    contact_id: int
    answers: dict[str, Any]
    comments: dict[str, str] = Field(default_factory=dict)
