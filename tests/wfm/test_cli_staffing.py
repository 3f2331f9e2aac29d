"""`floorwalker staffing …` as scripts meet it: exact JSON keys, evaluation mode, one-line errors."""

import json

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app

runner = CliRunner()

EXAMPLE = [
    "--contacts",
    "100",
    "--interval-s",
    "1800",
    "--aht-s",
    "180",
    "--target-sl",
    "0.8",
    "--target-answer-s",
    "20",
]


def test_erlang_c_solves_the_worked_example() -> None:
    out = runner.invoke(
        app, ["staffing", "erlang-c", *EXAMPLE, "--max-occupancy", "0.85", "--shrinkage", "0.3", "--json"]
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert list(got) == [
        "traffic_erlangs",
        "agents",
        "scheduled_agents",
        "service_level",
        "asa_s",
        "occupancy",
        "waiting_probability",
    ]
    assert got["traffic_erlangs"] == pytest.approx(10.0)
    assert (got["agents"], got["scheduled_agents"]) == (14, 20)
    assert got["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert got["waiting_probability"] == pytest.approx(0.1741, abs=5e-5)
    assert got["asa_s"] == pytest.approx(7.84, abs=5e-3)
    assert got["occupancy"] == pytest.approx(10 / 14)


def test_erlang_c_evaluates_given_agents_and_unstable_is_null() -> None:
    got = json.loads(
        runner.invoke(app, ["staffing", "erlang-c", *EXAMPLE, "--agents", "12", "--json"]).output
    )
    assert got["agents"] == 12 and got["service_level"] < 0.8
    unstable = runner.invoke(app, ["staffing", "erlang-c", *EXAMPLE, "--agents", "10", "--json"])
    got = json.loads(unstable.output)
    assert got["asa_s"] is None and got["service_level"] == 0.0 and got["waiting_probability"] == 1.0
    text = runner.invoke(app, ["staffing", "erlang-c", *EXAMPLE, "--agents", "10"])
    assert text.exit_code == 0 and "unbounded" in text.output


def test_erlang_c_asa_target_is_an_extra_target() -> None:
    got = json.loads(
        runner.invoke(app, ["staffing", "erlang-c", *EXAMPLE, "--target-asa-s", "3", "--json"]).output
    )
    assert got["agents"] == 16 and got["asa_s"] <= 3 and got["service_level"] >= 0.8
    alone = runner.invoke(
        app, ["staffing", "erlang-c", *EXAMPLE[:6], "--target-answer-s", "20", "--target-asa-s", "3"]
    )
    assert alone.exit_code == 0 and "16" in alone.output


def test_erlang_a_json_and_table() -> None:
    out = runner.invoke(app, ["staffing", "erlang-a", *EXAMPLE, "--patience-s", "120", "--json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert set(got) == {
        "traffic_erlangs",
        "agents",
        "scheduled_agents",
        "service_level",
        "asa_s",
        "occupancy",
        "waiting_probability",
        "abandon_probability",
    }
    assert got["agents"] < 14 and got["service_level"] >= 0.8 and 0 < got["abandon_probability"] < 0.1
    kept = runner.invoke(
        app,
        [
            "staffing",
            "erlang-a",
            *EXAMPLE,
            "--patience-s",
            "120",
            "--agents",
            str(got["agents"]),
            "--json",
            "--sl-convention",
            "answered_within_over_offered_less_abandoned_within",
        ],
    )
    assert json.loads(kept.output)["service_level"] > got["service_level"]
    table = runner.invoke(app, ["staffing", "erlang-a", *EXAMPLE, "--patience-s", "120"])
    assert table.exit_code == 0 and "P(abandon)" in table.output and "service level" in table.output


def test_erlang_b_both_ways() -> None:
    got = json.loads(
        runner.invoke(
            app, ["staffing", "erlang-b", "--traffic", "708", "--max-blocking", "0.01", "--json"]
        ).output
    )
    assert got["lines"] == 736 and got["blocking"] <= 0.01
    got = json.loads(
        runner.invoke(app, ["staffing", "erlang-b", "--traffic", "10", "--lines", "18", "--json"]).output
    )
    assert got["lines"] == 18 and got["blocking"] == pytest.approx(0.00714, abs=1e-5)
    assert (
        "lines"
        in runner.invoke(app, ["staffing", "erlang-b", "--traffic", "5", "--max-blocking", "0.01"]).output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["erlang-b", "--traffic", "5"], "exactly one of --max-blocking or --lines"),
        (["erlang-b", "--traffic", "5", "--lines", "3", "--max-blocking", "0.01"], "exactly one"),
        (["erlang-b", "--traffic", "-5", "--lines", "3"], "--traffic must not be negative"),
        (["erlang-b", "--traffic", "5", "--lines", "2.5"], "--lines must be a whole number"),
        (
            [
                "erlang-c",
                "--interval-s",
                "1800",
                "--aht-s",
                "180",
                "--target-sl",
                "0.8",
                "--target-answer-s",
                "20",
            ],
            "--contacts is required",
        ),
        (["erlang-c", *EXAMPLE[:-2]], "--target-answer-s is required"),
        (["erlang-c", *EXAMPLE, "--shrinkage", "1"], "--shrinkage"),
        (
            ["erlang-c", *EXAMPLE[:6], "--target-sl", "80", "--target-answer-s", "20"],
            "--target-sl must be a fraction",
        ),
        (["erlang-c", *EXAMPLE, "--agents", "-3"], "--agents must not be negative"),
        (
            ["erlang-c", *EXAMPLE[:2], "--interval-s", "0", *EXAMPLE[4:]],
            "--interval-s must be greater than 0",
        ),
        (["erlang-c", "--contacts", "many", *EXAMPLE[2:]], "'many' is not a number"),
        (["erlang-a", *EXAMPLE], "--patience-s is required"),
        (
            ["erlang-c", *EXAMPLE[:6], "--target-answer-s", "20"],
            "--target-sl (or --target-asa-s) is required",
        ),
        (["erlang-c", *EXAMPLE, "--target-asa-s", "0"], "--target-asa-s must be greater than 0"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    out = runner.invoke(app, ["staffing", *args])
    assert out.exit_code == 2
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.output
