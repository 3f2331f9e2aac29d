"""Import pages: the history of every import, one import's counts and rejection report, and
an upload page for managers (the same import the CLI runs)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from floorwalker import clock
from floorwalker.auth.permissions import Actor
from floorwalker.contacts import imports
from floorwalker.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from floorwalker.org import service as org_service
from floorwalker.settings import Settings
from floorwalker.web.deps import AppSettings, Db, PageActor, Warehouse, csrf_protect
from floorwalker.web.templating import render

router = APIRouter(prefix="/imports", dependencies=[Depends(csrf_protect)], include_in_schema=False)

KIND_LABELS = {
    "queue-log": "Asterisk queue_log (log file or table CSV)",
    "contacts": "CSV / XLSX contact export (with a mapping)",
    "connect": "Amazon Connect contact trace records",
    "surveys": "Survey responses (CSV)",
}


def _require_importer(actor: Actor) -> None:
    if actor.role not in ("admin", "manager"):
        raise PermissionDenied("only admins and managers import data")


@router.get("")
def history(request: Request, warehouse: Warehouse, actor: PageActor) -> Response:
    return render(request, "imports.html", {"imports": imports.list_imports(warehouse, actor)})


def _form(
    request: Request,
    db: Db,
    actor: Actor,
    error: str | None = None,
    values: dict | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "import_new.html",
        {
            "kinds": KIND_LABELS,
            "mappings": imports.SHIPPED_MAPPINGS,
            "sites": org_service.list_sites(db, actor),
            "error": error,
            "values": values or {"kind": "queue-log"},
        },
        status_code=status_code,
    )


@router.get("/new")
def new_import(request: Request, db: Db, actor: PageActor) -> Response:
    _require_importer(actor)
    return _form(request, db, actor)


def _save_upload(settings: Settings, upload: UploadFile) -> tuple[Path, str]:
    """Keep the uploaded file under the data directory (the import history points at it)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.filename or "upload").name)[:100] or "upload"
    folder = settings.data / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{clock.utcnow():%Y%m%dT%H%M%S%f}-{name}"
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            out.write(chunk)
    return path, upload.filename or name


@router.post("/new")
async def run_upload(request: Request, db: Db, settings: AppSettings, actor: PageActor) -> Response:
    _require_importer(actor)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _form(request, db, actor, "Choose a file to import.", values, 422)
    kind = values.get("kind", "")
    if kind not in KIND_LABELS:
        return _form(request, db, actor, f"Unknown kind of import '{kind}'.", values, 422)
    wrapup: float | None = None
    if kind == "queue-log" and values.get("wrapup_s"):
        try:
            wrapup = float(values["wrapup_s"])
        except ValueError:
            return _form(request, db, actor, "Wrap-up must be a number of seconds.", values, 422)
    path, display = _save_upload(settings, upload)
    try:
        context = imports.site_context(db, values.get("site") or None, values.get("tz") or None, wrapup)
        source, load = imports.loader_for(
            kind,
            [(path, display)],
            context,
            work_dir=settings.data / "work",
            mapping=values.get("mapping") or None,
        )
        summary = imports.run_import(
            settings,
            actor,
            kind=kind,
            source=source,
            site=context,
            files=[display],
            dry_run=values.get("dry_run") == "true",
            load=load,
        )
    except (InvalidInput, NotFound) as exc:
        return _form(request, db, actor, exc.message, values, 422)
    except DomainError:
        raise
    if summary.dry_run:
        return render(request, "import_result.html", {"summary": summary, "kind_label": KIND_LABELS[kind]})
    return RedirectResponse(f"/imports/{summary.import_id}", status_code=303)


@router.get("/{import_id}")
def detail(request: Request, warehouse: Warehouse, actor: PageActor, import_id: int) -> Response:
    record = imports.get_import(warehouse, actor, import_id)
    return render(
        request, "import_detail.html", {"record": record, "kind_label": KIND_LABELS.get(record["kind"], "")}
    )


@router.get("/{import_id}/rejections.csv")
def rejections(warehouse: Warehouse, actor: PageActor, import_id: int) -> Response:
    record = imports.get_import(warehouse, actor, import_id)
    path = record["rejections_file"]
    if not path or not Path(path).is_file():
        raise NotFound(f"import {import_id} has no rejection report")
    return FileResponse(path, media_type="text/csv", filename=f"import-{import_id}-rejections.csv")
