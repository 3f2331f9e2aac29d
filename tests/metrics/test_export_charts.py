"""Pure pieces of the metrics pages: table export (CSV, XLSX), sparkline geometry and the
"to date" comparison periods."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from floorwalker.metrics import charts, export, trends
from floorwalker.metrics.export import Column, Table

TABLE = Table(
    "queues",
    "Queues: today [site/LON]",
    [
        Column("queue", "Queue"),
        Column("day", "Day", "date"),
        Column("offered", "Offered", "count"),
        Column("service_level", "Service level", "fraction"),
        Column("asa_s", "ASA", "seconds"),
    ],
    [
        {"queue": "sales, north", "day": "2026-11-18", "offered": 4, "service_level": 0.75, "asa_s": 12.5},
        {"queue": 'care "vip"', "day": "2026-11-18", "offered": 0, "service_level": None, "asa_s": None},
    ],
)


def test_csv_has_units_in_headers_raw_values_and_empty_for_undefined() -> None:
    text = export.to_csv(TABLE)
    assert text.splitlines()[0] == "Queue,Day,Offered,Service level (fraction),ASA (s)"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["sales, north", "2026-11-18", "4", "0.75", "12.5"]
    assert rows[2] == ['care "vip"', "2026-11-18", "0", "", ""]
    assert text.endswith("\r\n")


def test_xlsx_keeps_numbers_as_numbers_with_formats() -> None:
    book = load_workbook(io.BytesIO(export.to_xlsx(TABLE)))
    sheet = book.active
    assert sheet.title == "Queues today siteLON"  # no [ ] : / in sheet names
    assert [c.value for c in sheet[1]] == ["Queue", "Day", "Offered", "Service level (fraction)", "ASA (s)"]
    assert sheet["C2"].value == 4 and sheet["D2"].value == 0.75 and sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].value == 12.5 and sheet["B2"].value.date() == date(2026, 11, 18)
    assert sheet["D3"].value is None and sheet["A3"].value == 'care "vip"'
    assert sheet.freeze_panes == "A2"


def test_sparkline_scales_and_breaks_on_missing_days() -> None:
    assert charts.sparkline_points([]) == []
    assert charts.sparkline_points([None, None]) == []
    assert charts.sparkline_points([1, 3, 2], width=100, height=20) == ["0.0,20.0 50.0,0.0 100.0,10.0"]
    assert charts.sparkline_points([5, 5], width=10, height=20) == ["0.0,10.0 10.0,10.0"]
    assert charts.sparkline_points([1, None, 3, 2], width=30, height=10) == ["0.0,10.0", "20.0,0.0 30.0,5.0"]


def test_previous_to_date() -> None:
    assert trends.previous_to_date(date(2026, 11, 16), date(2026, 11, 18), "week") == (
        date(2026, 11, 9),
        date(2026, 11, 11),
    )
    assert trends.previous_to_date(date(2026, 11, 1), date(2026, 11, 18), "month") == (
        date(2026, 10, 1),
        date(2026, 10, 18),
    )
    assert trends.previous_to_date(date(2026, 3, 1), date(2026, 3, 31), "month") == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert trends.previous_to_date(date(2026, 1, 1), date(2026, 1, 5), "month") == (
        date(2025, 12, 1),
        date(2025, 12, 5),
    )


def test_minute_cache_computes_once_and_serves_the_previous_minute_meanwhile() -> None:
    import threading

    from floorwalker.metrics.cache import MinuteCache

    cache = MinuteCache(max_entries=2)
    assert cache.get("m1", lambda: "one") == "one"
    assert cache.get("m1", lambda: "other") == "one" and cache.hits == 1
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "two"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(cache.get("m2", slow, stale_key="m1")))
    worker.start()
    started.wait(5)
    # While m2 is computed, others get m1 at once; with no stale value they wait for m2.
    assert cache.get("m2", lambda: "never", stale_key="m1") == "one" and cache.stale == 1
    waiter = threading.Thread(target=lambda: results.append(cache.get("m2", lambda: "never")))
    waiter.start()
    release.set()
    worker.join(5)
    waiter.join(5)
    assert results == ["two", "two"] and cache.misses == 2
    cache.get("m3", lambda: "three")
    assert cache.get("m1", lambda: "again") == "again"  # only 2 entries are kept
