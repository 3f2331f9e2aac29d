"""A per-minute cache of computed metrics (the overview), shared by every request of the
process.

An entry is keyed by the stores, the minute (the clock's, truncated), what the caller may
see and a **data version** read from the stores on every request: the imports (count, last
id, last finish), the operational audit log's last id (every change of queues, sites,
teams or targets is audited) and a fingerprint of the contact and survey tables (their row
counts on DuckDB, where counting is free; the insert/update/delete counters of
``pg_stat_user_tables`` on PostgreSQL). An import, a new target or a queue setting change
therefore shows at the next request; otherwise numbers are at most a minute old, which is
the overview's own resolution ("today so far"). Concurrent requests for a missing entry
wait for one computation instead of each running it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from floorwalker.auth.models import AuditEntry
from floorwalker.contacts.models import contacts, imports, survey_responses

T = TypeVar("T")

#: Entries kept (a few sites × scopes × the current and previous minute).
MAX_ENTRIES = 32


def data_version(session: Session, warehouse: Connection) -> tuple[Any, ...]:
    """What changes when anything the metrics read changes (see the module docstring)."""
    loaded = [
        select(func.count()).select_from(imports).scalar_subquery(),
        select(func.max(imports.c.import_id)).scalar_subquery(),
        select(func.max(imports.c.finished_at)).scalar_subquery(),
    ]
    if warehouse.dialect.name == "postgresql":
        facts = tuple(
            warehouse.execute(
                text(
                    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
                    "WHERE relname IN ('contacts', 'survey_responses') ORDER BY relname"
                )
            ).all()
        )
        version = tuple(warehouse.execute(select(*loaded)).one())
    else:
        # One round trip: on DuckDB a table's row count is read from its metadata.
        counts = [select(func.count()).select_from(t).scalar_subquery() for t in (contacts, survey_responses)]
        row = tuple(warehouse.execute(select(*loaded, *counts)).one())
        version, facts = row[:3], row[3:]
    audited = session.scalar(select(func.max(AuditEntry.id)))
    return (version, facts, audited)


class MinuteCache:
    """Thread-safe: values by key, least recently used dropped beyond ``MAX_ENTRIES``."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
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

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


overview_cache = MinuteCache()
