"""Site-local time grains across daylight-saving changes, and agent-time metrics."""

from datetime import date, datetime

import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.metrics import service
from floorwalker.metrics.service import CubeRequest
from tests import factories as f


def _cube(stores, db, day: date, **kw):
    with stores.warehouse.connect() as conn:
        return service.cube(db, conn, SYSTEM, CubeRequest(start=day, end=day, **kw))


def _per_minute(start_utc: datetime, minutes: int, utc_offset_s: int):
    specs = [{"outcome": "answered", "wait_s": 1, "talk_s": 10, "offset_s": 60 * m} for m in range(minutes)]
    return f.contact_rows("LON", "q", start_utc, specs, utc_offset_s=utc_offset_s)


def test_spring_forward_day_has_92_quarter_hours(stores, db) -> None:
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="q")
    # 29 March 2026: 01:00 GMT becomes 02:00 BST. One contact a minute all local day.
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, _per_minute(datetime(2026, 3, 29, 0, 0), 60, 0))
        f.load_contacts(conn, _per_minute(datetime(2026, 3, 29, 1, 0), 22 * 60, 3600))
    day = date(2026, 3, 29)
    rows = _cube(stores, db, day, by=("interval15",))
    assert len(rows) == 92
    assert all(r["offered"] == 15 for r in rows)
    labels = [r["interval15"] for r in rows]
    assert labels[3:5] == ["2026-03-29T00:45:00+00:00", "2026-03-29T02:00:00+01:00"]
    assert not any("T01:" in label for label in labels)
    assert len(_cube(stores, db, day, by=("interval30",))) == 46
    assert len(_cube(stores, db, day, by=("interval60",))) == 23
    assert [r["offered"] for r in _cube(stores, db, day, by=("day",))] == [23 * 60]


def test_fall_back_day_has_100_quarter_hours_in_real_order(stores, db) -> None:
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="q")
    # 25 October 2026: 02:00 BST becomes 01:00 GMT; local midnight is 23:00 UTC the day before.
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, _per_minute(datetime(2026, 10, 24, 23, 0), 120, 3600))
        f.load_contacts(conn, _per_minute(datetime(2026, 10, 25, 1, 0), 23 * 60, 0))
    day = date(2026, 10, 25)
    rows = _cube(stores, db, day, by=("interval15",))
    assert len(rows) == 100
    labels = [r["interval15"] for r in rows]
    assert labels[7:13] == [
        "2026-10-25T01:45:00+01:00",
        "2026-10-25T01:00:00+00:00",
        "2026-10-25T01:15:00+00:00",
        "2026-10-25T01:30:00+00:00",
        "2026-10-25T01:45:00+00:00",
        "2026-10-25T02:00:00+00:00",
    ]
    assert labels.count("2026-10-25T01:00:00+01:00") == 1
    assert labels.count("2026-10-25T01:00:00+00:00") == 1
    assert len(_cube(stores, db, day, by=("interval60",))) == 25
    assert [r["offered"] for r in _cube(stores, db, day, by=("day",))] == [25 * 60]


def _agents(stores, db):
    site = f.site(db, code="LON")
    red, blue = f.team(db, site.id, name="Red"), f.team(db, site.id, name="Blue")
    f.employee(db, site.id, red.id, agent_code="ann")
    f.employee(db, site.id, blue.id, agent_code="bob")
    nine = datetime(2026, 7, 15, 8, 0)  # 09:00 BST
    ann = [
        ("available", None, 600),
        ("on_contact", None, 600),
        ("wrap_up", None, 300),
        ("not_ready", "break", 900),
        ("not_ready", "system", 600),
        ("on_contact", None, 1800),  # 09:50–10:20: crosses the hour
        ("logged_out", None, 600),
    ]
    with stores.warehouse.begin() as conn:
        f.load_agent_states(conn, f.agent_state_rows("LON", "ann", nine, ann, utc_offset_s=3600))
        f.load_agent_states(
            conn, f.agent_state_rows("LON", "bob", nine, [("available", None, 3600)], utc_offset_s=3600)
        )


def test_occupancy_utilisation_and_shrinkage_by_team(stores, db) -> None:
    _agents(stores, db)
    teams = {r["team"]: r for r in _cube(stores, db, date(2026, 7, 15), by=("team",), agent_time=True)}
    red = teams["Red"]
    # handling = 600 + 300 + 1800, available 600, not ready 900 + 600, logged in 4800
    assert red["occupancy"] == pytest.approx(2700 / 3300)
    assert red["utilisation"] == pytest.approx(2700 / 4800)
    assert red["shrinkage"] == pytest.approx(1500 / 4800)
    assert red["planned_shrinkage"] == pytest.approx(900 / 4800)
    assert red["unplanned_shrinkage"] == pytest.approx(600 / 4800)
    assert red["not_ready_s"] == {"break": 900, "system": 600}
    assert red["logged_in_s"] == 4800
    assert red["shrinkage_basis"] == "logged_in"
    assert (red["offered"], red["service_level"]) == (0, None)
    assert (teams["Blue"]["occupancy"], teams["Blue"]["shrinkage"]) == (0.0, 0.0)
    (total,) = _cube(stores, db, date(2026, 7, 15), agent_time=True)
    assert total["occupancy"] == pytest.approx(2700 / (2700 + 600 + 3600))


def test_agent_states_are_split_across_intervals(stores, db) -> None:
    _agents(stores, db)
    rows = _cube(stores, db, date(2026, 7, 15), by=("agent", "interval60"), agent_time=True)
    got = {(r["agent"], r["interval60"]): r for r in rows}
    nine = got[("ann", "2026-07-15T09:00:00+01:00")]
    ten = got[("ann", "2026-07-15T10:00:00+01:00")]
    assert (nine["handling_s"], nine["available_s"], nine["logged_in_s"]) == (1500, 600, 3600)
    assert nine["occupancy"] == pytest.approx(1500 / 2100)
    assert (ten["handling_s"], ten["logged_in_s"], ten["occupancy"], ten["shrinkage"]) == (
        1200,
        1200,
        1.0,
        0.0,
    )
    quarter = {
        r["interval15"]: r["handling_s"]
        for r in _cube(stores, db, date(2026, 7, 15), by=("interval15",), agents=("ann",), agent_time=True)
    }
    assert quarter["2026-07-15T09:45:00+01:00"] == 600  # 09:50–10:00 on contact
    assert quarter["2026-07-15T10:15:00+01:00"] == 300
    assert sum(quarter.values()) == 2700
