"""The what-if page and API with each baseline source, on both stores: the form lists what
the week has, a run says which baseline it used, a missing source is a message (never a
500 or empty tables), a saved scenario reopens with its source."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorwalker.web.app import create_app
from tests import factories as f
from tests.sim.plan_helpers import planned_site
from tests.web.conftest import Browser

FORM = {"site": "LON", "week": "2026-10-19", "days": "1", "replications": "2", "seed": "3", "changes": "[]"}


@pytest.fixture
def browser(stores, db, monkeypatch):
    planned_site(stores, db, monkeypatch)
    f.user(db, "manager", username="manager-p")
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield Browser(c)


def test_each_baseline_source_on_the_page_and_api(browser) -> None:
    browser.login("manager-p")
    # The form for the planned week: which sources it has, and what the others lack.
    form = browser.post(
        "/sim", {**FORM, "baseline": "forecast_schedule", "action": "add", "kind": "volume", "pct": "5"}
    )
    assert form.status_code == 200
    assert 'data-source="forecast_schedule">— available' in form.text.replace("\n", "")
    assert 'class="hint missing" data-source="history"' in form.text
    assert "no contacts in the warehouse for site LON, week of 2026-10-19" in form.text
    assert "groups: Blue: sales" in form.text  # the names a change may use, from the schedule

    ran = browser.post("/sim", {**FORM, "baseline": "forecast_schedule", "action": "run"})
    assert ran.status_code == 200, ran.text[:400]
    assert "Baseline: <strong>Saved forecast + published schedule</strong>" in ran.text
    assert 'id="totals"' in ran.text and "Mon 09:00" in ran.text
    assert "forecast versions used: sales v" in ran.text

    req = browser.post("/sim", {**FORM, "baseline": "forecast_requirement", "action": "run"})
    assert req.status_code == 200
    assert "Baseline: <strong>Saved forecast + staffing requirement</strong>" in req.text
    assert "Requirement: sales" in req.text

    # History is missing for a future week: a message naming what is missing and the others.
    hist = browser.post("/sim", {**FORM, "baseline": "history", "action": "run"})
    assert hist.status_code == 422
    assert 'role="alert"' in hist.text and 'id="totals"' not in hist.text
    assert "History (what happened that week): no contacts in the warehouse" in hist.text
    assert (
        "This week has: Saved forecast + published schedule, Saved forecast + staffing requirement."
        in hist.text
    )

    bad = browser.post("/sim", {**FORM, "baseline": "crystal-ball", "action": "run"})
    assert bad.status_code == 422 and "baseline: must be one of" in bad.text

    # Save, list and reopen with the source.
    saved = browser.post(
        "/sim/saved", {**FORM, "baseline": "forecast_schedule", "name": "Plan", "description": ""}
    )
    assert saved.status_code == 200 and "Scenario saved: Plan" in saved.text
    assert "Baseline: <strong>Saved forecast + published schedule</strong>" in saved.text
    assert 'value="forecast_schedule" checked' in saved.text
    (row,) = browser.get("/api/v1/sim/scenarios").json()
    assert row["baseline"] == "forecast_schedule"

    # The JSON API: availability, a run per source, a missing source is a 404 with the reason.
    headers = {"X-CSRF-Token": browser.csrf}
    sources = browser.get("/api/v1/sim/baselines", params={"site": "LON", "week": "2026-10-19"}).json()
    assert {s["source"]: s["available"] for s in sources["sources"]} == {
        "history": False,
        "forecast_schedule": True,
        "forecast_requirement": True,
        "forecast_history": False,  # no agent states in the warehouse for the week of 5 October
    }
    body = {"site": "LON", "week": "2026-10-19", "days": 1, "replications": 2}
    api = browser.client.post(
        "/api/v1/sim/runs", json={**body, "baseline": "forecast_requirement"}, headers=headers
    )
    assert api.status_code == 200 and api.json()["baseline"] == "forecast_requirement"
    gone = browser.client.post("/api/v1/sim/runs", json={**body, "baseline": "history"}, headers=headers)
    assert gone.status_code == 404 and "no contacts" in gone.json()["detail"]
    wrong = browser.client.post("/api/v1/sim/runs", json={**body, "baseline": "guess"}, headers=headers)
    assert wrong.status_code == 422
