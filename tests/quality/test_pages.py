"""Quality pages and API through the web app (TestClient): build a scorecard, evaluate a
contact, the agent acknowledges and disputes, a reviewer re-scores; scope refusals."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from datetime import datetime

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorwalker.quality import service
from floorwalker.web.app import create_app
from tests import factories as f
from tests.quality.test_scoring import ISSUE_CARD
from tests.web.conftest import Browser


@pytest.fixture
def client(stores) -> Iterator[TestClient]:
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield c


def _center(db, stores) -> dict:
    s = f.site(db)
    team = f.team(db, s.id)
    agent = f.employee(db, s.id, team.id, agent_code="ann.agent", full_name="Ann Agent")
    other = f.employee(db, s.id, team.id, agent_code="bob.agent")
    users = {
        "qa": f.user(db, "qa", username="qa1"),
        "lead": f.user(db, "manager", username="lead1"),
        "agent": f.user(db, "agent", agent.id, username="ann"),
        "other": f.user(db, "agent", other.id, username="bob"),
    }
    rows = f.contact_rows(
        s.code,
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 300, "agent": "ann.agent"},
        ],
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    return {"contact_id": rows.column("contact_id").to_pylist()[0], "agent_id": agent.id, **users}


ANSWERS = {
    "a.greeting": "yes",
    "a.verify_id": "yes",
    "a.empathy": "4",
    "a.resolved": "no",
    "c.resolved": "Promised a call back, none made.",
    "feedback": "Warm opening.",
}


def test_full_flow(stores, db, client) -> None:
    c = _center(db, stores)
    qa = Browser(client)
    qa.login("qa1")
    assert "Quality" in qa.get("/").text
    form = qa.get("/qa/scorecards/new")
    assert form.status_code == 200 and "verify_id" in form.text
    bad = qa.post(
        "/qa/scorecards",
        {
            "format": "json",
            "definition": json.dumps(
                {
                    **ISSUE_CARD,
                    "sections": [{**ISSUE_CARD["sections"][0], "weight": 30}, ISSUE_CARD["sections"][1]],
                }
            ),
        },
    )
    assert bad.status_code == 422 and "sections[0].weight: 30 is not a fraction" in bad.text
    published = qa.post("/qa/scorecards", {"format": "json", "definition": json.dumps(ISSUE_CARD)})
    assert published.status_code == 200 and "Published version 1" in published.text
    version_id = int(re.search(r"/qa/scorecards/(\d+)", str(published.url)).group(1))
    sampled = qa.get("/qa/sample?week=2026-11-02&per_agent=1&strategy=random")
    assert sampled.status_code == 200 and str(c["contact_id"]) in sampled.text and "random" in sampled.text
    assert qa.get("/qa/sample?week=2026-11-03").status_code == 422
    picked = qa.get("/qa/evaluate?agent=ann.agent")
    assert f"/qa/evaluate/{c['contact_id']}?version_id={version_id}" in picked.text
    page = qa.get(f"/qa/evaluate/{c['contact_id']}?version_id={version_id}")
    assert page.status_code == 200 and "Ann Agent" in page.text
    wrong = qa.post(
        f"/qa/evaluate/{c['contact_id']}",
        {**ANSWERS, "a.empathy": "9", "version_id": version_id, "agent_id": c["agent_id"]},
    )
    assert wrong.status_code == 422 and "empathy: 9 is outside 1–5" in wrong.text
    saved = qa.post(
        f"/qa/evaluate/{c['contact_id']}", {**ANSWERS, "version_id": version_id, "agent_id": c["agent_id"]}
    )
    assert saved.status_code == 200 and "56.25%" in saved.text
    evaluation_id = int(re.search(r"/qa/evaluations/(\d+)", str(saved.url)).group(1))

    # another agent cannot see it; the evaluated agent can, and acknowledges then disputes
    qa.client.cookies.clear()
    bob = Browser(qa.client)
    bob.login("bob")
    assert bob.get(f"/qa/evaluations/{evaluation_id}").status_code == 403
    assert f"#{evaluation_id}" not in bob.get("/qa").text
    bob.client.cookies.clear()
    ann = Browser(bob.client)
    ann.login("ann")
    assert f"#{evaluation_id}" in ann.get("/qa").text
    assert ann.post(f"/qa/evaluations/{evaluation_id}/acknowledge").status_code == 200
    disputed = ann.post(
        f"/qa/evaluations/{evaluation_id}/dispute", {"reason": "The customer said it was fixed."}
    )
    assert "Dispute sent" in disputed.text and "disputed" in disputed.text
    assert ann.get("/qa/scorecards/new").status_code == 403

    # the manager (not the evaluator) re-scores
    ann.client.cookies.clear()
    lead = Browser(ann.client)
    lead.login("lead1")
    page = lead.get(f"/qa/evaluations/{evaluation_id}")
    assert "Review the dispute" in page.text
    dispute_id = service.open_disputes(db, f.actor(db, c["lead"]))[0].id
    rescored = lead.post(
        f"/qa/disputes/{dispute_id}/decide",
        {
            **ANSWERS,
            "a.resolved": "yes",
            "decision": "rescore",
            "note": "Agreed.",
        },
    )
    assert rescored.status_code == 200 and "Re-scored" in rescored.text
    assert "91.25%" in rescored.text and "56.25%" in rescored.text  # current score and the history
    assert "re-score of dispute" in rescored.text


def test_api(stores, db, client) -> None:
    c = _center(db, stores)
    qa = Browser(client)
    qa.login("qa1")
    headers = {"x-csrf-token": qa.csrf}
    scored = qa.client.post(
        "/api/v1/qa/score",
        json={
            "scorecard": ISSUE_CARD,
            "answers": {"greeting": "yes", "verify_id": "yes", "empathy": 4, "resolved": "no"},
        },
        headers=headers,
    )
    assert scored.json() == {
        "score": 0.5625,
        "failed": False,
        "sections": {"opening": 1.0, "resolution": 0.375},
        "grade": "needs improvement",
    }
    bad = qa.client.post(
        "/api/v1/qa/score", json={"scorecard": ISSUE_CARD, "answers": {"greeting": "maybe"}}, headers=headers
    )
    assert bad.status_code == 400 and bad.json()["field"] == "greeting"
    version = qa.client.post("/api/v1/qa/scorecards", json={"definition": ISSUE_CARD}, headers=headers)
    assert version.status_code == 201
    made = qa.client.post(
        "/api/v1/qa/evaluations",
        json={
            "scorecard_version_id": version.json()["id"],
            "contact_id": c["contact_id"],
            "agent_id": c["agent_id"],
            "answers": {"greeting": "yes", "verify_id": "no", "empathy": 4, "resolved": "yes"},
        },
        headers=headers,
    )
    assert made.status_code == 201
    assert (made.json()["score"], made.json()["failed"]) == (0.0, True)
    detail = qa.client.get(f"/api/v1/qa/evaluations/{made.json()['id']}").json()
    assert [r["revision"] for r in detail["revisions"]] == [1]
    assert [s["name"] for s in qa.client.get("/api/v1/qa/scorecards").json()] == ["Voice QA"]
    # the week's only contact is evaluated above: it is not picked again and fills ann's N of 1
    sampled = qa.client.get("/api/v1/qa/sample?week=2026-11-02&per_agent=1&strategy=random")
    assert sampled.status_code == 200 and sampled.json() == []
    assert qa.client.get("/api/v1/qa/sample?week=2026-11-02&strategy=worst").status_code == 400
