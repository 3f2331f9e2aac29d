"""Survey responses: parsed and checked, then linked to their contacts on both warehouses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select

from floorwalker.auth.permissions import SYSTEM
from floorwalker.contacts import import_surveys, imports
from floorwalker.contacts.ingest import SiteContext
from floorwalker.contacts.models import survey_responses
from floorwalker.contacts.surveys import parse_surveys
from tests import factories as f

SITE = SiteContext(code="S", time_zone="Europe/London")
HEADER = "contact_id,customer_key,responded_at,kind,score,scale_min,scale_max,comment\n"


def _parse(tmp_path: Path, body: str, header: str = HEADER):
    path = tmp_path / "surveys.csv"
    path.write_text(header + body)
    (batch,) = list(parse_surveys(path, SITE, display_name="surveys.csv"))
    return batch


def test_rows_are_checked_and_scales_default_by_kind(tmp_path) -> None:
    batch = _parse(
        tmp_path,
        "c1,,2026-07-01T10:00:00Z,csat,4,,,good\n"
        "c1,,2026-07-01 11:00:00,NPS,10,,,\n"  # local time (BST): 10:00 UTC
        ",cust,2026-07-01T10:00:00+02:00,ces,2,1,5,\n"
        "c2,,2026-07-01T10:00:00Z,csat,6,,,\n"
        "c3,,not a date,csat,3,,,\n"
        "c4,,2026-07-01T10:00:00Z,mood,3,,,\n"
        "c5,,2026-07-01T10:00:00Z,csat,x,,,\n"
        ",,2026-07-01T10:00:00Z,csat,3,,,\n"
        "c1,,2026-07-01T10:00:00Z,csat,4,,,again\n",
    )
    rows = batch.survey_responses.to_pylist()
    assert [(r["kind"], r["score"], r["scale_min"], r["scale_max"]) for r in rows] == [
        ("csat", 4.0, 1, 5),
        ("nps", 10.0, 0, 10),
        ("ces", 2.0, 1, 5),
    ]
    assert rows[1]["responded_at"] == datetime(2026, 7, 1, 10, 0)
    assert rows[2]["responded_at"] == datetime(2026, 7, 1, 8, 0)
    assert [(r.line, r.field) for r in batch.rejections] == [
        (5, "score"),
        (6, "responded_at"),
        (7, "kind"),
        (8, "score"),
        (9, "contact_id"),
    ]
    assert batch.duplicates == 1 and batch.lines == 9


def test_a_header_without_required_columns_is_one_clear_rejection(tmp_path) -> None:
    batch = _parse(tmp_path, "c1,5\n", header="contact_id,score\n")
    assert [(r.line, r.reason) for r in batch.rejections] == [(1, "header lacks kind, responded_at")]


def _load(stores, tmp_path: Path, body: str):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + body)
    with stores.session() as db:
        context = imports.site_context(db, "S", None)
    return imports.run_import(
        stores.settings,
        SYSTEM,
        kind="surveys",
        source="surveys",
        site=context,
        files=["s.csv"],
        dry_run=False,
        load=import_surveys.surveys_load(parse_surveys(path, context, display_name="s.csv"), "s.csv"),
    )


def test_responses_link_by_contact_or_by_customer(stores, db, tmp_path) -> None:
    f.site(db, code="S")
    rows = f.contact_rows(
        "S",
        "q",
        datetime(2026, 7, 1, 9, 0),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 60, "customer_key": "cust-1"},
        ],
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    contact_key = rows.column("source_key")[0].as_py()
    contact_id = rows.column("contact_id")[0].as_py()
    summary = _load(
        stores,
        tmp_path,
        f"{contact_key},,2026-07-01T10:00:00Z,csat,5,,,\n"
        ",cust-1,2026-07-02T10:00:00Z,nps,9,,,\n"
        ",cust-2,2026-07-02T10:00:00Z,csat,1,,,\n"
        "unknown-id,,2026-07-02T10:00:00Z,csat,1,,,\n",
    )
    assert (summary.surveys, summary.rejected) == (3, 1)
    assert summary.rejections[0].reason.startswith("contact 'unknown-id' is not in the warehouse")
    with stores.warehouse.connect() as conn:
        got = conn.execute(
            select(survey_responses.c.kind, survey_responses.c.contact_id).order_by(
                survey_responses.c.responded_at, survey_responses.c.kind
            )
        ).all()
    assert [tuple(r) for r in got] == [("csat", contact_id), ("csat", None), ("nps", contact_id)]
    again = _load(stores, tmp_path, f"{contact_key},,2026-07-01T10:00:00Z,csat,5,,,\n")
    assert (again.surveys, again.duplicates) == (0, 1)


def test_tz_reads_the_source_times_but_local_clocks_stay_the_sites(tmp_path) -> None:
    site = SiteContext(code="S", time_zone="Europe/London", source_time_zone="America/New_York")
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "c1,,2026-07-01 06:00:00,csat,4,,,\n")
    (batch,) = list(parse_surveys(path, site))
    assert batch.survey_responses.column("responded_at")[0].as_py() == datetime(2026, 7, 1, 10, 0)


def test_responses_link_to_site_prefixed_keys(stores, db, tmp_path) -> None:
    f.site(db, code="S")
    rows = f.contact_rows(
        "S", "q", datetime(2026, 7, 1, 9, 0), [{"outcome": "answered", "wait_s": 5, "talk_s": 60}]
    )
    rows = rows.set_column(rows.schema.get_field_index("source_key"), "source_key", pa.array(["S|101"]))
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    summary = _load(stores, tmp_path, "101,,2026-07-01T10:00:00Z,csat,5,,,\n")
    assert (summary.surveys, summary.rejected) == (1, 0)
