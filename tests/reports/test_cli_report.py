"""`floorwalker report`: the contract on the root app, files written, one-line errors."""

import io

import openpyxl
import pytest
from typer.testing import CliRunner

from floorwalker.cli import app
from tests.reports.data import build_center

runner = CliRunner()


@pytest.fixture
def cli_center(stores, db, monkeypatch):
    s = stores.settings
    monkeypatch.setenv("FLOORWALKER_DATA", str(s.data))
    for name in ("DATABASE_URL", "WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
        monkeypatch.setenv("WAREHOUSE_URL", s.warehouse_url)
    build_center(stores, db)


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK"), ("html", b"<!doctype")])
def test_writes_each_format(cli_center, tmp_path, fmt, magic) -> None:
    out = tmp_path / f"r.{fmt}"
    result = runner.invoke(
        app, ["report", "--period", "2026-10", "--site", "LON", "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    assert result.output.startswith(f"wrote {out} ({fmt}, ")
    assert "October 2026, site LON" in result.output


def test_targets_file_is_used(cli_center, tmp_path) -> None:
    targets = tmp_path / "targets.toml"
    targets.write_text(
        '[[target]]\nkpi = "service_level"\ngoal = 0.85\n\n'
        '[[target]]\nkpi = "service_level"\ngoal = 0.70\nscope_kind = "queue"\nscope_code = "sales"\n'
    )
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app,
        ["report", "--period", "2026-10", "--format", "xlsx", "--out", str(out), "--targets", str(targets)],
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    rows = {r[0].value: r for r in wb["Summary"].iter_rows() if r[0].value}
    assert rows["Service level"][2].value == 0.85 and rows["Service level"][3].value == "amber"
    assert not any("No targets were given" in str(k) for k in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "error: --period: period '2026-13' is not a month YYYY-MM (e.g. 2026-10)"),
        (["--period", "October"], "error: --period: period 'October' is not a month YYYY-MM (e.g. 2026-10)"),
        (["--period", "2026-10", "--site", "NOPE"], "error: --site: unknown site 'NOPE'"),
        (["--period", "2026-10", "--format", "docx"], "error: --format 'docx' is not one of pdf, xlsx, html"),
    ],
)
def test_bad_flags_one_line_exit_2(cli_center, tmp_path, args, message) -> None:
    flags = {"--format": "pdf", "--out": str(tmp_path / "r.pdf")}
    for i in range(0, len(args), 2):
        flags[args[i]] = args[i + 1]
    result = runner.invoke(app, ["report", *[x for kv in flags.items() for x in kv]])
    assert result.exit_code == 2
    assert result.output.strip() == message
    assert not (tmp_path / "r.pdf").exists()


def test_bad_targets_file_and_missing_folder(cli_center, tmp_path) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text('[[target]]\nkpi = "speed"\ngoal = 1\n')
    result = runner.invoke(
        app,
        [
            "report",
            "--period",
            "2026-10",
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "r.pdf"),
            "--targets",
            str(bad),
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"error: {bad}: target 1: kpi: 'speed' is not one of")
    result = runner.invoke(
        app,
        ["report", "--period", "2026-10", "--format", "pdf", "--out", str(tmp_path / "nowhere" / "r.pdf")],
    )
    assert result.exit_code == 2
    assert (
        result.output.strip() == f"error: --out {tmp_path / 'nowhere' / 'r.pdf'}: the folder "
        f"{tmp_path / 'nowhere'} does not exist"
    )


def test_help_lists_report_as_a_single_command() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "COMMAND" not in result.output
    for flag in ("--period", "--site", "--format", "--out", "--targets"):
        assert flag in result.output
