"""Shift swaps and schedule edits over HTTP: the JSON API with tokens (statuses, scope,
refusals) and the pages through the real login form."""

import re

from sqlalchemy import select

from floorwalker.auth import service as auth_service
from floorwalker.auth.schemas import ApiTokenCreate
from floorwalker.wfm.models import ScheduleActivity, ShiftSwap
from tests import factories as f
from tests.wfm.swap_setup import WEEK, build, row


def _token(db, u) -> dict[str, str]:
    _, raw = auth_service.create_api_token(db, f.actor(db, u), u.id, ApiTokenCreate(name="t"))
    return {"Authorization": f"Bearer {raw}"}


def test_swap_api_flow_and_scope(client, db) -> None:
    w = build(db)
    ann = _token(db, f.user(db, "agent", employee_id=w.ann.id))
    bob = _token(db, f.user(db, "agent", employee_id=w.bob.id))
    cat = _token(db, f.user(db, "agent", employee_id=w.cat.id))
    sue = _token(db, f.user(db, "supervisor", employee_id=w.boss.id))
    tom = _token(db, f.user(db, "supervisor", employee_id=w.other_boss.id))
    body = {
        "offered_shift_id": row(db, w.ann, 0).id,
        "wanted_shift_id": row(db, w.bob, 5).id,
        "message": "pls",
    }
    assert client.get("/api/v1/wfm/swaps").status_code == 401
    assert client.post("/api/v1/wfm/swaps", headers=ann, json={**body, "extra": 1}).status_code == 422
    refused = client.post(
        "/api/v1/wfm/swaps",
        headers=ann,
        json={"offered_shift_id": row(db, w.ann, 0).id, "colleague_id": w.bob.id},
    )
    assert refused.status_code == 400 and "days off" in refused.json()["detail"]
    made = client.post("/api/v1/wfm/swaps", headers=ann, json=body)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    assert made.json()["status"] == "proposed" and made.json()["kind"] == "swap"
    assert [s["id"] for s in client.get("/api/v1/wfm/swaps", headers=bob).json()] == [sid]
    assert client.get("/api/v1/wfm/swaps", headers=cat).json() == []
    assert client.get(f"/api/v1/wfm/swaps/{sid}", headers=tom).status_code == 404
    assert client.post(f"/api/v1/wfm/swaps/{sid}/accept", headers=ann).status_code == 403
    assert client.post(f"/api/v1/wfm/swaps/{sid}/approve", headers=sue).status_code == 409  # not accepted yet
    assert client.post(f"/api/v1/wfm/swaps/{sid}/steal", headers=bob).status_code == 422
    assert (
        client.post(f"/api/v1/wfm/swaps/{sid}/accept", headers=bob, json={"note": "ok"}).json()["status"]
        == "accepted"
    )
    assert client.post(f"/api/v1/wfm/swaps/{sid}/approve", headers=bob).status_code == 403  # an agent
    review = client.get(f"/api/v1/wfm/swaps/{sid}", headers=sue).json()
    assert review["can_decide"] and review["problems"] == [] and review["stale"] == ""
    assert review["coverage"] == [] and ["ann", "Sat 2030-01-12 11:30–20:00 (full)"] in review["after"]
    assert client.get(f"/api/v1/wfm/swaps/{sid}", headers=bob).json()["coverage"] == []
    done = client.post(f"/api/v1/wfm/swaps/{sid}/approve", headers=sue)
    assert done.status_code == 200 and done.json()["status"] == "approved" and done.json()["decided_by"]
    again = client.post(f"/api/v1/wfm/swaps/{sid}/reject", headers=sue)
    assert again.status_code == 409 and "already approved" in again.json()["detail"]


def test_edit_api(client, db) -> None:
    w = build(db)
    sue = _token(db, f.user(db, "supervisor", employee_id=w.boss.id))
    ann = _token(db, f.user(db, "agent", employee_id=w.ann.id))
    bob_tue = row(db, w.bob, 1).id
    assert (
        client.post(f"/api/v1/wfm/shifts/{bob_tue}/end", headers=ann, json={"end": "15:30"}).status_code
        == 403
    )
    bad = client.post(f"/api/v1/wfm/shifts/{bob_tue}/end", headers=sue, json={"end": "13:00"})
    assert bad.status_code == 400 and "no shift template allows" in bad.json()["detail"]
    ok = client.post(f"/api/v1/wfm/shifts/{bob_tue}/end", headers=sue, json={"end": "15:30"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["after"] == "Tue 2030-01-08 11:30–15:30 (part)"
    assert any(c["scheduled_after"] < c["scheduled_before"] for c in ok.json()["coverage"])
    mon = row(db, w.ann, 0).id
    block = {"kind": "coaching", "name": "1:1 with Sue", "start": "14:00", "minutes": 30}
    added = client.post(f"/api/v1/wfm/shifts/{mon}/activities", headers=sue, json=block)
    assert added.status_code == 200 and "1:1 with Sue 14:00" in added.json()["activities"]
    assert (
        client.post(
            f"/api/v1/wfm/shifts/{mon}/activities", headers=sue, json={**block, "kind": "nap"}
        ).status_code
        == 422
    )
    lunch = db.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id == mon, ScheduleActivity.name == "lunch")
    ).one()
    moved = client.post(f"/api/v1/wfm/activities/{lunch.id}/move", headers=sue, json={"start": "14:00"})
    assert moved.status_code == 400 and "overlap" in moved.json()["detail"]
    assert client.post(f"/api/v1/wfm/shifts/{mon}/remove", headers=sue).status_code == 400
    fri = row(db, w.cat, 4).id  # cat is in team Blue: not sue's
    assert (
        client.post(
            f"/api/v1/wfm/shifts/{fri}/add", headers=sue, json={"template": "part", "start": "09:00"}
        ).status_code
        == 403
    )


def test_swap_and_edit_pages(browser, db) -> None:
    w = build(db)
    f.user(db, "agent", employee_id=w.ann.id, username="ann")
    f.user(db, "agent", employee_id=w.bob.id, username="bob")
    f.user(db, "supervisor", employee_id=w.boss.id, username="sue")
    browser.login("ann")
    mine = browser.get(f"/wfm/my-schedule?week={WEEK}")
    assert mine.text.count('class="propose-swap"') == 5 and 'id="no-offers"' in mine.text
    form = browser.get(f"/wfm/swaps/new?shift={row(db, w.ann, 0).id}")
    assert form.status_code == 200 and f'value="shift:{row(db, w.bob, 5).id}"' in form.text
    assert (
        f'value="to:{w.bob.id}"' in form.text and f'value="to:{w.cat.id}"' not in form.text
    )  # cat works Monday
    assert browser.get(f"/wfm/swaps/new?shift={row(db, w.bob, 5).id}").status_code == 400  # not ann's
    bad = browser.post("/wfm/swaps", {"shift": str(row(db, w.ann, 0).id), "target": f"to:{w.bob.id}"})
    assert "Not proposed: swap refused" in bad.text
    ok = browser.post(
        "/wfm/swaps", {"shift": str(row(db, w.ann, 0).id), "target": f"shift:{row(db, w.bob, 5).id}"}
    )
    assert "proposed: waiting for your colleague" in ok.text
    swap = db.scalars(select(ShiftSwap)).one()
    browser.post("/logout")

    browser.login("bob")
    mine = browser.get(f"/wfm/my-schedule?week={WEEK}")
    assert 'id="swap-offers"' in mine.text and f"/wfm/swaps/{swap.id}" in mine.text
    detail = browser.get(f"/wfm/swaps/{swap.id}")
    assert 'id="accept"' in detail.text and 'id="coverage-summary"' not in detail.text  # no impact for agents
    assert "Swap" in browser.post(f"/wfm/swaps/{swap.id}/accept").text
    browser.post("/logout")

    browser.login("sue")
    listing = browser.get("/wfm/swaps")
    assert 'class="review"' in listing.text and re.search(r'class="status">accepted', listing.text)
    review = browser.get(f"/wfm/swaps/{swap.id}")
    assert 'id="rule-check"' in review.text and "Coverage per interval does not change" in review.text
    assert f"Swap {swap.id} approved" in browser.post(f"/wfm/swaps/{swap.id}/approve", {"note": "fine"}).text
    # the grid links each day to its edit page, which offers every edit; a refused one names the rule
    grid = browser.get(f"/wfm/schedule?week={WEEK}&site=LON")
    assert 'class="more-edits"' in grid.text and 'class="add-shift"' in grid.text
    page = browser.get(f"/wfm/schedule/shifts/{row(db, w.ann, 1).id}")
    assert all(
        f'id="{x}"' in page.text for x in ("change-end", "add-block", "remove-shift", "shift-activities")
    )
    assert page.text.count('class="move-activity"') == 3
    off = browser.get(f"/wfm/schedule/shifts/{row(db, w.ann, 6).id}")
    assert 'id="add-shift"' in off.text and '<option value="part">' in off.text
    assert browser.get(f"/wfm/schedule/shifts/{row(db, w.cat, 0).id}").status_code == 403  # not sue's team
    back = {"week": str(WEEK), "site": "LON", "status": "published"}
    refused = browser.post(f"/wfm/schedule/shifts/{row(db, w.bob, 1).id}/remove", back)
    assert "edit refused" in refused.text and "paid minutes" in refused.text
    ended = browser.post(f"/wfm/schedule/shifts/{row(db, w.bob, 1).id}/end", {**back, "end": "15:30"})
    assert "bob: Tue 2030-01-08 11:30–20:00 (full) → Tue 2030-01-08 11:30–15:30 (part)" in ended.text
    odd = browser.post(f"/wfm/schedule/shifts/{row(db, w.bob, 1).id}/block", {**back, "minutes": "x"})
    assert "minutes: give the block" in odd.text
