"""Authentication use cases: users, logins with throttling, sessions, API tokens, audit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit, passwords, tokens
from floorwalker.auth.models import ApiToken, AuditEntry, LoginFailure, User, UserSession
from floorwalker.auth.permissions import SYSTEM, Actor, can_manage_users
from floorwalker.auth.schemas import ApiTokenCreate, UserCreate
from floorwalker.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from floorwalker.org import service as org_service
from floorwalker.org.models import Employee

#: The same words for an unknown user, a wrong password and a deactivated account.
LOGIN_FAILED = "Invalid username or password."


def actor_for(session: Session, user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        employee_id=user.employee_id,
        team_ids=org_service.led_team_ids(session, user.employee_id),
    )


# --- users -------------------------------------------------------------------------------


def create_user(session: Session, actor: Actor, data: UserCreate) -> User:
    if not can_manage_users(actor):
        raise PermissionDenied("only an admin can create users")
    problem = passwords.password_problem(data.password)
    if problem:
        raise InvalidInput(problem, field="password")
    if data.username.lower() == SYSTEM.username:
        raise InvalidInput(
            f"'{SYSTEM.username}' is reserved for changes made from the server's CLI", field="username"
        )
    if session.scalar(select(User.id).where(func.lower(User.username) == data.username.lower())):
        raise Conflict(f"user '{data.username}' already exists", field="username")
    if data.employee_id is not None:
        if session.get(Employee, data.employee_id) is None:
            raise InvalidInput(f"employee {data.employee_id} does not exist", field="employee_id")
        if session.scalar(select(User.id).where(User.employee_id == data.employee_id)):
            raise Conflict(f"employee {data.employee_id} already has a user", field="employee_id")
    if data.role in ("agent", "supervisor") and data.employee_id is None:
        raise InvalidInput(f"{data.role} users must be linked to an employee", field="employee_id")
    user = User(
        username=data.username,
        password_hash=passwords.hash_password(data.password),
        role=data.role,
        employee_id=data.employee_id,
        active=True,
        created_at=clock.utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "user",
        user.id,
        {"username": user.username, "role": user.role, "employee_id": user.employee_id},
    )
    session.commit()
    return user


def get_user_by_username(session: Session, username: str) -> User:
    """The user of that name (case-insensitive), or NotFound."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise NotFound(f"user '{username}' does not exist")
    return user


def list_users(session: Session, actor: Actor) -> Sequence[User]:
    if not can_manage_users(actor):
        raise PermissionDenied("only an admin can list users")
    return session.scalars(select(User).order_by(User.username)).all()


def set_password(session: Session, actor: Actor, user_id: int, password: str) -> None:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if actor.user_id != user_id and not can_manage_users(actor):
        raise PermissionDenied("you may change only your own password")
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInput(problem, field="password")
    user.password_hash = passwords.hash_password(password)
    # A new password ends every open session of that user.
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    audit.record(session, actor, "set_password", "user", user_id)
    session.commit()


def deactivate_user(session: Session, actor: Actor, user_id: int) -> None:
    if not can_manage_users(actor):
        raise PermissionDenied("only an admin can deactivate users")
    if actor.user_id == user_id:
        raise Conflict("you cannot deactivate yourself; ask another admin")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    _end_access(session, user)
    audit.record(session, actor, "deactivate", "user", user_id)
    session.commit()


def activate_user(session: Session, actor: Actor, user_id: int) -> None:
    """Let a deactivated user sign in again (e.g. a rehired employee); tokens stay revoked."""
    if not can_manage_users(actor):
        raise PermissionDenied("only an admin can activate users")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if user.employee_id is not None:
        employee = session.get(Employee, user.employee_id)
        if employee is not None and employee.status == "leaver":
            raise Conflict(f"employee {employee.id} is a leaver; take them back first", field="employee_id")
    user.active = True
    audit.record(session, actor, "activate", "user", user_id)
    session.commit()


def _end_access(session: Session, user: User) -> None:
    """No more sign-in, no open sessions, no working API tokens."""
    user.active = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id).values(revoked=True))


def revoke_employee_access(session: Session, actor: Actor, employee_id: int) -> None:
    """Within the caller's transaction: deactivate the employee's user (if any), end its
    sessions and revoke its API tokens. Used when an employee leaves."""
    user = session.scalar(select(User).where(User.employee_id == employee_id))
    if user is None or not user.active:
        return
    _end_access(session, user)
    audit.record(session, actor, "deactivate", "user", user.id, {"reason": "employee left"})


# --- login -------------------------------------------------------------------------------


def authenticate(
    session: Session,
    username: str,
    password: str,
    client: str,
    *,
    max_failures: int = 5,
    window_s: int = 900,
) -> User:
    """The active user with these credentials, or NotAuthenticated / TooManyAttempts.

    Throttling counts failures per username tried and per client address, whether or not
    the username exists, so neither the message nor the throttle tells an attacker which
    usernames are real. The password is checked even when throttled is not reached and the
    user is unknown (against a dummy hash), so timing does not tell either."""
    now = clock.utcnow()
    since = now - timedelta(seconds=window_s)
    name = username.strip().lower()[:120]
    by_name, by_client = session.execute(
        select(
            func.count().filter(LoginFailure.username == name),
            func.count().filter(LoginFailure.client == client),
        ).where(
            LoginFailure.at >= since,
            or_(LoginFailure.username == name, LoginFailure.client == client),
        )
    ).one()
    # A shared office NAT must not lock out a whole floor: the per-client limit is wider.
    if by_name >= max_failures or by_client >= max_failures * 4:
        raise TooManyAttempts(f"Too many failed sign-in attempts. Try again in {window_s // 60} minutes.")
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        session.add(LoginFailure(username=name, client=client[:64], at=now))
        session.commit()
        raise NotAuthenticated(LOGIN_FAILED)
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    user.last_login_at = now
    session.commit()
    return user


def start_session(session: Session, user: User, lifetime_hours: float) -> str:
    """Open a web session; returns the raw token for the cookie (only its digest is stored)."""
    token = tokens.new_secret()
    now = clock.utcnow()
    session.add(
        UserSession(
            token_hash=tokens.digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=lifetime_hours),
        )
    )
    # Housekeeping: drop this user's expired sessions.
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    audit.record(session, actor_for(session, user), "login", "user", user.id)
    session.commit()
    return token


def actor_from_session_token(session: Session, token: str) -> Actor | None:
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == tokens.digest(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    if user_session.expires_at < clock.utcnow() or not user.active:
        return None
    return actor_for(session, user)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == tokens.digest(token)))
    session.commit()


# --- API tokens --------------------------------------------------------------------------


def create_api_token(
    session: Session, actor: Actor, user_id: int, data: ApiTokenCreate
) -> tuple[ApiToken, str]:
    """A new token for ``user_id`` (self, or anyone for an admin); the raw token is returned once."""
    if actor.user_id != user_id and not can_manage_users(actor):
        raise PermissionDenied("you may create tokens only for yourself")
    if session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} does not exist")
    raw = tokens.new_api_token()
    now = clock.utcnow()
    token = ApiToken(
        user_id=user_id,
        name=data.name,
        prefix=raw[:10],
        token_hash=tokens.digest(raw),
        created_at=now,
        expires_at=now + timedelta(days=data.expires_days) if data.expires_days else None,
    )
    session.add(token)
    session.flush()
    audit.record(session, actor, "create", "api_token", token.id, {"user_id": user_id, "name": data.name})
    session.commit()
    return token, raw


def list_api_tokens(session: Session, actor: Actor, *, own_only: bool = True) -> Sequence[ApiToken]:
    """The caller's tokens; every user's for an admin who asks with ``own_only=False``."""
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc())
    if own_only or not can_manage_users(actor):
        stmt = stmt.where(ApiToken.user_id == actor.user_id)
    return session.scalars(stmt).all()


def revoke_api_token(session: Session, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"API token {token_id} does not exist")
    if token.user_id != actor.user_id and not can_manage_users(actor):
        raise PermissionDenied("you may revoke only your own tokens")
    token.revoked = True
    audit.record(session, actor, "revoke", "api_token", token_id)
    session.commit()


def actor_from_api_token(session: Session, raw: str) -> Actor | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == tokens.digest(raw))
    ).first()
    if row is None:
        return None
    token, user = row
    now = clock.utcnow()
    if token.revoked or not user.active or (token.expires_at and token.expires_at < now):
        return None
    # Coarse last-used stamp: one write per token per minute at most.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        session.commit()
    return actor_for(session, user)


# --- audit -------------------------------------------------------------------------------


def list_audit(session: Session, actor: Actor, limit: int = 200) -> Sequence[AuditEntry]:
    if actor.role not in ("admin", "manager"):
        raise PermissionDenied("only admins and managers read the audit log")
    return session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
