r"""Generic contact import from CSV / XLSX files, driven by a small TOML mapping file. Pure: no
DB, no clock, no settings.

``load_mapping(name_or_path)`` reads a shipped mapping (``anonymous-bank``,
``vicidial-closer-log``; see ``shipped_mappings()``) or a TOML file and validates it: every
mistake raises ``MappingError`` naming the TOML key. ``parse_mapped(path, mapping, site)``
streams the file (csv module over a text stream, or openpyxl read-only) and yields
``ingest.Batch``es of at most ``batch_rows`` contacts. Every data row ends as exactly one of:
a contact, a duplicate (its source key was already loaded from this file: counted in
``Batch.duplicates``), a skip (a ``[[skip]]`` rule: counted in ``Batch.skipped[reason]``) or a
``Rejection`` naming the 1-based physical line (XLSX: the sheet row), the source column and the
reason. Blank rows are not rows. A file whose header lacks a column the mapping reads raises
``MappingError`` before any row is read.

The mapping language
====================

A full example (the comments say what each key does; defaults in brackets)::

    source = "my-acd"          # warehouse source name: contact_id = stable_id(source, source_key)
    description = "ACD call detail export"
    # The source key: a template over columns; {name} is the column's (trimmed) value and
    # {@site} the site code. Rows whose key repeats an already loaded row are duplicates.
    source_key = "{@site}|{call_id}|{date}"

    [file]
    type = "auto"              # auto (.xlsx/.xlsm → xlsx, else csv) | csv | xlsx  [auto]
    encoding = "utf-8-sig"     # any Python codec (csv)  [utf-8-sig: a BOM is dropped]
    delimiter = "comma"        # one character, or tab, comma, semicolon, pipe, or
                               # whitespace (runs of spaces/tabs; no quoting)  [,]
    quote = '"'                # quote character, '' for none  ["]
    decimal = "."              # decimal mark of numbers: . or ,  [.]
    header = true              # the first row (after skip_lines) names the columns  [true]
    columns = []               # explicit names, in order: required when header = false,
                               # and replace the header's names when header = true
    skip_lines = 0             # lines (xlsx: rows) before the header  [0]
    sheet = "Calls"            # xlsx sheet  [the first]
    strip = true               # trim spaces around values  [true]
    null = ["", "NULL", "\\N"] # values meaning "the source did not say", in every column
                               # (an empty value is always NULL)

    [time]
    zone = "site"              # zone of times written without one: site, UTC or an IANA name
                               # [site]. Epoch times and times with an offset are absolute.
    date = { column = "date", format = "%y%m%d" }   # the day of time-of-day columns
    # A time of day earlier than this column's by more than next_day_slack_s is on the next
    # day (calls crossing midnight); the slack absorbs clocks that run a little backwards.
    next_day_if_before = { column = "start", time = "%H:%M:%S" }
    next_day_slack_s = 3600    # [0]

    [fields]                   # canonical contact fields (contacts.models.contacts)
    # A field is a column name, or a table with exactly one of
    #   column = "name" | value = "constant" | expr = "a - b + 3"
    # (expr: columns and numbers joined by ' + ' / ' - ' with spaces around; `back quotes`
    # for names with spaces; numbers are in the field's unit (epoch: s or ms); any NULL
    # term makes it NULL) and options:
    #   null = [...]           extra NULL values for this field
    #   time = "..."           time fields: a strptime format, iso, epoch or epoch_ms  [iso];
    #                          a format without a date takes the day from [time] date
    #   unit = "s"             durations: s, ms, min, hms (h:mm:ss or m:ss)  [s]
    #   map = { A = "chat" }   text: replace whole values
    #   outcomes = [...]       only for contacts with these outcomes (else NULL)
    #   null_if = { col = … }  NULL when this condition holds
    # or a list of such alternatives: the first that gives a value wins.
    queue = "split"                                  # required
    arrived_at = [                                   # required
        { column = "queued", time = "%H:%M:%S", null_if = { queued = "0:00:00", wait = "0" } },
        { column = "start", time = "%H:%M:%S" },
    ]
    answered_at = { column = "answer", time = "%H:%M:%S", outcomes = ["answered"] }
    ended_at = { column = "end_epoch", time = "epoch" }
    wait_s = "wait"
    talk_s = { expr = "length - wait", outcomes = ["answered", "transferred"] }
    hold_s = { column = "hold", unit = "hms" }
    agent = { column = "agent", null = ["NONE"], outcomes = ["answered", "transferred"] }
    customer_key = { column = "ani", null = ["0", "anonymous"] }
    disposition = "wrap_code"
    channel = { column = "media", map = { V = "voice", C = "chat" } }   # [site's, else voice]
    direction = { value = "inbound" }                                   # [inbound]
    # also: wrapup_s, transcript, ring_attempts, source_updated_at

    # Rows that are not queue contacts by the source's own definition: counted by reason in
    # Batch.skipped, not loaded, not errors. Every rule whose condition holds skips the row
    # (the first one's reason is counted).
    [[skip]]
    reason = "test call"
    when = { ani = "5551212" }

    # Outcome rules, first match wins; a row no rule matches is rejected. A missing or
    # empty when always matches. Outcomes: answered, abandoned, timeout, exit_key,
    # no_agents, transferred, incomplete.
    [[outcome]]
    outcome = "answered"
    when = { agent = { not = ["", "NONE"] } }
    [[outcome]]
    outcome = "abandoned"
    when = { result = ["HANG", "ABAN"] }

A condition (``when``, ``null_if``) is a table column → test; all tests must hold. A test is
``"value"``, ``["v1", "v2"]`` (any of), ``{ not = "v" }`` / ``{ not = ["v1", "v2"] }`` or
``{ matches = "regex" }`` (whole value). Tests see trimmed text; a NULL value reads as "".

Defaults and rules the language itself applies: site = the site's code; arrived_local and
utc_offset_s come from ``ingest.local_clock`` in the site's zone; a field the mapping does not
fill is NULL (never an invented 0), except channel (a column's value; else the site's
channel for the queue; else the mapping's constant; else voice), direction (inbound) and, for
answered and transferred contacts without a wrap-up value, the site's configured wrap-up
(``SiteContext.wrapup_for``). A negative duration, a value that does not parse, a text longer
than its warehouse column, a truncated row (fewer values than columns) or a row with more
values than columns is rejected, one rejection per row (its first problem). XLSX rows may end
early (missing trailing cells are empty) and cells beyond the named columns are ignored. A
row whose values are all empty is blank: not counted in ``Batch.lines``.

Memory: one row at a time, plus the ids of the contacts loaded so far from the file (to spot
duplicates: about 70 bytes a row) and one batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from floorwalker.contacts._mapping_load import load_mapping, loads_mapping, shipped_mappings
from floorwalker.contacts._mapping_model import Mapping, MappingError
from floorwalker.contacts._mapping_read import open_table
from floorwalker.contacts._mapping_row import BadValue, RowReader
from floorwalker.contacts.arrow import CONTACT_SCHEMA, rows_to_table
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext
from floorwalker.contacts.keys import stable_id

__all__ = [
    "Mapping",
    "MappingError",
    "load_mapping",
    "loads_mapping",
    "parse_mapped",
    "shipped_mappings",
]


def parse_mapped(
    path: Path,
    mapping: Mapping,
    site: SiteContext,
    *,
    display_name: str | None = None,
    batch_rows: int = 50_000,
) -> Iterator[Batch]:
    """Contacts of one CSV / XLSX file as ``mapping`` reads it, in batches of at most
    ``batch_rows`` contacts (a batch is also cut at ``batch_rows`` rejections). At least one
    batch is yielded. Rejections name the file as ``display_name`` (default: the file name)."""
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    file_name = display_name or path.name
    with open_table(path, mapping.file, file_name) as table:
        if table.names is None:  # an empty file
            yield Batch()
            return
        reader = RowReader(mapping, table.names, site, file_name)
        seen: set[int] = set()
        rows: list[dict[str, Any]] = []
        batch = Batch()
        emitted = False
        for record in table.records:
            batch.lines += 1
            if record.values is None:
                batch.rejections.append(
                    Rejection.of(file_name, record.line, None, record.error or "unreadable", record.raw)
                )
            else:
                try:
                    reader.bind(record.values, ragged=table.ragged)
                    reason = reader.skip_reason()
                    if reason is not None:
                        batch.skipped[reason] += 1
                        continue
                    key = reader.source_key()
                    contact_id = stable_id(mapping.source, key)
                    if contact_id in seen:
                        batch.duplicates += 1
                        continue
                    outcome = reader.outcome()
                    rows.append(reader.contact(key, contact_id, outcome))
                    seen.add(contact_id)
                    if outcome == "incomplete":
                        batch.incomplete += 1
                except BadValue as bad:
                    batch.rejections.append(
                        Rejection.of(file_name, record.line, bad.column, bad.reason, record.raw)
                    )
            if len(rows) >= batch_rows or len(batch.rejections) >= batch_rows:
                batch.contacts = rows_to_table(rows, CONTACT_SCHEMA)
                yield batch
                emitted = True
                rows, batch = [], Batch()
        if rows or not emitted or batch.lines:
            batch.contacts = rows_to_table(rows, CONTACT_SCHEMA)
            yield batch
