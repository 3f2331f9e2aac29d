"""`floorwalker forecast` and `floorwalker forecast backtest` through the root app."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from tests.wfm.forecast_synth import history

runner = CliRunner()


@pytest.fixture
def history_csv(tmp_path: Path) -> Path:
    """Eight weeks of 5-minute counts with AHT, Mon–Fri 08:00–18:00."""
    path = tmp_path / "history.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "contacts", "aht_s"])
        for moment, contacts, aht in history(date(2024, 1, 1), 56, step_min=5, aht_s=240.0, noise_seed=1):
            writer.writerow([moment.isoformat(sep=" "), int(contacts), aht])
    return path


def test_forecast_json(history_csv: Path) -> None:
    result = runner.invoke(app, ["forecast", "--history", str(history_csv), "--horizon-days", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)  # the contract: a list of rows
    detailed = runner.invoke(
        app, ["forecast", "--history", str(history_csv), "--horizon-days", "3", "--json", "--details"]
    )
    payload = json.loads(detailed.output)
    assert payload["level"] == 0.8 and payload["interval_min"] == 30
    assert payload["method"] in {"seasonal_naive", "weighted_average", "ets", "arima"}
    assert payload["rows"] == rows
    assert len(rows) == 3 * 20  # 3 open days × 20 half-hours (the 5-minute counts are summed)
    assert list(rows[0]) == ["interval_start", "contacts", "lo", "hi", "aht_s"]
    assert rows[0]["interval_start"] == "2024-02-26 08:00:00"
    assert rows[-1]["interval_start"] == "2024-02-28 17:30:00"
    assert all(r["lo"] <= r["contacts"] <= r["hi"] and r["aht_s"] == 240.0 for r in rows)


def test_forecast_csv_file_with_method_and_interval(history_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "fc.csv"
    result = runner.invoke(
        app,
        [
            "forecast",
            "--history",
            str(history_csv),
            "--horizon-days",
            "2",
            "--interval-min",
            "60",
            "--method",
            "weighted_average",
            "--csv",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2 * 10
    assert list(rows[0]) == ["interval_start", "contacts", "lo", "hi", "aht_s"]
    # Hourly forecast = two half-hours of the same slot: 08:00–09:00 holds the 08:00 and 08:30 counts.
    assert float(rows[0]["contacts"]) > 0


def test_forecast_with_events_and_country(history_csv: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("date,factor,name\n2024-02-26,closed,training day\n")
    result = runner.invoke(
        app,
        [
            "forecast",
            "--history",
            str(history_csv),
            "--horizon-days",
            "1",
            "--events",
            str(events),
            "--country",
            "GB",
            "--json",
            "--details",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["special_days"] == [{"date": "2024-02-26", "name": "training day", "factor": 0.0}]
    assert {r["interval_start"][:10] for r in payload["rows"]} == {"2024-02-27"}


def test_backtest_json(history_csv: Path) -> None:
    result = runner.invoke(
        app, ["forecast", "backtest", "--history", str(history_csv), "--horizon-days", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"origins", "horizon_days", "selected", "methods"}
    assert payload["horizon_days"] == 2 and payload["origins"] == 10
    assert set(payload["methods"]) == {
        "seasonal_naive",
        "weighted_average",
        "ets",
        "ets_arima",
        "arima",
        "autoarima",
        "mstl",
    }
    naive = payload["methods"]["seasonal_naive"]
    assert [h["horizon_days"] for h in naive["by_horizon"]] == [1, 2]
    assert 0 < naive["wape"] < 0.3 and -0.3 < naive["bias"] < 0.3
    best = min(payload["methods"], key=lambda m: payload["methods"][m]["wape"])
    assert payload["selected"] == best


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--horizon-days", "3", "--json"], "--history FILE.csv or --queue Q"),
        (["--history", "HIST", "--json"], "--horizon-days N is required"),
        (["--history", "HIST", "--horizon-days", "3", "--method", "magic"], "--method: 'magic'"),
        (
            ["--history", "HIST", "--horizon-days", "3", "--interval-min", "20"],
            "--interval-min: must be 15, 30 or 60",
        ),
        (["--history", "HIST", "--horizon-days", "3", "--tz", "Mars/Olympus"], "--tz: 'Mars/Olympus'"),
    ],
)
def test_bad_options_exit_2(history_csv: Path, args: list[str], message: str) -> None:
    args = [str(history_csv) if a == "HIST" else a for a in args]
    result = runner.invoke(app, ["forecast", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_bad_csv_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("interval_start,contacts\n2024-03-04 08:00,3\n2024-03-04 08:30,three\n")
    for cmd in (["forecast"], ["forecast", "backtest"]):
        result = runner.invoke(app, [*cmd, "--history", str(bad), "--horizon-days", "2", "--json"])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert lines == [f"error: {bad}:3: contacts: 'three' is not a number"]


def test_too_short_history_for_a_backtest(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("interval_start,contacts\n2024-03-04 08:00,3\n2024-03-04 08:30,4\n")
    result = runner.invoke(
        app, ["forecast", "backtest", "--history", str(path), "--horizon-days", "1", "--json"]
    )
    assert result.exit_code == 2 and "too short for a backtest" in result.output
    # The forecast itself still works: one day of history, seasonal naive.
    ok = runner.invoke(app, ["forecast", "--history", str(path), "--horizon-days", "1", "--json"])
    assert ok.exit_code == 0, ok.output
    assert [r["contacts"] for r in json.loads(ok.output)] == [3.0, 4.0]


def test_time_zone_output_carries_offsets(tmp_path: Path) -> None:
    path = tmp_path / "tz.csv"
    rows = ["interval_start,contacts"]
    for day in range(1, 29):  # four weeks of March 2024, 09:00–10:00, 6 and 4 contacts
        rows += [f"2024-03-{day:02d} 09:00,6", f"2024-03-{day:02d} 09:30,4"]
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(
        app,
        ["forecast", "--history", str(path), "--horizon-days", "4", "--tz", "Europe/London", "--csv", "-"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "interval_start,contacts,lo,hi"
    assert lines[1].startswith("2024-03-29 09:00:00+00:00,6.0,")
    assert lines[-1].startswith("2024-04-01 09:30:00+01:00,4.0,")  # after the clocks went forward
