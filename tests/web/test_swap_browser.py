"""A real Chromium through the shift swap flow: an agent proposes a swap from "my
schedule", the colleague accepts from their inbox, the supervisor reviews the rule check
and the coverage impact (per interval and per skill) and approves; the schedule grid then
shows the swapped shifts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from floorwalker.db import session_factory
from floorwalker.org.models import EmployeeSkill
from floorwalker.settings import Settings
from floorwalker.stores import init_stores
from tests import factories as f
from tests.browser_support import launched, served
from tests.wfm.swap_setup import WEEK, build, row

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def swap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    from floorwalker.web.app import create_app

    settings = Settings(data=tmp_path_factory.mktemp("browser-swaps"), database_url=None, warehouse_url=None)
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    with session_factory(settings.resolved_database_url)() as db:
        w = build(db)
        spanish = f.skill(db, name="Spanish")
        db.add(EmployeeSkill(employee_id=w.ann.id, skill_id=spanish.id, proficiency=4))
        db.commit()
        f.user(db, "agent", employee_id=w.ann.id, username="ann")
        f.user(db, "agent", employee_id=w.bob.id, username="bob")
        f.user(db, "supervisor", employee_id=w.boss.id, username="sue")
        ids = {"bob_sat": row(db, w.bob, 5).id}
    with served(create_app(settings)) as base:
        yield base, ids


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched() as browser:
        yield browser


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")


def _cells(page, agent: str) -> list[str]:
    """The seven day cells of ``agent``'s grid row, first line of each."""
    cells = page.locator(f"#schedule-grid tbody tr:has(th:has-text('{agent}')) td")
    return [cells.nth(i).inner_text().split("\n")[0].strip() for i in range(7)]


def test_agent_proposes_colleague_accepts_supervisor_approves(swap_server, chromium, tmp_path) -> None:
    base, ids = swap_server
    ann = chromium.new_context().new_page()
    _sign_in(ann, base, "ann")
    ann.click("nav >> text=My schedule")
    ann.goto(f"{base}/wfm/my-schedule?week={WEEK}")
    assert ann.locator("a.propose-swap").count() == 5
    ann.locator("a.propose-swap").first.click()  # Monday 08:00–16:30
    ann.wait_for_selector("#swap-form")
    ann.select_option("#swap-form select[name=target]", f"shift:{ids['bob_sat']}")
    ann.fill("#swap-form input[name=message]", "Family lunch on Monday")
    ann.click("#swap-form button[type=submit]")
    ann.wait_for_selector("#flash:has-text('proposed: waiting for your colleague')")
    assert ann.locator("#swap-requests .status").first.inner_text() == "proposed"
    assert ann.locator("#swap-requests a.review").count() == 0  # an agent cannot decide

    bob = chromium.new_context().new_page()
    _sign_in(bob, base, "bob")
    bob.goto(f"{base}/wfm/my-schedule?week={WEEK}")
    bob.click("#swap-offers a.offer")
    bob.wait_for_selector("#swap-facts")
    assert "Mon 2030-01-07 08:00–16:30 (full)" in bob.inner_text("#swap-facts")
    assert bob.locator("#coverage-summary").count() == 0  # the impact is for the deciders
    bob.click("#accept")
    bob.wait_for_selector("#flash:has-text('accepted')")

    sup = chromium.new_context().new_page()
    _sign_in(sup, base, "sue")
    sup.click("nav >> text=Shift swaps")
    sup.click("#swap-requests a.review")
    sup.wait_for_selector("#rule-check")
    assert "Both agents' weeks keep every rule" in sup.inner_text("#rule-check")
    assert "does not change" in sup.inner_text("#coverage-summary")
    first = [c.strip() for c in sup.locator("#skill-impact tbody tr").first.inner_text().split("\t")]
    assert first == ["Spanish", "ann", "Mon 2030-01-07 08:00", "09:30", "-1"]  # until her first break
    sup.screenshot(path=str(tmp_path / "swap-review.png"), full_page=True)
    sup.fill("#decide-form input[name=note]", "fine by me")
    sup.click("#approve")
    sup.wait_for_selector("#flash:has-text('approved')")
    assert sup.locator("#swap-requests .status").first.inner_text() == "approved (sue)"

    sup.goto(f"{base}/wfm/schedule?week={WEEK}&site=LON")
    sup.wait_for_selector("#schedule-grid")
    ann_days, bob_days = _cells(sup, "ann"), _cells(sup, "bob")
    assert ann_days[0] == "off" and ann_days[5] == "11:30–20:00"
    assert bob_days[0] == "08:00–16:30" and bob_days[5] == "off"
