"""Agent states from Asterisk queue_log: who was logged in, paused (with the reason),
on a contact or in wrap-up, as contiguous rows cut at each site-local midnight.

Two inputs: the agent's session and pause events (ADDMEMBER/REMOVEMEMBER, AGENTLOGIN/
AGENTLOGOFF and their callback forms, PAUSE/UNPAUSE/PAUSEALL/UNPAUSEALL, PAUSEREASON),
folded in Python into a step function (few rows: the membership rules are clearer as
code), and the contacts the agent handled, whose busy periods are merged with the steps
in SQL (millions of rows). ``agent_timeline`` is the same merge in plain Python: the
reference the SQL is tested against.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

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


def timelines_sql(con: duckdb.DuckDBPyConnection, steps: pa.Table, handled: str) -> pa.Table:
    """Every agent's timeline — columns agent, start_s, end_s, state, reason — from the
    step table (steps_table) and the relation ``handled`` (agent, answered_s, ended_s,
    wrapup_s: the contacts they handled), by the rules of agent_timeline, in SQL: the busy
    counters are running sums over each agent's change points, the session state an as-of
    join, and equal neighbouring pieces are merged (gaps and islands)."""
    con.register("_fw_steps", steps)
    try:
        return con.sql(
            f"""
            WITH c AS (
              SELECT agent, answered_s AS a, ended_s AS e, wrapup_s AS w FROM {handled}
              WHERE answered_s IS NOT NULL AND ended_s IS NOT NULL AND ended_s >= answered_s
            ), ordered AS (
              SELECT *, lead(a) OVER (PARTITION BY agent ORDER BY a, e, w NULLS FIRST) AS next_a FROM c
            ), wraps AS (
              SELECT agent, e AS ws, least(e + w, coalesce(next_a, 'inf'::DOUBLE)) AS we
              FROM ordered WHERE w > 0
            ), changes AS (
              SELECT agent, a AS t, 1 AS dc, 0 AS dw FROM c
              UNION ALL SELECT agent, e, -1, 0 FROM c
              UNION ALL SELECT agent, ws, 0, 1 FROM wraps WHERE we > ws
              UNION ALL SELECT agent, we, 0, -1 FROM wraps WHERE we > ws
              UNION ALL SELECT agent, time_s, 0, 0 FROM _fw_steps
            ), points AS (
              SELECT agent, t, sum(dc) AS dc, sum(dw) AS dw FROM changes GROUP BY agent, t
            ), pieces AS (
              SELECT agent, t AS left_s, lead(t) OVER w AS right_s,
                     sum(dc) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS on_contact,
                     sum(dw) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS wrap_up
              FROM points WINDOW w AS (PARTITION BY agent ORDER BY t)
            ), stated AS (
              SELECT p.*, s.logged_in, s.paused, s.reason AS step_reason
              FROM pieces p ASOF LEFT JOIN _fw_steps s ON p.agent = s.agent AND p.left_s >= s.time_s
              WHERE p.right_s IS NOT NULL
            ), classified AS (
              SELECT agent, left_s, right_s,
                CASE WHEN on_contact > 0 THEN 'on_contact' WHEN wrap_up > 0 THEN 'wrap_up'
                     WHEN logged_in AND paused THEN 'not_ready' WHEN logged_in THEN 'available' END AS state,
                CASE WHEN on_contact <= 0 AND wrap_up <= 0 AND logged_in AND paused
                     THEN coalesce(step_reason, 'unspecified') END AS reason
              FROM stated
            ), islands AS (
              SELECT *, sum(CASE WHEN prev_right = left_s AND prev_state = state
                                  AND prev_reason IS NOT DISTINCT FROM reason THEN 0 ELSE 1 END)
                          OVER (PARTITION BY agent ORDER BY left_s
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
              FROM (
                SELECT *, lag(right_s) OVER v AS prev_right, lag(state) OVER v AS prev_state,
                          lag(reason) OVER v AS prev_reason
                FROM classified WHERE state IS NOT NULL
                WINDOW v AS (PARTITION BY agent ORDER BY left_s)
              )
            )
            SELECT agent, min(left_s) AS start_s, max(right_s) AS end_s, any_value(state) AS state,
                   any_value(reason) AS reason
            FROM islands GROUP BY agent, island ORDER BY agent, start_s"""
        ).to_arrow_table()
    finally:
        con.unregister("_fw_steps")


def states_table(con: duckdb.DuckDBPyConnection, site: SiteContext, timelines: pa.Table) -> pa.Table:
    """Agent-state rows (AGENT_STATE_SCHEMA) from flattened timelines — columns agent,
    start_s, end_s, state, reason — cut at each site-local midnight (a DST day's midnight
    included), keyed by site, agent and start. Runs in DuckDB: millions of rows, no loop.

    The site's days and UTC offsets come from Python's tz database as two small tables
    (a day per row, an offset per day and per DST change), joined by range: converting
    time zones row by row in SQL cost more than everything else here."""
    if timelines.num_rows == 0:
        return AGENT_STATE_SCHEMA.empty_table()
    first = datetime.fromtimestamp(float(pc.min(timelines.column("start_s")).as_py()), UTC)
    last = datetime.fromtimestamp(float(pc.max(timelines.column("end_s")).as_py()), UTC)
    days = local_days_utc(first.replace(tzinfo=None), last.replace(tzinfo=None), site.time_zone)
    offsets = utc_offsets(days, site.time_zone)
    day_table = pa.table({
        "day_start": pa.array([d[0] for d in days], pa.timestamp("us")),
        "day_end": pa.array([d[1] for d in days], pa.timestamp("us")),
    })  # fmt: skip
    offset_table = pa.table({
        "since": pa.array([o[0] for o in offsets], pa.timestamp("us")),
        "offset_s": pa.array([o[1] for o in offsets], pa.int32()),
    })  # fmt: skip
    state_id = STABLE_ID_SQL.format(source=f"'{SOURCE}'", key="source_key")
    con.register("_fw_timelines", timelines)
    con.register("_fw_days", day_table)
    con.register("_fw_offsets", offset_table)
    try:
        result = con.sql(
            f"""
            WITH t AS (
              SELECT *, make_timestamp(CAST(round(start_s * 1e6) AS BIGINT)) AS s_utc,
                        make_timestamp(CAST(round(end_s * 1e6) AS BIGINT)) AS e_utc
              FROM _fw_timelines WHERE end_s > start_s
            ), pieces AS (
              SELECT agent, state, reason, greatest(s_utc, day_start) AS started_at,
                     least(e_utc, day_end) AS ended_at
              FROM t JOIN _fw_days ON s_utc < day_end AND e_utc > day_start
            ), placed AS (
              SELECT p.*, o.offset_s FROM pieces p ASOF JOIN _fw_offsets o ON p.started_at >= o.since
            ), keyed AS (
              SELECT *,
                     $site || '|' || agent || '|' || strftime(started_at, '%Y-%m-%dT%H:%M:%S.%f')
                       AS source_key
              FROM placed WHERE started_at < ended_at
            )
            SELECT {state_id} AS state_id, '{SOURCE}' AS source, source_key, $site AS site, agent, state,
                   reason, started_at, ended_at, started_at + to_seconds(offset_s) AS started_local,
                   offset_s AS utc_offset_s,
                   epoch(ended_at) - epoch(started_at) AS duration_s
            FROM keyed ORDER BY agent, started_at""",
            params={"site": site.code},
        ).to_arrow_table()
    finally:
        for name in ("_fw_timelines", "_fw_days", "_fw_offsets"):
            con.unregister(name)
    return result.cast(AGENT_STATE_SCHEMA)


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
