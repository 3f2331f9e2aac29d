"""Import history over JSON (imports themselves run from the CLI or the upload page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from floorwalker.contacts import imports
from floorwalker.web.deps import ApiActor, Warehouse

router = APIRouter(tags=["imports"])


@router.get("/imports")
def list_imports(warehouse: Warehouse, actor: ApiActor, limit: int = 200) -> list[dict[str, Any]]:
    """The latest imports: who, when, which files, counts, rejections (admins and managers)."""
    return imports.list_imports(warehouse, actor, limit=min(max(limit, 1), 5000))


@router.get("/imports/{import_id}")
def get_import(import_id: int, warehouse: Warehouse, actor: ApiActor) -> dict[str, Any]:
    return imports.get_import(warehouse, actor, import_id)
