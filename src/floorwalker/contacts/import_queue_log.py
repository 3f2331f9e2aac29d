"""Asterisk queue_log imports: store every line once, then rebuild the legs and agent
states of the calls and agents the new lines touch from everything stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, bindparam, text

from floorwalker.contacts import agent_timelines, queue_log
from floorwalker.contacts.imports import ImportSummary, Progress
from floorwalker.contacts.ingest import SiteContext
from floorwalker.contacts.models import agent_states, contacts, queue_log_events
from floorwalker.contacts.service import append_rows, fetch_arrow, insert_new_rows, replace_rows

#: Agent states are rebuilt from this long before the first new event (a session or a
#: pause that began earlier is found by looking back to the agent's last such event).
_STATE_LOOKBACK_S = 86_400.0
#: queue_log events per Arrow batch on their way to the warehouse.
_EVENTS_PER_BATCH = 200_000
#: queue_log events per group of agents whose states are rebuilt together (bounds the
#: memory of a big import).
_EVENTS_PER_CHUNK = 2_000_000


def queue_log_load(
    paths: list[tuple[Path, str]], site: SiteContext, work_dir: Path
) -> Callable[[Connection, ImportSummary, Progress], None]:
    """A ``load`` for run_import that reads queue_log files and rebuilds the affected legs
    and agent states from every stored event of the same calls and agents."""

    def load(connection: Connection, summary: ImportSummary, progress: Progress) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(work_dir / f"queue-log-{summary.import_id}.duckdb"))
        try:
            # Spill to disk beyond 1 GB: a file of any size is read in bounded memory.
            con.execute(
                f"SET memory_limit = '1GB'; SET temp_directory = '{work_dir / 'spill'}'; "
                "SET enable_progress_bar = false"
            )
            _queue_log_into(connection, con, paths, site, summary, progress)
        finally:
            con.close()
            for leftover in work_dir.glob(f"queue-log-{summary.import_id}.duckdb*"):
                leftover.unlink(missing_ok=True)

    return load


def _queue_log_into(
    connection: Connection,
    con: duckdb.DuckDBPyConnection,
    paths: list[tuple[Path, str]],
    site: SiteContext,
    summary: ImportSummary,
    progress: Progress,
) -> None:
    progress("reading queue_log lines")
    report = queue_log.read_files(con, paths, site)
    summary.lines += report.lines
    summary.duplicates += report.duplicates
    summary.rejections.extend(report.rejections)
    summary.rejected = len(summary.rejections)
    summary.unknown_events.update(report.unknown_events)

    progress("storing new events")
    # A stream: a file of any size never sits whole in Python memory.
    distinct = con.execute("SELECT count(*) FROM ql_new").fetchall()[0][0]
    events = con.sql(
        f"SELECT *, CAST({int(summary.import_id or 0)} AS BIGINT) AS import_id FROM ql_new"
    ).to_arrow_reader(_EVENTS_PER_BATCH)
    try:
        inserted = insert_new_rows(connection, queue_log_events, events)
    finally:
        events.close()  # the working connection takes no other query while a stream is open
    summary.duplicates += distinct - inserted
    if inserted == 0:
        return
    # Nothing new: a pure re-import changes nothing. Otherwise rebuild every call and agent
    # the file mentions (a superset of what the new lines touch; the result is the same).
    progress("rebuilding legs")
    calls = con.sql("SELECT DISTINCT callid FROM ql_new").to_arrow_table()
    stored_calls = _stored_events_of_calls(connection, site.code, calls, summary.import_id or 0)
    relation = "ql_new"
    if stored_calls.num_rows:
        # Events of these calls from earlier imports; a line of this file stored before is
        # in both, hence one row per event id.
        con.register("_fw_stored", stored_calls)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE ql_calls AS
               SELECT DISTINCT ON (event_id) * FROM (
                 SELECT event_id, site, time_s, callid, queue, agent, event, data1, data2, data3, data4, data5
                 FROM ql_new
                 UNION ALL
                 SELECT event_id, site, time_s, callid, queue, agent, event, data1, data2, data3, data4, data5
                 FROM _fw_stored)"""
        )
        con.unregister("_fw_stored")
        relation = "ql_calls"
    legs = queue_log.build_legs(con, relation, site)
    legs = legs.append_column("import_id", pa.array([summary.import_id] * legs.num_rows, pa.int64()))
    # Legs are keyed by call, queue and arrival: unique among themselves by construction.
    new, existed_legs = replace_rows(connection, contacts, legs)
    summary.contacts += new
    summary.incomplete += int(pc.sum(pc.equal(legs.column("outcome"), "incomplete")).as_py() or 0)
    del existed_legs  # replaced legs of calls that gained events: neither new nor duplicates

    progress("rebuilding agent states")
    summary.agent_states += _rebuild_agent_states(connection, con, site, summary.import_id or 0)


def _stored_events_of_calls(connection: Connection, site: str, calls: pa.Table, import_id: int) -> pa.Table:
    """Every queue_log event of these calls stored by earlier imports (to stitch them whole)."""
    if calls.num_rows == 0:
        return queue_log.EVENT_SCHEMA.empty_table()
    if connection.dialect.name == "duckdb":
        raw = connection.connection.driver_connection
        raw.register("_fw_calls", calls)
        try:
            result = raw.sql(
                """SELECT e.event_id, e.site, e.time_s, e.callid, e.queue, e.agent, e.event,
                          e.data1, e.data2, e.data3, e.data4, e.data5
                   FROM queue_log_events e JOIN _fw_calls c ON e.callid = c.callid
                   WHERE e.site = ? AND e.import_id <> ?""",
                params=[site, import_id],
            ).to_arrow_table()
        finally:
            raw.unregister("_fw_calls")
        return result.cast(queue_log.EVENT_SCHEMA)
    connection.execute(text("CREATE TEMP TABLE IF NOT EXISTS _fw_calls (callid VARCHAR(120)) ON COMMIT DROP"))
    connection.execute(text("TRUNCATE _fw_calls"))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy("COPY _fw_calls (callid) FROM STDIN") as copy:
        for callid in calls.column("callid").to_pylist():
            copy.write_row((callid,))
    table = fetch_arrow(
        connection,
        """SELECT e.event_id, e.site, e.time_s, e.callid, e.queue, e.agent, e.event,
                  e.data1, e.data2, e.data3, e.data4, e.data5
           FROM queue_log_events e JOIN _fw_calls c ON e.callid = c.callid
           WHERE e.site = :site AND e.import_id <> :import_id""",
        {"site": site, "import_id": import_id},
    )
    return table.cast(queue_log.EVENT_SCHEMA) if table.num_rows else queue_log.EVENT_SCHEMA.empty_table()


def _rebuild_agent_states(
    connection: Connection, con: duckdb.DuckDBPyConnection, site: SiteContext, import_id: int
) -> int:
    """Rebuild the states of every agent the new events mention, from the day before the
    first new event onward, out of all stored events and contacts of those agents."""
    bounds = con.execute(
        "SELECT min(time_s), max(time_s) FROM ql_new WHERE agent NOT IN ('', 'NONE')"
    ).fetchall()[0]
    per_agent = con.execute(
        "SELECT agent, count(*) FROM ql_new WHERE agent NOT IN ('', 'NONE') GROUP BY agent ORDER BY agent"
    ).fetchall()
    if not per_agent or bounds[0] is None:
        return 0
    from_s = float(bounds[0]) - _STATE_LOOKBACK_S
    from_utc = datetime.fromtimestamp(from_s, UTC).replace(tzinfo=None)
    # States are cut at local midnight, so replacing everything from the first cut on
    # needs no partial rows: delete from the first local midnight ≥ from_s, write from it.
    cut = _first_local_midnight(from_utc, site.time_zone)
    written = 0
    # Agents in chunks of about _EVENTS_PER_CHUNK events: memory stays bounded by the
    # chunk, not the file, and a small import is one chunk.
    for chunk in _chunks(per_agent, _EVENTS_PER_CHUNK):
        table = _agent_states_of(connection, con, site, chunk, from_s, from_utc, cut)
        connection.execute(
            text(
                "DELETE FROM agent_states WHERE site = :site AND source = 'asterisk' AND agent IN :agents "
                "AND started_at >= :cut"
            ).bindparams(bindparam("agents", expanding=True)),
            {"site": site.code, "agents": chunk, "cut": cut},
        )
        if table.num_rows:
            # Every stored state these keys could meet was deleted just above.
            table = table.append_column("import_id", pa.array([import_id] * table.num_rows, pa.int64()))
            written += append_rows(connection, agent_states, table)
    return written


def _chunks(counts: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Agents grouped so that each group's event count stays near ``size`` (an agent with
    more events than that is a group of its own)."""
    groups: list[list[str]] = [[]]
    total = 0
    for agent, count in counts:
        if groups[-1] and total + count > size:
            groups.append([])
            total = 0
        groups[-1].append(agent)
        total += count
    return groups


def _agent_states_of(
    connection: Connection,
    con: duckdb.DuckDBPyConnection,
    site: SiteContext,
    agents: list[str],
    from_s: float,
    from_utc: datetime,
    cut: datetime,
) -> pa.Table:
    """The rebuilt states of ``agents`` from ``cut`` on, from every stored event and contact."""
    in_agents = bindparam("agents", expanding=True)
    session_rows = connection.execute(
        text(
            """SELECT agent, time_s, event, queue, coalesce(data1, ''), coalesce(data2, ''), callid
               FROM queue_log_events WHERE site = :site AND agent IN :agents
               AND event IN :events ORDER BY agent, time_s, event_id"""
        ).bindparams(in_agents, bindparam("events", expanding=True)),
        {"site": site.code, "agents": agents, "events": sorted(queue_log.AGENT_EVENTS)},
    ).fetchall()
    by_agent_events: dict[str, list[tuple[float, str, str, str, str, str]]] = {a: [] for a in agents}
    initial: dict[str, agent_timelines.AgentState] = {}
    for agent, time_s, event, queue, data1, data2, callid in session_rows:
        if time_s < from_s:
            # History before the window only sets the state at its start.
            initial[agent] = agent_timelines.fold_agent_state(
                initial.get(agent, agent_timelines.LOGGED_OUT), event, queue, data1
            )
        else:
            by_agent_events[agent].append((time_s, event, queue, data1, data2, callid))
    steps = agent_timelines.steps_table({
        agent: agent_timelines.agent_steps(
            by_agent_events[agent],
            initial.get(agent, agent_timelines.LOGGED_OUT),
            start_s=from_s if agent in initial else None,
        )
        for agent in agents
    })  # fmt: skip
    timelines = agent_timelines.timelines(steps, _handled(connection, site.code, agents, from_utc))
    table = agent_timelines.states_table(con, site, timelines)
    return table.filter(pc.greater_equal(table.column("started_at"), pa.scalar(cut, pa.timestamp("us"))))


def _handled(connection: Connection, site: str, agents: list[str], since: datetime) -> pa.Table:
    """(agent, answered_s, ended_s, wrapup_s) of the contacts these agents handled that
    ended from ``since`` on, as Arrow (seconds since the epoch)."""
    if connection.dialect.name == "duckdb":
        raw = connection.connection.driver_connection
        return raw.sql(
            """SELECT agent, epoch_us(answered_at) / 1e6 AS answered_s, epoch_us(ended_at) / 1e6 AS ended_s,
                      wrapup_s
               FROM contacts WHERE site = $site AND source = 'asterisk' AND list_contains($agents, agent)
               AND ended_at >= $since AND answered_at IS NOT NULL""",
            params={"site": site, "agents": agents, "since": since},
        ).to_arrow_table()
    rows = connection.execute(
        text(
            """SELECT agent, CAST(EXTRACT(EPOCH FROM answered_at) AS FLOAT8),
                      CAST(EXTRACT(EPOCH FROM ended_at) AS FLOAT8), wrapup_s
               FROM contacts WHERE site = :site AND source = 'asterisk' AND agent IN :agents
               AND ended_at >= :since AND answered_at IS NOT NULL"""
        ).bindparams(bindparam("agents", expanding=True)),
        {"site": site, "agents": agents, "since": since},
    ).fetchall()
    return pa.table({
        "agent": pa.array([r[0] for r in rows], pa.string()),
        "answered_s": pa.array([r[1] for r in rows], pa.float64()),
        "ended_s": pa.array([r[2] for r in rows], pa.float64()),
        "wrapup_s": pa.array([r[3] for r in rows], pa.float64()),
    })  # fmt: skip


def _first_local_midnight(utc_naive: datetime, time_zone: str) -> datetime:
    zone = ZoneInfo(time_zone)
    local = utc_naive.replace(tzinfo=UTC).astimezone(zone)
    midnight = datetime.combine((local + timedelta(days=1)).date(), datetime.min.time(), tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)
