"""The demo generator: deterministic, warehouse-shaped, internally consistent, and shaped
like a real center (weekly pattern, holiday, DST). One 31-day center is generated once
and shared; it ends on 23 November 2026 so the window spans the October DST change."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from floorwalker.contacts import models
from floorwalker.demo.generator import DemoCenter, generate

LONDON = ZoneInfo("Europe/London")
END = datetime(2026, 11, 23, 15, 45, 30, tzinfo=LONDON)
END_UTC = END.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
DAYS = 31


@pytest.fixture(scope="module")
def center() -> DemoCenter:
    return generate(seed=7, end=END, days=DAYS)


@pytest.fixture(scope="module")
def contact_rows(center: DemoCenter) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = center.contacts.to_pylist()
    return result


def rows(table: pa.Table) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = table.to_pylist()
    return result


def col(table: pa.Table, name: str) -> list[Any]:
    result: list[Any] = table.column(name).to_pylist()
    return result


def seconds(table: pa.Table, name: str) -> np.ndarray:
    """A timestamp column as whole seconds since the epoch (-1 for null)."""
    micros: np.ndarray = table.column(name).cast(pa.int64()).fill_null(-(10**6)).to_numpy()
    return micros // 10**6


def codes(table: pa.Table, name: str) -> np.ndarray:
    """A string column as small integer codes (-1 for null), for vectorised grouping."""
    encoded = table.column(name).combine_chunks().dictionary_encode()
    indices: np.ndarray = encoded.indices.fill_null(-1).to_numpy()
    return indices.astype(np.int64)


# --- determinism and shape -------------------------------------------------------------


def test_same_arguments_give_identical_output() -> None:
    end = datetime(2026, 3, 4, 11, 0, tzinfo=LONDON)
    a = generate(seed=3, end=end, days=4)
    b = generate(seed=3, end=end, days=4)
    assert a.contacts.equals(b.contacts)
    assert a.agent_states.equals(b.agent_states)
    assert a.survey_responses.equals(b.survey_responses)
    assert a.employees == b.employees
    assert a.teams == b.teams


def test_another_seed_gives_another_center() -> None:
    end = datetime(2026, 3, 4, 11, 0, tzinfo=LONDON)
    a = generate(seed=3, end=end, days=4)
    b = generate(seed=4, end=end, days=4)
    assert not a.contacts.equals(b.contacts)
    assert [e.full_name for e in a.employees] != [e.full_name for e in b.employees]


def test_end_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        generate(end=datetime(2026, 3, 4, 11, 0), days=3)


@pytest.mark.parametrize(
    ("attribute", "table"),
    [
        ("contacts", models.contacts),
        ("agent_states", models.agent_states),
        ("survey_responses", models.survey_responses),
    ],
)
def test_tables_have_the_warehouse_columns(center: DemoCenter, attribute: str, table: object) -> None:
    # The demo writes what a simulation knows: no transcripts, no source revision times.
    expected = [
        c.name for c in table.columns if c.name not in ("import_id", "transcript", "source_updated_at")
    ]  # type: ignore[attr-defined]
    produced: pa.Table = getattr(center, attribute)
    assert produced.column_names == expected
    for field in produced.schema:
        if field.name.endswith("_id"):
            assert field.type == pa.int64()
        if field.name.endswith("_at") or field.name.endswith("_local"):
            assert field.type == pa.timestamp("us")
        if field.name.endswith("_s") and field.name != "utc_offset_s":
            assert field.type == pa.float64()


def test_ids_are_unique(center: DemoCenter) -> None:
    for table, name in (
        (center.contacts, "contact_id"),
        (center.agent_states, "state_id"),
        (center.survey_responses, "response_id"),
    ):
        ids = col(table, name)
        assert len(set(ids)) == len(ids)
        assert set(col(table, "source")) == {"demo"}


def test_volume_is_that_of_a_mid_sized_center(center: DemoCenter) -> None:
    per_day = DAYS - 5  # Sundays, the holiday and a part day contribute little
    assert 1500 * per_day < center.contacts.num_rows < 4500 * per_day
    assert center.agent_states.num_rows > center.contacts.num_rows
    assert 0.05 * center.contacts.num_rows < center.survey_responses.num_rows


# --- the window and the clock ----------------------------------------------------------


def test_nothing_ends_after_end_and_today_has_data(center: DemoCenter) -> None:
    assert pc.max(center.contacts.column("ended_at")).as_py() <= END_UTC
    assert pc.max(center.agent_states.column("ended_at")).as_py() <= END_UTC
    assert pc.max(center.survey_responses.column("responded_at")).as_py() <= END_UTC
    today = [t for t in col(center.contacts, "arrived_local") if t.date() == END.date()]
    assert len(today) > 500
    assert max(today) > END.replace(tzinfo=None) - timedelta(minutes=30)
    first_day = END.date() - timedelta(days=DAYS - 1)
    assert min(col(center.contacts, "arrived_local")).date() == first_day


def test_local_clock_follows_dst(center: DemoCenter) -> None:
    for table, instant, local in (
        (center.contacts, "arrived_at", "arrived_local"),
        (center.agent_states, "started_at", "started_local"),
    ):
        offset = table.column("utc_offset_s").to_numpy()
        assert (seconds(table, local) - seconds(table, instant) == offset).all()
    offsets: dict[date, set[int]] = defaultdict(set)
    for local, offset in zip(
        col(center.contacts, "arrived_local"), col(center.contacts, "utc_offset_s"), strict=True
    ):
        offsets[local.date()].add(offset)
    assert offsets[date(2026, 10, 24)] == {3600}
    assert offsets[date(2026, 10, 26)] == {0}


def test_phones_ring_only_in_business_hours_on_both_sides_of_dst(
    contact_rows: list[dict[str, Any]],
) -> None:
    for r in contact_rows:
        # A transfer leg may start after closing: it follows a call answered before it.
        if r["channel"] == "voice" and r["previous_contact_id"] is None:
            local = r["arrived_local"]
            assert local.weekday() != 6
            opening = 8 if local.weekday() < 5 else 9
            closing = 20 if local.weekday() < 5 else 17
            assert opening <= local.hour < closing


def test_holiday_is_closed(center: DemoCenter) -> None:
    assert len(center.holidays) == 1
    holiday = center.holidays[0]
    assert holiday.day.weekday() < 5 and holiday.name
    first_day = END.date() - timedelta(days=DAYS - 1)
    assert first_day <= holiday.day < END.date()
    on_holiday = [
        r
        for r in rows(center.contacts.select(["channel", "arrived_local"]))
        if r["arrived_local"].date() == holiday.day
    ]
    assert sum(r["channel"] == "voice" for r in on_holiday) == 0
    assert all(r["channel"] == "email" for r in on_holiday)


def test_weekly_pattern(center: DemoCenter) -> None:
    holiday = center.holidays[0].day
    per_day: dict[date, int] = defaultdict(int)
    for t in col(center.contacts, "arrived_local"):
        per_day[t.date()] += 1
    full_days = [d for d in per_day if d not in (holiday, END.date(), holiday + timedelta(days=1))]

    def mean(weekday: int) -> float:
        counts = [per_day[d] for d in full_days if d.weekday() == weekday]
        return sum(counts) / len(counts)

    assert mean(0) > mean(4) > mean(5) > mean(6)
    assert 2000 < mean(2) < 4500


# --- contacts --------------------------------------------------------------------------


def test_nulls_are_where_the_source_would_not_know(
    center: DemoCenter, contact_rows: list[dict[str, Any]]
) -> None:
    for r in contact_rows:
        served = r["outcome"] in ("answered", "transferred")
        for name in ("answered_at", "agent", "talk_s", "disposition"):
            assert (r[name] is not None) == served, (name, r)
        if not served:
            assert r["hold_s"] is None and r["wrapup_s"] is None and r["ring_attempts"] is None
        # Only legs still open at `end` lack an end (and a wait): the source has not written it.
        assert (r["ended_at"] is None) == (r["outcome"] == "incomplete")
        assert (r["wait_s"] is None) == (r["outcome"] == "incomplete")
        if r["channel"] == "voice" and served:
            assert r["hold_s"] is not None and r["wrapup_s"] is not None
        if r["channel"] == "chat":
            assert r["hold_s"] is None and r["wrapup_s"] is None
    for name in ("wait_s", "talk_s", "hold_s", "wrapup_s"):
        values = center.contacts.column(name).drop_null().to_numpy()
        assert not np.isnan(values).any()


def test_times_are_consistent(center: DemoCenter, contact_rows: list[dict[str, Any]]) -> None:
    outcomes = set()
    for r in contact_rows:
        outcomes.add(r["outcome"])
        if r["outcome"] == "incomplete":
            assert r["arrived_at"] <= END_UTC
            continue
        assert r["wait_s"] >= 0
        assert r["direction"] == "inbound"
        if r["answered_at"] is not None:
            assert r["answered_at"] >= r["arrived_at"]
            assert r["answered_at"] - r["arrived_at"] == timedelta(seconds=r["wait_s"])
            talk = timedelta(seconds=r["talk_s"] + (r["hold_s"] or 0.0))
            assert r["ended_at"] == r["answered_at"] + talk
        else:
            assert r["ended_at"] - r["arrived_at"] == timedelta(seconds=r["wait_s"])
    assert {"answered", "abandoned", "transferred", "incomplete"} <= outcomes <= set(models.CONTACT_OUTCOMES)


def test_service_level_and_abandonment_are_plausible(center: DemoCenter) -> None:
    thresholds = {q.code: q.sl_threshold_s for q in center.queues}
    offered = answered_in_time = short = abandoned = 0
    for r in rows(center.contacts.select(["queue", "channel", "outcome", "wait_s"])):
        if r["channel"] != "voice":
            continue
        offered += 1
        if r["outcome"] in ("answered", "transferred") and r["wait_s"] <= thresholds[r["queue"]]:
            answered_in_time += 1
        if r["outcome"] == "abandoned":
            abandoned += 1
            short += r["wait_s"] <= 5
    service_level = answered_in_time / (offered - short)
    abandon_rate = (abandoned - short) / (offered - short)
    assert 0.65 < service_level < 0.95
    assert 0.01 < abandon_rate < 0.12


def test_transfers_link_to_an_existing_leg(center: DemoCenter, contact_rows: list[dict[str, Any]]) -> None:
    by_id = {r["contact_id"]: r for r in contact_rows}
    second_legs = [r for r in by_id.values() if r["previous_contact_id"] is not None]
    assert second_legs
    for r in second_legs:
        first = by_id[r["previous_contact_id"]]
        assert first["outcome"] == "transferred"
        assert first["queue"] != r["queue"]
        assert first["customer_key"] == r["customer_key"]
        assert r["arrived_at"] == first["ended_at"]


def test_customers_come_back(center: DemoCenter) -> None:
    seen: dict[str, int] = defaultdict(int)
    keys = col(center.contacts, "customer_key")
    for key in keys:
        if key is not None:
            seen[key] += 1
    repeat_share = sum(n - 1 for n in seen.values()) / len(keys)
    assert 0.08 < repeat_share < 0.4
    assert keys.count(None) < 0.05 * len(keys)


# --- agents and states -----------------------------------------------------------------


def test_organisation(center: DemoCenter) -> None:
    roles = defaultdict(list)
    for e in center.employees:
        roles[e.role].append(e)
    assert 60 <= len(roles["agent"]) <= 100
    assert 6 <= len(center.teams) <= 8
    assert len(roles["qa"]) == 2 and 1 <= len(roles["manager"]) <= 2
    keys = {e.key: e for e in center.employees}
    for team in center.teams:
        assert keys[team.supervisor].role == "supervisor"
        assert keys[team.supervisor].team == team.name
    emails = [e.email for e in center.employees]
    assert len(set(emails)) == len(emails)
    codes = [e.agent_code for e in roles["agent"]]
    assert None not in codes and len(set(codes)) == len(codes)
    assert len({e.full_name.split()[0] for e in center.employees}) > 40
    first_day = END.date() - timedelta(days=DAYS - 1)
    leavers = [e for e in roles["agent"] if e.status == "leaver"]
    hires = [e for e in roles["agent"] if e.hire_date >= first_day]
    assert leavers and hires
    for e in leavers:
        assert e.leave_date is not None and first_day <= e.leave_date <= END.date() and e.leave_reason
    for e in hires:
        assert len(e.skills) == 1 and max(e.skills.values()) <= 2
    assert {e.contract_hours_per_week for e in roles["agent"]} <= {40.0, 32.0, 24.0, 20.0}
    skills = {s.name for s in center.skills}
    assert all(set(e.skills) <= skills for e in center.employees)
    assert {q.channel for q in center.queues} == {"voice", "chat", "email"}


def test_leavers_stop_working(center: DemoCenter) -> None:
    last_state = {
        r["agent"]: r["started_local_max"]
        for r in center.agent_states.group_by("agent").aggregate([("started_local", "max")]).to_pylist()
    }
    leavers = [e for e in center.employees if e.status == "leaver" and e.agent_code in last_state]
    assert leavers
    for e in leavers:
        assert e.leave_date is not None
        assert last_state[e.agent_code].date() < e.leave_date


def _sorted_states(center: DemoCenter) -> dict[str, np.ndarray]:
    table = center.agent_states.sort_by([("agent", "ascending"), ("started_at", "ascending")])
    return {
        "agent": codes(table, "agent"),
        "start": seconds(table, "started_at"),
        "end": seconds(table, "ended_at"),
        "local_day": seconds(table, "started_local") // 86400,
        "duration": table.column("duration_s").to_numpy(),
        "on_contact": np.asarray(col(table, "state")) == "on_contact",
        "names": np.asarray(col(table, "agent")),
    }


def test_states_tile_each_working_day(center: DemoCenter) -> None:
    s = _sorted_states(center)
    assert (s["end"] > s["start"]).all()
    assert (s["duration"] == s["end"] - s["start"]).all()
    same_agent = s["agent"][1:] == s["agent"][:-1]
    assert (s["start"][1:][same_agent] >= s["end"][:-1][same_agent]).all()  # no overlap
    same_day = same_agent & (s["local_day"][1:] == s["local_day"][:-1])
    assert (s["start"][1:][same_day] == s["end"][:-1][same_day]).all()  # no gap in a shift
    states = col(center.agent_states, "state")
    reasons = col(center.agent_states, "reason")
    assert set(states) == {"available", "on_contact", "wrap_up", "not_ready"}
    for state, reason in zip(states, reasons, strict=True):
        assert (reason is not None) == (state == "not_ready")
    assert {"break", "lunch", "meeting", "training", "coaching"} <= set(reasons)


def test_contacts_lie_inside_their_agents_on_contact_states(center: DemoCenter) -> None:
    s = _sorted_states(center)
    names = {name: i for i, name in enumerate(sorted(set(s["names"].tolist())))}
    agent = np.asarray([names[n] for n in s["names"][s["on_contact"]]], dtype=np.int64)
    state_key = (agent << 32) | s["start"][s["on_contact"]]
    state_end = s["end"][s["on_contact"]]
    order = np.argsort(state_key, kind="stable")
    state_key, state_end = state_key[order], state_end[order]

    served = center.contacts.filter(pc.is_valid(center.contacts.column("agent")))
    contact_agent = np.asarray([names[n] for n in col(served, "agent")], dtype=np.int64)
    key = (contact_agent << 32) | seconds(served, "answered_at")
    ended = seconds(served, "ended_at")
    k = np.searchsorted(state_key, key, side="right") - 1
    assert (k >= 0).all()
    assert ((state_key[k] >> 32) == contact_agent).all()
    chat = np.asarray(col(served, "channel")) == "chat"
    # A call (or e-mail) is exactly one on_contact state; chats share one while any is open.
    assert (state_key[k][~chat] == key[~chat]).all()
    assert (state_end[k][~chat] == ended[~chat]).all()
    # A chat is inside an on_contact state, unless that state is still open at the end
    # (another chat keeps the agent on contact), and so not yet written.
    last_end = np.full(len(names), -1, dtype=np.int64)
    np.maximum.at(last_end, [names[n] for n in s["names"]], s["end"])
    inside = state_end[k] >= ended
    still_open = last_end[contact_agent] <= key & ((1 << 32) - 1)
    assert (inside | still_open)[chat].all()
    assert served.num_rows > 10000


def test_an_agent_handles_one_call_at_a_time(center: DemoCenter) -> None:
    exclusive = center.contacts.filter(
        pc.and_(
            pc.is_valid(center.contacts.column("agent")),
            pc.not_equal(center.contacts.column("channel"), "chat"),
        )
    ).sort_by([("agent", "ascending"), ("answered_at", "ascending")])
    agent = codes(exclusive, "agent")
    answered = seconds(exclusive, "answered_at")
    free = seconds(exclusive, "ended_at") + exclusive.column("wrapup_s").fill_null(0.0).to_numpy()
    same = agent[1:] == agent[:-1]
    assert (answered[1:][same] >= free[:-1][same]).all()
    assert {q.code: q.concurrency for q in center.queues}["CHAT"] >= 2


# --- surveys ---------------------------------------------------------------------------


def test_surveys_are_in_scale_and_follow_their_contact(
    center: DemoCenter, contact_rows: list[dict[str, Any]]
) -> None:
    contacts = {r["contact_id"]: r for r in contact_rows}
    kinds = set()
    for r in rows(center.survey_responses):
        kinds.add(r["kind"])
        assert r["scale_min"] <= r["score"] <= r["scale_max"]
        assert (r["scale_min"], r["scale_max"]) == ((1, 5) if r["kind"] == "csat" else (0, 10))
        assert r["score"] == int(r["score"])
        contact = contacts[r["contact_id"]]
        assert contact["outcome"] == "answered"
        assert contact["customer_key"] == r["customer_key"]
        assert r["responded_at"] > contact["ended_at"]
    assert kinds == {"csat", "nps"}
    comments = [c for c in col(center.survey_responses, "comment") if c is not None]
    assert 0.1 * center.survey_responses.num_rows < len(comments)
