"""The one place the service layer reads the clock (tests replace ``utcnow``)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (the storage form, see timeutil)."""
    return datetime.now(UTC).replace(tzinfo=None)


def now_aware() -> datetime:
    return datetime.now(UTC)
