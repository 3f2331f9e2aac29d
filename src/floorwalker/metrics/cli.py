"""`floorwalker metrics`: the metrics cube on the command line. Thin: metrics.service does the work.

Contract (stable, scripts depend on it)::

    floorwalker metrics --from YYYY-MM-DD --to YYYY-MM-DD --by DIMS [--queue Q] [--site S]
                        [--agent-time] [--json|--csv]

``--json`` prints a list of objects: the group keys, then ``rollup.CONTACT_METRICS`` (and
with ``--agent-time`` ``rollup.AGENT_TIME_METRICS``), None/null where undefined.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

import typer

from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli_support import fail, friendly_errors, print_table, settings
from floorwalker.db import get_engine, operational_session
from floorwalker.errors import InvalidInput
from floorwalker.metrics import grains, rollup, service

app = typer.Typer(
    help="Contact-center metrics by site, queue, channel, team, agent and time grain.",
    add_completion=False,
)


def _usage(message: str) -> NoReturn:
    """A mistake in the flags: one line on stderr, exit status 2."""
    fail(message, 2)
    raise typer.Exit(2)  # fail() has already exited; this line tells type checkers so


def _date(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _usage(f"{flag} '{text}' is not a date (YYYY-MM-DD)")


def _display(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """Readable table cells: fractions as percent, seconds rounded."""
    shown: dict[str, Any] = {}
    for k in keys:
        v = row[k]
        if v is None:
            shown[k] = None
        elif k in ("service_level", "abandon_rate", "transfer_rate", *rollup.AGENT_TIME_METRICS):
            shown[k] = f"{100 * v:.1f}%"
        elif k.endswith("_s") and isinstance(v, float):
            shown[k] = f"{v:.1f}"
        else:
            shown[k] = v
    return shown


@app.callback(invoke_without_command=True)
@friendly_errors
def metrics(
    start: str = typer.Option(..., "--from", help="First site-local date, YYYY-MM-DD."),
    end: str = typer.Option(..., "--to", help="Last site-local date (inclusive), YYYY-MM-DD."),
    by: str = typer.Option(
        "",
        "--by",
        help="Comma list of: site, queue, channel, team, agent, disposition, interval15, interval30, "
        "interval60, day, week, month (empty: one total row).",
    ),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue (its code)."),
    site: str | None = typer.Option(None, "--site", help="Only this site (its code)."),
    agent_time: bool = typer.Option(
        False, "--agent-time", help="Add occupancy, utilisation and shrinkage from agent states."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list (the stable contract)."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """Service level, ASA, abandonment, AHT … as docs/metrics.md defines them."""
    if as_json and as_csv:
        _usage("--json and --csv are exclusive: choose one")
    first, last = _date("--from", start), _date("--to", end)
    try:
        dims = grains.parse_dimensions(by)
    except grains.DimensionError as exc:
        _usage(f"--by: {exc}")
    request = service.CubeRequest(
        start=first,
        end=last,
        by=dims,
        sites=(site,) if site else (),
        queues=(queue,) if queue else (),
        agent_time=agent_time,
    )
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            rows = service.cube(session, warehouse, SYSTEM, request)
    except InvalidInput as exc:
        _usage(exc.message)
    keys = [*dims, *rollup.CONTACT_METRICS, *(rollup.AGENT_TIME_METRICS if agent_time else ())]
    if as_json or as_csv:
        print_table([{k: r[k] for k in keys} for r in rows], as_json=as_json, as_csv=as_csv)
    else:
        print_table([_display(r, keys) for r in rows], as_json=False, as_csv=False)
