"""Benchmark and look-see: the management report of the demo center's October 2026.

Builds the demo center (400 days ending 2 November 2026, so that October has a previous
month and a same month a year earlier) unless --data names a data directory that holds
one, then times in one run: loading the report's rows through the metrics cube (three
periods), and rendering HTML, XLSX and PDF. The PDF is rasterised page by page with
pypdfium2 (PDFium, the engine of Chromium's PDF viewer) to PNG files a human can open,
and the non-white share of each page is printed (a blank page would show ~0%). As a
floor for the PDF renderer, the same run times matplotlib alone drawing the four charts.

    .venv/bin/python bench/report_render.py [--data DIR] [--period 2026-10] [--out DIR]
                                            [--doc-image docs/img/report-page-1.png]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from floorwalker.auth.permissions import SYSTEM
from floorwalker.db import get_engine, operational_session
from floorwalker.demo.service import build_demo
from floorwalker.reports import render_html, render_pdf, render_xlsx, service
from floorwalker.settings import Settings

END = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def non_white(png: bytes) -> float:
    """Share of pixels that are not (near) white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / sum(histogram)


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds:7.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, help="a data directory holding a demo center")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--site")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "floorwalker-report")
    parser.add_argument("--doc-image", type=Path, help="also save page 1 here (for docs/reports.md)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "demo"
        settings = Settings(data=data, database_url=None, warehouse_url=None)
        if args.data is None:
            summary, _ = timed(
                "build demo center (400 days)",
                lambda: build_demo(settings, seed=7, now=END, time_zone="Europe/London", days=400),
            )
            print(f"  {summary.contacts:,} contacts, {summary.agent_states:,} agent states")
        with (
            operational_session(settings.resolved_database_url) as session,
            get_engine(settings.resolved_warehouse_url).connect() as warehouse,
        ):
            report, load_s = timed(
                "rows via the cube (3 periods)",
                service.build,
                session,
                warehouse,
                SYSTEM,
                args.period,
                args.site,
                None,
                datetime.now(UTC),
            )
    charts, charts_s = timed("charts (matplotlib, SVG + PNG)", service.report_charts, report)
    html, html_s = timed("HTML", render_html.render_html, report, charts)
    xlsx, xlsx_s = timed("XLSX (openpyxl)", render_xlsx.render_xlsx, report, charts)
    pdf, pdf_s = timed("PDF (ReportLab)", render_pdf.render_pdf, report, charts)
    for name, blob in (("html", html.encode()), ("xlsx", xlsx), ("pdf", pdf)):
        (args.out / f"report-{args.period}.{name}").write_bytes(blob)
        print(f"  report-{args.period}.{name}: {len(blob):,} bytes")
    started = time.perf_counter()
    document = pdfium.PdfDocument(pdf)
    for i, page in enumerate(document, start=1):
        image = page.render(scale=110 / 72).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        png = buffer.getvalue()
        (args.out / f"report-{args.period}-page-{i}.png").write_bytes(png)
        print(f"  page {i}: {image.width}×{image.height} px, {non_white(png):.1%} non-white")
        if i == 1 and args.doc_image:
            args.doc_image.write_bytes(png)
    raster_s = time.perf_counter() - started
    print(f"{'rasterise PDF (pypdfium2)':<34} {raster_s:7.2f} s   ({len(document)} pages)")
    print(
        f"render total / cube load: {(html_s + xlsx_s + pdf_s + charts_s) / load_s:.2f}×; "
        f"PDF / charts alone: {pdf_s / charts_s:.2f}×"
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
