"""`floorwalker forecast …`: contacts (and AHT) per interval for the next open days.

Contract (scripts depend on it):

    floorwalker forecast --history FILE.csv --horizon-days N [--interval-min 30]
        [--method auto|seasonal_naive|weighted_average|ets|arima|autoarima|mstl] --json|--csv OUT
    floorwalker forecast backtest --history FILE.csv --horizon-days N --json

Without ``--history``, ``--queue Q`` reads the queue's offered contacts and AHT from the
contact warehouse (the last ``--history-days`` site-local days up to yesterday), in the
queue's site time zone.

Forecast rows: ``interval_start, contacts, lo, hi[, aht_s]``. Bad input exits with code 2
and one line naming the file, line and field.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import typer

from floorwalker.cli_support import fail, friendly_errors, print_json, print_table, settings
from floorwalker.errors import InvalidInput
from floorwalker.timeutil import is_valid_time_zone
from floorwalker.wfm.forecast_methods import METHODS

app = typer.Typer(help="Forecast contacts and AHT per interval from the history.")

HistoryOption = typer.Option(
    None, "--history", help="CSV with interval_start (local time), contacts (or calls)[, aht_s]."
)
HorizonOption = typer.Option(None, "--horizon-days", min=1, max=731, help="Open days to forecast.")
IntervalOption = typer.Option(30, "--interval-min", help="Interval length: 15, 30 or 60 minutes.")
TzOption = typer.Option(
    None,
    "--tz",
    help="IANA zone of the site (DST days get 23/25 hours; output carries UTC offsets). "
    "Default: timestamps are naive local time.",
)
CountryOption = typer.Option(None, "--country", help="Public holidays of this country (ISO code: US, GB…).")
SubdivOption = typer.Option(None, "--subdiv", help="Subdivision for holidays (e.g. a state: CA).")
EventsOption = typer.Option(
    None,
    "--events",
    help="Manager events: CSV with date, factor (0 or closed = closed), name; or TOML event tables.",
)
LevelOption = typer.Option(0.8, "--level", help="Prediction interval coverage (fraction, 0.8 = 80%).")
QueueOption = typer.Option(
    None, "--queue", help="Read the history of this queue (code) from the warehouse instead of a CSV."
)
HistoryDaysOption = typer.Option(
    364, "--history-days", min=21, max=3660, help="With --queue: days of history up to yesterday."
)
OriginsOption = typer.Option(10, "--origins", min=1, max=400, help="Backtest origins (one per open day).")


@contextmanager
def _bad_input() -> Iterator[None]:
    """User mistakes: one line on stderr, exit code 2."""
    try:
        yield
    except (InvalidInput, ValueError) as exc:
        fail(getattr(exc, "message", None) or str(exc), 2)


def _load(
    history: Path | None,
    horizon_days: int | None,
    interval_min: int,
    tz: str | None,
    country: str | None,
    subdiv: str | None,
    events: Path | None,
    queue: str | None = None,
    history_days: int = 364,
) -> tuple[Any, dict[date, Any], int]:
    from floorwalker.wfm.forecast_io import read_history
    from floorwalker.wfm.forecast_series import ALLOWED_INTERVALS_MIN, build_series
    from floorwalker.wfm.forecast_special import merge, public_holidays, read_events

    if history is None and queue is None:
        raise InvalidInput("--history FILE.csv or --queue Q (history from the warehouse) is required")
    if history is not None and queue is not None:
        raise InvalidInput("--history and --queue: give one of them, not both")
    if horizon_days is None:
        raise InvalidInput("--horizon-days N is required")
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise InvalidInput(f"--interval-min: must be 15, 30 or 60, not {interval_min}")
    if tz is not None and not is_valid_time_zone(tz):
        raise InvalidInput(f"--tz: '{tz}' is not an IANA time zone (e.g. Europe/London)")
    if history is not None:
        points = read_history(history, interval_min=interval_min, time_zone=tz)
    else:
        points, tz = _warehouse_points(str(queue), interval_min, history_days, tz)
    series = build_series(points, interval_min=interval_min, time_zone=tz)
    first, last = series.days[0].year, series.days[-1].year
    years = range(first, last + 2 + horizon_days // 365)
    holidays = public_holidays(country, years, subdiv) if country else []
    special = merge(holidays, read_events(events) if events else [])
    return series, special, horizon_days


def _warehouse_points(queue: str, interval_min: int, history_days: int, tz: str | None) -> tuple[Any, str]:
    """The queue's history from the warehouse, up to yesterday in its site's zone."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.clock import now_aware
    from floorwalker.db import get_engine, operational_session
    from floorwalker.timeutil import local_today
    from floorwalker.wfm import service

    s = settings()
    with (
        operational_session(s.resolved_database_url) as session,
        get_engine(s.resolved_warehouse_url).connect() as warehouse,
    ):
        zone = tz or service.queue_time_zone(session, queue)
        end = local_today(now_aware(), zone) - timedelta(days=1)
        points = service.warehouse_history(
            session, warehouse, SYSTEM, queue=queue, interval_min=interval_min,
            start=end - timedelta(days=history_days - 1), end=end,
        )  # fmt: skip
    if not any(contacts for _, contacts, _ in points):
        raise InvalidInput(
            f"--queue: '{queue}' has no contacts in the last {history_days} days", field="queue"
        )
    return points, zone


@app.callback(invoke_without_command=True)
@friendly_errors
def forecast(
    ctx: typer.Context,
    history: Path | None = HistoryOption,
    horizon_days: int | None = HorizonOption,
    interval_min: int = IntervalOption,
    method: str = typer.Option(
        "auto", "--method", help=f"auto (chosen by backtest) or one of: {', '.join(METHODS)}."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the rows as a JSON list (the stable contract)."
    ),
    details: bool = typer.Option(
        False,
        "--details",
        help="With --json: one object with the method, interval level, time zone, special days and rows.",
    ),
    csv_out: Path | None = typer.Option(
        None, "--csv", help="Write the rows as CSV to this file (- = stdout)."
    ),
    tz: str | None = TzOption,
    country: str | None = CountryOption,
    subdiv: str | None = SubdivOption,
    events: Path | None = EventsOption,
    level: float = LevelOption,
    origins: int = OriginsOption,
    queue: str | None = QueueOption,
    history_days: int = HistoryDaysOption,
) -> None:
    """Forecast contacts (lo–hi prediction interval, AHT) for every open interval of the next N
    open days."""
    if ctx.invoked_subcommand is not None:
        return
    from floorwalker.wfm.forecast import forecast as run_forecast
    from floorwalker.wfm.forecast_io import row_dict

    with _bad_input():
        if method != "auto" and method not in METHODS:
            raise InvalidInput(f"--method: '{method}' is not one of auto, {', '.join(METHODS)}")
        series, special, horizon = _load(
            history, horizon_days, interval_min, tz, country, subdiv, events, queue, history_days
        )
        tz = series.time_zone
        result = run_forecast(
            series,
            horizon_days=horizon,
            method=method,
            special=special,
            level=level,
            backtest_origins=origins,
        )
    rows = [row_dict(r, series.has_aht) for r in result.rows]
    if csv_out is not None:
        _write_csv(rows, csv_out, series.has_aht)
    if as_json and not details:
        print_json(rows)
    elif as_json:
        print_json(
            {
                "method": result.method,
                "level": result.level,
                "interval_min": result.interval_min,
                "time_zone": tz,
                "special_days": [
                    {"date": s.day.isoformat(), "name": s.name, "factor": round(s.factor, 4)}
                    for s in result.special_days
                ],
                "rows": rows,
            }
        )
    elif csv_out is None:
        print_table(rows, as_json=False, as_csv=False)
        typer.echo(f"method {result.method}; lo–hi: {result.level:.0%} prediction interval")


def _write_csv(rows: list[dict[str, Any]], out: Path, with_aht: bool) -> None:
    columns = ["interval_start", "contacts", "lo", "hi", *(["aht_s"] if with_aht else [])]
    if str(out) == "-":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})", 2)


@app.command("backtest")
@friendly_errors
def backtest_command(
    history: Path | None = HistoryOption,
    horizon_days: int | None = HorizonOption,
    interval_min: int = IntervalOption,
    methods: list[str] | None = typer.Option(
        None, "--method", help=f"Method to test (repeat; default all: {', '.join(METHODS)})."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the stable contract)."),
    tz: str | None = TzOption,
    country: str | None = CountryOption,
    subdiv: str | None = SubdivOption,
    events: Path | None = EventsOption,
    origins: int = OriginsOption,
    queue: str | None = QueueOption,
    history_days: int = HistoryDaysOption,
) -> None:
    """WAPE and bias per method and horizon, by rolling-origin backtest on the history."""
    from floorwalker.wfm.forecast import backtest_series

    with _bad_input():
        chosen = tuple(methods) if methods else tuple(METHODS)
        bad = [m for m in chosen if m not in METHODS]
        if bad:
            raise InvalidInput(f"--method: '{bad[0]}' is not one of {', '.join(METHODS)}")
        series, special, horizon = _load(
            history, horizon_days, interval_min, tz, country, subdiv, events, queue, history_days
        )
        result = backtest_series(
            series, horizon_days=horizon, methods=chosen, special=special, origins=origins
        )
    if not result.scores:
        fail("the history is too short for a backtest (need three weeks before the first origin)", 2)

    def r(value: float | None) -> float | None:
        return None if value is None else round(value, 6)

    payload = {
        "origins": result.origins,
        "horizon_days": result.horizon_days,
        "selected": result.best(),
        "methods": {
            m: {
                "wape": r(s.wape),
                "bias": r(s.bias),
                "by_horizon": [
                    {"horizon_days": h.horizon_days, "wape": r(h.wape), "bias": r(h.bias), "days": h.days}
                    for h in s.by_horizon
                ],
            }
            for m, s in result.scores.items()
        },
    }
    if as_json:
        print_json(payload)
        return
    table = [
        {"method": m, "horizon_days": h.horizon_days, "wape": r(h.wape), "bias": r(h.bias), "days": h.days}
        for m, s in result.scores.items()
        for h in s.by_horizon
    ]
    print_table(table, as_json=False, as_csv=False)
    typer.echo(f"{result.origins} origins; lowest WAPE: {result.best()}")


@contextmanager
def _stores() -> Iterator[tuple[Any, Any]]:
    from floorwalker.db import get_engine, operational_session

    s = settings()
    with (
        operational_session(s.resolved_database_url) as session,
        get_engine(s.resolved_warehouse_url).connect() as warehouse,
    ):
        yield session, warehouse


@app.command("save")
@friendly_errors
def save_command(
    queue: str = typer.Option(..., "--queue", help="Queue (code) whose warehouse history is forecast."),
    horizon_days: int = typer.Option(..., "--horizon-days", min=1, max=731, help="Open days to forecast."),
    interval_min: int = IntervalOption,
    method: str = typer.Option("auto", "--method", help=f"auto or one of: {', '.join(METHODS)}."),
    level: float = LevelOption,
    history_days: int = HistoryDaysOption,
    country: str | None = CountryOption,
    note: str = typer.Option("", "--note", help="Why this version (shown with it)."),
    as_json: bool = typer.Option(False, "--json", help="Print the saved version as JSON."),
) -> None:
    """Forecast a queue from the warehouse and save the rows as a new version (for
    requirements, overrides and forecast-vs-actual accuracy later)."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.wfm import versions_service as versions

    with _bad_input(), _stores() as (session, warehouse):
        v = versions.create_version(
            session, warehouse, SYSTEM, queue=queue, horizon_days=horizon_days, interval_min=interval_min,
            method=method, level=level, history_days=history_days, country=country, note=note,
        )  # fmt: skip
        payload = {**versions.version_dict(v), "queue": queue}
    if as_json:
        print_json(payload)
    else:
        typer.echo(f"saved forecast version {payload['id']} of {queue} ({payload['method']})")


@app.command("versions")
@friendly_errors
def versions_command(
    queue: str | None = typer.Option(None, "--queue", help="Only this queue's versions."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Saved forecast versions, newest first."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.wfm import versions_service as versions

    with _stores() as (session, _):
        rows = versions.list_versions(session, SYSTEM, queue)
    if as_json:
        print_json(rows)
    else:
        keys = ("id", "queue", "method", "history_end", "horizon_days", "created_by", "created_at")
        print_table([{k: r[k] for k in keys} for r in rows], as_json=False, as_csv=False)


@app.command("accuracy")
@friendly_errors
def accuracy_command(
    version: int = typer.Option(..., "--version", help="Saved version id (see `forecast versions`)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Forecast vs actual of a saved version: WAPE and bias by horizon (days ahead), with
    and without the manager's overrides."""
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.wfm import versions_service as versions

    with _stores() as (session, warehouse):
        payload = versions.accuracy_dict(versions.accuracy(session, warehouse, SYSTEM, version))
    if as_json:
        print_json({"version": version, **payload})
        return
    print_table(payload["by_horizon"], as_json=False, as_csv=False)
    typer.echo(f"overall WAPE {payload['wape']}, bias {payload['bias']}")
