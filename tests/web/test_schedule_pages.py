"""Schedule pages through the real login form: the manager's draft grid and publish, a
supervisor's shift edits (a rule-breaking one refused naming the rule), an agent's own
schedule and iCalendar export."""

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from floorwalker.auth.permissions import Actor
from floorwalker.wfm import schedule_service
from floorwalker.wfm.models import Schedule, ScheduleShift
from tests import factories as f
from tests.wfm.test_schedule_generate import WEEK, history

MANAGER = Actor(user_id=None, username="mia", role="manager")


def test_grid_publish_edit_and_own_schedule(stores, db, browser, monkeypatch) -> None:
    people = history(stores, db, monkeypatch)
    site_id = people[0].site_id
    boss = f.employee(db, site_id, role="supervisor", agent_code=None)
    team = f.team(db, site_id, name="Red", supervisor_id=boss.id)
    for p in people[:2]:
        p.team_id = team.id
    db.commit()
    with stores.warehouse.connect() as wh:
        schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=5, seed=1)
    f.user(db, "manager", username="mia")
    f.user(db, "supervisor", employee_id=boss.id, username="sue")
    f.user(db, "agent", employee_id=people[0].id, username="al")

    browser.login("mia")
    page = browser.get(f"/wfm/schedule?week={WEEK}&site=LON")
    assert page.status_code == 200 and 'id="schedule-grid"' in page.text and "draft" in page.text
    assert all(p.agent_code in page.text for p in people)
    published = browser.post("/wfm/schedule/publish", {"week": str(WEEK), "site": "LON"})
    assert "Schedule published" in published.text and 'id="publish"' not in published.text
    browser.post("/logout")

    browser.login("sue")
    grid = browser.get(f"/wfm/schedule?week={WEEK}&site=LON")
    codes = set(re.findall(r"<tr><th>(\w+)<br>", grid.text))
    assert codes == {people[0].agent_code, people[1].agent_code}  # only the supervisor's team
    shift = db.scalars(
        select(ScheduleShift).where(ScheduleShift.employee_id == people[0].id, ScheduleShift.kind == "work")
    ).first()
    refused = browser.post(
        f"/wfm/schedule/shifts/{shift.id}", {"week": str(WEEK), "site": "LON", "start": "03:00"}
    )
    assert "edit refused" in refused.text and "start time not allowed" in refused.text
    db.expire_all()
    before = db.get(ScheduleShift, shift.id).start_local
    assert before.hour != 3
    other = next(
        t for t in ("09:00", "09:30", "10:00") if t != before.strftime("%H:%M")
    )  # inside the day's span: allowed unless rest/hours forbid it
    moved = browser.post(
        f"/wfm/schedule/shifts/{shift.id}", {"week": str(WEEK), "site": "LON", "start": other}
    )
    db.expire_all()
    after = db.get(ScheduleShift, shift.id)
    if "now starts" in moved.text:
        assert after.start_local.strftime("%H:%M") == other
    else:  # refused by a rule of the agent's week (e.g. 11 h rest): nothing changed
        assert "edit refused" in moved.text and after.start_local == before
    browser.post("/logout")

    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: datetime(2026, 10, 14, 12))
    browser.login("al")
    mine = browser.get(f"/wfm/my-schedule?week={WEEK}")
    assert mine.status_code == 200 and 'id="my-schedule"' in mine.text and "day off" in mine.text
    ics = browser.get("/wfm/my-schedule.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    body = ics.text
    work = db.scalars(
        select(ScheduleShift).where(ScheduleShift.employee_id == people[0].id, ScheduleShift.kind == "work")
    ).all()
    assert body.count("BEGIN:VEVENT") == len(work)
    assert f"DTSTART:{after.start_utc:%Y%m%dT%H%M%S}Z" in body
    assert browser.get(f"/wfm/schedule?week={WEEK}&site=LON").status_code == 403


def test_schedule_page_lists_agents_out_of_adherence_now(stores, db, browser, monkeypatch) -> None:
    from tests.wfm.test_adherence_service import NINE, _published

    _published(db, stores)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: NINE + timedelta(hours=2, minutes=20))
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/wfm/schedule?week=2026-10-19&site=LON")
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>([\w ]+)</td><td>([\d:]+)</td></tr>", page.text)
    assert rows == [("bob", "work", "not ready", "11:00")]
    partial = browser.get("/wfm/schedule/out-now")
    assert partial.status_code == 200 and 'id="out-now"' in partial.text and "<html" not in partial.text


def test_intraday_page(stores, db, browser, monkeypatch) -> None:
    from floorwalker.wfm import versions_service as versions

    history(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        versions.create_version(db, wh, MANAGER, queue="sales", horizon_days=14, method="weighted_average")
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: datetime(2026, 10, 20, 11))
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/wfm/intraday?site=LON")
    assert page.status_code == 200 and "Intraday, 2026-10-20" in page.text
    assert re.search(r"<tr><td>09:00</td><td class=\"num\">[\d.]+</td>\s*<td class=\"num\">0</td>", page.text)
    assert "sales: actual so far is 0%" in page.text


def test_manager_generates_a_draft_from_the_page(stores, db, browser, monkeypatch) -> None:
    # the CLI cannot open the embedded warehouse while the server runs: the page's button does it
    people = history(stores, db, monkeypatch)
    f.user(db, "manager", username="mia")
    f.user(db, "agent", employee_id=people[0].id, username="al")

    browser.login("al")  # agents neither see nor use the button
    assert 'id="generate"' not in browser.get(f"/wfm/schedule?week={WEEK}&site=LON").text
    refused = browser.post("/wfm/schedule/generate", {"week": str(WEEK), "site": "LON", "time_limit_s": "5"})
    assert refused.status_code == 403
    assert db.scalars(select(Schedule)).first() is None
    browser.post("/logout")

    browser.login("mia")
    empty = browser.get(f"/wfm/schedule?week={WEEK}&site=LON")
    assert 'id="no-schedule"' in empty.text and "Generate a draft" in empty.text
    bad = browser.post("/wfm/schedule/generate", {"week": str(WEEK), "site": "LON", "time_limit_s": "0"})
    assert "Not generated: time limit must be 1–300 seconds" in bad.text
    done = browser.post("/wfm/schedule/generate", {"week": str(WEEK), "site": "LON", "time_limit_s": "5"})
    assert "Draft generated:" in done.text and "0 rule violations" in done.text
    assert 'id="schedule-grid"' in done.text and "Generate the draft again" in done.text
    assert all(p.agent_code in done.text for p in people)
