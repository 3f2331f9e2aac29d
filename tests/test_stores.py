"""Both stores on both engines: init is idempotent, the URL helpers behave."""

from floorwalker.contacts.warehouse import upgrade_warehouse
from floorwalker.db import mask_url
from floorwalker.settings import Settings, normalise_url
from floorwalker.stores import current_revision, init_stores

WAREHOUSE = {"contacts", "agent_states", "survey_responses", "warehouse_schema_version"}


def test_init_again_changes_nothing(stores) -> None:
    first = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    again = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    assert first == again == {"operational_revision": "0001", "warehouse_version": 1}
    assert current_revision(stores.operational) == "0001"
    assert upgrade_warehouse(stores.warehouse) == 1


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
    assert current_revision(engine) == "0001"


def test_urls() -> None:
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert "secret" not in mask_url("postgresql+psycopg://u:secret@h/db")
    s = Settings(data="/srv/fw", database_url=None, warehouse_url=None)
    assert s.resolved_database_url == "sqlite:////srv/fw/floorwalker.db"
    assert s.resolved_warehouse_url == "duckdb:////srv/fw/warehouse.duckdb"
