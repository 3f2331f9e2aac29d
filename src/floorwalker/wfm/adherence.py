"""Schedule adherence and conformance of one agent's day, minute by minute
(/work/shared/spec/kpis.md, "Adherence" and "Conformance"; docs/adherence.md).

Pure: the scheduled shift with its activities and the agent's state spans in, numbers and
exceptions out. Every time is a naive UTC datetime; every result duration is minutes.

* A minute of the shift is *scheduled* as the activity covering it (break, lunch, meeting,
  training, coaching), otherwise work. The agent's state in a minute is the state covering
  the middle of that minute (no state recorded: logged out).
* **Adherence** = minutes in the scheduled activity at the scheduled time / scheduled
  minutes. In the activity means: work → a productive state (available, on contact, wrap
  up); break, lunch, meeting, training, coaching → off the phones (not ready or logged out).
* **Conformance** = worked minutes (logged in and productive, anywhere in the day's
  window, inside the shift or not) / scheduled productive (work) minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

PRODUCTIVE_STATES = frozenset({"available", "on_contact", "wrap_up"})
OFF_PHONE_KINDS = frozenset({"break", "lunch", "meeting", "training", "coaching"})
BREAK_KINDS = frozenset({"break", "lunch"})
MINUTE = timedelta(minutes=1)
HALF_MINUTE = timedelta(seconds=30)


@dataclass(frozen=True)
class Block:
    """A scheduled activity inside a shift, [start, end) naive UTC."""

    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class StateSpan:
    """One recorded agent state, [start, end) naive UTC; ``reason`` the not-ready reason."""

    state: str
    start: datetime
    end: datetime
    reason: str | None = None


@dataclass(frozen=True)
class AdherenceException:
    """A departure from the schedule: ``kind`` is late_login, early_logoff, long_break or
    absent; ``start`` when it began (naive UTC); ``minutes`` how long it lasted."""

    kind: str
    start: datetime
    minutes: int


@dataclass(frozen=True)
class AgentDay:
    """One agent's day. ``adherence`` and ``conformance`` are fractions (None when nothing
    of that kind is scheduled)."""

    scheduled_min: int
    adherent_min: int
    productive_scheduled_min: int
    worked_min: int
    adherence: float | None
    conformance: float | None
    exceptions: tuple[AdherenceException, ...] = field(default_factory=tuple)


def _minutes(start: datetime, end: datetime) -> list[datetime]:
    out = []
    m = start
    while m < end:
        out.append(m)
        m += MINUTE
    return out


def state_at(states: Sequence[StateSpan], moments: Sequence[datetime]) -> list[str]:
    """The state covering each moment (``logged_out`` where none does); ``moments`` sorted."""
    return [s.state if s is not None else "logged_out" for s in span_at(states, moments)]


def span_at(states: Sequence[StateSpan], moments: Sequence[datetime]) -> list[StateSpan | None]:
    """The state span covering each moment (None where none does); ``moments`` sorted."""
    spans = sorted(states, key=lambda s: s.start)
    out: list[StateSpan | None] = []
    i = 0
    for moment in moments:
        while i < len(spans) and spans[i].end <= moment:
            i += 1
        j = i
        found = None
        while j < len(spans) and spans[j].start <= moment:
            if moment < spans[j].end:
                found = spans[j]
                break
            j += 1
        out.append(found)
    return out


def scheduled_kind(blocks: Sequence[Block], minute: datetime) -> str:
    for b in blocks:
        if b.start <= minute < b.end:
            return b.kind
    return "work"


def is_adherent(kind: str, state: str) -> bool:
    """Whether being in ``state`` keeps to a scheduled ``kind`` of activity."""
    if kind == "work":
        return state in PRODUCTIVE_STATES
    return state not in PRODUCTIVE_STATES


def agent_day(
    shift_start: datetime,
    shift_end: datetime,
    blocks: Sequence[Block],
    states: Sequence[StateSpan],
    *,
    window: tuple[datetime, datetime] | None = None,
    grace_min: int = 0,
) -> AgentDay:
    """Adherence, conformance and exceptions of one shift [shift_start, shift_end) with its
    activity ``blocks`` against the agent's ``states``. Conformance counts worked minutes in
    ``window`` (default: the shift). An exception is listed when it lasts more than
    ``grace_min`` minutes: late_login (first logged-in minute after the shift start),
    early_logoff (last logged-in minute before the shift end), long_break (a run of
    off-phone minutes that overlaps a scheduled break or lunch and runs into scheduled work;
    its minutes are those work minutes), absent (not logged in at any minute of the shift)."""
    if shift_end <= shift_start:
        raise ValueError("the shift must end after it starts")
    moments = _minutes(shift_start, shift_end)
    kinds = [scheduled_kind(blocks, m) for m in moments]
    in_shift = state_at(states, [m + HALF_MINUTE for m in moments])
    adherent = sum(is_adherent(k, s) for k, s in zip(kinds, in_shift, strict=True))
    work_min = sum(k == "work" for k in kinds)
    w_start, w_end = window if window is not None else (shift_start, shift_end)
    day = state_at(states, [m + HALF_MINUTE for m in _minutes(w_start, w_end)])
    worked = sum(s in PRODUCTIVE_STATES for s in day)
    return AgentDay(
        scheduled_min=len(moments),
        adherent_min=adherent,
        productive_scheduled_min=work_min,
        worked_min=worked,
        adherence=adherent / len(moments),
        conformance=worked / work_min if work_min else None,
        exceptions=tuple(_exceptions(moments, kinds, in_shift, grace_min)),
    )


def _exceptions(
    moments: Sequence[datetime], kinds: Sequence[str], states: Sequence[str], grace: int
) -> list[AdherenceException]:
    logged = [i for i, s in enumerate(states) if s != "logged_out"]
    if not logged:
        return [AdherenceException("absent", moments[0], len(moments))]
    out: list[AdherenceException] = []
    first, last = logged[0], logged[-1]
    if first > grace:
        out.append(AdherenceException("late_login", moments[0], first))
    early = len(moments) - 1 - last
    if early > grace:
        out.append(AdherenceException("early_logoff", moments[last + 1], early))
    i = first
    while i <= last:  # runs of off-phone minutes between the first and last log-in
        if states[i] in PRODUCTIVE_STATES:
            i += 1
            continue
        j = i
        while j <= last and states[j] not in PRODUCTIVE_STATES:
            j += 1
        run = range(i, j)
        if any(kinds[k] in BREAK_KINDS for k in run):
            over = [k for k in run if kinds[k] == "work"]
            if len(over) > grace:
                out.append(AdherenceException("long_break", moments[over[0]], len(over)))
        i = j
    return out
