"""Set up the two stores: Alembic for the operational store (no alembic.ini needed),
the versioned schema for the warehouse."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_operational(engine: Engine, revision: str = "head") -> None:
    """Bring the operational store to ``revision``; a no-op when it is already there."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


SUPPORTED_BACKENDS = {"operational": ("sqlite", "postgresql"), "warehouse": ("duckdb", "postgresql")}


def check_store_urls(database_url: str, warehouse_url: str) -> None:
    """Each store runs on the engines its SQL is tested on, and no other."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from floorwalker.db import mask_url
    from floorwalker.errors import StoreUnavailable

    for store, url in (("operational", database_url), ("warehouse", warehouse_url)):
        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            backend = "?"
        allowed = SUPPORTED_BACKENDS[store]
        if backend not in allowed:
            raise StoreUnavailable(
                f"{mask_url(url)}: the {store} store runs on {' or '.join(allowed)}, not '{backend}'"
            )


def init_stores(database_url: str, warehouse_url: str) -> dict[str, str | int | None]:
    """Create or migrate both stores. Running it twice is harmless.

    Raises StoreUnavailable (one line, password masked) when a URL cannot be reached."""
    from floorwalker.contacts.warehouse import upgrade_warehouse
    from floorwalker.db import check_connection, get_engine

    check_store_urls(database_url, warehouse_url)
    check_connection(database_url)
    check_connection(warehouse_url)
    operational = get_engine(database_url)
    upgrade_operational(operational)
    warehouse_version = upgrade_warehouse(get_engine(warehouse_url))
    return {
        "operational_revision": current_revision(operational),
        "warehouse_version": warehouse_version,
    }


def reset_stores(database_url: str, warehouse_url: str) -> None:
    """Drop every floorwalker table in both stores (the demo rebuilds from nothing)."""
    from sqlalchemy import MetaData, Table

    from floorwalker.contacts.models import warehouse_metadata
    from floorwalker.db import check_connection, get_engine
    from floorwalker.orm import Base, import_all_models

    check_connection(database_url)
    check_connection(warehouse_url)
    import_all_models()
    operational = get_engine(database_url)
    with operational.begin() as connection:
        Base.metadata.drop_all(connection)
        Table("alembic_version", MetaData()).drop(connection, checkfirst=True)
    with get_engine(warehouse_url).begin() as connection:
        warehouse_metadata.drop_all(connection)
