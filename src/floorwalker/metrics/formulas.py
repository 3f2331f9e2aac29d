"""Metric formulas of ../shared/spec/kpis.md over counted facts. Pure.

Every function returns ``None`` where the metric is undefined (a zero denominator),
never 0: "no calls" and "every call failed" must not look alike. Fractions are 0–1,
times are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def service_level(counts: QueueCounts, formula: str = DEFAULT_SL_FORMULA) -> float | None:
    """Service level by the named formula (fraction 0–1); see SL_FORMULAS."""
    a_t = counts.answered_within_threshold
    reached = counts.answered + counts.abandoned + counts.other_exits
    if formula == "answered_within_over_offered":
        return _ratio(a_t, reached)
    if formula == "answered_within_over_offered_less_short":
        return _ratio(a_t, reached - counts.short_abandoned)
    if formula == "answered_within_over_answered":
        return _ratio(a_t, counts.answered)
    if formula == "answered_within_over_offered_less_abandoned_within":
        return _ratio(a_t, reached - counts.abandoned_within_threshold)
    if formula == "within_over_offered":
        return _ratio(a_t + counts.abandoned_within_threshold, reached)
    raise ValueError(f"unknown service-level formula '{formula}'; one of {sorted(SL_FORMULAS)}")


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
    return _ratio(counts.transferred, counts.answered)
