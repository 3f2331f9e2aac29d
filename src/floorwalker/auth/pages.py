"""Sign-in, sign-out, own profile (password, API tokens), users and audit log pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from floorwalker.auth import service
from floorwalker.auth.permissions import Actor
from floorwalker.auth.schemas import ApiTokenCreate, UserCreate
from floorwalker.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from floorwalker.org import service as org_service
from floorwalker.web.deps import (
    SESSION_COOKIE,
    AppSettings,
    Db,
    PageActor,
    csrf_protect,
    optional_actor,
)
from floorwalker.web.forms import FormField, form_values, submit
from floorwalker.web.templating import render

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a person to another host after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(
    request: Request,
    actor: Annotated[Actor | None, Depends(optional_actor)],
    next: str = "/",
    expired: int = 0,
) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "expired": bool(expired)})


@router.post("/login")
def login(
    request: Request,
    db: Db,
    settings: AppSettings,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        user = service.authenticate(
            db,
            username,
            password,
            client,
            max_failures=settings.login_max_failures,
            window_s=settings.login_window_s,
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        return render(
            request,
            "login.html",
            {"error": exc.message, "next": _safe_next(next), "username": username},
            status_code=exc.status_code,
        )
    token = service.start_session(db, user, settings.session_hours)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, db: Db) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(db, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/me")
def me(request: Request, db: Db, actor: PageActor, flash: str | None = None) -> Response:
    employee = org_service.get_employee(db, actor, actor.employee_id) if actor.employee_id else None
    return render(
        request,
        "me.html",
        {"employee": employee, "tokens": service.list_api_tokens(db, actor), "flash": flash},
    )


@router.post("/auth/me/password")
def change_password(
    request: Request,
    db: Db,
    settings: AppSettings,
    actor: PageActor,
    password: Annotated[str, Form(max_length=200)],
    current_password: Annotated[str, Form(max_length=200)],
) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        service.authenticate(
            db,
            actor.username,
            current_password,
            client,
            max_failures=settings.login_max_failures,
            window_s=settings.login_window_s,
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        message = "Current password is wrong." if isinstance(exc, NotAuthenticated) else exc.message
        return RedirectResponse(f"/auth/me?flash={quote(message)}", status_code=303)
    assert actor.user_id is not None
    try:
        service.set_password(db, actor, actor.user_id, password)
    except InvalidInput as exc:
        return RedirectResponse(f"/auth/me?flash={quote(exc.message)}", status_code=303)
    return RedirectResponse("/login?next=/auth/me", status_code=303)


@router.post("/auth/me/tokens")
def create_token(
    request: Request,
    db: Db,
    actor: PageActor,
    name: Annotated[str, Form(min_length=1, max_length=120)],
) -> Response:
    assert actor.user_id is not None
    _, raw = service.create_api_token(db, actor, actor.user_id, ApiTokenCreate(name=name))
    return render(
        request,
        "me.html",
        {
            "employee": None,
            "tokens": service.list_api_tokens(db, actor),
            "new_token": raw,
        },
    )


@router.post("/auth/me/tokens/{token_id}/revoke")
def revoke_token(db: Db, actor: PageActor, token_id: int) -> Response:
    service.revoke_api_token(db, actor, token_id)
    return RedirectResponse("/auth/me?flash=Token+revoked.", status_code=303)


_USER_FIELDS = [
    FormField("username", "Username", required=True),
    FormField(
        "password",
        "Initial password",
        kind="password",
        required=True,
        help="At least 10 characters; the user can change it.",
    ),
    FormField(
        "role",
        "Role",
        kind="select",
        required=True,
        options=[(r, r) for r in ("admin", "manager", "supervisor", "qa", "agent")],
    ),
    FormField("employee_id", "Employee", kind="select"),
]


def _user_fields(db: Db, actor: PageActor) -> list[FormField]:
    employees = org_service.list_employees(db, actor, status="active")
    fields = list(_USER_FIELDS)
    fields[-1] = FormField(
        "employee_id",
        "Employee",
        kind="select",
        options=[(e.id, f"{e.full_name} ({e.role})") for e in employees],
        help="Agents and supervisors must be linked to their employee record.",
    )
    return fields


@router.get("/auth/users")
def users(request: Request, db: Db, actor: PageActor) -> Response:
    return render(
        request,
        "users.html",
        {
            "users": service.list_users(db, actor),
            "fields": _user_fields(db, actor),
            "values": {},
            "error_fields": set(),
            "action": "/auth/users",
            "cancel": "/",
        },
    )


@router.post("/auth/users")
async def create_user(request: Request, db: Db, actor: PageActor) -> Response:
    fields = _user_fields(db, actor)
    values = form_values(await request.form(), fields, partial=False)
    _, errors = submit(UserCreate, values, lambda data: service.create_user(db, actor, data))
    if errors:
        return render(
            request,
            "users.html",
            {
                "users": service.list_users(db, actor),
                "fields": fields,
                "errors": errors.items,
                "error_fields": errors.fields,
                "action": "/auth/users",
                "cancel": "/",
                "values": {k: v for k, v in values.items() if k != "password"},
            },
            status_code=422,
        )
    return RedirectResponse("/auth/users", status_code=303)


@router.post("/auth/users/{user_id}/deactivate")
def deactivate_user(db: Db, actor: PageActor, user_id: int) -> Response:
    service.deactivate_user(db, actor, user_id)
    return RedirectResponse("/auth/users", status_code=303)


@router.get("/auth/audit")
def audit_log(request: Request, db: Db, actor: PageActor) -> Response:
    return render(request, "audit.html", {"entries": service.list_audit(db, actor, limit=500)})
