"""A real Chromium on the demo center's metrics: open the overview, drill from a number to the
contacts behind it, download an XLSX and read it back; the queue page draws its charts (when
Chart.js is installed) and always shows the same numbers as a table."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.web.test_browser import _sign_in, chromium, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_overview_drill_down_and_xlsx_download(server, chromium, tmp_path) -> None:  # noqa: F811
    base, _ = server
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    _sign_in(page, base, "manager")
    page.wait_for_selector("h1:has-text('Overview')")
    # The demo's targets colour the tiles; today's service level has a status.
    assert (
        page.locator(
            ".tile[data-kpi=service_level].rag-green, .tile[data-kpi=service_level].rag-amber, "
            ".tile[data-kpi=service_level].rag-red"
        ).count()
        >= 1
    )
    offered = int(page.inner_text("[data-metric=offered-yesterday]").replace(",", ""))
    assert offered > 0

    page.click("[data-metric=offered-yesterday] a")
    page.wait_for_url(re.compile(r"/metrics/contacts\?"))
    total = int(page.get_attribute("[data-total]", "data-total") or "-1")
    assert total == offered
    assert page.locator("table#contacts tbody tr").count() == min(total, 50)

    with page.expect_download() as info:
        page.click("[data-export=xlsx-contacts]")
    download = info.value
    assert download.suggested_filename == "contacts.xlsx"
    path = tmp_path / "contacts.xlsx"
    download.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.max_row == total + 1
    assert sheet.cell(1, 1).value == "Arrived (site time)"
    outcomes = {sheet.cell(r, 6).value for r in range(2, sheet.max_row + 1)}
    assert outcomes <= {
        "answered",
        "abandoned",
        "transferred",
        "timeout",
        "exit_key",
        "no_agents",
        "queue_full",
        "incomplete",
    }

    # From the overview's queue table to a queue page: the interval table is always there;
    # the charts are drawn when Chart.js was installed (make assets).
    page.goto(f"{base}/")
    page.click("table#queues-MAIN-yesterday tbody tr:first-child td:first-child a")
    page.wait_for_selector("table#intervals")
    assert page.locator("table#intervals tbody tr").count() > 10
    if page.locator("canvas[data-chart]").count():
        page.wait_for_selector("canvas[data-chart=volume][data-drawn='1']")
    context.close()
