"""Metrics pages and API: numbers link to the contacts behind them, every table exports to
CSV and XLSX, targets are managed from a page, and an agent sees own data only."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from floorwalker import clock
from tests import factories as f
from tests.metrics.test_dashboard import NOW, _center


@pytest.fixture(autouse=True)
def _now(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now_aware", lambda: NOW)


def _sign_in(stores, browser, role, employee_id=None):
    with stores.session() as db:
        user = f.user(db, role, employee_id=employee_id)
        username = user.username
    browser.login(username)
    return username


def test_overview_numbers_drill_to_their_contacts(stores, browser) -> None:
    with stores.session() as db:
        _center(stores, db)
    _sign_in(stores, browser, "manager")
    page = browser.get("/")
    assert page.status_code == 200
    html = page.text
    assert 'data-metric="offered-today"' in html and 'id="queues-LON-today"' in html
    # The offered tile of today links to the list of today's contacts of the site: 6 of them.
    marker = html.index('data-metric="offered-today"')
    href = html[html.index('href="', marker) + 6 : html.index('"', html.index('href="', marker) + 6)]
    href = href.replace("&amp;", "&")
    assert parse_qs(urlparse(href).query) == {"site": ["LON"], "from": ["2026-11-18"], "to": ["2026-11-18"]}
    listed = browser.get(href)
    assert listed.status_code == 200 and 'data-total="6"' in listed.text
    abandoned = browser.get(
        "/metrics/contacts?site=LON&queue=sales&from=2026-11-18&to=2026-11-18&outcome=abandoned"
    )
    assert 'data-total="1"' in abandoned.text


def test_tables_export_to_csv_and_xlsx(stores, browser) -> None:
    with stores.session() as db:
        _center(stores, db)
    _sign_in(stores, browser, "manager")
    response = browser.get("/?export=csv&table=queues-LON-today")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="queues-LON-today.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    sales = next(r for r in rows if r["Offered"] == "4")
    assert float(sales["Service level (fraction)"]) == pytest.approx(0.75)
    assert float(sales["ASA (s)"]) == pytest.approx(10.0)
    assert sorted(int(r["Offered"]) for r in rows) == [2, 4]

    response = browser.get("/?export=xlsx&table=queues-LON-today")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Queue", "Channel", "Offered"]
    col = header.index("Service level (fraction)") + 1
    by_offered = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert by_offered[4][col - 1].value == pytest.approx(0.75)
    assert by_offered[4][col - 1].number_format == "0.0%"

    # The contact list exports every matching contact, not only the page shown.
    response = browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18&export=xlsx&table=contacts")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 6
    assert browser.get("/?export=pdf&table=queues-LON-today").status_code == 400
    assert browser.get("/?export=csv&table=nope").status_code == 404


def test_queue_team_and_agent_pages(stores, browser) -> None:
    with stores.session() as db:
        site, a, _ = _center(stores, db)
        alpha_id = a.team_id
        f.employee(db, site.id, alpha_id, role="supervisor", agent_code=None)  # a member with no agent code
    _sign_in(stores, browser, "manager")
    queue = browser.get("/metrics/queues/sales?day=2026-11-18&grain=interval15")
    assert queue.status_code == 200
    assert 'id="queue-intervals-data"' in queue.text and 'id="intervals"' in queue.text
    intervals = list(
        csv.DictReader(
            io.StringIO(
                browser.get(
                    "/metrics/queues/sales?day=2026-11-18&grain=interval15&export=csv&table=intervals"
                ).text
            )
        )
    )
    assert [(r["From"], r["Offered"]) for r in intervals] == [("10:00", "3"), ("10:15", "1")]
    days = list(
        csv.DictReader(
            io.StringIO(browser.get("/metrics/queues/sales?day=2026-11-18&export=csv&table=days").text)
        )
    )
    assert [(r["Day"], r["Offered"]) for r in days[-2:]] == [("2026-11-17", "2"), ("2026-11-18", "4")]
    assert browser.get("/metrics/queues/sales?grain=interval7").status_code == 400
    team = browser.get(f"/metrics/teams/{alpha_id}?from=2026-11-18&to=2026-11-18")
    assert team.status_code == 200 and "A1" in team.text
    teams = list(
        csv.DictReader(
            io.StringIO(
                browser.get("/metrics/teams?from=2026-11-18&to=2026-11-18&export=csv&table=teams").text
            )
        )
    )
    assert {r["Team"]: r["Answered"] for r in teams} == {"Alpha": "3", "Beta": "2", "(no team)": "0"}
    agent = browser.get(f"/agents/{a.id}?from=2026-11-17&to=2026-11-18&export=csv&table=agent-days")
    assert [(r["Day"], r["Handled"]) for r in csv.DictReader(io.StringIO(agent.text))] == [
        ("2026-11-18", "3"),
        ("2026-11-17", "2"),
    ]


def test_targets_are_managed_on_a_page(stores, browser) -> None:
    with stores.session() as db:
        _center(stores, db)
    _sign_in(stores, browser, "manager")
    bad = browser.post("/metrics/targets/new", {"kpi": "service_level", "goal": "80", "scope_kind": "all"})
    assert bad.status_code == 422 and "a fraction between 0 and 1" in bad.text
    made = browser.post("/metrics/targets/new", {"kpi": "service_level", "goal": "0.9", "scope_kind": "all"})
    assert made.status_code == 200 and "90.0%" in made.text
    overview = browser.get("/")
    assert "target ≥ 90.0%" in overview.text and "rag-red" in overview.text
    listed = browser.get("/api/v1/metrics/targets").json()
    assert [(t["kpi"], t["goal"], t["direction"]) for t in listed] == [("service_level", 0.9, "at_least")]
    target_id = listed[0]["id"]
    browser.post(
        f"/metrics/targets/{target_id}", {"kpi": "service_level", "goal": "0.4", "scope_kind": "all"}
    )
    assert "rag-green" in browser.get("/").text  # the edit shows at once (the cache sees it)
    browser.post(f"/metrics/targets/{target_id}/delete")
    assert browser.get("/api/v1/metrics/targets").json() == []


def test_supervisor_reads_targets_but_cannot_set_them(stores, browser) -> None:
    with stores.session() as db:
        supervisor = f.employee(db, f.site(db).id, role="supervisor")
    _sign_in(stores, browser, "supervisor", employee_id=supervisor.id)
    assert browser.get("/metrics/targets").status_code == 200
    assert browser.get("/metrics/targets/new").status_code == 403
    response = browser.client.post(
        "/api/v1/metrics/targets", json={"kpi": "csat", "goal": 0.85}, headers={"x-csrf-token": browser.csrf}
    )
    assert response.status_code == 403


def test_targets_api_names_the_bad_field(stores, browser) -> None:
    _sign_in(stores, browser, "admin")
    headers = {"x-csrf-token": browser.csrf}
    response = browser.client.post(
        "/api/v1/metrics/targets", json={"kpi": "csat", "goal": 85}, headers=headers
    )
    assert response.status_code == 400 and response.json()["field"] == "goal"
    made = browser.client.post("/api/v1/metrics/targets", json={"kpi": "csat", "goal": 0.85}, headers=headers)
    assert made.status_code == 201
    again = browser.client.post("/api/v1/metrics/targets", json={"kpi": "csat", "goal": 0.8}, headers=headers)
    assert again.status_code == 409
    patched = browser.client.patch(
        f"/api/v1/metrics/targets/{made.json()['id']}", json={"amber_margin": 0.02}, headers=headers
    )
    assert patched.json()["amber_margin"] == 0.02


def test_an_agent_sees_own_data_only_on_pages_and_api(stores, browser) -> None:
    with stores.session() as db:
        _, a, b = _center(stores, db)
    _sign_in(stores, browser, "agent", employee_id=a.id)
    home = browser.get("/")
    assert str(home.url).endswith(f"/agents/{a.id}")
    assert browser.get(f"/agents/{b.id}").status_code == 403
    assert browser.get(f"/agents/{b.id}?export=csv&table=agent-days").status_code == 403
    # The contact list, whatever its filter says, holds the agent's own contacts only.
    own = browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18")
    # ">B1<": the agent code as cell text (a bare "B1" can occur inside the random CSRF token).
    assert 'data-total="3"' in own.text and ">A1<" in own.text and ">B1<" not in own.text
    exported = browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18&export=csv&table=contacts").text
    assert {r["Agent"] for r in csv.DictReader(io.StringIO(exported))} == {"A1"}
    assert browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18&agent=B1").status_code == 403
    assert (
        browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18&team=Beta").text.count('data-total="0"')
        == 1
    )
    # A queue page shows the agent's own contacts of that queue, not the queue's.
    queue = browser.get("/metrics/queues/sales?day=2026-11-18&export=csv&table=intervals").text
    assert sum(int(r["Offered"]) for r in csv.DictReader(io.StringIO(queue))) == 3
    assert browser.get("/metrics/teams").url.path == f"/agents/{a.id}"
    # API
    assert browser.get("/api/v1/metrics/overview").status_code == 403
    api = browser.get("/api/v1/metrics/contacts?from=2026-11-18&to=2026-11-18").json()
    assert api["total"] == 3 and {c["agent"] for c in api["contacts"]} == {"A1"}
    assert browser.get("/api/v1/metrics/contacts?from=2026-11-18&to=2026-11-18&agent=B1").status_code == 403
    assert browser.get(f"/api/v1/agents/{b.id}/days").status_code == 403


def test_contact_exports_are_capped_with_a_clear_message(stores, browser, monkeypatch) -> None:
    from floorwalker.metrics import people_pages

    with stores.session() as db:
        _center(stores, db)
    _sign_in(stores, browser, "manager")
    monkeypatch.setitem(people_pages.EXPORT_LIMIT, "xlsx", 5)
    refused = browser.get("/metrics/contacts?from=2026-11-18&to=2026-11-18&export=xlsx&table=contacts")
    assert refused.status_code == 400 and "6 contacts match" in refused.text and "export CSV" in refused.text
    allowed = browser.get(
        "/metrics/contacts?from=2026-11-18&to=2026-11-18&outcome=answered&export=xlsx&table=contacts"
    )
    assert allowed.status_code == 200
    assert browser.get("/metrics/contacts?export=pdf&table=contacts").status_code == 400


@pytest.mark.parametrize("installed", [True, False])
def test_queue_page_shows_its_numbers_with_or_without_the_chart_library(
    stores, browser, monkeypatch, installed
):
    from floorwalker.web.templating import templates

    monkeypatch.setitem(templates.env.globals, "has_charts", installed)
    with stores.session() as db:
        _center(stores, db)
    _sign_in(stores, browser, "manager")
    page = browser.get("/metrics/queues/sales?day=2026-11-18").text
    assert ("<canvas" in page) is installed
    assert ("/static/vendor/chart.umd.js" in page) is installed
    assert 'id="intervals"' in page and 'data-col="service_level"' in page  # the numbers, as a table
