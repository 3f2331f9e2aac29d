"""A real Chromium against a real server: a supervisor opens the intraday page, sees the
projected SL before → after of each suggestion, applies a break move and finds it gone from
the list and the interval's gap closed."""

from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.browser_support import launched, served
from tests.wfm.intraday_helpers import at, published_day

pytestmark = pytest.mark.browser


def test_supervisor_applies_a_break_move(stores, db, monkeypatch) -> None:
    if stores.kind != "embedded":
        pytest.skip("one store is enough for the browser")
    from floorwalker.web.app import create_app

    built = published_day(stores, db, monkeypatch)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: at(9))
    boss = f.employee(db, built["people"][0].site_id, role="supervisor", agent_code=None)
    built["red"].supervisor_id = boss.id
    db.commit()
    f.user(db, "supervisor", employee_id=boss.id, username="sue")
    with served(create_app(stores.settings)) as base, launched() as chromium:
        page = chromium.new_context().new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "sue")
        page.fill("input[name=password]", f.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{base}/wfm/intraday?site=LON")
        page.wait_for_selector("#intraday")
        first = page.locator("#suggestions tbody tr").first
        assert re.fullmatch(r"[\d.]+% → [\d.]+%", first.locator(".sl-change").inner_text().strip())
        row = page.locator("#suggestions tbody tr", has_text="Move ann's break 1 from 10:00")
        row.get_by_role("button", name="Apply").click()
        page.wait_for_selector("#flash")
        assert "ann: block moved to 11:30 UTC" in page.locator("#flash").inner_text()
        assert page.locator("#suggestions tbody tr", has_text="Move ann's break 1 from 10:00").count() == 0
        ten = page.locator("#intraday tbody tr", has_text="10:00").first.locator("td").nth(5).inner_text()
        assert ten.strip() == "2"  # 1.5 before: ann's break has left 10:00
