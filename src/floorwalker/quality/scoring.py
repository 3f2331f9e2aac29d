"""Score one evaluation against a scorecard, exactly as docs/quality.md says. Pure.

Rules (fractions 0–1 throughout):

* A criterion's earned points: ``yes_no`` yes → ``points``, no → 0; ``scale`` value v on
  [min, max] → ``points`` × (v − min) / (max − min); ``points`` value v on [0, points] → v;
  ``non_scoring`` never counts.
* N/A (answer "na", only where the criterion has ``na_allowed``): under ``na_policy``
  ``exclude`` the criterion leaves the section's denominator; under ``pass`` it earns
  its full points.
* A section's score = points earned / points possible. A section whose scoring criteria
  are all N/A is *entirely N/A*: its score is null and it leaves the total (under either
  policy), which is re-normalised over the remaining non-bonus sections.
* Total = Σ weight × section score / Σ weight, over the non-bonus sections that are not
  entirely N/A; then plus the bonus section's weight × its score. Unless the scorecard
  has ``allow_above_full``, the total is capped at 1 (a bonus can make up lost points,
  not pass 100 %).
* A failed critical criterion (N/A never fails) with ``critical_scope`` ``evaluation``
  marks the evaluation failed; with ``critical_policy`` ``zero`` the total is 0 (bonus
  included), with ``flag`` the computed total stands. With ``critical_scope``
  ``section`` it fails only its section: ``zero`` makes that section's score 0,
  ``flag`` keeps it and lists the section in ``failed_sections``; the evaluation is not
  marked failed.
* Arithmetic is exact (decimal inputs as rational numbers); section scores and the total
  are rounded once, at the end, to 4 decimals (0.01 percentage point), halves up. The
  grade is the band of the rounded total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from floorwalker.errors import InvalidInput
from floorwalker.quality.scorecard import Criterion, Scorecard, Section

#: Decimals kept in section scores and totals (fractions): 4 = 0.01 percentage point.
DECIMALS = 4
NA = "na"

Value = str | float | bool | None


class AnswersError(InvalidInput):
    """Answers that do not fit the scorecard; ``field`` names the criterion."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message, field=field or None)


@dataclass(frozen=True)
class Answers:
    """One evaluator's answers: criterion id → value ("yes"/"no", a number, text for a
    non-scoring criterion, or "na"), comments by criterion id, overall feedback."""

    values: Mapping[str, Value]
    comments: Mapping[str, str]
    feedback: str = ""


@dataclass(frozen=True)
class CriterionResult:
    earned: float
    possible: float
    na: bool
    failed: bool


@dataclass(frozen=True)
class EvaluationScore:
    """``score`` is a fraction (above 1 only with a bonus the scorecard allows to);
    ``sections`` maps section id → score, null where entirely N/A."""

    score: float
    failed: bool
    sections: dict[str, float | None]
    grade: str | None
    criteria: dict[str, CriterionResult]
    #: Sections failed by a section-scope critical criterion.
    failed_sections: tuple[str, ...]
    #: Critical criteria that failed (either scope).
    critical_failures: tuple[str, ...]

    def as_contract(self) -> dict[str, Any]:
        """The ``floorwalker qa score --json`` shape."""
        return {
            "score": self.score,
            "failed": self.failed,
            "sections": dict(self.sections),
            "grade": self.grade,
        }


def parse_answers(data: Any, card: Scorecard) -> Answers:
    """Read answers in any of the accepted shapes and check them against the scorecard.

    Shapes: a flat object ``{criterion id: value}``; or
    ``{"answers": {...}, "comments": {criterion id: text}, "feedback": text}``; a value
    may also be ``{"value": v, "comment": text}``.
    """
    if not isinstance(data, Mapping):
        raise AnswersError("", "answers are an object: criterion id → value")
    comments: dict[str, str] = {}
    feedback = ""
    if isinstance(data.get("answers"), Mapping):
        for key in data:
            if key not in ("answers", "comments", "feedback"):
                raise AnswersError(str(key), "unknown field; known fields: answers, comments, feedback")
        raw_comments = data.get("comments", {})
        if not isinstance(raw_comments, Mapping):
            raise AnswersError("comments", "an object: criterion id → comment")
        for key, text in raw_comments.items():
            if not isinstance(text, str):
                raise AnswersError(f"comments.{key}", "a comment is text")
            comments[str(key)] = text
        feedback = data.get("feedback", "")
        if not isinstance(feedback, str):
            raise AnswersError("feedback", "overall feedback is text")
        data = data["answers"]
    criteria = card.criteria()
    values: dict[str, Value] = {}
    for key, raw in data.items():
        cid = str(key)
        if isinstance(raw, Mapping):
            unknown = set(raw) - {"value", "comment"}
            if unknown:
                raise AnswersError(cid, f"unknown field '{sorted(unknown)[0]}'; use value and comment")
            comment = raw.get("comment", "")
            if not isinstance(comment, str):
                raise AnswersError(cid, "a comment is text")
            if comment:
                comments[cid] = comment
            raw = raw.get("value")
        values[cid] = raw
    for cid in list(values) + list(comments):
        if cid not in criteria:
            raise AnswersError(cid, f"no such criterion in scorecard '{card.name}'")
    for cid, criterion in criteria.items():
        values[cid] = _check_value(criterion, values.get(cid))
    return Answers(values=values, comments=comments, feedback=feedback)


def _check_value(c: Criterion, value: Any) -> Value:
    if value is None:
        if c.scoring:
            raise AnswersError(c.id, "no answer")
        return None
    if isinstance(value, str) and value.strip().lower() == NA:
        if not c.na_allowed:
            raise AnswersError(c.id, "N/A is not allowed for this criterion")
        return NA
    if c.type == "yes_no":
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower()
        raise AnswersError(c.id, f"{value!r} is not yes or no")
    if c.type in ("scale", "points"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise AnswersError(c.id, f"{value!r} is not a number")
        low, high = (c.min, c.max) if c.type == "scale" else (0.0, c.points)
        assert low is not None
        assert high is not None
        if not low <= value <= high:
            raise AnswersError(c.id, f"{value:g} is outside {low:g}–{high:g}")
        return float(value)
    if isinstance(value, str | int | float | bool):
        return value
    raise AnswersError(c.id, "a non-scoring answer is text, a number or yes/no")


def _exact(x: float) -> Fraction:
    # The decimal the user wrote (0.3), not its binary approximation.
    return Fraction(repr(x))


def _earned(c: Criterion, value: Value) -> Fraction:
    points = _exact(c.points)
    if c.type == "yes_no":
        return points if value == "yes" else Fraction(0)
    assert isinstance(value, float)
    if c.type == "scale":
        assert c.min is not None
        assert c.max is not None
        low, high = _exact(c.min), _exact(c.max)
        return points * (_exact(value) - low) / (high - low)
    return _exact(value)


def _fails(c: Criterion, value: Value, earned: Fraction) -> bool:
    if c.type == "yes_no":
        return value == "no"
    if c.pass_min is not None:
        assert isinstance(value, float)
        return _exact(value) < _exact(c.pass_min)
    return earned == 0


def round_fraction(x: Fraction) -> float:
    """Round a non-negative exact fraction to ``DECIMALS`` places, halves up."""
    scale = 10**DECIMALS
    return float(math.floor(x * scale + Fraction(1, 2)) / scale)


def grade_for(card: Scorecard, score: float) -> str | None:
    """The name of the highest band whose ``min`` the score reaches; None without bands."""
    for band in card.grades:
        if score >= band.min:
            return band.name
    return None


def score_evaluation(card: Scorecard, answers: Answers) -> EvaluationScore:
    """Score checked answers (from ``parse_answers``) against the scorecard."""
    results: dict[str, CriterionResult] = {}
    for criterion in card.criteria().values():
        cid = criterion.id
        value = answers.values.get(cid)
        if not criterion.scoring:
            results[cid] = CriterionResult(0.0, 0.0, value == NA, False)
            continue
        if value == NA:
            full = float(criterion.points) if card.na_policy == "pass" else 0.0
            results[cid] = CriterionResult(full, full, True, False)
            continue
        earned = _earned(criterion, value)
        failed = _fails(criterion, value, earned)
        if failed and card.comment_required(criterion) and not answers.comments.get(cid, "").strip():
            raise AnswersError(cid, "a failed criterion needs a comment")
        results[cid] = CriterionResult(float(earned), float(criterion.points), False, failed)

    critical = tuple(c.id for c in card.criteria().values() if c.critical and results[c.id].failed)
    scope = card.criteria()
    evaluation_failed = any(scope[cid].critical_scope == "evaluation" for cid in critical)
    failed_sections = tuple(
        s.id
        for s in card.sections
        if any(c.id in critical and c.critical_scope == "section" for c in s.criteria)
    )

    exact: dict[str, Fraction | None] = {}
    for section in card.sections:
        exact[section.id] = _section_score(section, answers, card)
        if section.id in failed_sections and card.critical_policy == "zero":
            exact[section.id] = Fraction(0)

    counted = [s for s in card.sections if not s.bonus and exact[s.id] is not None]
    if not counted:
        raise AnswersError("", "every scored section is entirely N/A: there is nothing to score")
    weight = sum((_exact(s.weight) for s in counted), Fraction(0))
    total = sum((_exact(s.weight) * _value(exact[s.id]) for s in counted), Fraction(0)) / weight
    for section in card.sections:
        if section.bonus and exact[section.id] is not None:
            total += _exact(section.weight) * _value(exact[section.id])
    if not card.allow_above_full:
        total = min(total, Fraction(1))
    if evaluation_failed and card.critical_policy == "zero":
        total = Fraction(0)
    score = round_fraction(total)
    return EvaluationScore(
        score=score,
        failed=evaluation_failed,
        sections={sid: None if x is None else round_fraction(x) for sid, x in exact.items()},
        grade=grade_for(card, score),
        criteria=results,
        failed_sections=failed_sections,
        critical_failures=critical,
    )


def _value(x: Fraction | None) -> Fraction:
    assert x is not None
    return x


def _section_score(section: Section, answers: Answers, card: Scorecard) -> Fraction | None:
    earned = possible = Fraction(0)
    answered = False
    for c in section.criteria:
        if not c.scoring:
            continue
        value = answers.values.get(c.id)
        if value == NA:
            if card.na_policy == "pass":
                earned += _exact(c.points)
                possible += _exact(c.points)
            continue
        answered = True
        earned += _earned(c, value)
        possible += _exact(c.points)
    if not answered:
        return None
    return earned / possible


def score_answers(card: Scorecard, data: Any) -> EvaluationScore:
    """Parse raw answers (decoded JSON) and score them."""
    return score_evaluation(card, parse_answers(data, card))
