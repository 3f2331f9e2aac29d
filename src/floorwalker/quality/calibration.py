"""Calibration statistics: how far evaluators who scored the same contacts agree. Pure.

Definitions (fractions 0–1):

* **Agreement** of one unit (one contact × one criterion, values of every evaluator who
  answered it, N/A counting as an answer) is the share of evaluator *pairs* that gave
  the same answer. A criterion's agreement pools its pairs over contacts
  (Σ agreeing pairs / Σ pairs); overall agreement pools every scoring criterion.
* **Krippendorff's alpha** α = 1 − D_o / D_e from the coincidence matrix (Krippendorff,
  *Content Analysis*, 2004, ch. 11; "Computing Krippendorff's Alpha-Reliability", 2011):
  nominal for yes/no answers (and pooled over every criterion), interval for scale and
  points answers and for total scores. Units with fewer than two values are not pairable
  and drop out; N/A is missing data for the interval metric. Undefined (None) when there
  is no variation at all (D_e = 0) or nothing is pairable.
* **ICC(2,1)** (Shrout & Fleiss 1979, case 2, single rater; McGraw & Wong "ICC(A,1)"):
  two-way random effects, absolute agreement, over contacts every evaluator scored with a
  number. It asks whether evaluators give the *same* numbers, not merely rank alike.
* **Deviation** of an evaluator: mean of (their total score − reference score) over the
  contacts both scored; positive means more lenient. The reference is an expert's score,
  a recorded consensus score, or else the mean of all evaluators' scores of the contact.
* The team **reached the target** when overall agreement ≥ the target (e.g. 0.85).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from floorwalker.quality.scorecard import Scorecard

NA = "na"


@dataclass(frozen=True)
class CalibrationRating:
    """One evaluator's blind scoring of one contact: checked answers (criterion id → value)
    and the total score (fraction) the scorecard gives them."""

    evaluator: str
    contact: str
    values: Mapping[str, Any]
    score: float


@dataclass(frozen=True)
class CriterionAgreement:
    criterion: str
    type: str
    agreement: float | None
    pairs: int
    alpha: float | None
    alpha_metric: str
    #: ICC(2,1) for scale and points criteria; None for yes/no or too few complete contacts.
    icc: float | None


@dataclass(frozen=True)
class EvaluatorDeviation:
    evaluator: str
    contacts: int
    mean_score: float
    mean_deviation: float | None
    mean_abs_deviation: float | None


@dataclass(frozen=True)
class CalibrationReport:
    evaluators: tuple[str, ...]
    contacts: tuple[str, ...]
    overall_agreement: float | None
    alpha_nominal: float | None
    score_alpha_interval: float | None
    score_icc: float | None
    criteria: tuple[CriterionAgreement, ...]
    reference: str
    deviations: tuple[EvaluatorDeviation, ...]
    target: float
    target_reached: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluators": list(self.evaluators),
            "contacts": list(self.contacts),
            "overall_agreement": self.overall_agreement,
            "alpha_nominal": self.alpha_nominal,
            "score_alpha_interval": self.score_alpha_interval,
            "score_icc": self.score_icc,
            "criteria": {
                c.criterion: {
                    "type": c.type,
                    "agreement": c.agreement,
                    "pairs": c.pairs,
                    "alpha": c.alpha,
                    "alpha_metric": c.alpha_metric,
                    "icc": c.icc,
                }
                for c in self.criteria
            },
            "reference": self.reference,
            "evaluator_deviation": {
                d.evaluator: {
                    "contacts": d.contacts,
                    "mean_score": d.mean_score,
                    "mean_deviation": d.mean_deviation,
                    "mean_abs_deviation": d.mean_abs_deviation,
                }
                for d in self.deviations
            },
            "target": self.target,
            "target_reached": self.target_reached,
            **self.extra,
        }


# --- statistics on plain data ---------------------------------------------------------


def pair_agreement(units: Sequence[Sequence[Hashable]]) -> tuple[int, int]:
    """(agreeing pairs, pairs) over units; each unit is the values given to one item."""
    agree = pairs = 0
    for unit in units:
        m = len(unit)
        pairs += m * (m - 1) // 2
        agree += sum(n * (n - 1) // 2 for n in Counter(unit).values())
    return agree, pairs


def nominal_delta(a: Hashable, b: Hashable) -> float:
    return 0.0 if a == b else 1.0


def interval_delta(a: Hashable, b: Hashable) -> float:
    assert isinstance(a, int | float)
    assert isinstance(b, int | float)
    return float(a - b) ** 2


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable]], delta: Callable[[Hashable, Hashable], float] = nominal_delta
) -> float | None:
    """Krippendorff's alpha over units (each the values its coders gave, missing left out).

    ``delta`` is the squared difference function δ²: ``nominal_delta`` or ``interval_delta``.
    """
    weights: dict[tuple[Hashable, Hashable], float] = {}
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        for c, count_c in counts.items():
            for k, count_k in counts.items():
                pairs = count_c * (count_k - (1 if c == k else 0))
                if pairs:
                    weights[(c, k)] = weights.get((c, k), 0.0) + pairs / (m - 1)
    if not weights:
        return None
    n_c: dict[Hashable, float] = {}
    for (c, _k), o in weights.items():
        n_c[c] = n_c.get(c, 0.0) + o
    n = math.fsum(n_c.values())
    if n <= 1:
        return None
    observed = math.fsum(o * delta(c, k) for (c, k), o in weights.items()) / n
    values = list(n_c)
    expected = math.fsum(n_c[c] * n_c[k] * delta(c, k) for c in values for k in values if c != k) / (
        n * (n - 1)
    )
    if expected == 0:
        return None
    return 1.0 - observed / expected


def icc_2_1(matrix: Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1) of a complete targets × raters matrix (two-way random, absolute agreement,
    single rater; Shrout & Fleiss 1979). None with fewer than 2 targets or raters, or no
    variance at all."""
    n = len(matrix)
    if n < 2:
        return None
    k = len(matrix[0])
    if k < 2 or any(len(row) != k for row in matrix):
        return None
    grand = math.fsum(v for row in matrix for v in row) / (n * k)
    row_means = [math.fsum(row) / k for row in matrix]
    col_means = [math.fsum(row[j] for row in matrix) / n for j in range(k)]
    ss_rows = k * math.fsum((m - grand) ** 2 for m in row_means)
    ss_cols = n * math.fsum((m - grand) ** 2 for m in col_means)
    ss_total = math.fsum((v - grand) ** 2 for row in matrix for v in row)
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator <= 0:
        return None
    return (ms_rows - ms_error) / denominator


# --- a calibration session ------------------------------------------------------------


def _units(
    ratings: Sequence[CalibrationRating], contacts: Sequence[str], criterion: str, *, numeric: bool
) -> list[list[Hashable]]:
    units = []
    for contact in contacts:
        values: list[Hashable] = []
        for r in ratings:
            if r.contact != contact:
                continue
            value = r.values.get(criterion)
            if value is None or (numeric and value == NA):
                continue
            values.append(float(value) if numeric else _nominal(value))
        units.append(values)
    return units


def _nominal(value: Any) -> Hashable:
    # 4 and 4.0 are the same answer
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    assert isinstance(value, Hashable)
    return value


def _complete_matrix(
    ratings: Sequence[CalibrationRating],
    evaluators: Sequence[str],
    contacts: Sequence[str],
    value_of: Callable[[CalibrationRating], float | None],
) -> list[list[float]]:
    by_key = {(r.contact, r.evaluator): r for r in ratings}
    matrix = []
    for contact in contacts:
        row: list[float] = []
        for evaluator in evaluators:
            rating = by_key.get((contact, evaluator))
            value = value_of(rating) if rating is not None else None
            if value is None:
                break
            row.append(value)
        else:
            matrix.append(row)
    return matrix


def calibrate(
    card: Scorecard,
    ratings: Sequence[CalibrationRating],
    *,
    target: float = 0.85,
    expert: str | None = None,
    consensus: Mapping[str, float] | None = None,
) -> CalibrationReport:
    """Agreement statistics of a calibration session over one scorecard.

    ``expert`` names the evaluator whose scores are the reference; else ``consensus``
    (contact → agreed total score) is; else the mean of the evaluators' totals.
    """
    if not 0 < target <= 1:
        raise ValueError(f"agreement target {target} is not a fraction above 0 and at most 1")
    seen: set[tuple[str, str]] = set()
    for r in ratings:
        if (r.evaluator, r.contact) in seen:
            raise ValueError(f"evaluator '{r.evaluator}' scored contact '{r.contact}' twice")
        seen.add((r.evaluator, r.contact))
    evaluators = tuple(sorted({r.evaluator for r in ratings}))
    contacts = tuple(sorted({r.contact for r in ratings}))
    if expert is not None and expert not in evaluators:
        raise ValueError(f"the expert '{expert}' scored none of the session's contacts")

    criteria = []
    all_agree = all_pairs = 0
    pooled: list[list[Hashable]] = []
    for criterion in card.criteria().values():
        if not criterion.scoring:
            continue
        nominal_units = _units(ratings, contacts, criterion.id, numeric=False)
        agree, pairs = pair_agreement(nominal_units)
        all_agree += agree
        all_pairs += pairs
        pooled.extend([(criterion.id, v) for v in unit] for unit in nominal_units)
        if criterion.type == "yes_no":
            alpha, metric, icc = krippendorff_alpha(nominal_units), "nominal", None
        else:
            alpha = krippendorff_alpha(_units(ratings, contacts, criterion.id, numeric=True), interval_delta)
            metric = "interval"
            icc = icc_2_1(_complete_matrix(ratings, evaluators, contacts, _criterion_value(criterion.id)))
        criteria.append(
            CriterionAgreement(
                criterion=criterion.id,
                type=criterion.type,
                agreement=agree / pairs if pairs else None,
                pairs=pairs,
                alpha=alpha,
                alpha_metric=metric,
                icc=icc,
            )
        )

    score_units: list[list[float]] = [[r.score for r in ratings if r.contact == c] for c in contacts]
    overall = all_agree / all_pairs if all_pairs else None

    if expert is not None:
        reference_name = f"expert:{expert}"
        reference = {r.contact: r.score for r in ratings if r.evaluator == expert}
    elif consensus is not None:
        reference_name = "consensus"
        reference = dict(consensus)
    else:
        reference_name = "mean"
        reference = {
            c: math.fsum(unit) / len(unit) for c, unit in zip(contacts, score_units, strict=True) if unit
        }
    deviations = []
    for evaluator in evaluators:
        if evaluator == expert:
            continue
        own = [r for r in ratings if r.evaluator == evaluator]
        diffs = [r.score - reference[r.contact] for r in own if r.contact in reference]
        deviations.append(
            EvaluatorDeviation(
                evaluator=evaluator,
                contacts=len(own),
                mean_score=math.fsum(r.score for r in own) / len(own),
                mean_deviation=math.fsum(diffs) / len(diffs) if diffs else None,
                mean_abs_deviation=math.fsum(abs(d) for d in diffs) / len(diffs) if diffs else None,
            )
        )

    return CalibrationReport(
        evaluators=evaluators,
        contacts=contacts,
        overall_agreement=overall,
        alpha_nominal=krippendorff_alpha(pooled),
        score_alpha_interval=krippendorff_alpha(score_units, interval_delta),
        score_icc=icc_2_1(_complete_matrix(ratings, evaluators, contacts, lambda r: r.score)),
        criteria=tuple(criteria),
        reference=reference_name,
        deviations=tuple(deviations),
        target=target,
        target_reached=overall is not None and overall >= target,
    )


def _criterion_value(criterion: str) -> Callable[[CalibrationRating], float | None]:
    return lambda rating: _number(rating.values.get(criterion))


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
