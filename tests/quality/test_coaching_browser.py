"""A real Chromium against a real server: a supervisor opens the coaching queue, starts a
session for an agent with an evaluation as evidence and adds an action; the agent sees the
action and marks it done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from floorwalker import clock
from floorwalker.settings import Settings
from tests import factories as f
from tests.browser_support import launched, served
from tests.quality.test_browser import _signed_in
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD

pytestmark = pytest.mark.browser


def _center(settings: Settings) -> None:
    from sqlalchemy import update

    from floorwalker.db import operational_session
    from floorwalker.quality import schemas, service
    from floorwalker.quality.models import Evaluation
    from floorwalker.stores import init_stores

    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    with operational_session(settings.resolved_database_url) as db:
        site, team_a, sup_a, team_b, _ = f.supervised_team(db)
        ann = f.employee(db, site.id, team_a.id, agent_code="ann.agent", full_name="Ann Agent")
        f.employee(db, site.id, team_b.id, agent_code="bob.agent", full_name="Bob Agent")
        f.user(db, "supervisor", sup_a.id, username="sam")
        f.user(db, "agent", ann.id, username="ann")
        qa = f.actor(db, f.user(db, "qa", username="quinn"))
        version = service.publish_scorecard(db, qa, ISSUE_CARD)
        ev = service.evaluate(
            db,
            qa,
            schemas.EvaluationCreate(
                scorecard_version_id=version.id, contact_id=7, agent_id=ann.id, answers=ISSUE_ANSWERS
            ),
        )
        db.execute(
            update(Evaluation)
            .where(Evaluation.id == ev.id)
            .values(evaluated_at=clock.utcnow() - timedelta(days=2))
        )
        db.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from floorwalker.web.app import create_app

    settings = Settings(
        data=tmp_path_factory.mktemp("browser-coaching"), database_url=None, warehouse_url=None
    )
    _center(settings)
    with served(create_app(settings)) as base:
        yield base


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched() as browser:
        yield browser


def test_queue_session_with_evidence_action_and_agent_marks_done(server, chromium, tmp_path) -> None:
    base = server
    context, page = _signed_in(chromium, base, "sam")
    page.click("nav >> text=Coaching")
    page.click("text=Coaching queue")
    page.wait_for_selector("h1:has-text('Coaching queue')")
    queue = page.inner_text("#queue")
    assert "Ann Agent" in queue and "Bob Agent" not in queue and "never" in queue
    page.click("#queue >> text=Start session")
    page.wait_for_selector("h1:has-text('New coaching session')")
    page.check("input[name=evaluation_id]")
    page.fill("input[name=topic]", "Closing the loop")
    page.fill("textarea[name=notes]", "Listened to the call together.")
    page.click("button:has-text('Save session')")
    page.wait_for_selector("text=Session saved.")
    assert "Ann Agent" in page.inner_text("h1")
    assert "56.2%" in page.inner_text("#evidence")
    assert "too few data to tell" in page.inner_text("#effect")
    page.fill("#add-action input[name=description]", "Offer a call-back time on every open case")
    page.click("#add-action button:has-text('Add action')")
    page.wait_for_selector("text=Action added.")
    assert "open" in page.inner_text("#actions")
    page.screenshot(path=str(tmp_path / "session.png"), full_page=True)
    context.close()

    context, page = _signed_in(chromium, base, "ann")
    page.click("nav >> text=Coaching")
    page.wait_for_selector("#my-actions")
    assert "Offer a call-back time" in page.inner_text("#my-actions")
    page.click("#my-actions button:has-text('Mark done')")
    page.wait_for_selector("text=Action updated.")
    assert "done" in page.inner_text("#my-actions")
    page.click("#my-actions a")
    page.wait_for_selector("#actions")
    assert "done (ann)" in page.inner_text("#actions")
    context.close()
