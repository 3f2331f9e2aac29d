"""A real Chromium against a real server on a small history: a manager opens the what-if
page, adds +10% volume, runs, sees the scenario column, saves the scenario and reopens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from floorwalker.settings import Settings
from tests import factories as f
from tests.browser_support import launched, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from floorwalker.db import get_engine, operational_session
    from floorwalker.stores import init_stores
    from floorwalker.web.app import create_app
    from tests.sim.test_service import small_history

    settings = Settings(data=tmp_path_factory.mktemp("browser-sim"), database_url=None, warehouse_url=None)
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    with operational_session(settings.resolved_database_url) as db:
        small_history(db, get_engine(settings.resolved_warehouse_url))
        f.user(db, "manager", username="mona")
    with served(create_app(settings)) as base:
        yield base


def test_manager_runs_a_what_if_and_saves_it(server: str, tmp_path: Path) -> None:
    with launched() as chromium:
        page = chromium.new_page()
        # The first run compiles the simulator (numba; 10–20 s on a busy 2-core machine, and a
        # reopened scenario may compile another specialisation): generous waits.
        page.set_default_timeout(180_000)
        page.goto(f"{server}/")
        page.fill("input[name=username]", "mona")
        page.fill("input[name=password]", f.PASSWORD)
        page.click("button[type=submit]")
        page.click("nav >> text=What-if")
        page.wait_for_selector("h1:has-text('What-if')")
        page.fill("input[name=week]", "2026-11-02")
        page.fill("input[name=days]", "1")
        page.fill("input[name=replications]", "3")
        page.select_option("select[name=kind]", "volume")
        page.fill("input[name=pct]", "10")
        page.click("#add-change")
        page.wait_for_selector(".change:has-text('Volume +10% on every queue')")
        page.click("#run")
        page.wait_for_selector("#totals")
        header = page.inner_text("#totals thead")
        assert "Scenario" in header
        offered = page.inner_text("#totals tr[data-metric=offered]")
        assert offered.split()[-1] != "0.0"
        assert page.locator("#intervals td.scenario").count() > 0
        assert "History (what happened that week)" in page.inner_text("#baseline-used")
        assert page.is_checked("input[name=baseline][value=history]")
        page.screenshot(path=str(tmp_path / "whatif.png"), full_page=True)
        page.fill("#save-form input[name=name]", "Ten percent more")
        page.click("#save")
        page.wait_for_selector("#saved-scenario:has-text('Ten percent more')")
        page.click("nav >> text=What-if")
        # the navigation is an htmx swap (hx-boost): wait for it before clicking in the new page
        page.wait_for_url("**/sim")
        page.click("#saved >> text=Ten percent more")
        page.wait_for_selector("#totals")
        assert page.locator(".change:has-text('Volume +10%')").count() == 1
        chromium.close()
