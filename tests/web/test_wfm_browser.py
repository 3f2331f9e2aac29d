"""A real Chromium on the demo center's planning pages: a manager saves a forecast, records
an override (the original stays visible) and opens the requirements heatmap."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from floorwalker import clock
from floorwalker.demo.service import build_demo
from floorwalker.settings import Settings
from tests.browser_support import served
from tests.web.test_browser import NOW, _sign_in, chromium  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def planning_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from floorwalker.web.app import create_app

    settings = Settings(data=tmp_path_factory.mktemp("browser-wfm"), database_url=None, warehouse_url=None)
    build_demo(settings, seed=5, now=NOW, time_zone="Europe/London", days=28)
    patch = pytest.MonkeyPatch()
    patch.setattr(clock, "now_aware", lambda: NOW)
    with served(create_app(settings)) as base:
        yield base
    patch.undo()


def test_manager_forecasts_overrides_and_sees_the_heatmap(planning_server, chromium, tmp_path) -> None:  # noqa: F811
    base = planning_server
    context = chromium.new_context()
    page = context.new_page()
    _sign_in(page, base, "manager")
    page.wait_for_selector("h1:has-text('Overview')")
    page.click("nav >> text=Planning")
    page.wait_for_selector("h1:has-text('Forecast')")
    page.click("summary:has-text('Save a new forecast version')")
    page.select_option("#save-forecast select[name=method]", "weighted_average")
    page.fill("#save-forecast input[name=history_days]", "28")
    page.fill("#save-forecast input[name=horizon_days]", "7")
    page.click("#save-forecast button[type=submit]")
    page.wait_for_selector("text=Saved forecast version")
    assert page.locator("#forecast-chart polyline").count() == 2
    first_day = page.locator("#forecast-days tbody tr td").first.inner_text()
    before = float(
        page.locator("#forecast-days tbody tr td:nth-child(2)").first.inner_text().replace(",", "")
    )
    assert before > 0

    page.fill("#override-form input[name=day]", first_day)
    page.fill("#override-form input[name=factor]", "1.5")
    page.fill("#override-form input[name=reason]", "Mailing to every customer")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#overrides >> text=Mailing to every customer")
    after = float(page.locator("#forecast-days tbody tr td:nth-child(2)").first.inner_text().replace(",", ""))
    original = float(
        page.locator("#forecast-days tbody tr td:nth-child(3)").first.inner_text().replace(",", "")
    )
    assert after == pytest.approx(1.5 * original, rel=0.01) and original == pytest.approx(before, rel=0.01)
    page.screenshot(path=str(tmp_path / "forecast.png"), full_page=True)

    page.click("nav.tabs >> text=Requirements")
    page.wait_for_selector("#heatmap")
    if page.locator("button:has-text('Forecast the missing queues')").count():
        page.click("button:has-text('Forecast the missing queues')")
        page.wait_for_selector("text=Forecasts ready")
    cells = [c for c in page.locator("#heatmap tbody td").all_inner_texts() if re.fullmatch(r"\d+", c)]
    assert cells and max(int(c) for c in cells) > 0
    context.close()
