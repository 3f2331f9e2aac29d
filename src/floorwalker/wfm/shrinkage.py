"""Shrinkage, planned vs actual, by reason (/work/shared/spec/kpis.md, "Shrinkage";
docs/adherence.md, "Shrinkage"). Pure: each agent's published shift with its blocks and the
agent's state spans in, minutes by reason out. Times naive UTC; durations minutes.

Variant: **paid-time shrinkage** = paid time not available for contacts / paid time, with
paid time taken from the published schedule (each shift's minutes less its unpaid blocks,
plus the paid credit of approved time off). It is measured twice over the same paid time:

* **planned**: what the schedule takes off the phones: paid breaks, meetings, training,
  coaching (each block's kind is its reason), and approved time off (``time_off``);
* **actual**: what the agent states show, minute by minute over the shift's paid minutes:
  not ready with a reason (the reason; ``(none)`` when the source gave none), logged out
  during scheduled work (``absence``: scheduled but not logged in), logged out during a
  scheduled block (that block's kind: the agent took it logged out); time off as planned.

Unpaid blocks (an unpaid lunch) are neither paid time nor shrinkage; their minutes are
reported apart (``unpaid_min``). Time an agent works outside the shift is not counted.
Actual reasons in ``PLANNED_REASONS`` are planned shrinkage, every other reason (absence,
personal, system, none …) unplanned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from floorwalker.metrics.agent_time import DEFAULT_PLANNED_REASONS, NO_REASON
from floorwalker.wfm.adherence import HALF_MINUTE, PRODUCTIVE_STATES, StateSpan, span_at

#: Actual reasons counted as planned shrinkage (spec/kpis.md: breaks, training, meetings,
#: coaching, holidays) and approved time off.
PLANNED_REASONS = DEFAULT_PLANNED_REASONS | {"time_off"}
ABSENCE = "absence"
TIME_OFF = "time_off"
VARIANT = "paid_time"


@dataclass(frozen=True)
class PaidBlock:
    """A block of a shift with whether its minutes are paid."""

    kind: str
    start: datetime
    end: datetime
    paid: bool = True


@dataclass
class Shrinkage:
    """Minutes of one agent-day, or of any group of them added up."""

    paid_min: int = 0
    unpaid_min: int = 0
    planned: Counter[str] = field(default_factory=Counter)
    actual: Counter[str] = field(default_factory=Counter)

    def add(self, other: Shrinkage) -> None:
        self.paid_min += other.paid_min
        self.unpaid_min += other.unpaid_min
        self.planned.update(other.planned)
        self.actual.update(other.actual)

    @property
    def planned_min(self) -> int:
        return sum(self.planned.values())

    @property
    def actual_min(self) -> int:
        return sum(self.actual.values())

    @property
    def actual_planned_min(self) -> int:
        return sum(v for r, v in self.actual.items() if r in PLANNED_REASONS)

    @property
    def actual_unplanned_min(self) -> int:
        return self.actual_min - self.actual_planned_min


def agent_day(
    shift_start: datetime | None,
    shift_end: datetime | None,
    blocks: Sequence[PaidBlock],
    states: Sequence[StateSpan],
    time_off_min: int = 0,
) -> Shrinkage:
    """Planned and actual shrinkage minutes of one agent's day: the shift [start, end) (None:
    no shift) with its blocks against the agent's states, plus ``time_off_min`` paid minutes
    of approved time off (planned and actual alike)."""
    out = Shrinkage()
    if time_off_min:
        out.paid_min += time_off_min
        out.planned[TIME_OFF] += time_off_min
        out.actual[TIME_OFF] += time_off_min
    if shift_start is None or shift_end is None:
        return out
    if shift_end <= shift_start:
        raise ValueError("the shift must end after it starts")
    minutes = []
    m = shift_start
    while m < shift_end:
        minutes.append(m)
        m += timedelta(minutes=1)
    spans = span_at(states, [x + HALF_MINUTE for x in minutes])
    for minute, span in zip(minutes, spans, strict=True):
        block = next((b for b in blocks if b.start <= minute < b.end), None)
        if block is not None and not block.paid:
            out.unpaid_min += 1
            continue
        out.paid_min += 1
        kind = "work" if block is None else block.kind
        if kind != "work":
            out.planned[kind] += 1
        state = "logged_out" if span is None else span.state
        if state in PRODUCTIVE_STATES:
            continue
        if state == "not_ready":
            out.actual[(span.reason if span is not None else None) or NO_REASON] += 1
        else:
            out.actual[ABSENCE if kind == "work" else kind] += 1
    return out


def fractions(s: Shrinkage) -> dict[str, float | None]:
    """Shrinkage of ``s`` as fractions of its paid time (None without paid time)."""
    paid = s.paid_min
    if paid <= 0:
        return dict.fromkeys(("planned", "actual", "actual_planned", "actual_unplanned"))
    return {
        "planned": s.planned_min / paid,
        "actual": s.actual_min / paid,
        "actual_planned": s.actual_planned_min / paid,
        "actual_unplanned": s.actual_unplanned_min / paid,
    }


def total(parts: Iterable[Shrinkage]) -> Shrinkage:
    out = Shrinkage()
    for p in parts:
        out.add(p)
    return out


def by_reason(s: Shrinkage) -> list[dict[str, object]]:
    """One row per reason (planned or actual): minutes, fractions of paid time, and whether
    the reason is planned shrinkage; largest actual first."""
    reasons: Mapping[str, int] = s.planned | s.actual
    order = sorted(reasons, key=lambda r: (-s.actual.get(r, 0), -s.planned.get(r, 0), r))
    rows = []
    for reason in order:
        p, a = s.planned.get(reason, 0), s.actual.get(reason, 0)
        rows.append(
            {
                "reason": reason,
                "planned": reason in PLANNED_REASONS,
                "planned_min": p,
                "actual_min": a,
                "planned_fraction": p / s.paid_min if s.paid_min else None,
                "actual_fraction": a / s.paid_min if s.paid_min else None,
            }
        )
    return rows
