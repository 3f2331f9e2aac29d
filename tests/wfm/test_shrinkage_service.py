"""Shrinkage of published days against warehouse agent states (both stores)."""

from datetime import datetime, timedelta

import pytest

from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import shrinkage_service
from floorwalker.wfm.models import TimeOffRequest
from tests import factories as f
from tests.wfm.intraday_helpers import DAY, MANAGER, at, published_day


def _states(stores) -> None:
    """ann keeps to her day but takes her lunch logged out; bob logs in 30 minutes late and
    takes 10 personal minutes; cy never logs in (absent)."""
    with stores.warehouse.begin() as conn:
        f.load_agent_states(conn, f.agent_state_rows("LON", "ann", at(9), [
            ("available", None, 3600), ("not_ready", "break", 900), ("available", None, 8100),
            ("logged_out", None, 1800), ("available", None, 10800), ("not_ready", "break", 900),
            ("available", None, 6300),
        ]))  # fmt: skip
        f.load_agent_states(conn, f.agent_state_rows("LON", "bob", at(9.5), [
            ("available", None, 3600), ("not_ready", "break", 900), ("not_ready", "personal", 600),
            ("available", None, 7500), ("not_ready", "lunch", 1800), ("available", None, 7200),
            ("not_ready", "break", 900), ("available", None, 6300),
        ]))  # fmt: skip


def _now(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: moment)


def test_planned_vs_actual_per_team_day_and_reason(stores, db, monkeypatch) -> None:
    built = published_day(stores, db, monkeypatch)
    _states(stores)
    _now(monkeypatch, at(24 * 7))  # a week later: the whole day has happened
    dan = built["people"][3]
    db.add(TimeOffRequest(employee_id=dan.id, start_utc=at(0), end_utc=at(24), start_local=at(0),
                          end_local=at(24), status="approved", created_by="dan",
                          created_at=datetime(2026, 10, 1)))  # fmt: skip
    db.commit()
    with stores.warehouse.connect() as wh:
        out = shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY)
        week = shrinkage_service.shrinkage(
            db, wh, MANAGER, "LON", DAY - timedelta(days=1), DAY + timedelta(days=5)
        )
        red_sup = Actor(
            user_id=None, username="sue", role="supervisor", team_ids=frozenset({built["red"].id})
        )
        red = shrinkage_service.shrinkage(db, wh, red_sup, "LON", DAY, DAY)
        blue = shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY, team="Blue")
        with pytest.raises(PermissionDenied):
            shrinkage_service.shrinkage(
                db, wh, Actor(user_id=None, username="al", role="agent"), "LON", DAY, DAY
            )
        with pytest.raises(InvalidInput, match="before start"):
            shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY - timedelta(days=1))
        with pytest.raises(NotFound, match="no team named"):
            shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY, team="Green")
    assert out["variant"] == "paid_time"
    days = {r["team"]: r for r in out["days"]}
    # Blue is bob: 510 shift minutes less a 30-minute unpaid lunch = 480 paid; planned 2 × 15 break
    b = days["Blue"]
    assert (b["paid_min"], b["unpaid_min"], b["planned_min"]) == (480, 30, 30)
    # actual: 30 late (absence) + breaks 15 + 15 + personal 10 (his lunch fell on the unpaid block)
    assert (b["absence_min"], b["actual_min"]) == (30, 70)
    assert b["actual_shrinkage"] == round(70 / 480, 4) and b["actual_unplanned_shrinkage"] == round(
        40 / 480, 4
    )
    assert blue["days"] == [b]
    # Red: ann (keeps to it), cy (absent all day, 60-minute meeting planned), dan on leave (4 h credit)
    r = days["Red"]
    assert r["paid_min"] == 480 + 480 + 240
    assert r["planned_min"] == 30 + (30 + 60) + 240
    assert r["absence_min"] == 480 - 90  # cy's work minutes; her breaks and meeting count as such
    reasons = {x["reason"]: x for x in out["reasons"]}
    assert reasons["time_off"]["planned_min"] == reasons["time_off"]["actual_min"] == 240
    assert reasons["personal"]["planned"] is False and reasons["meeting"]["planned_min"] == 60
    assert [t["team"] for t in red["days"]] == ["Red"]
    assert out["total"]["paid_min"] == 480 * 3 + 240
    monday = [w for w in week["weeks"] if w["team"] == "Red"]
    assert len(monday) == 1 and monday[0]["paid_min"] == r["paid_min"] + 240  # dan's Monday shift


def test_only_time_that_has_happened_counts(stores, db, monkeypatch) -> None:
    """At noon bob has been late 30 minutes and nothing after noon counts yet (his afternoon
    is not 'absence'); before anyone's shift the day has no shrinkage at all."""
    published_day(stores, db, monkeypatch)
    _states(stores)
    _now(monkeypatch, at(12))
    with stores.warehouse.connect() as wh:
        noon = {r["team"]: r for r in shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY)["days"]}
        _now(monkeypatch, at(5))
        early = shrinkage_service.shrinkage(db, wh, MANAGER, "LON", DAY, DAY)
    b = noon["Blue"]
    assert 0 < b["paid_min"] <= 180 and b["absence_min"] == 30
    assert noon["Red"]["absence_min"] < 480 - 90  # cy is absent only until now
    assert early["days"] == [] and early["total"]["paid_min"] == 0
