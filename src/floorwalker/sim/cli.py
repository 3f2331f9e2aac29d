"""`floorwalker simulate`: run a scenario file and print the results (text or --json).

The root CLI registers :func:`simulate` as its ``simulate`` command (a single command, so
``floorwalker simulate --scenario …`` needs no sub-command)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json
from floorwalker.sim.scenario import Scenario, ScenarioError, scenario_from_dict


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file, and its replay CSV when ``[replay] csv`` names one
    (relative to the scenario's folder)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc})") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    raw_replay = data.pop("replay", None)
    scenario = scenario_from_dict(data, str(path))
    if raw_replay is None:
        return scenario
    if not isinstance(raw_replay, dict) or not isinstance(raw_replay.get("csv"), str):
        raise ScenarioError(f"{path}: replay.csv: must name a CSV file of recorded contacts")
    from floorwalker.sim.replay import replay_from_csv

    csv_path = path.parent / raw_replay["csv"]
    try:
        csv_text = csv_path.read_text(encoding="utf-8")
    except OSError:
        raise ScenarioError(f"{path}: replay.csv: {csv_path}: no such file") from None
    rp = replay_from_csv(csv_text, str(csv_path), [q.name for q in scenario.queues], scenario.horizon_s)
    return dataclasses.replace(scenario, replay=rp)


def _text_report(result: dict[str, Any]) -> None:
    t = result["totals"]

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.1f}%"

    def ci(x: list[float] | None, percent: bool) -> str:
        if x is None:
            return ""
        return f" [{pct(x[0])} – {pct(x[1])}]" if percent else f" [{x[0]:.1f} – {x[1]:.1f}]"

    typer.echo(f"{result['replications']} replications; 95% confidence intervals in brackets")
    typer.echo(
        f"offered {t['offered']:.0f}  answered {t['answered']:.0f}  abandoned {t['abandoned']:.0f}  "
        f"still waiting {t['still_waiting']:.0f}"
    )
    asa = "—" if t["asa_s"] is None else f"{t['asa_s']:.1f} s"
    typer.echo(
        f"service level {pct(t['service_level'])}{ci(t['service_level_ci'], True)}  "
        f"ASA {asa}{ci(t['asa_s_ci'], False)}  occupancy {pct(t['occupancy'])}"
    )
    typer.echo(f"{'queue':<20} {'offered':>9} {'answered':>9} {'abandoned':>9} {'SL':>7} {'ASA s':>7}")
    for name, q in result["queues"].items():
        asa_q = "—" if q["asa_s"] is None else f"{q['asa_s']:.1f}"
        typer.echo(
            f"{name:<20} {q['offered']:>9.0f} {q['answered']:>9.0f} {q['abandoned']:>9.0f} "
            f"{pct(q['service_level']):>7} {asa_q:>7}"
        )
    for name, g in result["groups"].items():
        typer.echo(f"group {name}: occupancy {pct(g['occupancy'])}")


@friendly_errors
def simulate(
    scenario: Path = typer.Option(..., "--scenario", help="Scenario TOML file (see docs/simulation.md)."),
    replications: int | None = typer.Option(
        None, "--replications", min=1, max=10_000, help="Replications (default: the scenario's, else 10)."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Random seed (default: the scenario's)."),
    threads: int = typer.Option(1, "--threads", min=1, max=64, help="Replications run side by side."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    contacts_csv: Path | None = typer.Option(
        None, "--contacts-csv", help="Also write replication 1 contact by contact to this CSV file."
    ),
    states_csv: Path | None = typer.Option(
        None, "--states-csv", help="Also write replication 1 agent states to this CSV ([[shifts]] only)."
    ),
) -> None:
    """Simulate the contact center from a scenario file (what-if): totals, queues, groups."""
    try:
        sc = load_scenario(scenario)
    except ScenarioError as exc:
        fail(exc.message, 2)
        return
    from floorwalker.sim.engine import simulate as run

    result = run(sc, replications=replications, seed=seed, threads=threads).to_dict()
    result["seed"] = sc.seed if seed is None else seed
    outputs: list[tuple[Path, str]] = []
    if contacts_csv is not None or states_csv is not None:
        from floorwalker.sim import engine

        if states_csv is not None and not sc.shifts:
            fail(f"--states-csv: {scenario} has no [[shifts]]; agent states need them", 2)
            return
        if sc.shifts:
            floor = engine.replication_floor(sc, 0, seed)
            if states_csv is not None:
                outputs.append((states_csv, engine.states_csv(sc, floor.states)))
            records = floor.contacts
        else:
            records = engine.replication_records(sc, 0, seed)
        if contacts_csv is not None:
            outputs.append((contacts_csv, engine.records_csv(sc, records)))
    for path, text in outputs:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{path}: cannot be written ({exc.strerror})", 2)
            return
    if as_json:
        print_json(result)
    else:
        _text_report(result)
