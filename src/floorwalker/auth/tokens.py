"""Random secrets and their stored digests. Pure."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_TOKEN_PREFIX = "fwk_"  # noqa: S105 - a label, not a secret


def new_secret(n_bytes: int = 32) -> str:
    """A URL-safe random secret of ``n_bytes`` bytes of entropy."""
    return secrets.token_urlsafe(n_bytes)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + new_secret(32)


def digest(token: str) -> str:
    """SHA-256 hex digest: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())
