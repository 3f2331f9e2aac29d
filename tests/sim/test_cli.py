"""`floorwalker simulate --scenario FILE.toml [--replications N] [--seed N] --json`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from floorwalker.cli import app

runner = CliRunner()


def _args(path: Path) -> list[str]:
    return ["simulate", "--scenario", str(path), "--replications", "3", "--seed", "7", "--json"]


MMN = """
[simulation]
interval_s = 3600
intervals = 4
replications = 4
seed = 1

[[queues]]
name = "support"
rate_per_hour = 100
handle_time = { distribution = "exponential", mean_s = 180 }
patience = { distribution = "exponential", mean_s = 240 }

[[groups]]
name = "agents"
agents = 6
skills = { support = 1 }
"""


def _write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_contract(tmp_path: Path) -> None:
    path = _write(tmp_path, MMN)
    out = runner.invoke(app, _args(path))
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    totals = data["totals"]
    for key in ("offered", "answered", "abandoned", "service_level", "asa_s", "occupancy"):
        assert isinstance(totals[key], float)
    assert len(totals["service_level_ci"]) == 2 and len(totals["asa_s_ci"]) == 2
    assert totals["offered"] == totals["answered"] + totals["abandoned"] + totals["still_waiting"]
    assert len(data["intervals"]) == 4 and data["intervals"][1]["start_s"] == 3600
    assert list(data["queues"]) == ["support"]
    assert data["replications"] == 3 and data["seed"] == 7
    again = runner.invoke(app, _args(path))
    assert again.stdout == out.stdout


def test_text_output(tmp_path: Path) -> None:
    out = runner.invoke(app, ["simulate", "--scenario", str(_write(tmp_path, MMN))])
    assert out.exit_code == 0, out.output
    assert "service level" in out.stdout and "support" in out.stdout


def test_bad_scenario_is_one_line_exit_2(tmp_path: Path) -> None:
    path = _write(tmp_path, MMN.replace("mean_s = 180", "mean_s = 0"))
    out = runner.invoke(app, ["simulate", "--scenario", str(path), "--json"])
    assert out.exit_code == 2
    assert out.stderr.strip() == f"error: {path}: queues[0].handle_time.mean_s: must be a number > 0"
    missing = runner.invoke(app, ["simulate", "--scenario", str(tmp_path / "none.toml"), "--json"])
    assert missing.exit_code == 2
    assert "none.toml: no such file" in missing.stderr


def test_replay_csv(tmp_path: Path) -> None:
    # One agent; three recorded contacts with fixed handle times: waits 0, 90 and abandon at 30.
    _write(
        tmp_path,
        "queue,arrival_s,handle_s,patience_s\nsupport,0,100,\nsupport,10,50,inf\nsupport,20,50,30\n",
        "calls.csv",
    )
    text = MMN.replace("agents = 6", "agents = 1") + '\n[replay]\ncsv = "calls.csv"\n'
    out = runner.invoke(app, ["simulate", "--scenario", str(_write(tmp_path, text)), "--json"])
    assert out.exit_code == 0, out.output
    t = json.loads(out.stdout)["totals"]
    assert (t["offered"], t["answered"], t["abandoned"]) == (3, 2, 1)
    assert t["asa_s"] == 45.0  # (0 + 90) / 2
    bad = _write(tmp_path, "queue,arrival_s\nsales,5\n", "bad.csv")
    text_bad = MMN + f'\n[replay]\ncsv = "{bad.name}"\n'
    bad_toml = _write(tmp_path, text_bad, "b.toml")
    out_bad = runner.invoke(app, ["simulate", "--scenario", str(bad_toml), "--json"])
    assert out_bad.exit_code == 2
    assert "bad.csv: line 2: queue: 'sales' is not a queue of the scenario" in out_bad.stderr
