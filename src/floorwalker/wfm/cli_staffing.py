"""`floorwalker staffing erlang-b|erlang-c|erlang-a`: agents for one interval, for scripts.

Numbers are read as text and checked here so that every bad value gives one line naming
the flag and exit code 2 (the code of a usage error), never a traceback.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json
from floorwalker.errors import InvalidInput

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    help="Staffing: agents (or lines) an interval needs, by Erlang B, C or A.", no_args_is_help=True
)


def _usage_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as exc:
            fail(exc.message, 2)
        return None

    return wrapper  # type: ignore[return-value]


def _number(flag: str, raw: str | None, *, required: bool = True, positive: bool = False) -> float | None:
    if raw is None:
        if required:
            raise InvalidInput(f"{flag} is required")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{flag}: '{raw}' is not a number") from None
    if not math.isfinite(value):
        raise InvalidInput(f"{flag}: '{raw}' is not a finite number")
    if value < 0:
        raise InvalidInput(f"{flag} must not be negative (got {raw})")
    if positive and value == 0:
        raise InvalidInput(f"{flag} must be greater than 0")
    return value


def _fraction(
    flag: str, raw: str | None, *, allow_zero: bool = False, allow_one: bool = False
) -> float | None:
    value = _number(flag, raw, required=False)
    if value is None:
        return None
    if (value == 0 and not allow_zero) or value > 1 or (value == 1 and not allow_one):
        raise InvalidInput(f"{flag} must be a fraction between 0 and 1, e.g. 0.8 for 80% (got {raw})")
    return value


def _whole(flag: str, raw: str | None) -> int | None:
    value = _number(flag, raw, required=False)
    if value is None:
        return None
    if value != int(value):
        raise InvalidInput(f"{flag} must be a whole number (got {raw})")
    return int(value)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _no_asa(model: str) -> str:
    if model == "c":
        return "unbounded: agents ≤ traffic, the queue grows without end"
    return "none: no contact is answered without agents"


def _print_readable(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        typer.echo(f"{label.ljust(width)}  {value}")


@app.command("erlang-b")
@friendly_errors
@_usage_errors
def erlang_b_command(
    traffic: str | None = typer.Option(None, "--traffic", metavar="E", help="Offered traffic in Erlangs."),
    max_blocking: str | None = typer.Option(
        None, "--max-blocking", metavar="F", help="Blocking target (fraction): solve for lines."
    ),
    lines: str | None = typer.Option(None, "--lines", metavar="N", help="Lines: evaluate their blocking."),
    as_json: bool = typer.Option(False, "--json", help='Print {"lines", "blocking"}.'),
) -> None:
    """Erlang B (lost calls cleared): blocking for given lines, or lines for a blocking target."""
    from floorwalker.wfm.erlang import erlang_b, erlang_b_lines

    a = _number("--traffic", traffic)
    if (max_blocking is None) == (lines is None):
        raise InvalidInput("give exactly one of --max-blocking or --lines")
    if lines is not None:
        n = _whole("--lines", lines)
        assert n is not None
        result = {"lines": n, "blocking": float(erlang_b(n, a))}
    else:
        target = _fraction("--max-blocking", max_blocking)
        found, blocking = erlang_b_lines(a, target)
        result = {"lines": int(found), "blocking": float(blocking)}
    if as_json:
        print_json(result)
        return
    _print_readable(
        [
            ("traffic", f"{a:g} Erlangs"),
            ("lines", str(result["lines"])),
            ("blocking", _percent(result["blocking"])),
        ]
    )


def _queue_command(
    *,
    model: str,
    contacts: str | None,
    interval_s: str | None,
    aht_s: str | None,
    target_sl: str | None,
    target_answer_s: str | None,
    max_occupancy: str | None,
    shrinkage: str | None,
    agents: str | None,
    patience_s: str | None = None,
    max_abandon: str | None = None,
    sl_convention: str = "answered_within_over_offered",
    target_asa_s: str | None = None,
    as_json: bool,
) -> None:
    from floorwalker.wfm.erlang import erlang_c, traffic_erlangs
    from floorwalker.wfm.erlang_a import SL_CONVENTIONS, erlang_a
    from floorwalker.wfm.staffing import (
        erlang_a_required_agents,
        erlang_c_required_agents,
        scheduled_agents,
    )

    n_contacts = _number("--contacts", contacts)
    interval = _number("--interval-s", interval_s, positive=True)
    aht = _number("--aht-s", aht_s, positive=True)
    answer = _number("--target-answer-s", target_answer_s)
    sl = _fraction("--target-sl", target_sl)
    occupancy_cap = _fraction("--max-occupancy", max_occupancy, allow_one=True)
    shrink = _fraction("--shrinkage", shrinkage, allow_zero=True) or 0.0
    if shrink >= 1:
        raise InvalidInput("--shrinkage must be below 1, e.g. 0.3 for 30%")
    fixed = _whole("--agents", agents)
    asa_target = _number("--target-asa-s", target_asa_s, required=False, positive=True)
    patience = _number("--patience-s", patience_s, positive=True) if model == "a" else None
    abandon_cap = _fraction("--max-abandon", max_abandon) if model == "a" else None
    if model == "a" and sl_convention not in SL_CONVENTIONS:
        raise InvalidInput(f"--sl-convention must be one of {', '.join(SL_CONVENTIONS)}")
    if fixed is None and sl is None and asa_target is None and abandon_cap is None:
        other = "--target-asa-s" if model == "c" else "--max-abandon"
        raise InvalidInput(f"--target-sl (or {other}) is required unless --agents is given")
    traffic = float(traffic_erlangs(n_contacts, interval, aht))

    if fixed is None:
        if model == "c":
            fixed = int(
                erlang_c_required_agents(
                    traffic, aht, answer, target_sl=sl, target_asa_s=asa_target, max_occupancy=occupancy_cap
                )
            )
        else:
            fixed = int(
                erlang_a_required_agents(
                    traffic,
                    aht,
                    patience,
                    answer,
                    target_sl=sl,
                    max_abandon=abandon_cap,
                    max_occupancy=occupancy_cap,
                    sl_convention=sl_convention,
                )
            )
    if model == "c":
        m = erlang_c(fixed, traffic, aht, answer)
    else:
        m = erlang_a(fixed, traffic, aht, patience, answer, sl_convention)
    result: dict[str, Any] = {
        "traffic_erlangs": traffic,
        "agents": fixed,
        "scheduled_agents": int(scheduled_agents(fixed, shrink)),
        "service_level": float(m.service_level),
        "asa_s": _finite(float(m.asa_s)),
        "occupancy": float(m.occupancy),
        "waiting_probability": float(m.waiting_probability),
    }
    if model == "a":
        result["abandon_probability"] = float(m.abandon_probability)
    if as_json:
        print_json(result)
        return
    asa = result["asa_s"]
    rows = [
        ("traffic", f"{traffic:.2f} Erlangs"),
        ("agents on contacts", str(fixed)),
        ("scheduled agents", f"{result['scheduled_agents']} (shrinkage {shrink:.0%})"),
        ("service level", f"{_percent(result['service_level'])} answered within {answer:g} s"),
        ("ASA", _no_asa(model) if asa is None else f"{asa:.1f} s"),
        ("occupancy", _percent(result["occupancy"])),
        ("P(wait)", _percent(result["waiting_probability"])),
    ]
    if model == "a":
        rows.append(("P(abandon)", _percent(result["abandon_probability"])))
    _print_readable(rows)


# Options the erlang-c and erlang-a commands share (the same flags, the same help).
ContactsOption = typer.Option(None, "--contacts", metavar="N", help="Contacts offered in the interval.")
IntervalOption = typer.Option(None, "--interval-s", metavar="S", help="Interval length, seconds.")
AhtOption = typer.Option(None, "--aht-s", metavar="A", help="Average handle time, seconds.")
TargetSlOption = typer.Option(None, "--target-sl", metavar="F", help="Service-level goal, e.g. 0.8.")
TargetAnswerOption = typer.Option(
    None, "--target-answer-s", metavar="T", help="Service-level threshold, seconds (e.g. 20)."
)
MaxOccupancyOption = typer.Option(None, "--max-occupancy", metavar="F", help="Occupancy cap.")
ShrinkageOption = typer.Option(None, "--shrinkage", metavar="F", help="Total shrinkage, e.g. 0.3.")
AgentsOption = typer.Option(None, "--agents", metavar="K", help="Evaluate this staffing instead.")


@app.command("erlang-c")
@friendly_errors
@_usage_errors
def erlang_c_command(
    contacts: str | None = ContactsOption,
    interval_s: str | None = IntervalOption,
    aht_s: str | None = AhtOption,
    target_sl: str | None = TargetSlOption,
    target_answer_s: str | None = TargetAnswerOption,
    max_occupancy: str | None = MaxOccupancyOption,
    shrinkage: str | None = ShrinkageOption,
    agents: str | None = AgentsOption,
    target_asa_s: str | None = typer.Option(
        None, "--target-asa-s", metavar="S", help="ASA goal, seconds (an extra target)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Erlang C (callers wait, never abandon): agents for a service level, or the results of K agents."""
    _queue_command(
        model="c",
        contacts=contacts,
        interval_s=interval_s,
        aht_s=aht_s,
        target_sl=target_sl,
        target_answer_s=target_answer_s,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        agents=agents,
        target_asa_s=target_asa_s,
        as_json=as_json,
    )


@app.command("erlang-a")
@friendly_errors
@_usage_errors
def erlang_a_command(
    contacts: str | None = ContactsOption,
    interval_s: str | None = IntervalOption,
    aht_s: str | None = AhtOption,
    patience_s: str | None = typer.Option(
        None,
        "--patience-s",
        metavar="P",
        help="Mean patience (time callers wait before abandoning), seconds.",
    ),
    target_sl: str | None = TargetSlOption,
    target_answer_s: str | None = TargetAnswerOption,
    max_abandon: str | None = typer.Option(
        None, "--max-abandon", metavar="F", help="Abandonment cap, e.g. 0.05."
    ),
    max_occupancy: str | None = MaxOccupancyOption,
    shrinkage: str | None = ShrinkageOption,
    agents: str | None = AgentsOption,
    sl_convention: str = typer.Option(
        "answered_within_over_offered",
        "--sl-convention",
        help="answered_within_over_offered (default: abandoners before T count as failures) or "
        "answered_within_over_offered_less_abandoned_within (they are left out).",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Erlang A (callers abandon after an exponential patience): agents or results of K agents."""
    _queue_command(
        model="a",
        contacts=contacts,
        interval_s=interval_s,
        aht_s=aht_s,
        target_sl=target_sl,
        target_answer_s=target_answer_s,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        agents=agents,
        patience_s=patience_s,
        max_abandon=max_abandon,
        sl_convention=sl_convention,
        as_json=as_json,
    )


@app.command("requirements")
@friendly_errors
def requirements_command(
    week: str = typer.Option(
        ..., "--week", metavar="YYYY-MM-DD", help="Any day of the week (Monday–Sunday)."
    ),
    site: str | None = typer.Option(None, "--site", help="Only the queues of this site (code)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Agents on contacts and agents to schedule per queue and interval for a week, from the
    newest saved forecast of each queue (a forecast is built and saved first where none covers
    the week). Centre totals are the per-queue sum (see docs/workforce.md, multi-skill)."""
    from datetime import date, timedelta

    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import print_table, settings
    from floorwalker.db import get_engine, operational_session
    from floorwalker.wfm import service
    from floorwalker.wfm.requirements import totals

    try:
        day = date.fromisoformat(week)
    except ValueError:
        fail(f"--week: '{week}' is not a date (YYYY-MM-DD)", 2)
    monday = day - timedelta(days=day.weekday())
    s = settings()
    try:
        with (
            operational_session(s.resolved_database_url) as session,
            get_engine(s.resolved_warehouse_url).connect() as warehouse,
        ):
            result = service.week_requirements(session, warehouse, SYSTEM, site, monday)
    except InvalidInput as exc:
        fail(exc.message, 2)
    per_queue: dict[str, list[dict[str, Any]]] = {q["queue"]: [] for q in result.queues}
    for r in result.requirements:
        row = service.requirement_dict(r)
        per_queue[row.pop("queue")].append(row)
    payload = {
        "week": monday.isoformat(),
        "site": site,
        "queues": [{**q, "intervals": per_queue[q["queue"]]} for q in result.queues],
        "totals": [
            {
                "interval_start_utc": service.requirement_dict_start(t.interval_start),
                "agents": t.agents,
                "scheduled_agents": t.scheduled_agents,
            }
            for t in totals(result.requirements)
        ],
        "skipped": result.skipped,
        "notes": result.notes,
    }
    if as_json:
        print_json(payload)
        return
    print_table(
        [{"queue": q, **{k: v for k, v in row.items() if k != "interval_start_utc"}}
         for q, rows in per_queue.items() for row in rows],
        as_json=False, as_csv=False,
    )  # fmt: skip
    for skip in result.skipped:
        typer.echo(f"skipped {skip['queue']}: {skip['reason']}")
    for note in result.notes:
        typer.echo(f"note {note['queue']}: {note['reason']}")


@app.command("settings")
@friendly_errors
def settings_command(
    queue: str = typer.Option(..., "--queue", help="Queue (code)."),
    model: str | None = typer.Option(None, "--model", help="Voice: erlang_c or erlang_a."),
    target_sl: float | None = typer.Option(None, "--target-sl", help="Service-level goal, e.g. 0.8."),
    target_asa_s: float | None = typer.Option(None, "--target-asa-s", help="ASA goal, seconds."),
    max_occupancy: float | None = typer.Option(None, "--max-occupancy", help="Occupancy cap, e.g. 0.85."),
    patience_s: float | None = typer.Option(None, "--patience-s", help="Erlang A: mean patience, seconds."),
    max_abandon: float | None = typer.Option(None, "--max-abandon", help="Erlang A: abandonment cap."),
    response_goal_s: float | None = typer.Option(
        None, "--response-goal-s", help="Email / back office: goal in open-time seconds."
    ),
    planned_shrinkage: float | None = typer.Option(None, "--planned-shrinkage", help="e.g. 0.2"),
    unplanned_shrinkage: float | None = typer.Option(None, "--unplanned-shrinkage", help="e.g. 0.1"),
    default_aht_s: float | None = typer.Option(
        None, "--default-aht-s", help="AHT where the forecast has none."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a queue's planning settings for requirements, changing the ones given."""
    from dataclasses import asdict

    from sqlalchemy import select

    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import settings
    from floorwalker.db import operational_session
    from floorwalker.errors import NotFound
    from floorwalker.org.models import Queue
    from floorwalker.wfm import service

    given = {
        "model": model, "target_sl": target_sl, "target_asa_s": target_asa_s, "max_occupancy": max_occupancy,
        "patience_s": patience_s, "max_abandon": max_abandon, "response_goal_s": response_goal_s,
        "planned_shrinkage": planned_shrinkage, "unplanned_shrinkage": unplanned_shrinkage,
        "default_aht_s": default_aht_s,
    }  # fmt: skip
    changes = {k: v for k, v in given.items() if v is not None}
    try:
        with operational_session(settings().resolved_database_url) as session:
            if changes:
                plan = service.set_queue_plan(session, SYSTEM, queue, **changes)
            else:
                q = session.scalars(select(Queue).where(Queue.code == queue)).one_or_none()
                if q is None:
                    raise NotFound(f"--queue: no queue with code '{queue}'", field="queue")
                plan = service.queue_plan(session, q)
    except InvalidInput as exc:
        fail(exc.message, 2)
    if as_json:
        print_json(asdict(plan))
    else:
        for key, value in asdict(plan).items():
            typer.echo(f"{key}: {value}")
