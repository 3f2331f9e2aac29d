"""Auth JSON API: who am I, API tokens, users (admin), audit log (admin, manager)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from floorwalker.auth import service
from floorwalker.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    AuditEntryRead,
    Me,
    UserCreate,
    UserRead,
)
from floorwalker.web.deps import ApiActor, Db, csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], tags=["auth"])


@router.get("/me", response_model=Me)
def me(actor: ApiActor) -> Any:
    return Me(
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role,
        employee_id=actor.employee_id,
        team_ids=sorted(actor.team_ids),
    )


@router.post("/tokens", response_model=ApiTokenCreated, status_code=201)
def create_token(data: ApiTokenCreate, db: Db, actor: ApiActor) -> Any:
    """A new API token for the caller. The token is in this response only."""
    assert actor.user_id is not None
    token, raw = service.create_api_token(db, actor, actor.user_id, data)
    return ApiTokenCreated(id=token.id, name=token.name, token=raw, expires_at=token.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, db: Db, actor: ApiActor) -> Response:
    service.revoke_api_token(db, actor, token_id)
    return Response(status_code=204)


@router.get("/users", response_model=list[UserRead])
def list_users(db: Db, actor: ApiActor) -> Any:
    return service.list_users(db, actor)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(data: UserCreate, db: Db, actor: ApiActor) -> Any:
    return service.create_user(db, actor, data)


@router.post("/users/{user_id}/deactivate", status_code=204)
def deactivate_user(user_id: int, db: Db, actor: ApiActor) -> Response:
    """End a user's access: no sign-in, sessions ended, API tokens revoked (admin)."""
    service.deactivate_user(db, actor, user_id)
    return Response(status_code=204)


@router.post("/users/{user_id}/activate", status_code=204)
def activate_user(user_id: int, db: Db, actor: ApiActor) -> Response:
    """Let a deactivated user sign in again (admin); API tokens stay revoked."""
    service.activate_user(db, actor, user_id)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditEntryRead])
def audit(db: Db, actor: ApiActor, limit: int = 200) -> Any:
    return service.list_audit(db, actor, limit=min(max(limit, 1), 5000))
