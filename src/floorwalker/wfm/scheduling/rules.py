"""The inputs of a schedule: shift templates, contract work rules, breaks, agents,
availability, preferences, approved time off and planned activities.

Every time is a whole number of minutes from the start of the horizon (Monday 00:00 of
the scheduled week, site-local time). Every duration is minutes. Days are numbered from
0 (Monday). These classes hold data only; the optimiser (model.py/solve.py) and the
independent checker (check.py) both read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440

#: Activity kinds of a schedule (glossary: activity).
ACTIVITY_KINDS = ("work", "break", "lunch", "meeting", "training", "coaching", "off")
BREAK_KINDS = ("break", "lunch")
PLANNED_KINDS = ("meeting", "training", "coaching")


@dataclass(frozen=True)
class BreakRule:
    """One break or lunch every shift of a template takes.

    The break starts between ``earliest_start`` and ``latest_start`` minutes after the
    shift starts (inclusive) and lasts ``duration`` minutes. Unpaid breaks are not paid
    time and do not count toward weekly hours.
    """

    name: str
    kind: str
    duration: int
    earliest_start: int
    latest_start: int
    paid: bool


@dataclass(frozen=True)
class ShiftTemplate:
    """Which shifts may be worked: allowed start times (minutes after midnight), lengths
    (minutes, start to end including breaks) and days (0 = Monday).

    ``cost_per_hour`` is the cost of one paid hour on this template (any unit, e.g. the
    hourly rate with premiums); ``max_agents`` caps how many agents work it on one day.
    """

    name: str
    start_times: tuple[int, ...]
    lengths: tuple[int, ...]
    days: tuple[int, ...]
    breaks: tuple[BreakRule, ...] = ()
    cost_per_hour: float = 0.0
    max_agents: int | None = None

    def unpaid_minutes(self) -> int:
        return sum(b.duration for b in self.breaks if not b.paid)


@dataclass(frozen=True)
class Contract:
    """Work rules of a contract, for one week.

    Weekly paid minutes between ``min_weekly`` and ``max_weekly`` (approved paid time off
    counts); at least ``min_days_off`` days without a shift start; at most
    ``max_consecutive_days`` working days in a row; at least ``min_rest`` minutes between
    the end of one shift and the start of the next.

    Night rules: a shift is a night shift when at least ``night_min_minutes`` of it fall in
    the night window (``night_start``–``night_end`` minutes after midnight, wrapping over
    midnight when start > end; 23:00–06:00 and 3 h by default, the EU working-time
    directive's reference). At most ``max_night_shifts`` night shifts a week (None: no
    cap), and at least ``rest_after_night`` minutes of rest after one (None: ``min_rest``).
    """

    name: str
    min_weekly: int = 0
    max_weekly: int = 7 * MINUTES_PER_DAY
    min_days_off: int = 0
    max_consecutive_days: int = 7
    min_rest: int = 0
    night_start: int = 23 * 60
    night_end: int = 6 * 60
    night_min_minutes: int = 180
    max_night_shifts: int | None = None
    rest_after_night: int | None = None


@dataclass(frozen=True)
class Window:
    """A span of the horizon, ``start`` inclusive to ``end`` exclusive (minutes)."""

    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


@dataclass(frozen=True)
class TimeOff:
    """Approved time off: no shift may overlap it. ``credit`` paid minutes count toward
    the contract's weekly hours (paid leave); 0 for unpaid leave."""

    window: Window
    credit: int = 0


@dataclass(frozen=True)
class Preferences:
    """Soft wishes: days the agent would rather have off, start times (minutes after
    midnight) the agent would rather start at. ``weight`` scales the penalty of each unmet
    wish (one worked preferred day off, one shift starting at another time)."""

    days_off: tuple[int, ...] = ()
    start_times: tuple[int, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Agent:
    """An agent to schedule. ``templates`` limits the shift templates the agent may work
    (None: all). ``availability`` lists the windows the agent can work in (None: any time);
    a shift must lie inside one window.

    The previous week, for a week that does not repeat (not cyclic): ``rest_until`` — no
    shift may start before this minute of the horizon (the previous week's last shift's end
    plus the contract's rest, as minutes from the horizon's start; ≤ 0: no limit) — and
    ``days_in_a_row_before``, the working days in a row that week ended with (they count
    toward the contract's consecutive-day limit)."""

    id: str
    contract: str
    templates: tuple[str, ...] | None = None
    availability: tuple[Window, ...] | None = None
    time_off: tuple[TimeOff, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    rest_until: int = 0
    days_in_a_row_before: int = 0


@dataclass(frozen=True)
class PlannedActivity:
    """A meeting, training or coaching session the optimiser places: ``duration`` minutes,
    starting inside ``window`` and ending by its end, attended by every participant at the
    same time, inside their shifts and off the phones (never over their breaks)."""

    name: str
    kind: str
    duration: int
    participants: tuple[str, ...]
    window: Window


@dataclass(frozen=True)
class Demand:
    """Forecast per interval, used to weight under-coverage and project service level:
    ``contacts`` offered and average handle time ``aht`` (seconds) per interval, service
    level threshold ``threshold`` (seconds)."""

    contacts: tuple[float, ...]
    aht: tuple[float, ...]
    threshold: float = 20.0


@dataclass(frozen=True)
class Weights:
    """Objective weights (see docs/scheduling.md).

    ``under``: one missing agent for one interval (times the interval's service-level
    weight when demand is given); ``over``: one surplus agent for one interval; ``cost``:
    multiplies each shift's paid hours × template cost per hour; ``preference``: multiplies
    each unmet wish's weight.
    """

    under: float = 1.0
    over: float = 0.2
    cost: float = 0.0
    preference: float = 0.05


@dataclass(frozen=True)
class Instance:
    """One scheduling problem: ``days`` days of ``interval`` minutes each (15 by default),
    ``requirement`` agents needed on contacts per interval (len = days × 1440 / interval).

    ``cyclic``: the week repeats (a shift running past the end of the last day covers the
    first day's early intervals, and rest/consecutive-day rules wrap around). ``seats``
    caps agents on the phones in any interval (None: no cap).
    """

    interval: int
    days: int
    requirement: tuple[int, ...]
    templates: tuple[ShiftTemplate, ...]
    contracts: dict[str, Contract]
    agents: tuple[Agent, ...]
    activities: tuple[PlannedActivity, ...] = ()
    demand: Demand | None = None
    weights: Weights = field(default_factory=Weights)
    cyclic: bool = False
    seats: int | None = None

    @property
    def horizon(self) -> int:
        """Minutes in the horizon."""
        return self.days * MINUTES_PER_DAY

    @property
    def intervals(self) -> int:
        return self.horizon // self.interval

    def template(self, name: str) -> ShiftTemplate:
        for t in self.templates:
            if t.name == name:
                return t
        raise KeyError(name)


@dataclass(frozen=True)
class ScheduledActivity:
    """A timed block inside a shift: break, lunch, meeting, training or coaching."""

    kind: str
    name: str
    start: int
    end: int
    paid: bool = True


@dataclass(frozen=True)
class ScheduledShift:
    """One agent's shift: template, day it starts on, start and end (minutes from the
    horizon start; end may pass the horizon end), and the activities inside it."""

    agent: str
    template: str
    day: int
    start: int
    end: int
    activities: tuple[ScheduledActivity, ...] = ()

    @property
    def length(self) -> int:
        return self.end - self.start


def night_minutes(contract: Contract, start: int, end: int) -> int:
    """Minutes of [start, end) inside the contract's night window (any day)."""
    total = 0
    day0 = start // MINUTES_PER_DAY - 1
    for d in range(day0, end // MINUTES_PER_DAY + 1):
        base = d * MINUTES_PER_DAY
        if contract.night_start > contract.night_end:
            spans = [(base + contract.night_start, base + MINUTES_PER_DAY + contract.night_end)]
        else:
            spans = [(base + contract.night_start, base + contract.night_end)]
        for s, e in spans:
            total += max(0, min(end, e) - max(start, s))
    return total


def is_night_shift(contract: Contract, start: int, end: int) -> bool:
    return night_minutes(contract, start, end) >= contract.night_min_minutes


def first_days_limit(contract: Contract, days_in_a_row_before: int, horizon_days: int) -> int | None:
    """How many of the horizon's first days an agent who ended the previous week with
    ``days_in_a_row_before`` working days in a row may not all work (one of them must be
    a day off), or None when the carried run cannot break the consecutive-day limit."""
    if days_in_a_row_before <= 0 or contract.max_consecutive_days >= horizon_days + days_in_a_row_before:
        return None
    return max(1, contract.max_consecutive_days + 1 - days_in_a_row_before)


def rest_after(contract: Contract, start: int, end: int) -> int:
    """Minimum rest (minutes) after a shift [start, end) under ``contract``."""
    if contract.rest_after_night is not None and is_night_shift(contract, start, end):
        return max(contract.min_rest, contract.rest_after_night)
    return contract.min_rest


def paid_minutes(template: ShiftTemplate, length: int) -> int:
    return length - template.unpaid_minutes()
