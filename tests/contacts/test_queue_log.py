"""Asterisk queue_log: every event, every quirk, on the parser and through real imports."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from floorwalker.auth.permissions import SYSTEM
from floorwalker.contacts import agent_timelines as at
from floorwalker.contacts import import_queue_log, imports
from floorwalker.contacts import queue_log as ql
from floorwalker.contacts.ingest import SiteContext
from floorwalker.contacts.keys import stable_id
from floorwalker.contacts.models import agent_states, contacts, queue_log_events
from floorwalker.contacts.models import imports as imports_table
from floorwalker.errors import InvalidInput
from tests import factories as f

SITE = SiteContext(code="PBX", time_zone="Europe/London", wrapup_s={"sales": 20.0})

# The example of the Asterisk queue_log reference, in the order Asterisk writes it.
DOC_CALL = """\
1366720340|1366720340.303267|MYQUEUE|NONE|ENTERQUEUE||1000|1
1366720342|1366720340.303267|MYQUEUE|SIP/1001|CONNECT|2|1366720342.303268|1
1366720345|1366720340.303267|MYQUEUE|SIP/1001|COMPLETECALLER|2|3|1
"""


def parse(
    tmp_path: Path, text: str, site: SiteContext = SITE, name: str = "queue_log"
) -> tuple[ql.ReadReport, list[dict]]:
    path = tmp_path / name
    path.write_text(text)
    con = duckdb.connect()
    report = ql.read_files(con, [(path, name)], site)
    legs = ql.build_legs(con, "ql_new", site).to_pylist()
    return report, legs


def one(legs: list[dict], **match: object) -> dict:
    found = [leg for leg in legs if all(leg[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, legs)
    return found[0]


def test_the_documented_call(tmp_path) -> None:
    report, legs = parse(tmp_path, DOC_CALL)
    assert (report.lines, report.rejections, report.duplicates) == (3, [], 0)
    (leg,) = legs
    assert leg["outcome"] == "answered"
    assert (leg["wait_s"], leg["talk_s"], leg["hold_s"]) == (2.0, 3.0, None)
    assert leg["agent"] == "SIP/1001" and leg["customer_key"] == "1000"
    assert leg["ring_attempts"] == 1 and leg["wrapup_s"] is None  # MYQUEUE has no wrap-up setting
    assert leg["contact_id"] == stable_id("asterisk", "PBX|1366720340.303267|MYQUEUE|1366720340")
    assert leg["arrived_at"].isoformat() == "2013-04-23T12:32:20"
    assert (leg["arrived_local"].hour, leg["utc_offset_s"]) == (13, 3600)  # BST


@pytest.mark.parametrize(
    ("lines", "outcome", "wait_s"),
    [
        ("100|c|sales|NONE|ENTERQUEUE||555\n130|c|sales|NONE|ABANDON|1|1|30", "abandoned", 30.0),
        ("100|c|sales|NONE|ENTERQUEUE||555\n400|c|sales|NONE|EXITWITHTIMEOUT|2|3|300", "timeout", 300.0),
        ("100|c|sales|NONE|ENTERQUEUE||555\n105|c|sales|NONE|EXITEMPTY|1|1|5", "no_agents", 5.0),
        ("100|c|sales|NONE|ENTERQUEUE||555\n112|c|sales|NONE|EXITWITHKEY|5|1|1|12", "exit_key", 12.0),
        ("100|c|sales|NONE|JOINEMPTY|", "no_agents", 0.0),
        ("100|c|sales|NONE|FULL|", "queue_full", 0.0),
    ],
)
def test_unanswered_exits(tmp_path, lines: str, outcome: str, wait_s: float) -> None:
    text = "\n".join(f"1700000{line}" for line in lines.splitlines()) + "\n"
    _, legs = parse(tmp_path, text)
    (leg,) = legs
    assert (leg["outcome"], leg["wait_s"]) == (outcome, wait_s)
    assert leg["agent"] is None and leg["talk_s"] is None and leg["answered_at"] is None


@pytest.mark.parametrize(
    ("end", "talk"),
    [
        ("1700000200|c|sales|SIP/7|COMPLETEAGENT|10|180|1", 180.0),
        ("1700000200|c|sales|SIP/7|TRANSFER|2000|from-internal|10|180|1", 180.0),
        ("1700000200|c|sales|SIP/7|BLINDTRANSFER|2000|from-internal|10|180|1", 180.0),
        ("1700000200|c|sales|SIP/7|ATTENDEDTRANSFER|BRIDGE|1700000199.9|10|180|1", 180.0),
        ("1700000200|c|sales|SIP/7|ATTENDEDTRANSFER|APP|Dial|10|180|1", 180.0),
        ("1700000200|c|sales|SIP/7|ATTENDEDTRANSFER|LINK|SIP/7-01|SIP/9-02|10|180|1", 180.0),
    ],
)
def test_answered_and_transferred(tmp_path, end: str, talk: float) -> None:
    text = (
        "1700000000|c|sales|NONE|ENTERQUEUE||555\n"
        "1700000004|c|sales|SIP/6|RINGNOANSWER|4000\n"
        "1700000006|c|sales|SIP/8|RINGCANCELED|1500\n"
        "1700000010|c|sales|SIP/7|CONNECT|10|1700000010.5|3\n" + end + "\n"
    )
    _, legs = parse(tmp_path, text)
    (leg,) = legs
    assert leg["outcome"] == ("transferred" if "TRANSFER" in end else "answered")
    assert (leg["wait_s"], leg["talk_s"], leg["agent"], leg["ring_attempts"]) == (10.0, talk, "SIP/7", 3)
    assert leg["wrapup_s"] == 20.0  # the sales queue's configured wrap-up: queue_log records none


def test_a_call_through_two_queues_is_two_linked_legs(tmp_path) -> None:
    _, legs = parse(
        tmp_path,
        "1700000000|c|sales|NONE|ENTERQUEUE||555\n"
        "1700000030|c|sales|NONE|EXITWITHTIMEOUT|1|1|30\n"
        "1700000030|c|overflow|NONE|ENTERQUEUE||555\n"
        "1700000040|c|overflow|SIP/9|CONNECT|10|x|1\n"
        "1700000100|c|overflow|SIP/9|COMPLETECALLER|10|60|1\n",
    )
    first, second = one(legs, queue="sales"), one(legs, queue="overflow")
    assert first["outcome"] == "timeout" and second["outcome"] == "answered"
    assert first["previous_contact_id"] is None
    assert second["previous_contact_id"] == first["contact_id"]


def test_a_call_back_into_the_same_queue_is_a_new_leg(tmp_path) -> None:
    _, legs = parse(
        tmp_path,
        "1700000000|c|sales|NONE|ENTERQUEUE||555\n"
        "1700000010|c|sales|SIP/1|CONNECT|10|x|1\n"
        "1700000050|c|sales|SIP/1|TRANSFER|sales|ctx|10|40|1\n"
        "1700000051|c|sales|NONE|ENTERQUEUE||555\n"
        "1700000061|c|sales|NONE|ABANDON|1|1|10\n",
    )
    assert sorted(leg["outcome"] for leg in legs) == ["abandoned", "transferred"]


def test_enterqueue_without_an_end_is_incomplete_never_abandoned(tmp_path) -> None:
    _, legs = parse(tmp_path, "1700000000|c|sales|NONE|ENTERQUEUE||555\n")
    (leg,) = legs
    assert leg["outcome"] == "incomplete"
    assert leg["wait_s"] is None and leg["ended_at"] is None


def test_connected_without_complete_stays_answered_with_unknown_talk(tmp_path) -> None:
    _, legs = parse(
        tmp_path, "1700000000|c|sales|NONE|ENTERQUEUE||555\n1700000010|c|sales|SIP/1|CONNECT|10|x|1\n"
    )
    (leg,) = legs
    assert (leg["outcome"], leg["wait_s"], leg["talk_s"], leg["ended_at"]) == ("answered", 10.0, None, None)


def test_a_call_whose_start_is_in_an_earlier_file_gets_the_same_key(tmp_path) -> None:
    full = (
        "1700000000|c|sales|NONE|ENTERQUEUE||555\n"
        "1700000012|c|sales|SIP/1|CONNECT|12|x|1\n"
        "1700000100|c|sales|SIP/1|COMPLETEAGENT|12|88|1\n"
    )
    _, whole = parse(tmp_path, full, name="whole")
    _, tail = parse(tmp_path, "".join(full.splitlines(keepends=True)[1:]), name="tail")
    assert tail[0]["contact_id"] == whole[0]["contact_id"]
    assert (tail[0]["wait_s"], tail[0]["talk_s"], tail[0]["arrived_at"]) == (
        12.0,
        88.0,
        whole[0]["arrived_at"],
    )


def test_table_form_and_log_form_give_the_same_events_and_legs(tmp_path) -> None:
    table = (
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        "1366720340,1366720340.303267,MYQUEUE,NONE,ENTERQUEUE,,1000,1,,\n"
        "2013-04-23 13:32:22,1366720340.303267,MYQUEUE,SIP/1001,CONNECT,2,1366720342.303268,1,,\n"
        "1366720345,1366720340.303267,MYQUEUE,SIP/1001,COMPLETECALLER,2,3,1,,\n"
    )
    report, legs = parse(tmp_path, table, name="queue_log.csv")  # the DATETIME is London time (BST)
    assert report.rejections == []
    _, from_log = parse(tmp_path, DOC_CALL)
    assert legs == from_log


def test_garbage_and_truncated_lines_are_rejected_with_line_and_field(tmp_path) -> None:
    text = (
        DOC_CALL
        + "this is not a queue_log line\n"
        + "\n"
        + "1366720399|x\n"
        + "abc|c|q|NONE|ENTERQUEUE||1\n"
        + "1366720399999|c|q|NONE|ENTERQUEUE||1\n"
        + "1366720399||q|NONE|ENTERQUEUE||1\n"
        + "1366720399|c|q|NONE||x\n"
        + "1366720399|c|q|NONE|ENTER QUEUE|x\n"
        + "1366720400|c2|q|NONE|ENTERQ"  # truncated last line, no newline
    )
    report, legs = parse(tmp_path, text)
    got = [(r.line, r.field) for r in report.rejections]
    assert got == [
        (4, "line"),
        (6, "line"),
        (7, "time"),
        (8, "time"),
        (9, "callid"),
        (10, "event"),
        (11, "event"),
    ]
    assert all(r.file == "queue_log" and r.reason for r in report.rejections)
    assert report.lines == 11  # the blank line is not a line of data
    assert report.unknown_events == Counter({"ENTERQ": 1})
    assert len(legs) == 1


def _events(tmp_path: Path, text: str, name: str) -> list[tuple]:
    path = tmp_path / name
    path.write_bytes(text.encode())
    con = duckdb.connect()
    ql.read_files(con, [(path, name)], SITE)
    return con.execute("SELECT * FROM ql_new ORDER BY event_id").fetchall()


def test_the_fast_and_the_whole_line_reader_give_the_same_events(tmp_path) -> None:
    """Lines the CSV reader splits (the fast path) and lines read whole (taken when a file
    has a blank line or a line of 16 or more fields) become the same events."""
    wide = "1366720346|1366720340.303267|MYQUEUE|SIP/1001|ATTENDEDTRANSFER|LINK|a|b|2|3|1" + "|x" * 6
    lines = [*DOC_CALL.splitlines(), "1366720350|c2|MYQUEUE|NONE|ENTERQUEUE|| Jane Doe |1||", wide]
    fast = _events(tmp_path, "\n".join(lines[:-1]) + "\n", "fast")
    crlf = _events(tmp_path, "\r\n".join(lines[:-1]) + "\r\n", "crlf")
    blank = _events(tmp_path, "\n".join(lines[:-1]) + "\n\n", "blank")
    assert fast == crlf == blank
    assert len(fast) == 4
    both = _events(tmp_path, "\n".join(lines) + "\n", "wide")
    assert [e for e in both if e[6] != "ATTENDEDTRANSFER"] == fast
    (transfer,) = [e for e in both if e[6] == "ATTENDEDTRANSFER"]
    assert transfer[7:12] == ("LINK", "a", "b", "2", "3|1|x|x|x|x|x|x")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_after_a_blank_line_keep_their_numbers(tmp_path, newline: str) -> None:
    # The CSV reader skips blank lines, so such a file is read line by line.
    path = tmp_path / "queue_log"
    path.write_bytes(newline.join([*DOC_CALL.splitlines(), "", "garbage", ""]).encode())
    report = ql.read_files(duckdb.connect(), [(path, "queue_log")], SITE)
    assert [(r.line, r.field) for r in report.rejections] == [(5, "line")]


@pytest.mark.parametrize(
    ("line", "canonical"),
    [
        ("1366720340|c1|Q|NONE|ENTERQUEUE||1000|1", "1366720340.0|c1|Q|NONE|ENTERQUEUE||1000|1"),
        ("1366720340.5|c1|Q|NONE|ENTERQUEUE||1000|1|", "1366720340.5|c1|Q|NONE|ENTERQUEUE||1000|1"),
        ("01366720341|c1|Q|A|CONNECT|||||", "1366720341.0|c1|Q|A|CONNECT"),
        ("1366720342.000|c1|Q|A|COMPLETECALLER||||x", "1366720342.0|c1|Q|A|COMPLETECALLER||||x"),
        ("1366720342|c1|Q|A|COMPLETECALLER|1|2|3|4|5|6||", "1366720342.0|c1|Q|A|COMPLETECALLER|1|2|3|4|5|6"),
        ("1366720343|c1|Q|A|COMPLETECALLER|1|||||x|", "1366720343.0|c1|Q|A|COMPLETECALLER|1|||||x"),
        ("1366720343|c1|Q|A|COMPLETECALLER|1|2|3|4||||", "1366720343.0|c1|Q|A|COMPLETECALLER|1|2|3|4"),
        (" 946684800 | c2 | Q | A | abandon |1| 2 |3", "946684800.0|c2|Q|A|ABANDON|1| 2 |3"),
        ("1.3667203e9|c3|Q||PAUSE|lunch", "1366720300.0|c3|Q||PAUSE|lunch"),
        # Unicode spaces are trimmed like ' ' (no-break, em, ideographic), tabs are kept.
        ("1366720344\u00a0|\u2003c4|Q\u3000|\u00a0A|\u00a0pause|x", "1366720344.0|c4|Q|A|PAUSE|x"),
        ("1366720344|c5\t|Q|é|PAUSE|x", "1366720344.0|c5\t|Q|é|PAUSE|x"),
        ("1366720344|c6 |é|Ü |PAUSE|x", "1366720344.0|c6|é|Ü|PAUSE|x"),
    ],
)
def test_an_event_id_is_the_stable_id_of_the_canonical_line(tmp_path, line: str, canonical: str) -> None:
    """The id of a line is stable_id('asterisk', 'SITE|' + the canonical line): time as a
    float's shortest text, fields trimmed, event upper case, trailing empty fields dropped.
    Stored events are matched on it forever, so its spelling must never change."""
    (event,) = _events(tmp_path, line + "\n", "one")
    assert event[0] == stable_id("asterisk", f"PBX|{canonical}")
    path = tmp_path / "queue_log"
    path.write_bytes(DOC_CALL.encode() + b"1366720399|c|q|\xff\xfe|ENTERQUEUE||1\n")
    con = duckdb.connect()
    report = ql.read_files(con, [(path, "queue_log")], SITE)
    assert [(r.line, r.reason) for r in report.rejections] == [(4, "line is not valid UTF-8 text")]


def test_unknown_events_are_counted_and_system_events_known(tmp_path) -> None:
    report, _ = parse(
        tmp_path,
        "1700000000|NONE|NONE|NONE|QUEUESTART|\n1700000001|NONE|NONE|NONE|CONFIGRELOAD|\n"
        "1700000002|c|sales|NONE|SOMETHINGNEW|1\n1700000003|c|sales|NONE|SOMETHINGNEW|2\n",
    )
    assert report.unknown_events == Counter({"SOMETHINGNEW": 2})


def test_duplicate_lines_count_once(tmp_path) -> None:
    report, legs = parse(tmp_path, DOC_CALL + DOC_CALL)
    assert (report.lines, report.duplicates, len(legs)) == (6, 3, 1)


# --- agent states (pure) ----------------------------------------------------------------


def test_agent_timeline_sessions_pauses_and_contacts() -> None:
    events = [
        (1000.0, "ADDMEMBER", "sales", "", "", "NONE"),
        (1100.0, "PAUSE", "sales", "Lunch", "", "NONE"),
        (1700.0, "UNPAUSE", "sales", "", "", "NONE"),
        (1800.0, "PAUSEALL", "NONE", "", "", "NONE"),
        (1801.0, "PAUSEREASON", "NONE", "training", "", "NONE"),
        (1900.0, "UNPAUSEALL", "NONE", "", "", "NONE"),
        (3000.0, "REMOVEMEMBER", "sales", "", "", "NONE"),
    ]
    contacts_ = [(2000.0, 2100.0, 30.0), (2110.0, 2200.0, 30.0), (3500.0, 3600.0, None)]
    timeline = at.agent_timeline(events, contacts_)
    assert timeline == [
        (1000.0, 1100.0, "available", None),
        (1100.0, 1700.0, "not_ready", "lunch"),
        (1700.0, 1800.0, "available", None),
        (1800.0, 1801.0, "not_ready", "unspecified"),
        (1801.0, 1900.0, "not_ready", "training"),
        (1900.0, 2000.0, "available", None),
        (2000.0, 2100.0, "on_contact", None),
        (2100.0, 2110.0, "wrap_up", None),  # cut short by the next contact
        (2110.0, 2200.0, "on_contact", None),
        (2200.0, 2230.0, "wrap_up", None),
        (2230.0, 3000.0, "available", None),
        (3500.0, 3600.0, "on_contact", None),  # after log-off: the log proves the contact
    ]
    for (_, end, *_), (start, *_) in itertools.pairwise(timeline):
        assert end <= start


def test_agent_timeline_overlapping_chats_are_one_on_contact_stretch() -> None:
    timeline = at.agent_timeline(
        [(0.0, "AGENTLOGIN", "NONE", "", "", "x")], [(10.0, 50.0, None), (20.0, 80.0, None)]
    )
    assert timeline == [(0.0, 10.0, "available", None), (10.0, 80.0, "on_contact", None)]


def _states(timeline: list[tuple[float, float, str, str | None]], site: SiteContext = SITE) -> list[dict]:
    return at.states_table(duckdb.connect(), site, at.flatten_timelines({"SIP/1": timeline})).to_pylist()


def test_states_are_cut_at_local_midnight() -> None:
    # 22:00 to 02:00 London time in January (UTC+0): two rows, cut at midnight.
    rows = _states([(1767304800.0, 1767319200.0, "available", None)])
    assert [(r["started_at"].hour, r["ended_at"].hour) for r in rows] == [(22, 0), (0, 2)]
    assert sum(r["duration_s"] for r in rows) == 4 * 3600
    assert rows[1]["source_key"] == "PBX|SIP/1|2026-01-02T00:00:00.000000"


def test_states_are_cut_at_local_midnight_in_summer_time_and_on_dst_days() -> None:
    # 22:30 BST on 24 Oct 2026 to 02:30 GMT on 26 Oct: cut at each London midnight; the
    # 25th (clocks go back) is a 25-hour day.
    start = datetime(2026, 10, 24, 21, 30, tzinfo=UTC).timestamp()
    end = datetime(2026, 10, 26, 2, 30, tzinfo=UTC).timestamp()
    rows = _states([(start, end, "not_ready", "training")])
    assert [r["duration_s"] / 3600 for r in rows] == [1.5, 25.0, 2.5]
    assert [(r["started_local"].hour, r["utc_offset_s"]) for r in rows] == [(22, 3600), (0, 3600), (0, 0)]
    assert {r["reason"] for r in rows} == {"training"}


def test_states_on_the_repeated_hour_keep_their_own_offset() -> None:
    # 25 Oct 2026, London: 01:00–02:00 local happens twice (BST, then GMT from 01:00 UTC).
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp()
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC).timestamp()
    rows = _states([(first, first + 600, "available", None), (second, second + 600, "on_contact", None)])
    assert [(r["started_local"].strftime("%H:%M"), r["utc_offset_s"]) for r in rows] == [
        ("01:30", 3600),
        ("01:30", 0),
    ]


#: The 2026 clock changes of London, New York and Lord Howe (a half-hour one), UTC.
CLOCK_CHANGES_2026 = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]),
    near=st.sampled_from(CLOCK_CHANGES_2026),
    shift_s=st.floats(-2 * 86_400.0, 86_400.0),
    length_s=st.floats(0.000001, 4 * 86_400.0),
)
def test_states_tile_the_piece_one_local_day_each(
    zone: str, near: datetime, shift_s: float, length_s: float
) -> None:
    # Against zoneinfo: the rows cover the piece exactly, each within one local day, cut at
    # local midnights only, each with the offset in force when it starts.
    site = SiteContext(code="PBX", time_zone=zone)
    start = near.timestamp() + shift_s
    # (An earlier piece days before: the days then begin before this piece's.)
    earlier = (start - 5 * 86_400.0, start - 5 * 86_400.0 + 600.0, "not_ready", "lunch")
    states = _states([earlier, (start, start + length_s, "available", None)], site)
    rows = [r for r in states if r["reason"] is None]
    local = ZoneInfo(zone)
    as_utc = lambda naive: naive.replace(tzinfo=UTC)  # noqa: E731
    # Whole microseconds, halves away from zero (DuckDB's round, which the states used).
    micros = lambda s: datetime(1970, 1, 1) + timedelta(microseconds=math.floor(s * 1e6 + 0.5))  # noqa: E731
    if micros(start) == micros(start + length_s):
        assert rows == []  # shorter than a microsecond: nothing to store
        return
    assert (rows[0]["started_at"], rows[-1]["ended_at"]) == (micros(start), micros(start + length_s))
    for row, after in itertools.pairwise(rows):
        assert row["ended_at"] == after["started_at"]
        assert as_utc(after["started_at"]).astimezone(local).time() == time(0)
    for row in rows:
        begins = as_utc(row["started_at"]).astimezone(local)
        ends = (as_utc(row["ended_at"]) - timedelta(microseconds=1)).astimezone(local)
        assert begins.date() == ends.date()
        assert row["utc_offset_s"] == begins.utcoffset().total_seconds()
        assert row["started_local"] == begins.replace(tzinfo=None)


# --- property tests -----------------------------------------------------------------------

_EXITS = [
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITEMPTY",
    "EXITWITHKEY",
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "TRANSFER",
    "NONE",
]


@st.composite
def call_logs(draw: st.DrawFn) -> list[str]:
    """Random valid calls: each enters 1–3 queues in turn and ends one of every way."""
    lines: list[str] = []
    for n in range(draw(st.integers(1, 12))):
        t = 1_700_000_000 + n * 1000
        callid = f"{t}.{n}"
        for _hop in range(draw(st.integers(1, 3))):
            queue = draw(st.sampled_from(["sales", "support", "billing"]))
            wait = draw(st.integers(0, 120))
            lines.append(f"{t}|{callid}|{queue}|NONE|ENTERQUEUE||0{n}")
            end = draw(st.sampled_from(_EXITS))
            if end.startswith(("COMPLETE", "TRANSFER")):
                talk = draw(st.integers(1, 600))
                lines.append(f"{t + wait}|{callid}|{queue}|SIP/{n}|CONNECT|{wait}|x|1")
                data = f"{wait}|{talk}|1" if end.startswith("COMPLETE") else f"200|ctx|{wait}|{talk}|1"
                lines.append(f"{t + wait + talk}|{callid}|{queue}|SIP/{n}|{end}|{data}")
                t += wait + talk
            elif end == "EXITWITHKEY":
                lines.append(f"{t + wait}|{callid}|{queue}|NONE|EXITWITHKEY|1|1|1|{wait}")
                t += wait
            elif end != "NONE":
                lines.append(f"{t + wait}|{callid}|{queue}|NONE|{end}|1|1|{wait}")
                t += wait
            t += 1
    return lines


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=call_logs(), seed=st.integers(0, 2**16))
def test_every_leg_is_accounted_for_and_order_does_not_matter(tmp_path, lines: list[str], seed: int) -> None:
    offered = Counter(line.split("|")[2] for line in lines if "|ENTERQUEUE|" in line)
    _, legs = parse(tmp_path, "\n".join(lines) + "\n", name="ordered")
    outcomes = Counter((leg["queue"], leg["outcome"]) for leg in legs)
    for queue, count in offered.items():
        answered = outcomes[queue, "answered"] + outcomes[queue, "transferred"]
        abandoned = outcomes[queue, "abandoned"]
        other = sum(outcomes[queue, o] for o in ("timeout", "exit_key", "no_agents", "queue_full"))
        assert count == answered + abandoned + other + outcomes[queue, "incomplete"]
    shuffled = lines[:]
    random.Random(seed).shuffle(shuffled)
    _, again = parse(tmp_path, "\n".join(shuffled + lines[: len(lines) // 2]) + "\n", name="shuffled")
    assert sorted(again, key=lambda leg: leg["contact_id"]) == sorted(legs, key=lambda leg: leg["contact_id"])


@st.composite
def messy_call_events(draw: st.DrawFn) -> list[str]:
    """Call events in any number and order: several openers, CONNECTs or ends per call and
    queue, events before the opener or with no opener at all, ties within a second, data
    fields that are not numbers."""
    data = st.sampled_from(["", "0", "7", "12.5", "x", "LINK", "BRIDGE"])
    lines = []
    for _ in range(draw(st.integers(1, 30))):
        t = 1_700_000_000 + draw(st.integers(0, 40))
        callid = draw(st.sampled_from(["c1", "c2", "c3"]))
        queue = draw(st.sampled_from(["sales", "support"]))
        # Every call event can appear; the common ones often, so that pairs repeat them.
        common = ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"] * 4
        event = draw(st.sampled_from(sorted(ql.CALL_EVENTS) + common))
        agent = draw(st.sampled_from(["NONE", "SIP/1", "SIP/2"]))
        fields = "|".join(draw(data) for _ in range(5))
        lines.append(f"{t}|{callid}|{queue}|{agent}|{event}|{fields}")
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=messy_call_events())
def test_one_visit_legs_are_the_legs_the_ordered_path_gives(tmp_path, lines: list[str]) -> None:
    # A (callid, queue) seen once is aggregated without ordering its events; every pair
    # numbered in content order must give the very same legs.
    path = tmp_path / "messy"
    path.write_text("\n".join(lines) + "\n")
    con = duckdb.connect()
    ql.read_files(con, [(path, "messy")], SITE)
    quick = ql.build_legs(con, "ql_new", SITE).to_pylist()
    ql.create_legs(con, "ql_new", SITE, "ordered", ordered_only=True)
    ordered = ql._to_contacts(con.sql("SELECT * FROM ordered").to_arrow_table()).to_pylist()
    assert quick == ordered


# --- through the import service, on both warehouses ----------------------------------------


def _import(stores, tmp_path: Path, text: str, name: str = "queue_log", dry_run: bool = False):
    path = tmp_path / name
    path.write_text(text)
    with stores.session() as db:
        context = imports.site_context(db, "PBX", None)
    return imports.run_import(
        stores.settings,
        SYSTEM,
        kind="queue-log",
        source="asterisk",
        site=context,
        files=[name],
        dry_run=dry_run,
        load=import_queue_log.queue_log_load([(path, name)], context, tmp_path / "work"),
    )


def _snapshot(stores) -> tuple[list, list]:
    with stores.warehouse.connect() as conn:
        legs = conn.execute(select(contacts).order_by(contacts.c.contact_id)).all()
        states = conn.execute(select(agent_states).order_by(agent_states.c.state_id)).all()
    strip = lambda rows, drop: [tuple(v for k, v in r._mapping.items() if k != drop) for r in rows]  # noqa: E731
    return strip(legs, "import_id"), strip(states, "import_id")


SESSION = (
    "1700000000|NONE|sales|SIP/1|ADDMEMBER|\n"
    "1700000100|NONE|sales|SIP/1|PAUSE|break\n"
    "1700000400|NONE|sales|SIP/1|UNPAUSE|\n"
)
CALLS = (
    "1700000500|c1|sales|NONE|ENTERQUEUE||555\n"
    "1700000520|c1|sales|SIP/1|CONNECT|20|x|1\n"
    "1700000700|c1|sales|SIP/1|COMPLETECALLER|20|180|1\n"
    "1700000800|c2|sales|NONE|ENTERQUEUE||556\n"
    "1700000830|c2|sales|NONE|ABANDON|1|1|30\n"
    "1700000900|c3|sales|NONE|ENTERQUEUE||557\n"
)
LATER = (
    "1700000930|c3|sales|SIP/1|CONNECT|30|x|1\n"
    "1700001000|c3|sales|SIP/1|COMPLETEAGENT|30|70|1\n"
    "1700002000|NONE|sales|SIP/1|REMOVEMEMBER|\n"
)


def test_import_writes_legs_states_history_and_is_idempotent(stores, db, tmp_path) -> None:
    f.site(db, code="PBX")
    first = _import(stores, tmp_path, SESSION + CALLS + LATER)
    assert (first.lines, first.contacts, first.rejected, first.incomplete) == (12, 3, 0, 0)
    assert first.agent_states > 0
    before = _snapshot(stores)
    again = _import(stores, tmp_path, SESSION + CALLS + LATER)
    assert (again.contacts, again.agent_states, again.duplicates) == (0, 0, 12)
    assert _snapshot(stores) == before
    with stores.warehouse.connect() as conn:
        history = conn.execute(select(imports_table.c.status, imports_table.c.contacts)).all()
        assert sorted(history) == [("loaded", 0), ("loaded", 3)]
        assert conn.execute(select(queue_log_events.c.event_id)).rowcount != 0


def test_files_in_any_order_or_overlapping_give_the_same_tables(stores, db, tmp_path) -> None:
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS + LATER, "all")
    expected = _snapshot(stores)
    stores.empty()
    f.site(db, code="PBX")
    partial = _import(stores, tmp_path, CALLS + LATER, "newer")  # the rotated, newer file first
    assert partial.contacts == 3
    _import(stores, tmp_path, SESSION + CALLS, "older")  # then the older one, overlapping
    assert _snapshot(stores) == expected


def test_an_incomplete_leg_is_completed_by_the_next_file(stores, db, tmp_path) -> None:
    f.site(db, code="PBX")
    first = _import(stores, tmp_path, CALLS, "day1")
    assert first.incomplete == 1
    _import(stores, tmp_path, LATER, "day2")
    with stores.warehouse.connect() as conn:
        outcomes = conn.execute(select(contacts.c.outcome, func_count := contacts.c.contact_id)).all()
    assert sorted(o for o, _ in outcomes) == ["abandoned", "answered", "answered"]
    del func_count


def test_dry_run_writes_nothing(stores, db, tmp_path) -> None:
    f.site(db, code="PBX")
    summary = _import(stores, tmp_path, CALLS + "garbage\n", dry_run=True)
    assert (summary.contacts, summary.rejected, summary.dry_run) == (3, 1, True)
    assert summary.rejections_file and Path(summary.rejections_file).read_text().count("\n") == 2
    assert _snapshot(stores) == ([], [])


def test_a_failing_import_leaves_the_warehouse_as_it_was(stores, db, tmp_path, monkeypatch) -> None:
    f.site(db, code="PBX")
    _import(stores, tmp_path, CALLS, "day1")
    before = _snapshot(stores)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(at, "timelines", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(stores, tmp_path, SESSION + LATER, "day2")
    assert _snapshot(stores) == before
    with stores.warehouse.connect() as conn:
        statuses = conn.execute(select(imports_table.c.status, imports_table.c.message)).all()
    assert ("failed", "RuntimeError: disk full") in statuses


def test_agent_states_follow_the_log(stores, db, tmp_path) -> None:
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS + LATER)
    with stores.warehouse.connect() as conn:
        rows = conn.execute(
            select(agent_states.c.state, agent_states.c.reason, agent_states.c.duration_s)
            .where(agent_states.c.agent == "SIP/1")
            .order_by(agent_states.c.started_at)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("available", None, 100.0),
        ("not_ready", "break", 300.0),
        ("available", None, 120.0),
        ("on_contact", None, 180.0),
        ("available", None, 230.0),
        ("on_contact", None, 70.0),
        ("available", None, 1000.0),
    ]


def test_site_must_be_known(stores, db) -> None:
    from floorwalker.errors import InvalidInput, NotFound

    with pytest.raises(InvalidInput, match="name the site"):
        imports.site_context(db, None, None)
    f.site(db, code="A")
    f.site(db, code="B")
    with pytest.raises(InvalidInput, match="known sites: A, B"):
        imports.site_context(db, None, None)
    with pytest.raises(NotFound, match="no active site 'C'"):
        imports.site_context(db, "C", None)
    with pytest.raises(InvalidInput, match="IANA"):
        imports.site_context(db, "A", "Moon/Base")


def test_values_longer_than_their_columns_are_rejected_not_failing_the_load(tmp_path) -> None:
    long_queue = "q" * 81
    report, legs = parse(
        tmp_path,
        f"1700000000|c|{long_queue}|NONE|ENTERQUEUE||1\n1700000000|c2|q|{'a' * 81}|CONNECT|1\n"
        f"1700000000|c3|q|NONE|ENTERQUEUE|{'d' * 201}|1\n",
    )
    assert [(r.line, r.field) for r in report.rejections] == [(1, "queue"), (2, "agent"), (3, "data")]
    assert legs == []


def test_agent_states_are_the_same_whatever_the_chunk_size(stores, db, tmp_path, monkeypatch) -> None:
    f.site(db, code="PBX")
    second_agent = SESSION.replace("SIP/1", "SIP/2") + CALLS.replace("c1", "d1").replace("SIP/1", "SIP/2")
    text_ = SESSION + CALLS + LATER + second_agent
    _import(stores, tmp_path, text_, "whole")
    expected = _snapshot(stores)
    assert {row[4] for row in expected[1]} == {"SIP/1", "SIP/2"}
    stores.empty()
    f.site(db, code="PBX")
    monkeypatch.setattr(import_queue_log, "_EVENTS_PER_CHUNK", 1)
    _import(stores, tmp_path, text_, "chunked")
    assert _snapshot(stores) == expected


def test_a_file_the_csv_reader_refuses_is_read_line_by_line_inside_an_import(stores, db, tmp_path) -> None:
    """Invalid UTF-8 makes DuckDB's CSV reader fail; on the embedded warehouse that happens
    on the reading cursor, so the import's own transaction goes on and rejects the line."""
    f.site(db, code="PBX")
    path = tmp_path / "bad_bytes"
    path.write_bytes(CALLS.encode() + b"1700000950|c9|sales|\xff\xfe|ENTERQUEUE||1\n")
    with stores.session() as session:
        context = imports.site_context(session, "PBX", None)
    load = import_queue_log.queue_log_load([(path, "bad_bytes")], context, tmp_path / "work")
    summary = imports.run_import(
        stores.settings, SYSTEM, kind="queue-log", source="asterisk", site=context, files=["bad_bytes"],
        dry_run=False, load=load,
    )  # fmt: skip
    assert [(r.line, r.reason) for r in summary.rejections] == [(7, "line is not valid UTF-8 text")]
    assert (summary.lines, summary.contacts, summary.incomplete) == (7, 3, 1)
    with stores.warehouse.connect() as conn:
        assert conn.execute(select(contacts.c.contact_id)).all() != []
        if conn.dialect.name == "duckdb":
            # The import's working database and temp tables are gone with it.
            raw = conn.connection.driver_connection
            names = [r[0] for r in raw.execute("SELECT database_name FROM duckdb_databases()").fetchall()]
            assert not [n for n in names if n.startswith("ql_work")]
            temp = raw.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
            assert temp == []


def _import_files(stores, files: list[Path]):
    with stores.session() as session:
        context = imports.site_context(session, "PBX", None)
    return imports.run_import(
        stores.settings, SYSTEM, kind="queue-log", source="asterisk", site=context,
        files=[p.name for p in files], dry_run=False,
        load=import_queue_log.queue_log_load([(p, p.name) for p in files], context, files[0].parent / "work"),
    )  # fmt: skip


def _stored_events(stores) -> list[tuple]:
    with stores.warehouse.connect() as conn:
        rows = conn.execute(select(queue_log_events).order_by(queue_log_events.c.event_id)).all()
    return [tuple(v for k, v in r._mapping.items() if k != "import_id") for r in rows]


def test_a_rejected_line_in_a_clean_looking_file_is_named_and_the_rest_loaded_once(
    stores, db, tmp_path
) -> None:
    """A file DuckDB can stream is loaded without line numbers; a line it must reject makes
    the import read the file again with numbers: the rejection names its line, and the
    lines streamed before are not stored twice."""
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS + LATER, "clean")
    expected, expected_events = _snapshot(stores), _stored_events(stores)
    stores.empty()
    f.site(db, code="PBX")
    lines = (SESSION + CALLS + LATER).splitlines(keepends=True)
    summary = _import(stores, tmp_path, "".join([*lines[:5], "1700000600|c1|sales\n", *lines[5:]]), "dirty")
    assert [(r.line, r.field) for r in summary.rejections] == [(6, "line")]
    assert (summary.lines, summary.rejected, summary.duplicates, summary.contacts) == (13, 1, 0, 3)
    assert _snapshot(stores) == expected
    assert _stored_events(stores) == expected_events


def test_streamed_and_carefully_read_files_of_one_import_share_their_repeats(stores, db, tmp_path) -> None:
    """One import of a streamed log file, a table-form export (read the careful way)
    holding some of the same events, and a log file holding a line twice: each event is
    stored once and the tables are those of the lines imported once."""
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS + LATER, "all")
    expected, expected_events = _snapshot(stores), _stored_events(stores)
    stores.empty()
    f.site(db, code="PBX")
    log = tmp_path / "queue_log"
    log.write_text(SESSION + CALLS)
    table = tmp_path / "queue_log.csv"  # CALLS' first two lines and LATER, as the table form
    rows = [line.split("|") for line in (CALLS.splitlines()[:2] + LATER.splitlines())]
    table.write_text(
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        + "".join(",".join((r + [""] * 10)[:10]) + "\n" for r in rows)
    )
    repeated = tmp_path / "queue_log.1"
    repeated.write_text(LATER.splitlines(keepends=True)[0] * 2)
    summary = _import_files(stores, [log, table, repeated])
    assert (summary.lines, summary.rejected, summary.contacts) == (9 + 5 + 2, 0, 3)
    assert summary.duplicates == 2 + 2  # two CALLS lines and LATER's first line twice
    assert _snapshot(stores) == expected
    assert _stored_events(stores) == expected_events


def test_a_file_with_lines_stored_before_rebuilds_their_calls(stores, db, tmp_path) -> None:
    """A rotated file overlapping the previous one: its lines stored before are duplicates,
    and a call that began in them is stitched with the new lines."""
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS + LATER, "all")
    expected = _snapshot(stores)
    stores.empty()
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION + CALLS, "old")
    rotated = _import(stores, tmp_path, CALLS.splitlines(keepends=True)[-1] + LATER, "rotated")
    assert (rotated.lines, rotated.duplicates) == (4, 1)
    assert _snapshot(stores) == expected


def test_the_check_of_ascii_lines_is_the_same_without_counting_characters(tmp_path) -> None:
    """A streamed file with no byte above 0x7F is checked with byte lengths only; every
    line, rejected or not, gets the same fields, verdict and id as with characters counted."""
    text = (
        DOC_CALL
        + " 1366720399 | c1 |q|  SIP/1 |connect|1\n"
        + f"1366720399|{'c' * 121}|q|NONE|ENTERQUEUE||1\n"
        + f"1366720399|c|{'q' * 81}|NONE|ENTERQUEUE||1\n"
        + f"1366720399|c|q|{'a' * 81}|CONNECT|1\n"
        + f"1366720399|c|q|NONE|ENTERQUEUE|{'d' * 201}|1\n"
        + f"1366720399|c|q|NONE|ENTERQUEUE|{'d' * 200}|1\n"
        + "1366720399|c|q|NONE|ENTER QUEUE|x\n"
        + "abc|c|q|NONE|ENTERQUEUE||1\n"
        + "1366720399|x\n"
    )
    path = tmp_path / "queue_log"
    path.write_text(text)
    con = duckdb.connect()
    params = {"display": "queue_log", "path": str(path)}
    checked = [
        con.execute(
            f"SELECT * FROM ({ql._checked_sql(ql._split_fields_sql(True), SITE, a)}) ORDER BY line", params
        ).fetchall()
        for a in (False, True)
    ]
    assert checked[0] == checked[1]
    assert [row[-2] for row in checked[0]].count(None) == 5  # DOC_CALL, the padded line, 200 data characters


def test_repeats_are_found_the_same_way_in_numpy_and_in_duckdb(monkeypatch) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE e AS SELECT range AS event_id, range % 2 AS import_id FROM range(1000)")
    con.execute("INSERT INTO e VALUES (999, 1)")  # a repeat among import 1's ids only
    for limit in (10_000, 10):  # numpy, then DuckDB
        monkeypatch.setattr(import_queue_log, "_REPEATS_IN_NUMPY", limit)
        assert not import_queue_log._has_repeats(con, "FROM e WHERE import_id = 0")
        assert import_queue_log._has_repeats(con, "FROM e WHERE import_id = 1")


def test_a_reader_failure_while_streaming_fails_the_whole_import_cleanly(
    stores, db, tmp_path, monkeypatch
) -> None:
    if stores.warehouse.dialect.name != "duckdb":
        pytest.skip("PostgreSQL imports read in a DuckDB of their own, never streamed")
    f.site(db, code="PBX")
    _import(stores, tmp_path, SESSION, "first")
    before = _snapshot(stores), _stored_events(stores)

    def refuse(*_args, **_kwargs):
        raise duckdb.InvalidInputException("the reader refused a byte")

    monkeypatch.setattr(ql, "insert_streamed", refuse)
    with pytest.raises(InvalidInput, match="queue_log: DuckDB's CSV reader stopped"):
        _import(stores, tmp_path, CALLS + LATER)
    assert (_snapshot(stores), _stored_events(stores)) == before


@pytest.mark.parametrize("wide", [False, True])
def test_a_streamed_file_with_rejected_and_space_lines_counts_as_read_whole(
    stores, db, tmp_path, monkeypatch, wide
) -> None:
    """A streamed file that loses lines: the rejected ones are named by line, a line of
    spaces is no line of data; with a line too wide for the split as well, the whole import
    is read the careful way. Either way the same counts and tables as the careful read (a
    blank line sends a file that way)."""
    extra = "1700000990|c9|sales|NONE|ENTERQUEUE|" + "|".join(["x"] * 13) + "\n" if wide else ""
    lines = (SESSION + CALLS + LATER).splitlines(keepends=True)
    text = "".join([*lines[:3], "   \n", "1700000600|c1|sales\n", *lines[3:], extra])
    f.site(db, code="PBX")
    careful = _import(stores, tmp_path, text + "\n", "careful")  # the blank line: never streamed
    expected, expected_events = _snapshot(stores), _stored_events(stores)
    stores.empty()
    f.site(db, code="PBX")
    read_whole = []
    monkeypatch.setattr(ql, "read_files", lambda *a, _read=ql.read_files: read_whole.append(1) or _read(*a))
    streamed = _import(stores, tmp_path, text, "streamed")
    if stores.warehouse.dialect.name == "duckdb":  # (PostgreSQL imports always read whole)
        assert read_whole == ([1] if wide else [])
    assert [(r.line, r.field) for r in streamed.rejections] == [(5, "line")]
    assert [(r.line, r.field, r.raw) for r in careful.rejections] == [
        (r.line, r.field, r.raw) for r in streamed.rejections
    ]
    assert (streamed.lines, streamed.rejected) == (careful.lines, careful.rejected) == (13 + wide, 1)
    assert (_snapshot(stores), _stored_events(stores)) == (expected, expected_events)


@pytest.mark.parametrize("rejected", [False, True])
def test_blank_lines_stream_unless_a_line_after_one_is_rejected(
    stores, db, tmp_path, monkeypatch, rejected
) -> None:
    """Blank lines are no lines of data: a file with some is streamed. But DuckDB's reader
    skips them when numbering, so a file that also has a rejected line is read whole, to
    name that line by its real number."""
    lines = (SESSION + CALLS + LATER).splitlines(keepends=True)
    text = "".join(["\n", *lines[:4], "\n", *(["garbage\n"] if rejected else []), *lines[4:], "\n"])
    f.site(db, code="PBX")
    read_whole = []
    monkeypatch.setattr(ql, "read_files", lambda *a, _read=ql.read_files: read_whole.append(1) or _read(*a))
    summary = _import(stores, tmp_path, text)
    if stores.warehouse.dialect.name == "duckdb":
        assert read_whole == ([1] if rejected else [])
    assert [(r.line, r.field) for r in summary.rejections] == ([(7, "line")] if rejected else [])
    assert (summary.lines, summary.contacts, summary.duplicates) == (12 + rejected, 3, 0)


def test_a_table_export_read_in_batches_gives_the_same_lines(tmp_path, monkeypatch) -> None:
    """The database-table export goes to DuckDB a batch of rows at a time: batch edges,
    blank rows and DATETIME times change nothing (each row keeps its record number)."""
    table = (
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        "1366720340,1366720340.303267,MYQUEUE,NONE,ENTERQUEUE,,1000,1,,\n"
        ",,,,,,,,,\n"
        "2013-04-23 13:32:22,1366720340.303267,MYQUEUE,SIP/1001,CONNECT,2,1366720342.303268,1,,\n"
        "1366720345,1366720340.303267,MYQUEUE,SIP/1001,COMPLETECALLER,2,3,1,,\n"
        "1366720350,c3,MYQUEUE,NONE,ENTERQUEUE,,1,,,\n"
        "not a time,c2,MYQUEUE,NONE,ENTERQUEUE,,1,,,\n"
    )
    path = tmp_path / "queue_log.csv"
    path.write_text(table)

    def read() -> tuple[list, list]:
        con = duckdb.connect()
        report = ql.read_files(con, [(path, "queue_log.csv")], SITE)
        events = con.execute("SELECT * FROM ql_new ORDER BY event_id").fetchall()
        return events, [(r.line, r.field) for r in report.rejections]

    whole = read()
    monkeypatch.setattr(ql, "_TABLE_ROWS_PER_BATCH", 2)
    assert read() == whole
    assert len(whole[0]) == 4 and whole[1] == [(7, "time")]
