"""Metric formulas of ../shared/spec/kpis.md over counted facts. Pure.

Every function returns ``None`` where the metric is undefined (a zero denominator),
never 0: "no calls" and "every call failed" must not look alike. Fractions are 0–1,
times are seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

SL_FORMULAS: dict[str, str] = {
    "answered_within_over_offered": "A_T / (A + Ab + X)",
    "answered_within_over_offered_less_short": "A_T / (A + Ab + X − Ab_S)",
    "answered_within_over_answered": "A_T / A",
    "answered_within_over_offered_less_abandoned_within": "A_T / (A + Ab + X − Ab_T)",
    "within_over_offered": "(A_T + Ab_T) / (A + Ab + X)",
}
DEFAULT_SL_FORMULA = "answered_within_over_offered_less_short"

#: Formulas that ignore abandoned contacts; reports show a warning beside them.
SL_FORMULAS_WITH_WARNING = frozenset({"answered_within_over_answered"})


@dataclass(frozen=True)
class QueueCounts:
    """Counts and sums for one queue and one period (contacts counted where they arrived).

    ``offered`` includes incomplete legs (entered the queue, no recorded end); the
    service-level denominators use answered + abandoned + other exits and so leave them out.
    """

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    other_exits: int = 0
    incomplete: int = 0
    answered_within_threshold: int = 0
    abandoned_within_threshold: int = 0
    short_abandoned: int = 0
    wait_answered_s: float = 0.0
    wait_abandoned_s: float = 0.0
    #: Answered contacts whose talk time is known (the AHT denominator).
    handled: int = 0
    talk_s: float = 0.0
    hold_s: float = 0.0
    wrapup_s: float = 0.0
    #: Handled contacts for which the source recorded hold / wrap-up at all.
    handled_with_hold: int = 0
    handled_with_wrapup: int = 0
    transferred: int = 0
    #: Answered contacts with hold > 0 (the hold-rate numerator).
    answered_with_hold: int = 0
    #: Longest wait of an answered / abandoned contact, seconds; None when there was none.
    longest_wait_answered_s: float | None = None
    longest_wait_abandoned_s: float | None = None


#: Fields combined by taking the maximum; every other QueueCounts field is added.
_MAX_FIELDS = frozenset({"longest_wait_answered_s", "longest_wait_abandoned_s"})


def _max(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def combine(parts: Iterable[QueueCounts]) -> QueueCounts:
    """Counts of several queues or periods as one: counts and sums add, longest waits take
    the maximum. Service level must not be computed from the result when the parts use
    different settings: use ``service_level_parts`` per part and add those instead."""
    totals: dict[str, Any] = {f.name: getattr(QueueCounts(), f.name) for f in fields(QueueCounts)}
    for part in parts:
        for name in totals:
            value = getattr(part, name)
            totals[name] = _max(totals[name], value) if name in _MAX_FIELDS else totals[name] + value
    return QueueCounts(**totals)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def service_level_parts(counts: QueueCounts, formula: str = DEFAULT_SL_FORMULA) -> tuple[int, int]:
    """Numerator and denominator (contacts) of the named service-level formula.

    Several queues with different formulas or thresholds combine by adding these parts
    queue by queue: the combined service level is Σ numerators / Σ denominators, so each
    contact is judged by its own queue's rules and weighs once."""
    a_t = counts.answered_within_threshold
    reached = counts.answered + counts.abandoned + counts.other_exits
    if formula == "answered_within_over_offered":
        return a_t, reached
    if formula == "answered_within_over_offered_less_short":
        return a_t, reached - counts.short_abandoned
    if formula == "answered_within_over_answered":
        return a_t, counts.answered
    if formula == "answered_within_over_offered_less_abandoned_within":
        return a_t, reached - counts.abandoned_within_threshold
    if formula == "within_over_offered":
        return a_t + counts.abandoned_within_threshold, reached
    raise ValueError(f"unknown service-level formula '{formula}'; one of {sorted(SL_FORMULAS)}")


def service_level(counts: QueueCounts, formula: str = DEFAULT_SL_FORMULA) -> float | None:
    """Service level by the named formula (fraction 0–1); see SL_FORMULAS."""
    return _ratio(*service_level_parts(counts, formula))


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, None where the denominator is not positive."""
    return _ratio(numerator, denominator)


def asa_s(counts: QueueCounts) -> float | None:
    """Average speed of answer: Σ wait of answered / answered, seconds."""
    return _ratio(counts.wait_answered_s, counts.answered)


def abandon_rate(counts: QueueCounts) -> float | None:
    """(Ab − Ab_S) / (O − Ab_S), exactly as spec/kpis.md: O is every offered contact,
    incomplete legs included (their outcome is unknown, so they are not abandons)."""
    return _ratio(counts.abandoned - counts.short_abandoned, counts.offered - counts.short_abandoned)


def aht_s(counts: QueueCounts) -> float | None:
    """Average handle time: Σ (talk + hold + wrap-up) / handled, seconds.

    Components the source did not record add nothing; ``aht_basis`` says which were there."""
    return _ratio(counts.talk_s + counts.hold_s + counts.wrapup_s, counts.handled)


def aht_basis(counts: QueueCounts) -> str:
    """Which components the AHT includes, e.g. "talk + hold + wrap-up" or "talk only"."""
    parts = ["talk"]
    if counts.handled_with_hold:
        parts.append("hold")
    if counts.handled_with_wrapup:
        parts.append("wrap-up")
    return "talk only" if len(parts) == 1 else " + ".join(parts)


def transfer_rate(counts: QueueCounts) -> float | None:
    """Transferred / answered (fraction 0–1)."""
    return _ratio(counts.transferred, counts.answered)


def hold_rate(counts: QueueCounts) -> float | None:
    """Answered contacts with hold > 0 / answered (fraction 0–1); None when the source
    recorded no hold at all (a talk-only source cannot say who was put on hold)."""
    if counts.handled_with_hold == 0:
        return None
    return _ratio(counts.answered_with_hold, counts.answered)


def average_wait_abandoned_s(counts: QueueCounts) -> float | None:
    """Σ wait of abandoned / abandoned, seconds."""
    return _ratio(counts.wait_abandoned_s, counts.abandoned)


def handle_components_s(counts: QueueCounts) -> tuple[float | None, float | None, float | None]:
    """Average talk, hold and wrap-up per handled contact, seconds; they add up to AHT.
    A component the source never recorded is None (not 0)."""
    n = counts.handled
    if n == 0:
        return None, None, None
    hold = counts.hold_s / n if counts.handled_with_hold else None
    wrapup = counts.wrapup_s / n if counts.handled_with_wrapup else None
    return counts.talk_s / n, hold, wrapup
