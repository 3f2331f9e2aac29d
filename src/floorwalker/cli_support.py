"""Shared CLI plumbing: one-line errors, JSON/CSV output, settings."""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from floorwalker.db import mask_url
from floorwalker.errors import DomainError
from floorwalker.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly_errors(func: F) -> F:
    """Domain errors and unreachable stores become one line on stderr, exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            fail(exc.message)
        except OperationalError as exc:
            settings = Settings()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if "no such table" in reason or ("does not exist" in reason and "relation" in reason):
                fail(f"the stores are not initialised ({reason}): run `floorwalker init` first")
            fail(
                f"store unavailable ({mask_url(settings.resolved_database_url)} / "
                f"{mask_url(settings.resolved_warehouse_url)}): {reason}"
            )
        except SQLAlchemyError as exc:
            # Any other database refusal: the database's own first line says why.
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if "does not exist" in reason and "relation" in reason:
                fail(f"the stores are not initialised ({reason}): run `floorwalker init` first")
            fail(f"database error: {reason}")
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            # A bug, not the user's doing: one line by default, the traceback on request.
            if os.environ.get("FLOORWALKER_DEBUG") == "1":
                raise
            fail(
                f"internal error ({type(exc).__name__}: {exc}); rerun with FLOORWALKER_DEBUG=1 and report it",
                2,
            )
        return None

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """Fresh settings from the environment (one CLI invocation reads them once)."""
    return Settings()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    if isinstance(value, list):
        value = [_plain(v) for v in value]
    typer.echo(json.dumps(_plain(value), default=str, indent=2))


def print_table(rows: Sequence[dict[str, Any]], *, as_json: bool, as_csv: bool) -> None:
    """Rows as JSON (a list), CSV (header + rows) or an aligned text table."""
    if as_json:
        print_json(list(rows))
        return
    if not rows:
        if not as_csv:
            typer.echo("(none)")
        return
    columns = list(rows[0].keys())
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: _plain(v) for k, v in r.items()} for r in rows)
        return
    widths = {
        c: max(len(c), *(len(str(_plain(r[c]) if r[c] is not None else "")) for r in rows)) for c in columns
    }
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        typer.echo("  ".join(str(_plain(r[c]) if r[c] is not None else "").ljust(widths[c]) for c in columns))


@contextmanager
def step_progress(*, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner naming the current step on a terminal; silent when output is not a terminal
    (scripts, CI, pipes) or when ``enabled`` is false."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda _step: None
        return
    with console.status("starting …") as status:
        yield lambda step: status.update(f"{step} …")
