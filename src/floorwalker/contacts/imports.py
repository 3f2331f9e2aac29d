"""Import use cases: resolve the site, run a parser, write the warehouse in one transaction,
save the rejection report, and record the import in the history.

Every import is atomic (one warehouse transaction: a failure leaves the warehouse as it
was, and the failure itself is recorded afterwards), idempotent (rows are keyed by
stable ids; a re-import adds nothing), and accounted for (every input line is loaded,
counted as a duplicate, skipped by the format's own rules, or rejected with a reason).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.contacts import queue_log
from floorwalker.contacts.arrow import AGENT_STATE_SCHEMA, SURVEY_SCHEMA, rows_to_table
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext
from floorwalker.contacts.models import agent_states, contacts, imports, queue_log_events, survey_responses
from floorwalker.contacts.service import WriteMode, fetch_arrow, write_rows
from floorwalker.db import get_engine
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Queue, Site
from floorwalker.settings import Settings
from floorwalker.timeutil import is_valid_time_zone

KINDS = ("queue-log", "contacts", "connect", "surveys")
Progress = Callable[[str], None]


@dataclass
class ImportSummary:
    """What an import did. ``as_json`` is the CLI contract of issue 3 (keys are stable)."""

    import_id: int | None = None
    kind: str = ""
    dry_run: bool = False
    lines: int = 0
    contacts: int = 0
    agent_states: int = 0
    surveys: int = 0
    rejected: int = 0
    duplicates: int = 0
    incomplete: int = 0
    unknown_events: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    rejections_file: str | None = None
    rejections: list[Rejection] = field(default_factory=list)

    def add(self, batch: Batch) -> None:
        self.lines += batch.lines
        self.duplicates += batch.duplicates
        self.incomplete += batch.incomplete
        self.unknown_events.update(batch.unknown_events)
        self.skipped.update(batch.skipped)
        self.rejections.extend(batch.rejections)
        self.rejected = len(self.rejections)

    def as_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "contacts": self.contacts,
            "agent_states": self.agent_states,
            "surveys": self.surveys,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "incomplete": self.incomplete,
            "unknown_events": dict(sorted(self.unknown_events.items())),
            "rejections_file": self.rejections_file,
            "skipped": dict(sorted(self.skipped.items())),
            "import_id": self.import_id,
            "dry_run": self.dry_run,
        }


def _require_importer(actor: Actor) -> None:
    if actor.role not in ("admin", "manager"):
        raise PermissionDenied("only admins and managers import data")


def site_context(
    session: Session, site: str | None, time_zone: str | None, wrapup_s: float | None = None
) -> SiteContext:
    """The site an import belongs to (code or name; the only active site when omitted),
    with its queues' wrap-up and channel settings. ``time_zone`` is the zone the source
    writes offset-less times in, when not the site's; the stored local clock stays the site's."""
    sites = session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.code)).all()
    if site is None:
        if len(sites) != 1:
            known = ", ".join(s.code for s in sites) or "none yet: create one under Sites"
            raise InvalidInput(f"name the site with --site (known sites: {known})", field="site")
        chosen = sites[0]
    else:
        chosen = next((s for s in sites if site in (s.code, s.name)), None)  # type: ignore[assignment]
        if chosen is None:
            known = ", ".join(s.code for s in sites) or "none"
            raise NotFound(f"no active site '{site}' (known sites: {known})")
    if time_zone is not None and not is_valid_time_zone(time_zone):
        raise InvalidInput(f"'{time_zone}' is not an IANA time zone (e.g. Europe/London)", field="tz")
    if wrapup_s is not None and wrapup_s < 0:
        raise InvalidInput("--wrapup-s must be 0 or more seconds", field="wrapup_s")
    queues = session.scalars(select(Queue).where(Queue.site_id == chosen.id)).all()
    return SiteContext(
        code=chosen.code,
        time_zone=chosen.time_zone,
        source_time_zone=time_zone,
        wrapup_s={q.code: q.wrapup_s for q in queues if q.wrapup_s is not None},
        wrapup_override_s=wrapup_s,
        channels={q.code: q.channel for q in queues},
    )


def _next_import_id(connection: Connection) -> int:
    return int(connection.execute(select(func.coalesce(func.max(imports.c.import_id), 0))).scalar_one()) + 1


def _rejections_path(settings: Settings, import_id: int, kind: str, dry_run: bool) -> Path:
    folder = settings.data / "rejections"
    folder.mkdir(parents=True, exist_ok=True)
    if dry_run:
        # A dry run takes no import id: name its report by time so runs do not overwrite each other.
        return (folder / f"dry-run-{clock.utcnow():%Y%m%dT%H%M%S%f}-{kind}.csv").resolve()
    return (folder / f"import-{import_id}-{kind}.csv").resolve()


def _record(
    connection: Connection,
    summary: ImportSummary,
    *,
    kind: str,
    source: str,
    site: str | None,
    files: list[str],
    username: str,
    started: datetime,
    status: str,
    message: str | None = None,
) -> None:
    connection.execute(
        imports.insert().values(
            import_id=summary.import_id,
            kind=kind,
            source=source,
            site=site,
            files=json.dumps(files),
            username=username,
            started_at=started,
            finished_at=clock.utcnow(),
            status=status,
            lines=summary.lines,
            contacts=summary.contacts,
            agent_states=summary.agent_states,
            surveys=summary.surveys,
            rejected=summary.rejected,
            duplicates=summary.duplicates,
            incomplete=summary.incomplete,
            unknown_events=json.dumps(dict(summary.unknown_events)),
            skipped=json.dumps(dict(summary.skipped)),
            rejections_file=summary.rejections_file,
            message=message,
        )
    )


def run_import(
    settings: Settings,
    actor: Actor,
    *,
    kind: str,
    source: str,
    site: SiteContext,
    files: list[str],
    dry_run: bool,
    load: Callable[[Connection, ImportSummary, Progress], None],
    progress: Progress = lambda _step: None,
) -> ImportSummary:
    """Run ``load`` inside one warehouse transaction and record the import.

    ``load`` parses and writes (it fills the summary); on a dry run the transaction is
    rolled back after it, so it validates everything and writes nothing."""
    _require_importer(actor)
    engine = get_engine(settings.resolved_warehouse_url)
    started = clock.utcnow()
    summary = ImportSummary(kind=kind, dry_run=dry_run)
    connection = engine.connect()
    transaction = connection.begin()
    try:
        summary.import_id = _next_import_id(connection)
        load(connection, summary, progress)
        if summary.rejections:
            summary.rejections.sort(key=lambda r: (r.file, r.line))
            path = _rejections_path(settings, summary.import_id, kind, dry_run)
            path.write_bytes(queue_log.write_rejections_csv(summary.rejections))
            summary.rejections_file = str(path)
        if dry_run:
            transaction.rollback()
        else:
            _record(
                connection,
                summary,
                kind=kind,
                source=source,
                site=site.code,
                files=files,
                username=actor.username,
                started=started,
                status="loaded",
            )
            transaction.commit()
    except BaseException as exc:
        if transaction.is_active:
            transaction.rollback()
        connection.close()
        # The failure is history too: record it in a transaction of its own.
        failed = ImportSummary(kind=kind, import_id=summary.import_id, lines=summary.lines)
        with engine.begin() as conn:
            failed.import_id = _next_import_id(conn)
            _record(
                conn,
                failed,
                kind=kind,
                source=source,
                site=site.code,
                files=files,
                username=actor.username,
                started=started,
                status="failed",
                message=f"{type(exc).__name__}: {exc}"[:2000],
            )
        raise
    connection.close()
    return summary


# --- batch parsers (CSV/XLSX mappings, Connect, surveys) -------------------------------------


def load_batches(
    batches: Iterator[Batch], modes: dict[str, WriteMode], import_id_column: bool = True
) -> Callable[[Connection, ImportSummary, Progress], None]:
    """A ``load`` for run_import that writes each parser batch as it comes (memory bounded)."""

    def load(connection: Connection, summary: ImportSummary, progress: Progress) -> None:
        for number, batch in enumerate(batches, start=1):
            progress(f"batch {number}: {summary.lines + batch.lines:,} lines read")
            summary.add(batch)
            for name, table, rows in (
                ("contacts", contacts, batch.contacts),
                ("agent_states", agent_states, batch.agent_states),
                ("surveys", survey_responses, batch.survey_responses),
            ):
                if rows.num_rows == 0:
                    continue
                if import_id_column:
                    rows = rows.append_column(
                        "import_id", pa.array([summary.import_id] * rows.num_rows, pa.int64())
                    )
                new, existed = write_rows(connection, table, rows, modes.get(name, "replace"))
                setattr(summary, name, getattr(summary, name) + new)
                summary.duplicates += existed

    return load


# --- survey responses ------------------------------------------------------------------------

#: A response given by customer key is linked to that customer's latest contact this long before it.
SURVEY_LINK_WINDOW = timedelta(days=7)


def surveys_load(
    batches: Iterator[Batch], display_name: str
) -> Callable[[Connection, ImportSummary, Progress], None]:
    """A ``load`` for run_import that links each response to its contact, then writes it."""

    def load(connection: Connection, summary: ImportSummary, progress: Progress) -> None:
        for batch in batches:
            progress(f"{summary.lines + batch.lines:,} responses read")
            summary.add(batch)
            rows = batch.survey_responses.to_pylist()
            if not rows:
                continue
            linked, rejected = _link_responses(connection, rows, display_name)
            summary.rejections.extend(rejected)
            summary.rejected = len(summary.rejections)
            if linked:
                table = rows_to_table(linked, SURVEY_SCHEMA).append_column(
                    "import_id", pa.array([summary.import_id] * len(linked), pa.int64())
                )
                new, existed = write_rows(connection, survey_responses, table, "replace")
                summary.surveys += new
                summary.duplicates += existed

    return load


def _link_responses(
    connection: Connection, rows: list[dict[str, Any]], file: str
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    refs = sorted({r["contact_ref"] for r in rows if r["contact_ref"]})
    by_ref: dict[str, tuple[datetime, int]] = {}
    if refs:
        # The source's own id of the contact, or an Asterisk callid (the 2nd part of a leg's key):
        # the latest leg wins, i.e. where the call ended up.
        # Keys are stored as the source writes them, or prefixed with the site code
        # ("SITE|101" for a VICIdial closecallid), and Asterisk legs as "SITE|callid|…".
        found = connection.execute(
            text(
                """SELECT source_key, contact_id, arrived_at FROM contacts WHERE source_key IN :refs
                   UNION ALL
                   SELECT split_part(source_key, '|', 2), contact_id, arrived_at FROM contacts
                   WHERE source_key LIKE '%|%' AND split_part(source_key, '|', 2) IN :refs"""
            ).bindparams(bindparam("refs", expanding=True)),
            {"refs": refs},
        ).fetchall()
        for ref, contact_id, arrived in found:
            if ref not in by_ref or arrived > by_ref[ref][0]:
                by_ref[ref] = (arrived, contact_id)
    customers = sorted({r["customer_key"] for r in rows if r["customer_key"] and not r["contact_ref"]})
    by_customer: dict[str, list[tuple[datetime, int]]] = {}
    if customers:
        earliest = min(r["responded_at"] for r in rows) - SURVEY_LINK_WINDOW
        latest = max(r["responded_at"] for r in rows)
        for customer, contact_id, arrived in connection.execute(
            text(
                """SELECT customer_key, contact_id, arrived_at FROM contacts
                   WHERE customer_key IN :customers AND arrived_at BETWEEN :earliest AND :latest"""
            ).bindparams(bindparam("customers", expanding=True)),
            {"customers": customers, "earliest": earliest, "latest": latest},
        ):
            by_customer.setdefault(customer, []).append((arrived, contact_id))
    linked: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    for row in rows:
        ref = row.pop("contact_ref")
        line = row.pop("line")
        if ref is not None:
            if ref not in by_ref:
                rejected.append(
                    Rejection.of(
                        file,
                        line,
                        "contact_id",
                        f"contact '{ref}' is not in the warehouse (import its contacts first)",
                    )
                )
                continue
            row["contact_id"] = by_ref[ref][1]
        else:
            window = [
                c
                for c in by_customer.get(row["customer_key"], [])
                if row["responded_at"] - SURVEY_LINK_WINDOW <= c[0] <= row["responded_at"]
            ]
            # No contact in the window: kept, linked to the customer only (CSAT still counts).
            row["contact_id"] = max(window)[1] if window else None
        linked.append(row)
    return linked, rejected


# --- Asterisk queue_log --------------------------------------------------------------------

#: Agent states are rebuilt from this long before the first new event (a session or a
#: pause that began earlier is found by looking back to the agent's last such event).
_STATE_LOOKBACK_S = 86_400.0


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
            con.execute(f"SET memory_limit = '1GB'; SET temp_directory = '{work_dir / 'spill'}'")
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
    new_events = con.sql("SELECT * FROM ql_new").to_arrow_table()
    new_events = new_events.append_column(
        "import_id", pa.array([summary.import_id] * new_events.num_rows, pa.int64())
    )
    inserted, existed = write_rows(connection, queue_log_events, new_events, "skip")
    summary.duplicates += existed
    if inserted == 0:
        return
    # Nothing new: a pure re-import changes nothing. Otherwise rebuild every call and agent
    # the file mentions (a superset of what the new lines touch; the result is the same).
    progress("rebuilding legs")
    calls = con.sql("SELECT DISTINCT callid FROM ql_new").to_arrow_table()
    stored_calls = _stored_events_of_calls(connection, site.code, calls)
    con.register("_fw_stored", stored_calls)
    con.execute(
        # One row per event id: the lines just stored come back from the warehouse too.
        """CREATE OR REPLACE TEMP TABLE ql_calls AS
           SELECT DISTINCT ON (event_id) * FROM (
             SELECT event_id, site, time_s, callid, queue, agent, event, data1, data2, data3, data4, data5
             FROM ql_new
             UNION ALL
             SELECT event_id, site, time_s, callid, queue, agent, event, data1, data2, data3, data4, data5
             FROM _fw_stored)"""
    )
    con.unregister("_fw_stored")
    legs = queue_log.build_legs(con, "ql_calls", site)
    legs = legs.append_column("import_id", pa.array([summary.import_id] * legs.num_rows, pa.int64()))
    new, existed_legs = write_rows(connection, contacts, legs, "replace")
    summary.contacts += new
    summary.incomplete += int(pc.sum(pc.equal(legs.column("outcome"), "incomplete")).as_py() or 0)
    del existed_legs  # replaced legs of calls that gained events: neither new nor duplicates

    progress("rebuilding agent states")
    summary.agent_states += _rebuild_agent_states(connection, con, site, summary.import_id or 0)


def _stored_events_of_calls(connection: Connection, site: str, calls: pa.Table) -> pa.Table:
    """Every stored queue_log event of these calls (to stitch them whole)."""
    if calls.num_rows == 0:
        return queue_log.EVENT_SCHEMA.empty_table()
    if connection.dialect.name == "duckdb":
        raw = connection.connection.driver_connection
        raw.register("_fw_calls", calls)
        try:
            result = raw.sql(
                """SELECT e.event_id, e.site, e.time_s, e.callid, e.queue, e.agent, e.event,
                          e.data1, e.data2, e.data3, e.data4, e.data5
                   FROM queue_log_events e JOIN _fw_calls c ON e.callid = c.callid WHERE e.site = ?""",
                params=[site],
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
           FROM queue_log_events e JOIN _fw_calls c ON e.callid = c.callid WHERE e.site = :site""",
        {"site": site},
    )
    return table.cast(queue_log.EVENT_SCHEMA) if table.num_rows else queue_log.EVENT_SCHEMA.empty_table()


def _rebuild_agent_states(
    connection: Connection, con: duckdb.DuckDBPyConnection, site: SiteContext, import_id: int
) -> int:
    """Rebuild the states of every agent the new events mention, from the day before the
    first new event onward, out of all stored events and contacts of those agents."""
    bounds = con.execute(
        "SELECT min(time_s), max(time_s) FROM ql_new WHERE agent NOT IN ('', 'NONE')"
    ).fetchone()
    agents = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT agent FROM ql_new WHERE agent NOT IN ('', 'NONE') ORDER BY agent"
        ).fetchall()
    ]
    if not agents or bounds is None or bounds[0] is None:
        return 0
    from_s = float(bounds[0]) - _STATE_LOOKBACK_S
    from_utc = datetime.fromtimestamp(from_s, UTC).replace(tzinfo=None)
    in_agents = bindparam("agents", expanding=True)
    session_rows = connection.execute(
        text(
            """SELECT agent, time_s, event, queue, coalesce(data1, ''), coalesce(data2, ''), callid
               FROM queue_log_events WHERE site = :site AND agent IN :agents
               AND event IN :events ORDER BY agent, time_s, event_id"""
        ).bindparams(in_agents, bindparam("events", expanding=True)),
        {"site": site.code, "agents": agents, "events": sorted(queue_log.AGENT_EVENTS)},
    ).fetchall()
    handled = connection.execute(
        text(
            """SELECT agent, answered_at, ended_at, wrapup_s FROM contacts
               WHERE site = :site AND source = 'asterisk' AND agent IN :agents AND ended_at >= :since"""
        ).bindparams(in_agents),
        {"site": site.code, "agents": agents, "since": from_utc},
    ).fetchall()
    by_agent_events: dict[str, list[tuple[float, str, str, str, str, str]]] = {a: [] for a in agents}
    initial: dict[str, queue_log.AgentState] = {}
    for agent, time_s, event, queue, data1, data2, callid in session_rows:
        if time_s < from_s:
            # History before the window only sets the state at its start.
            initial[agent] = queue_log.fold_agent_state(
                initial.get(agent, queue_log.LOGGED_OUT), event, queue, data1
            )
        else:
            by_agent_events[agent].append((time_s, event, queue, data1, data2, callid))
    by_agent_contacts: dict[str, list[tuple[float, float | None, float | None]]] = {a: [] for a in agents}
    epoch = datetime(1970, 1, 1)
    for agent, answered, ended, wrap in handled:
        if answered is not None and ended is not None:
            by_agent_contacts[agent].append(
                ((answered - epoch).total_seconds(), (ended - epoch).total_seconds(), wrap)
            )
    rows: list[dict[str, Any]] = []
    for agent in agents:
        timeline = queue_log.agent_timeline(
            by_agent_events[agent],
            by_agent_contacts[agent],
            initial.get(agent, queue_log.LOGGED_OUT),
            start_s=from_s if agent in initial else None,
        )
        rows.extend(r for r in queue_log.states_table(site, agent, timeline) if r["ended_at"] > from_utc)
    # States are cut at local midnight, so replacing everything from the first cut on
    # needs no partial rows: delete from the first local midnight ≥ from_s, write from it.
    cut = _first_local_midnight(from_utc, site.time_zone)
    connection.execute(
        text(
            "DELETE FROM agent_states WHERE site = :site AND source = 'asterisk' AND agent IN :agents "
            "AND started_at >= :cut"
        ).bindparams(in_agents),
        {"site": site.code, "agents": agents, "cut": cut},
    )
    kept = [r for r in rows if r["started_at"] >= cut]
    if not kept:
        return 0
    table = rows_to_table(kept, AGENT_STATE_SCHEMA)
    table = table.append_column("import_id", pa.array([import_id] * table.num_rows, pa.int64()))
    new, _ = write_rows(connection, agent_states, table, "replace")
    return new


def _first_local_midnight(utc_naive: datetime, time_zone: str) -> datetime:
    zone = ZoneInfo(time_zone)
    local = utc_naive.replace(tzinfo=UTC).astimezone(zone)
    midnight = datetime.combine((local + timedelta(days=1)).date(), datetime.min.time(), tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


# --- one entry for every kind (CLI and web) --------------------------------------------------

#: Shipped mappings for `floorwalker import contacts --mapping NAME`.
SHIPPED_MAPPINGS = ("anonymous-bank", "vicidial-closer-log")


def loader_for(
    kind: str,
    paths: list[tuple[Path, str]],
    site: SiteContext,
    *,
    work_dir: Path,
    mapping: str | None = None,
) -> tuple[str, Callable[[Connection, ImportSummary, Progress], None]]:
    """(source name, load) for an import of ``kind`` over ``paths`` (path, display name)."""
    if kind == "queue-log":
        return "asterisk", queue_log_load(paths, site, work_dir)
    if kind == "contacts":
        from floorwalker.contacts.mapping import MappingError, load_mapping, parse_mapped

        if not mapping:
            raise InvalidInput("a contacts import needs a mapping (--mapping NAME or FILE)", field="mapping")
        try:
            spec = load_mapping(mapping)
        except MappingError as exc:
            raise InvalidInput(str(exc), field="mapping") from None

        def mapped() -> Iterator[Batch]:
            try:
                for path, name in paths:
                    yield from parse_mapped(path, spec, site, display_name=name)
            except MappingError as exc:  # the file does not fit the mapping (e.g. a column is missing)
                raise InvalidInput(str(exc), field="mapping") from None

        batches = mapped()
        # A corrected export of the same rows replaces what an earlier import stored.
        return spec.source, load_batches(batches, {"contacts": "replace"})
    if kind == "connect":
        from floorwalker.contacts.connect import parse_connect

        batches = (b for path, name in paths for b in parse_connect(path, site, display_name=name))
        # Connect re-delivers records: the newest LastUpdateTimestamp wins, whatever the order.
        return "connect", load_batches(batches, {"contacts": "newer"})
    if kind == "surveys":
        from floorwalker.contacts.surveys import SOURCE, parse_surveys

        batches = (b for path, name in paths for b in parse_surveys(path, site, display_name=name))
        return SOURCE, surveys_load(batches, ", ".join(name for _, name in paths))
    raise InvalidInput(f"unknown import kind '{kind}'; use {', '.join(KINDS)}", field="kind")


# --- history ---------------------------------------------------------------------------------


def list_imports(connection: Connection, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    _require_importer(actor)
    rows = connection.execute(select(imports).order_by(imports.c.import_id.desc()).limit(limit)).mappings()
    return [_history_row(r) for r in rows]


def get_import(connection: Connection, actor: Actor, import_id: int) -> dict[str, Any]:
    _require_importer(actor)
    row = connection.execute(select(imports).where(imports.c.import_id == import_id)).mappings().first()
    if row is None:
        raise NotFound(f"import {import_id} does not exist")
    return _history_row(row)


def _history_row(row: Any) -> dict[str, Any]:
    data = dict(row)
    data["files"] = json.loads(data["files"])
    data["unknown_events"] = json.loads(data["unknown_events"] or "{}")
    data["skipped"] = json.loads(data.get("skipped") or "{}")
    return data
