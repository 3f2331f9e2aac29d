"""Typed FastAPI dependencies: stores, the caller, CSRF. Every endpoint states who may call it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from floorwalker.auth import service as auth_service
from floorwalker.auth import tokens
from floorwalker.auth.permissions import Actor
from floorwalker.db import get_engine, session_factory
from floorwalker.errors import NotAuthenticated, PermissionDenied
from floorwalker.settings import Settings

SESSION_COOKIE = "fw_session"
CSRF_COOKIE = "fw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """A page needs a signed-in user; the handler redirects to the login page."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


class CsrfFailed(Exception):
    pass


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    settings = get_app_settings(request)
    session = session_factory(settings.resolved_database_url)()
    try:
        yield session
    finally:
        session.close()


def get_warehouse(request: Request) -> Iterator[Connection]:
    settings = get_app_settings(request)
    with get_engine(settings.resolved_warehouse_url).connect() as connection:
        yield connection


Db = Annotated[Session, Depends(get_db)]
Warehouse = Annotated[Connection, Depends(get_warehouse)]
AppSettings = Annotated[Settings, Depends(get_app_settings)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


#: Declares the bearer scheme in OpenAPI (so /docs offers "Authorize"); parsing stays ours.
_bearer_scheme = HTTPBearer(auto_error=False, description="An API token: `floorwalker users token NAME`.")


def optional_actor(
    request: Request,
    db: Db,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)] = None,
) -> Actor | None:
    """The caller from a bearer API token or the session cookie, or None."""
    raw = _bearer(request)
    if raw is not None:
        actor = auth_service.actor_from_api_token(db, raw)
        if actor is None:
            raise NotAuthenticated("invalid, expired or revoked API token")
        request.state.auth_kind = "token"
        return actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        actor = auth_service.actor_from_session_token(db, cookie)
        if actor is not None:
            request.state.auth_kind = "session"
            return actor
        request.state.session_expired = True
    return None


def api_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise NotAuthenticated("sign in or send 'Authorization: Bearer <API token>'")
    return actor


def page_actor(request: Request, actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise LoginRequired(expired=getattr(request.state, "session_expired", False))
    request.state.actor = actor
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]
PageActor = Annotated[Actor, Depends(page_actor)]


def require_role(*roles: str):  # type: ignore[no-untyped-def]
    """Dependency factory: the caller must have one of ``roles``."""

    def check(actor: ApiActor) -> Actor:
        if actor.role not in roles:
            raise PermissionDenied(f"role {actor.role} may not do this")
        return actor

    return check


async def csrf_protect(request: Request) -> None:
    """On unsafe methods with cookie authentication, the form field or header must match the
    CSRF cookie (double-submit; the cookie is SameSite=Strict and HttpOnly)."""
    if request.method not in UNSAFE_METHODS or _bearer(request) is not None:
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent or not tokens.same(cookie, sent):
        raise CsrfFailed()
