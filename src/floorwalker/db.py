"""Engines and sessions for the two stores (see DESIGN.md, "Two stores").

* operational store: SQLAlchemy ORM sessions (SQLite by default, PostgreSQL in production);
* contact warehouse: SQLAlchemy Core connections (DuckDB by default, PostgreSQL in production).

Engines are cached per URL so a process opens each store once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from floorwalker.errors import StoreUnavailable

_engines: dict[str, Engine] = {}
_lock = Lock()


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def _ensure_parent_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() in ("sqlite", "duckdb") and parsed.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets the web server read while a CLI writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _duckdb_settings(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    from floorwalker.settings import get_settings

    # DuckDB draws a progress bar on stdout for long queries: it would corrupt --json output.
    dbapi_connection.execute("SET enable_progress_bar = false")
    limit = get_settings().duckdb_memory_limit.replace("'", "")
    dbapi_connection.execute(f"SET memory_limit = '{limit}'")


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url`` (created on first use)."""
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        try:
            _ensure_parent_dir(url)
            backend = make_url(url).get_backend_name()
            kwargs: dict[str, object] = {}
            if backend == "postgresql":
                kwargs = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
            engine = create_engine(url, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise StoreUnavailable(
                f"cannot open {mask_url(url)}: unsupported database URL ({exc}); "
                "use sqlite:///…, duckdb:///… or postgresql://…"
            ) from None
        except OSError as exc:
            raise StoreUnavailable(f"cannot open {mask_url(url)}: {exc}") from None
        if backend == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif backend == "duckdb":
            event.listen(engine, "connect", _duckdb_settings)
        _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before a process forks)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def check_connection(url: str) -> None:
    """Open and close one connection; raise StoreUnavailable with a one-line reason."""
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreUnavailable(f"cannot connect to {mask_url(url)}: {reason}") from None


def backend_name(engine: Engine) -> str:
    return engine.dialect.name


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def operational_session(url: str) -> Iterator[Session]:
    """A session on the operational store, closed afterwards (service functions commit)."""
    session = session_factory(url)()
    try:
        yield session
    finally:
        session.close()
