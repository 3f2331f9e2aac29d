"""Outcome and customer metrics of spec/kpis.md: FCR, repeat-contact rate, CSAT, NPS, CES. Pure.

Survey inputs are counted per (kind, scale) so that responses on different scales are never
averaged together silently:

* CSAT: share of responses in the top two boxes of their scale (4–5 of 1–5: score ≥ max − 1);
  the mean is given only when every response used the same scale.
* NPS: promoters score 9–10, detractors 0–6, on the 0–10 scale only; responses of kind
  ``nps`` on another scale are counted in ``nps_off_scale`` and left out.
* CES: mean score, with its scale; mixed scales give no mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SurveyCounts:
    """Responses of one kind on one scale for one group and period."""

    kind: str
    scale_min: int
    scale_max: int
    responses: int
    score_sum: float
    #: Scores ≥ scale_max − 1 (CSAT top two boxes).
    top_two: int
    #: Scores ≥ 9 / ≤ 6 (NPS promoters / detractors; meaningful on 0–10 only).
    promoters: int
    detractors: int


@dataclass(frozen=True)
class CustomerMetrics:
    csat: float | None
    csat_mean: float | None
    csat_responses: int
    csat_scale: str | None
    nps: float | None
    nps_responses: int
    nps_off_scale: int
    ces: float | None
    ces_responses: int
    ces_scale: str | None


def _scale(parts: list[SurveyCounts]) -> str | None:
    scales = {(p.scale_min, p.scale_max) for p in parts}
    if not scales:
        return None
    if len(scales) > 1:
        return "mixed"
    lo, hi = next(iter(scales))
    return f"{lo}–{hi}"


def _mean(parts: list[SurveyCounts]) -> float | None:
    n = sum(p.responses for p in parts)
    if n == 0 or len({(p.scale_min, p.scale_max) for p in parts}) > 1:
        return None
    return sum(p.score_sum for p in parts) / n


def survey_metrics(rows: Iterable[SurveyCounts]) -> CustomerMetrics:
    """CSAT (fraction 0–1), NPS (−100…+100) and CES (mean score) from counted responses."""
    by_kind: dict[str, list[SurveyCounts]] = {"csat": [], "nps": [], "ces": []}
    for row in rows:
        if row.kind in by_kind:
            by_kind[row.kind].append(row)
    csat = by_kind["csat"]
    csat_n = sum(p.responses for p in csat)
    nps_parts = [p for p in by_kind["nps"] if (p.scale_min, p.scale_max) == (0, 10)]
    nps_n = sum(p.responses for p in nps_parts)
    nps = (
        100.0 * (sum(p.promoters for p in nps_parts) - sum(p.detractors for p in nps_parts)) / nps_n
        if nps_n
        else None
    )
    ces = by_kind["ces"]
    return CustomerMetrics(
        csat=sum(p.top_two for p in csat) / csat_n if csat_n else None,
        csat_mean=_mean(csat),
        csat_responses=csat_n,
        csat_scale=_scale(csat),
        nps=nps,
        nps_responses=nps_n,
        nps_off_scale=sum(p.responses for p in by_kind["nps"]) - nps_n,
        ces=_mean(ces),
        ces_responses=sum(p.responses for p in ces),
        ces_scale=_scale(ces),
    )


def fcr(resolved: int, handled_known_customer: int) -> float | None:
    """First-contact resolution: first-time-resolved / handled contacts with a known
    customer (fraction 0–1)."""
    return None if handled_known_customer <= 0 else resolved / handled_known_customer


def repeat_contact_rate(resolved: int, handled_known_customer: int) -> float | None:
    """1 − FCR on the same basis (fraction 0–1)."""
    value = fcr(resolved, handled_known_customer)
    return None if value is None else 1.0 - value
