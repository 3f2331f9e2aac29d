"""Test stores. Every store-touching test runs on the embedded pair (SQLite + DuckDB) and,
when FLOORWALKER_TEST_POSTGRES_URL is set, on PostgreSQL (both stores in one database, as
in production). Stores are migrated once per run and emptied after each test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from floorwalker.contacts.models import warehouse_metadata, warehouse_schema_version
from floorwalker.db import dispose_engines, get_engine, session_factory
from floorwalker.orm import Base, import_all_models
from floorwalker.settings import Settings, normalise_url
from floorwalker.stores import init_stores

import_all_models()

POSTGRES_URL = os.environ.get("FLOORWALKER_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("FLOORWALKER_REQUIRE_POSTGRES") == "1"


@dataclass
class Stores:
    kind: str
    settings: Settings

    @property
    def operational(self) -> Engine:
        return get_engine(self.settings.resolved_database_url)

    @property
    def warehouse(self) -> Engine:
        return get_engine(self.settings.resolved_warehouse_url)

    def session(self) -> Session:
        return session_factory(self.settings.resolved_database_url)()

    def empty(self) -> None:
        with self.operational.begin() as conn:
            # teams.supervisor_id and employees.team_id point at each other: cut the cycle first.
            conn.execute(Base.metadata.tables["teams"].update().values(supervisor_id=None))
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))
        with self.warehouse.begin() as conn:
            for table in warehouse_metadata.sorted_tables:
                if table is not warehouse_schema_version:
                    conn.execute(delete(table))


def _embedded(base: Path) -> Stores:
    settings = Settings(data=base, database_url=None, warehouse_url=None)
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    return Stores("embedded", settings)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this run; dropped afterwards."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("FLOORWALKER_REQUIRE_POSTGRES=1 but FLOORWALKER_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL leg: set FLOORWALKER_TEST_POSTGRES_URL to run it")
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"floorwalker_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def embedded_stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    return _embedded(tmp_path_factory.mktemp("stores"))


@pytest.fixture(scope="session")
def postgres_stores(postgres_database: str) -> Stores:
    settings = Settings(database_url=postgres_database, warehouse_url=postgres_database)
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    return Stores("postgres", settings)


@pytest.fixture(params=["embedded", "postgres"])
def stores(request: pytest.FixtureRequest) -> Iterator[Stores]:
    chosen: Stores = request.getfixturevalue(f"{request.param}_stores")
    chosen.empty()
    yield chosen
    chosen.empty()


@pytest.fixture
def db(stores: Stores) -> Iterator[Session]:
    session = stores.session()
    try:
        yield session
    finally:
        session.close()


_exit_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    dispose_engines()
    _exit_status.append(int(exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the process once pytest has printed its summary. DuckDB 2's nanobind bindings
    print a "leaked instances" report during interpreter shutdown after long runs (objects
    of theirs still alive at exit, not ours to free); it would bury pytest's closing line."""
    if _exit_status and os.environ.get("FLOORWALKER_TEST_CLEAN_EXIT", "1") == "1":
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[0])
