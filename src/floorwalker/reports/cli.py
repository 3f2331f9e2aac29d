"""`floorwalker report`: the monthly management report as PDF, XLSX or HTML. Thin.

Contract (stable)::

    floorwalker report --period 2026-10 [--site S] --format pdf|xlsx|html --out FILE
                       [--targets FILE.toml]

The root CLI registers :func:`report` as its ``report`` command (a single command).
Mistakes in the flags print one line and exit with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from floorwalker import clock
from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli_support import fail, friendly_errors, settings
from floorwalker.db import get_engine, operational_session
from floorwalker.errors import InvalidInput
from floorwalker.metrics.targets import Target
from floorwalker.reports import service
from floorwalker.reports.targets_file import TargetsFileError, targets_from_toml


def _usage(message: str) -> NoReturn:
    fail(message, 2)
    raise typer.Exit(2)  # fail() has already exited; this line tells type checkers so


def _targets(path: Path | None) -> list[Target] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _usage(f"--targets {path}: cannot be read ({exc.__class__.__name__})")
    try:
        return targets_from_toml(text, str(path))
    except TargetsFileError as exc:
        _usage(str(exc))


@friendly_errors
def report(
    period: str = typer.Option(..., "--period", help="Calendar month YYYY-MM (site-local days)."),
    site: str | None = typer.Option(None, "--site", help="Only this site (its code)."),
    fmt: str = typer.Option(..., "--format", help="pdf, xlsx or html."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    targets: Path | None = typer.Option(
        None, "--targets", help="TOML file of [[target]] entries (default: SL ≥ 80%, abandon ≤ 5%)."
    ),
) -> None:
    """Write the management report of a month: summary, charts, queues, teams, appendix."""
    if fmt not in service.FORMATS:
        _usage(f"--format '{fmt}' is not one of {', '.join(service.FORMATS)}")
    chosen = _targets(targets)
    if not out.parent.is_dir():
        _usage(f"--out {out}: the folder {out.parent} does not exist")
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            built = service.build(session, warehouse, SYSTEM, period, site, chosen, clock.now_aware())
    except InvalidInput as exc:
        _usage(f"--{exc.field}: {exc.message}" if exc.field in ("period", "site") else exc.message)
    data = service.render(built, fmt)
    try:
        out.write_bytes(data)
    except OSError as exc:
        fail(f"--out {out}: cannot be written ({exc.strerror or exc})")
    where = f"site {site}" if site else "all sites"
    typer.echo(f"wrote {out} ({fmt}, {len(data):,} bytes): {built.period_label}, {where}")
