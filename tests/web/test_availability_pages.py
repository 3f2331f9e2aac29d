"""The availability page and JSON API: an agent edits their own (CSRF-protected forms),
a supervisor their teams' agents only, a manager anyone; invalid input answers 422 with
the reason and the field; every write lands in the audit log."""

from sqlalchemy import select

from floorwalker.auth import service as auth_service
from floorwalker.auth.models import AuditEntry, User
from floorwalker.auth.schemas import ApiTokenCreate
from floorwalker.wfm.availability_models import AgentAvailability, AgentPreference
from tests import factories as f


def _token(db, u) -> dict[str, str]:
    _, raw = auth_service.create_api_token(db, f.actor(db, u), u.id, ApiTokenCreate(name="t"))
    return {"Authorization": f"Bearer {raw}"}


def _setup(db):
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    mine = f.employee(db, site.id, team_id=team_a.id, full_name="Ann Agent")
    other = f.employee(db, site.id, team_id=team_b.id, full_name="Otto Other")
    f.user(db, "agent", employee_id=mine.id, username="ann")
    f.user(db, "supervisor", employee_id=sup_a.id, username="sue")
    return mine, other


def test_agent_page_edits_own_availability_and_preferences(stores, db, browser) -> None:
    mine, other = _setup(db)
    browser.login("ann")
    page = browser.get("/wfm/availability")
    assert page.status_code == 200 and "Ann Agent" in page.text and "available any time" in page.text
    assert 'href="/wfm/availability"' in page.text  # in the navigation
    added = browser.post(
        "/wfm/availability/patterns", {"hours": "mon-fri 08:00-16:00", "valid_from": "2026-11-01"}
    )
    assert (
        added.status_code == 200
        and "Availability added" in added.text
        and "mon-fri 08:00-16:00" in added.text
    )
    (row,) = db.scalars(select(AgentAvailability)).all()
    assert row.employee_id == mine.id and row.hours["mon"] == [["08:00", "16:00"]]
    bad = browser.post("/wfm/availability/patterns", {"hours": "mon 16:00-08:00"})
    assert bad.status_code == 422 and "ends before it starts" in bad.text and "mon 16:00-08:00" in bad.text
    changed = browser.post(
        f"/wfm/availability/patterns/{row.id}", {"hours": "tue 10:00-14:00", "valid_from": ""}
    )
    assert "Availability changed" in changed.text and "tue 10:00-14:00" in changed.text
    saved = browser.post(
        "/wfm/availability/preferences",
        {"days_off": ["sat", "sun"], "start_times": "09:00, 10:00", "earliest_start": "", "weight": "3"},
    )
    assert "Preferences saved" in saved.text
    pref = db.get(AgentPreference, mine.id)
    assert (pref.days_off, pref.start_times, pref.weight) == (["sat", "sun"], ["09:00", "10:00"], 3.0)
    wrong = browser.post("/wfm/availability/preferences", {"weight": "heavy"})
    assert wrong.status_code == 422 and "is not a number" in wrong.text
    # another team's agent: refused, nothing stored
    assert browser.get(f"/wfm/availability?employee={other.id}").status_code == 403
    refused = browser.post(
        "/wfm/availability/patterns", {"employee": str(other.id), "hours": "mon 08:00-12:00"}
    )
    assert refused.status_code == 403
    # a form without the CSRF token is refused
    raw = browser.client.post("/wfm/availability/patterns", data={"hours": "wed 08:00-12:00"})
    assert raw.status_code == 403
    assert db.scalar(select(AgentAvailability).where(AgentAvailability.employee_id == other.id)) is None
    deleted = browser.post(f"/wfm/availability/patterns/{row.id}/delete")
    assert "Availability deleted" in deleted.text
    actions = db.execute(
        select(AuditEntry.action, AuditEntry.entity).where(AuditEntry.username == "ann")
    ).all()
    assert sorted(tuple(a) for a in actions if a[1].startswith("agent_")) == [
        ("create", "agent_availability"),
        ("delete", "agent_availability"),
        ("update", "agent_availability"),
        ("update", "agent_preferences"),
    ]


def test_supervisor_picks_only_own_teams_agents(stores, db, browser) -> None:
    mine, other = _setup(db)
    browser.login("sue")
    page = browser.get(f"/wfm/availability?employee={mine.id}")
    assert page.status_code == 200 and "Ann Agent" in page.text and "Otto Other" not in page.text
    ok = browser.post("/wfm/availability/patterns", {"employee": str(mine.id), "hours": "sat 09:00-13:00"})
    assert "Availability added" in ok.text
    assert browser.get(f"/wfm/availability?employee={other.id}").status_code == 403


def test_api_scope_and_422_reasons(stores, db, client) -> None:
    mine, other = _setup(db)
    agent = _token(db, db.scalar(select(User).where(User.username == "ann")))
    manager = _token(db, f.user(db, "manager"))
    r = client.post("/api/v1/employees/me/availability", headers=agent, json={"hours": "mon-fri 09:00-17:00"})
    assert r.status_code == 201 and r.json()["hours"]["fri"] == [["09:00", "17:00"]]
    pid = r.json()["id"]
    r = client.post(
        "/api/v1/employees/me/availability",
        headers=agent,
        json={"hours": {"mon": [["09:00", "12:00"]]}, "valid_from": "2026-12-01"},
    )
    assert r.status_code == 422 and r.json()["field"] == "valid_from" and "overlap" in r.json()["detail"]
    r = client.put(f"/api/v1/employees/{mine.id}/preferences", headers=agent, json={"days_off": ["fry"]})
    assert r.status_code == 422 and r.json()["field"] == "days_off" and "fry" in r.json()["detail"]
    r = client.put("/api/v1/employees/me/preferences", headers=agent, json={"weight": "much"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "weight"
    assert client.get(f"/api/v1/employees/{other.id}/availability", headers=agent).status_code == 403
    assert client.get("/api/v1/employees/someone/availability", headers=agent).status_code == 400
    assert client.get("/api/v1/employees/999999/availability", headers=manager).status_code == 404
    r = client.put(
        f"/api/v1/employees/{other.id}/preferences",
        headers=manager,
        json={"days_off": ["sun"], "earliest_start": "07:00", "latest_start": "09:00", "weight": 2},
    )
    assert r.status_code == 200 and r.json()["latest_start"] == "09:00"
    got = client.get(f"/api/v1/employees/{mine.id}/availability", headers=manager).json()
    assert got["availability"][0]["text"] == "mon-fri 09:00-17:00"
    r = client.put(
        f"/api/v1/employees/{mine.id}/availability/{pid}",
        headers=manager,
        json={"hours": "not available", "valid_from": "2026-12-24", "valid_to": "2026-12-26"},
    )
    assert r.status_code == 200 and r.json()["text"] == "not available"
    assert (
        client.delete(f"/api/v1/employees/{other.id}/availability/{pid}", headers=manager).status_code == 404
    )
    assert client.delete(f"/api/v1/employees/me/availability/{pid}", headers=agent).status_code == 204
    assert client.get("/api/v1/employees/me/availability", headers=agent).json()["availability"] == []
