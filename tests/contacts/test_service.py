"""Warehouse bulk loads on both engines: idempotent, atomic, values intact."""

from datetime import datetime

import pyarrow as pa
import pytest
from sqlalchemy import select

from floorwalker.contacts import service
from floorwalker.contacts.keys import stable_id
from floorwalker.contacts.models import contacts
from tests import factories as f

ARRIVED = datetime(2026, 3, 2, 9, 30, 15, 250000)


def test_stable_id_is_deterministic_positive_and_source_scoped() -> None:
    a = stable_id("asterisk", "1700000000.12")
    assert a == stable_id("asterisk", "1700000000.12")
    assert a != stable_id("connect", "1700000000.12")
    assert 0 < a < 2**63


def test_load_keeps_values_and_nulls(stores) -> None:
    rows = f.contact_rows(
        "S",
        "q",
        ARRIVED,
        [
            {"outcome": "answered", "wait_s": 12.5, "talk_s": 100.25, "agent": "A1"},
            {"outcome": "abandoned", "wait_s": 30.0},
        ],
    )
    with stores.warehouse.begin() as conn:
        assert f.load_contacts(conn, rows) == 2
    with stores.warehouse.connect() as conn:
        got = conn.execute(select(contacts).order_by(contacts.c.outcome.desc())).mappings().all()
    answered, abandoned = got
    assert answered["arrived_at"] == ARRIVED and answered["talk_s"] == 100.25 and answered["hold_s"] is None
    assert abandoned["agent"] is None and abandoned["talk_s"] is None and abandoned["answered_at"] is None


def test_loading_the_same_rows_twice_adds_nothing(stores) -> None:
    rows = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2}] * 3)
    with stores.warehouse.begin() as conn:
        assert f.load_contacts(conn, rows) == 3
    with stores.warehouse.begin() as conn:
        assert f.load_contacts(conn, rows) == 0
        assert service.table_counts(conn)["contacts"] == 3


def test_a_failed_load_leaves_the_warehouse_as_it_was(stores) -> None:
    good = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2}])
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, good)
    broken = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2}] * 2)
    broken = broken.set_column(
        broken.schema.get_field_index("site"), "site", pa.array([None, None], "string")
    )

    def load_one_good_then_broken() -> None:
        with stores.warehouse.begin() as conn:
            f.load_contacts(conn, f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1}]))
            f.load_contacts(conn, broken)  # site is NOT NULL: the whole transaction rolls back

    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own error type
        load_one_good_then_broken()
    with stores.warehouse.connect() as conn:
        assert service.table_counts(conn)["contacts"] == 1


def test_unknown_columns_are_refused(stores) -> None:
    with pytest.raises(ValueError, match="not in contacts"), stores.warehouse.begin() as conn:
        service.bulk_load(conn, contacts, pa.table({"contact_id": [1], "colour": ["red"]}))


def test_empty_strings_stay_empty_and_nulls_stay_null(stores) -> None:
    rows = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2, "agent": ""}])
    rows = rows.set_column(
        rows.schema.get_field_index("customer_key"), "customer_key", pa.array(['a,"b"\nc'], "string")
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    with stores.warehouse.connect() as conn:
        got = conn.execute(select(contacts.c.agent, contacts.c.customer_key, contacts.c.disposition)).one()
    assert got == ("", 'a,"b"\nc', None)


def test_loads_larger_than_one_copy_chunk(stores, monkeypatch) -> None:
    monkeypatch.setattr(service, "COPY_BATCH_ROWS", 2)
    rows = f.contact_rows("S", "q", ARRIVED, [{"outcome": "abandoned", "wait_s": float(n)} for n in range(5)])
    with stores.warehouse.begin() as conn:
        assert f.load_contacts(conn, rows) == 5


def test_stable_id_matches_the_duckdb_expression() -> None:
    import duckdb

    from floorwalker.contacts.keys import STABLE_ID_SQL

    sql = "SELECT " + STABLE_ID_SQL.format(source="$1", key="$2")
    for source, key in [("asterisk", "MAIN|1700000000.12|sales|1700000000"), ("connect", "é-ü"), ("x", "")]:
        assert duckdb.connect().execute(sql, [source, key]).fetchone()[0] == stable_id(source, key)
    # Many keys in one query: half of them have the top bit of the digest's first 8 bytes
    # set (the bit the mask clears), and each must match byte for byte.
    keys = [f"S|{n}.{n % 7}|q{n % 3}|{1_700_000_000 + n}" for n in range(2_000)]
    each = "SELECT k, " + STABLE_ID_SQL.format(source="'asterisk'", key="k") + " FROM unnest($1) AS t(k)"
    rows = duckdb.connect().execute(each, [keys]).fetchall()
    assert dict(rows) == {k: stable_id("asterisk", k) for k in keys}


def _waits(conn) -> list[float]:
    return sorted(conn.execute(select(contacts.c.wait_s)).scalars())


def test_replace_rows_counts_new_and_replaced_and_keeps_one_row_per_key(stores) -> None:
    first = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2}] * 2)
    with stores.warehouse.begin() as conn:
        assert service.replace_rows(conn, contacts, first) == (2, 0)
    again = first.set_column(first.schema.get_field_index("wait_s"), "wait_s", pa.array([5.0, 6.0]))
    with stores.warehouse.begin() as conn:
        assert service.replace_rows(conn, contacts, again) == (0, 2)
        assert _waits(conn) == [5.0, 6.0]


def test_insert_new_rows_takes_a_stream_and_skips_stored_keys(stores) -> None:
    rows = f.contact_rows("S", "q", ARRIVED, [{"outcome": "answered", "wait_s": 1, "talk_s": 2}] * 5)
    with stores.warehouse.begin() as conn:
        service.bulk_load(conn, contacts, rows.slice(0, 2))
        stream = pa.RecordBatchReader.from_batches(rows.schema, rows.to_batches(max_chunksize=2))
        assert service.insert_new_rows(conn, contacts, stream) == 3
        assert service.table_counts(conn)["contacts"] == 5


def test_append_rows_inserts_without_a_key_check(stores) -> None:
    rows = f.contact_rows("S", "q", ARRIVED, [{"outcome": "abandoned", "wait_s": 3}] * 2)
    with stores.warehouse.begin() as conn:
        assert service.append_rows(conn, contacts, rows) == 2
        assert _waits(conn) == [3.0, 3.0]
