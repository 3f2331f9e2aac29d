"""The report as an A4 PDF with ReportLab (pure-Python wheels from PyPI; no system library).

Page 1: title, executive summary, headline KPIs. Page 2: the four daily charts. Page 3:
queue and team tables, top improvements and declines. Then the appendix. Text is set in
DejaVu Sans, the TrueType font matplotlib ships (so ≥, ≤, Σ and − print on any machine
without installing fonts); every page has a footer "page N of M".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from floorwalker.metrics.formulas import SL_FORMULAS
from floorwalker.reports import wording
from floorwalker.reports.charts import HEIGHT_IN, WIDTH_IN, Chart
from floorwalker.reports.content import GroupRow, Report
from floorwalker.reports.wording import Unit

FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
INK = colors.HexColor("#2d3748")
NAVY = colors.HexColor("#1a365d")
BLUE = colors.HexColor("#2b6cb0")
RULE = colors.HexColor("#e2e8f0")
HEAD = colors.HexColor("#edf2f7")
MUTED = colors.HexColor("#718096")
STATUS = {
    "green": (colors.HexColor("#c6f6d5"), colors.HexColor("#22543d")),
    "amber": (colors.HexColor("#feebc8"), colors.HexColor("#7b341e")),
    "red": (colors.HexColor("#fed7d7"), colors.HexColor("#742a2a")),
}
MARGIN = 15 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"), (MONO, "DejaVuSansMono.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=3)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=19, leading=23, textColor=NAVY),
        "meta": ParagraphStyle("meta", base, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=13, leading=16, textColor=NAVY, spaceBefore=8, spaceAfter=5
        ),
        "h3": ParagraphStyle("h3", base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, spaceAfter=0),
        "num": ParagraphStyle("num", base, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "code": ParagraphStyle("code", base, fontName=MONO, fontSize=7, leading=8.8, spaceAfter=0),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9, spaceAfter=0),
        "bullet": ParagraphStyle("bullet", base, fontSize=8.5, leading=11, leftIndent=10, bulletIndent=0),
    }


class _NumberedCanvas(Canvas):
    """Draws "page N of M" once the page count is known (pages are kept, then finished)."""

    def __init__(self, *args: Any, report_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._label = report_label

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 9 * mm, self._label)
            self.drawRightString(A4[0] - MARGIN, 9 * mm, f"page {self._pageNumber} of {total}")
            self.setStrokeColor(RULE)
            self.line(MARGIN, 12 * mm, A4[0] - MARGIN, 12 * mm)
            super().showPage()
        super().save()


def _table(
    rows: list[list[Any]],
    widths: Sequence[float],
    status_cells: Sequence[tuple[int, int, str]] = (),
    numeric_from: int = 1,
    padding: float = 2.5,
) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    for col, row, status in status_cells:
        fill, ink = STATUS[status]
        style += [
            ("BACKGROUND", (col, row), (col, row), fill),
            ("TEXTCOLOR", (col, row), (col, row), ink),
            ("ALIGN", (col, row), (col, row), "CENTER"),
        ]
    table.setStyle(TableStyle(style))
    return table


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _kpi_table(r: Report, s: dict[str, ParagraphStyle]) -> Table:
    head = ["KPI", r.period_label, "Target", "Status", r.previous_label, "Change", r.year_label, "Change"]
    rows: list[list[Any]] = [
        [Paragraph(f"<b>{escape(h)}</b>", s["num"] if i else s["cell"]) for i, h in enumerate(head)]
    ]
    marks = []
    for i, k in enumerate(r.kpis, start=1):
        target = "—"
        if k.target is not None:
            sign = "≥" if k.target.direction == "at_least" else "≤"
            target = f"{sign} {wording.goal_text(k.target.goal, k.unit)}"
        rows.append(
            [
                k.label,
                wording.value_text(k.value, k.unit),
                target,
                k.status or "",
                wording.value_text(k.previous, k.unit),
                wording.signed_change(k.change.absolute, k.change.relative, k.unit),
                wording.value_text(k.year_ago, k.unit),
                wording.signed_change(k.change_year.absolute, k.change_year.relative, k.unit),
            ]
        )
        if k.status:
            marks.append((3, i, k.status))
    w = CONTENT_WIDTH
    return _table(
        rows, [0.23 * w, 0.11 * w, 0.09 * w, 0.10 * w, 0.13 * w, 0.09 * w, 0.15 * w, 0.10 * w], marks
    )


def _group_table(
    groups: Sequence[GroupRow],
    first: str,
    columns: Sequence[tuple[str, str, Unit]],
    s: dict[str, ParagraphStyle],
) -> Table:
    head = [first, *(h for _, h, _ in columns)]
    rows: list[list[Any]] = [
        [Paragraph(f"<b>{escape(h)}</b>", s["num"] if i else s["cell"]) for i, h in enumerate(head)]
    ]
    marks = []
    for i, g in enumerate(groups, start=1):
        row: list[Any] = [_p(g.name if g.name == g.code else f"{g.name} ({g.code})", s["cell"])]
        for col, (key, _, unit) in enumerate(columns, start=1):
            row.append(wording.value_text(g.values.get(key), unit))
            status = g.statuses.get(key)
            if status:
                marks.append((col, i, status))
        rows.append(row)
    first_width = 0.26 * CONTENT_WIDTH
    rest = (CONTENT_WIDTH - first_width) / len(columns)
    return _table(rows, [first_width, *([rest] * len(columns))], marks)


def _page_one(r: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    where = f"site {r.site}" if r.site else "all sites"
    meta = (
        f"<b>{escape(r.period_label)}</b> ({r.start.isoformat()} to {r.end.isoformat()}, site-local days) · "
        f"{escape(where)} · {escape(r.scope)} · compared with {escape(r.previous_label)} and "
        f"{escape(r.year_label)} · generated {r.generated_at:%Y-%m-%d %H:%M} UTC"
    )
    story: list[Flowable] = [
        _p(r.title, s["title"]),
        Paragraph(meta, s["meta"]),
        _p("Executive summary", s["h2"]),
    ]
    story += [_p(sentence, s["body"]) for sentence in r.summary]
    story += [Spacer(1, 4), _p("Headline KPIs", s["h2"]), _kpi_table(r, s), Spacer(1, 6)]
    story += [_p(n, s["note"]) for n in r.notes]
    return story


def _charts_page(charts: Sequence[Chart], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Daily trends", s["h2"])]
    width = 160 * mm
    height = width * HEIGHT_IN / WIDTH_IN
    for chart in charts:
        story.append(KeepTogether([_p(chart.title, s["h3"]), Image(io.BytesIO(chart.png), width, height)]))
    return story


def _tables_page(r: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Queues", s["h2"])]
    if r.queues:
        story.append(_group_table(r.queues, "Queue", r.queue_columns, s))
    else:
        story.append(_p("No queue had contacts in this period.", s["body"]))
    story += [Spacer(1, 6), _p("Teams", s["h2"])]
    if r.teams:
        story.append(_group_table(r.teams, "Team", r.team_columns, s))
    else:
        story.append(_p("No team handled contacts in this period.", s["body"]))
    story += [CondPageBreak(50 * mm), _p("Top improvements and declines", s["h2"])]
    for title, movers in (("Improvements", r.improvements), ("Declines", r.declines)):
        story.append(_p(title, s["h3"]))
        if not movers:
            story.append(
                _p("None to rank: queues and teams need enough contacts in both periods.", s["note"])
            )
        for i, m in enumerate(movers, start=1):
            story.append(Paragraph(escape(m.sentence), s["bullet"], bulletText=f"{i}."))
    return story


def _appendix(r: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    a = r.appendix
    w = CONTENT_WIDTH
    story: list[Flowable] = [
        PageBreak(),
        _p("Appendix: formulas and settings", s["h2"]),
        _p("Definitions", s["h3"]),
    ]
    rows: list[list[Any]] = [["Metric", "Formula", "Notes"]]
    rows += [
        [_p(d.term, s["small"]), _p(d.formula, s["code"]), _p(d.note, s["small"])] for d in a.definitions
    ]
    story.append(_table(rows, [0.22 * w, 0.36 * w, 0.42 * w], numeric_from=3, padding=1.5))
    story.append(_p(a.symbols, s["note"]))
    story.append(_p("Service level by queue", s["h3"]))
    rows = [["Queue", "Site", "Channel", "Formula", "T (s)", "S (s)"]]
    for q in a.queues:
        formula = Paragraph(
            f"{escape(q.sl_formula)}<br/><font name='{MONO}'>"
            f"{escape(SL_FORMULAS.get(q.sl_formula, ''))}</font>",
            s["small"],
        )
        rows.append(
            [
                _p(f"{q.name} ({q.code})", s["small"]),
                q.site,
                q.channel,
                formula,
                wording.count(q.sl_threshold_s),
                wording.count(q.short_abandon_s),
            ]
        )
    story.append(
        _table(
            rows, [0.22 * w, 0.09 * w, 0.12 * w, 0.43 * w, 0.07 * w, 0.07 * w], numeric_from=4, padding=1.5
        )
    )
    story.append(_p("Settings", s["h3"]))
    rows = [["Setting", "Value"]] + [[_p(n, s["small"]), _p(v, s["small"])] for n, v in a.settings]
    story.append(_table(rows, [0.28 * w, 0.72 * w], numeric_from=2, padding=1.5))
    story.append(_p("Targets", s["h3"]))
    rows = [["KPI", "Scope", "Goal", "Amber margin"], *[list(t) for t in a.targets]]
    story.append(_table(rows, [0.3 * w, 0.3 * w, 0.2 * w, 0.2 * w], numeric_from=2, padding=1.5))
    story.append(_p("Data sources", s["h3"]))
    if a.sources:
        rows = [["Source", "Contacts in the period"], *[[n, wording.count(c)] for n, c in a.sources]]
        story.append(_table(rows, [0.6 * w, 0.4 * w], padding=1.5))
    else:
        story.append(_p("No contacts in the period.", s["body"]))
    return story


def render_pdf(report: Report, charts: Sequence[Chart]) -> bytes:
    """The report as PDF bytes."""
    _register_fonts()
    s = _styles()
    out = io.BytesIO()
    label = f"floorwalker · {report.title} · {report.period_label}" + (
        f" · site {report.site}" if report.site else ""
    )
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"{report.title} — {report.period_label}",
        author="floorwalker",
        creator="floorwalker",
        invariant=1,
    )
    story = _page_one(report, s) + _charts_page(charts, s) + _tables_page(report, s) + _appendix(report, s)

    def canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, report_label=label, **kwargs)

    doc.build(story, canvasmaker=canvas)
    return out.getvalue()
