"""Asterisk queue_log: read the lines, stitch calls into legs, rebuild agent states.

Both forms Asterisk writes are read: the log file (``epoch|callid|queue|agent|EVENT|data…``)
and the database table (columns time, callid, queuename, agent, event, data1…data5 or a
single ``data`` column, exported as CSV with a header). Parsing, validation and leg
stitching run as SQL in an in-process DuckDB connection the caller passes in: a compute
engine beside PostgreSQL, or the embedded warehouse itself, into which insert_streamed
loads clean log files directly and insert_legs writes legs. Agent timelines are built in
Python (agent_timelines) from the much smaller set of agent events.

How the log is read (Asterisk app_queue, queue_log reference):

* ENTERQUEUE (data: url|callerid) opens a leg of (callid, queue); JOINEMPTY, JOINUNAVAIL
  and FULL are legs that never waited (no_agents, no_agents, queue_full).
* CONNECT (holdtime|bridged channel|ringtime) answers it; COMPLETEAGENT / COMPLETECALLER
  (holdtime|calltime|origposition) end it as answered; TRANSFER / BLINDTRANSFER
  (extension|context|holdtime|calltime|origposition) and ATTENDEDTRANSFER
  (BRIDGE|bridge id or APP|app, then holdtime|calltime|origposition; LINK|channel|channel,
  then the same) end it as transferred.
* ABANDON (position|origposition|waittime) → abandoned; EXITWITHTIMEOUT (same) → timeout;
  EXITEMPTY (same) → no_agents; EXITWITHKEY (key|position|origposition|waittime) → exit_key.
* RINGNOANSWER (ringtime in milliseconds) and RINGCANCELED count ring attempts.
* A leg with no terminal event is ``incomplete`` (never guessed to be abandoned); one that
  was connected but never completed stays answered with unknown talk time.
* Events of a call whose ENTERQUEUE is not in the data (a file that starts mid-call)
  rebuild the leg from the wait the closing event reports: Asterisk computes it as
  whole seconds since the ENTERQUEUE, so the leg gets the same key as when the
  ENTERQUEUE is present.
* queue_log has no hold time and no wrap-up: hold stays NULL and wrap-up is the queue's
  configured value (``SiteContext.wrapup_for``) or NULL.

Order and overlap: lines are identified by their content (the event id is a hash of the
site and the canonical line), so a line read twice — overlapping rotated files, a
re-import — is stored once; events are ordered by time, then by their place in a call's
life (ENTERQUEUE < RINGNOANSWER < CONNECT < end), then by id, never by file position, so
shuffled input gives the same legs.
"""

from __future__ import annotations

import csv
import functools
import io
import mmap
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa

from floorwalker.contacts.arrow import CONTACT_SCHEMA
from floorwalker.contacts.ingest import Rejection, SiteContext
from floorwalker.contacts.keys import STABLE_ID_SQL

SOURCE = "asterisk"

LEG_OPENERS = {"ENTERQUEUE": None, "JOINEMPTY": "no_agents", "JOINUNAVAIL": "no_agents", "FULL": "queue_full"}
TERMINAL = {
    "COMPLETEAGENT": "answered",
    "COMPLETECALLER": "answered",
    "TRANSFER": "transferred",
    "BLINDTRANSFER": "transferred",
    "ATTENDEDTRANSFER": "transferred",
    "ABANDON": "abandoned",
    "EXITWITHTIMEOUT": "timeout",
    "EXITEMPTY": "no_agents",
    "EXITWITHKEY": "exit_key",
}
RING_EVENTS = {"RINGNOANSWER", "RINGCANCELED"}
CALL_EVENTS = set(LEG_OPENERS) | set(TERMINAL) | RING_EVENTS | {"CONNECT"}
AGENT_EVENTS = {
    "AGENTLOGIN",
    "AGENTLOGOFF",
    "AGENTCALLBACKLOGIN",
    "AGENTCALLBACKLOGOFF",
    "ADDMEMBER",
    "REMOVEMEMBER",
    "PAUSE",
    "UNPAUSE",
    "PAUSEALL",
    "UNPAUSEALL",
    "PAUSEREASON",
}
#: Events that say something about the system, not a call or an agent: known, not loaded.
SYSTEM_EVENTS = {"QUEUESTART", "CONFIGRELOAD", "SYSCOMPAT", "INFO", "DID"}
KNOWN_EVENTS = CALL_EVENTS | AGENT_EVENTS | SYSTEM_EVENTS

#: Place of an event in a call's life, to order events of the same second.
_RANK_SQL = """CASE
  WHEN event IN ('ENTERQUEUE','JOINEMPTY','JOINUNAVAIL','FULL') THEN 0
  WHEN event IN ('RINGNOANSWER','RINGCANCELED') THEN 1
  WHEN event = 'CONNECT' THEN 2 ELSE 3 END"""

#: Unix times accepted: 2000-01-01 … 2100-01-01 (catches milliseconds and garbage).
_MIN_EPOCH, _MAX_EPOCH = 946_684_800, 4_102_444_800

EVENT_COLUMNS = (
    "event_id",
    "site",
    "time_s",
    "callid",
    "queue",
    "agent",
    "event",
    "data1",
    "data2",
    "data3",
    "data4",
    "data5",
)
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.int64()), ("site", pa.string()), ("time_s", pa.float64()),
    ("callid", pa.string()), ("queue", pa.string()), ("agent", pa.string()), ("event", pa.string()),
    ("data1", pa.string()), ("data2", pa.string()), ("data3", pa.string()),
    ("data4", pa.string()), ("data5", pa.string()),
])  # fmt: skip


@dataclass
class ReadReport:
    """What reading the files found, before anything is compared with the warehouse."""

    lines: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unknown_events: Counter[str] = field(default_factory=Counter)


# --- reading ----------------------------------------------------------------------------


def sniff_table_form(path: Path) -> bool:
    """True when the file is the database-table CSV export (a header naming callid)."""
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    first = next((line for line in head.splitlines() if line.strip()), "")
    lowered = first.lower()
    return "callid" in lowered and ("queuename" in lowered or "event" in lowered) and "|" not in first


#: Fields the fast reader splits a line into; a line with this many or more is read again
#: by the whole-line path (the CSV reader would drop fields past the last column).
_FAST_FIELDS = 16


def _has_blank_lines(path: Path) -> bool:
    """True when the file has an empty line (DuckDB's CSV reader skips those, which would
    shift the line numbers of the fast path). A memory map: no copy of the file."""
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        # ("\r" is looked for first: most files have none, and finding one byte is cheap.)
        return (
            data[:1] in (b"\n", b"\r")
            or data.find(b"\n\n") >= 0
            or (data.find(b"\r") >= 0 and data.find(b"\n\r\n") >= 0)
        )


def _check_log_fields(con: duckdb.DuckDBPyConnection, path: Path, display: str, site: SiteContext) -> bool:
    """The fast path: DuckDB's CSV reader splits each line on '|', and the lines go
    straight into the check (no table of split fields in between). False (nothing kept)
    when the file needs the whole-line path: a blank line, a line with _FAST_FIELDS or
    more fields, or bytes that are not UTF-8.

    Lines are first checked without their numbers: numbering them (a window over the whole
    file) makes DuckDB read and check on one thread, half the speed on two cores. Only a
    file with a rejected line is checked again with numbers, so the report can name them."""
    if _has_blank_lines(path):
        return False
    try:
        _insert_checked_fields(con, path, display, site, numbered=False)
    except duckdb.Error:
        return False
    too_wide, rejected = con.execute(
        f"SELECT count(*) FILTER (WHERE n >= {_FAST_FIELDS}), count(*) FILTER (WHERE bad_field IS NOT NULL) "
        "FROM ql_checked WHERE file = ?",
        [display],
    ).fetchall()[0]
    if too_wide:
        con.execute("DELETE FROM ql_checked WHERE file = ?", [display])
        return False
    if rejected:
        con.execute("DELETE FROM ql_checked WHERE file = ?", [display])
        _insert_checked_fields(con, path, display, site, numbered=True)
    return True


def _insert_checked_fields(
    con: duckdb.DuckDBPyConnection, path: Path, display: str, site: SiteContext, *, numbered: bool
) -> None:
    """Check every line of the log-form file ``path`` into ql_checked, split by DuckDB's CSV
    reader; ``line`` is the line's number when ``numbered``, else NULL."""
    con.execute(
        f"INSERT INTO ql_checked {_checked_sql(_split_fields_sql(numbered), site)}",
        {"display": display, "path": str(path)},
    )


def insert_streamed(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display: str,
    site: SiteContext,
    import_id: int,
    *,
    ascii_only: bool = False,
) -> int:
    """Insert the valid lines of the log-form file ``path`` straight into ``queue_log_events``
    of ``con`` (the embedded warehouse), with ``import_id``: no working table, no line
    numbers. Returns the rows inserted; a line rejected or too wide for the split is left
    out, so fewer rows than lines of data (line_scan) means lines were left out, which
    streamed_rejections names. The caller makes sure the reader cannot fail
    (line_scan.LineScan.streamable); ``ascii_only``: the file has no byte above 0x7F."""
    columns = ", ".join(EVENT_COLUMNS)
    valid = ", ".join("$site" if c == "site" else c for c in EVENT_COLUMNS)
    written = con.execute(
        f"INSERT INTO queue_log_events ({columns}, import_id) SELECT {valid}, $import_id "
        f"FROM ({_checked_sql(_split_fields_sql(numbered=False), site, ascii_only)}) "
        f"WHERE bad_field IS NULL AND n < {_FAST_FIELDS}",
        {"display": display, "path": str(path), "site": site.code, "import_id": import_id},
    ).fetchall()
    return int(written[0][0]) if written else 0


def _split_fields_sql(numbered: bool) -> str:
    """The lines of the file $path (shown as $display) split by DuckDB's CSV reader into
    the columns of ql_fields; ``line`` numbered when ``numbered`` (a window over the whole
    file, which DuckDB runs on one thread), else NULL."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, _FAST_FIELDS + 1))
    last_field = " ".join(f"WHEN c{i} IS NOT NULL THEN {i}" for i in range(_FAST_FIELDS, 0, -1))
    rest = ", ".join(f"coalesce(c{i}, '')" for i in range(10, _FAST_FIELDS + 1))
    line = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
    return f"""(SELECT $display AS file, {line} AS line, CASE {last_field} ELSE 0 END AS n,
                      c1 AS f1, c2 AS f2, c3 AS f3, c4 AS f4, c5 AS f5, c6 AS f6, c7 AS f7, c8 AS f8,
                      c9 AS f9,
                      CASE WHEN c10 IS NOT NULL OR c11 IS NOT NULL OR c12 IS NOT NULL
                             OR c13 IS NOT NULL OR c14 IS NOT NULL OR c15 IS NOT NULL
                           THEN rtrim(concat_ws('|', {rest}), '|') END AS rest,
                      CAST(NULL AS VARCHAR) AS text
               FROM read_csv($path, delim = '|', header = false, columns = {{{columns}}},
                 quote = '', escape = '', auto_detect = false, strict_mode = false,
                 null_padding = true))"""


def _load_log_lines(con: duckdb.DuckDBPyConnection, path: Path, display: str) -> None:
    """The whole-line path: each physical line of a log-form file into ql_lines(file, line, text)."""
    if not _has_carriage_return(path):
        try:
            con.execute(
                """INSERT INTO ql_lines
                   SELECT ?, row_number() OVER (), line FROM read_csv(?, delim = chr(1), header = false,
                     columns = {'line': 'VARCHAR'}, quote = '', escape = '', auto_detect = false,
                     new_line = '\\n', strict_mode = false, null_padding = true)""",
                [display, str(path)],
            )
            return
        except duckdb.Error:
            pass  # invalid UTF-8 or bytes the fast reader refuses: read below
    # Line by line in Python, keeping line numbers: lines end at '\n' only (DuckDB's reader
    # ends them at '\r' too, which numbered the lines of a CRLF file twice over), and
    # undecodable bytes become U+FFFD, so such a line is rejected.
    with path.open("rb") as handle:
        texts = [raw.decode("utf-8", errors="replace").rstrip("\r\n") for raw in handle]
    numbers = pa.array(range(1, len(texts) + 1), pa.int64())
    lines = pa.table({"line": numbers, "text": pa.array(texts, pa.string())})
    con.register("_fw_lines", lines)
    try:
        con.execute("INSERT INTO ql_lines SELECT ?, line, text FROM _fw_lines", [display])
    finally:
        con.unregister("_fw_lines")


def _has_carriage_return(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"\r") >= 0


#: Rows of a database-table export sent to DuckDB at a time (bounds Python's memory).
_TABLE_ROWS_PER_BATCH = 200_000


def _load_table_rows(con: duckdb.DuckDBPyConnection, path: Path, display: str, time_zone: str) -> None:
    """The database-table export: rebuild each row as a canonical log line into ql_lines,
    a batch of rows at a time as Arrow (row by row, DuckDB's executemany took 0.4 ms a
    row: 200,000 rows in 85 s)."""
    zone = ZoneInfo(time_zone)
    numbers: list[int] = []
    texts: list[str] = []

    def flush() -> None:
        if not numbers:
            return
        batch = pa.table({"line": pa.array(numbers, pa.int64()), "text": pa.array(texts, pa.string())})
        con.register("_fw_table_rows", batch)
        try:
            con.execute("INSERT INTO ql_lines SELECT ?, line, text FROM _fw_table_rows", [display])
        finally:
            con.unregister("_fw_table_rows")
        numbers.clear()
        texts.clear()

    utc_text = functools.lru_cache(maxsize=65_536)(functools.partial(_utc_text, zone=zone))
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        index = {name: i for i, name in enumerate(header)}
        queue_col = index.get("queuename", index.get("queue"))
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue

            def cell(name: str | None, row: list[str] = row) -> str:
                i = index.get(name or "", -1)
                return row[i] if 0 <= i < len(row) else ""

            data = (
                [cell(f"data{k}") for k in range(1, 6)]
                if "data1" in index
                else (cell("data").split("|") + [""] * 5)[:5]
            )
            when = cell("time").strip()
            if when and not _is_number(when):
                when = utc_text(when)
            queue = row[queue_col] if queue_col is not None and queue_col < len(row) else ""
            numbers.append(number)
            texts.append("|".join([when, cell("callid"), queue, cell("agent"), cell("event"), *data]))
            if len(numbers) >= _TABLE_ROWS_PER_BATCH:
                flush()
    flush()


def _utc_text(when: str, zone: ZoneInfo) -> str:
    """A DATETIME column's text, written in the server's (site's) local clock, as Unix
    seconds; left as is when it is not a date and time (the line check then rejects it,
    naming the time field)."""
    try:
        local = datetime.fromisoformat(when)
    except ValueError:
        return when
    return str((local.replace(tzinfo=local.tzinfo or zone)).timestamp())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _trimmed(text: str, ascii_only: bool = False) -> str:
    """SQL for trim(text) that skips the copy when there is nothing to trim: DuckDB's trim
    removes Unicode space separators only, and the one in ASCII is ' ' (trim cost three
    times the test, on every field of every line). ``ascii_only``: the text is known to
    be ASCII (no character count needed to know it has no other space)."""
    plain = "" if ascii_only else f"strlen({text}) = length({text}) AND "
    return (
        f"CASE WHEN {plain}NOT starts_with({text}, ' ') AND NOT ends_with({text}, ' ') "
        f"THEN {text} ELSE trim({text}) END"
    )


def _longer(text: str, limit: int, ascii_only: bool = False) -> str:
    """SQL for length(text) > limit, counting characters only when the bytes are more (and
    never for ASCII text, where bytes are characters)."""
    return (
        f"(strlen({text}) > {limit})"
        if ascii_only
        else f"(strlen({text}) > {limit} AND length({text}) > {limit})"
    )


_KNOWN_EVENTS_SQL = ", ".join("'" + e + "'" for e in sorted(KNOWN_EVENTS))


def _checked_sql(fields: str, site: SiteContext, ascii_only: bool = False) -> str:
    """The check of every non-blank line of the relation ``fields`` (columns as ql_fields):
    its typed, trimmed fields, the field found bad (NULL when none) and the event id.
    Trailing empty data fields are dropped from the canonical text so the log form and the
    table form of one event hash alike. ``ascii_only``: every line is known to be ASCII
    (line_scan), so characters need no counting and no line can hold U+FFFD (what an
    undecodable byte becomes): the same result, a sixth less work."""
    a = ascii_only
    undecodable = (
        ""
        if a
        else "WHEN contains(canonical, chr(65533)) OR contains(coalesce(f1, ''), chr(65533)) THEN 'line'"
    )
    data_chars = (
        ""
        if a
        else "AND greatest(length(data1), length(data2), length(data3), length(data4), length(data5)) > 200"
    )
    event_id = STABLE_ID_SQL.format(source=f"'{SOURCE}'", key=f"{_quote(site.code)} || '|' || canonical")
    return f"""
        WITH typed AS (
          SELECT file, line, n, text, f1, rest,
                 TRY_CAST({_trimmed("f1", a)} AS DOUBLE) AS time_s,
                 {_trimmed("f2", a)} AS callid, {_trimmed("f3", a)} AS queue,
                 {_trimmed("f4", a)} AS agent, upper({_trimmed("f5", a)}) AS event,
                 coalesce(f6, '') AS data1, coalesce(f7, '') AS data2, coalesce(f8, '') AS data3,
                 coalesce(f9, '') AS data4, coalesce(rest, '') AS data5
          FROM (SELECT * REPLACE (coalesce(f2, '') AS f2, coalesce(f3, '') AS f3, coalesce(f4, '') AS f4,
                                  coalesce(f5, '') AS f5)
                FROM {fields} WHERE n > 1 OR trim(coalesce(f1, '')) <> '')
        ), canon AS (
          -- rtrim(concat_ws('|', CAST(time_s AS VARCHAR), callid, queue, agent, event, data1,
          -- …, data5), '|') wherever it matters (a line with an event word: it cannot end in
          -- '|'; only data5 can hold one), spelled out: rtrim with characters and double to
          -- text were half the cost of checking a line. Whole seconds print as digits + '.0'.
          SELECT *, concat(
              CASE WHEN time_s >= 1e8 AND time_s < 1e10 AND time_s = trunc(time_s)
                   THEN CAST(CAST(time_s AS BIGINT) AS VARCHAR) || '.0'
                   ELSE CAST(time_s AS VARCHAR) END,
              '|', callid, '|', queue, '|', agent, '|', event,
              CASE WHEN last_data <> '' THEN '|' || data1 || '|' || data2 || '|' || data3 || '|' || data4
                                              || '|' || last_data
                   WHEN data4 <> '' THEN '|' || data1 || '|' || data2 || '|' || data3 || '|' || data4
                   WHEN data3 <> '' THEN '|' || data1 || '|' || data2 || '|' || data3
                   WHEN data2 <> '' THEN '|' || data1 || '|' || data2
                   WHEN data1 <> '' THEN '|' || data1
                   ELSE '' END) AS canonical
          FROM (SELECT *, CASE WHEN ends_with(data5, '|') THEN rtrim(data5, '|') ELSE data5 END AS last_data
                FROM typed)
        ), checked AS (
          SELECT file, line, n, text, f1 AS time_text, time_s, callid, queue, agent, event,
          data1, data2, data3, data4, data5,
          CASE
            WHEN n < 5 THEN 'line'
            WHEN time_s IS NULL THEN 'time'
            WHEN time_s < {_MIN_EPOCH} OR time_s >= {_MAX_EPOCH} THEN 'time'
            -- (a known event needs no pattern match: the regular expression cost more)
            WHEN event NOT IN ({_KNOWN_EVENTS_SQL})
                 AND (event = '' OR NOT regexp_full_match(event, '[A-Z_0-9]+')) THEN 'event'
            WHEN callid = '' OR {_longer("callid", 120, a)} THEN 'callid'
            WHEN {_longer("queue", 80, a)} THEN 'queue'
            WHEN {_longer("agent", 80, a)} THEN 'agent'
            WHEN greatest(strlen(data1), strlen(data2), strlen(data3), strlen(data4), strlen(data5)) > 200
                 {data_chars}
              THEN 'data'
            {undecodable}
          END AS bad_field,
          canonical
        FROM canon
        )
        SELECT * EXCLUDE (canonical),
               CASE WHEN bad_field IS NULL THEN {event_id} END AS event_id
        FROM checked"""


_REASONS = {
    "line": "not a queue_log line: expected time|callid|queue|agent|EVENT[|data…]",
    "time": "time is not a Unix time between 2000 and 2100 (seconds)",
    "event": "event name is missing or not an EVENT word",
    "callid": "callid is empty or longer than 120 characters",
    "queue": "queue name is longer than 80 characters",
    "agent": "agent name is longer than 80 characters",
    "data": "a data field is longer than 200 characters",
}


def _rejections(con: duckdb.DuckDBPyConnection, checked: str) -> list[Rejection]:
    """The rejected lines of the relation ``checked`` (columns as ql_checked), by file and line."""
    rejections = []
    # A line the fast path split is shown as its fields joined again (trailing '|' dropped).
    for file, line, bad, text in con.execute(
        f"""SELECT file, line, bad_field, coalesce(text, rtrim(concat_ws('|', coalesce(time_text, ''),
                   callid, queue, agent, event, data1, data2, data3, data4, data5), '|'))
            FROM {checked} WHERE bad_field IS NOT NULL ORDER BY file, line"""
    ).fetchall():
        reason = _REASONS[bad]
        if bad == "line" and "\ufffd" in text:
            reason = "line is not valid UTF-8 text"
        rejections.append(Rejection.of(file, line, bad, reason, text))
    return rejections


def streamed_rejections(
    con: duckdb.DuckDBPyConnection, path: Path, display: str, site: SiteContext, *, ascii_only: bool = False
) -> list[Rejection] | None:
    """The lines insert_streamed left out of a file, each rejection named by its line
    number, or None when a line was left out for being too wide for the split (the file
    must then be read whole: read_files). One numbered pass, on one thread, that keeps
    only those lines."""
    checked = _checked_sql(_split_fields_sql(numbered=True), site, ascii_only)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _fw_rejected AS
            SELECT * FROM ({checked}) WHERE bad_field IS NOT NULL OR n >= {_FAST_FIELDS}""",
        {"display": display, "path": str(path)},
    )
    try:
        if con.execute(f"SELECT count(*) FROM _fw_rejected WHERE n >= {_FAST_FIELDS}").fetchall()[0][0]:
            return None
        return _rejections(con, "_fw_rejected")
    finally:
        con.execute("DROP TABLE IF EXISTS _fw_rejected")


def read_files(
    con: duckdb.DuckDBPyConnection, paths: list[tuple[Path, str]], site: SiteContext
) -> ReadReport:
    """Read every (path, display name) into the relation ``ql_new`` (one row per distinct
    valid line: EVENT_COLUMNS) and report lines, duplicates, rejections and unknown events.

    The working tables (ql_fields, ql_checked, ql_new) are made in ``con``'s current catalog:
    an in-memory database of the caller's, which other connections of the same DuckDB
    instance can read (the embedded warehouse inserts from it directly)."""
    con.execute("CREATE OR REPLACE TABLE ql_lines (file VARCHAR, line BIGINT, text VARCHAR)")
    # One row per line: the number of fields up to the last non-empty one, fields 1–9, the
    # rest joined by '|' (data5 and beyond), and the line itself where it was read whole.
    con.execute(
        "CREATE OR REPLACE TABLE ql_fields (file VARCHAR, line BIGINT, n INTEGER, "
        + ", ".join(f"f{i} VARCHAR" for i in range(1, 10))
        + ", rest VARCHAR, text VARCHAR)"
    )
    con.execute(f"CREATE OR REPLACE TABLE ql_checked AS {_checked_sql('ql_fields', site)} LIMIT 0")
    for path, display in paths:
        if sniff_table_form(path):
            _load_table_rows(con, path, display, site.source_zone)
        elif not _check_log_fields(con, path, display, site):
            _load_log_lines(con, path, display)
    if con.execute("SELECT count(*) FROM ql_lines").fetchall()[0][0]:
        con.execute(
            """INSERT INTO ql_fields
               WITH split AS (
                 SELECT file, line, text, string_split(rtrim(text, chr(13)), '|') AS p
                 FROM ql_lines WHERE text IS NOT NULL AND trim(text) <> ''
               )
               SELECT file, line, len(string_split(rtrim(rtrim(text, chr(13)), '|'), '|')),
                      p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], array_to_string(p[10:], '|'), text
               FROM split"""
        )
        con.execute(f"INSERT INTO ql_checked {_checked_sql('ql_fields', site)}")
    con.execute("DROP TABLE ql_lines")
    con.execute("DROP TABLE ql_fields")
    report = ReadReport()
    report.lines = con.execute("SELECT count(*) FROM ql_checked").fetchall()[0][0]
    report.rejections.extend(_rejections(con, "ql_checked"))
    valid_events = f"""SELECT event_id, {_quote(site.code)} AS site, time_s, callid, queue, agent, event,
                              data1, data2, data3, data4, data5
                       FROM ql_checked WHERE bad_field IS NULL"""
    # Repeated lines (overlapping files) are the exception: keeping one row per event id
    # costs a full-row DISTINCT, so it runs only when a repeat exists; otherwise ql_new
    # is a view of the checked lines (no copy). Whether one exists: the ids sorted by numpy
    # (5M ids: 0.3 s, where a DuckDB hash aggregate over them took 0.8–1.4 s).
    ids = con.execute("SELECT event_id FROM ql_checked WHERE bad_field IS NULL").fetchnumpy()["event_id"]
    ids = np.sort(np.asarray(ids))
    repeats = bool(np.any(ids[1:] == ids[:-1]))
    del ids
    con.execute("DROP VIEW IF EXISTS ql_new")
    con.execute("DROP TABLE IF EXISTS ql_new")
    if repeats:
        con.execute(f"CREATE TABLE ql_new AS SELECT DISTINCT ON (event_id) * FROM ({valid_events})")
    else:
        con.execute(f"CREATE VIEW ql_new AS {valid_events}")
    valid = report.lines - len(report.rejections)
    distinct = con.execute("SELECT count(*) FROM ql_new").fetchall()[0][0]
    report.duplicates = valid - distinct
    for event, count in con.execute(
        "SELECT event, count(*) FROM ql_new GROUP BY event ORDER BY event"
    ).fetchall():
        if event not in KNOWN_EVENTS:
            report.unknown_events[event] = count
    return report


# --- legs --------------------------------------------------------------------------------


def build_legs(con: duckdb.DuckDBPyConnection, events: str, site: SiteContext) -> pa.Table:
    """Contacts (legs) of every call in the relation ``events`` (EVENT_COLUMNS), as Arrow."""
    create_legs(con, events, site, "_fw_built_legs")
    try:
        return _to_contacts(con.sql("SELECT * FROM _fw_built_legs").to_arrow_table())
    finally:
        con.execute("DROP TABLE _fw_built_legs")


#: Where a (callid, queue) is a single leg that needs no ordering of its events: at most
#: one opener, one CONNECT and one end, and no event before the opener (a leg without an
#: opener — its start in an earlier file — is one leg too).
_ONE_LEG_SQL = "(openers <= 1 AND connects <= 1 AND ends <= 1 AND (openers = 0 OR first_s = opened_s))"


#: The columns of ``contacts`` the legs query gives, in its order.
LEG_COLUMNS = (
    "contact_id", "source", "source_key", "site", "queue", "channel", "direction", "customer_key",
    "arrived_at", "arrived_local", "utc_offset_s", "answered_at", "ended_at", "wait_s", "talk_s",
    "hold_s", "wrapup_s", "outcome", "agent", "disposition", "ring_attempts", "previous_contact_id",
)  # fmt: skip


def create_legs(
    con: duckdb.DuckDBPyConnection, events: str, site: SiteContext, table: str, *, ordered_only: bool = False
) -> None:
    """Create the temporary table ``table`` on ``con``: the legs of every call in the
    relation ``events`` (EVENT_COLUMNS), in the columns of ``contacts`` it knows
    (LEG_COLUMNS), in the warehouse's types, ordered by arrival. Runs where the events are
    (the embedded warehouse inserts the table as is)."""
    _write_legs(con, events, site, f"CREATE OR REPLACE TEMP TABLE {table} AS", ordered_only=ordered_only)


def insert_legs(con: duckdb.DuckDBPyConnection, events: str, site: SiteContext, import_id: int) -> int:
    """Insert the legs create_legs would make straight into ``contacts`` of ``con`` (the
    embedded warehouse), with ``import_id``, when the caller knows none of them is stored
    (no temporary copy of every leg); returns the number inserted."""
    columns = ", ".join(LEG_COLUMNS)
    written = _write_legs(
        con, events, site, f"INSERT INTO contacts ({columns}, import_id)", extra=", $import_id",
        params={"import_id": import_id},
    )  # fmt: skip
    return int(written[0][0]) if written else 0


def _write_legs(
    con: duckdb.DuckDBPyConnection, events: str, site: SiteContext, statement: str, *, extra: str = "",
    params: dict[str, Any] | None = None, ordered_only: bool = False,
) -> list[Any]:  # fmt: skip
    """Run ``statement`` (a CREATE … AS or an INSERT) over the legs query of create_legs,
    its rows given ``extra`` trailing columns; returns what the statement returns.

    Most calls visit a queue once, and such a (callid, queue) is one leg whose values need
    no ordering of its events: one hash aggregate over the call events gives them. Only
    the other (callid, queue) pairs are numbered into legs by a window in content order (a
    window over every call event cost twice as much as the rest of this). Both give the
    same legs; ``ordered_only`` sends every pair the ordered way (for tests that say so)."""
    queues = sorted(set(site.wrapup_s) | set(site.channels))
    openers = ", ".join(_quote(e) for e in LEG_OPENERS)
    terminals = ", ".join(_quote(e) for e in TERMINAL)
    calls = ", ".join(_quote(e) for e in CALL_EVENTS)
    one_leg = "false" if ordered_only else _ONE_LEG_SQL
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _fw_per_queue AS
        SELECT callid, queue,
          count(*) FILTER (WHERE event IN ({openers})) AS openers,
          count(*) FILTER (WHERE event = 'CONNECT') AS connects,
          count(*) FILTER (WHERE event IN ({terminals})) AS ends,
          min(time_s) AS first_s,
          min(time_s) FILTER (WHERE event IN ({openers})) AS opened_s,
          any_value(event) FILTER (WHERE event IN ({openers})) AS opener,
          any_value(data2) FILTER (WHERE event = 'ENTERQUEUE') AS callerid,
          min(time_s) FILTER (WHERE event = 'CONNECT') AS connect_s,
          any_value(agent) FILTER (WHERE event = 'CONNECT') AS connect_agent,
          any_value(TRY_CAST(data1 AS DOUBLE)) FILTER (WHERE event = 'CONNECT') AS connect_wait,
          any_value(event) FILTER (WHERE event IN ({terminals})) AS terminal,
          min(time_s) FILTER (WHERE event IN ({terminals})) AS end_s,
          any_value(agent) FILTER (WHERE event IN ({terminals})) AS end_agent,
          any_value({_END_WAIT_SQL}) FILTER (WHERE event IN ({terminals})) AS end_wait,
          any_value({_CALLTIME_SQL}) FILTER (WHERE event IN ({terminals})) AS calltime,
          count(*) FILTER (WHERE event IN ('RINGNOANSWER','RINGCANCELED','CONNECT')) AS rings
        FROM {events} WHERE event IN ({calls}) GROUP BY callid, queue"""
    )
    ordered = con.execute(f"SELECT count(*) FROM _fw_per_queue WHERE NOT {one_leg}").fetchall()[0][0]
    if ordered:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _fw_ordered_legs AS
            WITH numbered AS (
              -- leg number within (callid, queue): openers seen so far, in content order,
              -- and seq, the event's place in that order: one integer to compare below
              -- instead of a (time, rank, id) struct in every arg_min (measured faster)
              SELECT *, sum(CASE WHEN event IN ({openers}) THEN 1 ELSE 0 END) OVER w AS leg_no,
                        row_number() OVER w AS seq
              FROM (SELECT *, {_RANK_SQL} AS rank FROM {events}
                    WHERE event IN ({calls})
                      AND (callid, queue) IN (SELECT (callid, queue) FROM _fw_per_queue WHERE NOT {one_leg}))
              WINDOW w AS (PARTITION BY callid, queue ORDER BY time_s, rank, event_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            )
            SELECT callid, queue, leg_no,
              min(time_s) FILTER (WHERE event IN ({openers})) AS opened_s,
              arg_min(event, seq) FILTER (WHERE event IN ({openers})) AS opener,
              arg_min(data2, seq) FILTER (WHERE event = 'ENTERQUEUE') AS callerid,
              min(time_s) FILTER (WHERE event = 'CONNECT') AS connect_s,
              arg_min(agent, seq) FILTER (WHERE event = 'CONNECT') AS connect_agent,
              arg_min(TRY_CAST(data1 AS DOUBLE), seq) FILTER (WHERE event = 'CONNECT') AS connect_wait,
              arg_min(event, seq) FILTER (WHERE event IN ({terminals})) AS terminal,
              min(time_s) FILTER (WHERE event IN ({terminals})) AS end_s,
              arg_min(agent, seq) FILTER (WHERE event IN ({terminals})) AS end_agent,
              arg_min({_END_WAIT_SQL}, seq) FILTER (WHERE event IN ({terminals})) AS end_wait,
              arg_min({_CALLTIME_SQL}, seq) FILTER (WHERE event IN ({terminals})) AS calltime,
              count(*) FILTER (WHERE event IN ('RINGNOANSWER','RINGCANCELED','CONNECT')) AS rings
            FROM numbered GROUP BY callid, queue, leg_no"""
        )
    # A leg is known by its opener, its CONNECT or its end (ring events alone are none); a
    # leg whose opener is not in the data starts reported-wait seconds before its first
    # known moment (Asterisk's whole-second arithmetic).
    has_moment = "(opened_s IS NOT NULL OR connect_s IS NOT NULL OR end_s IS NOT NULL)"
    timed = """coalesce(connect_wait, end_wait) AS reported_wait,
            coalesce(opened_s, floor(coalesce(connect_s, end_s) - coalesce(connect_wait, end_wait, 0)))
              AS arrived_s"""
    # A call re-entering the same queue within one second still gets distinct legs (only
    # the ordered path has more than one leg per call and queue).
    counted = f"""SELECT * EXCLUDE (openers, connects, ends, first_s), openers AS leg_no, {timed},
                     1 AS same_second
              FROM _fw_per_queue WHERE {one_leg} AND {has_moment}"""
    if ordered:
        counted += f"""
              UNION ALL BY NAME
              SELECT *, row_number() OVER (PARTITION BY callid, queue, floor(arrived_s) ORDER BY leg_no)
                          AS same_second
              FROM (SELECT *, {timed} FROM _fw_ordered_legs) WHERE {has_moment}"""
    wrap_cases = " ".join(
        f"WHEN {_quote(q)} THEN {float(wrap)!r}" for q in queues if (wrap := site.wrapup_for(q)) is not None
    )
    wrap_sql = (
        f"{float(site.wrapup_override_s)!r}"
        if site.wrapup_override_s is not None
        else (f"CASE queue {wrap_cases} ELSE NULL END" if wrap_cases else "NULL")
    )
    channel_cases = " ".join(f"WHEN {_quote(q)} THEN {_quote(c)}" for q, c in site.channels.items())
    channel_sql = f"CASE queue {channel_cases} ELSE 'voice' END" if channel_cases else "'voice'"
    outcome_cases = " ".join(f"WHEN {_quote(e)} THEN {_quote(o)}" for e, o in TERMINAL.items())
    opener_outcome = " ".join(f"WHEN {_quote(e)} THEN {_quote(o)}" for e, o in LEG_OPENERS.items() if o)
    contact_id = STABLE_ID_SQL.format(source=f"'{SOURCE}'", key="source_key")
    try:
        return con.execute(
            f"""{statement}
            WITH counted AS (
              {counted}
            ), keyed AS (
              SELECT *,
                $site || '|' || callid || '|' || queue || '|'
                  || CAST(CAST(floor(arrived_s) AS BIGINT) AS VARCHAR)
                  || CASE WHEN same_second > 1 THEN '|' || CAST(same_second AS VARCHAR) ELSE '' END
                  AS source_key,
                CASE
                  WHEN terminal IS NOT NULL THEN CASE terminal {outcome_cases} END
                  WHEN opener IS NOT NULL AND opener <> 'ENTERQUEUE' THEN CASE opener {opener_outcome} END
                  WHEN connect_s IS NOT NULL THEN 'answered'
                  ELSE 'incomplete' END AS outcome
              FROM counted
            ), linked AS (
              -- the previous leg's id is its contact_id (one hash per leg, not two)
              SELECT *, lag(contact_id) OVER (PARTITION BY callid ORDER BY arrived_s, source_key)
                          AS previous_contact_id
              FROM (SELECT *, {contact_id} AS contact_id FROM keyed)
            )
            SELECT
              contact_id, '{SOURCE}' AS source, source_key, $site AS site, queue,
              {channel_sql} AS channel, 'inbound' AS direction,
              nullif(nullif(nullif(trim(callerid), ''), 'unknown'), 'anonymous') AS customer_key,
              make_timestamp(arrived_us) AS arrived_at,
              make_timestamp(local_us) AS arrived_local,
              CAST((local_us - arrived_us) // 1000000 AS INTEGER) AS utc_offset_s,
              make_timestamp(answered_us) AS answered_at,
              make_timestamp(ended_us) AS ended_at,
              wait_s, talk_s, hold_s, CAST(wrapup_s AS DOUBLE) AS wrapup_s, outcome, agent, disposition,
              ring_attempts, previous_contact_id{extra}
            FROM (
            SELECT *,
              CAST(round(arrived_s * 1e6) AS BIGINT) AS arrived_us,
              epoch_us(timezone($zone, timezone('UTC',
                make_timestamp(CAST(round(arrived_s * 1e6) AS BIGINT))))) AS local_us,
              CASE WHEN outcome IN ('answered','transferred') THEN
                   CAST(round(coalesce(connect_s, arrived_s + reported_wait) * 1e6) AS BIGINT)
                   END AS answered_us,
              CASE WHEN end_s IS NOT NULL THEN CAST(round(end_s * 1e6) AS BIGINT)
                   WHEN opener IS NOT NULL AND opener <> 'ENTERQUEUE'
                     THEN CAST(round(arrived_s * 1e6) AS BIGINT) END AS ended_us,
              CASE WHEN outcome = 'incomplete' THEN NULL
                   WHEN opener IS NOT NULL AND opener <> 'ENTERQUEUE' AND terminal IS NULL THEN 0.0
                   ELSE greatest(coalesce(reported_wait,
                        coalesce(connect_s, end_s) - arrived_s), 0.0) END AS wait_s,
              CASE WHEN outcome IN ('answered','transferred') THEN calltime END AS talk_s,
              CAST(NULL AS DOUBLE) AS hold_s,
              CASE WHEN outcome IN ('answered','transferred') THEN {wrap_sql} END AS wrapup_s,
              CASE WHEN outcome IN ('answered','transferred') THEN coalesce(connect_agent, end_agent) END
                AS agent,
              CAST(NULL AS VARCHAR) AS disposition,
              CAST(rings AS INTEGER) AS ring_attempts
            FROM linked
            ) AS final
            ORDER BY arrived_s, source_key""",
            {"site": site.code, "zone": site.time_zone, **(params or {})},
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _fw_per_queue")
        con.execute("DROP TABLE IF EXISTS _fw_ordered_legs")


#: The wait a leg's closing event reports, by event (module docstring).
_END_WAIT_SQL = """CASE
  WHEN event IN ('COMPLETEAGENT','COMPLETECALLER') THEN TRY_CAST(data1 AS DOUBLE)
  WHEN event IN ('TRANSFER','BLINDTRANSFER') THEN TRY_CAST(data3 AS DOUBLE)
  WHEN event = 'ATTENDEDTRANSFER' AND data1 = 'LINK' THEN TRY_CAST(data4 AS DOUBLE)
  WHEN event = 'ATTENDEDTRANSFER' THEN TRY_CAST(data3 AS DOUBLE)
  WHEN event IN ('ABANDON','EXITWITHTIMEOUT','EXITEMPTY') THEN TRY_CAST(data3 AS DOUBLE)
  WHEN event = 'EXITWITHKEY' THEN TRY_CAST(data4 AS DOUBLE) END"""
#: The talk time a leg's closing event reports, by event (module docstring).
_CALLTIME_SQL = """CASE
  WHEN event IN ('COMPLETEAGENT','COMPLETECALLER') THEN TRY_CAST(data2 AS DOUBLE)
  WHEN event IN ('TRANSFER','BLINDTRANSFER') THEN TRY_CAST(data4 AS DOUBLE)
  WHEN event = 'ATTENDEDTRANSFER' AND data1 = 'LINK' THEN TRY_CAST(split_part(data5, '|', 1) AS DOUBLE)
  WHEN event = 'ATTENDEDTRANSFER' THEN TRY_CAST(data4 AS DOUBLE) END"""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _to_contacts(raw: pa.Table) -> pa.Table:
    """legs_sql's result in the contacts schema (the columns it does not know are NULL)."""
    n, known = raw.num_rows, set(raw.column_names)
    return pa.table(
        {
            name: raw.column(name) if name in known else pa.nulls(n, CONTACT_SCHEMA.field(name).type)
            for name in CONTACT_SCHEMA.names
        },
        schema=CONTACT_SCHEMA,
    )


def write_rejections_csv(rejections: list[Rejection]) -> bytes:
    """The rejection report as CSV bytes (file, line, field, reason, raw)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "field", "reason", "raw"])
    for r in rejections:
        writer.writerow([r.file, r.line, r.field or "", r.reason, r.raw])
    return buffer.getvalue().encode()
