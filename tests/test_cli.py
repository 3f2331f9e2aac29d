"""The CLI as an operator meets it: init twice, first admin, JSON output, one-line errors."""

import json

import pytest
from typer.testing import CliRunner

from floorwalker.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOORWALKER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    return tmp_path


def test_init_twice_is_harmless(env) -> None:
    first = runner.invoke(app, ["init", "--json"])
    second = runner.invoke(app, ["init", "--json"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert json.loads(first.output) == json.loads(second.output)
    assert json.loads(second.output)["operational_revision"] == "0004"
    assert (env / "data" / "floorwalker.db").exists() and (env / "data" / "warehouse.duckdb").exists()


def test_first_admin_then_token_and_list(env) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    made = runner.invoke(
        app, ["users", "create", "ada", "--role", "admin", "--password", "long-enough-1", "--json"]
    )
    assert made.exit_code == 0, made.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).output)
    assert [(u["username"], u["role"]) for u in listed] == [("ada", "admin")]
    token = runner.invoke(app, ["users", "token", "ada"])
    assert token.exit_code == 0 and token.output.strip().startswith("fwk_")


def test_user_errors_are_one_line(env) -> None:
    runner.invoke(app, ["init"])
    short = runner.invoke(app, ["users", "create", "bob", "--password", "short"])
    assert short.exit_code == 1
    assert short.output.strip() == "error: password must be at least 10 characters"
    missing = runner.invoke(app, ["users", "token", "ghost"])
    assert missing.exit_code == 1 and "ghost" in missing.output and "Traceback" not in missing.output


def test_unreachable_database_is_one_line_with_password_masked(env, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://fw:hunter2secret@127.0.0.1:1/nowhere")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "127.0.0.1:1/nowhere" in lines[0] and "***" in lines[0]
    assert "hunter2secret" not in result.output


def test_org_list_json_and_csv(env) -> None:
    runner.invoke(app, ["init"])
    out = runner.invoke(app, ["org", "list", "queues", "--json"])
    assert out.exit_code == 0 and json.loads(out.output) == []
    bad = runner.invoke(app, ["org", "list", "planets"])
    assert bad.exit_code != 0 and "unknown kind" in bad.output


@pytest.mark.parametrize("url", ["mysql://u:pw@localhost/db", "postgresql+psycopg2://u:pw@h/db", "nonsense"])
def test_unsupported_database_url_is_one_line(env, monkeypatch, url) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output and ":pw@" not in result.output


def test_commands_before_init_say_to_run_init(env) -> None:
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 1
    assert "run `floorwalker init` first" in result.output and "Traceback" not in result.output


def test_each_store_accepts_only_its_engines(env, monkeypatch) -> None:
    monkeypatch.setenv("WAREHOUSE_URL", f"sqlite:///{env / 'w.db'}")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    assert "warehouse store runs on duckdb or postgresql" in result.output


def test_a_file_that_does_not_fit_its_mapping_is_one_line(env, tmp_path) -> None:
    from floorwalker.auth.permissions import SYSTEM
    from floorwalker.db import operational_session
    from floorwalker.org import schemas, service
    from floorwalker.settings import Settings

    runner.invoke(app, ["init"])
    with operational_session(Settings().resolved_database_url) as db:
        service.create_site(db, SYSTEM, schemas.SiteCreate(code="S", name="S", time_zone="UTC"))
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["import", "contacts", str(export), "--mapping", "vicidial-closer-log"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: mapping") and "internal error" not in result.output
