"""`floorwalker metrics`: the stable contract (flags, JSON keys), CSV, table, one-line errors."""

import csv
import io
import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from tests import factories as f

runner = CliRunner()

CONTACT_KEYS = [
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "other_exits",
    "answered_within_threshold",
    "service_level",
    "asa_s",
    "abandon_rate",
    "aht_s",
    "talk_s",
    "hold_s",
    "wrapup_s",
    "transfer_rate",
]


@pytest.fixture
def cli_stores(stores, db, monkeypatch):
    """The CLI pointed at the test stores, with one site, two queues and a few contacts."""
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    site = f.site(db, code="LON")
    team = f.team(db, site.id, name="Red")
    f.employee(db, site.id, team.id, agent_code="ann")
    f.queue(db, site.id, code="sales")
    f.queue(db, site.id, code="care")
    at = datetime(2026, 7, 15, 8, 0)
    with stores.warehouse.begin() as conn:
        f.load_contacts(
            conn,
            f.contact_rows(
                "LON",
                "sales",
                at,
                [
                    {"outcome": "answered", "wait_s": 10, "talk_s": 100, "agent": "ann"},
                    {"outcome": "abandoned", "wait_s": 30},
                ],
                utc_offset_s=3600,
            ),
        )
        f.load_contacts(
            conn, f.contact_rows("LON", "care", at, [{"outcome": "timeout", "wait_s": 300}], 3600)
        )
        f.load_agent_states(
            conn,
            f.agent_state_rows("LON", "ann", at, [("available", None, 600), ("on_contact", None, 600)], 3600),
        )
    return stores


def _run(*args: str):
    return runner.invoke(app, ["metrics", "--from", "2026-07-15", "--to", "2026-07-15", *args])


def test_json_keys_are_exactly_the_contract(cli_stores) -> None:
    result = _run("--by", "queue,day", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [list(r) for r in rows] == [["queue", "day", *CONTACT_KEYS]] * 2
    care, sales = rows
    assert (care["queue"], care["day"], care["offered"], care["other_exits"]) == (
        "care",
        "2026-07-15",
        1,
        0 + 1,
    )
    assert care["asa_s"] is None and care["aht_s"] is None and care["transfer_rate"] is None
    assert (sales["offered"], sales["answered"], sales["abandoned"], sales["service_level"]) == (2, 1, 1, 0.5)


def test_agent_time_adds_exactly_three_keys(cli_stores) -> None:
    result = _run("--by", "team", "--agent-time", "--json")
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.output) if r["team"] == "Red"]
    assert list(row) == ["team", *CONTACT_KEYS, "occupancy", "utilisation", "shrinkage"]
    assert (row["occupancy"], row["utilisation"], row["shrinkage"]) == (0.5, 0.5, 0.0)


def test_filters_csv_and_table(cli_stores) -> None:
    result = _run("--by", "site", "--queue", "sales", "--site", "LON", "--csv")
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.output)))
    assert (row["site"], row["offered"], row["asa_s"]) == ("LON", "2", "10.0")
    table = _run("--by", "queue")
    assert table.exit_code == 0, table.output
    header, *lines = table.output.splitlines()
    assert header.split()[:3] == ["queue", "offered", "answered"]
    assert "50.0%" in lines[1]  # sales: service level 1 / 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "queue,fortnight"], "unknown dimension 'fortnight'"),
        (["--by", "day,week"], "one time grain"),
        (["--queue", "nope"], "unknown queue 'nope'"),
        (["--site", "nope"], "unknown site 'nope'"),
        (["--by", "queue", "--agent-time"], "agent time cannot be by queue"),
        (["--json", "--csv"], "exclusive"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(cli_stores, args, message) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and message in result.output


def test_bad_dates_exit_2(cli_stores) -> None:
    bad = runner.invoke(app, ["metrics", "--from", "2026-07-32", "--to", "2026-07-15"])
    assert bad.exit_code == 2 and "--from '2026-07-32' is not a date" in bad.output
    backwards = runner.invoke(app, ["metrics", "--from", "2026-07-15", "--to", "2026-07-01"])
    assert backwards.exit_code == 2 and "before" in backwards.output
    missing = runner.invoke(app, ["metrics", "--to", "2026-07-15"])
    assert missing.exit_code == 2
