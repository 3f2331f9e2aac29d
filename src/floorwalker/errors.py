"""Domain errors shared by every area. The web layer maps each to an HTTP status;
the CLI prints the message on one line. Areas subclass these for their own cases."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause and should read."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status_code = 400


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class NotAuthenticated(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class TooManyAttempts(DomainError):
    status_code = 429


class StoreUnavailable(DomainError):
    """A store's URL cannot be reached or opened. The message names the URL, password masked."""

    status_code = 503
