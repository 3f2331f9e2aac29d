"""`floorwalker schedule solve`: the contract keys on the root app; bad files exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from floorwalker.cli import app
from tests.wfm.schedule_helpers import tiny_instance

KEYS = {
    "agents",
    "shifts",
    "under_coverage_agent_hours",
    "over_coverage_agent_hours",
    "objective",
    "bound",
    "gap",
    "rule_violations",
    "projected_service_level",
    "schedule",
}


def test_solve_prints_the_contract_keys(tmp_path: Path) -> None:
    data = tiny_instance()
    data["demand"] = {
        "contacts": [8.0 if r else 0.0 for r in data["requirement"]],
        "aht_seconds": [240.0] * 48,
        "threshold_seconds": 20,
    }
    path = tmp_path / "week.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(
        app, ["schedule", "solve", "--instance", str(path), "--time-limit-s", "10", "--seed", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == KEYS
    assert out["rule_violations"] == 0
    assert out["shifts"] == len(out["schedule"]["shifts"]) > 0
    assert 0 <= out["gap"] <= 1 and out["bound"] <= out["objective"] + 1e-9
    assert 0 < out["projected_service_level"] <= 1
    assert len(out["schedule"]["intervals"]) == 48
    required = sum(i["required"] for i in out["schedule"]["intervals"])
    scheduled = [i["scheduled"] for i in out["schedule"]["intervals"]]
    under = sum(max(0, i["required"] - i["scheduled"]) for i in out["schedule"]["intervals"])
    assert out["under_coverage_agent_hours"] == under  # hourly intervals
    assert required > 0 and max(scheduled) > 0


def test_without_demand_service_level_is_null(tmp_path: Path) -> None:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(tiny_instance()))
    result = CliRunner().invoke(app, ["schedule", "solve", "--instance", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["projected_service_level"] is None


def test_bad_instance_is_one_line_naming_the_field(tmp_path: Path) -> None:
    data = tiny_instance()
    data["templates"][0]["lengths_minutes"] = ["long"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["schedule", "solve", "--instance", str(path), "--json"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "templates[0].lengths_minutes[0]" in lines[0]


def test_unreadable_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = CliRunner().invoke(app, ["schedule", "solve", "--instance", str(path)])
    assert result.exit_code == 2
    assert "broken.json: not JSON" in result.output
