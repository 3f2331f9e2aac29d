"""Logins, throttling, sessions and tokens on real stores."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from floorwalker import clock
from floorwalker.auth import service
from floorwalker.auth.models import ApiToken, User, UserSession
from floorwalker.auth.permissions import SYSTEM
from floorwalker.auth.schemas import ApiTokenCreate, UserCreate
from floorwalker.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    TooManyAttempts,
)
from tests import factories as f


def test_password_is_stored_as_argon2_and_checked(db) -> None:
    u = f.user(db, "admin", username="ada")
    assert u.password_hash.startswith("$argon2id$")
    assert f.PASSWORD not in u.password_hash
    assert service.authenticate(db, "ADA", f.PASSWORD, "1.2.3.4").id == u.id


def test_wrong_password_and_unknown_user_read_the_same(db) -> None:
    f.user(db, "admin", username="ada")
    with pytest.raises(NotAuthenticated) as wrong:
        service.authenticate(db, "ada", "nope-nope-nope", "1.2.3.4")
    with pytest.raises(NotAuthenticated) as unknown:
        service.authenticate(db, "nobody", "nope-nope-nope", "1.2.3.4")
    assert wrong.value.message == unknown.value.message == service.LOGIN_FAILED


@pytest.mark.parametrize("username", ["ada", "ghost"])
def test_failed_logins_are_throttled_whether_or_not_the_user_exists(db, username) -> None:
    f.user(db, "admin", username="ada")
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            service.authenticate(db, username, "wrong-password", "9.9.9.9", max_failures=3)
    with pytest.raises(TooManyAttempts):
        service.authenticate(db, username, f.PASSWORD, "9.9.9.9", max_failures=3)


def test_short_password_and_duplicate_user_are_refused(db) -> None:
    with pytest.raises(InvalidInput, match="at least 10"):
        service.create_user(db, SYSTEM, UserCreate(username="x1", password="short", role="admin"))
    f.user(db, "admin", username="ada")
    with pytest.raises(Conflict):
        service.create_user(db, SYSTEM, UserCreate(username="ADA", password=f.PASSWORD, role="admin"))
    with pytest.raises(InvalidInput, match="must be linked to an employee"):
        service.create_user(db, SYSTEM, UserCreate(username="ag", password=f.PASSWORD, role="agent"))


def test_only_admins_create_users(db) -> None:
    manager = f.actor(db, f.user(db, "manager"))
    with pytest.raises(PermissionDenied):
        service.create_user(db, manager, UserCreate(username="x2", password=f.PASSWORD, role="admin"))


def test_sessions_store_only_a_digest_and_expire(db, monkeypatch) -> None:
    u = f.user(db, "manager")
    token = service.start_session(db, u, lifetime_hours=1)
    stored = db.scalars(select(UserSession.token_hash)).all()
    assert token not in stored and len(stored) == 1
    assert service.actor_from_session_token(db, token).user_id == u.id
    later = clock.utcnow() + timedelta(hours=2)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert service.actor_from_session_token(db, token) is None


def test_api_tokens_hashed_revocable_and_die_with_the_user(db) -> None:
    u = f.user(db, "manager")
    me = f.actor(db, u)
    row, raw = service.create_api_token(db, me, u.id, ApiTokenCreate(name="etl"))
    assert db.scalar(select(ApiToken.token_hash)) != raw
    assert service.actor_from_api_token(db, raw).role == "manager"
    service.revoke_api_token(db, me, row.id)
    assert service.actor_from_api_token(db, raw) is None
    _, raw2 = service.create_api_token(db, me, u.id, ApiTokenCreate(name="etl2"))
    service.deactivate_user(db, SYSTEM, u.id)
    assert service.actor_from_api_token(db, raw2) is None
    with pytest.raises(NotAuthenticated):
        service.authenticate(db, u.username, f.PASSWORD, "x")
    assert db.get(User, u.id).active is False


def test_system_is_a_reserved_username(db) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        service.create_user(db, SYSTEM, UserCreate(username="System", password=f.PASSWORD, role="admin"))
