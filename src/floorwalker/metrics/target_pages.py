"""KPI target pages: list (everyone), create, edit and delete (managers and admins), on
the generic list and form templates of the organisation pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from floorwalker.auth.permissions import Actor, can_manage_org
from floorwalker.metrics import target_service, targets
from floorwalker.metrics.schemas import TargetCreate, TargetUpdate
from floorwalker.web.deps import Db, PageActor, csrf_protect
from floorwalker.web.forms import FormErrors, FormField, form_values, submit
from floorwalker.web.templating import percent, render, seconds

router = APIRouter(prefix="/metrics/targets", dependencies=[Depends(csrf_protect)], include_in_schema=False)

_SECONDS = ("asa_s", "aht_s")
_PLAIN = ("nps", "ces")


def _fields() -> list[FormField]:
    return [
        FormField(
            "kpi",
            "KPI",
            kind="select",
            required=True,
            options=[(k, k) for k in targets.TARGETABLE],
            help="at least: "
            + ", ".join(k for k, d in targets.TARGETABLE.items() if d == "at_least")
            + "; at most: "
            + ", ".join(k for k, d in targets.TARGETABLE.items() if d == "at_most"),
        ),
        FormField(
            "goal",
            "Goal",
            kind="number",
            required=True,
            step="any",
            help="In the KPI's units: a fraction for rates (0.80 = 80%), seconds for ASA and AHT.",
        ),
        FormField(
            "scope_kind",
            "Applies to",
            kind="select",
            required=True,
            options=[
                ("all", "the whole center"),
                ("site", "a site"),
                ("queue", "a queue"),
                ("team", "a team"),
            ],
        ),
        FormField("scope_code", "Site or queue code, or team name", help="Empty for the whole center."),
        FormField(
            "amber_margin",
            "Amber margin",
            kind="number",
            step="any",
            help="How far a miss may go and stay amber, in the KPI's units; empty = 10% of the goal.",
        ),
    ]


def shown(kpi: str, value: float | None) -> str:
    """A goal or margin as a manager reads it (80.0%, 0:30, or the plain number)."""
    if value is None:
        return "—"
    if kpi in _SECONDS:
        return f"{seconds(value)} ({value:g} s)"
    if kpi in _PLAIN:
        return f"{value:g}"
    return percent(value)


def _page(
    request: Request,
    title: str,
    action: str,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    target_id: int | None = None,
) -> Response:
    return render(
        request,
        "crud_form.html",
        {
            "title": title,
            "fields": _fields(),
            "values": values,
            "action": action,
            "cancel": "/metrics/targets",
            "errors": errors.items if errors else [],
            "error_fields": errors.fields if errors else set(),
            "deactivate_action": f"/metrics/targets/{target_id}/delete" if target_id else None,
            "deactivate_label": "Delete this target",
        },
        status_code=422 if errors else 200,
    )


def _can_edit(actor: Actor) -> bool:
    return can_manage_org(actor)


@router.get("")
def list_page(request: Request, db: Db, actor: PageActor) -> Response:
    rows = target_service.list_targets(db, actor)
    editable = _can_edit(actor)
    return render(
        request,
        "crud_list.html",
        {
            "title": "KPI targets",
            "singular": "target",
            "plural": "targets",
            "base_path": "/metrics/targets",
            "can_create": editable,
            "columns": ["KPI", "Good when", "Goal", "Amber until", "Applies to", "Set by", "Set at"],
            "rows": [
                {
                    "href": f"/metrics/targets/{r.id}" if editable else None,
                    "active": True,
                    "cells": [
                        r.kpi,
                        r.direction.replace("_", " "),
                        shown(r.kpi, r.goal),
                        _amber_until(r),
                        "whole center" if r.scope_kind == "all" else f"{r.scope_kind} {r.scope_code}",
                        r.updated_by,
                        r.updated_at.strftime("%Y-%m-%d %H:%M"),
                    ],
                }
                for r in rows
            ],
        },
    )


def _amber_until(row: Any) -> str:
    t = target_service.to_target(row)
    if t.kpi not in targets.TARGETABLE:
        return "—"
    edge = t.goal - t.margin if t.direction == "at_least" else t.goal + t.margin
    return shown(t.kpi, edge)


@router.get("/new")
def new_page(request: Request, actor: PageActor) -> Response:
    target_service.require_manager(actor)
    return _page(request, "New KPI target", "/metrics/targets/new", {"scope_kind": "all"})


@router.post("/new")
async def create(request: Request, db: Db, actor: PageActor) -> Response:
    values = form_values(await request.form(), _fields(), partial=False)
    _, errors = submit(TargetCreate, values, lambda d: target_service.create_target(db, actor, d))
    if errors:
        return _page(request, "New KPI target", "/metrics/targets/new", values, errors)
    return RedirectResponse("/metrics/targets", status_code=303)


@router.get("/{target_id}")
def edit_page(request: Request, db: Db, actor: PageActor, target_id: int) -> Response:
    target_service.require_manager(actor)
    row = target_service.get_target(db, actor, target_id)
    values = {f.name: getattr(row, f.name) for f in _fields()}
    return _page(request, f"Target: {row.kpi}", f"/metrics/targets/{target_id}", values, target_id=target_id)


@router.post("/{target_id}")
async def update(request: Request, db: Db, actor: PageActor, target_id: int) -> Response:
    values = form_values(await request.form(), _fields(), partial=True)
    _, errors = submit(TargetUpdate, values, lambda d: target_service.update_target(db, actor, target_id, d))
    if errors:
        return _page(request, "Edit KPI target", f"/metrics/targets/{target_id}", values, errors, target_id)
    return RedirectResponse("/metrics/targets", status_code=303)


@router.post("/{target_id}/delete")
def delete(db: Db, actor: PageActor, target_id: int) -> Response:
    target_service.delete_target(db, actor, target_id)
    return RedirectResponse("/metrics/targets", status_code=303)
