"""Planning pages through the real login form: forecast (save, override), requirements
heatmap, capacity plan; supervisors read, agents are kept out."""

import re
from datetime import UTC, date, datetime, timedelta

from tests import factories as f


def _center(stores, db, monkeypatch) -> int:
    site = f.site(db, code="LON", time_zone="UTC")
    f.queue(db, site.id, code="sales")
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 200}]
    with stores.warehouse.begin() as conn:
        for day in range(42):
            at = datetime.combine(date(2026, 9, 1) + timedelta(days=day), datetime.min.time()).replace(hour=9)
            f.load_contacts(conn, f.contact_rows("LON", "sales", at, spec * 3))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: datetime(2026, 10, 13, 12, tzinfo=UTC))
    return site.id


def test_manager_saves_overrides_and_reads_the_plans(stores, db, browser, monkeypatch) -> None:
    _center(stores, db, monkeypatch)
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/wfm?queue=sales")
    assert page.status_code == 200 and "No saved forecast" in page.text and ">Planning<" in page.text
    saved = browser.post(
        "/wfm/forecast",
        {"queue": "sales", "horizon_days": "14", "method": "weighted_average", "history_days": "42"},
    )
    assert saved.status_code == 200 and "Saved forecast version" in saved.text
    assert 'id="forecast-chart"' in saved.text and "<polyline" in saved.text
    version = re.search(r'action="/wfm/versions/(\d+)/overrides"', saved.text).group(1)
    over = browser.post(
        f"/wfm/versions/{version}/overrides",
        {"queue": "sales", "day": "2026-10-14", "factor": "1.5", "reason": "TV advert"},
    )
    assert "Override recorded" in over.text and "TV advert" in over.text
    row = re.search(
        r"<tr><td>2026-10-14</td><td class=\"num\">([\d.]+)</td><td class=\"num\">([\d.]+)", over.text
    )
    assert (float(row.group(1)), float(row.group(2))) == (4.5, 3.0)  # the model's 3 kept visible
    bad = browser.post(f"/wfm/versions/{version}/overrides", {"queue": "sales", "factor": "2", "reason": "x"})
    assert "Override not saved" in bad.text
    heat = browser.get("/wfm/requirements?week=2026-10-19")
    assert heat.status_code == 200
    # 3 calls × 200 s at 09:00: 2 agents on contacts (Erlang C, 80% in 20 s), 3 with 30% shrinkage.
    assert re.search(r"<th>09:00</th><td class=\"num\" style=\"background:hsl[^\"]+\">3</td>", heat.text)
    on_contacts = browser.get("/wfm/requirements?week=2026-10-19&measure=agents")
    assert re.search(r"<th>09:00</th><td class=\"num\" style=\"[^\"]+\">2</td>", on_contacts.text)
    plan = browser.get("/wfm/capacity?months=6")
    assert plan.status_code == 200 and "Capacity and hiring plan" in plan.text
    assert "sales left out" in plan.text  # six weeks of history: fewer than eight


def test_supervisor_reads_but_cannot_save_and_agents_are_kept_out(stores, db, browser, monkeypatch) -> None:
    site_id = _center(stores, db, monkeypatch)
    f.user(db, "supervisor", f.employee(db, site_id, role="supervisor").id, username="sam")
    browser.login("sam")
    assert browser.get("/wfm").status_code == 200
    refused = browser.post("/wfm/forecast", {"queue": "sales", "horizon_days": "3"})
    assert refused.status_code == 403
    heat = browser.get("/wfm/requirements?week=2026-10-19")
    assert "no saved forecast covers the week" in heat.text and "Forecast the missing" not in heat.text
    browser.client.cookies.clear()
    f.user(db, "agent", f.employee(db, site_id).id, username="al")
    browser.login("al")
    assert browser.get("/wfm").status_code == 403
