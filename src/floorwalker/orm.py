"""Declarative base for the operational store. Every area's ``models.py`` derives from it,
so Alembic sees one metadata and constraint names are stable across SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def import_all_models() -> None:
    """Import every area's models so ``Base.metadata`` is complete (Alembic, tests)."""
    from floorwalker.auth import models as _auth  # noqa: F401
    from floorwalker.metrics import models as _metrics  # noqa: F401
    from floorwalker.org import models as _org  # noqa: F401
    from floorwalker.quality import coaching_models as _coaching  # noqa: F401
    from floorwalker.quality import models as _quality  # noqa: F401
    from floorwalker.sim import models as _sim  # noqa: F401
    from floorwalker.wfm import availability_models as _availability  # noqa: F401
    from floorwalker.wfm import models as _wfm  # noqa: F401
