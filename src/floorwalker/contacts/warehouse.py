"""Create and upgrade the contact warehouse schema (DuckDB or PostgreSQL).

The warehouse is not under Alembic: its tables are plain facts, DuckDB lacks parts of
the DDL Alembic relies on (sequences for SERIAL, ALTER constraints), and a schema step
here is a short list of DDL that must run on both engines. Each step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, select, text

from floorwalker.contacts.models import (
    WAREHOUSE_SCHEMA_VERSION,
    agent_states,
    contacts,
    imports,
    queue_log_events,
    survey_responses,
    warehouse_metadata,
    warehouse_schema_version,
)


def _v2_imports(connection: Connection) -> None:
    """Import history, the raw queue_log store, contacts.source_updated_at, and durations as
    8-byte floats (schema 1 made them 4-byte REAL on DuckDB)."""
    connection.execute(text("ALTER TABLE contacts ADD COLUMN source_updated_at TIMESTAMP"))
    if connection.dialect.name == "duckdb":
        # Secondary indexes are PostgreSQL-only from schema 2 (see contacts.models).
        for index in (
            "ix_contacts_site_arrived",
            "ix_contacts_queue_arrived",
            "ix_contacts_agent_arrived",
            "ix_contacts_customer",
            "ix_agent_states_agent_started",
            "ix_agent_states_site_started",
            "ix_survey_responses_contact",
        ):
            connection.execute(text(f"DROP INDEX IF EXISTS {index}"))
        for table, column in (
            ("contacts", "wait_s"),
            ("contacts", "talk_s"),
            ("contacts", "hold_s"),
            ("contacts", "wrapup_s"),
            ("agent_states", "duration_s"),
            ("survey_responses", "score"),
        ):
            connection.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE DOUBLE"))
    for table in (imports, queue_log_events):
        table.create(connection, checkfirst=True)


def _v3_no_duckdb_primary_keys(connection: Connection) -> None:
    """DuckDB: the fact tables lose their primary-key index (PostgreSQL keeps it). An ART
    index made a 5-million-row insert 10× and a replace 20× slower; writes check the key."""
    if connection.dialect.name != "duckdb":
        return
    for table in (contacts, agent_states, survey_responses, queue_log_events):
        connection.execute(text(f"ALTER TABLE {table.name} RENAME TO {table.name}_v2"))
        table.create(connection)
        columns = ", ".join(c.name for c in table.columns)
        connection.execute(
            text(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {table.name}_v2")
        )
        connection.execute(text(f"DROP TABLE {table.name}_v2"))


#: version → step that brings a warehouse at version-1 to version. A new warehouse is
#: created at the current version by create_all and runs no step.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _v2_imports, 3: _v3_no_duckdb_primary_keys}


def warehouse_version(connection: Connection) -> int | None:
    if not connection.dialect.has_table(connection, warehouse_schema_version.name):
        return None
    return connection.execute(
        select(warehouse_schema_version.c.version).where(warehouse_schema_version.c.is_current)
    ).scalar_one_or_none()


def upgrade_warehouse(engine: Engine) -> int:
    """Create missing tables and run pending steps; returns the version now in force."""
    with engine.begin() as connection:
        version = warehouse_version(connection)
        if version is None:
            warehouse_metadata.create_all(connection, checkfirst=True)
            connection.execute(
                warehouse_schema_version.insert().values(version=WAREHOUSE_SCHEMA_VERSION, is_current=True)
            )
            version = WAREHOUSE_SCHEMA_VERSION
        for step in range(version + 1, WAREHOUSE_SCHEMA_VERSION + 1):
            MIGRATIONS[step](connection)
            connection.execute(warehouse_schema_version.update().values(is_current=False))
            connection.execute(warehouse_schema_version.insert().values(version=step, is_current=True))
            version = step
        return version
