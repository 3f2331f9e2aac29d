"""KPI targets and their green/amber/red status. Pure.

A target says which way is good (``at_least``: service level, CSAT, FCR, occupancy
floors; ``at_most``: abandon rate, ASA, AHT) and the goal value, in the metric's own
units (fractions 0–1, seconds). Status:

* green: the goal is met;
* amber: missed, but by no more than the target's ``amber_margin`` (same units; by
  default 10% of the goal, e.g. SL ≥ 0.80 is amber from 0.72 up to 0.80, abandon ≤ 0.05
  amber above 0.05 up to 0.055);
* red: missed by more;
* none: the metric is undefined for the period (no contacts), so there is nothing to judge.

A target belongs to a scope: the whole center (``all``), a site, a queue or a team
(codes / names as the metrics rows carry them). The most specific target applies:
queue or team, then site, then all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Direction = Literal["at_least", "at_most"]
ScopeKind = Literal["all", "site", "queue", "team"]
Status = Literal["green", "amber", "red"]

#: The KPIs a target may be set on (keys of the metrics rows) and which way is good.
TARGETABLE: dict[str, Direction] = {
    "service_level": "at_least",
    "abandon_rate": "at_most",
    "asa_s": "at_most",
    "aht_s": "at_most",
    "transfer_rate": "at_most",
    "occupancy": "at_least",
    "utilisation": "at_least",
    "shrinkage": "at_most",
    "fcr": "at_least",
    "csat": "at_least",
    "nps": "at_least",
    "ces": "at_least",
}

#: Amber margin used when a target sets none: this fraction of the goal value.
DEFAULT_AMBER_FRACTION = 0.10


@dataclass(frozen=True)
class Target:
    """One goal: ``kpi`` (a TARGETABLE key) for a scope, ``goal`` in the KPI's units."""

    kpi: str
    goal: float
    scope_kind: ScopeKind = "all"
    scope_code: str | None = None
    amber_margin: float | None = None

    @property
    def direction(self) -> Direction:
        return TARGETABLE[self.kpi]

    @property
    def margin(self) -> float:
        """The amber band's width, in the KPI's units."""
        if self.amber_margin is not None:
            return self.amber_margin
        return abs(self.goal) * DEFAULT_AMBER_FRACTION


def validate(target: Target) -> list[str]:
    """Problems with a target, as sentences naming the field (empty when it is valid)."""
    problems = []
    if target.kpi not in TARGETABLE:
        problems.append(f"kpi: {target.kpi!r} is not one of {', '.join(sorted(TARGETABLE))}")
    if target.scope_kind not in ("all", "site", "queue", "team"):
        problems.append("scope_kind: must be all, site, queue or team")
    elif (target.scope_kind == "all") != (target.scope_code is None):
        problems.append("scope_code: required for a site, queue or team target and empty for all")
    if target.amber_margin is not None and target.amber_margin < 0:
        problems.append("amber_margin: must not be negative")
    fraction_kpis = {"service_level", "abandon_rate", "transfer_rate", "occupancy", "utilisation",
                     "shrinkage", "fcr", "csat"}  # fmt: skip
    if target.kpi in fraction_kpis and not 0 <= target.goal <= 1:
        problems.append("goal: a fraction between 0 and 1 (e.g. 0.80 for 80%)")
    if target.kpi in ("asa_s", "aht_s") and target.goal < 0:
        problems.append("goal: seconds, not negative")
    if target.kpi == "nps" and not -100 <= target.goal <= 100:
        problems.append("goal: an NPS between -100 and 100")
    return problems


def status(value: float | None, target: Target) -> Status | None:
    """green / amber / red for ``value`` against ``target``; None when value is None."""
    if value is None:
        return None
    shortfall = target.goal - value if target.direction == "at_least" else value - target.goal
    if shortfall <= 0:
        return "green"
    # A hair of float noise must not turn a met boundary amber or an amber boundary red.
    if shortfall <= target.margin + 1e-12:
        return "amber"
    return "red"


def applicable(
    targets: Iterable[Target], kpi: str, *, site: str | None = None, queue: str | None = None,
    team: str | None = None,
) -> Target | None:  # fmt: skip
    """The most specific target for ``kpi`` on a row with these keys: queue or team, then
    site, then all. None when no target covers it."""
    best: tuple[int, Target] | None = None
    for target in targets:
        if target.kpi != kpi:
            continue
        rank = {
            "queue": 3 if queue is not None and target.scope_code == queue else None,
            "team": 3 if team is not None and target.scope_code == team else None,
            "site": 2 if site is not None and target.scope_code == site else None,
            "all": 1,
        }[target.scope_kind]
        if rank is not None and (best is None or rank > best[0]):
            best = (rank, target)
    return best[1] if best else None
