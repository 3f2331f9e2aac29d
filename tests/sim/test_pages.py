"""The what-if page and API through the web app, on both stores: add a change, run, save,
reopen, delete; roles."""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorwalker.web.app import create_app
from tests import factories as f
from tests.sim.test_service import small_history
from tests.web.conftest import Browser


@pytest.fixture
def browser(stores, db):
    small_history(db, stores.warehouse)
    from floorwalker.org.models import Employee, Site

    site = db.query(Site).filter_by(code="LON").one()
    f.user(db, "manager", username="manager-x")
    for role in ("supervisor", "agent"):
        person = f.employee(db, site.id, role=role)
        f.user(db, role, person.id, username=f"{role}-x")
    assert db.query(Employee).count() == 4
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield Browser(c)


FORM = {"site": "LON", "week": "2026-11-02", "days": "1", "replications": "3", "seed": "4"}


def test_manager_adds_a_change_runs_and_saves(browser) -> None:
    browser.login("manager-x")
    page = browser.get("/sim")
    assert page.status_code == 200 and "What-if" in page.text
    added = browser.post("/sim", {**FORM, "changes": "[]", "action": "add", "kind": "volume", "pct": "10"})
    assert "Volume +10% on every queue" in added.text
    assert "groups: Red: sales" in added.text  # the names a change may use, before any run
    more = browser.post(
        "/sim",
        {
            **FORM,
            "changes": "[]",
            "action": "add",
            "kind": "agents",
            "delta": "1",
            "team": "Red",
            "weekday": ["0", "2"],
            "from": "09:00",
            "to": "10:00",
        },
    )
    assert "Agents +1 in team Red, Mon, Wed 09:00–10:00" in more.text
    bad = browser.post("/sim", {**FORM, "changes": "[]", "action": "add", "kind": "volume", "pct": "lots"})
    assert bad.status_code == 422 and "pct: must be a number" in bad.text
    changes = json.dumps([{"kind": "volume", "pct": 10}])
    ran = browser.post("/sim", {**FORM, "changes": changes, "action": "run"})
    assert ran.status_code == 200
    assert 'id="totals"' in ran.text and "Mon 09:00" in ran.text and 'id="save-form"' in ran.text
    saved = browser.post("/sim/saved", {**FORM, "changes": changes, "name": "Busy Monday", "description": ""})
    assert saved.status_code == 200 and "Scenario saved: Busy Monday" in saved.text
    assert 'id="saved-scenario"' in saved.text and 'id="totals"' in saved.text
    listing = browser.get("/api/v1/sim/scenarios").json()
    assert [s["name"] for s in listing] == ["Busy Monday"]
    one = browser.get(f"/api/v1/sim/scenarios/{listing[0]['id']}").json()
    assert one["changes"] == [{"kind": "volume", "pct": 10.0}]
    assert one["results"]["totals"]["scenario"]["offered"] > 0
    gone = browser.post(f"/sim/saved/{listing[0]['id']}/delete")
    assert "Scenario deleted" in gone.text
    assert browser.get("/api/v1/sim/scenarios").json() == []


def test_supervisor_runs_but_cannot_save_and_agent_is_refused(browser) -> None:
    browser.login("supervisor-x")
    ran = browser.post("/sim", {**FORM, "changes": "[]", "action": "run"})
    assert ran.status_code == 200 and 'id="totals"' in ran.text and 'id="save-form"' not in ran.text
    refused = browser.post("/sim/saved", {**FORM, "changes": "[]", "name": "x"})
    assert refused.status_code == 403
    api = browser.client.post(
        "/api/v1/sim/runs",
        json={
            "site": "LON",
            "week": "2026-11-02",
            "days": 1,
            "replications": 2,
            "changes": [{"kind": "aht", "pct": -10}],
        },
        headers={"X-CSRF-Token": browser.csrf},
    )
    assert api.status_code == 200, api.text
    assert api.json()["described"] == ["AHT -10% on every queue"]
    browser.client.cookies.clear()
    browser.login("agent-x")
    assert browser.get("/sim").status_code == 403
