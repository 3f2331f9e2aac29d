"""Organisation pages: list, create, edit and deactivate sites, teams, skills, queues and
employees; an employee's skills. Thin: parse the form, call the service, render."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor, can_manage_org, can_write_employee
from floorwalker.org import hours as business_hours
from floorwalker.org import schemas, service
from floorwalker.org.models import CHANNELS, EMPLOYEE_ROLES, SL_FORMULAS
from floorwalker.timeutil import common_time_zones
from floorwalker.web.deps import Db, PageActor, csrf_protect
from floorwalker.web.forms import FormErrors, FormField, form_values, submit
from floorwalker.web.templating import render

router = APIRouter(prefix="/org", dependencies=[Depends(csrf_protect)], include_in_schema=False)


@dataclass
class Resource:
    """How one organisation entity appears in the UI."""

    path: str
    singular: str
    plural: str
    columns: Sequence[str]
    cells: Callable[[Any, dict[str, Any]], list[Any]]
    fields: Callable[[Session, Actor], list[FormField]]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    list_: Callable[[Session, Actor, bool], Sequence[Any]]
    get: Callable[[Session, Actor, int], Any]
    create: Callable[[Session, Actor, Any], Any]
    update: Callable[[Session, Actor, int, Any], Any]
    deactivate: Callable[[Session, Actor, int], Any]
    to_form: Callable[[Any], dict[str, Any]] = lambda obj: {
        c.key: getattr(obj, c.key) for c in obj.__table__.columns
    }


def _site_options(db: Session, actor: Actor) -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in service.list_sites(db, actor)]


def _lookups(db: Session, actor: Actor) -> dict[str, Any]:
    return {
        "sites": {s.id: s.name for s in service.list_sites(db, actor, True)},
        "skills": {s.id: s.name for s in service.list_skills(db, actor, True)},
        "teams": {t.id: t.name for t in service.list_teams(db, actor, True)},
    }


def _site_fields(db: Session, actor: Actor) -> list[FormField]:
    del db, actor
    return [
        FormField("code", "Code", required=True, help="Short code, as the ACD names the site."),
        FormField("name", "Name", required=True),
        FormField(
            "time_zone",
            "Time zone",
            required=True,
            datalist=common_time_zones(),
            help="IANA name, e.g. Europe/London. Intervals follow this local clock.",
        ),
        FormField(
            "business_hours",
            "Business hours",
            required=True,
            help="e.g. mon-fri 08:00-20:00; sat 09:00-17:00 (days not named are closed)",
        ),
    ]


def _site_form(obj: Any) -> dict[str, Any]:
    return {
        "code": obj.code,
        "name": obj.name,
        "time_zone": obj.time_zone,
        "business_hours": business_hours.format_hours(obj.business_hours),
    }


def _supervisor_options(db: Session, actor: Actor) -> list[tuple[int, str]]:
    return [(e.id, e.full_name) for e in service.list_employees(db, actor, role="supervisor")] + [
        (e.id, f"{e.full_name} (manager)") for e in service.list_employees(db, actor, role="manager")
    ]


def _team_fields(db: Session, actor: Actor) -> list[FormField]:
    return [
        FormField("name", "Name", required=True),
        FormField("site_id", "Site", kind="select", required=True, options=_site_options(db, actor)),
        FormField("supervisor_id", "Supervisor", kind="select", options=_supervisor_options(db, actor)),
    ]


def _skill_fields(db: Session, actor: Actor) -> list[FormField]:
    del db, actor
    return [
        FormField("name", "Name", required=True),
        FormField("description", "Description", kind="textarea"),
    ]


def _queue_fields(db: Session, actor: Actor) -> list[FormField]:
    return [
        FormField("code", "Code", required=True, help="The queue's name on the ACD / platform."),
        FormField("name", "Name", required=True),
        FormField("channel", "Channel", kind="select", required=True, options=[(c, c) for c in CHANNELS]),
        FormField("site_id", "Site", kind="select", required=True, options=_site_options(db, actor)),
        FormField(
            "skill_id",
            "Required skill",
            kind="select",
            options=[(s.id, s.name) for s in service.list_skills(db, actor)],
        ),
        FormField(
            "sl_threshold_s",
            "Service-level threshold T (seconds)",
            kind="number",
            step="any",
            help="Typical: 20 voice, 60 chat, 86400 email.",
        ),
        FormField("short_abandon_s", "Short-abandon threshold S (seconds)", kind="number", step="any"),
        FormField(
            "sl_formula",
            "Service-level formula",
            kind="select",
            options=[(f, f) for f in SL_FORMULAS],
            help="See docs/metrics: which contacts count in the denominator.",
        ),
        FormField(
            "concurrency",
            "Concurrency (sessions per agent)",
            kind="number",
            help="Chat and messaging only; 1 for voice and email.",
        ),
        FormField(
            "wrapup_s",
            "Default wrap-up (seconds)",
            kind="number",
            step="any",
            help="Assumed when the source records no wrap-up; blank = unknown.",
        ),
    ]


def _employee_fields(db: Session, actor: Actor) -> list[FormField]:
    return [
        FormField("full_name", "Full name", required=True),
        FormField("email", "Email", kind="email"),
        FormField("agent_code", "Agent code", help="The agent's login on the ACD / platform."),
        FormField("role", "Role", kind="select", required=True, options=[(r, r) for r in EMPLOYEE_ROLES]),
        FormField("site_id", "Site", kind="select", required=True, options=_site_options(db, actor)),
        FormField(
            "team_id",
            "Team",
            kind="select",
            options=[(t.id, t.name) for t in service.list_teams(db, actor)],
        ),
        FormField("hire_date", "Hire date", kind="date", required=True),
        FormField("contract_hours_per_week", "Contract hours per week", kind="number", step="any"),
    ]


RESOURCES: dict[str, Resource] = {
    "sites": Resource(
        "sites",
        "site",
        "sites",
        ["Name", "Code", "Time zone", "Business hours", "Open h/week"],
        lambda o, _: [
            o.name,
            o.code,
            o.time_zone,
            business_hours.format_hours(o.business_hours),
            f"{business_hours.weekly_open_hours(o.business_hours):g}",
        ],
        _site_fields,
        schemas.SiteCreate,
        schemas.SiteUpdate,
        service.list_sites,
        service.get_site,
        service.create_site,
        service.update_site,
        service.deactivate_site,
        _site_form,
    ),
    "teams": Resource(
        "teams",
        "team",
        "teams",
        ["Name", "Site", "Supervisor"],
        lambda o, lk: [
            o.name,
            lk["sites"].get(o.site_id, ""),
            lk["people"].get(o.supervisor_id, "—"),
        ],
        _team_fields,
        schemas.TeamCreate,
        schemas.TeamUpdate,
        service.list_teams,
        service.get_team,
        service.create_team,
        service.update_team,
        service.deactivate_team,
    ),
    "skills": Resource(
        "skills",
        "skill",
        "skills",
        ["Name", "Description"],
        lambda o, _: [o.name, o.description],
        _skill_fields,
        schemas.SkillCreate,
        schemas.SkillUpdate,
        service.list_skills,
        service.get_skill,
        service.create_skill,
        service.update_skill,
        service.deactivate_skill,
    ),
    "queues": Resource(
        "queues",
        "queue",
        "queues",
        ["Name", "Code", "Channel", "Site", "Skill", "T (s)", "S (s)", "SL formula", "Concurrency", "Agents"],
        lambda o, lk: [
            o.name,
            o.code,
            o.channel,
            lk["sites"].get(o.site_id, ""),
            lk["skills"].get(o.skill_id, "—"),
            f"{o.sl_threshold_s:g}",
            f"{o.short_abandon_s:g}",
            o.sl_formula,
            o.concurrency,
            {"text": "who serves it", "href": f"/org/queues/{o.id}/agents"},
        ],
        _queue_fields,
        schemas.QueueCreate,
        schemas.QueueUpdate,
        service.list_queues,
        service.get_queue,
        service.create_queue,
        service.update_queue,
        service.deactivate_queue,
    ),
}


def _resource(name: str) -> Resource:
    from floorwalker.errors import NotFound

    if name not in RESOURCES:
        raise NotFound(f"no such page /org/{name}")
    return RESOURCES[name]


def _form_page(
    request: Request,
    path: str,
    fields: list[FormField],
    values: dict[str, Any],
    action: str,
    title: str,
    errors: FormErrors | None = None,
    obj: Any = None,
) -> Response:
    return render(
        request,
        "crud_form.html",
        {
            "title": title,
            "fields": fields,
            "values": values,
            "action": action,
            "cancel": f"/org/{path}",
            "errors": errors.items if errors else [],
            "error_fields": errors.fields if errors else set(),
            "deactivate_action": f"/org/{path}/{obj.id}/deactivate"
            if obj is not None and obj.active
            else None,
            "reactivate_action": f"/org/{path}/{obj.id}/reactivate"
            if obj is not None and not obj.active
            else None,
        },
        status_code=422 if errors else 200,
    )


# --- employees (own pages: filters, detail, skills, leaver) --------------------------------


@router.get("/employees")
def employees(
    request: Request,
    db: Db,
    actor: PageActor,
    status: str = "active",
    team_id: str = "",
    search: str = "",
) -> Response:
    team = int(team_id) if team_id.isdigit() else None
    rows = service.list_employees(db, actor, team_id=team, status=status or None, search=search or None)
    lk = _lookups(db, actor)
    teams = service.list_teams(db, actor)
    return render(
        request,
        "crud_list.html",
        {
            "title": "People",
            "singular": "employee",
            "plural": "people",
            "base_path": "/org/employees",
            "can_create": actor.role in ("admin", "manager", "supervisor"),
            "columns": ["Name", "Agent code", "Role", "Team", "Hire date", "Hours/week", "Status"],
            "filters": [
                {"name": "search", "label": "Name or agent code", "value": search},
                {
                    "name": "team_id",
                    "label": "Team",
                    "value": team_id,
                    "options": [("", "All")] + [(str(t.id), t.name) for t in teams],
                },
                {
                    "name": "status",
                    "label": "Status",
                    "value": status,
                    "options": [("active", "Active"), ("leaver", "Leavers"), ("", "All")],
                },
            ],
            "rows": [
                {
                    "href": f"/org/employees/{e.id}",
                    "active": e.status == "active",
                    "cells": [
                        e.full_name,
                        e.agent_code or "",
                        e.role,
                        lk["teams"].get(e.team_id, "—"),
                        e.hire_date.isoformat(),
                        f"{e.contract_hours_per_week:g}",
                        e.status,
                    ],
                }
                for e in rows
            ],
        },
    )


@router.get("/employees/new")
def new_employee(request: Request, db: Db, actor: PageActor) -> Response:
    return _form_page(
        request,
        "employees",
        _employee_fields(db, actor),
        {"role": "agent", "contract_hours_per_week": 40},
        "/org/employees/new",
        "New employee",
    )


@router.post("/employees/new")
async def create_employee(request: Request, db: Db, actor: PageActor) -> Response:
    fields = _employee_fields(db, actor)
    values = form_values(await request.form(), fields, partial=False)
    obj, errors = submit(schemas.EmployeeCreate, values, lambda d: service.create_employee(db, actor, d))
    if errors:
        return render(
            request,
            "crud_form.html",
            {
                "title": "New employee",
                "fields": fields,
                "values": values,
                "action": "/org/employees/new",
                "cancel": "/org/employees",
                "errors": errors.items,
                "error_fields": errors.fields,
            },
            status_code=422,
        )
    return RedirectResponse(f"/org/employees/{obj.id}", status_code=303)


def _employee_page(
    request: Request,
    db: Session,
    actor: Actor,
    employee_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    employee = service.get_employee(db, actor, employee_id)
    lk = _lookups(db, actor)
    skills = service.employee_skills(db, actor, employee_id)
    can_edit = can_write_employee(actor, employee.team_id, employee.team_id)
    form_values_ = values or {c.key: getattr(employee, c.key) for c in employee.__table__.columns}
    return render(
        request,
        "employee.html",
        {
            "employee": employee,
            "lk": lk,
            "skills": skills,
            "can_edit": can_edit,
            "fields": _employee_fields(db, actor) if can_edit else [],
            "values": form_values_,
            "errors": errors.items if errors else [],
            "error_fields": errors.fields if errors else set(),
            "action": f"/org/employees/{employee_id}",
            "cancel": "/org/employees",
            "all_skills": service.list_skills(db, actor),
        },
        status_code=422 if errors else 200,
    )


@router.get("/employees/{employee_id}")
def employee(request: Request, db: Db, actor: PageActor, employee_id: int) -> Response:
    return _employee_page(request, db, actor, employee_id)


@router.post("/employees/{employee_id}")
async def update_employee(request: Request, db: Db, actor: PageActor, employee_id: int) -> Response:
    values = form_values(await request.form(), _employee_fields(db, actor), partial=True)
    _, errors = submit(
        schemas.EmployeeUpdate, values, lambda d: service.update_employee(db, actor, employee_id, d)
    )
    if errors:
        return _employee_page(request, db, actor, employee_id, errors, values)
    return RedirectResponse(f"/org/employees/{employee_id}", status_code=303)


@router.post("/employees/{employee_id}/leaver")
async def mark_leaver(request: Request, db: Db, actor: PageActor, employee_id: int) -> Response:
    form = await request.form()
    values = {k: form.get(k) for k in ("leave_date", "leave_reason")}
    _, errors = submit(schemas.LeaverIn, values, lambda d: service.mark_leaver(db, actor, employee_id, d))
    if errors:
        return _employee_page(request, db, actor, employee_id, errors)
    return RedirectResponse(f"/org/employees/{employee_id}", status_code=303)


@router.post("/employees/{employee_id}/skills")
async def set_skill(request: Request, db: Db, actor: PageActor, employee_id: int) -> Response:
    form = await request.form()
    values = {k: form.get(k) for k in ("skill_id", "proficiency")}
    _, errors = submit(
        schemas.EmployeeSkillSet,
        values,
        lambda d: service.set_employee_skill(db, actor, employee_id, d),
    )
    if errors:
        return _employee_page(request, db, actor, employee_id, errors)
    return RedirectResponse(f"/org/employees/{employee_id}", status_code=303)


@router.post("/employees/{employee_id}/skills/{skill_id}/remove")
def remove_skill(db: Db, actor: PageActor, employee_id: int, skill_id: int) -> Response:
    service.remove_employee_skill(db, actor, employee_id, skill_id)
    return RedirectResponse(f"/org/employees/{employee_id}", status_code=303)


@router.get("/queues/{queue_id}/agents")
def queue_agents(request: Request, db: Db, actor: PageActor, queue_id: int) -> Response:
    queue = service.get_queue(db, actor, queue_id)
    rows = service.queue_assignments(db, actor, queue_id)
    return render(
        request,
        "crud_list.html",
        {
            "title": f"Agents serving {queue.name}",
            "plural": "agents",
            "singular": "agent",
            "base_path": "/org/queues",
            "can_create": False,
            "columns": ["Agent", "Proficiency"],
            "rows": [
                {
                    "href": f"/org/employees/{r.employee_id}",
                    "active": True,
                    "cells": [r.full_name, r.proficiency],
                }
                for r in rows
            ],
        },
    )


# --- sites, teams, skills, queues (one shape) -----------------------------------------------


@router.get("/{kind}")
def resource_list(request: Request, db: Db, actor: PageActor, kind: str, show: str = "active") -> Response:
    res = _resource(kind)
    lk = _lookups(db, actor)
    lk["people"] = {e.id: e.full_name for e in service.list_employees(db, actor, status=None)}
    rows = res.list_(db, actor, show == "all")
    return render(
        request,
        "crud_list.html",
        {
            "title": res.plural.capitalize(),
            "singular": res.singular,
            "plural": res.plural,
            "base_path": f"/org/{res.path}",
            "can_create": can_manage_org(actor),
            "columns": res.columns,
            "filters": [
                {
                    "name": "show",
                    "label": "Show",
                    "value": show,
                    "options": [("active", "Active"), ("all", "All, with deactivated")],
                }
            ],
            "rows": [
                {"href": f"/org/{res.path}/{o.id}", "active": o.active, "cells": res.cells(o, lk)}
                for o in rows
            ],
        },
    )


@router.get("/{kind}/new")
def resource_new(request: Request, db: Db, actor: PageActor, kind: str) -> Response:
    res = _resource(kind)
    defaults = {
        "sites": {"time_zone": "Europe/London", "business_hours": "mon-fri 08:00-18:00"},
        "queues": {
            "sl_threshold_s": 20,
            "short_abandon_s": 5,
            "concurrency": 1,
            "sl_formula": "answered_within_over_offered_less_short",
        },
    }.get(kind, {})
    return _form_page(
        request,
        res.path,
        res.fields(db, actor),
        defaults,
        f"/org/{kind}/new",
        f"New {res.singular}",
    )


@router.post("/{kind}/new")
async def resource_create(request: Request, db: Db, actor: PageActor, kind: str) -> Response:
    res = _resource(kind)
    fields = res.fields(db, actor)
    values = form_values(await request.form(), fields, partial=False)
    _, errors = submit(res.create_schema, values, lambda d: res.create(db, actor, d))
    if errors:
        return _form_page(
            request, res.path, fields, values, f"/org/{kind}/new", f"New {res.singular}", errors
        )
    return RedirectResponse(f"/org/{kind}", status_code=303)


@router.get("/{kind}/{object_id}")
def resource_edit(request: Request, db: Db, actor: PageActor, kind: str, object_id: int) -> Response:
    res = _resource(kind)
    obj = res.get(db, actor, object_id)
    title = f"{res.singular.capitalize()}: {getattr(obj, 'name', object_id)}"
    if not can_manage_org(actor):
        lk = _lookups(db, actor)
        lk["people"] = {e.id: e.full_name for e in service.list_employees(db, actor, status=None)}
        return render(
            request,
            "crud_list.html",
            {
                "title": title,
                "columns": res.columns,
                "plural": res.singular,
                "singular": res.singular,
                "rows": [{"href": None, "active": obj.active, "cells": res.cells(obj, lk)}],
            },
        )
    return _form_page(
        request,
        res.path,
        res.fields(db, actor),
        res.to_form(obj),
        f"/org/{kind}/{object_id}",
        title,
        obj=obj,
    )


@router.post("/{kind}/{object_id}")
async def resource_update(request: Request, db: Db, actor: PageActor, kind: str, object_id: int) -> Response:
    res = _resource(kind)
    obj = res.get(db, actor, object_id)
    fields = res.fields(db, actor)
    values = form_values(await request.form(), fields, partial=True)
    _, errors = submit(res.update_schema, values, lambda d: res.update(db, actor, object_id, d))
    if errors:
        return _form_page(
            request,
            res.path,
            fields,
            values,
            f"/org/{kind}/{object_id}",
            f"{res.singular.capitalize()}: {obj.name}",
            errors,
            obj,
        )
    return RedirectResponse(f"/org/{kind}", status_code=303)


@router.post("/{kind}/{object_id}/deactivate")
def resource_deactivate(db: Db, actor: PageActor, kind: str, object_id: int) -> Response:
    res = _resource(kind)
    res.deactivate(db, actor, object_id)
    return RedirectResponse(f"/org/{kind}", status_code=303)


@router.post("/{kind}/{object_id}/reactivate")
def resource_reactivate(db: Db, actor: PageActor, kind: str, object_id: int) -> Response:
    res = _resource(kind)
    res.update(db, actor, object_id, res.update_schema(active=True))
    return RedirectResponse(f"/org/{kind}", status_code=303)
