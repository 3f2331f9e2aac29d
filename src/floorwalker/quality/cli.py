"""`floorwalker qa …`: score an evaluation from files; calibration statistics.

Contracts (scripts depend on them): ``qa score --scorecard FILE --answers FILE --json``
prints ``{"score", "failed", "sections", "grade"}``; ``qa calibration SESSION --json``
prints the calibration report (docs/quality.md). A bad file is one line naming the file
and the field, exit code 2.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json
from floorwalker.errors import InvalidInput
from floorwalker.quality.calibration import CalibrationReport, calibrate
from floorwalker.quality.files import read_answers, read_calibration, read_scorecard
from floorwalker.quality.sampling import FLAGS, SamplingPlan
from floorwalker.quality.scoring import score_evaluation

app = typer.Typer(
    help="Quality: score evaluations, calibrate evaluators, sample contacts.", no_args_is_help=True
)

F = TypeVar("F", bound=Callable[..., Any])


def bad_input_exits_2(func: F) -> F:
    """Bad input (a file, a field) is the caller's error: one line, exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as exc:
            fail(exc.message, 2)
        return None

    return wrapper  # type: ignore[return-value]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


@app.command()
@friendly_errors
@bad_input_exits_2
def score(
    scorecard: Path = typer.Option(..., "--scorecard", help="Scorecard file (.toml, else JSON)."),
    answers: Path = typer.Option(..., "--answers", help='Answers file (JSON): criterion id → value or "na".'),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the stable contract)."),
) -> None:
    """Score one evaluation from a scorecard file and an answers file."""
    card = read_scorecard(scorecard)
    result = score_evaluation(card, read_answers(answers, card))
    if as_json:
        print_json(result.as_contract())
        return
    verdict = "FAILED (critical: " + ", ".join(result.critical_failures) + ")" if result.failed else "passed"
    typer.echo(f"{card.name}: {_percent(result.score)} {result.grade or ''} {verdict}".replace("  ", " "))
    for section in card.sections:
        note = " (bonus)" if section.bonus else ""
        if section.id in result.failed_sections:
            note += " failed by a critical criterion"
        typer.echo(f"  {section.id:<20} {_percent(result.sections[section.id]):>8}{note}")


def _print_report(name: str, report: CalibrationReport) -> None:
    typer.echo(
        f"{name}: {len(report.evaluators)} evaluators, {len(report.contacts)} contacts; "
        f"agreement {_percent(report.overall_agreement)} (target {_percent(report.target)}: "
        f"{'reached' if report.target_reached else 'not reached'}); "
        f"alpha {report.alpha_nominal if report.alpha_nominal is None else round(report.alpha_nominal, 3)}"
    )
    for c in report.criteria:
        alpha = "—" if c.alpha is None else f"{c.alpha:.3f}"
        icc = "" if c.icc is None else f"  ICC(2,1) {c.icc:.3f}"
        typer.echo(
            f"  {c.criterion:<20} agreement {_percent(c.agreement):>8}  α {c.alpha_metric} {alpha}{icc}"
        )
    typer.echo(f"deviation from the reference ({report.reference}), positive = more lenient:")
    for d in report.deviations:
        mean = "—" if d.mean_deviation is None else f"{d.mean_deviation * 100:+.2f} points"
        typer.echo(f"  {d.evaluator:<20} {mean}")


@app.command()
@friendly_errors
@bad_input_exits_2
def calibration(
    session: str | None = typer.Argument(None, help="Calibration session id in the database."),
    file: Path | None = typer.Option(None, "--file", help="Read the session from a JSON file instead."),
    target: float | None = typer.Option(None, "--target", help="Agreement target (fraction, e.g. 0.85)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Agreement statistics of a calibration session."""
    if target is not None and not 0 < target <= 1:
        raise InvalidInput(f"--target: {target:g} is not a fraction above 0 and at most 1 (85% is 0.85)")
    if file is not None:
        loaded = read_calibration(file)
        try:
            report = calibrate(
                loaded.scorecard,
                loaded.ratings,
                target=target or loaded.target,
                expert=loaded.expert,
                consensus=loaded.consensus,
            )
        except ValueError as exc:
            raise InvalidInput(f"{file}: {exc}") from None
        name = loaded.name
    elif session is not None:
        from floorwalker.auth.permissions import SYSTEM
        from floorwalker.cli_support import settings
        from floorwalker.db import operational_session
        from floorwalker.quality import calibration_service

        if not session.isdigit():
            raise InvalidInput(f"SESSION: '{session}' is not a calibration session id (a number)")
        with operational_session(settings().resolved_database_url) as db:
            name, report = calibration_service.calibration_report(db, SYSTEM, int(session), target=target)
    else:
        raise InvalidInput("give a calibration SESSION id, or --file with a session file")
    if as_json:
        print_json({"session": name, **report.as_dict()})
        return
    _print_report(name, report)


@app.command()
@friendly_errors
@bad_input_exits_2
def sample(
    week: datetime = typer.Option(
        ..., "--week", formats=["%Y-%m-%d"], help="Monday of the first local week."
    ),
    weeks: int = typer.Option(1, "--weeks", help="How many weeks from --week."),
    per_agent: int = typer.Option(2, "--per-agent", help="Contacts per agent per week (N)."),
    strategy: str = typer.Option("targeted", "--strategy", help="random or targeted."),
    flags: str = typer.Option(",".join(FLAGS), "--flags", help="Targeted flags, comma-separated."),
    long_handle_quantile: float = typer.Option(0.9, "--long-handle-quantile"),
    repeat_days: float = typer.Option(7.0, "--repeat-days", help="Repeat-contact window, days."),
    no_fill: bool = typer.Option(False, "--no-fill", help="Targeted: do not fill up N at random."),
    seed: int = typer.Option(0, "--seed", help="The same seed and data give the same sample."),
    as_json: bool = typer.Option(False, "--json"),
    as_csv: bool = typer.Option(False, "--csv"),
) -> None:
    """Pick contacts to evaluate: N per agent per week, random or targeted."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import print_table, settings
    from floorwalker.db import get_engine, operational_session
    from floorwalker.quality import sampling_service

    try:
        plan = SamplingPlan(
            per_agent=per_agent,
            strategy=strategy,
            flags=tuple(f.strip() for f in flags.split(",") if f.strip()),
            long_handle_quantile=long_handle_quantile,
            repeat_window_s=repeat_days * 86400.0,
            fill_with_random=not no_fill,
            seed=seed,
        )
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    s = settings()
    with (
        operational_session(s.resolved_database_url) as db,
        get_engine(s.resolved_warehouse_url).connect() as wh,
    ):
        picked = sampling_service.sample_contacts(db, wh, SYSTEM, plan, week.date(), weeks)
    rows = [
        {
            "contact_id": p.contact_id,
            "agent": p.agent,
            "week": p.week.isoformat(),
            "reasons": ",".join(p.reasons),
        }
        for p in picked
    ]
    print_table(rows, as_json=as_json, as_csv=as_csv)


@app.command()
@friendly_errors
@bad_input_exits_2
def analytics(
    since: datetime = typer.Option(
        ..., "--since", formats=["%Y-%m-%d"], help="First day (UTC) of evaluations."
    ),
    until: datetime = typer.Option(..., "--until", formats=["%Y-%m-%d"], help="Day after the last (UTC)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """QA analytics: scores by agent, team, week and criterion; most failed criteria;
    evaluator leniency; QA score against CSAT and FCR."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.cli_support import settings
    from floorwalker.db import get_engine, operational_session
    from floorwalker.quality import analytics_service

    s = settings()
    with (
        operational_session(s.resolved_database_url) as db,
        get_engine(s.resolved_warehouse_url).connect() as wh,
    ):
        result = analytics_service.qa_analytics(db, wh, SYSTEM, since, until)
    if as_json:
        print_json(result)
        return
    typer.echo(f"{result['evaluations']} evaluations")
    typer.echo("most failed criteria:")
    for row in result["most_failed"][:10]:
        typer.echo(
            f"  {row['criterion']:<20} {row['failures']:>5} of {row['answered']:<5} "
            f"cumulative {_percent(row['cumulative_share'])}"
        )
    typer.echo("evaluators (leniency = mean score given − peers' on the same agents):")
    for ev in result["evaluators"]:
        leniency = "—" if ev["leniency"] is None else f"{ev['leniency'] * 100:+.2f} points"
        typer.echo(
            f"  {ev['evaluator']:<20} {ev['evaluations']:>5} evaluations, mean {_percent(ev['mean_score'])}, "
            f"leniency {leniency}"
        )
    link = result["customer"]
    r = link["csat_correlation"]
    typer.echo(
        f"QA score vs CSAT: r = {'—' if r is None else f'{r:.3f}'} over {link['pairs_csat']} contacts; "
        f"mean QA resolved first time {_percent(link['mean_score_resolved'])} "
        f"vs repeat {_percent(link['mean_score_repeated'])}"
    )
