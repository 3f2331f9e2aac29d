"""History CSV and events files: what is accepted, and one clear line for what is not."""

from datetime import date, datetime
from pathlib import Path

import pytest

from floorwalker.errors import InvalidInput
from floorwalker.wfm.forecast_io import read_history
from floorwalker.wfm.forecast_special import holiday_factor, merge, public_holidays, read_events


def write(tmp_path: Path, text: str, name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_contacts_or_calls_and_aht(tmp_path: Path) -> None:
    path = write(tmp_path, "interval_start,calls,aht_s\n2024-03-04 08:00:00,5,180\n2024-03-04T08:30,0,\n")
    points = read_history(path, interval_min=30)
    assert points == [(datetime(2024, 3, 4, 8, 0), 5.0, 180.0), (datetime(2024, 3, 4, 8, 30), 0.0, None)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "h.csv:1: the file is empty"),
        ("when,contacts\n", "h.csv:1: interval_start: missing column"),
        ("interval_start,volume\n", "h.csv:1: contacts: missing column"),
        (
            "interval_start,contacts\n2024-03-04 08:00,4\n2024-03-04 8h30,4\n",
            "h.csv:3: interval_start: '2024-03-04 8h30'",
        ),
        ("interval_start,contacts\n2024-03-04 08:00,-1\n", "h.csv:2: contacts: must be a number ≥ 0"),
        ("interval_start,contacts\n2024-03-04 08:00,many\n", "h.csv:2: contacts: 'many' is not a number"),
        ("interval_start,contacts\n2024-03-04 08:00,nan\n", "h.csv:2: contacts: must be a number ≥ 0"),
        ("interval_start,contacts,aht_s\n2024-03-04 08:00,3,\n", "h.csv:2: aht_s: empty where contacts is 3"),
        ("interval_start,contacts\n2024-03-04 08:00,3,9\n", "h.csv:2: expected 2 fields, found 3"),
        ("interval_start,contacts\n", "h.csv: no data rows"),
        (
            "interval_start,contacts\n2024-03-04 08:00,3\n2024-03-04 09:00,3\n",
            "60-minute grain, coarser than",
        ),
    ],
)
def test_bad_history_names_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput) as caught:
        read_history(path, interval_min=30)
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_a_time_in_the_spring_gap_is_refused_with_a_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path, "interval_start,contacts\n2024-03-31 00:00,1\n2024-03-31 00:30,1\n2024-03-31 01:30,1\n"
    )
    with pytest.raises(InvalidInput, match=r"h.csv:4: interval_start: .* does not exist in Europe/London"):
        read_history(path, interval_min=30, time_zone="Europe/London")
    assert len(read_history(path, interval_min=30)) == 3  # naive local time: nothing to check


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_history(tmp_path / "nope.csv", interval_min=30)


def test_events_from_csv_and_toml(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path, "date,factor,name\n2024-12-24,0.5,Christmas Eve\n2024-12-25,closed,Christmas\n", "e.csv"
    )
    assert [(e.day, e.factor, e.name) for e in read_events(csv_path)] == [
        (date(2024, 12, 24), 0.5, "Christmas Eve"),
        (date(2024, 12, 25), 0.0, "Christmas"),
    ]
    toml_path = write(
        tmp_path,
        '[[event]]\ndate = 2024-11-29\nfactor = 1.8\nname = "Black Friday"\n\n'
        '[[event]]\ndate = "2024-12-25"\nclosed = true\n',
        "e.toml",
    )
    assert [(e.day, e.factor) for e in read_events(toml_path)] == [
        (date(2024, 11, 29), 1.8),
        (date(2024, 12, 25), 0.0),
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("e.csv", "date,factor\n2024-13-01,1\n", "e.csv:2: date: '2024-13-01' is not a date"),
        ("e.csv", "date,factor\n2024-12-01,-2\n", "e.csv:2: factor: must be 0 (closed) or a positive number"),
        ("e.csv", "day,factor\n", "e.csv:1: date: missing column"),
        ("e.toml", "[[event]]\ndate = 2024-12-01\n", "e.toml: event 1: factor: missing"),
        ("e.toml", "[[event\n", "not valid TOML"),
    ],
)
def test_bad_events_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_events(write(tmp_path, text, name))
    assert message in caught.value.message


def test_holiday_calendar_and_merge() -> None:
    us = public_holidays("us", [2024])
    assert any(h.day == date(2024, 7, 4) and h.factor is None for h in us)
    with pytest.raises(InvalidInput, match="--country: 'XX'"):
        public_holidays("XX", [2024])
    merged = merge(us, [])
    assert merged[date(2024, 12, 25)].kind == "holiday"


def test_holiday_factor_rules() -> None:
    assert holiday_factor(0, []) == 1.0
    assert holiday_factor(2, [0.5]) == 0.0
    assert holiday_factor(1, [0.5, 0.7]) == pytest.approx(0.6)  # open more often than closed: median
    assert holiday_factor(1, [0.5]) == 0.0  # a tie counts as closed
    assert holiday_factor(0, [0.5, 0.7, 0.6]) == pytest.approx(0.6)
