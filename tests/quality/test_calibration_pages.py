"""Calibration pages through the web app: create a session, two evaluators score blind,
the report appears once the session is closed."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import datetime

import pytest

from floorwalker.quality import service
from floorwalker.web.app import create_app
from tests import factories as f
from tests.quality.test_scoring import ISSUE_CARD
from tests.web.conftest import Browser

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def client(stores) -> Iterator[TestClient]:
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield c


def test_blind_session_then_report(stores, db, client) -> None:
    s = f.site(db)
    f.employee(db, s.id, agent_code="ann.agent")
    quinn = f.user(db, "qa", username="quinn")
    f.user(db, "qa", username="quill")
    f.user(db, "agent", username="ann", employee_id=f.employee(db, s.id).id)
    version = service.publish_scorecard(db, f.actor(db, quinn), ISSUE_CARD)
    rows = f.contact_rows(
        s.code,
        "sales",
        datetime(2026, 11, 2, 9),
        [{"outcome": "answered", "wait_s": 5, "talk_s": 60, "agent": "ann.agent"}],
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    contact_id = rows.column("contact_id").to_pylist()[0]

    web = Browser(client)
    web.login("ann")
    assert web.get("/qa/calibration").status_code == 403
    web.client.cookies.clear()
    web = Browser(client)
    web.login("quinn")
    bad = web.post("/qa/calibration", {"name": "Nov", "version_id": version.id, "contact_ids": "x"})
    assert bad.status_code == 422 and "numbers" in bad.text
    made = web.post(
        "/qa/calibration",
        {"name": "November voice", "version_id": version.id, "contact_ids": str(contact_id), "target": "0.8"},
    )
    assert made.status_code == 200 and "open: scoring is blind" in made.text
    session_url = str(made.url)
    session_id = int(re.search(r"/qa/calibration/(\d+)", session_url).group(1))
    answers = {"a.greeting": "yes", "a.verify_id": "yes", "a.empathy": "4", "a.resolved": "no"}
    scored = web.post(f"/qa/calibration/{session_id}/score/{contact_id}", answers)
    assert scored.status_code == 200 and "scored" in scored.text and "Report" not in scored.text
    again = web.post(f"/qa/calibration/{session_id}/score/{contact_id}", answers)
    assert again.status_code == 422 and "already scored" in again.text

    web.client.cookies.clear()
    web = Browser(client)
    web.login("quill")
    page = web.get(session_url)
    assert "Score it" in page.text and "Report" not in page.text  # blind: nothing of quinn's answers
    web.post(f"/qa/calibration/{session_id}/score/{contact_id}", {**answers, "a.resolved": "yes"})
    closed = web.post(f"/qa/calibration/{session_id}/close")
    # 4 criteria, one pair of evaluators each, resolved differs → 3/4 agreement, below the 80 % target
    assert "Report" in closed.text and "75.0%" in closed.text and "not reached" in closed.text
    assert "Score it" not in closed.text

    # the analytics page, for the QA team (nothing evaluated yet: calibration scores are not evaluations)
    page = web.get("/qa/analytics?since=2026-11-01&until=2026-12-01")
    assert page.status_code == 200 and "0 evaluations" in page.text
    assert web.get("/qa/analytics?since=yesterday").status_code == 400
