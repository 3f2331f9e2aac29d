"""Per-contact output of the staffing-curve engine (``Replication.records``,
``replication_records``) and ``floorwalker simulate --contacts-csv``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from floorwalker.cli import app
from floorwalker.sim.engine import records_csv, replication_records, simulate
from floorwalker.sim.floor import ABANDONED, ANSWERED
from floorwalker.sim.scenario import Overflow, Scenario
from tests.sim.helpers import group, queue, scenario
from tests.sim.test_cli import MMN


def _center() -> Scenario:
    qs = [
        queue("a", 60, 4, aht=240, patience=90, wrapup=15),
        queue("b", 40, 4, aht=300, patience=200, wrapup=20, priority=1),
    ]
    groups = [group("A", (4, 6, 6, 4), {"a": 1, "b": 2}), group("B", (3, 5, 5, 3), {"b": 1})]
    return scenario(qs, groups, interval_s=1800, intervals=4, overflows=(Overflow("a", "B", 45, 3),))


def test_records_agree_with_the_tallies_of_the_same_replication() -> None:
    sc = _center()
    for r in range(3):
        rec = replication_records(sc, r, seed=11)
        counts = simulate(sc, replications=r + 1, seed=11).counts
        assert rec.arrival_s.size == counts["offered"][r].sum()
        assert (rec.outcome == ANSWERED).sum() == counts["answered"][r].sum()
        assert (rec.outcome == ABANDONED).sum() == counts["abandoned"][r].sum()
        assert (rec.outcome == -1).sum() == counts["still_waiting"][r].sum()


def test_times_match_and_an_agent_holds_one_contact_at_a_time() -> None:
    sc = _center()
    rec = replication_records(sc, 0, seed=3)
    ans = rec.outcome == ANSWERED
    ab = rec.outcome == ABANDONED
    assert ans.sum() > 100 and ab.sum() > 0
    assert np.allclose(rec.answered_s[ans] - rec.arrival_s[ans], rec.wait_s[ans])
    assert np.allclose(rec.ended_s[ans] - rec.answered_s[ans], rec.talk_s[ans])
    assert np.allclose(rec.ended_s[ab] - rec.arrival_s[ab], rec.wait_s[ab])
    assert (rec.agent[ans] >= 0).all() and (rec.agent[~ans] == -1).all()
    assert np.isnan(rec.answered_s[~ans]).all()
    for a in np.unique(rec.agent[ans]):
        mine = np.flatnonzero(rec.agent == a)
        mine = mine[np.argsort(rec.answered_s[mine])]
        free_at = rec.ended_s[mine] + rec.wrapup_s[mine]
        assert (rec.answered_s[mine][1:] >= free_at[:-1] - 1e-9).all()
    # Group B agents (indices 6..10) never take queue "a" before it waited the overflow delay.
    by_b = ans & (rec.agent >= 6) & (rec.queue == 0)
    assert (rec.wait_s[by_b] >= 45 - 1e-6).all()


def test_records_csv(tmp_path: Path) -> None:
    sc = _center()
    rec = replication_records(sc, 0, seed=3)
    rows = list(csv.DictReader(io.StringIO(records_csv(sc, rec))))
    assert len(rows) == rec.arrival_s.size
    served = [r for r in rows if r["outcome"] == "answered"]
    assert served and all(r["agent"].split("#")[0] in ("A", "B") for r in served)
    assert {r["queue"] for r in rows} == {"a", "b"}


def test_cli_writes_contacts_and_keeps_the_json_contract(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(MMN, encoding="utf-8")
    out_csv = tmp_path / "contacts.csv"
    runner = CliRunner()
    args = ["simulate", "--scenario", str(path), "--replications", "2", "--seed", "5", "--json"]
    plain = runner.invoke(app, args)
    out = runner.invoke(app, [*args, "--contacts-csv", str(out_csv)])
    assert out.exit_code == 0, out.output
    assert out.stdout == plain.stdout
    data = json.loads(out.stdout)
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    first = data["replications"]
    assert first == 2 and len(rows) > 0
    assert set(rows[0]) == {
        "arrival_s",
        "answered_s",
        "ended_s",
        "wait_s",
        "talk_s",
        "wrapup_s",
        "outcome",
        "queue",
        "agent",
    }
    bad = runner.invoke(app, [*args, "--contacts-csv", str(tmp_path / "no" / "dir.csv")])
    assert bad.exit_code == 2 and "cannot be written" in bad.output
