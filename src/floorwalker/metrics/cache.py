"""A per-minute cache of computed metrics (the overview), shared by every request of the
process.

An entry is keyed by the stores, the minute (the clock's, truncated), what the caller may
see and a **data version** read from the stores on every request: the imports (count, last
id, last finish; re-read at most once a second, see ``recent_data_version``), the
operational audit log's last id (every change of queues, sites,
teams or targets is audited) and, on DuckDB, the row counts of the contact and survey tables
(free there: read from the table's metadata). An import, a new target or a queue setting
change therefore shows within a second (a target changed in this process at once);
otherwise numbers are at most a minute old,
which is the overview's own resolution ("today so far"). On PostgreSQL, where counting rows
is not free, contacts written without an import record (direct SQL) show at the next
minute. Concurrent requests for a missing entry
wait for one computation instead of each running it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

T = TypeVar("T")

#: Entries kept (a few sites × scopes × the current and previous minute).
MAX_ENTRIES = 32


#: Plain SQL (no statement compiling on every request): the imports, then the fact counts.
_DUCKDB_SQL = text(
    "SELECT (SELECT count(*) FROM imports), (SELECT max(import_id) FROM imports), "
    "(SELECT max(finished_at) FROM imports), (SELECT count(*) FROM contacts), "
    "(SELECT count(*) FROM survey_responses)"
)
_POSTGRES_SQL = text(
    "SELECT (SELECT count(*) FROM imports), (SELECT max(import_id) FROM imports), "
    "(SELECT max(finished_at) FROM imports)"
)
_AUDIT_SQL = text("SELECT max(id) FROM audit_log")


def data_version(session: Session, warehouse: Connection) -> tuple[Any, ...]:
    """What changes when anything the metrics read changes (see the module docstring). On
    DuckDB a table's row count is read from its metadata, so this costs two tiny queries."""
    sql = _POSTGRES_SQL if warehouse.dialect.name == "postgresql" else _DUCKDB_SQL
    facts = tuple(warehouse.execute(sql).one())
    return (facts, session.execute(_AUDIT_SQL).scalar())


#: Seconds a data version read is reused by later requests of the same process (under load,
#: the version check would otherwise cost as much as the rest of a cached page).
VERSION_TTL_S = 1.0
_versions: dict[tuple[str, str], tuple[float, int, tuple[Any, ...]]] = {}
_generation = [0]
_version_lock = threading.Lock()


def bump() -> None:
    """Forget the data versions read so far: this process just changed what metrics read
    (a target), so the next request must see it at once."""
    with _version_lock:
        _generation[0] += 1


def recent_data_version(session: Session, warehouse: Connection) -> tuple[Any, ...]:
    """``data_version``, read at most once per ``VERSION_TTL_S`` per pair of stores unless
    ``bump`` was called: an import by another process shows within that second."""
    key = (str(session.get_bind().url), str(warehouse.engine.url))
    now = time.monotonic()
    with _version_lock:
        hit = _versions.get(key)
        generation = _generation[0]
    if hit is not None and now - hit[0] < VERSION_TTL_S and hit[1] == generation:
        return hit[2]
    version = data_version(session, warehouse)
    with _version_lock:
        _versions[key] = (now, generation, version)
    return version


class MinuteCache:
    """Thread-safe: values by key, least recently used dropped beyond ``MAX_ENTRIES``."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.stale = 0

    def get(self, key: Hashable, compute: Callable[[], T], stale_key: Hashable | None = None) -> T:
        """The value of ``key``, computed once. While another thread computes it, a value
        under ``stale_key`` (e.g. the previous minute's, same data version) is returned
        instead of waiting, so a new minute does not stall every client at once."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        if not gate.acquire(blocking=False):
            with self._lock:
                if stale_key is not None and stale_key in self._values:
                    self.stale += 1
                    return self._values[stale_key]  # type: ignore[no-any-return]
            gate.acquire()
        try:
            with self._lock:
                if key in self._values:
                    self.hits += 1
                    return self._values[key]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self.misses += 1
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
                self._computing.pop(key, None)
            return value
        finally:
            gate.release()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


overview_cache = MinuteCache()
