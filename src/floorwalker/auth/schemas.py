"""Pydantic models of the auth area that cross the API boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "manager", "supervisor", "qa", "agent"]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=2, max_length=120, pattern=r"^[A-Za-z0-9_.@\-]+$")
    password: str = Field(min_length=1, max_length=200)
    role: Role
    employee_id: int | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str
    employee_id: int | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class Me(BaseModel):
    user_id: int | None
    username: str
    role: str
    employee_id: int | None
    team_ids: list[int]


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class ApiTokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="Shown once; only its SHA-256 digest is stored.")
    expires_at: datetime | None


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str | None
    changes: dict[str, Any]
