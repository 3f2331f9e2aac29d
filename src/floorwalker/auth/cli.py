"""`floorwalker users …`: create the first admin, list users, issue API tokens."""

from __future__ import annotations

import typer

from floorwalker.auth import service
from floorwalker.auth.permissions import SYSTEM
from floorwalker.auth.schemas import ApiTokenCreate, UserCreate
from floorwalker.cli_support import fail, friendly_errors, print_json, print_table, settings
from floorwalker.db import operational_session

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)


@app.command("create")
@friendly_errors
def create(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("admin", help="admin, manager, supervisor, qa or agent."),
    employee_id: int | None = typer.Option(
        None, help="Link to this employee (required for agents and supervisors)."
    ),
    password: str | None = typer.Option(None, help="Password (prompted for when omitted)."),
    as_json: bool = typer.Option(False, "--json", help="Print the new user as JSON."),
) -> None:
    """Create a user (run on the server: this is how the first admin is made)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if role not in ("admin", "manager", "supervisor", "qa", "agent"):
        fail(f"unknown role '{role}'; use admin, manager, supervisor, qa or agent")
    with operational_session(settings().resolved_database_url) as session:
        user = service.create_user(
            session,
            SYSTEM,
            UserCreate(username=username, password=password, role=role, employee_id=employee_id),  # type: ignore[arg-type]
        )
        if as_json:
            print_json({"id": user.id, "username": user.username, "role": user.role})
        else:
            typer.echo(f"created user {user.username} ({user.role})")


@app.command("list")
@friendly_errors
def list_(
    as_json: bool = typer.Option(False, "--json"),
    as_csv: bool = typer.Option(False, "--csv"),
) -> None:
    """List users."""
    with operational_session(settings().resolved_database_url) as session:
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "role": u.role,
                "employee_id": u.employee_id,
                "active": u.active,
                "last_login_at": u.last_login_at,
            }
            for u in service.list_users(session, SYSTEM)
        ]
    print_table(rows, as_json=as_json, as_csv=as_csv)


@app.command("token")
@friendly_errors
def token(
    username: str = typer.Argument(..., help="Whose token."),
    name: str = typer.Option("cli", help="A label to tell tokens apart."),
    expires_days: int | None = typer.Option(None, help="Expire after this many days."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issue an API token for /api/v1 (printed once; only its digest is stored)."""
    with operational_session(settings().resolved_database_url) as session:
        user = service.get_user_by_username(session, username)
        api_token, raw = service.create_api_token(
            session, SYSTEM, user.id, ApiTokenCreate(name=name, expires_days=expires_days)
        )
        if as_json:
            print_json({"id": api_token.id, "token": raw, "expires_at": api_token.expires_at})
        else:
            typer.echo(raw)


@app.command("set-password")
@friendly_errors
def set_password(username: str = typer.Argument(...)) -> None:
    """Set a user's password (prompted)."""
    password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with operational_session(settings().resolved_database_url) as session:
        user = service.get_user_by_username(session, username)
        service.set_password(session, SYSTEM, user.id, password)
    typer.echo(f"password changed for {username}; their sessions were ended")


@app.command("deactivate")
@friendly_errors
def deactivate(username: str = typer.Argument(...)) -> None:
    """End a user's access: no sign-in, sessions ended, API tokens revoked."""
    with operational_session(settings().resolved_database_url) as session:
        user = service.get_user_by_username(session, username)
        service.deactivate_user(session, SYSTEM, user.id)
    typer.echo(f"deactivated {username}")


@app.command("activate")
@friendly_errors
def activate(username: str = typer.Argument(...)) -> None:
    """Let a deactivated user sign in again (e.g. a rehired employee)."""
    with operational_session(settings().resolved_database_url) as session:
        user = service.get_user_by_username(session, username)
        service.activate_user(session, SYSTEM, user.id)
    typer.echo(f"activated {username}")
