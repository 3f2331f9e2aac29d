"""`floorwalker qa …` as a script meets it: the JSON contract, TOML and JSON scorecards,
one-line errors naming file and field with exit code 2, calibration from a file and the DB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from tests.quality.test_scorecard import TOML_CARD
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "card.json").write_text(json.dumps(ISSUE_CARD))
    (tmp_path / "card.toml").write_text(TOML_CARD)
    (tmp_path / "answers.json").write_text(json.dumps(ISSUE_ANSWERS))
    return tmp_path


def _score(files: Path, card: str, answers: str = "answers.json", *extra: str):
    return runner.invoke(
        app, ["qa", "score", "--scorecard", str(files / card), "--answers", str(files / answers), *extra]
    )


@pytest.mark.parametrize("card", ["card.json", "card.toml"])
def test_score_json_contract(files: Path, card: str) -> None:
    result = _score(files, card, "answers.json", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "score": 0.5625,
        "failed": False,
        "sections": {"opening": 1.0, "resolution": 0.375},
        "grade": "needs improvement",
    }


def test_score_text(files: Path) -> None:
    result = _score(files, "card.json")
    assert result.exit_code == 0
    assert "56.25%" in result.output and "needs improvement" in result.output


def test_score_with_comments_and_na(files: Path) -> None:
    answers = {
        "answers": {**ISSUE_ANSWERS, "empathy": "na"},
        "comments": {"resolved": "no"},
        "feedback": "ok",
    }
    (files / "a2.json").write_text(json.dumps(answers))
    result = _score(files, "card.json", "a2.json", "--json")
    assert json.loads(result.output)["score"] == 0.3


@pytest.mark.parametrize(
    ("card", "answers", "message"),
    [
        ("missing.json", "answers.json", "missing.json: no such file"),
        ("bad_weight.json", "answers.json", "bad_weight.json: sections[0].weight: 30 is not a fraction"),
        ("broken.toml", "answers.json", "broken.toml: not valid TOML"),
        ("card.json", "bad_answer.json", "bad_answer.json: empathy: 9 is outside 1–5"),
        ("card.json", "broken.json", "broken.json: not valid JSON (line 1"),
    ],
)
def test_bad_files_are_one_line_exit_2(files: Path, card: str, answers: str, message: str) -> None:
    bad = json.loads(json.dumps(ISSUE_CARD))
    bad["sections"][0]["weight"] = 30
    (files / "bad_weight.json").write_text(json.dumps(bad))
    (files / "broken.toml").write_text("name = ")
    (files / "bad_answer.json").write_text(json.dumps({**ISSUE_ANSWERS, "empathy": 9}))
    (files / "broken.json").write_text("{")
    result = _score(files, card, answers, "--json")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {files / message.split(':')[0]}")
    assert message.split(": ", 1)[1] in lines[0]


SESSION_FILE = {
    "name": "November voice",
    "scorecard": "card.toml",
    "target": 0.85,
    "expert": "ann",
    "ratings": [
        {"evaluator": "ann", "contact": "c1", "answers": ISSUE_ANSWERS},
        {"evaluator": "bob", "contact": "c1", "answers": {**ISSUE_ANSWERS, "empathy": 5}},
        {"evaluator": "cat", "contact": "c1", "answers": {**ISSUE_ANSWERS, "greeting": "no"}},
        {"evaluator": "ann", "contact": "c2", "answers": {**ISSUE_ANSWERS, "empathy": 3, "resolved": "yes"}},
        {"evaluator": "bob", "contact": "c2", "answers": {**ISSUE_ANSWERS, "empathy": 3, "resolved": "yes"}},
        {
            "evaluator": "cat",
            "contact": "c2",
            "answers": {**ISSUE_ANSWERS, "empathy": "na", "resolved": "yes"},
        },
    ],
}


def test_calibration_from_a_file(files: Path) -> None:
    (files / "session.json").write_text(json.dumps(SESSION_FILE))
    result = runner.invoke(app, ["qa", "calibration", "--file", str(files / "session.json"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # the hand-computed session of tests/quality/test_calibration.py
    assert report["session"] == "November voice"
    assert report["overall_agreement"] == 0.75
    assert report["target_reached"] is False
    assert report["criteria"]["empathy"]["alpha"] == pytest.approx(5 / 7)
    assert report["evaluator_deviation"]["cat"]["mean_deviation"] == pytest.approx(0.0375)
    assert report["reference"] == "expert:ann"
    text = runner.invoke(app, ["qa", "calibration", "--file", str(files / "session.json"), "--target", "0.7"])
    assert text.exit_code == 0 and "reached" in text.output and "not reached" not in text.output


def test_calibration_file_errors(files: Path) -> None:
    bad = {
        **SESSION_FILE,
        "ratings": [
            *SESSION_FILE["ratings"][:5],
            {"evaluator": "cat", "contact": "c2", "answers": {**ISSUE_ANSWERS, "greeting": 3}},
        ],
    }
    (files / "bad.json").write_text(json.dumps(bad))
    result = runner.invoke(app, ["qa", "calibration", "--file", str(files / "bad.json"), "--json"])
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"error: {files / 'bad.json'}: ratings[5].answers.greeting: 3 is not yes or no"
    )
    none = runner.invoke(app, ["qa", "calibration", "--json"])
    assert none.exit_code == 2 and "SESSION" in none.output


def test_calibration_session_from_the_database(tmp_path: Path, monkeypatch) -> None:
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.db import operational_session
    from floorwalker.quality import calibration_service, schemas, service
    from floorwalker.settings import Settings
    from floorwalker.stores import init_stores

    monkeypatch.setenv("FLOORWALKER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    s = Settings()
    init_stores(s.resolved_database_url, s.resolved_warehouse_url)
    with operational_session(s.resolved_database_url) as db:
        version = service.publish_scorecard(db, SYSTEM, ISSUE_CARD)
        session = calibration_service.create_calibration_session(
            db,
            SYSTEM,
            schemas.CalibrationSessionCreate(
                name="db session", scorecard_version_id=version.id, contact_ids=[5]
            ),
        )
        from dataclasses import replace

        for name, answers in (("ann", ISSUE_ANSWERS), ("bob", {**ISSUE_ANSWERS, "resolved": "yes"})):
            calibration_service.submit_calibration_score(
                db,
                replace(SYSTEM, username=name),
                session.id,
                schemas.CalibrationScoreCreate(contact_id=5, answers=answers),
            )
        session_id = session.id
    result = runner.invoke(app, ["qa", "calibration", str(session_id), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # 4 criteria, 1 pair each, resolved disagrees → 3/4
    assert report["session"] == "db session" and report["overall_agreement"] == 0.75
    assert report["evaluators"] == ["ann", "bob"]
    missing = runner.invoke(app, ["qa", "calibration", "999", "--json"])
    assert missing.exit_code == 1 and "calibration session 999 does not exist" in missing.output


def test_sample_command(tmp_path: Path, monkeypatch) -> None:
    from datetime import datetime

    from floorwalker.db import get_engine
    from floorwalker.settings import Settings
    from floorwalker.stores import init_stores
    from tests import factories as f

    monkeypatch.setenv("FLOORWALKER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    s = Settings()
    init_stores(s.resolved_database_url, s.resolved_warehouse_url)
    rows = f.contact_rows(
        "S",
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "transferred", "wait_s": 5, "talk_s": 60, "agent": "ann.agent"},
            {"outcome": "answered", "wait_s": 5, "talk_s": 60, "agent": "ann.agent", "offset_s": 60},
        ],
    )
    with get_engine(s.resolved_warehouse_url).begin() as conn:
        f.load_contacts(conn, rows)
    result = runner.invoke(app, ["qa", "sample", "--week", "2026-11-02", "--per-agent", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "contact_id": rows.column("contact_id").to_pylist()[0],
            "agent": "ann.agent",
            "week": "2026-11-02",
            "reasons": "transfer",
        }
    ]
    bad = runner.invoke(app, ["qa", "sample", "--week", "2026-11-02", "--strategy", "worst"])
    assert bad.exit_code == 2 and bad.output.strip() == "error: strategy: 'worst'; one of random, targeted"
    tuesday = runner.invoke(app, ["qa", "sample", "--week", "2026-11-03"])
    assert tuesday.exit_code == 2 and "not a Monday" in tuesday.output


def test_analytics_command(tmp_path: Path, monkeypatch) -> None:
    from floorwalker.settings import Settings
    from floorwalker.stores import init_stores

    monkeypatch.setenv("FLOORWALKER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    s = Settings()
    init_stores(s.resolved_database_url, s.resolved_warehouse_url)
    result = runner.invoke(
        app, ["qa", "analytics", "--since", "2026-11-01", "--until", "2026-12-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["evaluations"] == 0
    backwards = runner.invoke(app, ["qa", "analytics", "--since", "2026-12-01", "--until", "2026-11-01"])
    assert backwards.exit_code == 2 and backwards.output.strip() == "error: until: must be after since"
