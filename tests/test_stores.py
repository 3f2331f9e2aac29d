"""Both stores on both engines: init is idempotent, the URL helpers behave."""

from floorwalker.contacts.warehouse import upgrade_warehouse
from floorwalker.db import mask_url
from floorwalker.settings import Settings, normalise_url
from floorwalker.stores import current_revision, init_stores


def test_init_again_changes_nothing(stores) -> None:
    first = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    again = init_stores(stores.settings.resolved_database_url, stores.settings.resolved_warehouse_url)
    assert first == again == {"operational_revision": "0001", "warehouse_version": 1}
    assert current_revision(stores.operational) == "0001"
    assert upgrade_warehouse(stores.warehouse) == 1


def test_urls() -> None:
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert "secret" not in mask_url("postgresql+psycopg://u:secret@h/db")
    s = Settings(data="/srv/fw", database_url=None, warehouse_url=None)
    assert s.resolved_database_url == "sqlite:////srv/fw/floorwalker.db"
    assert s.resolved_warehouse_url == "duckdb:////srv/fw/warehouse.duckdb"
