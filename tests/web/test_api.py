"""The JSON API: bearer tokens, statuses, scope, and the same rules as the pages."""

from floorwalker.auth import service as auth_service
from floorwalker.auth.schemas import ApiTokenCreate
from tests import factories as f


def _token(db, u) -> dict[str, str]:
    _, raw = auth_service.create_api_token(db, f.actor(db, u), u.id, ApiTokenCreate(name="t"))
    return {"Authorization": f"Bearer {raw}"}


def test_api_needs_a_valid_token(client, db) -> None:
    assert client.get("/api/v1/sites").status_code == 401
    assert client.get("/api/v1/sites", headers={"Authorization": "Bearer fwk_nope"}).status_code == 401


def test_crud_through_the_api(client, db) -> None:
    h = _token(db, f.user(db, "manager"))
    site = client.post(
        "/api/v1/sites",
        headers=h,
        json={
            "code": "NYC",
            "name": "New York",
            "time_zone": "America/New_York",
            "business_hours": "mon-fri 08:00-20:00",
        },
    )
    assert site.status_code == 201, site.text
    sid = site.json()["id"]
    q = client.post(
        "/api/v1/queues",
        headers=h,
        json={"code": "sales", "name": "Sales", "channel": "voice", "site_id": sid},
    )
    assert q.status_code == 201 and q.json()["sl_formula"] == "answered_within_over_offered_less_short"
    r = client.patch(f"/api/v1/queues/{q.json()['id']}", headers=h, json={"sl_threshold_s": 30})
    assert r.json()["sl_threshold_s"] == 30
    r = client.post(f"/api/v1/queues/{q.json()['id']}/deactivate", headers=h)
    assert r.json()["active"] is False
    assert client.get("/api/v1/queues", headers=h).json() == []


def test_malformed_payload_is_422_with_fields(client, db) -> None:
    h = _token(db, f.user(db, "manager"))
    r = client.post("/api/v1/sites", headers=h, json={"code": "", "time_zone": 5, "surprise": 1})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"code", "name", "surprise"} <= fields


def test_domain_errors_map_to_statuses(client, db) -> None:
    h = _token(db, f.user(db, "manager"))
    site = f.site(db, code="DUP")
    r = client.post("/api/v1/sites", headers=h, json={"code": "DUP", "name": "Other", "time_zone": "UTC"})
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = client.post("/api/v1/teams", headers=h, json={"name": "T", "site_id": 424242})
    assert r.status_code == 400
    assert client.get("/api/v1/employees/424242", headers=h).status_code == 404
    del site


def test_supervisor_scope_in_the_api(client, db) -> None:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    mine = f.employee(db, site.id, team_a.id)
    theirs = f.employee(db, site.id, team_b.id)
    h = _token(db, f.user(db, "supervisor", sup_a.id))
    ids = {e["id"] for e in client.get("/api/v1/employees", headers=h).json()}
    assert mine.id in ids and theirs.id not in ids
    assert client.get(f"/api/v1/employees/{theirs.id}", headers=h).status_code == 403
    r = client.patch(f"/api/v1/employees/{theirs.id}", headers=h, json={"full_name": "X"})
    assert r.status_code == 403
    assert (
        client.post(
            "/api/v1/sites", headers=h, json={"code": "Z", "name": "Z", "time_zone": "UTC"}
        ).status_code
        == 403
    )


def test_cookie_authenticated_api_writes_need_the_csrf_header(browser, db) -> None:
    site = f.site(db)
    f.user(db, "manager", username="mia")
    browser.login("mia")
    body = {"name": "T1", "site_id": site.id}
    assert browser.client.post("/api/v1/teams", json=body).status_code == 403
    ok = browser.client.post("/api/v1/teams", json=body, headers={"X-CSRF-Token": browser.csrf})
    assert ok.status_code == 201


def test_me_healthz_and_openapi(client, db) -> None:
    h = _token(db, f.user(db, "qa", username="quinn"))
    assert client.get("/api/v1/me", headers=h).json()["role"] == "qa"
    assert client.get("/healthz").json()["status"] == "ok"
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower()
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/employees/{employee_id}" in paths and "/api/v1/metrics/overview" in paths
