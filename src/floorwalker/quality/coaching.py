"""Coaching logic, pure: action status, metric shortfalls, the before/after effect check,
the supervisor's coaching queue and the nesting (new-hire) weeks.

No clock: every function that depends on "today" takes it as an argument. Units are the
metric's own: seconds for ``aht_s``, fractions 0–1 for ``fcr``, ``csat``,
``transfer_rate`` and the QA score (which may exceed 1 with a bonus section).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Direction = Literal["at_least", "at_most"]
ActionStatus = Literal["open", "done", "overdue"]

SESSION_STATUSES = ("planned", "held", "cancelled")
ACTION_STATUSES = ("open", "done")
ENROLMENT_STATUSES = ("enrolled", "completed", "withdrawn")

#: Metrics an effect check and the coaching queue can use, with the way that is good and
#: the key of the metrics-cube row that counts the observations behind the value.
#: Service level and ASA are left out on purpose: they measure the queue's waiting, which
#: one agent does not control, so they say nothing about the effect of coaching.
METRICS: dict[str, tuple[Direction, str]] = {
    "qa_score": ("at_least", "evaluations"),
    "aht_s": ("at_most", "handled"),
    "fcr": ("at_least", "fcr_handled"),
    "csat": ("at_least", "csat_responses"),
    "transfer_rate": ("at_most", "handled"),
}

#: What the counts count, in words.
UNITS = {
    "evaluations": "evaluations",
    "handled": "handled contacts",
    "fcr_handled": "contacts of known customers",
    "csat_responses": "survey responses",
}

#: Below these counts on either side an effect check says it cannot tell.
MIN_EVALUATIONS = 3
MIN_CONTACTS = 50


class CoachingError(ValueError):
    """Bad input to a coaching calculation; the message names the field."""


def action_status(status: str, due: date | None, today: date) -> ActionStatus:
    """``done`` when marked done; ``overdue`` when still open after its due date (the due
    day itself is still on time); otherwise ``open``."""
    if status not in ACTION_STATUSES:
        raise CoachingError(f"status: {status!r} is not one of {', '.join(ACTION_STATUSES)}")
    if status == "done":
        return "done"
    if due is not None and today > due:
        return "overdue"
    return "open"


def shortfall(metric: str, value: float | None, goal: float) -> float | None:
    """How far ``value`` misses ``goal``, in the metric's units, positive when missed,
    zero or negative when met; None when the value is undefined."""
    if metric not in METRICS:
        raise CoachingError(f"kpi: {metric!r} is not one of {', '.join(METRICS)}")
    if value is None:
        return None
    return goal - value if METRICS[metric][0] == "at_least" else value - goal


def relative_shortfall(metric: str, value: float | None, goal: float) -> float | None:
    """The shortfall as a fraction of the goal (0.10: missed by 10% of the goal); the
    absolute shortfall when the goal is 0."""
    miss = shortfall(metric, value, goal)
    if miss is None:
        return None
    return miss / abs(goal) if goal else miss


# --- the effect check --------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """Before: the ``weeks`` whole weeks ending the day before the session; after: the
    ``weeks`` weeks starting the day after it. The session day is in neither."""

    before_start: date
    before_end: date
    after_start: date
    after_end: date


def windows(session_day: date, weeks: int) -> Windows:
    if weeks < 1:
        raise CoachingError("weeks: at least 1")
    span = timedelta(days=7 * weeks)
    return Windows(
        before_start=session_day - span,
        before_end=session_day - timedelta(days=1),
        after_start=session_day + timedelta(days=1),
        after_end=session_day + span,
    )


@dataclass(frozen=True)
class Side:
    """A metric's value over one window and how many observations it rests on
    (evaluations for the QA score, handled contacts or survey responses otherwise)."""

    value: float | None
    n: int


@dataclass(frozen=True)
class Effect:
    metric: str
    before: Side
    after: Side
    #: after − before in the metric's units; None when either side has no value.
    change: float | None
    #: True when the change goes the good way (lower AHT, higher FCR …); None: no change.
    improved: bool | None
    #: False when either side has fewer observations than the minimum.
    enough_data: bool
    statement: str


def minimum_for(metric: str) -> int:
    return MIN_EVALUATIONS if metric == "qa_score" else MIN_CONTACTS


def effect(metric: str, before: Side, after: Side, *, minimum: int | None = None) -> Effect:
    """Compare one metric before and after a session. With too few observations on either
    side the statement says so instead of claiming an effect; an observed change is never
    called caused by the coaching (other things change too)."""
    if metric not in METRICS:
        raise CoachingError(f"kpi: {metric!r} is not one of {', '.join(METRICS)}")
    need = minimum_for(metric) if minimum is None else minimum
    unit = UNITS[METRICS[metric][1]]
    change = None if before.value is None or after.value is None else after.value - before.value
    improved: bool | None = None
    if change is not None and change != 0:
        improved = (change > 0) == (METRICS[metric][0] == "at_least")
    enough = before.n >= need and after.n >= need
    if not enough:
        statement = (
            f"too few data to tell: {before.n} {unit} before and {after.n} after "
            f"(at least {need} needed on each side)"
        )
    elif change is None:
        statement = "no value on one side"
    elif change == 0:
        statement = "no change"
    else:
        way = "better" if improved else "worse"
        statement = (
            f"{way} after the session ({before.n} {unit} before, {after.n} after); "
            "a before/after difference, not proof the coaching caused it"
        )
    return Effect(metric, before, after, change, improved, enough, statement)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- the coaching queue ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An agent with their value of the chosen metric over the look-back period, the goal
    that applies to them (None: no target covers them) and their last coaching session."""

    employee_id: int
    name: str
    team: str | None
    value: float | None
    n: int
    goal: float | None
    last_session: date | None


@dataclass(frozen=True)
class QueueEntry:
    candidate: Candidate
    shortfall: float
    relative_shortfall: float
    days_since_coaching: int | None


def coaching_queue(
    metric: str, candidates: Iterable[Candidate], today: date, recent_days: int, *, minimum: int = 1
) -> list[QueueEntry]:
    """Agents under their goal on ``metric`` with no session in the last ``recent_days``
    days (a session on ``today - recent_days`` or later counts as recent), ordered by
    relative shortfall, largest first (ties: name). Agents with fewer than ``minimum``
    observations are left out: a shortfall on two contacts is noise."""
    if recent_days < 0:
        raise CoachingError("days: not negative")
    out = []
    for c in candidates:
        if c.goal is None or c.value is None or c.n < minimum:
            continue
        miss = shortfall(metric, c.value, c.goal)
        if miss is None or miss <= 1e-12:
            continue
        since = (today - c.last_session).days if c.last_session is not None else None
        if since is not None and since <= recent_days:
            continue
        rel = relative_shortfall(metric, c.value, c.goal)
        out.append(QueueEntry(c, miss, rel if rel is not None else miss, since))
    out.sort(key=lambda e: (-e.relative_shortfall, e.candidate.name))
    return out


# --- nesting (new hires) -----------------------------------------------------------------


def tenure_week(hire_date: date, day: date) -> int:
    """Week of tenure of ``day``: 1 for the hire day and the six days after it, 2 for the
    next seven, …; 0 before the hire date."""
    if day < hire_date:
        return 0
    return (day - hire_date).days // 7 + 1


def week_bounds(hire_date: date, week: int) -> tuple[date, date]:
    """First and last day of tenure week ``week`` (1-based)."""
    if week < 1:
        raise CoachingError("week: at least 1")
    start = hire_date + timedelta(days=7 * (week - 1))
    return start, start + timedelta(days=6)


def checklist_progress(done: Sequence[bool]) -> float | None:
    """Fraction of checklist items done; None for an empty checklist."""
    return sum(done) / len(done) if done else None
