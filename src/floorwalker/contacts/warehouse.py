"""Create and upgrade the contact warehouse schema (DuckDB or PostgreSQL).

The warehouse is not under Alembic: its tables are plain facts, DuckDB lacks parts of
the DDL Alembic relies on (sequences for SERIAL, ALTER constraints), and a schema step
here is a short list of DDL that must run on both engines. Each step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, select

from floorwalker.contacts.models import (
    WAREHOUSE_SCHEMA_VERSION,
    warehouse_metadata,
    warehouse_schema_version,
)

#: version → step that brings a warehouse at version-1 to version. Version 1 is create_all.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


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
            connection.execute(warehouse_schema_version.insert().values(version=1, is_current=True))
            version = 1
        for step in range(version + 1, WAREHOUSE_SCHEMA_VERSION + 1):
            MIGRATIONS[step](connection)
            connection.execute(warehouse_schema_version.update().values(is_current=False))
            connection.execute(warehouse_schema_version.insert().values(version=step, is_current=True))
            version = step
        return version
