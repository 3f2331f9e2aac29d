"""Agent states from Asterisk queue_log: who was logged in, paused (with the reason),
on a contact or in wrap-up, as contiguous rows cut at each site-local midnight.

Two inputs: the agent's session and pause events (ADDMEMBER/REMOVEMEMBER, AGENTLOGIN/
AGENTLOGOFF and their callback forms, PAUSE/UNPAUSE/PAUSEALL/UNPAUSEALL, PAUSEREASON),
folded into a step function (the membership rules are clearer as a loop: ``agent_steps``
in Python, the reference, and ``session_steps`` compiled with numba, which imports run),
and the contacts the agent handled, whose busy periods are merged with the steps with
numpy (millions of rows; a Python loop per row took 3× as long, DuckDB window functions
longer still). ``agent_timeline`` is the same merge one row at a time: the reference the
vectorised merge is tested against.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from floorwalker.contacts.arrow import AGENT_STATE_SCHEMA
from floorwalker.contacts.ingest import SiteContext
from floorwalker.contacts.keys import STABLE_ID_SQL
from floorwalker.contacts.queue_log import SOURCE
from floorwalker.timeutil import local_days_utc, utc_offsets

_SESSION_ON = {"AGENTLOGIN", "AGENTCALLBACKLOGIN"}
_SESSION_OFF = {"AGENTLOGOFF", "AGENTCALLBACKLOGOFF"}


#: (queues the agent is a member of, agent session open, paused, pause reason)
AgentState = tuple[frozenset[str], bool, bool, str | None]
LOGGED_OUT: AgentState = (frozenset(), False, False, None)


def fold_agent_state(state: AgentState, event: str, queue: str, data1: str) -> AgentState:
    """The agent's state after one session or pause event. Pure."""
    members, session, paused, reason = state
    if event == "ADDMEMBER":
        members = members | {queue}
    elif event == "REMOVEMEMBER":
        members = members - {queue}
    elif event in _SESSION_ON:
        session = True
    elif event in _SESSION_OFF:
        session, members = False, frozenset()
    elif event in ("PAUSE", "PAUSEALL"):
        paused, reason = True, _pause_reason(data1) or reason
    elif event in ("UNPAUSE", "UNPAUSEALL"):
        paused, reason = False, None
    elif event == "PAUSEREASON":
        reason = _pause_reason(data1) or reason
    if not members and not session:
        # Logging off ends a pause: the next session starts ready unless it pauses again.
        paused, reason = False, None
    return members, session, paused, reason


#: (time_s, logged in, paused, pause reason): the agent's session state from time_s on.
Step = tuple[float, bool, bool, str | None]


def agent_steps(
    events: list[tuple[float, str, str, str, str, str]],
    initial: AgentState = LOGGED_OUT,
    start_s: float | None = None,
) -> list[Step]:
    """The agent's session and pause state as a step function over time, from the
    session and pause ``events`` (time_s, event, queue, data1, data2, callid) in time
    order; ``start_s`` adds a step holding ``initial`` (the state history left). Pure."""
    state = initial
    steps: list[Step] = []
    if start_s is not None:
        steps.append((start_s, bool(state[0]) or state[1], state[2], state[3]))
    for time_s, event, queue, data1, _data2, _callid in events:
        state = fold_agent_state(state, event, queue, data1)
        steps.append((time_s, bool(state[0]) or state[1], state[2], state[3]))
    return steps


def agent_timeline(
    events: list[tuple[float, str, str, str, str, str]],
    contacts: list[tuple[float, float | None, float | None]],
    initial: AgentState = LOGGED_OUT,
    start_s: float | None = None,
) -> list[tuple[float, float, str, str | None]]:
    """One agent's states as (start_s, end_s, state, reason), contiguous, no overlap.

    ``events``: (time_s, event, queue, data1, data2, callid) of the agent's session and
    pause events, in time order. ``contacts``: (answered_s, ended_s, wrapup_s) of the legs
    the agent handled. Priority where they meet: on_contact > wrap_up > not_ready >
    available; outside a known session the agent is logged out (no row), except while on
    a contact or in wrap-up, which the log proves. Pure."""
    steps = agent_steps(events, initial, start_s)
    # Busy periods from contacts: on_contact, then wrap_up until the wrap-up time is over
    # or the agent's next contact begins. Chat sessions may overlap: counters, not a flag.
    changes: list[tuple[float, int, int]] = []  # (time, Δ on_contact, Δ wrap_up)
    # By answer, end, then wrap-up with unknown (None) first: the SQL's NULLS FIRST.
    ordered = sorted(
        ((a, e, w) for a, e, w in contacts if a is not None and e is not None and e >= a),
        key=lambda c: (c[0], c[1], c[2] is not None, c[2] or 0.0),
    )
    for index, (answered, ended, wrap) in enumerate(ordered):
        changes += [(answered, 1, 0), (ended, -1, 0)]
        if wrap:
            next_start = ordered[index + 1][0] if index + 1 < len(ordered) else float("inf")
            wrap_end = min(ended + wrap, next_start)
            if wrap_end > ended:
                changes += [(ended, 0, 1), (wrap_end, 0, -1)]
    changes.sort()
    points = sorted({c[0] for c in changes} | {s[0] for s in steps})
    result: list[tuple[float, float, str, str | None]] = []
    step_index = change_index = 0
    on_contact = wrap_up = 0
    current_step: tuple[float, bool, bool, str | None] | None = None
    for left, right in itertools.pairwise(points):
        while step_index < len(steps) and steps[step_index][0] <= left:
            current_step = steps[step_index]
            step_index += 1
        while change_index < len(changes) and changes[change_index][0] <= left:
            on_contact += changes[change_index][1]
            wrap_up += changes[change_index][2]
            change_index += 1
        item: tuple[str, str | None] | None
        if on_contact > 0:
            item = ("on_contact", None)
        elif wrap_up > 0:
            item = ("wrap_up", None)
        elif current_step is not None and current_step[1]:
            _, _, paused, reason = current_step
            item = ("not_ready", reason or "unspecified") if paused else ("available", None)
        else:
            item = None
        if item is None:
            continue
        if result and result[-1][1] == left and result[-1][2:] == item:
            result[-1] = (result[-1][0], right, *item)
        else:
            result.append((left, right, *item))
    return result


def _pause_reason(data: str) -> str | None:
    text = data.strip().lower()
    return text or None


def steps_table(steps_by_agent: dict[str, list[Step]]) -> pa.Table:
    """Steps of many agents as one table (agent, time_s, logged_in, paused, reason), one
    row per agent and instant: where several events share an instant, the last one's
    state holds (as in agent_timeline)."""
    agents, times, logged, paused, reasons = [], [], [], [], []
    for agent, steps in steps_by_agent.items():
        last: dict[float, Step] = {}
        for step in steps:
            last[step[0]] = step
        for time_s, logged_in, is_paused, reason in last.values():
            agents.append(agent)
            times.append(time_s)
            logged.append(logged_in)
            paused.append(is_paused)
            reasons.append(reason)
    return pa.table({
        "agent": pa.array(agents, pa.string()), "time_s": pa.array(times, pa.float64()),
        "logged_in": pa.array(logged, pa.bool_()), "paused": pa.array(paused, pa.bool_()),
        "reason": pa.array(reasons, pa.string()),
    })  # fmt: skip


#: Session and pause events as codes for the compiled fold (fold_agent_state's cases).
_ADD, _REMOVE, _ON, _OFF, _PAUSE, _UNPAUSE, _REASON = range(1, 8)
_EVENT_CODES = {
    "ADDMEMBER": _ADD, "REMOVEMEMBER": _REMOVE, "AGENTLOGIN": _ON, "AGENTCALLBACKLOGIN": _ON,
    "AGENTLOGOFF": _OFF, "AGENTCALLBACKLOGOFF": _OFF, "PAUSE": _PAUSE, "PAUSEALL": _PAUSE,
    "UNPAUSE": _UNPAUSE, "UNPAUSEALL": _UNPAUSE, "PAUSEREASON": _REASON,
}  # fmt: skip


def session_steps(events: pa.Table, from_s: float) -> pa.Table:
    """The step table (as steps_table) of the agents' session and pause ``events`` —
    columns agent, time_s, event, queue, data1, each agent's rows together and in time
    order — where events before ``from_s`` only set the state an agent starts from_s in
    (a step at from_s, as agent_steps with ``start_s``). The same steps as agent_steps per
    agent, then steps_table; the fold runs compiled (a Python loop per event cost 1–2 s on
    a 5-million-line import)."""
    if events.num_rows == 0:
        return steps_table({})
    # Codes for the compiled loop; a missing text is '' (a null has no code).
    agent, queue, data1 = (
        pc.dictionary_encode(pc.fill_null(events.column(name).combine_chunks(), ""))
        for name in ("agent", "queue", "data1")
    )
    # Pause reasons by Python's own rule (strip, lower case), once per distinct text.
    reasons = sorted({r for r in (_pause_reason(t) for t in data1.dictionary.to_pylist()) if r is not None})
    reason_code = {r: i for i, r in enumerate(reasons)}
    codes_of_text = np.array(
        [reason_code.get(_pause_reason(t) or "", -1) for t in data1.dictionary.to_pylist()], np.int32
    )
    event = pc.dictionary_encode(pc.fill_null(events.column("event").combine_chunks(), ""))
    codes_of_event = np.array([_EVENT_CODES.get(e, 0) for e in event.dictionary.to_pylist()], np.int8)
    out_agent, out_time, out_logged, out_paused, out_reason = _fold_steps(
        _indices(agent),
        events.column("time_s").to_numpy().astype(np.float64),
        codes_of_event[_indices(event)],
        _indices(queue),
        codes_of_text[_indices(data1)],
        float(from_s),
        len(queue.dictionary),
    )
    reason_labels = pa.array(reasons, pa.string())
    return pa.table({
        "agent": agent.dictionary.take(pa.array(out_agent)), "time_s": pa.array(out_time, pa.float64()),
        "logged_in": pa.array(out_logged, pa.bool_()), "paused": pa.array(out_paused, pa.bool_()),
        "reason": reason_labels.take(pa.array(out_reason, mask=out_reason < 0)),
    })  # fmt: skip


def _indices(encoded: pa.DictionaryArray) -> np.ndarray:
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)


@njit(cache=True)
def _fold_steps(
    agent: np.ndarray, time_s: np.ndarray, event: np.ndarray, queue: np.ndarray, reason: np.ndarray,
    from_s: float, n_queues: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """fold_agent_state over each agent's events (codes; reason -1 where none), emitting
    agent_steps' steps, one per agent and instant (the last state there, as steps_table
    keeps them). Returns agent, time_s, logged_in, paused, reason (-1: none) per step."""
    n = len(agent)
    # At most one step per event plus one per agent for the state history left.
    steps = (
        np.empty(2 * n, np.int32), np.empty(2 * n, np.float64), np.empty(2 * n, np.bool_),
        np.empty(2 * n, np.bool_), np.empty(2 * n, np.int32),
    )  # fmt: skip
    member = np.zeros(max(n_queues, 1), np.bool_)
    k = 0
    i = 0
    while i < n:
        a = agent[i]
        member[:] = False
        members, session, paused, why = 0, False, False, -1
        history, started = False, False
        while i < n and agent[i] == a:
            t = time_s[i]
            if t >= from_s and not started:
                started = True
                if history:
                    k = _emit(steps, k, a, from_s, members > 0 or session, paused, why)
            e, q, r = event[i], queue[i], reason[i]
            if e == _ADD and not member[q]:
                member[q] = True
                members += 1
            elif e == _REMOVE and member[q]:
                member[q] = False
                members -= 1
            elif e == _ON:
                session = True
            elif e == _OFF:
                session = False
                member[:] = False
                members = 0
            elif e == _PAUSE:
                paused = True
                why = r if r >= 0 else why
            elif e == _UNPAUSE:
                paused, why = False, -1
            elif e == _REASON:
                why = r if r >= 0 else why
            if members == 0 and not session:
                paused, why = False, -1
            if t < from_s:
                history = True
            else:
                k = _emit(steps, k, a, t, members > 0 or session, paused, why)
            i += 1
        if history and not started:
            k = _emit(steps, k, a, from_s, members > 0 or session, paused, why)
    return steps[0][:k], steps[1][:k], steps[2][:k], steps[3][:k], steps[4][:k]


@njit(cache=True)
def _emit(
    steps: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], k: int, agent: int, at: float,
    logged: bool, paused: bool, why: int,
) -> int:  # fmt: skip
    """Write a step at index k (over the previous one when it is the same agent's at the
    same instant); returns the next index."""
    if k > 0 and steps[0][k - 1] == agent and steps[1][k - 1] == at:
        k -= 1
    steps[0][k], steps[1][k], steps[2][k], steps[3][k], steps[4][k] = agent, at, logged, paused, why
    return k + 1


_EMPTY_TIMELINES = pa.table({
    "agent": pa.array([], pa.string()), "start_s": pa.array([], pa.float64()),
    "end_s": pa.array([], pa.float64()), "state": pa.array([], pa.string()),
    "reason": pa.array([], pa.string()),
})  # fmt: skip


def timelines(steps: pa.Table, handled: pa.Table) -> pa.Table:
    """Every agent's timeline — columns agent, start_s, end_s, state, reason — from the
    step table (steps_table) and ``handled`` (agent, answered_s, ended_s, wrapup_s: the
    contacts they handled), by the rules of agent_timeline, vectorised with numpy: busy
    counters are running sums over each agent's sorted change points, the session state
    is carried forward from the last step, equal neighbouring pieces are merged. Pure."""
    # Agents and reasons as integer codes (Arrow's C kernels, not a Python loop per row).
    # (Chunks, not the two columns: given columns, pa.chunked_array reads them value by value
    # in Python — a third of a second per 500,000 contacts.)
    chunks = [chunk.cast(pa.string()) for t in (steps, handled) for chunk in t.column("agent").chunks]
    names = pc.unique(pa.chunked_array(chunks, pa.string()))
    names = names.take(pc.sort_indices(names))  # rows come out ordered by agent, then time
    h_agent = pc.index_in(handled.column("agent"), value_set=names).to_numpy(zero_copy_only=False)
    answered = handled.column("answered_s").to_numpy(zero_copy_only=False).astype(float)
    ended = handled.column("ended_s").to_numpy(zero_copy_only=False).astype(float)
    wrap = handled.column("wrapup_s").to_numpy(zero_copy_only=False).astype(float)  # None → NaN
    valid = ~np.isnan(answered) & ~np.isnan(ended) & (ended >= answered)
    h_agent, answered, ended, wrap = h_agent[valid], answered[valid], ended[valid], wrap[valid]
    # Order by agent, answer, end, then wrap-up with unknown first (as agent_timeline).
    order = np.lexsort((np.nan_to_num(wrap, nan=-np.inf), ~np.isnan(wrap), ended, answered, h_agent))
    h_agent, answered, ended, wrap = h_agent[order], answered[order], ended[order], wrap[order]
    same_next = np.append(h_agent[1:] == h_agent[:-1], False)
    next_answered = np.where(same_next, np.append(answered[1:], np.inf), np.inf)
    with np.errstate(invalid="ignore"):
        has_wrap = wrap > 0
    wrap_end = np.minimum(ended + np.where(has_wrap, wrap, 0.0), next_answered)
    has_wrap &= wrap_end > ended

    s_agent = pc.index_in(steps.column("agent"), value_set=names).to_numpy(zero_copy_only=False)
    s_time = steps.column("time_s").to_numpy(zero_copy_only=False).astype(float)
    s_order = np.lexsort((s_time, s_agent))
    s_agent, s_time = s_agent[s_order], s_time[s_order]
    s_logged = steps.column("logged_in").to_numpy(zero_copy_only=False)[s_order].astype(bool)
    s_paused = steps.column("paused").to_numpy(zero_copy_only=False)[s_order].astype(bool)
    reasons = pc.unique(pc.drop_null(steps.column("reason")))
    s_reason = pc.fill_null(pc.index_in(steps.column("reason"), value_set=reasons), -1).to_numpy(
        zero_copy_only=False
    )[s_order]

    # Change points: (agent, time, Δ on_contact, Δ wrap_up, step index or -1).
    p_agent = np.concatenate([h_agent, h_agent, h_agent[has_wrap], h_agent[has_wrap], s_agent])
    p_time = np.concatenate([answered, ended, ended[has_wrap], wrap_end[has_wrap], s_time])
    n_h, n_w = len(answered), int(has_wrap.sum())
    d_contact = np.concatenate([np.ones(n_h), -np.ones(n_h), np.zeros(2 * n_w + len(s_time))])
    d_wrap = np.concatenate([np.zeros(2 * n_h), np.ones(n_w), -np.ones(n_w), np.zeros(len(s_time))])
    p_step = np.concatenate([np.full(2 * n_h + 2 * n_w, -1), np.arange(len(s_time))])
    if len(p_time) == 0:
        return _EMPTY_TIMELINES
    order = np.lexsort((p_time, p_agent))
    p_agent, p_time = p_agent[order], p_time[order]
    d_contact, d_wrap, p_step = d_contact[order], d_wrap[order], p_step[order]
    # One point per (agent, time): sums of the changes, the last step there.
    starts = np.flatnonzero(np.r_[True, (p_agent[1:] != p_agent[:-1]) | (p_time[1:] != p_time[:-1])])
    agent_at, time_at = p_agent[starts], p_time[starts]
    on_contact = np.cumsum(np.add.reduceat(d_contact, starts))
    wrap_up = np.cumsum(np.add.reduceat(d_wrap, starts))
    step_at = np.maximum.accumulate(np.maximum.reduceat(p_step, starts))
    # The session state in force: the last step at or before the point, of the same agent.
    has_step = step_at >= 0
    has_step[has_step] = s_agent[step_at[has_step]] == agent_at[has_step]
    # Pieces between neighbouring points of one agent.
    piece = np.flatnonzero(agent_at[:-1] == agent_at[1:])
    left, right = time_at[piece], time_at[piece + 1]
    busy, wrapping = on_contact[piece] > 0.5, wrap_up[piece] > 0.5
    stepped = has_step[piece]
    step_index = np.where(stepped, step_at[piece], 0)
    logged = stepped & (s_logged[step_index] if len(s_time) else np.zeros(len(piece), bool))
    paused = logged & (s_paused[step_index] if len(s_time) else np.zeros(len(piece), bool))
    # State codes: 0 none (logged out), 1 available, 2 not_ready, 3 wrap_up, 4 on_contact.
    state = np.select([busy, wrapping, paused, logged], [4, 3, 2, 1], 0)
    # Reason codes: -2 none, -1 a pause with no reason ("unspecified"), else an index.
    reason = np.full(len(piece), -2, dtype=np.int64)
    if len(s_time):
        reason[state == 2] = s_reason[step_index[state == 2]]
    keep = state > 0
    agent_k, left, right = agent_at[piece][keep], left[keep], right[keep]
    state, reason = state[keep], reason[keep]
    if len(left) == 0:
        return _EMPTY_TIMELINES
    # Merge neighbours of one agent that touch and agree.
    joins = np.r_[False, (agent_k[1:] == agent_k[:-1]) & (left[1:] == right[:-1]) & (state[1:] == state[:-1])
                  & (reason[1:] == reason[:-1])]  # fmt: skip
    first = np.flatnonzero(~joins)
    last = np.r_[first[1:] - 1, len(joins) - 1] if len(first) else first
    labels = pa.array(["", "available", "not_ready", "wrap_up", "on_contact"], pa.string())
    reason_labels = pa.concat_arrays([reasons.cast(pa.string()), pa.array(["unspecified"], pa.string())])
    first_reason = reason[first]
    reason_index = pa.array(
        np.where(first_reason == -1, len(reasons), first_reason), pa.int32(), mask=first_reason == -2
    )
    # Text columns as dictionaries (codes and labels): no copy of a string per row, here
    # or when day_pieces picks rows (a quarter of a second per million rows).
    return pa.table({
        "agent": pa.DictionaryArray.from_arrays(pa.array(agent_k[first], pa.int32()), names),
        "start_s": pa.array(left[first], pa.float64()),
        "end_s": pa.array(right[last], pa.float64()),
        "state": pa.DictionaryArray.from_arrays(pa.array(state[first], pa.int32()), labels),
        "reason": pa.DictionaryArray.from_arrays(reason_index, reason_labels),
    })  # fmt: skip


def states_table(con: duckdb.DuckDBPyConnection, site: SiteContext, timelines: pa.Table) -> pa.Table:
    """Agent-state rows (AGENT_STATE_SCHEMA) from flattened timelines — columns agent,
    start_s, end_s, state, reason — cut at each site-local midnight (a DST day's midnight
    included), keyed by site, agent and start. Millions of rows, no loop: the cuts are
    numpy, the keys DuckDB."""
    return pieces_table(con, site, day_pieces(timelines, site.time_zone))


def pieces_table(con: duckdb.DuckDBPyConnection, site: SiteContext, pieces: pa.Table) -> pa.Table:
    """Agent-state rows (AGENT_STATE_SCHEMA) of day pieces (day_pieces), as Arrow."""
    if pieces.num_rows == 0:
        return AGENT_STATE_SCHEMA.empty_table()
    with _states_query(con, pieces) as sql:
        return con.sql(sql, params={"site": site.code}).to_arrow_table().cast(AGENT_STATE_SCHEMA)


def insert_pieces(con: duckdb.DuckDBPyConnection, site: SiteContext, pieces: pa.Table, import_id: int) -> int:
    """Write the agent-state rows of day pieces (day_pieces) straight into the
    ``agent_states`` table of ``con`` (the embedded warehouse: no Arrow copy of millions of
    rows), with ``import_id``; returns the number written."""
    if pieces.num_rows == 0:
        return 0
    columns = ", ".join(AGENT_STATE_SCHEMA.names)
    with _states_query(con, pieces) as sql:
        written = con.execute(
            f"INSERT INTO agent_states ({columns}, import_id) SELECT {columns}, $import_id FROM ({sql})",
            {"site": site.code, "import_id": import_id},
        ).fetchall()
    return int(written[0][0]) if written else 0


_EPOCH = datetime(1970, 1, 1)


def epoch_us(utc_naive: datetime) -> int:
    """Microseconds since the epoch of a naive-UTC instant."""
    return (utc_naive - _EPOCH) // timedelta(microseconds=1)


def _round_us(seconds: np.ndarray) -> np.ndarray:
    """Seconds to whole microseconds, halves away from zero (DuckDB's round, not numpy's
    half-to-even); exact for the non-negative times stored here."""
    scaled = seconds * 1e6
    whole = np.floor(scaled)
    return (whole + (scaled - whole >= 0.5)).astype(np.int64)


def day_pieces(timelines: pa.Table, time_zone: str, since_us: int | None = None) -> pa.Table:
    """Flattened timelines (agent, start_s, end_s, state, reason) cut at each local
    midnight of ``time_zone``: columns agent, state, reason, started_us, ended_us (UTC
    microseconds) and offset_s (the UTC offset in force at the start), in the input's
    order; empty pieces are dropped, and with ``since_us`` those starting before it.

    The site's days and UTC offsets come from Python's tz database (a day per entry, an
    offset per day and per DST change) and are looked up by binary search (converting
    time zones row by row in SQL, or joining the days in DuckDB, cost several times more)."""
    start_s = timelines.column("start_s").to_numpy(zero_copy_only=False).astype(float)
    end_s = timelines.column("end_s").to_numpy(zero_copy_only=False).astype(float)
    rows = np.flatnonzero(end_s > start_s)
    if len(rows) == 0:
        return _EMPTY_PIECES
    start_us, end_us = _round_us(start_s[rows]), _round_us(end_s[rows])
    first = datetime.fromtimestamp(float(start_s[rows].min()), UTC).replace(tzinfo=None)
    last = datetime.fromtimestamp(float(end_s[rows].max()), UTC).replace(tzinfo=None)
    days = local_days_utc(first, last, time_zone)
    day_start = np.array([epoch_us(d[0]) for d in days], np.int64)
    day_end = np.array([epoch_us(d[1]) for d in days], np.int64)
    # Days overlapping [start, end): from the first that ends after the start to the last
    # that begins before the end (days are contiguous and in order).
    low = np.searchsorted(day_end, start_us, side="right")
    high = np.searchsorted(day_start, end_us, side="left")
    count = np.maximum(high - low, 0)
    piece_row = np.repeat(np.arange(len(rows)), count)
    # The k-th piece of a row lies in its day low + k.
    day = np.repeat(low, count) + (np.arange(len(piece_row)) - np.repeat(np.cumsum(count) - count, count))
    started = np.maximum(start_us[piece_row], day_start[day])
    ended = np.minimum(end_us[piece_row], day_end[day])
    keep = started < ended
    if since_us is not None:
        keep &= started >= since_us
    piece_row, started, ended = piece_row[keep], started[keep], ended[keep]
    offsets = utc_offsets(days, time_zone)
    since = np.array([epoch_us(o[0]) for o in offsets], np.int64)
    offset_s = np.array([o[1] for o in offsets], np.int32)[np.searchsorted(since, started, side="right") - 1]
    source = pa.array(rows[piece_row])
    return pa.table({
        "agent": timelines.column("agent").take(source), "state": timelines.column("state").take(source),
        "reason": timelines.column("reason").take(source),
        "started_us": pa.array(started, pa.int64()), "ended_us": pa.array(ended, pa.int64()),
        "offset_s": pa.array(offset_s, pa.int32()),
    })  # fmt: skip


_EMPTY_PIECES = pa.table({
    "agent": pa.array([], pa.string()), "state": pa.array([], pa.string()),
    "reason": pa.array([], pa.string()), "started_us": pa.array([], pa.int64()),
    "ended_us": pa.array([], pa.int64()), "offset_s": pa.array([], pa.int32()),
})  # fmt: skip


@contextlib.contextmanager
def _states_query(con: duckdb.DuckDBPyConnection, pieces: pa.Table) -> Iterator[str]:
    """The states query over ``pieces`` (day_pieces; parameter $site), registered on
    ``con`` while the caller runs it: keys, local clock and duration per row. Rows keep
    the pieces' order, which is by agent, then start (timelines() makes them so): an
    ORDER BY here cost more than the rest of the query."""
    state_id = STABLE_ID_SQL.format(source=f"'{SOURCE}'", key="source_key")
    sql = f"""
        WITH keyed AS (
          SELECT *, $site || '|' || agent || '|' || strftime(started_at, '%Y-%m-%dT%H:%M:%S.%f') AS source_key
          FROM (SELECT agent, state, reason, offset_s, make_timestamp(started_us) AS started_at,
                       make_timestamp(ended_us) AS ended_at
                FROM _fw_pieces)
        )
        SELECT {state_id} AS state_id, '{SOURCE}' AS source, source_key, $site AS site, agent, state,
               reason, started_at, ended_at, started_at + to_seconds(offset_s) AS started_local,
               offset_s AS utc_offset_s,
               epoch(ended_at) - epoch(started_at) AS duration_s
        FROM keyed"""
    con.register("_fw_pieces", pieces)
    try:
        yield sql
    finally:
        con.unregister("_fw_pieces")


def flatten_timelines(timelines: dict[str, list[tuple[float, float, str, str | None]]]) -> pa.Table:
    """{agent: timeline} as one Arrow table (agent, start_s, end_s, state, reason)."""
    agents, starts, ends, states, reasons = [], [], [], [], []
    for agent, timeline in timelines.items():
        for start_s, end_s, state, reason in timeline:
            agents.append(agent)
            starts.append(start_s)
            ends.append(end_s)
            states.append(state)
            reasons.append(reason)
    return pa.table(
        {
            "agent": pa.array(agents, pa.string()),
            "start_s": pa.array(starts, pa.float64()),
            "end_s": pa.array(ends, pa.float64()),
            "state": pa.array(states, pa.string()),
            "reason": pa.array(reasons, pa.string()),
        }
    )
