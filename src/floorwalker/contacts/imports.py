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
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.contacts import queue_log
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext
from floorwalker.contacts.models import agent_states, contacts, imports, survey_responses
from floorwalker.contacts.service import WriteMode, write_rows
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

    def record(conn: Connection, done: ImportSummary, status: str, message: str | None = None) -> None:
        _record(
            conn,
            done,
            kind=kind,
            source=source,
            site=site.code,
            files=files,
            username=actor.username,
            started=started,
            status=status,
            message=message,
        )

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
            record(connection, summary, "loaded")
            transaction.commit()
    except BaseException as exc:
        if transaction.is_active:
            transaction.rollback()
        connection.close()
        # The failure is history too: record it in a transaction of its own.
        failed = ImportSummary(kind=kind, import_id=summary.import_id, lines=summary.lines)
        with engine.begin() as conn:
            failed.import_id = _next_import_id(conn)
            record(conn, failed, "failed", f"{type(exc).__name__}: {exc}"[:2000])
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
        from floorwalker.contacts.import_queue_log import queue_log_load

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
        from floorwalker.contacts.import_surveys import surveys_load
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
