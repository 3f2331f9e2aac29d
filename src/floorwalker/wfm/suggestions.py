"""Intraday suggestions: concrete changes to the rest of today's published schedule, each
with its projected effect on the staffing gap and the projected service level per interval
(docs/workforce.md, "Intraday suggestions").

Pure: the rest of the day's intervals (reforecast requirement, contacts, AHT), the agents
of the day (shift, activities, their template's break rules, their week's contract
figures) and ``now`` in; a ranked list of suggestions out. Every time is a naive UTC
datetime, every duration minutes unless the name says hours or seconds.

Kinds, each kept to the rules it would otherwise break:

* ``break_move``: a break or lunch that has not started moves to another start inside its
  template window (shift start + earliest … latest), inside the shift, over no other block.
* ``meeting_move`` / ``meeting_cancel``: a meeting, training or coaching block that has not
  started and falls in an understaffed interval moves to a later or earlier start inside
  the shift where the surplus absorbs it (every interval it lands in stays covered), or,
  when no such start exists, is cancelled (its minutes become work).
* ``overtime``: a shift extended before its start or after its end, or an extra block for an
  agent off today (not on approved time off), over understaffed intervals only; never past
  the contract's weekly maximum, never inside the minimum rest before the next shift or
  after the previous one, never taking a day off below the contract's minimum days off or
  past its maximum consecutive working days.
* ``vto`` (voluntary time off): a shift shortened at its start or end where every interval
  it leaves stays covered (scheduled ≥ required); never below the contract's weekly
  minimum, never cutting a block, leaving at least ``MIN_SHIFT_AFTER_VTO_MIN``.

Projected effect: scheduled agents of an interval = the minutes each agent is on shift and
not in a block / interval minutes (so a 15-minute break takes half an agent out of a
30-minute interval); agents on contacts = scheduled × ``available`` (1 − unplanned
shrinkage, as in the requirement); service level per interval by Erlang C, or Erlang A when
a patience is given (floorwalker.wfm.erlang / erlang_a), linear between whole agents; the
rest of the day's service level is weighted by the reforecast contacts.

Ranking: by service-level gain per agent-hour (the gain in the rest of the day's projected
service level, fraction points, divided by the agent-hours the action moves, adds or
removes); ties, such as intervals so short of agents that one more leaves Erlang C's
service level at 0, go to the under-coverage closed per agent-hour, then to the longer
action. Greedily: the best suggestion is taken, its effect applied, and the next is
measured on top of it, so each suggestion's "before" is the previous one's "after". VTO
offers, which never raise service level, come last, by the least service level given up
per agent-hour released (ties: the longer release first).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from floorwalker.wfm.erlang import erlang_c
from floorwalker.wfm.erlang_a import erlang_a
from floorwalker.wfm.scheduling.rules import BREAK_KINDS, PLANNED_KINDS, BreakRule

#: Break and meeting starts are tried on this grid (minutes).
MOVE_STEP_MIN = 15
#: Longest extension of a shift offered as overtime (minutes).
MAX_EXTENSION_MIN = 120
#: Lengths of an extra overtime block for an agent off today (minutes).
EXTRA_BLOCK_MIN = (120, 240)
#: Longest voluntary time off offered at once, and the shortest shift it may leave (minutes).
MAX_VTO_MIN = 240
MIN_SHIFT_AFTER_VTO_MIN = 240
#: At most this many suggestions of each phase (improvements, then VTO).
MAX_SUGGESTIONS = 25
#: Gains below this (fraction points of service level) are not worth an action.
MIN_GAIN = 1e-4
_EPS = 1e-9


@dataclass(frozen=True)
class Slot:
    """One interval of the rest of the day: ``required`` agents to schedule (reforecast),
    reforecast ``contacts`` and average handle time ``aht_s`` (seconds)."""

    start: datetime
    required: int
    contacts: float
    aht_s: float


@dataclass(frozen=True)
class ServiceModel:
    """How agents turn into service level: ``threshold_s`` the service-level threshold T
    (seconds), ``patience_s`` mean patience (seconds; None: Erlang C, else Erlang A),
    ``available`` the fraction of scheduled agents on contacts (1 − unplanned shrinkage)."""

    interval_min: int
    threshold_s: float
    patience_s: float | None = None
    available: float = 1.0


@dataclass(frozen=True)
class Activity:
    """A block of a shift: break, lunch, meeting, training or coaching, [start, end)."""

    id: int | None
    kind: str
    name: str
    start: datetime
    end: datetime
    paid: bool = True

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class WeekRules:
    """The agent's contract figures for the week of today: ``paid_min`` paid minutes already
    scheduled this week (today's shift included), the contract's ``min_weekly`` and
    ``max_weekly`` paid minutes and ``min_rest`` minutes between shifts; the end of the
    agent's shift before today's and the start of the one after (None: none near);
    ``days_off`` days without a shift this week and the contract's ``min_days_off``;
    ``run_if_worked`` the consecutive working days today would make if worked and the
    contract's ``max_consecutive_days``."""

    paid_min: int
    min_weekly: int
    max_weekly: int
    min_rest: int
    previous_end: datetime | None = None
    next_start: datetime | None = None
    days_off: int = 7
    min_days_off: int = 0
    run_if_worked: int = 1
    max_consecutive_days: int = 7


@dataclass(frozen=True)
class AgentToday:
    """An agent of the day: today's shift [start, end) with its blocks and its template's
    break rules, or no shift (``start`` None: off today; ``may_work`` False when the day off
    is approved time off). ``actionable``: the caller may act on this agent (the coverage
    counts every agent either way)."""

    agent: str
    week: WeekRules
    shift_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    activities: tuple[Activity, ...] = ()
    break_rules: tuple[BreakRule, ...] = ()
    actionable: bool = True
    may_work: bool = True


@dataclass(frozen=True)
class IntervalEffect:
    """One interval an action touches: scheduled agents before and after, the requirement,
    and the projected service level before and after (None: no contacts)."""

    start: datetime
    required: int
    scheduled_before: float
    scheduled_after: float
    sl_before: float | None
    sl_after: float | None

    @property
    def gap_before(self) -> float:
        return self.scheduled_before - self.required

    @property
    def gap_after(self) -> float:
        return self.scheduled_after - self.required


@dataclass(frozen=True)
class Suggestion:
    """One proposed action. ``start``–``end`` is the span it changes (the new place of a
    moved block, the added or released time); ``from_start``–``from_end`` the old place of a
    moved or cancelled block. ``sl_before`` / ``sl_after``: the rest of the day's projected
    service level (fractions; None without contacts); ``gain_per_agent_hour`` their
    difference per agent-hour."""

    kind: str
    agent: str
    text: str
    start: datetime
    end: datetime
    agent_hours: float
    sl_before: float | None
    sl_after: float | None
    gain_per_agent_hour: float
    shift_id: int | None = None
    activity_id: int | None = None
    activity: str | None = None
    activity_kind: str | None = None
    from_start: datetime | None = None
    from_end: datetime | None = None
    intervals: tuple[IntervalEffect, ...] = field(default_factory=tuple)


# --- coverage and service level --------------------------------------------------------


def _overlap_min(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds() / 60.0)


def coverage(agents: Sequence[AgentToday], slots: Sequence[Slot], interval_min: int) -> list[float]:
    """Scheduled agents per slot: minutes on shift and not in a block / interval minutes."""
    step = timedelta(minutes=interval_min)
    out = [0.0] * len(slots)
    for a in agents:
        if a.start is None or a.end is None:
            continue
        for t, s in enumerate(slots):
            on = _overlap_min(a.start, a.end, s.start, s.start + step)
            if on <= 0:
                continue
            off = sum(_overlap_min(b.start, b.end, s.start, s.start + step) for b in a.activities)
            out[t] += (on - off) / interval_min
    return out


class _Levels:
    """Service level per slot as a function of scheduled agents (precomputed per whole
    agent on contacts, linear in between)."""

    def __init__(self, slots: Sequence[Slot], model: ServiceModel, top: float) -> None:
        self.contacts = [s.contacts for s in slots]
        self.model = model
        self.total = sum(c for c in self.contacts if c > 0)
        n = np.arange(0, math.ceil(top * model.available) + 3)
        self.table: list[np.ndarray | None] = []
        self._memo: dict[tuple[int, float], float | None] = {}
        seconds = model.interval_min * 60.0
        for s in slots:
            if s.contacts <= 0 or s.aht_s <= 0:
                self.table.append(None)
                continue
            traffic = s.contacts * s.aht_s / seconds
            if model.patience_s is None:
                m = erlang_c(n, traffic, s.aht_s, model.threshold_s)
            else:
                m = erlang_a(n, traffic, s.aht_s, model.patience_s, model.threshold_s)
            self.table.append(np.asarray(m.service_level, dtype=np.float64))

    def level(self, t: int, scheduled: float) -> float | None:
        key = (t, scheduled)
        if key in self._memo:
            return self._memo[key]
        out = self._memo[key] = self._level(t, scheduled)
        return out

    def _level(self, t: int, scheduled: float) -> float | None:
        table = self.table[t]
        if table is None:
            return None
        x = max(0.0, scheduled) * self.model.available
        lo = min(math.floor(x), len(table) - 1)
        hi = min(lo + 1, len(table) - 1)
        frac = min(1.0, x - lo)
        return float(table[lo] + (table[hi] - table[lo]) * frac)

    def day(self, cov: Sequence[float]) -> float | None:
        if self.total <= 0:
            return None
        answered = 0.0
        for t, c in enumerate(cov):
            sl = self.level(t, c)
            if sl is not None:
                answered += sl * self.contacts[t]
        return answered / self.total


def projected_service_level(
    slots: Sequence[Slot], model: ServiceModel, scheduled: Sequence[float]
) -> tuple[list[float | None], float | None]:
    """Projected service level per slot for ``scheduled`` agents (None where no contacts)
    and over the slots, weighted by contacts."""
    levels = _Levels(slots, model, max(scheduled, default=0.0) + 1)
    return [levels.level(t, c) for t, c in enumerate(scheduled)], levels.day(scheduled)


# --- candidates ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    kind: str
    agent: str
    key: tuple[object, ...]
    spans: tuple[tuple[datetime, datetime, int], ...]
    minutes: float
    start: datetime
    end: datetime
    shift_id: int | None = None
    activity: Activity | None = None


class _Day:
    """The working state of the greedy search: agents (blocks as moved so far), coverage."""

    def __init__(
        self, agents: Sequence[AgentToday], slots: Sequence[Slot], model: ServiceModel, now: datetime
    ):
        self.agents = {a.agent: a for a in agents}
        self.slots = slots
        self.model = model
        self.now = now
        self.step = timedelta(minutes=model.interval_min)
        self.cov = coverage(agents, slots, model.interval_min)
        top = max([*self.cov, *(s.required for s in slots), 0.0]) + MAX_SUGGESTIONS + len(agents)
        self.levels = _Levels(slots, model, top)
        self.used: set[tuple[object, ...]] = set()
        self._deltas: dict[tuple[tuple[datetime, datetime, int], ...], dict[int, float]] = {}
        self._touched: dict[tuple[datetime, datetime], list[tuple[int, float]]] = {}
        #: Scores of candidates by (spans, minutes), and which of them read each slot.
        self.scores: dict[tuple[object, ...], tuple[float, float, float] | None] = {}
        self.scored_at: dict[int, set[tuple[object, ...]]] = {}
        self.contiguous = all(b.start - a.start == self.step for a, b in itertools.pairwise(slots))
        self.day_end = slots[-1].start + self.step if slots else now

    def gap(self, t: int) -> float:
        return self.cov[t] - self.slots[t].required

    def touched(self, start: datetime, end: datetime) -> list[tuple[int, float]]:
        """(slot index, agents) a span [start, end) is worth in each slot it overlaps."""
        key = (start, end)
        found = self._touched.get(key)
        if found is None:
            found = self._touched[key] = self._touch(start, end)
        return found

    def _touch(self, start: datetime, end: datetime) -> list[tuple[int, float]]:
        if self.contiguous and self.slots:
            first = (start - self.slots[0].start) // self.step
            last = -((self.slots[0].start - end) // self.step)
            candidates: range = range(max(0, first), min(len(self.slots), last))
        else:
            candidates = range(len(self.slots))
        out = []
        for t in candidates:
            s = self.slots[t]
            m = _overlap_min(start, end, s.start, s.start + self.step)
            if m > 0:
                out.append((t, m / self.model.interval_min))
        return out

    def delta(self, c: _Candidate) -> dict[int, float]:
        """Change of scheduled agents per slot if ``c`` is applied."""
        found = self._deltas.get(c.spans)
        if found is None:
            found = self._deltas[c.spans] = self._delta(c)
        return found

    def _delta(self, c: _Candidate) -> dict[int, float]:
        d: dict[int, float] = {}
        for start, end, sign in c.spans:
            for t, v in self.touched(start, end):
                d[t] = d.get(t, 0.0) + sign * v
        return {t: v for t, v in d.items() if abs(v) > _EPS}

    def gain(self, d: dict[int, float]) -> float:
        """Change of the rest of the day's service level (fraction points)."""
        if self.levels.total <= 0:
            return 0.0
        change = 0.0
        for t, v in d.items():
            before = self.levels.level(t, self.cov[t])
            if before is None:
                continue
            after = self.levels.level(t, self.cov[t] + v)
            change += ((after or 0.0) - before) * self.slots[t].contacts
        return change / self.levels.total

    def under_closed(self, d: dict[int, float]) -> float:
        """Agent-hours of under-coverage (required − scheduled, where positive) ``d`` removes."""
        hours = self.model.interval_min / 60
        return sum((max(0.0, -self.gap(t)) - max(0.0, -(self.gap(t) + v))) * hours for t, v in d.items())

    def understaffed(self, start: datetime, end: datetime) -> bool:
        """Every slot [start, end) touches is inside today's slots and understaffed."""
        hit = self.touched(start, end)
        covered = sum(v for _, v in hit) * self.model.interval_min
        inside = abs(covered - (end - start).total_seconds() / 60) < 1e-6
        return bool(hit) and inside and all(self.gap(t) < -_EPS for t, _ in hit)

    def stays_covered(self, d: dict[int, float]) -> bool:
        return all(self.gap(t) + v >= -_EPS for t, v in d.items() if v < 0)


def _key(agent: str, b: Activity, start: datetime) -> tuple[object, ...]:
    return ("act", agent, b.kind, b.name, start)


def _free(a: AgentToday, start: datetime, end: datetime, skip: Activity | None) -> bool:
    return all(b is skip or b.end <= start or end <= b.start for b in a.activities)


def _grid(first: datetime, last: datetime, now: datetime, step_min: int) -> list[datetime]:
    """Starts first, first + step, … up to last, not before now."""
    out = []
    at = first
    while at <= last:
        if at >= now:
            out.append(at)
        at += timedelta(minutes=step_min)
    return out


def _break_moves(day: _Day, a: AgentToday) -> list[_Candidate]:
    if a.start is None or a.end is None:
        return []
    out = []
    for b in a.activities:
        if b.kind not in BREAK_KINDS or b.start <= day.now or _key(a.agent, b, b.start) in day.used:
            continue
        rule = next((r for r in a.break_rules if r.name == b.name and r.kind == b.kind), None)
        if rule is None:
            continue  # no window known: never moved
        length = b.end - b.start
        lo = a.start + timedelta(minutes=rule.earliest_start)
        hi = a.start + timedelta(minutes=rule.latest_start)
        for s in _grid(lo, hi, day.now, MOVE_STEP_MIN):
            if s == b.start or s + length > a.end or s < a.start or not _free(a, s, s + length, b):
                continue
            out.append(
                _Candidate(
                    "break_move", a.agent, _key(a.agent, b, b.start),
                    ((b.start, b.end, +1), (s, s + length, -1)), b.minutes, s, s + length, a.shift_id, b,
                )
            )  # fmt: skip
    return out


def _meeting_moves(day: _Day, a: AgentToday) -> list[_Candidate]:
    if a.start is None or a.end is None:
        return []
    out = []
    for b in a.activities:
        if b.kind not in PLANNED_KINDS or b.start <= day.now or _key(a.agent, b, b.start) in day.used:
            continue
        if not any(day.gap(t) < -_EPS for t, _ in day.touched(b.start, b.end)):
            continue
        length = b.end - b.start
        key = _key(a.agent, b, b.start)
        moves = []
        for s in _grid(a.start, a.end - length, day.now, MOVE_STEP_MIN):
            if s == b.start or not _free(a, s, s + length, b):
                continue
            c = _Candidate(
                "meeting_move", a.agent, key, ((b.start, b.end, +1), (s, s + length, -1)),
                b.minutes, s, s + length, a.shift_id, b,
            )  # fmt: skip
            if day.stays_covered(day.delta(c)):
                moves.append(c)
        if moves:
            out.extend(moves)
        else:
            out.append(
                _Candidate("meeting_cancel", a.agent, key, ((b.start, b.end, +1),), b.minutes,
                           b.start, b.end, a.shift_id, b)
            )  # fmt: skip
    return out


def _rest_ok(w: WeekRules, start: datetime, end: datetime) -> bool:
    rest = timedelta(minutes=w.min_rest)
    if w.previous_end is not None and w.previous_end <= start and w.previous_end + rest > start:
        return False
    return not (w.next_start is not None and w.next_start >= end and end + rest > w.next_start)


def _overtime(day: _Day, a: AgentToday) -> list[_Candidate]:
    w = a.week
    out = []
    key: tuple[object, ...] = ("agent", a.agent)
    if a.start is not None and a.end is not None:
        for k in range(1, MAX_EXTENSION_MIN // day.model.interval_min + 1):
            extra = day.step * k
            minutes = extra.total_seconds() / 60
            if w.paid_min + minutes > w.max_weekly:
                break
            for s, e in ((a.end, a.end + extra), (a.start - extra, a.start)):
                if s < day.now or not day.understaffed(s, e):
                    continue
                new_start, new_end = min(s, a.start), max(e, a.end)
                if _rest_ok(w, new_start, new_end):
                    out.append(_Candidate("overtime", a.agent, key, ((s, e, +1),), minutes, s, e, a.shift_id))
        return out
    if not a.may_work or w.days_off - 1 < w.min_days_off or w.run_if_worked > w.max_consecutive_days:
        return out
    for length in EXTRA_BLOCK_MIN:
        if w.paid_min + length > w.max_weekly:
            continue
        for t, slot in enumerate(day.slots):
            s, e = slot.start, slot.start + timedelta(minutes=length)
            if s < day.now or day.gap(t) >= -_EPS or not day.understaffed(s, e) or not _rest_ok(w, s, e):
                continue
            out.append(_Candidate("overtime", a.agent, key, ((s, e, +1),), float(length), s, e))
    return out


def _vto(day: _Day, a: AgentToday) -> list[_Candidate]:
    if a.start is None or a.end is None:
        return []
    w = a.week
    out = []
    key: tuple[object, ...] = ("agent", a.agent)
    length = (a.end - a.start).total_seconds() / 60
    for k in range(1, MAX_VTO_MIN // day.model.interval_min + 1):
        cut = day.step * k
        minutes = cut.total_seconds() / 60
        if length - minutes < MIN_SHIFT_AFTER_VTO_MIN or w.paid_min - minutes < w.min_weekly:
            break
        for s, e in ((a.end - cut, a.end), (a.start, a.start + cut)):
            if s < day.now or not _free(a, s, e, None) or not day.touched(s, e):
                continue
            c = _Candidate("vto", a.agent, key, ((s, e, -1),), minutes, s, e, a.shift_id)
            if day.stays_covered(day.delta(c)):
                out.append(c)
    return out


# --- the greedy search ---------------------------------------------------------------


def describe(s: Suggestion, clock: Callable[[datetime], datetime] | None = None) -> str:
    """A sentence for ``s``; ``clock`` turns its naive UTC times into the times to show
    (the site's local time; default: UTC as given)."""
    show = clock or (lambda moment: moment)

    def hm(moment: datetime | None) -> str:
        return "" if moment is None else show(moment).strftime("%H:%M")

    if s.kind == "break_move":
        return f"Move {s.agent}'s {s.activity} from {hm(s.from_start)} to {hm(s.start)}"
    if s.kind == "meeting_move":
        return f"Move {s.agent}'s {s.activity_kind} '{s.activity}' from {hm(s.from_start)} to {hm(s.start)}"
    if s.kind == "meeting_cancel":
        return f"Cancel {s.agent}'s {s.activity_kind} '{s.activity}' {hm(s.start)}–{hm(s.end)}"
    if s.kind == "overtime":
        return f"Offer {s.agent} overtime {hm(s.start)}–{hm(s.end)}"
    return f"Offer {s.agent} voluntary time off {hm(s.start)}–{hm(s.end)}"


def _apply(day: _Day, c: _Candidate, d: dict[int, float]) -> None:
    for t, v in d.items():
        day.cov[t] += v
    a = day.agents[c.agent]
    b = c.activity
    if c.kind in ("break_move", "meeting_move") and b is not None:
        moved = replace(b, start=c.start, end=c.end)
        acts = tuple(moved if x is b else x for x in a.activities)
        day.agents[c.agent] = replace(a, activities=acts)
        day.used.add(_key(c.agent, b, c.start))
    elif c.kind == "meeting_cancel" and b is not None:
        day.agents[c.agent] = replace(a, activities=tuple(x for x in a.activities if x is not b))
    day.used.add(c.key)


def _suggestion(day: _Day, c: _Candidate, d: dict[int, float]) -> Suggestion:
    before = day.levels.day(day.cov)
    effects = []
    for t in sorted(d):
        s = day.slots[t]
        effects.append(
            IntervalEffect(
                s.start, s.required, round(day.cov[t], 4), round(day.cov[t] + d[t], 4),
                day.levels.level(t, day.cov[t]), day.levels.level(t, day.cov[t] + d[t]),
            )
        )  # fmt: skip
    hours = c.minutes / 60
    gain = day.gain(d)
    after = None if before is None else before + gain
    b = c.activity
    out = Suggestion(
        kind=c.kind, agent=c.agent, text="", start=c.start, end=c.end, agent_hours=round(hours, 4),
        sl_before=before, sl_after=after, gain_per_agent_hour=gain / hours if hours else 0.0,
        shift_id=c.shift_id, activity_id=None if b is None else b.id, activity=None if b is None else b.name,
        activity_kind=None if b is None else b.kind,
        from_start=None if b is None else b.start, from_end=None if b is None else b.end,
        intervals=tuple(effects),
    )  # fmt: skip
    return replace(out, text=describe(out))


_Score = tuple[float, float, float]


def _pick(
    day: _Day, candidates: list[_Candidate], improve: bool
) -> tuple[_Candidate, dict[int, float]] | None:
    best: tuple[_Score, _Candidate, dict[int, float]] | None = None
    for c in candidates:
        d = day.delta(c)
        if not d:
            continue
        key = (c.spans, c.minutes)
        if key in day.scores:
            score = day.scores[key]
        else:
            score = day.scores[key] = _score(day, c, d, improve)
            for t in d:
                day.scored_at.setdefault(t, set()).add(key)
        if score is not None and (best is None or score > best[0]):
            best = (score, c, d)
    return None if best is None else (best[1], best[2])


def _score(day: _Day, c: _Candidate, d: dict[int, float], improve: bool) -> _Score | None:
    """(gain per agent-hour, under-coverage closed per agent-hour, agent-hours); None when
    an improvement would not improve. Depends only on the coverage of ``d``'s slots."""
    hours = c.minutes / 60
    gain, closed = day.gain(d), day.under_closed(d)
    if improve and not (gain >= MIN_GAIN or (gain > -_EPS and closed > _EPS)):
        return None
    return (gain / hours, closed / hours, hours)


def suggest(
    slots: Sequence[Slot], model: ServiceModel, agents: Sequence[AgentToday], now: datetime
) -> list[Suggestion]:
    """Ranked suggestions for the rest of the day (see the module docstring): improvements
    (break moves, meeting moves and cancellations, overtime) by service-level gain per
    agent-hour, each measured on top of the ones before it; then VTO offers. Only
    ``actionable`` agents get suggestions; every agent counts in the coverage."""
    if model.interval_min <= 0:
        raise ValueError("interval_min must be positive")
    if not slots:
        return []
    day = _Day(agents, slots, model, now)
    out: list[Suggestion] = []
    for phase, makers in ((True, (_break_moves, _meeting_moves, _overtime)), (False, (_vto,))):
        # Break moves depend on the agent alone (their scores are computed afresh): made
        # once per agent, and again only for the agent a pick changed.
        own: dict[str, list[_Candidate]] = {}
        for _ in range(MAX_SUGGESTIONS):
            candidates = []
            for a in day.agents.values():
                if not a.actionable:
                    continue
                for make in makers:
                    if make is _break_moves:
                        if a.agent not in own:
                            own[a.agent] = _break_moves(day, a)
                        made = own[a.agent]
                    else:
                        made = make(day, a)
                    candidates.extend(c for c in made if c.key not in day.used)
            picked = _pick(day, candidates, phase)
            if picked is None:
                break
            c, d = picked
            out.append(_suggestion(day, c, d))
            _apply(day, c, d)
            own.pop(c.agent, None)
            for t in d:  # scores that read a changed slot are stale
                for key in day.scored_at.pop(t, ()):
                    day.scores.pop(key, None)
        day.scores.clear()
        day.scored_at.clear()
    return out
