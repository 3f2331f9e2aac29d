"""The report as an Excel workbook (openpyxl): Summary, Daily, Queues, Teams, Charts and
Appendix sheets. Numbers are stored as numbers with a number format (fractions with a
percent format, seconds as a duration in days with [m]:ss), never as text, so a finance
team can compute with them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from floorwalker.metrics.formulas import SL_FORMULAS
from floorwalker.reports.charts import Chart
from floorwalker.reports.content import GroupRow, Report
from floorwalker.reports.wording import Unit

PERCENT = "0.0%"
COUNT = "#,##0"
#: Seconds are stored as seconds (the code's unit) with one decimal; a heading says "(s)".
SECONDS = "0.0"
CHANGE_POINTS = '+0.0" pt";-0.0" pt";0.0" pt"'
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EDF2F7")
STATUS_FILL = {
    "green": PatternFill("solid", fgColor="C6F6D5"),
    "amber": PatternFill("solid", fgColor="FEEBC8"),
    "red": PatternFill("solid", fgColor="FED7D7"),
}


def _format(unit: Unit) -> str:
    return {"fraction": PERCENT, "count": COUNT, "seconds": SECONDS, "score": "0.0"}[unit]


def _heading(label: str, unit: Unit) -> str:
    return f"{label} (s)" if unit == "seconds" else label


def _header(ws: Worksheet, row: int, headings: Sequence[str]) -> None:
    for col, text in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if number_format and value is not None:
        cell.number_format = number_format


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _summary(ws: Worksheet, r: Report) -> None:
    ws["A1"] = r.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"{r.period_label} ({r.start.isoformat()} to {r.end.isoformat()})"
    ws["A3"] = f"{'site ' + r.site if r.site else 'all sites'} · {r.scope}"
    ws["A4"] = f"generated {r.generated_at.isoformat(timespec='minutes')}"
    row = 6
    ws.cell(row=row, column=1, value="Executive summary").font = BOLD
    for sentence in r.summary:
        row += 1
        ws.cell(row=row, column=1, value=sentence)
    row += 2
    _header(
        ws,
        row,
        [
            "KPI",
            r.period_label,
            "Target",
            "Status",
            r.previous_label,
            "Change",
            r.year_label,
            "Change vs year",
        ],
    )
    for k in r.kpis:
        row += 1
        fmt = _format(k.unit)
        ws.cell(row=row, column=1, value=_heading(k.label, k.unit))
        _put(ws, row, 2, k.value, fmt)
        _put(ws, row, 3, k.target.goal if k.target else None, fmt)
        if k.status:
            ws.cell(row=row, column=4, value=k.status).fill = STATUS_FILL[k.status]
        _put(ws, row, 5, k.previous, fmt)
        change_fmt = (
            PERCENT if k.unit == "count" else (CHANGE_POINTS if k.unit == "fraction" else "+0.0;-0.0;0.0")
        )
        first = k.change.relative if k.unit == "count" else k.change.absolute
        year = k.change_year.relative if k.unit == "count" else k.change_year.absolute
        # Points are stored as fractions × 100 so the cell reads "+3.1 pt" and sums as points.
        if k.unit == "fraction":
            first = None if first is None else first * 100
            year = None if year is None else year * 100
        _put(ws, row, 6, first, change_fmt)
        _put(ws, row, 7, k.year_ago, fmt)
        _put(ws, row, 8, year, change_fmt)
    for note in r.notes:
        row += 2
        ws.cell(row=row, column=1, value=note)
    _widths(ws, [34, 16, 12, 10, 16, 12, 16, 14])


def _daily(ws: Worksheet, r: Report) -> None:
    headings = [
        "Day",
        "Offered",
        "Answered",
        "Abandoned",
        "Service level",
        "ASA (s)",
        "Abandon rate",
        "AHT (s)",
    ]
    _header(ws, 1, headings)
    for i, d in enumerate(r.days, start=2):
        _put(ws, i, 1, d.day, "yyyy-mm-dd")
        _put(ws, i, 2, d.offered, COUNT)
        _put(ws, i, 3, d.answered, COUNT)
        _put(ws, i, 4, d.abandoned, COUNT)
        _put(ws, i, 5, d.service_level, PERCENT)
        _put(ws, i, 6, d.asa_s, SECONDS)
        _put(ws, i, 7, d.abandon_rate, PERCENT)
        _put(ws, i, 8, d.aht_s, SECONDS)
    ws.freeze_panes = "B2"
    _widths(ws, [12, 10, 10, 11, 13, 9, 13, 9])


def _groups(
    ws: Worksheet,
    rows: Sequence[GroupRow],
    first: str,
    columns: Sequence[tuple[str, str, Unit]],
    previous_label: str,
) -> None:
    headings = [first, "Code", *(_heading(h, u) for _, h, u in columns)]
    headings += [f"{_heading(h, u)} {previous_label}" for _, h, u in columns]
    headings += ["Status " + h for k, h, _ in columns if any(g.statuses.get(k) for g in rows)]
    _header(ws, 1, headings)
    status_keys = [k for k, _, _ in columns if any(g.statuses.get(k) for g in rows)]
    for i, g in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=g.name)
        ws.cell(row=i, column=2, value=g.code)
        col = 3
        for key, _, unit in columns:
            _put(ws, i, col, g.values.get(key), _format(unit))
            col += 1
        for key, _, unit in columns:
            _put(ws, i, col, g.previous.get(key), _format(unit))
            col += 1
        for key in status_keys:
            status = g.statuses.get(key)
            if status:
                ws.cell(row=i, column=col, value=status).fill = STATUS_FILL[status]
            col += 1
    ws.freeze_panes = "C2"
    _widths(ws, [22, 12, *([13] * (len(headings) - 2))])


def _appendix(ws: Worksheet, r: Report) -> None:
    a = r.appendix
    row = 1
    _header(ws, row, ["Metric", "Formula", "Notes"])
    for d in a.definitions:
        row += 1
        ws.cell(row=row, column=1, value=d.term)
        ws.cell(row=row, column=2, value=d.formula)
        ws.cell(row=row, column=3, value=d.note)
    row += 1
    ws.cell(row=row, column=1, value="Symbols")
    ws.cell(row=row, column=2, value=a.symbols)
    row += 2
    _header(ws, row, ["Queue", "Site", "Channel", "SL formula", "Formula text", "T (s)", "S (s)"])
    for q in a.queues:
        row += 1
        for col, value in enumerate(
            [f"{q.name} ({q.code})", q.site, q.channel, q.sl_formula, SL_FORMULAS.get(q.sl_formula, "")],
            start=1,
        ):
            ws.cell(row=row, column=col, value=value)
        _put(ws, row, 6, q.sl_threshold_s, "0")
        _put(ws, row, 7, q.short_abandon_s, "0")
    row += 2
    _header(ws, row, ["Setting", "Value"])
    for name, value in a.settings:
        row += 1
        ws.cell(row=row, column=1, value=name)
        ws.cell(row=row, column=2, value=value)
    row += 2
    _header(ws, row, ["Target KPI", "Scope", "Goal", "Amber margin"])
    for target in a.targets:
        row += 1
        for col, value in enumerate(target, start=1):
            ws.cell(row=row, column=col, value=value)
    row += 2
    _header(ws, row, ["Data source", "Contacts in the period"])
    for source, n in a.sources:
        row += 1
        ws.cell(row=row, column=1, value=source)
        _put(ws, row, 2, n, COUNT)
    _widths(ws, [30, 48, 60, 14, 26, 8, 8])


def render_xlsx(report: Report, charts: Sequence[Chart]) -> bytes:
    """The workbook as bytes."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, report)
    _daily(wb.create_sheet("Daily"), report)
    _groups(wb.create_sheet("Queues"), report.queues, "Queue", report.queue_columns, report.previous_label)
    _groups(wb.create_sheet("Teams"), report.teams, "Team", report.team_columns, report.previous_label)
    chart_sheet = wb.create_sheet("Charts")
    anchor_row = 1
    for chart in charts:
        chart_sheet.cell(row=anchor_row, column=1, value=chart.title).font = BOLD
        image = Image(io.BytesIO(chart.png))
        image.width, image.height = 720, 250
        chart_sheet.add_image(image, f"A{anchor_row + 1}")
        anchor_row += 15
    _appendix(wb.create_sheet("Appendix"), report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
