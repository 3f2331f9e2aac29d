"""Intraday suggestions on both stores: ranked suggestions for the rest of a published day,
applying a break move and a meeting cancel (rule-checked, audited, scoped), and overtime
offers recorded with their state."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.wfm import intraday_actions, intraday_service
from floorwalker.wfm.intraday_actions import TEMPLATE_BREAKS
from floorwalker.wfm.models import ScheduleActivity
from tests.wfm.intraday_helpers import DAY, MANAGER, at, published_day


def _activity(db, shift, name: str) -> ScheduleActivity:
    return db.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id == shift.id, ScheduleActivity.name == name)
    ).one()


def test_suggestions_for_the_rest_of_the_day(stores, db, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        view = intraday_service.intraday(db, wh, MANAGER, "LON", DAY, at(9))
        rows = {r["interval_start_utc"]: r for r in view["intervals"]}
        # ann on break 10:00–10:15 and cy in the meeting: 1.5 of 3 agents scheduled
        assert rows[at(10)]["scheduled"] == 1.5 and rows[at(10)]["gap"] == rows[at(10)]["scheduled"] - 3
        assert rows[at(9)]["projected_service_level"] > rows[at(10)]["projected_service_level"] > 0
        out = intraday_actions.suggestions(db, wh, MANAGER, "LON", at(9))
        red_sup = Actor(
            user_id=None, username="sue", role="supervisor", team_ids=frozenset({built["red"].id})
        )
        red_only = intraday_actions.suggestions(db, wh, red_sup, "LON", at(9))
        with pytest.raises(PermissionDenied):
            intraday_actions.suggestions(
                db, wh, Actor(user_id=None, username="al", role="agent"), "LON", at(9)
            )
    found = out["suggestions"]
    assert out["model"]["erlang"] == "C" and out["service_level_rest_of_day"] == found[0]["sl_before"]
    kinds = {s["kind"] for s in found}
    assert {"break_move", "meeting_cancel", "overtime"} <= kinds
    for a, b in itertools.pairwise(found):
        assert b["sl_before"] == pytest.approx(a["sl_after"], abs=1e-4)
    shifts = built["shifts"]
    for s in found:
        if s["kind"] == "break_move":  # inside the template's window, inside the shift
            rule = next(r for r in TEMPLATE_BREAKS["full"] if r.name == s["activity"])
            start = shifts[s["agent"]].start_utc
            assert start + timedelta(minutes=rule.earliest_start) <= s["start_utc"]
            assert s["start_utc"] <= start + timedelta(minutes=rule.latest_start)
    meeting = next(s for s in found if s["kind"] == "meeting_cancel")
    assert meeting["agent"] == "cy" and meeting["applicable"]
    assert [i["gap_after"] - i["gap_before"] for i in meeting["intervals"]] == [1.0, 1.0]
    overtime = next(s for s in found if s["kind"] == "overtime")
    # dan (20 h, 4 h worked): an extra block; the 40 h agents are at 8 h of 40 but no interval
    # after 17:00 or before 09:00 is short, and none may fall below the weekly minimum (no VTO)
    assert overtime["agent"] == "dan" and not overtime["applicable"] and overtime["agent_hours"] <= 4
    assert not [s for s in found if s["kind"] == "vto"]
    assert {s["agent"] for s in red_only["suggestions"]} <= {"ann", "cy", "dan"}
    assert "bob" in {s["agent"] for s in found}


def test_apply_a_break_move_and_a_meeting_cancel(stores, db, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    ann, cy = built["shifts"]["ann"], built["shifts"]["cy"]
    brk, meeting = _activity(db, ann, "break 1"), _activity(db, cy, "team meeting")
    blue_sup = Actor(user_id=None, username="bo", role="supervisor", team_ids=frozenset({built["blue"].id}))
    with pytest.raises(PermissionDenied):
        intraday_actions.apply_change(db, blue_sup, brk.id, "move", at(11.5), at(9))
    with pytest.raises(InvalidInput, match="between 10:00 and 11:30"):
        intraday_actions.apply_change(db, MANAGER, brk.id, "move", at(12), at(9))
    with pytest.raises(InvalidInput, match="overlap team meeting"):
        intraday_actions.apply_change(db, MANAGER, _activity(db, cy, "break 1").id, "move", at(10.25), at(9))
    with pytest.raises(InvalidInput, match="do not cancel"):
        intraday_actions.apply_change(db, MANAGER, brk.id, "cancel", None, at(9))
    with pytest.raises(InvalidInput, match="already started"):
        intraday_actions.apply_change(db, MANAGER, brk.id, "move", at(11.5), at(10.1))
    with pytest.raises(InvalidInput, match="move or cancel"):
        intraday_actions.apply_change(db, MANAGER, brk.id, "delete", None, at(9))
    red_sup = Actor(user_id=None, username="sue", role="supervisor", team_ids=frozenset({built["red"].id}))
    moved = intraday_actions.apply_change(db, red_sup, brk.id, "move", at(11.5), at(9))
    assert moved["start_utc"] == at(11.5)
    db.expire_all()
    assert (_activity(db, ann, "break 1").start_utc, _activity(db, ann, "break 1").end_utc) == (
        at(11.5),
        at(11.75),
    )
    intraday_actions.apply_change(db, red_sup, meeting.id, "cancel", None, at(9))
    db.expire_all()
    assert db.get(ScheduleActivity, meeting.id) is None
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.entity == "schedule_activity").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.username) for e in entries] == [("move", "sue"), ("cancel", "sue")]
    assert entries[0].changes["start_utc"] == [at(10).isoformat(), at(11.5).isoformat()]
    with stores.warehouse.connect() as wh:
        rows = {
            r["interval_start_utc"]: r
            for r in intraday_service.intraday(db, wh, MANAGER, "LON", DAY, at(9))["intervals"]
        }
    assert rows[at(10)]["scheduled"] == 3.0  # ann's break and cy's meeting are gone from 10:00


def test_overtime_offers_are_recorded_with_their_state(stores, db, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    red_sup = Actor(user_id=None, username="sue", role="supervisor", team_ids=frozenset({built["red"].id}))
    blue_sup = Actor(user_id=None, username="bo", role="supervisor", team_ids=frozenset({built["blue"].id}))
    intraday_actions.record_offer(db, red_sup, "overtime", "dan", at(13), at(15), "offered")
    intraday_actions.record_offer(db, red_sup, "overtime", "dan", at(13), at(15), "accepted")
    intraday_actions.record_offer(db, MANAGER, "vto", "bob", at(16.5), at(17.5), "declined")
    listed = intraday_actions.offers(db, red_sup, "LON", DAY)
    assert [(o["kind"], o["agent"], o["state"], o["by"]) for o in listed] == [
        ("overtime", "dan", "accepted", "sue")
    ]
    everyone = intraday_actions.offers(db, MANAGER, "LON", DAY)
    assert [o["agent"] for o in everyone] == ["dan", "bob"]
    assert intraday_actions.offers(db, MANAGER, "LON", DAY + timedelta(days=1)) == []
    with pytest.raises(PermissionDenied):
        intraday_actions.record_offer(db, blue_sup, "overtime", "dan", at(13), at(15), "offered")
    with pytest.raises(InvalidInput, match="kind"):
        intraday_actions.record_offer(db, MANAGER, "bonus", "dan", at(13), at(15), "offered")
    with pytest.raises(InvalidInput, match="state"):
        intraday_actions.record_offer(db, MANAGER, "vto", "dan", at(13), at(15), "maybe")
    with pytest.raises(InvalidInput, match="after start"):
        intraday_actions.record_offer(db, MANAGER, "vto", "dan", at(15), at(13), "offered")
