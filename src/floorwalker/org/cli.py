"""`floorwalker org …`: list the organisation for scripts (--json / --csv)."""

from __future__ import annotations

import typer

from floorwalker.auth.permissions import SYSTEM
from floorwalker.cli_support import friendly_errors, print_table, settings
from floorwalker.db import operational_session
from floorwalker.org import schemas, service

app = typer.Typer(help="Sites, teams, employees, skills and queues.", no_args_is_help=True)

_KINDS = {
    "sites": (service.list_sites, schemas.SiteRead),
    "teams": (service.list_teams, schemas.TeamRead),
    "skills": (service.list_skills, schemas.SkillRead),
    "queues": (service.list_queues, schemas.QueueRead),
}


@app.command("list")
@friendly_errors
def list_(
    kind: str = typer.Argument(..., help="sites, teams, skills, queues or employees"),
    include_inactive: bool = typer.Option(False, help="Include deactivated records and leavers."),
    as_json: bool = typer.Option(False, "--json"),
    as_csv: bool = typer.Option(False, "--csv"),
) -> None:
    """List one kind of organisation record."""
    with operational_session(settings().resolved_database_url) as session:
        if kind == "employees":
            found = service.list_employees(session, SYSTEM, status=None if include_inactive else "active")
            rows = [schemas.EmployeeRead.model_validate(e).model_dump() for e in found]
        elif kind in _KINDS:
            list_fn, read = _KINDS[kind]
            rows = [read.model_validate(o).model_dump() for o in list_fn(session, SYSTEM, include_inactive)]
        else:
            raise typer.BadParameter(f"unknown kind '{kind}'; use sites, teams, skills, queues or employees")
    if not as_json:
        for row in rows:
            if isinstance(row.get("business_hours"), dict):
                from floorwalker.org.hours import format_hours

                row["business_hours"] = format_hours(row["business_hours"])
    print_table(rows, as_json=as_json, as_csv=as_csv)
