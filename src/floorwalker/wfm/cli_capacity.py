"""`floorwalker capacity plan`: required vs available FTE week by week for 6–18 months,
the hire classes that close the gap, and the labour cost of the plan.

    floorwalker capacity plan --months 12 [--site S] [--growth F] [--attrition F] --json
"""

from __future__ import annotations

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json, print_table, settings

app = typer.Typer(
    help="Capacity and hiring plan: FTE needed vs available, hires and cost.", no_args_is_help=True
)


@app.command("plan")
@friendly_errors
def plan_command(
    months: int = typer.Option(12, "--months", help="Months ahead (6 to 18)."),
    site: str | None = typer.Option(None, "--site", help="Only this site's queues and agents (code)."),
    growth: float = typer.Option(0.0, "--growth", help="What-if: extra yearly volume growth (0.1 = +10%)."),
    attrition: float | None = typer.Option(
        None, "--attrition", help="What-if: annual attrition (0.3 = 30%); default: measured from leavers."
    ),
    shrinkage: float | None = typer.Option(
        None, "--shrinkage", help="Total shrinkage; default: the queues' planning settings."
    ),
    occupancy: float = typer.Option(0.85, "--occupancy", help="Occupancy target (fraction)."),
    fte_hours: float = typer.Option(40.0, "--fte-hours", help="Paid hours of one FTE a week."),
    hire_hours: float | None = typer.Option(None, "--hire-hours", help="Weekly contract hours of new hires."),
    training_weeks: int = typer.Option(4, "--training-weeks", help="Classroom weeks (no output)."),
    nesting_weeks: int = typer.Option(2, "--nesting-weeks", help="Nesting weeks (output ramps up)."),
    nesting_productivity: float = typer.Option(
        0.5, "--nesting-productivity", help="Output in week 1 of nesting."
    ),
    cost_per_hour: float | None = typer.Option(
        None, "--cost-per-hour", help="Loaded labour cost per paid hour."
    ),
    by: str = typer.Option("week", "--by", help="Table rows: week or month (JSON has both)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Required FTE from the forecast volume, AHT, occupancy and shrinkage against today's
    agents less expected attrition plus recommended hire classes."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.db import get_engine, operational_session
    from floorwalker.errors import InvalidInput
    from floorwalker.wfm import capacity as cap
    from floorwalker.wfm import capacity_service

    if by not in ("week", "month"):
        fail(f"--by: week or month, not '{by}'", 2)
    inputs = cap.PlanInputs(
        current_fte=0.0, attrition=0.0, fte_hours=fte_hours, occupancy=occupancy,
        training_weeks=training_weeks, nesting_weeks=nesting_weeks,
        nesting_productivity=nesting_productivity, hire_hours=hire_hours or fte_hours,
        cost_per_hour=cost_per_hour,
    )  # fmt: skip
    try:
        inputs.check()
        if shrinkage is not None and not 0 <= shrinkage < 1:
            raise ValueError("--shrinkage: 0 or more and below 1")
    except ValueError as exc:
        fail(str(exc), 2)
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            result = capacity_service.plan(
                session, warehouse, SYSTEM, months=months, site=site, growth=growth,
                attrition=attrition, shrinkage=shrinkage, inputs=inputs,
            )  # fmt: skip
    except InvalidInput as exc:
        fail(exc.message, 2)
    if as_json:
        print_json(result)
        return
    print_table(result["weeks"] if by == "week" else result["months_view"], as_json=False, as_csv=False)
    for c in result["classes"]:
        late = " (late: short until then)" if c["late"] else ""
        typer.echo(
            f"hire {c['hires']} starting {c['start_week']}, productive from {c['productive_from']}{late}"
        )
    if result["total_cost"] is not None:
        typer.echo(f"labour cost of the plan: {result['total_cost']:,.2f}")
