"""Contact warehouse writes. Bulk writes use each engine's native fast path: DuckDB scans an
Arrow table in place; PostgreSQL takes COPY. Both run inside the caller's transaction, so
a load that fails leaves the warehouse as it was."""

from __future__ import annotations

from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Table, delete, func, select, text

from floorwalker.contacts.models import agent_states, contacts, survey_responses

WAREHOUSE_TABLES: tuple[Table, ...] = (contacts, agent_states, survey_responses)

#: Rows per CSV chunk sent to PostgreSQL's COPY (bounds memory for big loads).
COPY_BATCH_ROWS = 100_000

#: skip: keep the stored row; replace: the new row wins; newer: the row with the later
#: ``source_updated_at`` wins (sources that re-deliver records, e.g. Amazon Connect).
WriteMode = Literal["skip", "replace", "newer"]


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def _stage(connection: Connection, table: Table, rows: pa.Table, columns: list[str]) -> str:
    """Put ``rows`` where SQL on ``connection`` can read them; returns the relation name."""
    column_list = ", ".join(columns)
    if connection.dialect.name == "duckdb":
        raw = _driver(connection)
        raw.register("_fw_rows", rows.select(columns))
        raw.execute("CREATE OR REPLACE TEMP TABLE _fw_stage AS SELECT * FROM _fw_rows")
        raw.unregister("_fw_rows")
        return "_fw_stage"
    if connection.dialect.name == "postgresql":
        raw = _driver(connection)
        with raw.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS _fw_stage")
            cursor.execute(
                f"CREATE TEMP TABLE _fw_stage (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            # Arrow writes CSV in C; in PostgreSQL's CSV format an unquoted empty field is
            # NULL and a quoted one ("") the empty string, which is how Arrow writes each.
            copy_sql = f"COPY _fw_stage ({column_list}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            with cursor.copy(copy_sql) as copy:
                for number, batch in enumerate(rows.select(columns).to_batches(COPY_BATCH_ROWS)):
                    sink = pa.BufferOutputStream()
                    pa_csv.write_csv(batch, sink, pa_csv.WriteOptions(include_header=number == 0))
                    copy.write(sink.getvalue().to_pybytes())
        return "_fw_stage"
    raise ValueError(f"the warehouse does not run on {connection.dialect.name}")


def write_rows(
    connection: Connection, table: Table, rows: pa.Table, mode: WriteMode = "skip"
) -> tuple[int, int]:
    """Write ``rows`` (Arrow; column names are columns of ``table``) keyed on the table's
    primary key. Returns (rows that were new, rows whose key was already stored)."""
    if rows.num_rows == 0:
        return 0, 0
    columns = [c for c in rows.column_names if c in table.c]
    unknown = set(rows.column_names) - set(columns)
    if unknown:
        raise ValueError(f"columns not in {table.name}: {sorted(unknown)}")
    key = next(iter(table.primary_key.columns)).name
    stage = _stage(connection, table, rows, columns)
    column_list = ", ".join(columns)
    existed = connection.execute(
        text(
            f"SELECT count(*) FROM {stage} s "
            f"WHERE EXISTS (SELECT 1 FROM {table.name} t WHERE t.{key} = s.{key})"
        )
    ).scalar_one()
    if mode == "replace":
        connection.execute(text(f"DELETE FROM {table.name} WHERE {key} IN (SELECT {key} FROM {stage})"))
    elif mode == "newer":
        connection.execute(
            text(
                f"DELETE FROM {table.name} WHERE {key} IN (SELECT s.{key} FROM {stage} s "
                f"JOIN {table.name} t ON t.{key} = s.{key} "
                "WHERE t.source_updated_at IS NULL OR s.source_updated_at > t.source_updated_at)"
            )
        )
    connection.execute(
        text(
            f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {stage} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE t.{key} = s.{key})"
        )
    )
    connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
    return int(rows.num_rows - existed), int(existed)


def insert_new_rows(connection: Connection, table: Table, rows: pa.RecordBatchReader) -> int:
    """Insert the rows of a stream whose key is not stored yet, in one pass and bounded
    memory (DuckDB scans the stream as it inserts; PostgreSQL takes it in COPY batches);
    returns the number inserted. The stream must not repeat a key."""
    key = next(iter(table.primary_key.columns)).name
    columns = [c for c in rows.schema.names if c in table.c]
    column_list = ", ".join(columns)
    if connection.dialect.name == "duckdb":
        raw = _driver(connection)
        raw.register("_fw_stream", rows)
        try:
            result = raw.execute(
                f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM _fw_stream s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE t.{key} = s.{key})"
            ).fetchone()
        finally:
            raw.unregister("_fw_stream")
        return int(result[0]) if result else 0
    inserted = 0
    for batch in rows:
        inserted += write_rows(connection, table, pa.Table.from_batches([batch]), "skip")[0]
    return inserted


def replace_rows(connection: Connection, table: Table, rows: pa.Table) -> tuple[int, int]:
    """Write ``rows`` whose keys are unique among themselves, replacing stored rows with
    the same key: one delete and one plain insert (no anti-join). Returns (rows that were
    new, rows that replaced a stored one)."""
    if rows.num_rows == 0:
        return 0, 0
    key = next(iter(table.primary_key.columns)).name
    columns = [c for c in rows.column_names if c in table.c]
    column_list = ", ".join(columns)
    if connection.dialect.name == "duckdb":
        raw = _driver(connection)
        raw.register("_fw_rows", rows.select(columns))
        try:
            deleted = raw.execute(
                f"DELETE FROM {table.name} WHERE {key} IN (SELECT {key} FROM _fw_rows)"
            ).fetchall()
            raw.execute(f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM _fw_rows")
        finally:
            raw.unregister("_fw_rows")
        replaced = int(deleted[0][0]) if deleted else 0
    else:
        stage = _stage(connection, table, rows, columns)
        replaced = connection.execute(
            text(f"DELETE FROM {table.name} WHERE {key} IN (SELECT {key} FROM {stage})")
        ).rowcount
        insert = f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {stage}"
        connection.execute(text(insert))
        connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
    return rows.num_rows - replaced, replaced


def append_rows(connection: Connection, table: Table, rows: pa.Table) -> int:
    """Insert ``rows`` with no check of their keys: for a caller that has just deleted
    every row those keys could meet (rebuilt agent states). Returns the number inserted."""
    if rows.num_rows == 0:
        return 0
    columns = [c for c in rows.column_names if c in table.c]
    column_list = ", ".join(columns)
    if connection.dialect.name == "duckdb":
        raw = _driver(connection)
        raw.register("_fw_rows", rows.select(columns))
        try:
            raw.execute(f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM _fw_rows")
        finally:
            raw.unregister("_fw_rows")
        return rows.num_rows
    stage = _stage(connection, table, rows, columns)
    connection.execute(text(f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {stage}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
    return rows.num_rows


def bulk_load(connection: Connection, table: Table, rows: pa.Table) -> int:
    """Insert ``rows``, skipping keys already stored (re-loads are idempotent); returns the
    number of rows inserted."""
    inserted, _ = write_rows(connection, table, rows, "skip")
    return inserted


def fetch_arrow(connection: Connection, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
    """A query's result as an Arrow table (native on DuckDB, via rows on PostgreSQL)."""
    result = connection.execute(text(sql), params or {})
    names = list(result.keys())
    rows = result.fetchall()
    return (
        pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows])
        if rows
        else pa.table({n: pa.array([], pa.null()) for n in names})
    )


def clear_source(connection: Connection, source: str) -> None:
    """Delete every fact of one source (the demo rebuilds itself this way)."""
    for table in WAREHOUSE_TABLES:
        connection.execute(delete(table).where(table.c.source == source))


def table_counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
        for t in WAREHOUSE_TABLES
    }
