"""The `floorwalker` command. Each area mounts its own sub-app; this file wires them."""

from __future__ import annotations

from datetime import datetime

import typer

from floorwalker import __version__
from floorwalker.auth.cli import app as users_app
from floorwalker.cli_support import fail, friendly_errors, print_json, settings, step_progress
from floorwalker.contacts.cli import app as import_app
from floorwalker.db import mask_url
from floorwalker.metrics.cli import app as metrics_app
from floorwalker.org.cli import app as org_app
from floorwalker.quality.cli import app as qa_app
from floorwalker.reports.cli import report as report_command
from floorwalker.sim.cli import simulate as simulate_command
from floorwalker.wfm.cli_capacity import app as capacity_app
from floorwalker.wfm.cli_forecast import app as forecast_app
from floorwalker.wfm.cli_schedule import app as schedule_app
from floorwalker.wfm.cli_staffing import app as staffing_app

app = typer.Typer(
    help="floorwalker: the contact-center manager's workbench.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(users_app, name="users")
app.add_typer(org_app, name="org")
app.add_typer(import_app, name="import")
app.add_typer(metrics_app, name="metrics")
app.command("simulate")(simulate_command)
app.add_typer(forecast_app, name="forecast")
app.add_typer(qa_app, name="qa")
app.add_typer(staffing_app, name="staffing")
app.command("report")(report_command)
app.add_typer(schedule_app, name="schedule")
app.add_typer(capacity_app, name="capacity")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
@friendly_errors
def init(as_json: bool = typer.Option(False, "--json")) -> None:
    """Create or migrate both stores (safe to run again)."""
    from floorwalker.stores import init_stores

    s = settings()
    result = init_stores(s.resolved_database_url, s.resolved_warehouse_url)
    if as_json:
        print_json(
            {
                "operational": mask_url(s.resolved_database_url),
                "warehouse": mask_url(s.resolved_warehouse_url),
                **result,
            }
        )
        return
    typer.echo(
        f"operational store {mask_url(s.resolved_database_url)}: revision {result['operational_revision']}"
    )
    typer.echo(
        f"contact warehouse {mask_url(s.resolved_warehouse_url)}: "
        f"schema version {result['warehouse_version']}"
    )


def _serve(host: str, port: int) -> None:
    import uvicorn

    from floorwalker.web.app import create_app

    typer.echo(f"floorwalker {__version__} on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(settings()), host=host, port=port, log_level="warning")


@app.command()
@friendly_errors
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from settings: 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default 8000)."),
) -> None:
    """Serve the web UI and API on whatever the data directory (or the store URLs) hold."""
    from floorwalker.stores import init_stores

    s = settings()
    init_stores(s.resolved_database_url, s.resolved_warehouse_url)
    _serve(host or s.host, port or s.port)


@app.command()
@friendly_errors
def demo(
    seed: int = typer.Option(7, help="Random seed: the same seed and end give the same center."),
    time_zone: str = typer.Option("Europe/London", help="The demo site's IANA time zone."),
    days: int = typer.Option(90, min=7, max=400, help="Days of history."),
    end: datetime | None = typer.Option(None, help="End of history (UTC, default now)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the demo center and exit."),
    force: bool = typer.Option(
        False, help="Rebuild even over imported contacts or changes people made (they are erased)."
    ),
    host: str | None = typer.Option(None),
    port: int | None = typer.Option(None),
    as_json: bool = typer.Option(False, "--json", help="Print the build summary as JSON."),
) -> None:
    """Build a realistic demo contact center into the data directory, then serve it."""
    import time
    from datetime import UTC

    from floorwalker.demo.service import build_demo
    from floorwalker.timeutil import is_valid_time_zone

    if not is_valid_time_zone(time_zone):
        fail(f"'{time_zone}' is not an IANA time zone (e.g. Europe/London)")
    now = (end.replace(tzinfo=UTC) if end and end.tzinfo is None else end) or datetime.now(UTC)
    s = settings()
    started = time.perf_counter()
    if not as_json:
        typer.echo(f"building the demo center ({days} days to {now:%Y-%m-%d %H:%M} UTC) …")
    with step_progress(enabled=not as_json) as progress:
        summary = build_demo(
            s, seed=seed, now=now, time_zone=time_zone, days=days, force=force, progress=progress
        )
    elapsed = time.perf_counter() - started
    if as_json:
        from dataclasses import asdict

        print_json({**asdict(summary), "seconds": round(elapsed, 1)})
    else:
        typer.echo(
            f"built in {elapsed:.0f} s: {summary.site} ({summary.time_zone}), {summary.employees} employees "
            f"in {summary.teams} teams, {summary.queues} queues, {summary.contacts:,} contacts, "
            f"{summary.agent_states:,} agent states, {summary.survey_responses:,} survey responses"
        )
        typer.echo(f"demo logins (password for each: {summary.logins[0].password}):")
        for login in summary.logins:
            typer.echo(f"  {login.username:<11} {login.role:<10} {login.who}")
    if not no_serve:
        _serve(host or s.host, port or s.port)


if __name__ == "__main__":
    app()
