"""A real Chromium through the time-off approval flow: an agent asks for a day off, the
supervisor opens the request, sees which intervals would fall below the requirement and
by how much, and approves; the shift becomes a day off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from floorwalker.db import session_factory
from floorwalker.settings import Settings
from floorwalker.stores import init_stores
from floorwalker.wfm.models import ScheduleShift
from tests import factories as f
from tests.browser_support import served
from tests.web.test_browser import chromium  # noqa: F401
from tests.wfm.test_time_off import _setup

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def time_off_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    from floorwalker.web.app import create_app

    settings = Settings(
        data=tmp_path_factory.mktemp("browser-time-off"), database_url=None, warehouse_url=None
    )
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    with session_factory(settings.resolved_database_url)() as db:
        _agent, sup, ann, _bob, _sched = _setup(db)
        f.user(db, "agent", employee_id=ann.id, username="ann")
        f.user(db, "supervisor", employee_id=sup.employee_id, username="sue")
    with served(create_app(settings)) as base:
        yield base, settings


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")


def test_agent_asks_and_supervisor_approves_seeing_the_impact(time_off_server, chromium, tmp_path) -> None:  # noqa: F811
    base, settings = time_off_server
    agent = chromium.new_context().new_page()
    _sign_in(agent, base, "ann")
    agent.wait_for_selector("nav >> text=Time off")
    agent.click("nav >> text=Time off")
    agent.fill("#time-off-form input[name=start]", "2026-10-20T08:00")
    agent.fill("#time-off-form input[name=end]", "2026-10-20T18:00")
    agent.fill("#time-off-form input[name=reason]", "Dentist, then school run")
    agent.click("#time-off-form button[type=submit]")
    agent.wait_for_selector("#flash:has-text('Time off requested')")
    assert agent.locator("#time-off-requests .status").first.inner_text() == "pending"
    assert agent.locator("a.review").count() == 0  # an agent cannot decide

    sup = chromium.new_context().new_page()
    _sign_in(sup, base, "sue")
    sup.wait_for_selector("nav >> text=Time off")
    sup.click("nav >> text=Time off")
    sup.click("a.review")
    sup.wait_for_selector("#impact-summary")
    assert "7 intervals would fall further below the requirement" in sup.inner_text("#impact-summary")
    rows = sup.locator("#impact-below tbody tr")
    assert rows.count() == 7
    first = [c.strip() for c in rows.first.inner_text().split("\t")]
    assert first[1:] == ["2", "2", "1", "1"]  # required, scheduled now, after approval, short by
    sup.screenshot(path=str(tmp_path / "time-off-impact.png"), full_page=True)
    sup.fill("#decide-form input[name=note]", "covered by overtime")
    sup.click("#approve")
    sup.wait_for_selector("#flash:has-text('approved')")
    assert sup.locator("#time-off-requests .status").first.inner_text() == "approved (sue)"

    with session_factory(settings.resolved_database_url)() as db:
        shift = db.scalars(select(ScheduleShift).where(ScheduleShift.agent_code == "ann")).one()
        assert shift.kind == "off"
