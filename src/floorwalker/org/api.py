"""Organisation JSON API under /api/v1. Thin: validate, call the service, serialise.

Every resource has the same shape: GET list, POST create, GET one, PATCH update,
POST /{id}/deactivate (records are deactivated, never deleted: history refers to them)."""

# No `from __future__ import annotations`: the generated routes annotate with runtime classes.

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Response

from floorwalker.org import schemas, service
from floorwalker.web.deps import ApiActor, Db, csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _crud(
    path: str,
    tag: str,
    create_schema: type[Any],
    update_schema: type[Any],
    read_schema: type[Any],
    list_: Callable[..., Any],
    get: Callable[..., Any],
    create: Callable[..., Any],
    update: Callable[..., Any],
    deactivate: Callable[..., Any],
) -> None:
    """Register the five routes of one resource (same shape for each, as in NetBox)."""

    @router.get(f"/{path}", response_model=list[read_schema], tags=[tag], name=f"list_{path}")
    def list_route(db: Db, actor: ApiActor, include_inactive: bool = False) -> Any:
        return list_(db, actor, include_inactive)

    @router.post(f"/{path}", response_model=read_schema, status_code=201, tags=[tag], name=f"create_{path}")
    def create_route(data: create_schema, db: Db, actor: ApiActor) -> Any:  # type: ignore[valid-type]
        return create(db, actor, data)

    @router.get(f"/{path}/{{object_id}}", response_model=read_schema, tags=[tag], name=f"get_{path}")
    def get_route(object_id: int, db: Db, actor: ApiActor) -> Any:
        return get(db, actor, object_id)

    @router.patch(f"/{path}/{{object_id}}", response_model=read_schema, tags=[tag], name=f"update_{path}")
    def update_route(object_id: int, data: update_schema, db: Db, actor: ApiActor) -> Any:  # type: ignore[valid-type]
        return update(db, actor, object_id, data)

    @router.post(
        f"/{path}/{{object_id}}/deactivate",
        response_model=read_schema,
        tags=[tag],
        name=f"deactivate_{path}",
    )
    def deactivate_route(object_id: int, db: Db, actor: ApiActor) -> Any:
        return deactivate(db, actor, object_id)


_crud(
    "sites",
    "organisation",
    schemas.SiteCreate,
    schemas.SiteUpdate,
    schemas.SiteRead,
    service.list_sites,
    service.get_site,
    service.create_site,
    service.update_site,
    service.deactivate_site,
)
_crud(
    "teams",
    "organisation",
    schemas.TeamCreate,
    schemas.TeamUpdate,
    schemas.TeamRead,
    service.list_teams,
    service.get_team,
    service.create_team,
    service.update_team,
    service.deactivate_team,
)
_crud(
    "skills",
    "organisation",
    schemas.SkillCreate,
    schemas.SkillUpdate,
    schemas.SkillRead,
    service.list_skills,
    service.get_skill,
    service.create_skill,
    service.update_skill,
    service.deactivate_skill,
)
_crud(
    "queues",
    "organisation",
    schemas.QueueCreate,
    schemas.QueueUpdate,
    schemas.QueueRead,
    service.list_queues,
    service.get_queue,
    service.create_queue,
    service.update_queue,
    service.deactivate_queue,
)


@router.get("/queues/{queue_id}/agents", response_model=list[schemas.QueueAssignment], tags=["organisation"])
def queue_agents(queue_id: int, db: Db, actor: ApiActor) -> Any:
    """Active agents who serve the queue through its required skill."""
    return service.queue_assignments(db, actor, queue_id)


@router.get("/employees", response_model=list[schemas.EmployeeRead], tags=["organisation"])
def list_employees(
    db: Db,
    actor: ApiActor,
    team_id: int | None = None,
    status: str | None = "active",
    role: str | None = None,
    search: str | None = None,
) -> Any:
    """People in the caller's scope (a supervisor: own teams; an agent: self)."""
    return service.list_employees(db, actor, team_id=team_id, status=status or None, role=role, search=search)


@router.post("/employees", response_model=schemas.EmployeeRead, status_code=201, tags=["organisation"])
def create_employee(data: schemas.EmployeeCreate, db: Db, actor: ApiActor) -> Any:
    return service.create_employee(db, actor, data)


@router.get("/employees/{employee_id}", response_model=schemas.EmployeeRead, tags=["organisation"])
def get_employee(employee_id: int, db: Db, actor: ApiActor) -> Any:
    return service.get_employee(db, actor, employee_id)


@router.patch("/employees/{employee_id}", response_model=schemas.EmployeeRead, tags=["organisation"])
def update_employee(employee_id: int, data: schemas.EmployeeUpdate, db: Db, actor: ApiActor) -> Any:
    return service.update_employee(db, actor, employee_id, data)


@router.post("/employees/{employee_id}/leaver", response_model=schemas.EmployeeRead, tags=["organisation"])
def mark_leaver(employee_id: int, data: schemas.LeaverIn, db: Db, actor: ApiActor) -> Any:
    """Deactivate an employee (status leaver, with leave date and reason)."""
    return service.mark_leaver(db, actor, employee_id, data)


@router.get(
    "/employees/{employee_id}/skills",
    response_model=list[schemas.EmployeeSkillRead],
    tags=["organisation"],
)
def employee_skills(employee_id: int, db: Db, actor: ApiActor) -> Any:
    return service.employee_skills(db, actor, employee_id)


@router.put(
    "/employees/{employee_id}/skills",
    response_model=schemas.EmployeeSkillRead,
    tags=["organisation"],
)
def set_employee_skill(employee_id: int, data: schemas.EmployeeSkillSet, db: Db, actor: ApiActor) -> Any:
    """Add a skill to the employee or change its proficiency (1–5)."""
    return service.set_employee_skill(db, actor, employee_id, data)


@router.delete("/employees/{employee_id}/skills/{skill_id}", status_code=204, tags=["organisation"])
def remove_employee_skill(employee_id: int, skill_id: int, db: Db, actor: ApiActor) -> Response:
    service.remove_employee_skill(db, actor, employee_id, skill_id)
    return Response(status_code=204)
