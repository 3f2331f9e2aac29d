"""Survey-response imports: link each response to its contact, then write it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, bindparam, text

from floorwalker.contacts.arrow import SURVEY_SCHEMA, rows_to_table
from floorwalker.contacts.imports import ImportSummary, Progress
from floorwalker.contacts.ingest import Batch, Rejection
from floorwalker.contacts.models import survey_responses
from floorwalker.contacts.service import write_rows

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
