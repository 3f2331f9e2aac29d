"""Coaching pages through the web app (TestClient): queue, new session with an evaluation
as evidence, actions, the agent marks done; training and onboarding pages; refusals."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorwalker import clock
from floorwalker.quality import schemas, service
from floorwalker.quality.models import Evaluation
from floorwalker.web.app import create_app
from tests import factories as f
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD
from tests.web.conftest import Browser


@pytest.fixture
def client(stores) -> Iterator[TestClient]:
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield c


def coaching_center(db) -> dict:
    """Team A (supervisor sup1) with Ann; team B with Bob; one evaluation of Ann 3 days ago
    at 56.25%."""
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    ann = f.employee(
        db,
        site.id,
        team_a.id,
        agent_code="ann.agent",
        full_name="Ann Agent",
        hire_date=clock.utcnow().date() - timedelta(days=10),
    )
    bob = f.employee(db, site.id, team_b.id, agent_code="bob.agent", full_name="Bob Agent")
    qa = f.actor(db, f.user(db, "qa", username="qa1"))
    f.user(db, "supervisor", sup_a.id, username="sup1")
    f.user(db, "agent", ann.id, username="ann")
    f.user(db, "agent", bob.id, username="bob")
    f.user(db, "manager", username="lead1")
    version = service.publish_scorecard(db, qa, ISSUE_CARD)
    ev = service.evaluate(
        db,
        qa,
        schemas.EvaluationCreate(
            scorecard_version_id=version.id, contact_id=5, agent_id=ann.id, answers=ISSUE_ANSWERS
        ),
    )
    db.execute(
        update(Evaluation)
        .where(Evaluation.id == ev.id)
        .values(evaluated_at=clock.utcnow() - timedelta(days=3))
    )
    db.commit()
    return {"ann": ann.id, "bob": bob.id, "evaluation_id": ev.id}


def test_coaching_flow_through_pages(stores, db, client) -> None:
    c = coaching_center(db)
    sup = Browser(client)
    sup.login("sup1")
    assert "Coaching" in sup.get("/").text
    queue = sup.get("/qa/coaching/queue?kpi=qa_score")
    assert queue.status_code == 200 and "Ann Agent" in queue.text and "Bob Agent" not in queue.text
    assert f"/qa/coaching/new?agent_id={c['ann']}" in queue.text
    form = sup.get(f"/qa/coaching/new?agent_id={c['ann']}")
    assert f'value="{c["evaluation_id"]}"' in form.text
    today = clock.utcnow().date().isoformat()
    saved = sup.post(
        "/qa/coaching",
        {
            "agent_id": c["ann"],
            "session_date": today,
            "topic": "Resolution",
            "evaluation_id": c["evaluation_id"],
        },
    )
    assert saved.status_code == 200 and "Session saved" in saved.text and "56.2%" in saved.text
    session_id = int(re.search(r"/qa/coaching/(\d+)", str(saved.url)).group(1))
    assert "too few data to tell" in saved.text  # the effect check on a brand-new session
    bad = sup.post(
        f"/qa/coaching/{session_id}/actions", {"description": "x", "owner_id": c["ann"], "due_date": "soon"}
    )
    assert "due_date: not a date" in bad.text
    added = sup.post(
        f"/qa/coaching/{session_id}/actions",
        {"description": "Offer a call-back time", "owner_id": c["ann"], "due_date": today},
    )
    assert "Action added" in added.text and "Offer a call-back time" in added.text
    # the queue no longer lists Ann (coached today)
    assert "Ann Agent" not in sup.get("/qa/coaching/queue?kpi=qa_score").text
    # another team's agent is refused
    assert (
        sup.get(f"/qa/coaching/new?agent_id={c['bob']}").status_code == 200
    )  # the form lists own agents only
    refused = sup.post("/qa/coaching", {"agent_id": c["bob"], "session_date": today})
    assert refused.status_code == 403

    client.cookies.clear()
    bob = Browser(client)
    bob.login("bob")
    assert bob.get(f"/qa/coaching/{session_id}").status_code == 403
    assert bob.get("/qa/coaching/queue").status_code == 403

    client.cookies.clear()
    ann = Browser(client)
    ann.login("ann")
    mine = ann.get("/qa/coaching")
    assert "Offer a call-back time" in mine.text and "My actions" in mine.text
    action_id = int(re.search(r"/qa/coaching/actions/(\d+)/done", mine.text).group(1))
    done = ann.post(f"/qa/coaching/actions/{action_id}/done", {"next": f"/qa/coaching/{session_id}"})
    assert "Action updated" in done.text and "done (ann)" in done.text
    assert ann.post("/qa/coaching", {"agent_id": c["ann"], "session_date": today}).status_code == 403
    assert ann.get("/qa/coaching/new").status_code == 403


def test_training_and_onboarding_pages(stores, db, client) -> None:
    c = coaching_center(db)
    lead = Browser(client)
    lead.login("lead1")
    created = lead.post(
        "/qa/training", {"name": "Call control", "hours": "6", "description": "Holds and transfers"}
    )
    assert "Programme created" in created.text
    programme_url = str(created.url).split("?")[0]
    enrolled = lead.post(
        f"{programme_url.replace('http://testserver', '')}/enrolments", {"employee_id": c["ann"]}
    )
    assert "Enrolled." in enrolled.text, enrolled.text[-3000:]
    enrolment_id = int(re.search(r"/qa/training/enrolments/(\d+)", enrolled.text).group(1))
    completed = lead.post(
        f"/qa/training/enrolments/{enrolment_id}",
        {"status": "completed", "next": programme_url.replace("http://testserver", "")},
    )
    assert "100%" in completed.text
    assert "Ann Agent" in lead.get("/qa/onboarding").text
    page = lead.post(f"/qa/onboarding/{c['ann']}/items", {"items": ""})
    assert "Shadowed an experienced agent" in page.text and "0% done" in page.text
    item_id = int(re.search(r"/qa/onboarding/items/(\d+)", page.text).group(1))
    ticked = lead.post(f"/qa/onboarding/items/{item_id}", {"done": "1"})
    assert "20% done" in ticked.text and "Nesting period" in ticked.text
    client.cookies.clear()
    bob = Browser(client)
    bob.login("bob")
    assert bob.get(f"/qa/onboarding/{c['ann']}").status_code == 403
    assert bob.post("/qa/training", {"name": "x", "hours": "1"}).status_code == 403


def test_coaching_api(stores, db, client) -> None:
    c = coaching_center(db)
    sup = Browser(client)
    sup.login("sup1")
    headers = {"x-csrf-token": sup.csrf}
    today = clock.utcnow().date()
    queue = client.get("/api/v1/qa/coaching/queue?kpi=qa_score").json()
    assert [(r["name"], r["value"], r["goal"], r["n"]) for r in queue] == [("Ann Agent", 0.5625, 0.8, 1)]
    assert queue[0]["shortfall"] == pytest.approx(0.2375)
    made = client.post(
        "/api/v1/qa/coaching/sessions",
        json={
            "agent_id": c["ann"],
            "session_date": today.isoformat(),
            "evaluation_ids": [c["evaluation_id"]],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    overdue = client.post(
        f"/api/v1/qa/coaching/sessions/{sid}/actions",
        json={
            "description": "Recap",
            "owner_id": c["ann"],
            "due_date": (today - timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert overdue.status_code == 201 and overdue.json()["status"] == "overdue"
    bad = client.post(
        f"/api/v1/qa/coaching/sessions/{sid}/shortfalls",
        json={"kpi": "aht_s", "from": today.isoformat(), "to": today.isoformat()},
        headers=headers,
    )
    assert bad.status_code == 400 and "no target for aht_s" in bad.text
    detail = client.get(f"/api/v1/qa/coaching/sessions/{sid}").json()
    assert [e["evaluation_id"] for e in detail["evidence"]] == [c["evaluation_id"]]
    effect = client.get(f"/api/v1/qa/coaching/sessions/{sid}/effect?weeks=2").json()
    assert effect["before_end"] == (today - timedelta(days=1)).isoformat()
    qa_effect = effect["effects"][0]
    assert qa_effect["metric"] == "qa_score" and qa_effect["before"] == {"value": 0.5625, "n": 1}
    assert qa_effect["enough_data"] is False
    client.cookies.clear()
    ann = Browser(client)
    ann.login("ann")
    headers = {"x-csrf-token": ann.csrf}
    action_id = overdue.json()["id"]
    done = client.post(f"/api/v1/qa/coaching/actions/{action_id}/done", json={"done": True}, headers=headers)
    assert done.json()["status"] == "done"
    assert client.get("/api/v1/qa/coaching/queue").status_code == 403
    assert (
        client.post(
            "/api/v1/qa/coaching/sessions",
            json={"agent_id": c["ann"], "session_date": today.isoformat()},
            headers=headers,
        ).status_code
        == 403
    )
