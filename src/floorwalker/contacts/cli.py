"""`floorwalker import …`: load what the center's systems wrote into the warehouse.

The commands, flags and the --json keys are a contract (scripts depend on them):
``{"lines", "contacts", "agent_states", "surveys", "rejected", "duplicates", "incomplete",
"unknown_events", "rejections_file"}`` plus, added later, "skipped", "import_id", "dry_run".
"""

from __future__ import annotations

from pathlib import Path

import typer

from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli_support import fail, friendly_errors, print_json, settings, step_progress
from floorwalker.contacts import imports
from floorwalker.db import operational_session

app = typer.Typer(help="Import contacts, agent states and surveys from real systems.", no_args_is_help=True)

SiteOption = typer.Option(None, "--site", help="Site code or name (default: the only site).")
TzOption = typer.Option(
    None,
    "--tz",
    help="IANA zone the source writes offset-less times in (default: the site's). Stored local "
    "times stay in the site's zone.",
)
DryRunOption = typer.Option(False, "--dry-run", help="Validate and report; write nothing.")
JsonOption = typer.Option(False, "--json", help="Print one JSON object (the stable contract).")


def _check_paths(paths: list[Path]) -> list[tuple[Path, str]]:
    checked = []
    for path in paths:
        if not path.is_file():
            fail(f"{path}: no such file")
        checked.append((path, str(path)))
    return checked


def _report(summary: imports.ImportSummary, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_json())
        return
    verb = "checked (dry run, nothing written)" if summary.dry_run else f"import {summary.import_id} loaded"
    typer.echo(
        f"{verb}: {summary.lines:,} lines → {summary.contacts:,} contacts, {summary.agent_states:,} agent "
        f"states, {summary.surveys:,} surveys; {summary.duplicates:,} duplicates, "
        f"{summary.incomplete:,} incomplete, {summary.rejected:,} rejected"
    )
    for reason, count in sorted(summary.skipped.items()):
        typer.echo(f"  skipped {count:,}: {reason}")
    if summary.unknown_events:
        listed = ", ".join(f"{e} ×{n}" for e, n in sorted(summary.unknown_events.items()))
        typer.echo(f"  unknown events (kept in the raw log, not turned into contacts): {listed}")
    if summary.rejections:
        for r in summary.rejections[:5]:
            typer.echo(f"  {r.file}:{r.line}: {r.field or '-'}: {r.reason}")
        if summary.rejected > 5:
            typer.echo(f"  … {summary.rejected - 5:,} more")
        typer.echo(f"  rejection report: {summary.rejections_file}")


def _run(
    *,
    kind: str,
    paths: list[Path],
    site: str | None,
    tz: str | None,
    dry_run: bool,
    as_json: bool,
    wrapup_s: float | None = None,
    mapping: str | None = None,
) -> None:
    s = settings()
    checked = _check_paths(paths)
    with operational_session(s.resolved_database_url) as session:
        context = imports.site_context(session, site, tz, wrapup_s)
    source, load = imports.loader_for(kind, checked, context, work_dir=s.data / "work", mapping=mapping)
    with step_progress(enabled=not as_json) as progress:
        summary = imports.run_import(
            s,
            SYSTEM,
            kind=kind,
            source=source,
            site=context,
            files=[display for _, display in checked],
            dry_run=dry_run,
            load=load,
            progress=progress,
        )
    _report(summary, as_json)


@app.command("queue-log")
@friendly_errors
def queue_log(
    paths: list[Path] = typer.Argument(..., help="queue_log files (log form or table CSV export)."),
    site: str | None = SiteOption,
    tz: str | None = TzOption,
    wrapup_s: float | None = typer.Option(
        None, "--wrapup-s", help="Wrap-up seconds for every queue (default: each queue's setting)."
    ),
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Asterisk queue_log: calls become legs, sessions and pauses become agent states."""
    _run(kind="queue-log", paths=paths, site=site, tz=tz, wrapup_s=wrapup_s, dry_run=dry_run, as_json=as_json)


@app.command("contacts")
@friendly_errors
def contacts(
    path: Path = typer.Argument(..., help="CSV or XLSX export of contacts."),
    mapping: str = typer.Option(
        ..., "--mapping", help="A mapping TOML file, or a shipped one: anonymous-bank, vicidial-closer-log."
    ),
    site: str | None = SiteOption,
    tz: str | None = TzOption,
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Any CSV/XLSX contact export, read through a mapping file."""
    _run(kind="contacts", paths=[path], site=site, tz=tz, dry_run=dry_run, as_json=as_json, mapping=mapping)


@app.command("connect")
@friendly_errors
def connect(
    paths: list[Path] = typer.Argument(
        ..., help="Contact trace records: JSON lines, arrays or Firehose files."
    ),
    site: str | None = SiteOption,
    tz: str | None = TzOption,
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Amazon Connect contact trace records (deduplicated on ContactId, newest wins)."""
    _run(kind="connect", paths=paths, site=site, tz=tz, dry_run=dry_run, as_json=as_json)


@app.command("surveys")
@friendly_errors
def surveys(
    path: Path = typer.Argument(..., help="CSV of survey responses (see docs/import.md)."),
    site: str | None = SiteOption,
    tz: str | None = TzOption,
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Survey responses (CSAT, NPS, CES), linked to their contacts."""
    _run(kind="surveys", paths=[path], site=site, tz=tz, dry_run=dry_run, as_json=as_json)
