"""Both stores on both engines: init is idempotent, the URL helpers behave."""

from floorwalker.contacts.models import WAREHOUSE_SCHEMA_VERSION, warehouse_metadata
from floorwalker.contacts.warehouse import upgrade_warehouse
from floorwalker.db import mask_url
from floorwalker.settings import Settings, normalise_url
from floorwalker.stores import current_revision, init_stores

WAREHOUSE = set(warehouse_metadata.tables)


def test_init_again_changes_nothing(stores) -> None:
    first = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    again = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    assert first == again == {"operational_revision": "0004", "warehouse_version": WAREHOUSE_SCHEMA_VERSION}
    assert current_revision(stores.operational) == "0004"
    assert upgrade_warehouse(stores.warehouse) == WAREHOUSE_SCHEMA_VERSION


def test_migrations_match_the_models(stores) -> None:
    """Alembic's autogenerate finds nothing to do: the migrated schema is the models'
    schema on this engine (foreign keys included: teams and employees point at each other)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from floorwalker.orm import Base

    with stores.operational.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": lambda o, n, t, r, c: not (t == "table" and n in WAREHOUSE)}
        )
        assert compare_metadata(context, Base.metadata) == []
    keys = inspect(stores.operational).get_foreign_keys("teams")
    assert {"supervisor_id"} in [set(k["constrained_columns"]) for k in keys]


def test_migrations_downgrade_and_upgrade_again(tmp_path) -> None:
    from alembic import command

    from floorwalker.db import get_engine
    from floorwalker.stores import alembic_config, upgrade_operational

    engine = get_engine(f"sqlite:///{tmp_path / 'op.db'}")
    upgrade_operational(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(engine) is None
    upgrade_operational(engine)
    assert current_revision(engine) == "0004"


def test_urls() -> None:
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert "secret" not in mask_url("postgresql+psycopg://u:secret@h/db")
    s = Settings(data="/srv/fw", database_url=None, warehouse_url=None)
    assert s.resolved_database_url == "sqlite:////srv/fw/floorwalker.db"
    assert s.resolved_warehouse_url == "duckdb:////srv/fw/warehouse.duckdb"


def test_a_version_1_warehouse_is_upgraded_in_place(tmp_path) -> None:
    """A warehouse made by the first release (schema 1) gains the import tables and the
    contacts.source_updated_at column, and (schema 3) loses DuckDB's primary-key indexes,
    keeping its rows."""
    from sqlalchemy import Column, Double, Float, MetaData, Table, text

    from floorwalker.contacts.models import agent_states, contacts, survey_responses, warehouse_schema_version
    from floorwalker.db import get_engine

    engine = get_engine(f"duckdb:///{tmp_path / 'w1.duckdb'}")
    with engine.begin() as conn:
        # Schema 1 as it was: durations as Float (a 4-byte REAL on DuckDB), no source_updated_at.
        v1 = MetaData()
        for table in (contacts, agent_states, survey_responses):
            Table(
                table.name,
                v1,
                *(
                    Column(
                        c.name,
                        Float if isinstance(c.type, Double) else c.type,
                        nullable=c.nullable,
                        primary_key=c.primary_key,
                        autoincrement=False,
                    )
                    for c in table.columns
                    if c.name != "source_updated_at"
                ),
            )
        v1.create_all(conn)
        warehouse_schema_version.create(conn)
        conn.execute(warehouse_schema_version.insert().values(version=1, is_current=True))
        conn.execute(
            text(
                "INSERT INTO contacts (contact_id, source, source_key, site, queue, channel, direction, "
                "arrived_at, arrived_local, utc_offset_s, outcome) VALUES (1, 's', 'k', 'S', 'q', "
                "'voice', 'inbound', '2026-01-01', '2026-01-01', 0, 'answered')"
            )
        )
    assert upgrade_warehouse(engine) == 3
    with engine.connect() as conn:
        columns = set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = 'contacts'")
            ).scalars()
        )
        assert "source_updated_at" in columns
        tables = set(conn.execute(text("SELECT table_name FROM information_schema.tables")).scalars())
        assert {"imports", "queue_log_events"} <= tables
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar_one() == 1
        wait_type = conn.execute(
            text(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'contacts' AND column_name = 'wait_s'"
            )
        ).scalar_one()
        assert wait_type == "DOUBLE"
        primary_keys = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.table_constraints "
                "WHERE constraint_type = 'PRIMARY KEY' AND table_name IN "
                "('contacts', 'agent_states', 'survey_responses', 'queue_log_events')"
            )
        ).scalar_one()
        assert primary_keys == 0
