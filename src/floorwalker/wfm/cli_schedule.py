"""`floorwalker schedule …`: weekly schedule generation.

`schedule solve` reads an instance file (docs/scheduling.md gives the format) and prints
the schedule with the summary keys of the `schedule generate` contract (issue 6).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json
from floorwalker.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from floorwalker.wfm.scheduling.rules import Instance
    from floorwalker.wfm.scheduling.solve import SolveResult

app = typer.Typer(help="Weekly schedules that keep every work rule.", no_args_is_help=True)


def _clock(minute: int) -> str:
    day, m = divmod(minute, 1440)
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[day % 7]} {m // 60:02d}:{m % 60:02d}"


def summary(instance: Instance, result: SolveResult, violations: int) -> dict[str, Any]:
    """The contract keys plus the schedule (shifts with activities, coverage per interval)."""
    g = instance.interval
    return {
        "agents": len({s.agent for s in result.shifts}),
        "shifts": len(result.shifts),
        "under_coverage_agent_hours": round(result.under_agent_hours, 2),
        "over_coverage_agent_hours": round(result.over_agent_hours, 2),
        "objective": round(result.objective, 4),
        "bound": round(result.bound, 4),
        "gap": round(result.gap, 4),
        "rule_violations": violations,
        "projected_service_level": None
        if result.projected_service_level is None
        else round(result.projected_service_level, 4),
        "schedule": {
            "status": result.status,
            "seconds": round(result.seconds, 2),
            "shifts": [
                {
                    "agent": s.agent,
                    "template": s.template,
                    "day": s.day,
                    "start_minute": s.start,
                    "end_minute": s.end,
                    "start": _clock(s.start),
                    "end": _clock(s.end),
                    "activities": [
                        {
                            "activity": a.kind,
                            "name": a.name,
                            "start_minute": a.start,
                            "end_minute": a.end,
                            "paid": a.paid,
                        }
                        for a in s.activities
                    ],
                }
                for s in result.shifts
            ],
            "intervals": [
                {
                    "interval": t,
                    "start_minute": t * g,
                    "required": instance.requirement[t],
                    "scheduled": result.coverage[t],
                    "service_level": None if sl is None else round(sl, 4),
                }
                for t, sl in enumerate(result.service_level)
            ],
        },
    }


@app.command("solve")
@friendly_errors
def solve_command(
    instance_file: Path = typer.Option(..., "--instance", help="Instance JSON file (docs/scheduling.md)."),
    time_limit_s: float = typer.Option(60.0, "--time-limit-s", min=1.0, help="Solver time limit, seconds."),
    seed: int | None = typer.Option(
        None, "--seed", help="Random seed: a repeatable search (same file and seed, same schedule)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Schedule the week of an instance file (every hard rule holds): objective, bound, gap, shifts."""
    from floorwalker.wfm.scheduling.check import check_schedule
    from floorwalker.wfm.scheduling.instance import load_instance
    from floorwalker.wfm.scheduling.solve import solve

    try:
        instance = load_instance(instance_file)
    except InvalidInput as exc:
        fail(exc.message, 2)
        return
    result = solve(instance, time_limit=time_limit_s, seed=seed)
    out = summary(instance, result, len(check_schedule(instance, result.shifts)))
    if as_json:
        print_json(out)
        return
    sl = out["projected_service_level"]
    typer.echo(
        f"{out['shifts']} shifts for {out['agents']} agents ({result.status}); "
        f"under-coverage {out['under_coverage_agent_hours']} agent-h, "
        f"over-coverage {out['over_coverage_agent_hours']} agent-h; objective {out['objective']} "
        f"(bound {out['bound']}, gap {out['gap']:.1%}); rule violations {out['rule_violations']}"
        + ("" if sl is None else f"; projected service level {sl:.1%}")
    )


def _monday(week: str) -> Any:
    from datetime import date

    try:
        day = date.fromisoformat(week)
    except ValueError:
        fail(f"--week: '{week}' is not a date (YYYY-MM-DD)", 2)
        raise
    if day.weekday() != 0:
        fail(f"--week: {day} is not a Monday (a schedule week starts on a Monday)", 2)
    return day


@app.command("generate")
@friendly_errors
def generate_command(
    week: str = typer.Option(..., "--week", metavar="YYYY-MM-DD", help="The Monday the week starts on."),
    site: str | None = typer.Option(None, "--site", help="Site code (needed when there are several)."),
    time_limit_s: float = typer.Option(60.0, "--time-limit-s", min=1.0, help="Solver time limit, seconds."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the repeatable search."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Schedule a site's active agents for a week against its requirements (forecasts are
    built from history first where missing) and save it as the week's draft."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import settings
    from floorwalker.db import get_engine, operational_session
    from floorwalker.wfm import schedule_service

    monday = _monday(week)
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            out = schedule_service.generate_week(session, warehouse, SYSTEM, site, monday, time_limit_s, seed)
    except (InvalidInput, NotFound) as exc:  # a bad --week, --site or --team
        fail(exc.message, 2)
        return
    if as_json:
        print_json(out)
        return
    sl = out["projected_service_level"]
    typer.echo(
        f"draft for the week of {monday}: {out['shifts']} shifts for {out['agents']} agents; "
        f"under-coverage {out['under_coverage_agent_hours']} agent-h, over-coverage "
        f"{out['over_coverage_agent_hours']} agent-h; objective {out['objective']} (bound {out['bound']}, "
        f"gap {out['gap']:.1%}); rule violations {out['rule_violations']}"
        + ("" if sl is None else f"; projected service level {sl:.1%}")
        + " — publish it with `floorwalker schedule publish`"
    )
    idle = [a["agent"] for a in out.get("unscheduled_agents", [])]
    if idle:
        typer.echo(f"not scheduled (no skill on any queue of the site): {', '.join(idle)}")
    for note in out.get("notes", []):
        typer.echo(f"note: {note.get('agent') or note.get('queues')}: {note['reason']}")


@app.command("publish")
@friendly_errors
def publish_command(
    week: str = typer.Option(..., "--week", metavar="YYYY-MM-DD", help="The Monday the week starts on."),
    site: str | None = typer.Option(None, "--site", help="Site code (needed when there are several)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Publish the week's draft schedule (the one published before is kept as superseded)."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import settings
    from floorwalker.db import operational_session
    from floorwalker.wfm import schedule_service

    monday = _monday(week)
    try:
        with operational_session(settings().resolved_database_url) as session:
            out = schedule_service.publish_week(session, SYSTEM, site, monday)
    except (InvalidInput, NotFound) as exc:  # a bad --week, --site or --team
        fail(exc.message, 2)
        return
    if as_json:
        print_json(out)
        return
    typer.echo(f"published the schedule of {out['site']} for the week of {out['week']}")


@app.command("adherence")
@friendly_errors
def adherence_command(
    day: str = typer.Option(..., "--date", metavar="YYYY-MM-DD", help="Site-local day."),
    team: str | None = typer.Option(None, "--team", help="Only this team (name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the agents as JSON."),
) -> None:
    """Adherence and conformance per agent for a day of the published schedule, with the
    exceptions (late log-in, early log-off, long break, absent)."""
    from datetime import date

    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import print_table, settings
    from floorwalker.db import get_engine, operational_session
    from floorwalker.wfm import adherence_service

    try:
        when = date.fromisoformat(day)
    except ValueError:
        fail(f"--date: '{day}' is not a date (YYYY-MM-DD)", 2)
        return
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            rows = adherence_service.day_adherence(session, warehouse, SYSTEM, when, team)
    except (InvalidInput, NotFound) as exc:  # a bad --week, --site or --team
        fail(exc.message, 2)
        return
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(f"no published shifts on {when}")
        return
    print_table(
        [
            {
                **{k: r[k] for k in ("agent", "scheduled_min", "adherent_min", "adherence", "conformance")},
                "exceptions": ", ".join(f"{e['kind']} {e['minutes']} min" for e in r["exceptions"]),
            }
            for r in rows
        ],
        as_json=False,
        as_csv=False,
    )
