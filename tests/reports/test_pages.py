"""The report page and API: form, download by role, one-line errors, navigation."""

import io

import openpyxl

from floorwalker.auth import service as auth_service
from floorwalker.auth.models import AuditEntry
from floorwalker.auth.schemas import ApiTokenCreate
from tests import factories as f
from tests.reports.data import build_center
from tests.web.conftest import Browser


def test_manager_downloads_a_pdf_from_the_form(stores, db, browser: Browser) -> None:
    build_center(stores, db)
    f.user(db, "manager", username="mona")
    browser.login("mona")
    page = browser.get("/")
    assert 'href="/reports"' in page.text  # navigation entry
    form = browser.get("/reports")
    assert form.status_code == 200 and 'action="/reports/download"' in form.text
    r = browser.get("/reports/download", params={"period": "2026-10", "site": "LON", "format": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="floorwalker-report-2026-10-LON.pdf"'
    assert db.query(AuditEntry).filter_by(entity="report", username="mona").count() == 1


def test_bad_period_shows_the_form_with_one_message(stores, db, browser: Browser) -> None:
    build_center(stores, db)
    f.user(db, "manager", username="mona")
    browser.login("mona")
    r = browser.get("/reports/download", params={"period": "2026-13", "format": "html"})
    assert r.status_code == 400
    assert "period &#39;2026-13&#39; is not a month YYYY-MM" in r.text or "period '2026-13'" in r.text


def test_agents_cannot(stores, db, browser: Browser) -> None:
    made = build_center(stores, db)
    f.user(db, "agent", employee_id=made["ann"].id, username="ann")
    browser.login("ann")
    assert 'href="/reports"' not in browser.get(f"/agents/{made['ann'].id}").text
    assert browser.get("/reports").status_code == 403
    assert browser.get("/reports/download", params={"period": "2026-10"}).status_code == 403


def test_api_supervisor_gets_own_teams_xlsx(stores, db, client) -> None:
    made = build_center(stores, db)
    u = f.user(db, "supervisor", employee_id=made["supervisor"].id)
    _, raw = auth_service.create_api_token(db, f.actor(db, u), u.id, ApiTokenCreate(name="t"))
    r = client.get(
        "/api/v1/reports/2026-10", params={"format": "xlsx"}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = {row[0].value: row for row in wb["Summary"].iter_rows() if row[0].value}
    assert rows["Contacts offered"][1].value == 17
    bad = client.get("/api/v1/reports/2026-1x", headers={"Authorization": f"Bearer {raw}"})
    assert bad.status_code == 400 and "not a month" in bad.text
