"""Agent-time metrics of spec/kpis.md from agent-state seconds: occupancy, utilisation,
shrinkage (planned / unplanned, by reason) and not-ready by reason. Pure.

Inputs are seconds spent in each agent state (``available``, ``on_contact``, ``wrap_up``,
``not_ready`` with a reason) for one group (an agent, a team, a site …) and one period.
``logged_out`` time is not logged-in time and is ignored.

What the agent states can and cannot say about shrinkage: spec/kpis.md defines it as paid
time not available for contacts / paid time. Without schedules the paid time is not known,
so this module computes the **in-center** part of it, with paid time taken as logged-in
time (setting ``shrinkage_basis = "logged_in"``): not-ready time / logged-in time. Time an
agent should have been logged in and was not (sickness, absence, late log-in) needs the
schedule and is outside this number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Not-ready reasons that are planned shrinkage by default (spec/kpis.md: breaks, training,
#: meetings, coaching, holidays). Every other reason, and a missing one, is unplanned.
DEFAULT_PLANNED_REASONS = frozenset({"break", "lunch", "meeting", "training", "coaching", "holiday"})
#: The one shrinkage basis agent states support (see the module docstring).
SHRINKAGE_BASIS = "logged_in"
#: Key under which not-ready time without a reason is reported.
NO_REASON = "(none)"


@dataclass
class AgentTime:
    """Seconds in each state for one group and period."""

    available_s: float = 0.0
    on_contact_s: float = 0.0
    wrap_up_s: float = 0.0
    #: Not-ready seconds by reason (``NO_REASON`` when the source gave none).
    not_ready_s: dict[str, float] = field(default_factory=dict)

    def add(self, state: str, reason: str | None, seconds: float) -> None:
        """Add ``seconds`` in ``state``; states other than the four logged-in ones are ignored."""
        if state == "available":
            self.available_s += seconds
        elif state == "on_contact":
            self.on_contact_s += seconds
        elif state == "wrap_up":
            self.wrap_up_s += seconds
        elif state == "not_ready":
            key = reason or NO_REASON
            self.not_ready_s[key] = self.not_ready_s.get(key, 0.0) + seconds

    @property
    def handling_s(self) -> float:
        """On-contact plus wrap-up seconds."""
        return self.on_contact_s + self.wrap_up_s

    @property
    def not_ready_total_s(self) -> float:
        return sum(self.not_ready_s.values())

    @property
    def logged_in_s(self) -> float:
        """Available + on contact + wrap-up + not ready, seconds."""
        return self.available_s + self.handling_s + self.not_ready_total_s


def fold(rows: Iterable[tuple[str, str | None, float]]) -> AgentTime:
    """One AgentTime from (state, reason, seconds) rows."""
    total = AgentTime()
    for state, reason, seconds in rows:
        total.add(state, reason, seconds)
    return total


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def occupancy(t: AgentTime) -> float | None:
    """Handling time / (handling time + available idle time), fraction 0–1."""
    return _ratio(t.handling_s, t.handling_s + t.available_s)


def utilisation(t: AgentTime) -> float | None:
    """Handling time / logged-in time, fraction 0–1."""
    return _ratio(t.handling_s, t.logged_in_s)


def shrinkage(t: AgentTime) -> float | None:
    """In-center shrinkage: not-ready time / logged-in time, fraction 0–1."""
    return _ratio(t.not_ready_total_s, t.logged_in_s)


def shrinkage_split(
    t: AgentTime, planned_reasons: frozenset[str] = DEFAULT_PLANNED_REASONS
) -> tuple[float | None, float | None]:
    """(planned, unplanned) shrinkage, fractions of logged-in time; they add up to ``shrinkage``."""
    planned = sum(s for r, s in t.not_ready_s.items() if r in planned_reasons)
    unplanned = t.not_ready_total_s - planned
    return _ratio(planned, t.logged_in_s), _ratio(unplanned, t.logged_in_s)


def not_ready_by_reason(t: AgentTime) -> Mapping[str, float]:
    """Not-ready seconds by reason, largest first."""
    return dict(sorted(t.not_ready_s.items(), key=lambda kv: (-kv[1], kv[0])))
