"""Intraday suggestions and shrinkage through the real login form and the JSON API: the
suggestions panel with "projected SL before → after", applying a break move (and a refused
one), recording an offer and its acceptance, the shrinkage page with CSV export."""

import re

from sqlalchemy import select

from floorwalker.wfm.models import ScheduleActivity
from tests import factories as f
from tests.wfm.intraday_helpers import at, published_day


def test_suggestions_panel_apply_and_offers(stores, db, browser, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: at(9))
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/wfm/intraday?site=LON")
    assert page.status_code == 200 and 'id="suggestions"' in page.text
    changes = re.findall(r'<td class="sl-change">([\d.]+)% → ([\d.]+)%</td>', page.text)
    assert changes and all(float(b) >= float(a) for a, b in changes)
    assert "Cancel cy&#39;s meeting &#39;team meeting&#39; 10:00–11:00" in page.text
    assert "Offer dan overtime" in page.text and "Record offer" in page.text
    brk = db.scalars(
        select(ScheduleActivity).where(
            ScheduleActivity.shift_id == built["shifts"]["ann"].id, ScheduleActivity.name == "break 1"
        )
    ).one()
    refused = browser.post(
        "/wfm/intraday/apply",
        {"site": "LON", "activity_id": str(brk.id), "action": "move", "start_utc": at(12).isoformat()},
    )
    assert "Not applied" in refused.text and "the template&#39;s window" in refused.text
    done = browser.post(
        "/wfm/intraday/apply",
        {"site": "LON", "activity_id": str(brk.id), "action": "move", "start_utc": at(11.5).isoformat()},
    )
    assert "block moved to 11:30 UTC" in done.text
    db.expire_all()
    assert db.get(ScheduleActivity, brk.id).start_utc == at(11.5)
    offer = {"site": "LON", "kind": "overtime", "agent": "dan", "start_utc": at(13).isoformat(),
             "end_utc": at(15).isoformat()}  # fmt: skip
    browser.post("/wfm/intraday/offers", {**offer, "state": "offered"})
    accepted = browser.post("/wfm/intraday/offers", {**offer, "state": "accepted"})
    assert re.search(
        r"<td>dan</td><td>overtime</td>\s*<td>13:00–15:00</td><td class=\"offer-state\">accepted",
        accepted.text,
    )
    bad = browser.post("/wfm/intraday/apply", {"site": "LON", "activity_id": "x", "action": "move"})
    assert "Not applied: activity_id" in bad.text
    # JSON API
    api = browser.get("/api/v1/wfm/intraday/suggestions?site=LON")
    assert (
        api.status_code == 200
        and api.json()["suggestions"][0]["sl_after"] >= api.json()["suggestions"][0]["sl_before"]
    )
    headers = {"x-csrf-token": browser.csrf}
    body = {"activity_id": brk.id, "action": "cancel"}
    wrong = browser.client.post("/api/v1/wfm/intraday/changes", json=body, headers=headers)
    assert wrong.status_code == 400 and "do not cancel" in wrong.json()["detail"]
    offers = browser.get("/api/v1/wfm/intraday/offers?site=LON").json()
    assert [(o["agent"], o["state"]) for o in offers] == [("dan", "accepted")]


def test_suggestions_are_scoped_and_agents_are_refused(stores, db, browser, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: at(9))
    boss = f.employee(db, built["people"][0].site_id, role="supervisor", agent_code=None)
    built["blue"].supervisor_id = boss.id
    db.commit()
    f.user(db, "supervisor", employee_id=boss.id, username="bo")
    f.user(db, "agent", employee_id=built["people"][0].id, username="al")
    browser.login("bo")
    page = browser.get("/wfm/intraday?site=LON")
    rows = re.findall(r'<tr data-kind="\w+">\s*<td>\d+</td><td>([^<]+)</td>', page.text)
    assert rows and all("bob" in r for r in rows)
    browser.post("/logout")
    browser.login("al")
    assert browser.get("/wfm/intraday?site=LON").status_code == 403
    assert browser.get("/api/v1/wfm/intraday/suggestions?site=LON").status_code == 403


def test_shrinkage_page_and_export(stores, db, browser, monkeypatch) -> None:
    published_day(stores, db, monkeypatch)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: at(18))
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/wfm/shrinkage?site=LON&start=2026-10-20&end=2026-10-20")
    assert (
        page.status_code == 200
        and 'id="shrinkage-days"' in page.text
        and 'id="shrinkage-reasons"' in page.text
    )
    assert "Shrinkage, planned vs actual" in page.text and "absence" in page.text
    csv = browser.get(
        "/wfm/shrinkage?site=LON&start=2026-10-20&end=2026-10-20&export=csv&table=shrinkage-days"
    )
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("Day,Team,Paid min,Planned shrinkage min") and len(lines) == 3  # Blue, Red
    assert browser.get("/wfm/shrinkage?site=LON&start=yesterday").status_code == 400
    api = browser.get("/api/v1/wfm/shrinkage?site=LON&start=2026-10-20&end=2026-10-20").json()
    assert api["variant"] == "paid_time" and api["total"]["paid_min"] == 3 * 480
    assert browser.get("/api/v1/wfm/shrinkage?site=LON&start=2026-10-20&end=2026-10-19").status_code == 400
