"""Alembic environment for the operational store. The URL comes from the caller
(``floorwalker init`` passes it in ``config.attributes``) or from Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from floorwalker.contacts.models import warehouse_metadata
from floorwalker.orm import Base, import_all_models
from floorwalker.settings import get_settings

import_all_models()
target_metadata = Base.metadata

# Warehouse tables may live in the same PostgreSQL database; they are not Alembic's business.
_WAREHOUSE_TABLES = set(warehouse_metadata.tables)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]  # noqa: ARG001 - Alembic hook signature
    return not (type_ == "table" and name in _WAREHOUSE_TABLES)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from floorwalker.db import get_engine

    engine = get_engine(get_settings().resolved_database_url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
