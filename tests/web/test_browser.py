"""A real Chromium (Debian's, headless) against a real server on the demo center:
sign in as a manager, see non-zero numbers, create a team; an agent cannot open another
agent's page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from floorwalker import clock
from floorwalker.demo.service import DEMO_PASSWORD, build_demo
from floorwalker.settings import Settings
from tests.browser_support import launched, served

#: A Wednesday afternoon in London: the demo center is open, so today and yesterday have traffic.
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    from floorwalker.web.app import create_app

    settings = Settings(data=tmp_path_factory.mktemp("browser-demo"), database_url=None, warehouse_url=None)
    build_demo(settings, seed=11, now=NOW, time_zone="Europe/London", days=14)
    patch = pytest.MonkeyPatch()
    patch.setattr(clock, "now_aware", lambda: NOW)
    with served(create_app(settings)) as base:
        yield base, settings
    patch.undo()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched() as browser:
        yield browser


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_manager_sees_numbers_and_creates_a_team(server, chromium, tmp_path) -> None:
    base, _ = server
    context = chromium.new_context()
    page = context.new_page()
    _sign_in(page, base, "manager")
    page.wait_for_selector("h1:has-text('Overview')")
    offered_today = int(page.inner_text("[data-metric=offered-today]").replace(",", ""))
    offered_yesterday = int(page.inner_text("[data-metric=offered-yesterday]").replace(",", ""))
    assert offered_today > 0 and offered_yesterday > 0
    sl_cells = page.locator("#queues-MAIN-today td[data-col=service_level]").all_inner_texts()
    assert any(re.match(r"\d+\.\d%", cell) for cell in sl_cells), sl_cells
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    # A form error comes back beside the field (422), with or without htmx on the page.
    page.click("nav >> text=Sites")
    page.click("text=New site")
    page.fill("input[name=code]", "MARS")
    page.fill("input[name=name]", "Mars base")
    page.fill("input[name=time_zone]", "Mars/Olympus_Mons")
    page.click("form.record button[type=submit]")
    page.wait_for_selector(".error-message >> text=IANA")
    assert page.locator("label.invalid input[name=time_zone]").count() == 1

    page.click("nav >> text=Teams")
    page.click("text=New team")
    page.fill("input[name=name]", "Browser-made team")
    page.select_option("select[name=site_id]", index=0)
    page.click("form.record button[type=submit]")
    page.wait_for_selector("table.data >> text=Browser-made team")
    context.close()


def test_agent_cannot_open_another_agents_page(server, chromium) -> None:
    base, settings = server
    from sqlalchemy import select

    from floorwalker.auth.models import User
    from floorwalker.db import operational_session
    from floorwalker.org.models import Employee

    with operational_session(settings.resolved_database_url) as db:
        me = db.scalar(select(User.employee_id).where(User.username == "agent"))
        other = db.scalar(select(Employee.id).where(Employee.role == "agent", Employee.id != me).limit(1))
    context = chromium.new_context()
    page = context.new_page()
    _sign_in(page, base, "agent")
    page.wait_for_url(re.compile(rf"/agents/{me}$"))
    assert int(page.locator("#agent-days td:nth-child(2)").first.inner_text()) >= 0
    response = page.goto(f"{base}/agents/{other}")
    assert response is not None and response.status == 403
    assert "Not allowed" in page.inner_text("h1")
    response = page.goto(f"{base}/org/employees/{other}")
    assert response is not None and response.status == 403
    context.close()
