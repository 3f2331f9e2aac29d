"""Asterisk queue_log imports: store every line once, then rebuild the legs and agent
states of the calls and agents the new lines touch from everything stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, bindparam, text

from floorwalker.contacts import agent_timelines, line_scan, queue_log
from floorwalker.contacts.imports import ImportSummary, Progress
from floorwalker.contacts.ingest import Rejection, SiteContext
from floorwalker.contacts.models import agent_states, contacts, queue_log_events
from floorwalker.contacts.service import append_rows, fetch_arrow, insert_new_rows, replace_rows
from floorwalker.errors import InvalidInput

#: Agent states are rebuilt from this long before the first new event (a session or a
#: pause that began earlier is found by looking back to the agent's last such event).
_STATE_LOOKBACK_S = 86_400.0
#: queue_log events per Arrow batch on their way to the warehouse.
_EVENTS_PER_BATCH = 200_000
#: queue_log events per group of agents whose states are rebuilt together (bounds the
#: memory of a big import: the peak of a 5M-line import is in this step).
_EVENTS_PER_CHUNK = 1_000_000


def queue_log_load(
    paths: list[tuple[Path, str]], site: SiteContext, work_dir: Path
) -> Callable[[Connection, ImportSummary, Progress], None]:
    """A ``load`` for run_import that reads queue_log files and rebuilds the affected legs
    and agent states from every stored event of the same calls and agents."""

    def load(connection: Connection, summary: ImportSummary, progress: Progress) -> None:
        if connection.dialect.name == "duckdb":
            _embedded_load(connection, paths, site, summary, progress)
            return
        work_dir.mkdir(parents=True, exist_ok=True)
        # PostgreSQL: a DuckDB of our own parses and stitches; rows go over by COPY.
        con = duckdb.connect()
        try:
            # Spill to disk beyond 1 GB: a file of any size is read in bounded memory.
            spill = work_dir / f"spill-{summary.import_id}"
            con.execute(
                f"SET memory_limit = '1GB'; SET temp_directory = '{spill}'; SET enable_progress_bar = false"
            )
            _postgres_load(connection, con, paths, site, summary, progress)
        finally:
            con.close()

    return load


def _duckdb_connection(connection: Connection) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection under SQLAlchemy's (duckdb_engine wraps it)."""
    raw = connection.connection.driver_connection
    return raw if isinstance(raw, duckdb.DuckDBPyConnection) else raw._ConnectionWrapper__c  # type: ignore[union-attr]


def _embedded_load(
    connection: Connection, paths: list[tuple[Path, str]], site: SiteContext, summary: ImportSummary,
    progress: Progress,
) -> None:  # fmt: skip
    """The embedded warehouse: everything runs as SQL in its own DuckDB (no second engine,
    no Arrow copies of events or legs, one memory limit).

    Each log file that can be streamed (line_scan) goes from DuckDB's CSV reader straight
    into queue_log_events under this import's id: no working copy of millions of lines,
    which cost as much again as storing them and, over the memory limit, spilled to disk.
    Other files (the table form, blank lines, odd bytes), and every file once a streamed
    one turns out to hold a line that must be rejected, are read the careful way
    (queue_log.read_files): on a cursor, a second connection of the same instance in its
    own transaction (a line DuckDB's CSV reader refuses must not abort the import's), into
    an in-memory database attached for this import, with the rejections named by line.
    Repeated lines are then removed from what was stored, and the legs and agent states of
    the calls and agents the lines mention are rebuilt."""
    warehouse = _duckdb_connection(connection)
    import_id = int(summary.import_id or 0)
    progress("reading queue_log lines")
    lines, rejections, careful = _stream_files(warehouse, paths, site, import_id)
    summary.lines += lines
    summary.rejections.extend(rejections)
    summary.rejected = len(summary.rejections)
    # Named apart from any other import running in this process (the web server's).
    work = f"ql_work_{summary.import_id}_{uuid.uuid4().hex[:12]}"
    reader = warehouse.cursor()

    def release() -> None:
        reader.close()
        detach = warehouse.cursor()
        try:
            detach.execute(f"DETACH DATABASE IF EXISTS {work}")
        finally:
            detach.close()

    try:
        if careful:
            reader.execute("SET enable_progress_bar = false")
            reader.execute(f"ATTACH ':memory:' AS {work}")
            reader.execute(f"USE {work}")
            report = queue_log.read_files(reader, careful, site)
            summary.lines += report.lines
            summary.duplicates += report.duplicates
            summary.rejections.extend(report.rejections)
            summary.rejected = len(summary.rejections)
            # (report.unknown_events is not used: _keep_new_events counts the events of
            # every file, streamed or not, from what this import stored.)
            columns = ", ".join(queue_log.EVENT_COLUMNS)
            warehouse.execute(
                f"INSERT INTO queue_log_events ({columns}, import_id) "
                f"SELECT {columns}, {import_id} FROM {work}.ql_new"
            )
    finally:
        release()
    progress("storing new events")
    try:
        stored = _keep_new_events(warehouse, site.code, import_id, summary)
        if stored is None:
            return  # nothing new: a pure re-import changes nothing
        calls, agents = stored
        progress("rebuilding legs")
        new, incomplete = _rebuild_legs_embedded(
            warehouse, site, calls, _events_of_import(import_id), import_id
        )
        summary.contacts += new
        summary.incomplete += incomplete
        progress("rebuilding agent states")
        summary.agent_states += _rebuild_agent_states(
            connection, warehouse, site, import_id, agents, embedded=True
        )
    finally:
        warehouse.execute("DROP TABLE IF EXISTS _fw_file_calls")


def _stream_files(
    con: duckdb.DuckDBPyConnection, paths: list[tuple[Path, str]], site: SiteContext, import_id: int
) -> tuple[int, list[Rejection], list[tuple[Path, str]]]:
    """Stream every file that can be (line_scan) into queue_log_events under ``import_id``;
    returns (lines of data streamed, their rejections, files left for the careful read).
    Fewer rows than lines means lines were left out: rejected ones are then named by line
    (queue_log.streamed_rejections); a line too wide for the split takes back everything
    streamed, and every file is read the careful way."""
    lines = 0
    rejections: list[Rejection] = []
    careful: list[tuple[Path, str]] = []
    for path, display in paths:
        scan = line_scan.scan_lines(path) if not queue_log.sniff_table_form(path) else None
        if scan is None or not scan.streamable:
            careful.append((path, display))
            continue
        try:
            streamed = (
                queue_log.insert_streamed(con, path, display, site, import_id, ascii_only=scan.ascii_only)
                if scan.lines
                else 0
            )
        except duckdb.Error as exc:
            # Not expected (the scan rules out what the reader refuses), but the import's
            # transaction cannot go on after it: the whole import fails, nothing written.
            raise InvalidInput(
                f"{display}: DuckDB's CSV reader stopped on this file ({exc}); nothing was imported",
                field="file",
            ) from None
        if streamed != scan.lines - scan.blank_lines:
            # Lines left out: rejected ones, named by a numbered pass over the file (the
            # streamed rows stay), or lines too wide for the split or rejected after a blank
            # line, which need the file read whole: then everything streamed is taken back
            # and every file read carefully. Blank lines alone are no lines of data.
            left_out = queue_log.streamed_rejections(con, path, display, site, ascii_only=scan.ascii_only)
            # (After a blank line the numbered pass's numbers are not line numbers.)
            if left_out is None or (left_out and scan.blank_lines > 0):
                con.execute("DELETE FROM queue_log_events WHERE import_id = ?", [import_id])
                return 0, [], list(paths)
            rejections.extend(left_out)
            # (A line of spaces is no line of data, neither loaded nor rejected.)
            lines += streamed + len(left_out)
            continue
        lines += scan.lines - scan.blank_lines
    return lines, rejections, careful


#: Up to this many stored lines, repeats are looked for in numpy (8 bytes a line in Python
#: memory); beyond it DuckDB counts them within its memory limit.
_REPEATS_IN_NUMPY = 20_000_000


def _has_repeats(con: duckdb.DuckDBPyConnection, rows: str) -> bool:
    """True when two of the events ``rows`` (a FROM … WHERE clause) share an id. Repeats
    are the exception: the ids sorted by numpy find them (5M ids: 0.3 s, where a DuckDB
    hash aggregate took 0.8-1.4 s), unless there are so many that their copy would
    outgrow the import's bounded memory."""
    count = con.execute(f"SELECT count(*) {rows}").fetchall()[0][0]
    if count > _REPEATS_IN_NUMPY:
        return bool(con.execute(f"SELECT count(*) > count(DISTINCT event_id) {rows}").fetchall()[0][0])
    ids = np.sort(con.execute(f"SELECT event_id {rows}").fetchnumpy()["event_id"])
    return bool(np.any(ids[1:] == ids[:-1]))


def _events_of_import(import_id: int) -> str:
    """The relation of the events this import stored (queue_log.EVENT_COLUMNS)."""
    columns = ", ".join(queue_log.EVENT_COLUMNS)
    return f"(SELECT {columns} FROM queue_log_events WHERE import_id = {int(import_id)})"


def _keep_new_events(
    con: duckdb.DuckDBPyConnection, site: str, import_id: int, summary: ImportSummary
) -> tuple[str, tuple[float | None, list[tuple[str, int]]]] | None:
    """Remove from the events this import stored the repeats among them (overlapping files)
    and those stored by an earlier import, counting both as duplicates, and count the
    events by kind (unknown events); returns (relation of the calls the import's lines
    mention, _agents_of those lines), or None when no event is new.

    A stored copy of an event has the same site and the same time (both are in the hashed
    line), so only stored events of the site in the import's time span are compared: none
    for a file of new days, a day's worth for a daily file, never the whole table."""
    mine = f"FROM queue_log_events WHERE import_id = {int(import_id)}"
    if _has_repeats(con, mine):
        removed = con.execute(
            f"DELETE {mine} AND rowid NOT IN (SELECT min(rowid) {mine} GROUP BY event_id)"
        ).fetchall()
        summary.duplicates += int(removed[0][0])
    # Events by kind and the import's time span, in one pass.
    kinds = con.execute(
        f"SELECT event, count(*), min(time_s), max(time_s) {mine} GROUP BY event ORDER BY event"
    ).fetchall()
    if not kinds:
        return None
    for event, count, _, _ in kinds:
        if event not in queue_log.KNOWN_EVENTS:
            summary.unknown_events[event] = count
    first_s, last_s = min(k[2] for k in kinds), max(k[3] for k in kinds)
    stored = (
        "FROM queue_log_events WHERE site = $site AND import_id <> $import_id "
        "AND time_s BETWEEN $first AND $last"
    )
    params = {"site": site, "import_id": import_id, "first": first_s, "last": last_s}
    events = _events_of_import(import_id)
    if not con.execute(f"SELECT count(*) {stored}", params).fetchall()[0][0]:
        return f"(SELECT callid FROM {events})", _agents_of(con, events)
    # Some lines were stored before: the calls and agents they mention are rebuilt too (as
    # for a first import of the same lines), so note them before taking the copies out.
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fw_file_calls AS SELECT DISTINCT callid {mine}")
    agents = _agents_of(con, events)
    removed = con.execute(f"DELETE {mine} AND event_id IN (SELECT event_id {stored})", params).fetchall()
    summary.duplicates += int(removed[0][0])
    if not con.execute(f"SELECT count(*) {mine}").fetchall()[0][0]:
        return None
    return "_fw_file_calls", agents


def _postgres_load(
    connection: Connection,
    con: duckdb.DuckDBPyConnection,
    paths: list[tuple[Path, str]],
    site: SiteContext,
    summary: ImportSummary,
    progress: Progress,
) -> None:
    """PostgreSQL: read into the working DuckDB ``con``, store the new events, rebuild the
    legs and agent states of the calls and agents the file mentions."""
    progress("reading queue_log lines")
    report = queue_log.read_files(con, paths, site)
    summary.lines += report.lines
    summary.duplicates += report.duplicates
    summary.rejections.extend(report.rejections)
    summary.rejected = len(summary.rejections)
    summary.unknown_events.update(report.unknown_events)
    import_id = int(summary.import_id or 0)

    progress("storing new events")
    distinct = con.execute("SELECT count(*) FROM ql_new").fetchall()[0][0]
    # A stream: a file of any size never sits whole in Python memory.
    events = con.sql(f"SELECT *, CAST({import_id} AS BIGINT) AS import_id FROM ql_new").to_arrow_reader(
        _EVENTS_PER_BATCH
    )
    try:
        inserted = insert_new_rows(connection, queue_log_events, events)
    finally:
        events.close()  # the working connection takes no other query while a stream is open
    summary.duplicates += distinct - inserted
    if inserted == 0:
        return
    agents = _agents_of(con, "ql_new")
    # Nothing new: a pure re-import changes nothing. Otherwise rebuild every call and agent
    # the file mentions (a superset of what the new lines touch; the result is the same).
    progress("rebuilding legs")
    calls = con.sql("SELECT DISTINCT callid FROM ql_new").to_arrow_table()
    stored_calls = _stored_events_of_calls(connection, site.code, calls, import_id)
    relation = "ql_new"
    if stored_calls.num_rows:
        # Events of these calls from earlier imports; a line of this file stored before is
        # in both, hence one row per event id.
        con.register("_fw_stored", stored_calls)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE ql_calls AS
               SELECT DISTINCT ON (event_id) * FROM (
                 SELECT event_id, site, time_s, callid, queue, agent, event,
                        data1, data2, data3, data4, data5
                 FROM ql_new
                 UNION ALL
                 SELECT event_id, site, time_s, callid, queue, agent, event,
                        data1, data2, data3, data4, data5
                 FROM _fw_stored)"""
        )
        con.unregister("_fw_stored")
        relation = "ql_calls"
    legs = queue_log.build_legs(con, relation, site)
    legs = legs.append_column("import_id", pa.array([import_id] * legs.num_rows, pa.int64()))
    # Legs are keyed by call, queue and arrival: unique among themselves by construction.
    new, existed_legs = replace_rows(connection, contacts, legs)
    summary.contacts += new
    summary.incomplete += int(pc.sum(pc.equal(legs.column("outcome"), "incomplete")).as_py() or 0)
    del existed_legs  # replaced legs of calls that gained events: neither new nor duplicates

    progress("rebuilding agent states")
    summary.agent_states += _rebuild_agent_states(connection, con, site, import_id, agents)


def _rebuild_legs_embedded(
    con: duckdb.DuckDBPyConnection, site: SiteContext, calls: str, events: str, import_id: int
) -> tuple[int, int]:
    """Legs of every call in the relation ``calls`` (a callid column) rebuilt from all its
    stored events, replacing the stored legs with the same keys, in the warehouse's own
    DuckDB; ``events`` (the events this import stored) are all there is of those calls
    when no earlier import stored one. Returns (legs that are new, incomplete legs)."""
    stored_before = "FROM queue_log_events WHERE site = ? AND import_id <> ?"
    earlier = con.execute(f"SELECT count(*) {stored_before}", [site.code, import_id]).fetchall()[0][0]
    if earlier:
        earlier = con.execute(
            f"SELECT count(*) {stored_before} AND callid IN (SELECT callid FROM {calls})",
            [site.code, import_id],
        ).fetchall()[0][0]
    if earlier:
        # Calls that began in earlier files: stitch them from every stored event (each
        # stored once, the lines of this file included).
        columns = ", ".join(queue_log.EVENT_COLUMNS)
        events = (
            f"(SELECT {columns} FROM queue_log_events WHERE site = {queue_log._quote(site.code)} "
            f"AND callid IN (SELECT callid FROM {calls}))"
        )
    stored = con.execute(
        f"SELECT count(*) FROM contacts WHERE site = ? AND source = '{queue_log.SOURCE}'", [site.code]
    ).fetchall()[0][0]
    if not stored:
        # No leg of this site is stored, so none is replaced (a contact id is a hash of the
        # source and of a key that begins with the site): the legs go straight into
        # contacts, without a temporary copy of every leg.
        new = queue_log.insert_legs(con, events, site, import_id)
        incomplete = con.execute(
            "SELECT count(*) FROM contacts WHERE import_id = ? AND outcome = 'incomplete'", [import_id]
        ).fetchall()
        return new, int(incomplete[0][0])
    # (A temp table of this transaction: a failure rolls it back with everything else.)
    queue_log.create_legs(con, events, site, "_fw_legs")
    replaced = con.execute(
        "DELETE FROM contacts WHERE contact_id IN (SELECT contact_id FROM _fw_legs)"
    ).fetchall()
    columns = ", ".join(d[0] for d in con.execute("SELECT * FROM _fw_legs LIMIT 0").description)
    written = con.execute(
        f"INSERT INTO contacts ({columns}, import_id) SELECT {columns}, {import_id} FROM _fw_legs"
    ).fetchall()
    incomplete = con.execute("SELECT count(*) FROM _fw_legs WHERE outcome = 'incomplete'").fetchall()
    con.execute("DROP TABLE _fw_legs")
    return int(written[0][0]) - int(replaced[0][0]), int(incomplete[0][0])


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


def _agents_of(con: duckdb.DuckDBPyConnection, ql_new: str) -> tuple[float | None, list[tuple[str, int]]]:
    """(time of the first event that names an agent, [(agent, events)] in agent order)."""
    per_agent = con.execute(
        f"SELECT agent, count(*), min(time_s) FROM {ql_new} WHERE agent NOT IN ('', 'NONE') "
        "GROUP BY agent ORDER BY agent"
    ).fetchall()
    first = min((row[2] for row in per_agent), default=None)
    return (float(first) if first is not None else None), [(row[0], int(row[1])) for row in per_agent]


def _rebuild_agent_states(
    connection: Connection,
    con: duckdb.DuckDBPyConnection,
    site: SiteContext,
    import_id: int,
    agents: tuple[float | None, list[tuple[str, int]]],
    embedded: bool = False,
) -> int:
    """Rebuild the states of every agent the new events mention (``agents``: _agents_of
    the new events), from the day before the first new event onward, out of all stored
    events and contacts of those agents."""
    first_s, per_agent = agents
    if not per_agent or first_s is None:
        return 0
    from_s = first_s - _STATE_LOOKBACK_S
    from_utc = datetime.fromtimestamp(from_s, UTC).replace(tzinfo=None)
    # States are cut at local midnight, so replacing everything from the first cut on
    # needs no partial rows: delete from the first local midnight ≥ from_s, write from it.
    cut = _first_local_midnight(from_utc, site.time_zone)
    # Session and pause events are a small share of the lines: read once for all agents.
    sessions = _session_events(connection, site, [agent for agent, _ in per_agent])
    # With no state of the site stored before, there is nothing to replace (chunks write
    # disjoint agents): each delete would only scan the states this import just wrote.
    stored = connection.execute(
        text("SELECT count(*) FROM agent_states WHERE site = :site AND source = 'asterisk'"),
        {"site": site.code},
    ).scalar_one()
    since_us = agent_timelines.epoch_us(cut)

    def write(chunk: list[str], pieces: pa.Table) -> int:
        if stored:
            connection.execute(
                text(
                    "DELETE FROM agent_states WHERE site = :site AND source = 'asterisk' "
                    "AND agent IN :agents AND started_at >= :cut"
                ).bindparams(bindparam("agents", expanding=True)),
                {"site": site.code, "agents": chunk, "cut": cut},
            )
        # Every stored state these keys could meet was deleted just above.
        if embedded:
            return agent_timelines.insert_pieces(con, site, pieces, import_id)
        table = agent_timelines.pieces_table(con, site, pieces)
        if not table.num_rows:
            return 0
        table = table.append_column("import_id", pa.array([import_id] * table.num_rows, pa.int64()))
        return append_rows(connection, agent_states, table)

    # Agents in chunks of about _EVENTS_PER_CHUNK events: memory stays bounded by the
    # chunk, not the file, and a small import is one chunk. A chunk's timelines (numpy,
    # one core) are computed on a thread while the previous chunk's states are written
    # (DuckDB, which lets go of Python's lock): the two overlap instead of taking turns.
    written = 0
    pending: tuple[list[str], Future[pa.Table]] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-timelines") as pool:
        for chunk in _chunks(per_agent, _EVENTS_PER_CHUNK):
            handled = _handled(connection, site.code, chunk, from_utc)
            computing = pool.submit(_day_pieces_of, site, chunk, sessions, handled, from_s, since_us)
            if pending is not None:
                written += write(pending[0], pending[1].result())
            pending = (chunk, computing)
        if pending is not None:
            written += write(pending[0], pending[1].result())
    return written


def _chunks(counts: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Agents grouped so that each group's event count stays near ``size`` (an agent with
    more events than that is a group of its own). The first group is a quarter of that:
    its timelines are the only ones computed while nothing is being written."""
    groups: list[list[str]] = [[]]
    total = 0
    for agent, count in counts:
        if groups[-1] and total + count > (size if len(groups) > 1 else max(size // 4, 1)):
            groups.append([])
            total = 0
        groups[-1].append(agent)
        total += count
    return groups


def _session_events(connection: Connection, site: SiteContext, agents: list[str]) -> pa.Table:
    """Every stored session and pause event of ``agents`` (agent, time_s, event, queue,
    data1), ordered by agent, time and event id."""
    events = sorted(queue_log.AGENT_EVENTS)
    if connection.dialect.name == "duckdb":
        raw = connection.connection.driver_connection
        return raw.sql(
            """SELECT agent, time_s, event, queue, coalesce(data1, '') AS data1
               FROM queue_log_events WHERE site = $site AND list_contains($events, event)
               AND list_contains($agents, agent) ORDER BY agent, time_s, event_id""",
            params={"site": site.code, "events": events, "agents": agents},
        ).to_arrow_table()
    rows = connection.execute(
        text(
            """SELECT agent, time_s, event, queue, coalesce(data1, '')
               FROM queue_log_events WHERE site = :site AND agent IN :agents
               AND event IN :events ORDER BY agent, time_s, event_id"""
        ).bindparams(bindparam("agents", expanding=True), bindparam("events", expanding=True)),
        {"site": site.code, "agents": agents, "events": events},
    ).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 5
    return pa.table({
        "agent": pa.array(columns[0], pa.string()), "time_s": pa.array(columns[1], pa.float64()),
        "event": pa.array(columns[2], pa.string()), "queue": pa.array(columns[3], pa.string()),
        "data1": pa.array(columns[4], pa.string()),
    })  # fmt: skip


def _day_pieces_of(
    site: SiteContext, agents: list[str], sessions: pa.Table, handled: pa.Table, from_s: float, since_us: int
) -> pa.Table:
    """The day pieces (agent_timelines.day_pieces) from ``since_us`` on of the timelines of
    ``agents`` from ``from_s`` on, out of their session events (in ``sessions``:
    _session_events) and the contacts they handled (``handled``: _handled). No database:
    this runs on a thread beside the writes."""
    mine = sessions.filter(pc.is_in(sessions.column("agent"), value_set=pa.array(agents, pa.string())))
    steps = agent_timelines.session_steps(mine, from_s)
    timelines = agent_timelines.timelines(steps, handled)
    return agent_timelines.day_pieces(timelines, site.time_zone, since_us=since_us)


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
