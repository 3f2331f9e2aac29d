"""A real Chromium against a real server: a QA analyst builds a scorecard and evaluates a
contact from the warehouse, the agent acknowledges and disputes, a manager re-scores, and
the history keeps both scorings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from floorwalker.settings import Settings
from tests import factories as f
from tests.browser_support import launched, served

pytestmark = pytest.mark.browser


def _small_center(settings: Settings) -> None:
    from floorwalker.db import get_engine, operational_session
    from floorwalker.stores import init_stores

    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    with operational_session(settings.resolved_database_url) as db:
        site = f.site(db, code="LON")
        team = f.team(db, site.id)
        agent = f.employee(db, site.id, team.id, agent_code="ann.agent", full_name="Ann Agent")
        f.user(db, "qa", username="quinn")
        f.user(db, "manager", username="mona")
        f.user(db, "agent", agent.id, username="ann")
    rows = f.contact_rows(
        "LON",
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 300, "agent": "ann.agent"},
        ],
    )
    with get_engine(settings.resolved_warehouse_url).begin() as conn:
        f.load_contacts(conn, rows)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from floorwalker.web.app import create_app

    settings = Settings(data=tmp_path_factory.mktemp("browser-qa"), database_url=None, warehouse_url=None)
    _small_center(settings)
    with served(create_app(settings)) as base:
        yield base


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched() as browser:
        yield browser


def _signed_in(chromium, base: str, username: str):  # type: ignore[no-untyped-def]
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("nav >> text=Quality")
    return context, page


def test_build_evaluate_acknowledge_dispute_rescore(server, chromium, tmp_path) -> None:
    base = server
    # The QA analyst builds the scorecard from the example definition and publishes it.
    context, page = _signed_in(chromium, base, "quinn")
    page.click("nav >> text=Quality")
    page.click("text=New scorecard")
    assert "verify_id" in page.input_value("textarea[name=definition]")
    page.click("button:has-text('Publish')")
    page.wait_for_selector("text=Published version 1")
    assert "Voice QA" in page.inner_text("h1")

    # … then finds the contact and scores it: 0.3 × 1 + 0.7 × (2.25/6) = 56.25 %.
    page.click("nav >> text=Quality")
    page.click("text=Evaluate a contact")
    page.fill("input[name=agent]", "ann.agent")
    page.click("button:has-text('Search')")
    page.click("#contacts >> text=Voice QA")
    page.wait_for_selector("h1:has-text('Evaluate contact')")
    assert "Ann Agent" in page.inner_text("dl.facts")
    page.check("input[name='a.greeting'][value=yes]")
    page.check("input[name='a.verify_id'][value=yes]")
    page.select_option("select[name='a.empathy']", "4")
    page.check("input[name='a.resolved'][value=no]")
    page.fill("input[name='c.resolved']", "Promised a call back; none was made.")
    page.fill("textarea[name=feedback]", "Warm opening; close the loop.")
    page.click("button:has-text('Save evaluation')")
    page.wait_for_selector("text=Evaluation saved")
    assert page.inner_text("#score") == "56.25%"
    evaluation_url = page.url.split("?")[0]
    page.screenshot(path=str(tmp_path / "evaluation.png"), full_page=True)
    context.close()

    # The agent sees it, acknowledges, then disputes with a reason.
    context, page = _signed_in(chromium, base, "ann")
    page.goto(f"{base}/qa")
    page.click("#evaluations tbody a")
    page.wait_for_selector("h1:has-text('Evaluation #')")
    page.click("button:has-text('Acknowledge')")
    page.wait_for_selector("text=Acknowledged.")
    page.fill("textarea[name=reason]", "The customer confirmed the fix at the end of the call.")
    page.click("button:has-text('Dispute')")
    page.wait_for_selector("text=Dispute sent to a reviewer")
    assert "disputed" in page.inner_text("#status")
    context.close()

    # A manager (not the evaluator) re-scores: resolved becomes yes → 0.3 + 0.7 × 5.25/6 = 91.25 %.
    context, page = _signed_in(chromium, base, "mona")
    page.goto(f"{base}/qa")
    page.click("#open-disputes tbody a")
    page.wait_for_url(evaluation_url)  # the click navigates; wait for it before reading the page
    page.wait_for_selector("text=Review the dispute")
    page.check("#rescore input[name='a.resolved'][value=yes]")
    page.fill("#rescore input[name=note]", "Confirmed on the recording.")
    page.click("#rescore button:has-text('Re-score')")
    page.wait_for_selector("text=Re-scored.")
    assert page.inner_text("#score") == "91.25%"
    history = page.inner_text("#history")
    assert "56.25%" in history and "91.25%" in history and "re-score of dispute" in history
    assert "rescored" in page.inner_text("#disputes")
    page.screenshot(path=str(tmp_path / "rescored.png"), full_page=True)
    context.close()
