"""Availability and preferences JSON API under /api/v1. Thin: validate, call the service,
serialise. ``me`` stands for the caller's own employee record; a number for anyone in the
caller's scope (own teams for supervisors, everyone for managers and admins)."""

# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from floorwalker.errors import InvalidInput
from floorwalker.web.deps import ApiActor, Db, csrf_protect
from floorwalker.wfm import availability_service as service

router = APIRouter(tags=["availability"], dependencies=[Depends(csrf_protect)])


class PatternIn(BaseModel):
    #: Text ("mon-fri 08:00-17:00; sat 09:00-13:00"; days not named: not available) or the
    #: mapping {"mon": [["08:00", "17:00"]], …, "sun": []} (site-local wall clock).
    hours: str | dict[str, list[list[str]]]
    valid_from: date | None = None
    valid_to: date | None = None


class PatternOut(BaseModel):
    id: int
    valid_from: date | None
    valid_to: date | None
    hours: dict[str, list[list[str]]]
    text: str


class PreferencesIn(BaseModel):
    days_off: list[str] = Field(default_factory=list, description='"mon" … "sun"')
    start_times: list[str] = Field(default_factory=list, description='"HH:MM" on the half hour')
    earliest_start: str | None = None
    latest_start: str | None = None
    weight: float = Field(1.0, description="0–10, 1 = normal")


class PreferencesOut(BaseModel):
    days_off: list[str]
    start_times: list[str]
    earliest_start: str | None
    latest_start: str | None
    weight: float


class AvailabilityOut(BaseModel):
    employee_id: int
    agent_code: str | None
    full_name: str
    availability: list[PatternOut]
    preferences: PreferencesOut


def _who(employee: str) -> int | None:
    if employee == "me":
        return None
    try:
        return int(employee)
    except ValueError:
        raise InvalidInput(
            f"employee: '{employee}' is not an employee id or 'me'", field="employee"
        ) from None


@router.get("/employees/{employee}/availability", response_model=AvailabilityOut)
def get_availability(employee: str, db: Db, actor: ApiActor) -> Any:
    """The employee's availability patterns and scheduling preferences."""
    return service.get_availability(db, actor, _who(employee))


@router.post("/employees/{employee}/availability", response_model=PatternOut, status_code=201)
def add_pattern(employee: str, data: PatternIn, db: Db, actor: ApiActor) -> Any:
    """Add a weekly availability pattern (its dates must not overlap another's)."""
    return service.add_pattern(db, actor, _who(employee), data.hours, data.valid_from, data.valid_to)


@router.put("/employees/{employee}/availability/{pattern_id}", response_model=PatternOut)
def update_pattern(employee: str, pattern_id: int, data: PatternIn, db: Db, actor: ApiActor) -> Any:
    """Replace a pattern's windows and dates."""
    return service.update_pattern(
        db, actor, _who(employee), pattern_id, data.hours, data.valid_from, data.valid_to
    )


@router.delete("/employees/{employee}/availability/{pattern_id}", status_code=204)
def delete_pattern(employee: str, pattern_id: int, db: Db, actor: ApiActor) -> Response:
    service.delete_pattern(db, actor, _who(employee), pattern_id)
    return Response(status_code=204)


@router.put("/employees/{employee}/preferences", response_model=PreferencesOut)
def set_preferences(employee: str, data: PreferencesIn, db: Db, actor: ApiActor) -> Any:
    """Replace the employee's scheduling preferences."""
    return service.set_preferences(db, actor, _who(employee), **data.model_dump())
