"""iCalendar export: RFC 5545 folding, escaping and UTC times."""

from datetime import datetime

import pytest

from floorwalker.wfm.ical import Event, calendar, escape_text, fold

STAMP = datetime(2026, 10, 14, 12, 0)


def test_escaping_of_text_values() -> None:
    assert escape_text("Break; lunch, then\nwork \\ done") == "Break\\; lunch\\, then\\nwork \\\\ done"


def test_folding_keeps_lines_within_75_octets_and_unfolds_back() -> None:
    line = "DESCRIPTION:" + "é" * 100  # 2 octets each
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0]] + [p[1:] for p in physical[1:]]) == line  # unfolding (RFC 5545 3.1)
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_calendar_has_utc_vevents_and_crlf_lines() -> None:
    text = calendar(
        [Event("shift-1@floorwalker", datetime(2026, 10, 19, 8), datetime(2026, 10, 19, 16, 30),
               "Shift, full", "break 1 09:30–09:45")],
        stamp=STAMP,
    )  # fmt: skip
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\nBEGIN:VEVENT\r\n" in text and text.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261019T080000Z\r\n" in text and "DTEND:20261019T163000Z\r\n" in text
    assert "DTSTAMP:20261014T120000Z\r\n" in text
    assert "SUMMARY:Shift\\, full\r\n" in text
    assert "\n" not in text.replace("\r\n", "")  # no bare line feeds
    with pytest.raises(ValueError, match="end after"):
        calendar([Event("x", STAMP, STAMP, "empty")], stamp=STAMP)
