"""Every format writes a valid file from the hand-built center, and the PDF really renders."""

import io
from datetime import UTC, datetime
from html.parser import HTMLParser

import openpyxl
import pypdfium2 as pdfium
import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.reports import service
from tests.reports.data import build_center

NOW = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


@pytest.fixture
def report(stores, db):
    build_center(stores, db)
    with stores.warehouse.connect() as conn:
        return service.build(db, conn, SYSTEM, "2026-10", None, None, NOW)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_four_charts(report) -> None:
    html = service.render(report, "html").decode()
    parser = _Collect()
    parser.feed(html)
    parser.close()
    assert html.startswith("<!doctype html>")
    assert parser.tags.count("svg") == 4
    assert parser.external == []  # no script, stylesheet or image fetched from anywhere
    text = " ".join(parser.text)
    assert "Service level was 81.0% against a target of 80% (green)" in text
    assert "A_T / (A + Ab + X)" in text and "A_T / (A + Ab + X − Ab_S)" in text
    assert "Customer care" in text and "Red" in text


def test_xlsx_holds_numbers_with_formats(report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(service.render(report, "xlsx")))
    assert wb.sheetnames == ["Summary", "Daily", "Queues", "Teams", "Charts", "Appendix"]
    summary = wb["Summary"]
    rows = {r[0].value: r for r in summary.iter_rows() if r[0].value}
    sl = rows["Service level"]
    assert sl[1].value == pytest.approx(17 / 21) and sl[1].number_format == "0.0%"
    assert sl[2].value == 0.8 and sl[3].value == "green"
    assert sl[5].value == pytest.approx((17 / 21 - 10 / 12) * 100)
    assert rows["Contacts offered"][1].value == 22
    daily = wb["Daily"]
    assert daily.max_row == 32  # header + 31 days
    assert daily["B6"].value == 12 and isinstance(daily["E6"].value, float)  # 5 October
    queues = wb["Queues"]
    by_code = {r[1].value: r for r in queues.iter_rows(min_row=2)}
    assert by_code["care"][4].value == pytest.approx(0.9)
    assert len(wb["Charts"]._images) == 4


def test_pdf_pages_render_and_are_not_blank(report) -> None:
    pdf = service.render(report, "pdf")
    assert pdf.startswith(b"%PDF-")
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 4
    first_words = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert "Executive summary" in first_words[0] and "page 1 of 4" in first_words[0]
    assert "Daily trends" in first_words[1]
    assert "Queues" in first_words[2] and "Top improvements and declines" in first_words[2]
    assert "Appendix: formulas and settings" in first_words[3]
    image = document[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    inked = 1 - sum(histogram[245:]) / sum(histogram)
    assert inked > 0.03  # text and table lines; a blank page is 0
    charts = document[1].render(scale=1).to_pil().convert("L")
    assert 1 - sum(charts.histogram()[245:]) / sum(charts.histogram()) > 0.03
