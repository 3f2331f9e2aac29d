"""The audit log: every write records who changed what and when, in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to ``session`` (committed with the write it describes)."""
    session.add(
        AuditEntry(
            at=clock.utcnow(),
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            changes=_plain(changes or {}),
        )
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields whose values changed, as {field: [old, new]}."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
