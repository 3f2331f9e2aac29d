"""Contact warehouse writes. Bulk loads use each engine's native fast path: DuckDB scans an
Arrow table in place; PostgreSQL takes COPY. Both run inside the caller's transaction, so
a load that fails leaves the warehouse as it was."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Table, delete, func, select

from floorwalker.contacts.models import agent_states, contacts, survey_responses

WAREHOUSE_TABLES: tuple[Table, ...] = (contacts, agent_states, survey_responses)

#: Rows per CSV chunk sent to PostgreSQL's COPY (bounds memory for big loads).
COPY_BATCH_ROWS = 100_000


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def bulk_load(connection: Connection, table: Table, rows: pa.Table) -> int:
    """Insert ``rows`` (an Arrow table whose column names are columns of ``table``).

    Rows whose key already exists are skipped (re-loads are idempotent). Returns the
    number of rows inserted."""
    if rows.num_rows == 0:
        return 0
    columns = [c for c in rows.column_names if c in table.c]
    unknown = set(rows.column_names) - set(columns)
    if unknown:
        raise ValueError(f"columns not in {table.name}: {sorted(unknown)}")
    key = next(iter(table.primary_key.columns)).name
    before = connection.execute(select(func.count()).select_from(table)).scalar_one()
    column_list = ", ".join(columns)
    if connection.dialect.name == "duckdb":
        raw = _driver(connection)
        raw.register("_fw_load", rows.select(columns))
        try:
            raw.execute(
                f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM _fw_load "  # noqa: S608 - names come from our own Table
                f"ON CONFLICT DO NOTHING"
            )
        finally:
            raw.unregister("_fw_load")
    elif connection.dialect.name == "postgresql":
        raw = _driver(connection)
        staging = f"_fw_load_{table.name}"
        with raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {staging} (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            # Arrow writes CSV in C; in PostgreSQL's CSV format an unquoted empty field is
            # NULL and a quoted one ("") the empty string, which is how Arrow writes each.
            with cursor.copy(
                f"COPY {staging} ({column_list}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy:
                for number, batch in enumerate(rows.select(columns).to_batches(COPY_BATCH_ROWS)):
                    sink = pa.BufferOutputStream()
                    pa_csv.write_csv(batch, sink, pa_csv.WriteOptions(include_header=number == 0))
                    copy.write(sink.getvalue().to_pybytes())
            cursor.execute(
                f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
                f"ON CONFLICT ({key}) DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {staging}")
    else:
        records = rows.select(columns).to_pylist()
        connection.execute(table.insert(), records)
    after = connection.execute(select(func.count()).select_from(table)).scalar_one()
    return int(after - before)


def clear_source(connection: Connection, source: str) -> None:
    """Delete every fact of one source (the demo rebuilds itself this way)."""
    for table in WAREHOUSE_TABLES:
        connection.execute(delete(table).where(table.c.source == source))


def table_counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
        for t in WAREHOUSE_TABLES
    }
