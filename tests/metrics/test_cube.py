"""The metrics cube on stored contacts, hand-computed, on both warehouses."""

from datetime import date, datetime

import pytest

from floorwalker.auth.permissions import SYSTEM, Actor
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import service
from floorwalker.metrics.service import CubeRequest
from tests import factories as f

DAY = date(2026, 7, 15)
MORNING = datetime(2026, 7, 15, 8, 0)  # 09:00 in London (BST, +1 h)


def _cube(stores, db, **kw):
    request = CubeRequest(start=kw.pop("start", DAY), end=kw.pop("end", DAY), **kw)
    with stores.warehouse.connect() as conn:
        return service.cube(db, conn, SYSTEM, request)


def _load(stores, *tables) -> None:
    with stores.warehouse.begin() as conn:
        for t in tables:
            f.load_contacts(conn, t)


SALES = [
    {"outcome": "answered", "wait_s": 10, "talk_s": 200, "hold_s": 20, "wrapup_s": 30, "agent": "A1"},
    {"outcome": "answered", "wait_s": 40, "talk_s": 100, "hold_s": 0, "wrapup_s": 50, "agent": "A2"},
    {"outcome": "transferred", "wait_s": 15, "talk_s": 60, "hold_s": 0, "wrapup_s": 0, "agent": "A1"},
    {"outcome": "abandoned", "wait_s": 3},
    {"outcome": "abandoned", "wait_s": 18},
    {"outcome": "abandoned", "wait_s": 70},
    {"outcome": "timeout", "wait_s": 300},
    {"outcome": "incomplete", "wait_s": None},
]


def test_every_contact_metric_of_one_queue_and_day(stores, db) -> None:
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="sales", sl_threshold_s=20, short_abandon_s=5)
    _load(stores, f.contact_rows("LON", "sales", MORNING, SALES, utc_offset_s=3600))
    (row,) = _cube(stores, db, by=("queue", "day"))
    assert (row["queue"], row["day"]) == ("sales", "2026-07-15")
    assert (row["offered"], row["answered"], row["abandoned"], row["short_abandoned"]) == (8, 3, 3, 1)
    assert (row["other_exits"], row["incomplete"], row["answered_within_threshold"]) == (1, 1, 2)
    assert row["abandoned_within_threshold"] == 2
    # default formula A_T / (A + Ab + X − Ab_S) = 2 / (3 + 3 + 1 − 1)
    assert row["service_level"] == pytest.approx(2 / 6)
    assert row["sl_formula"] == "answered_within_over_offered_less_short"
    assert row["asa_s"] == pytest.approx((10 + 40 + 15) / 3)
    # (Ab − Ab_S) / (O − Ab_S) = 2 / 7
    assert row["abandon_rate"] == pytest.approx(2 / 7)
    assert row["aht_s"] == pytest.approx((250 + 150 + 60) / 3)
    assert (row["talk_s"], row["hold_s"], row["wrapup_s"]) == pytest.approx((120, 20 / 3, 80 / 3))
    assert row["transfer_rate"] == pytest.approx(1 / 3)
    assert row["hold_rate"] == pytest.approx(1 / 3)
    assert row["average_wait_abandoned_s"] == pytest.approx(91 / 3)
    assert (row["longest_wait_answered_s"], row["longest_wait_abandoned_s"]) == (40, 70)
    assert row["aht_basis"] == "talk + hold + wrap-up"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("answered_within_over_offered", 2 / 7),
        ("answered_within_over_offered_less_short", 2 / 6),
        ("answered_within_over_answered", 2 / 3),
        ("answered_within_over_offered_less_abandoned_within", 2 / 5),
        ("within_over_offered", 4 / 7),
    ],
)
def test_each_service_level_formula_is_the_queue_setting(stores, db, formula, expected) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="sales", sl_threshold_s=20, short_abandon_s=5, sl_formula=formula)
    _load(stores, f.contact_rows("LON", "sales", MORNING, SALES, utc_offset_s=3600))
    (row,) = _cube(stores, db, by=("queue",))
    assert row["service_level"] == pytest.approx(expected)
    assert row["sl_formula"] == formula


def test_queues_with_different_settings_combine_queue_by_queue(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="voice", sl_threshold_s=20, short_abandon_s=5)
    f.queue(
        db,
        site.id,
        code="chat",
        channel="chat",
        sl_threshold_s=60,
        short_abandon_s=0,
        sl_formula="answered_within_over_answered",
    )
    voice = [
        {"outcome": "answered", "wait_s": 15, "talk_s": 100},  # within 20 s
        {"outcome": "answered", "wait_s": 45, "talk_s": 100},  # not within 20 s
        {"outcome": "abandoned", "wait_s": 4},  # short abandon (S = 5 s)
        {"outcome": "abandoned", "wait_s": 30},
    ]
    chat = [
        {"outcome": "answered", "wait_s": 45, "talk_s": 300, "channel": "chat"},  # within 60 s
        {"outcome": "answered", "wait_s": 90, "talk_s": 300, "channel": "chat"},
        {"outcome": "abandoned", "wait_s": 4, "channel": "chat"},  # not short: S = 0
    ]
    _load(
        stores,
        f.contact_rows("LON", "voice", MORNING, voice, utc_offset_s=3600),
        f.contact_rows("LON", "chat", MORNING, chat, utc_offset_s=3600),
    )
    by_queue = {r["queue"]: r for r in _cube(stores, db, by=("queue",))}
    assert by_queue["voice"]["service_level"] == pytest.approx(1 / 3)  # 1 / (2 + 2 − 1)
    assert by_queue["chat"]["service_level"] == pytest.approx(1 / 2)  # 1 / 2 answered
    assert by_queue["chat"]["short_abandoned"] == 0
    (site_row,) = _cube(stores, db, by=("site",))
    # each queue's own numerator and denominator, added: (1 + 1) / (3 + 2)
    assert site_row["service_level"] == pytest.approx(2 / 5)
    assert site_row["answered_within_threshold"] == 2
    assert site_row["sl_formula"] == "mixed"
    assert site_row["sl_threshold_s"] == "mixed"
    channels = {r["channel"]: r["offered"] for r in _cube(stores, db, by=("channel",))}
    assert channels == {"chat": 3, "voice": 4}


def test_talk_only_source_has_no_hold_or_wrapup_and_says_so(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    _load(stores, f.contact_rows("LON", "q", MORNING, [{"outcome": "answered", "wait_s": 5, "talk_s": 90}]))
    (row,) = _cube(stores, db)
    assert (row["aht_s"], row["talk_s"], row["hold_s"], row["wrapup_s"]) == (90, 90, None, None)
    assert row["hold_rate"] is None
    assert row["aht_basis"] == "talk only"


def test_no_contacts_gives_no_rows_and_no_answered_gives_null_rates(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    assert _cube(stores, db, by=("queue",)) == []
    _load(stores, f.contact_rows("LON", "q", MORNING, [{"outcome": "abandoned", "wait_s": 50}]))
    (row,) = _cube(stores, db, by=("queue",))
    assert (row["asa_s"], row["aht_s"], row["transfer_rate"], row["service_level"]) == (None, None, None, 0.0)
    assert row["abandon_rate"] == 1.0


def test_dates_are_site_local_and_inclusive(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    one = [{"outcome": "answered", "wait_s": 1, "talk_s": 10}]
    _load(
        stores,
        # 23:30 UTC on the 14th is 00:30 on the 15th in London: the 15th.
        f.contact_rows("LON", "q", datetime(2026, 7, 14, 23, 30), one, utc_offset_s=3600),
        f.contact_rows("LON", "q", datetime(2026, 7, 16, 22, 59), one, utc_offset_s=3600),  # 23:59 on 16th
        f.contact_rows("LON", "q", datetime(2026, 7, 16, 23, 0), one, utc_offset_s=3600),  # 00:00 on 17th
        # 00:30 on Monday the 20th: ISO week 30 (the 15th to the 17th are in week 29)
        f.contact_rows("LON", "q", datetime(2026, 7, 19, 23, 30), one, utc_offset_s=3600),
    )
    rows = _cube(stores, db, by=("day",), start=date(2026, 7, 15), end=date(2026, 7, 16))
    assert [(r["day"], r["offered"]) for r in rows] == [("2026-07-15", 1), ("2026-07-16", 1)]
    weeks = _cube(stores, db, by=("week",), start=date(2026, 7, 1), end=date(2026, 7, 31))
    months = _cube(stores, db, by=("month",), start=date(2026, 7, 1), end=date(2026, 7, 31))
    assert [(r["week"], r["offered"]) for r in weeks] == [("2026-W29", 3), ("2026-W30", 1)]
    assert [(r["month"], r["offered"]) for r in months] == [("2026-07", 4)]


def test_intervals_align_to_the_local_clock(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    specs = [
        {"outcome": "answered", "wait_s": 1, "talk_s": 10, "offset_s": s} for s in (0, 899, 900, 1799, 3600)
    ]
    _load(stores, f.contact_rows("LON", "q", MORNING, specs, utc_offset_s=3600))
    q15 = [(r["interval15"], r["offered"]) for r in _cube(stores, db, by=("interval15",))]
    assert q15 == [
        ("2026-07-15T09:00:00+01:00", 2),
        ("2026-07-15T09:15:00+01:00", 2),
        ("2026-07-15T10:00:00+01:00", 1),
    ]
    q30 = [(r["interval30"], r["offered"]) for r in _cube(stores, db, by=("interval30",))]
    assert q30 == [("2026-07-15T09:00:00+01:00", 4), ("2026-07-15T10:00:00+01:00", 1)]
    q60 = [(r["interval60"], r["offered"]) for r in _cube(stores, db, by=("interval60",))]
    assert q60 == [("2026-07-15T09:00:00+01:00", 4), ("2026-07-15T10:00:00+01:00", 1)]


def test_team_and_agent_grouping(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    red, blue = f.team(db, site.id, name="Red"), f.team(db, site.id, name="Blue")
    f.employee(db, site.id, red.id, agent_code="ann")
    f.employee(db, site.id, red.id, agent_code="bob")
    f.employee(db, site.id, blue.id, agent_code="cat")
    specs = [
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann"},
        {"outcome": "answered", "wait_s": 5, "talk_s": 200, "agent": "bob"},
        {"outcome": "answered", "wait_s": 50, "talk_s": 400, "agent": "cat"},
        {"outcome": "answered", "wait_s": 5, "talk_s": 50, "agent": "stranger"},
        {"outcome": "abandoned", "wait_s": 30},
    ]
    _load(stores, f.contact_rows("LON", "q", MORNING, specs, utc_offset_s=3600))
    teams = {r["team"]: r for r in _cube(stores, db, by=("team",))}
    assert set(teams) == {"Red", "Blue", None}
    assert (teams["Red"]["answered"], teams["Red"]["aht_s"]) == (2, 150)
    assert (teams["Blue"]["answered"], teams["Blue"]["answered_within_threshold"]) == (1, 0)
    # agents not in a team and contacts with no agent (abandons) are the team-less row
    assert (teams[None]["offered"], teams[None]["answered"], teams[None]["abandoned"]) == (2, 1, 1)
    agents = [(r["agent"], r["answered"]) for r in _cube(stores, db, by=("agent",))]
    assert agents == [("ann", 1), ("bob", 1), ("cat", 1), ("stranger", 1), (None, 0)]
    only = _cube(stores, db, by=("team",), agents=("cat",))
    assert [(r["team"], r["offered"]) for r in only] == [("Blue", 1)]
    red_agents = _cube(stores, db, by=("agent",), teams=("Red",))
    assert [(r["agent"], r["aht_s"]) for r in red_agents] == [("ann", 100), ("bob", 200)]
    f.team(db, site.id, name="Empty")
    assert _cube(stores, db, teams=("Empty",)) == []
    with pytest.raises(InvalidInput, match="unknown team 'Green'"):
        _cube(stores, db, teams=("Green",))


def test_filters_by_site_and_queue(stores, db) -> None:
    lon = f.site(db, code="LON")
    nyc = f.site(db, code="NYC", time_zone="America/New_York")
    f.queue(db, lon.id, code="a")
    f.queue(db, nyc.id, code="b")
    one = [{"outcome": "answered", "wait_s": 1, "talk_s": 10}]
    _load(
        stores,
        f.contact_rows("LON", "a", MORNING, one, utc_offset_s=3600),
        f.contact_rows("NYC", "b", datetime(2026, 7, 15, 14, 0), one * 2, utc_offset_s=-4 * 3600),
    )
    assert [r["offered"] for r in _cube(stores, db, sites=("NYC",))] == [2]
    assert [r["offered"] for r in _cube(stores, db, queues=("a",))] == [1]
    assert [(r["site"], r["offered"]) for r in _cube(stores, db, by=("site",))] == [("LON", 1), ("NYC", 2)]
    with pytest.raises(InvalidInput, match="unknown queue 'zz'"):
        _cube(stores, db, queues=("zz",))
    with pytest.raises(InvalidInput, match="unknown dimension"):
        _cube(stores, db, by=("queue", "fortnight"))
    with pytest.raises(InvalidInput, match="one time grain"):
        _cube(stores, db, by=("day", "week"))
    with pytest.raises(InvalidInput, match="agent time cannot be by queue"):
        _cube(stores, db, by=("queue",), agent_time=True)


def test_an_agent_sees_only_own_contacts(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    ann = f.employee(db, site.id, agent_code="ann")
    nobody = f.employee(db, site.id, agent_code=None)
    specs = [
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann"},
        {"outcome": "answered", "wait_s": 5, "talk_s": 300, "agent": "bob"},
        {"outcome": "abandoned", "wait_s": 30},
    ]
    _load(stores, f.contact_rows("LON", "q", MORNING, specs, utc_offset_s=3600))
    agent = Actor(user_id=1, username="ann", role="agent", employee_id=ann.id)
    with stores.warehouse.connect() as conn:
        request = CubeRequest(start=DAY, end=DAY, by=("agent",))
        assert [(r["agent"], r["offered"]) for r in service.cube(db, conn, agent, request)] == [("ann", 1)]
        (queue_row,) = service.cube(db, conn, agent, CubeRequest(start=DAY, end=DAY, by=("queue",)))
        assert (queue_row["offered"], queue_row["aht_s"]) == (1, 100)
        with pytest.raises(PermissionDenied):
            service.cube(db, conn, agent, CubeRequest(start=DAY, end=DAY, agents=("bob",)))
        stranger = Actor(user_id=2, username="x", role="agent", employee_id=nobody.id)
        with pytest.raises(PermissionDenied):
            service.cube(db, conn, stranger, CubeRequest(start=DAY, end=DAY))
