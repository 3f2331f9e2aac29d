"""Mapped CSV / XLSX contact import: the mapping language, the two shipped mappings, rejections.

The Anonymous Bank lines below are copied from the Technion "Anonymous Bank" call-center
data (Guedj & Mandelbaum, 2000; free for use with acknowledgement of the source). Lines marked
"edited" were changed by hand to show a quirk the real months hold elsewhere.
"""

# ruff: noqa: E501 - sample source lines and error messages are clearer kept whole

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floorwalker.contacts import _mapping_read, mapping
from floorwalker.contacts.arrow import CONTACT_SCHEMA
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext, local_clock, utc_from_local
from floorwalker.contacts.keys import stable_id
from floorwalker.contacts.mapping import (
    Mapping,
    MappingError,
    load_mapping,
    loads_mapping,
    parse_mapped,
    shipped_mappings,
)

BANK = SiteContext("bank", "Asia/Jerusalem")
NY = SiteContext("ny", "America/New_York")

# --------------------------------------------------------------------------------------------
# helpers


def run(path: Path, mapping: Mapping, site: SiteContext = BANK, **kw: Any) -> list[Batch]:
    batches = list(parse_mapped(path, mapping, site, **kw))
    assert batches, "at least one batch"
    for b in batches:
        assert b.contacts.schema == CONTACT_SCHEMA
    return batches


def write(tmp_path: Path, text: str, name: str = "data.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(batches: list[Batch]) -> list[dict[str, Any]]:
    return [r for b in batches for r in b.contacts.to_pylist()]


def rejections(batches: list[Batch]) -> list[Rejection]:
    return [r for b in batches for r in b.rejections]


def skipped(batches: list[Batch]) -> Counter[str]:
    total: Counter[str] = Counter()
    for b in batches:
        total.update(b.skipped)
    return total


def accounted(batches: list[Batch]) -> tuple[int, int]:
    """(lines read, lines accounted for): every line is a contact, duplicate, skip or rejection."""
    lines = sum(b.lines for b in batches)
    done = sum(
        b.contacts.num_rows + b.duplicates + len(b.rejections) + sum(b.skipped.values()) for b in batches
    )
    return lines, done


# --------------------------------------------------------------------------------------------
# Anonymous Bank

AB_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
    "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)
AB_LINES = [
    # 2: queued, hung up
    "AA0101\t33116\t82810937\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # 3: hung up in the VRU, never queued → skipped
    "AA0101\t33117\t0\t0\tPS\t990101\t0:34:12\t0:34:23\t11\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # 4: queued, served
    "AA0101\t33118\t87340557\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tAGENT01",
    # 5: served at once by a free agent (q_start 0:00:00, q_time 0); service starts 1 s early
    "AA0101\t33119\t0\t0\tPS\t990101\t7:41:16\t7:41:26\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:41:25\t7:44:53\t208\tAGENT02",
    # 6: AGENT served by NO_SERVER (the VRU)
    "AA0101\t33134\t0\t0\tPS\t990101\t11:07:30\t11:07:38\t8\t0:00:00\t0:00:00\t0\tAGENT\t11:07:43\t11:07:46\t3\tNO_SERVER",
    # 7: PHANTOM → skipped
    "AA0101\t33180\t98006021\t2\tPS\t990103\t10:19:09\t10:19:15\t6\t10:19:15\t10:19:31\t16\tPHANTOM\t10:19:30\t10:20:13\t43\tNO_SERVER",
    # 8: negative vru_time: vru_exit / q_start 37 s before vru_entry, same day
    "AA0101\t33757\t99766885\t1\tPS\t990113\t15:46:01\t15:45:24\t-37\t15:45:24\t15:46:41\t77\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # 9: AGENT without service times recorded
    "AA0102\t28607\t82897080\t1\tPS\t990104\t13:01:45\t13:01:51\t6\t13:01:51\t13:04:08\t137\tAGENT\t0:00:00\t0:00:00\t0\tAGENT20",
    # 10: service ends after midnight
    "AA0103\t24076\t59663105\t1\tPS\t990102\t23:56:07\t23:56:12\t5\t23:56:12\t23:58:01\t109\tAGENT\t23:58:00\t0:01:08\t188\tAGENT05",
    # 11: queue wait crosses midnight
    "AA0213\t12511\t21704424\t1\tPS\t990109\t23:59:23\t23:59:23\t0\t23:59:28\t0:00:03\t35\tAGENT\t0:00:03\t0:00:55\t52\tAGENT19",
    # 12 (february.txt): joined the queue at exactly midnight: q_start 0:00:00 but q_time 27
    "AA0102\t31056\t74888562\t2\tPS\t990215\t23:59:54\t23:59:54\t0\t0:00:00\t0:00:27\t27\tAGENT\t0:00:26\t0:01:33\t67\tAGENT09",
    # 13 (march.txt): a space after the tab before the type
    "AA0102\t33340\t0\t0\t TT\t990324\t15:09:49\t15:09:54\t5\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # 14: undocumented type code AA (never queued)
    "AA0204\t32649\t0\t0\tAA\t990113\t4:12:26\t4:13:04\t38\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # 15 edited: line 33123 with spaces instead of tabs
    "AA0101 33123 79028636 2 PS  990101 8:42:13 8:42:19 6 8:42:19 8:42:23 4 AGENT 8:42:23 8:45:30 187 AGENT03",
    # 16 edited: line 33125 with an undocumented type code ZZ
    "AA0101\t33125\t37861936\t2\tZZ\t990101\t9:04:04\t9:04:10\t6\t9:04:10\t9:04:56\t46\tAGENT\t9:04:54\t9:06:37\t103\tAGENT04",
]


def L(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ab(
    key: str,
    queue: str,
    customer: str | None,
    arrived: str,
    *,
    wait: float,
    outcome: str,
    answered: str | None = None,
    ended: str | None = None,
    talk: float | None = None,
    agent: str | None = None,
) -> dict[str, Any]:
    two = timedelta(hours=2)  # Israel, winter 1999: UTC+2
    return {
        "contact_id": stable_id("anonymous-bank", key),
        "source": "anonymous-bank",
        "source_key": key,
        "site": "bank",
        "queue": queue,
        "channel": "voice",
        "direction": "inbound",
        "customer_key": customer,
        "arrived_at": L(arrived) - two,
        "arrived_local": L(arrived),
        "utc_offset_s": 7200,
        "answered_at": L(answered) - two if answered else None,
        "ended_at": L(ended) - two if ended else None,
        "wait_s": wait,
        "talk_s": talk,
        "hold_s": None,
        "wrapup_s": None,
        "outcome": outcome,
        "agent": agent,
        "disposition": None,
        "ring_attempts": None,
        "previous_contact_id": None,
        "transcript": None,
        "source_updated_at": None,
    }


AB_EXPECTED = [
    ab("AA0101|33116|990101", "PS", "82810937", "1999-01-01 00:00:36", wait=153, outcome="abandoned",
       ended="1999-01-01 00:03:09"),
    ab("AA0101|33118|990101", "PS", "87340557", "1999-01-01 06:55:26", wait=17, outcome="answered",
       answered="1999-01-01 06:55:43", ended="1999-01-01 06:56:37", talk=54, agent="AGENT01"),
    ab("AA0101|33119|990101", "PS", None, "1999-01-01 07:41:26", wait=0, outcome="answered",
       answered="1999-01-01 07:41:25", ended="1999-01-01 07:44:53", talk=208, agent="AGENT02"),
    ab("AA0101|33134|990101", "PS", None, "1999-01-01 11:07:38", wait=0, outcome="answered",
       answered="1999-01-01 11:07:43", ended="1999-01-01 11:07:46", talk=3, agent=None),
    ab("AA0101|33757|990113", "PS", "99766885", "1999-01-13 15:45:24", wait=77, outcome="abandoned",
       ended="1999-01-13 15:46:41"),
    ab("AA0102|28607|990104", "PS", "82897080", "1999-01-04 13:01:51", wait=137, outcome="answered",
       agent="AGENT20"),
    ab("AA0103|24076|990102", "PS", "59663105", "1999-01-02 23:56:12", wait=109, outcome="answered",
       answered="1999-01-02 23:58:00", ended="1999-01-03 00:01:08", talk=188, agent="AGENT05"),
    ab("AA0213|12511|990109", "PS", "21704424", "1999-01-09 23:59:28", wait=35, outcome="answered",
       answered="1999-01-10 00:00:03", ended="1999-01-10 00:00:55", talk=52, agent="AGENT19"),
    ab("AA0102|31056|990215", "PS", "74888562", "1999-02-16 00:00:00", wait=27, outcome="answered",
       answered="1999-02-16 00:00:26", ended="1999-02-16 00:01:33", talk=67, agent="AGENT09"),
    ab("AA0101|33123|990101", "PS", "79028636", "1999-01-01 08:42:19", wait=4, outcome="answered",
       answered="1999-01-01 08:42:23", ended="1999-01-01 08:45:30", talk=187, agent="AGENT03"),
    ab("AA0101|33125|990101", "ZZ", "37861936", "1999-01-01 09:04:10", wait=46, outcome="answered",
       answered="1999-01-01 09:04:54", ended="1999-01-01 09:06:37", talk=103, agent="AGENT04"),
]  # fmt: skip


def test_shipped_mappings_load() -> None:
    assert shipped_mappings() == ["anonymous-bank", "vicidial-closer-log"]
    bank = load_mapping("anonymous-bank")
    assert bank.source == "anonymous-bank"
    assert bank.file.delimiter == "whitespace"
    assert load_mapping("vicidial-closer-log").source == "vicidial-closer-log"


def test_anonymous_bank_rows_become_exact_contacts(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([AB_HEADER, *AB_LINES]) + "\n", "january.txt")
    batches = run(path, load_mapping("anonymous-bank"))
    assert rows(batches) == AB_EXPECTED
    assert skipped(batches) == {"never queued (IVR only)": 3, "PHANTOM: virtual call": 1}
    assert rejections(batches) == []
    assert accounted(batches) == (len(AB_LINES), len(AB_LINES))
    assert sum(b.duplicates for b in batches) == 0


def test_anonymous_bank_site_wrapup_applies_to_answered_only(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([AB_HEADER, *AB_LINES[:4]]) + "\n")
    site = SiteContext("bank", "Asia/Jerusalem", wrapup_s={"PS": 15.0}, channels={"PS": "chat"})
    got = rows(run(path, load_mapping("anonymous-bank"), site))
    assert [(r["outcome"], r["wrapup_s"], r["channel"]) for r in got] == [
        ("abandoned", None, "chat"),
        ("answered", 15.0, "chat"),
        ("answered", 15.0, "chat"),
    ]


def test_anonymous_bank_truncated_file_rejects_only_the_cut_line(tmp_path: Path) -> None:
    text = "\n".join([AB_HEADER, AB_LINES[0], AB_LINES[2], AB_LINES[3][:40]])  # no final newline
    batches = run(write(tmp_path, text), load_mapping("anonymous-bank"))
    assert [r["source_key"] for r in rows(batches)] == ["AA0101|33116|990101", "AA0101|33118|990101"]
    (bad,) = rejections(batches)
    assert (bad.file, bad.line, bad.field) == ("data.txt", 4, "vru_time")
    assert bad.reason.startswith("truncated row: 8 of 17 columns")
    assert bad.raw == AB_LINES[3][:40]


def test_anonymous_bank_garbage_lines_are_rejected(tmp_path: Path) -> None:
    text = "\n".join(
        [
            AB_HEADER,
            "\x00\x01\x02 garbage \x7f",
            AB_LINES[2],
            "AA0101\t33118x\t1\t2\tPS\t99013X\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tAGENT01",
            "AA0101\t33200\t1\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tAGENT01\tEXTRA",
            "AA0101\t33201\t1\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tBUSY\t6:55:43\t6:56:37\t54\tAGENT01",
            "",
            "   ",
        ]
    )
    batches = run(write(tmp_path, text), load_mapping("anonymous-bank"))
    assert len(rows(batches)) == 1
    got = [(r.line, r.field, r.reason) for r in rejections(batches)]
    assert got == [
        (2, "priority", "truncated row: 3 of 17 columns (first missing: priority)"),
        (4, "date", "'99013X' is not a date %y%m%d"),
        (5, None, "18 values where the header has 17 columns"),
        (6, "outcome", "no outcome rule matches (outcome='BUSY')"),
    ]
    assert accounted(batches) == (5, 5)  # blank lines are not rows


# --------------------------------------------------------------------------------------------
# VICIdial closer log

VICI_HEADER = (
    "closecallid,lead_id,list_id,campaign_id,call_date,start_epoch,end_epoch,length_in_sec,status,"
    "phone_code,phone_number,user,comments,processed,queue_seconds,user_group,xfercallid,term_reason,"
    "uniqueid,agent_only,queue_position,called_count"
)
# 2024-03-05 09:00:00 America/New_York (EST) = 1709647200. Hand-built rows, one per term_reason.
VICI_LINES = [
    "501,9001,101,SUPPORT,2024-03-05 09:00:00,1709647200,1709647512,312,SALE,1,6175550101,6001,,N,12.00,AGENTS,0,AGENT,1709647200.501,,1,1",
    "502,9002,101,SUPPORT,2024-03-05 09:01:00,1709647260,1709647380,120,A,1,6175550102,6002,,N,0.00,AGENTS,0,CALLER,1709647260.502,,1,1",
    "503,9003,101,SUPPORT,2024-03-05 09:02:00,1709647320,1709647365,45,DROP,1,6175550103,VDCL,,N,45.00,,0,ABANDON,1709647320.503,,3,1",
    "504,9004,101,SUPPORT,2024-03-05 09:03:00,1709647380,1709647390,10,DROP,1,6175550104,VDCL,,N,10.00,,0,CALLER,1709647380.504,,2,1",
    "505,9005,101,SUPPORT,2024-03-05 09:04:00,1709647440,1709647620,180,DROP,1,6175550105,VDCL,,N,180.00,,0,QUEUETIMEOUT,1709647440.505,,4,1",
    "506,9006,101,SUPPORT,2024-03-05 09:05:00,1709647500,1709647590,90,HOLDTO,1,6175550106,VDCL,,N,90.00,,0,HOLDTIME,1709647500.506,,4,1",
    "507,9007,101,SUPPORT,2024-03-05 09:06:00,1709647560,1709647620,60,HXFER,1,6175550107,VDCL,,N,60.00,,0,HOLDRECALLXFER,1709647560.507,,4,1",
    "508,9008,101,SUPPORT,2024-03-05 09:07:00,1709647620,1709647650,30,DROP,1,6175550108,VDCL,,N,30.00,,0,CLOSETIME,1709647620.508,,4,1",
    "509,9009,101,SALES,2024-03-05 09:08:00,1709647680,1709647685,5,NANQUE,1,6175550109,VDCL,,N,0.00,,0,NOAGENT,1709647680.509,,0,1",
    "510,9010,101,SALES,2024-03-05 09:09:00,1709647740,1709647741,1,MAXCAL,1,6175550110,VDCL,,N,0.00,,0,MAXCALLS,1709647740.510,,0,1",
    "511,9011,101,SALES,2024-03-05 09:10:00,1709647800,1709647820,20,AFTHRS,1,6175550111,VDCL,,N,0.00,,0,AFTERHOURS,1709647800.511,,0,1",
    "512,9012,101,SALES,2024-03-05 09:11:00,1709647860,1709647862,2,ACFLTR,1,6175550112,VDCL,,N,0.00,,0,ACFILTER,1709647860.512,,0,1",
    "513,9013,101,SALES,2024-03-05 09:12:00,1709647920,NULL,0,QUEUE,1,6175550113,VDCL,,N,7.00,,0,NONE,1709647920.513,,1,1",
    "514,9014,101,SALES,2024-03-05 09:13:00,1709647980,1709648100,120,XFER,1,6175550114,6003,,N,20.00,AGENTS,0,AGENT,1709647980.514,,1,1",
    "515,9015,101,SALES,2024-03-05 09:14:00,NULL,\\N,60,B,1,6175550115,6004,,N,10.00,AGENTS,0,AGENT,1709648040.515,,1,1",
    "516,9016,101,SALES,2024-03-05 09:15:00,1709648100,1709648110,10,DROP,1,6175550116,VDCL,,N,10.00,,0,SYSTEM,1709648100.516,,1,1",
    # XFER + REMOTE: VICIdial routed the call to a remote agent, who answered it
    "517,9017,101,SALES,2024-03-05 09:16:00,1709648160,1709648260,100,XFER,1,6175550117,7001,REMOTE,N,4.00,REMOTES,0,CALLER,1709648160.517,,1,1",
]  # fmt: skip


def vici(
    closecallid: int,
    queue: str,
    arrived_utc: str,
    *,
    outcome: str,
    wait: float,
    ended: str | None,
    disposition: str,
    answered: str | None = None,
    talk: float | None = None,
    agent: str | None = None,
) -> dict[str, Any]:
    key = f"ny|{closecallid}"
    return {
        "contact_id": stable_id("vicidial-closer-log", key),
        "source": "vicidial-closer-log",
        "source_key": key,
        "site": "ny",
        "queue": queue,
        "channel": "voice",
        "direction": "inbound",
        "customer_key": f"61755501{closecallid - 500:02d}",
        "arrived_at": L(arrived_utc),
        "arrived_local": L(arrived_utc) - timedelta(hours=5),
        "utc_offset_s": -18000,
        "answered_at": L(answered) if answered else None,
        "ended_at": L(ended) if ended else None,
        "wait_s": wait,
        "talk_s": talk,
        "hold_s": None,
        "wrapup_s": None,
        "outcome": outcome,
        "agent": agent,
        "disposition": disposition,
        "ring_attempts": None,
        "previous_contact_id": None,
        "transcript": None,
        "source_updated_at": None,
    }


VICI_EXPECTED = [
    vici(501, "SUPPORT", "2024-03-05 14:00:00", outcome="answered", wait=12, answered="2024-03-05 14:00:12",
         ended="2024-03-05 14:05:12", talk=300, agent="6001", disposition="SALE"),
    vici(502, "SUPPORT", "2024-03-05 14:01:00", outcome="answered", wait=0, answered="2024-03-05 14:01:00",
         ended="2024-03-05 14:03:00", talk=120, agent="6002", disposition="A"),
    vici(503, "SUPPORT", "2024-03-05 14:02:00", outcome="abandoned", wait=45, ended="2024-03-05 14:02:45",
         disposition="DROP"),
    vici(504, "SUPPORT", "2024-03-05 14:03:00", outcome="abandoned", wait=10, ended="2024-03-05 14:03:10",
         disposition="DROP"),
    vici(505, "SUPPORT", "2024-03-05 14:04:00", outcome="timeout", wait=180, ended="2024-03-05 14:07:00",
         disposition="DROP"),
    vici(506, "SUPPORT", "2024-03-05 14:05:00", outcome="timeout", wait=90, ended="2024-03-05 14:06:30",
         disposition="HOLDTO"),
    vici(507, "SUPPORT", "2024-03-05 14:06:00", outcome="timeout", wait=60, ended="2024-03-05 14:07:00",
         disposition="HXFER"),
    vici(508, "SUPPORT", "2024-03-05 14:07:00", outcome="timeout", wait=30, ended="2024-03-05 14:07:30",
         disposition="DROP"),
    vici(509, "SALES", "2024-03-05 14:08:00", outcome="no_agents", wait=0, ended="2024-03-05 14:08:05",
         disposition="NANQUE"),
    vici(510, "SALES", "2024-03-05 14:09:00", outcome="no_agents", wait=0, ended="2024-03-05 14:09:01",
         disposition="MAXCAL"),
    vici(513, "SALES", "2024-03-05 14:12:00", outcome="incomplete", wait=7, ended=None, disposition="QUEUE"),
    vici(514, "SALES", "2024-03-05 14:13:00", outcome="transferred", wait=20, answered="2024-03-05 14:13:20",
         ended="2024-03-05 14:15:00", talk=100, agent="6003", disposition="XFER"),
    # start_epoch NULL: arrival from call_date (site-local), no answered_at (it needs start_epoch)
    vici(515, "SALES", "2024-03-05 14:14:00", outcome="answered", wait=10, ended=None, talk=50, agent="6004",
         disposition="B"),
    vici(517, "SALES", "2024-03-05 14:16:00", outcome="answered", wait=4, answered="2024-03-05 14:16:04",
         ended="2024-03-05 14:17:40", talk=96, agent="7001", disposition="XFER"),
]  # fmt: skip


def test_vicidial_rows_for_each_term_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([VICI_HEADER, *VICI_LINES]) + "\n", "closer.csv")
    batches = run(path, load_mapping("vicidial-closer-log"), NY)
    assert rows(batches) == VICI_EXPECTED
    assert skipped(batches) == {"after hours: not queued": 1, "area-code filter: not queued": 1}
    (bad,) = rejections(batches)
    assert (bad.file, bad.line, bad.field) == ("closer.csv", 17, "user,status,comments,term_reason")
    assert bad.reason == (
        "no outcome rule matches (user='VDCL', status='DROP', comments='', term_reason='SYSTEM')"
    )
    assert sum(b.incomplete for b in batches) == 1
    assert accounted(batches) == (17, 17)


def test_vicidial_negative_talk_is_rejected(tmp_path: Path) -> None:
    line = VICI_LINES[0].replace(",312,", ",5,")  # length 5 s but 12 s in queue
    batches = run(
        write(tmp_path, f"{VICI_HEADER}\n{line}\n", "c.csv"), load_mapping("vicidial-closer-log"), NY
    )
    (bad,) = rejections(batches)
    assert (bad.line, bad.field, bad.reason) == (
        2,
        "length_in_sec - queue_seconds",
        "talk_s: negative duration -7 s",
    )


# --------------------------------------------------------------------------------------------
# custom mappings

CUSTOM = """
source = "test-acd"
source_key = "{@site}:{id}"

[file]
delimiter = ";"
decimal = ","
header = false
columns = ["id", "day", "start", "answer", "end", "wait", "talk", "hold", "acw", "split", "who", "media", "result", "ani", "tries"]
skip_lines = 2
null = ["-", "n/a"]

[time]
zone = "Europe/London"
date = { column = "day", format = "%d.%m.%Y" }
next_day_if_before = "start"

[fields]
queue = { column = "split", map = { "1" = "billing", "2" = "tech" } }
arrived_at = { column = "start", time = "%H:%M:%S" }
answered_at = { column = "answer", time = "%H:%M:%S", outcomes = ["answered"] }
ended_at = { column = "end", time = "%H:%M:%S" }
wait_s = { column = "wait", unit = "ms" }
talk_s = { expr = "talk - 1.5", unit = "min", outcomes = ["answered"] }
hold_s = { column = "hold", unit = "hms", null_if = { result = "ABN" } }
wrapup_s = { column = "acw" }
agent = { column = "who", null = ["SYSTEM"], outcomes = ["answered"] }
customer_key = [{ column = "ani", null = ["anonymous"] }, { value = "unknown" }]
channel = { column = "media", map = { V = "voice", C = "chat" } }
direction = { value = "inbound" }
ring_attempts = "tries"
disposition = { value = "imported" }

[[skip]]
reason = "test call"
when = { ani = { matches = "555.*" } }

[[outcome]]
outcome = "answered"
when = { result = "OK" }

[[outcome]]
outcome = "abandoned"
when = { result = ["ABN", "HUP"] }

[[outcome]]
outcome = "exit_key"
"""


def test_custom_mapping_from_a_toml_file(tmp_path: Path) -> None:
    mapping_path = write(tmp_path, CUSTOM, "acd.toml")
    mapping = load_mapping(str(mapping_path))
    assert mapping.name == "acd.toml"
    text = "\n".join(
        [
            "ACD export",
            "generated 2024-07-01",
            "1;01.07.2024;23:58:00;23:58:30;00:05:00;30000;6,5;0:01:10;15,5;1;ann;V;OK;0201234567;2",
            "2;01.07.2024;10:00:00;-;10:00:20;20000;n/a;-;-;2;SYSTEM;C;ABN;anonymous;1",
            "3;01.07.2024;10:01:00;-;10:01:05;5000;-;-;-;2;-;C;KEY;0207654321;-",
            "4;01.07.2024;10:02:00;-;10:02:05;5000;-;-;-;2;-;C;KEY;5551234;-",
        ]
    )
    batches = run(write(tmp_path, text, "acd.csv"), mapping, SiteContext("ldn", "Europe/London"))
    assert rejections(batches) == []
    assert skipped(batches) == {"test call": 1}
    got = rows(batches)
    # London summer time: UTC+1
    assert got[0] == {
        "contact_id": stable_id("test-acd", "ldn:1"),
        "source": "test-acd",
        "source_key": "ldn:1",
        "site": "ldn",
        "queue": "billing",
        "channel": "voice",
        "direction": "inbound",
        "customer_key": "0201234567",
        "arrived_at": L("2024-07-01 22:58:00"),
        "arrived_local": L("2024-07-01 23:58:00"),
        "utc_offset_s": 3600,
        "answered_at": L("2024-07-01 22:58:30"),
        "ended_at": L("2024-07-01 23:05:00"),  # next day, local 00:05
        "wait_s": 30.0,
        "talk_s": 300.0,  # (6.5 - 1.5) min
        "hold_s": 70.0,
        "wrapup_s": 15.5,
        "outcome": "answered",
        "agent": "ann",
        "disposition": "imported",
        "ring_attempts": 2,
        "previous_contact_id": None,
        "transcript": None,
        "source_updated_at": None,
    }
    assert [(r["queue"], r["channel"], r["outcome"], r["customer_key"], r["agent"], r["talk_s"], r["hold_s"])
            for r in got[1:]] == [
        ("tech", "chat", "abandoned", "unknown", None, None, None),
        ("tech", "chat", "exit_key", "0207654321", None, None, None),
    ]  # fmt: skip
    assert [b.lines for b in batches] == [4]


def test_custom_mapping_epoch_iso_and_utc(tmp_path: Path) -> None:
    mapping = loads_mapping(
        """
source = "x"
source_key = "{id}"
[time]
zone = "UTC"
[fields]
queue = { value = "q" }
arrived_at = [{ column = "ms", time = "epoch_ms" }, { column = "iso" }]
ended_at = { column = "iso" }
answered_at = { expr = "s + 10", time = "epoch" }
source_updated_at = { column = "upd", time = "%Y-%m-%dT%H:%M:%S%z" }
[[outcome]]
outcome = "answered"
""",
        "x.toml",
    )
    text = (
        "id,ms,iso,s,upd\n"
        "1,1700000000500,2023-11-14T22:13:20+01:00,1700000000,2023-11-14T23:13:20+0100\n"
        "2,,2023-11-14 22:13:20,,\n"
    )
    got = rows(run(write(tmp_path, text, "x.csv"), mapping, NY))
    assert got[0]["arrived_at"] == datetime(2023, 11, 14, 22, 13, 20, 500000)
    assert got[0]["ended_at"] == datetime(2023, 11, 14, 21, 13, 20)  # the offset wins over the zone
    assert got[0]["answered_at"] == datetime(2023, 11, 14, 22, 13, 30)
    assert got[0]["source_updated_at"] == datetime(2023, 11, 14, 22, 13, 20)
    assert got[0]["arrived_local"] == datetime(2023, 11, 14, 17, 13, 20, 500000)  # New York site
    assert got[1]["arrived_at"] == datetime(2023, 11, 14, 22, 13, 20)  # written in UTC
    assert got[1]["answered_at"] is None


def test_header_true_with_explicit_columns_renames(tmp_path: Path) -> None:
    mapping = loads_mapping(
        """
source = "x"
source_key = "{a}"
[file]
columns = ["a", "b"]
delimiter = "tab"
[fields]
queue = "b"
arrived_at = "a"
[[outcome]]
outcome = "answered"
"""
    )
    path = write(tmp_path, "Call Start\tSkill\n2024-01-01 10:00:00\tq1\n")
    (row,) = rows(run(path, mapping, SiteContext("s", "UTC")))
    assert (row["queue"], row["arrived_at"]) == ("q1", datetime(2024, 1, 1, 10))


def test_csv_quoting_and_multiline_records_keep_physical_lines(tmp_path: Path) -> None:
    mapping = loads_mapping(
        """
source = "x"
source_key = "{id}"
[fields]
queue = "q"
arrived_at = "at"
transcript = "text"
[[outcome]]
outcome = "answered"
"""
    )
    text = 'id,q,at,text\n1,"a,b",2024-01-01 10:00:00,"line one\nline two"\n2,q,not a time,x\n'
    batches = run(write(tmp_path, text, "x.csv"), mapping, SiteContext("s", "UTC"))
    (row,) = rows(batches)
    assert (row["queue"], row["transcript"]) == ("a,b", "line one\nline two")
    (bad,) = rejections(batches)
    assert (bad.line, bad.field, bad.reason) == (4, "at", "'not a time' is not a time an ISO date-time")


# --------------------------------------------------------------------------------------------
# XLSX


XLSX_MAPPING = """
source = "sheet-acd"
source_key = "{Call ID}"
[file]
sheet = "Calls"
skip_lines = 1
[fields]
queue = "Queue"
arrived_at = "Arrived"
answered_at = { column = "Answered", time = "%H:%M:%S" }
wait_s = "Wait"
talk_s = { column = "Talk", unit = "hms" }
agent = "Agent"
customer_key = "Phone"
[time]
date = { column = "Arrived", format = "%Y-%m-%d" }
[[outcome]]
outcome = "answered"
when = { Agent = { not = "" } }
[[outcome]]
outcome = "abandoned"
"""


def test_xlsx_file(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Calls")
    sheet.append(["Exported from the ACD"])
    sheet.append(["Call ID", "Queue", "Arrived", "Answered", "Wait", "Talk", "Agent", "Phone"])
    sheet.append(
        [1001, "Sales", datetime(2024, 1, 15, 9, 30), time(9, 30, 12), 12, time(0, 3, 5), "A7", 441234]
    )
    sheet.append([1002.0, "Sales", datetime(2024, 1, 15, 9, 31), None, 40.5])  # ends early: padded
    sheet.append([])
    sheet.append([1003, "Sales", "yesterday", None, 3, None, None, None])
    sheet.append([1004, "Sales", datetime(2024, 1, 15, 9, 33), "9:33:20", -1, None, "A7", None])
    sheet.append([1001, "Sales", datetime(2024, 1, 15, 9, 34), None, 1, None, None, None])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    batches = run(path, loads_mapping(XLSX_MAPPING, "x.toml"), SiteContext("s", "Europe/Paris"))
    got = rows(batches)
    assert [(r["source_key"], r["outcome"], r["agent"], r["customer_key"]) for r in got] == [
        ("1001", "answered", "A7", "441234"),
        ("1002", "abandoned", None, None),
    ]
    first = got[0]
    assert first["arrived_at"] == datetime(2024, 1, 15, 8, 30)
    assert first["answered_at"] == datetime(2024, 1, 15, 8, 30, 12)
    assert (first["wait_s"], first["talk_s"]) == (12.0, 185.0)
    assert got[1]["wait_s"] == 40.5
    assert [(r.line, r.field, r.reason) for r in rejections(batches)] == [
        (6, "Arrived", "'yesterday' is not a time an ISO date-time"),
        (7, "Wait", "wait_s: negative duration -1 s"),
    ]
    assert sum(b.duplicates for b in batches) == 1
    assert accounted(batches) == (5, 5)


def test_xlsx_errors(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Other"
    path = tmp_path / "calls.xlsx"
    book.save(path)
    mapping = loads_mapping(XLSX_MAPPING, "x.toml")
    with pytest.raises(MappingError, match=re.escape("calls.xlsx: no sheet 'Calls'; it has 'Other'")):
        run(path, mapping)
    fake = write(tmp_path, "not a zip", "fake.xlsx")
    with pytest.raises(MappingError, match=re.escape("fake.xlsx: not a readable XLSX workbook")):
        run(fake, mapping)


# --------------------------------------------------------------------------------------------
# bad rows, duplicates, batching, empty files

SIMPLE = """
source = "simple"
source_key = "{id}"
[fields]
queue = "q"
arrived_at = "at"
wait_s = "wait"
ring_attempts = "rings"
channel = "ch"
[[outcome]]
outcome = "answered"
when = { result = "A" }
"""
SIMPLE_HEADER = "id,q,at,wait,rings,ch,result"
GOOD = "{id},q,2024-01-01 10:00:00,5,1,voice,A"


def simple(tmp_path: Path, *lines: str, **kw: Any) -> list[Batch]:
    path = write(tmp_path, "\n".join([SIMPLE_HEADER, *lines]) + "\n", "s.csv")
    return run(path, loads_mapping(SIMPLE, "simple.toml"), SiteContext("s", "UTC"), **kw)


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (",q,2024-01-01 10:00:00,5,1,voice,A", "id", "empty, but the source key needs it"),
        ("1,,2024-01-01 10:00:00,5,1,voice,A", "q", "queue is empty"),
        ("1," + "q" * 81 + ",2024-01-01 10:00:00,5,1,voice,A", "q", "queue longer than 80 characters"),
        ("1,q,,5,1,voice,A", "at", "no arrival time"),
        ("1,q,2024-13-01 10:00:00,5,1,voice,A", "at", "'2024-13-01 10:00:00' is not a time an ISO date-time"),
        ("1,q,2024-01-01 10:00:00,five,1,voice,A", "wait", "'five' is not a number"),
        ("1,q,2024-01-01 10:00:00,nan,1,voice,A", "wait", "'nan' is not a finite number"),
        ("1,q,2024-01-01 10:00:00,-3,1,voice,A", "wait", "wait_s: negative duration -3 s"),
        ("1,q,2024-01-01 10:00:00,5,1.5,voice,A", "rings", "1.5 is not a whole number ≥ 0"),
        ("1,q,2024-01-01 10:00:00,5,1,fax,A", "ch", "'fax' is not a channel; use voice, chat, email, messaging, back_office"),
        ("1,q,2024-01-01 10:00:00,5,1,voice,X", "result", "no outcome rule matches (result='X')"),
        ("1,q,2024-01-01 10:00:00,5,1,voice", "result", "truncated row: 6 of 7 columns (first missing: result)"),
        ("1,q,2024-01-01 10:00:00,5,1,voice,A,B", None, "8 values where the header has 7 columns"),
        ("1" * 201 + ",q,2024-01-01 10:00:00,5,1,voice,A", None, "source key longer than 200 characters"),
    ],
)  # fmt: skip
def test_bad_rows_are_rejected_with_line_and_field(
    tmp_path: Path, line: str, field: str | None, reason: str
) -> None:
    batches = simple(tmp_path, GOOD.format(id=7), line, GOOD.format(id=8))
    assert [r["source_key"] for r in rows(batches)] == ["7", "8"]
    (bad,) = rejections(batches)
    assert (bad.file, bad.line, bad.field, bad.reason) == ("s.csv", 3, field, reason)
    assert bad.raw == line[:300]
    assert accounted(batches) == (3, 3)


def test_undecodable_overlong_and_oversized_lines_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    huge_field = "x" * 200_000  # over the csv module's field limit
    long_line = "y" * (_mapping_read.LINE_LIMIT + 10)
    path.write_bytes(
        "\n".join(
            [
                SIMPLE_HEADER,
                GOOD.format(id=1),
                "2,caf\xe9,x",
                f"3,{huge_field},x",
                long_line,
                GOOD.format(id=4),
            ]
        ).encode("latin-1")
        + b"\n"
    )
    batches = run(path, loads_mapping(SIMPLE, "simple.toml"), SiteContext("s", "UTC"))
    assert [r["source_key"] for r in rows(batches)] == ["1", "4"]
    got = [(r.line, r.field, r.reason) for r in rejections(batches)]
    assert got == [
        (3, None, "not valid text in the file's encoding"),
        (4, None, "unreadable CSV: field larger than field limit (131072)"),
        (5, None, f"line longer than {_mapping_read.LINE_LIMIT} characters"),
    ]
    assert all(len(r.raw) <= 300 for r in rejections(batches))


def test_duplicate_source_keys(tmp_path: Path) -> None:
    batches = simple(
        tmp_path,
        GOOD.format(id=1),
        GOOD.format(id=1).replace("10:00", "11:00"),  # same key: a duplicate, the first wins
        "2,q,bad,5,1,voice,A",  # rejected …
        GOOD.format(id=2),  # … so this one is not a duplicate
        GOOD.format(id=2),
    )
    got = rows(batches)
    assert [(r["source_key"], r["arrived_at"].hour) for r in got] == [("1", 10), ("2", 10)]
    assert sum(b.duplicates for b in batches) == 2
    assert len(rejections(batches)) == 1
    assert accounted(batches) == (5, 5)


def test_batches_hold_at_most_batch_rows_contacts(tmp_path: Path) -> None:
    lines = [GOOD.format(id=i) for i in range(1, 6)]
    batches = simple(tmp_path, *lines[:3], "x,q,bad,5,1,voice,A", *lines[3:], batch_rows=2)
    assert [b.contacts.num_rows for b in batches] == [2, 2, 1]
    assert [b.lines for b in batches] == [2, 3, 1]
    assert [len(b.rejections) for b in batches] == [0, 1, 0]
    assert [r["source_key"] for r in rows(batches)] == ["1", "2", "3", "4", "5"]
    # rejections cut batches too, so a file of garbage never piles up in one batch
    garbage = simple(tmp_path, *["x,q,bad,5,1,voice,A"] * 5, batch_rows=2)
    assert [len(b.rejections) for b in garbage] == [2, 2, 1]
    with pytest.raises(ValueError, match="batch_rows"):
        simple(tmp_path, batch_rows=0)


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    mapping = loads_mapping(SIMPLE, "simple.toml")
    for text in ("", SIMPLE_HEADER + "\n", SIMPLE_HEADER + "\n\n,,,,,,\n"):
        (batch,) = run(write(tmp_path, text, "e.csv"), mapping)
        assert (batch.lines, batch.contacts.num_rows, batch.rejections) == (0, 0, [])


def test_header_lacking_a_column_is_a_mapping_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id,q,at\n1,q,2024-01-01\n", "short.csv")
    with pytest.raises(MappingError) as info:
        run(path, loads_mapping(SIMPLE, "simple.toml"))
    assert str(info.value) == (
        "mapping simple.toml: short.csv has no column 'ch', 'result', 'rings', 'wait'; "
        "its columns are 'id', 'q', 'at'"
    )


def test_unreadable_header_is_a_mapping_error(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"id,q\xff,at\n1,q,2024-01-01\n")
    with pytest.raises(
        MappingError, match=re.escape("h.csv: line 1: cannot read the header: not valid text")
    ):
        run(path, loads_mapping(SIMPLE))


def test_display_name_names_the_file_in_rejections(tmp_path: Path) -> None:
    path = write(tmp_path, f"{SIMPLE_HEADER}\nx,q,bad,5,1,voice,A\n", "tmp123.csv")
    batches = run(path, loads_mapping(SIMPLE), SiteContext("s", "UTC"), display_name="upload.csv")
    assert rejections(batches)[0].file == "upload.csv"


# --------------------------------------------------------------------------------------------
# time conversion (the per-minute memo must agree with ingest's functions second by second)


@pytest.mark.parametrize(
    ("zone", "start"),
    [("America/New_York", "2024-03-10 01:58:00"), ("America/New_York", "2024-11-03 00:58:00"),
     ("Australia/Lord_Howe", "2024-04-07 01:28:00"), ("Asia/Jerusalem", "1999-04-02 01:58:00"),
     # Newfoundland changed clocks at 00:01 until 2011: offsets do not change on the hour
     ("America/St_Johns", "2010-03-13 23:50:00"), ("America/St_Johns", "2010-11-06 22:50:00")],
)  # fmt: skip
def test_time_conversion_matches_ingest_around_dst(tmp_path: Path, zone: str, start: str) -> None:
    mapping = loads_mapping(
        f"""
source = "x"
source_key = "{{i}}"
[time]
zone = "{zone}"
[fields]
queue = {{ value = "q" }}
arrived_at = "at"
[[outcome]]
outcome = "answered"
"""
    )
    first = datetime.fromisoformat(start)
    moments = [first + timedelta(seconds=s) for s in range(0, 3 * 3600, 37)]
    text = "i,at\n" + "".join(f"{i},{m}\n" for i, m in enumerate(moments))
    got = rows(run(write(tmp_path, text, "t.csv"), mapping, SiteContext("s", zone)))
    for moment, row in zip(moments, got, strict=True):
        utc = utc_from_local(moment, zone)
        assert row["arrived_at"] == utc
        assert (row["arrived_local"], row["utc_offset_s"]) == local_clock(utc, zone)


# --------------------------------------------------------------------------------------------
# mapping errors: every message names the TOML key

TOP = 'source = "t"\nsource_key = "{id}"\n'
FIELDS = 'queue = "q"\narrived_at = "at"\n'
OUTCOME = '[[outcome]]\noutcome = "answered"\n'


def toml(top: str = TOP, file: str = "", time_: str = "", fields: str = FIELDS, rules: str = OUTCOME) -> str:
    parts = [top]
    if file:
        parts.append(f"[file]\n{file}\n")
    if time_:
        parts.append(f"[time]\n{time_}\n")
    parts.append(f"[fields]\n{fields}\n")
    parts.append(rules)
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source = ", "not valid TOML: "),
        (toml(top=TOP + "sauce = 1\n"), "(top level) unknown key 'sauce'; known: source, description,"),
        (toml(top='source_key = "{id}"\n'), "source is required (the warehouse source name, e.g. 'my-acd')"),
        (toml(top='source = 3\nsource_key = "{id}"\n'), "source must be a non-empty string"),
        (toml(top='source = "a b"\nsource_key = "{id}"\n'), "source 'a b' must be at most 40 letters, digits and . _ : -"),
        (toml(top=f'source = "{"x" * 41}"\nsource_key = "{{id}}"\n'), "must be at most 40 letters"),
        (toml(top='source = "t"\ndescription = 5\nsource_key = "{id}"\n'), "description must be a string"),
        (toml(top='source = "t"\n'), "source_key is required, e.g. \"{call_id}\""),
        (toml(top='source = "t"\nsource_key = "fixed"\n'), "source_key 'fixed' names no column; write columns as {name}"),
        (toml(top='source = "t"\nsource_key = "{@site}"\n'), "source_key '{@site}' names no column"),
        (toml(top='source = "t"\nsource_key = "{id"\n'), "source_key '{id' has an unmatched brace"),
        (toml(top='source = "t"\nsource_key = "{id}}"\n'), "source_key '{id}}' has an unmatched brace"),
        (toml(top='source = "t"\nsource_key = "a}{id}"\n'), "source_key 'a}{id}' has an unmatched brace"),
        (toml(top='source = "t"\nsource_key = "{ }|{id}"\n'), "source_key '{ }|{id}' has an empty {}"),
        (toml(top=TOP + 'file = "x"\n'), "[file] must be a table"),
        (toml(file="delimter = ','"), "[file] unknown key 'delimter'; known: type, encoding, delimiter,"),
        (toml(file="type = 'xls'"), "[file] type unknown type 'xls'; use auto, csv, xlsx"),
        (toml(file="encoding = 'klingon'"), "[file] encoding unknown encoding 'klingon'"),
        (toml(file="encoding = ''"), "[file] encoding must be a non-empty string"),
        (toml(file="delimiter = 'tabs'"), "[file] delimiter 'tabs' must be one character or one of tab, comma,"),
        (toml(file='delimiter = "\\n"'), "[file] delimiter '\\n' must be one character"),
        (toml(file="quote = \"''\""), "[file] quote \"''\" must be one character (not the delimiter) or ''"),
        (toml(file="quote = ','"), "[file] quote ',' must be one character (not the delimiter) or ''"),
        (toml(file="decimal = ';'"), "[file] decimal ';' must be '.' or ','"),
        (toml(file="header = 'yes'"), "[file] header must be true or false"),
        (toml(file="header = false"), "[file] columns are required when header = false"),
        (toml(file="columns = 'a,b'"), "[file] columns must be a list of strings"),
        (toml(file="columns = ['a', 'a']"), "[file] columns name a column twice"),
        (toml(file="skip_lines = -1"), "[file] skip_lines must be a whole number ≥ 0"),
        (toml(file="skip_lines = true"), "[file] skip_lines must be a whole number ≥ 0"),
        (toml(file="sheet = ''"), "[file] sheet must be a non-empty string"),
        (toml(file="strip = 1"), "[file] strip must be true or false"),
        (toml(file="null = 'NULL'"), "[file] null must be a list of strings"),
        (toml(time_="zone = 'Mars/Base'"), "[time] zone unknown time zone 'Mars/Base'; use site, UTC or an IANA name"),
        (toml(time_="tz = 'UTC'"), "[time] unknown key 'tz'; known: zone, date, next_day_if_before, next_day_slack_s"),
        (toml(time_="date = 'd'"), "[time] date must be a table"),
        (toml(time_="date = { column = 'd', fmt = '%d' }"), "[time] date unknown key 'fmt'; known: column, format"),
        (toml(time_="date = { column = 'd', format = '%H' }"), "[time] date.format '%H' has no date directive"),
        (toml(time_="date = { format = '%d' }"), "[time] date.column must be a non-empty string"),
        (toml(time_="next_day_if_before = 'start'"), "[time] next_day_if_before needs [time] date"),
        (toml(time_="date = { column = 'd' }\nnext_day_if_before = { column = 's', time = 'hh:mm' }"),
         "[time] next_day_if_before.time unknown time format 'hh:mm'; use a strptime format"),
        (toml(time_="date = { column = 'd' }\nnext_day_if_before = 's'\nnext_day_slack_s = -1"),
         "[time] next_day_slack_s must be a number of seconds ≥ 0"),
        (toml(time_="next_day_slack_s = 5"), "[time] next_day_slack_s needs [time] next_day_if_before"),
        (toml(time_="zone = 3"), "[time] zone must be a non-empty string"),
        (toml(time_="date = { column = 'd' }\nnext_day_if_before = 3"), "[time] next_day_if_before must be a table"),
        (toml(time_="date = { column = 'd' }\nnext_day_if_before = { column = 's', at = '%H' }"),
         "[time] next_day_if_before unknown key 'at'; known: column, time"),
        (toml(time_="[time.date]\ncolumn = 'd'\nformat = 7"), "[time] date.format must be a non-empty string"),
        (toml(rules=OUTCOME + "skip = 'x'\n"), "unknown key"),
        (toml(top=TOP + "skip = 'x'\n"), "[[skip]] must be an array of tables"),
        (TOP + "fields = 3\n" + OUTCOME, "[fields] must be a table"),
        (toml(fields=FIELDS + "callers = 'c'"), "[fields.callers] is not a contact field; use queue, agent,"),
        (toml(fields='queue = "q"'), "[fields.arrived_at] is required"),
        (toml(fields='arrived_at = "at"'), "[fields.queue] is required"),
        (toml(fields=FIELDS + "agent = []"), "[fields.agent] is an empty list"),
        (toml(fields=FIELDS + "agent = 3"), "[fields.agent] must be a table"),
        (toml(fields=FIELDS + "agent = { colum = 'a' }"), "[fields.agent] unknown key 'colum'; known: column, value,"),
        (toml(fields=FIELDS + "agent = { null = ['x'] }"), "[fields.agent] needs exactly one of column, value, expr"),
        (toml(fields=FIELDS + "agent = { column = 'a', value = 'b' }"), "[fields.agent] needs exactly one of"),
        (toml(fields=FIELDS + "agent = { column = '' }"), "[fields.agent] column must be a non-empty string"),
        (toml(fields=FIELDS + "ended_at = { value = 'x' }"), "[fields.ended_at] cannot be a constant time; name a column"),
        (toml(fields=FIELDS + "agent = { value = true }"), "[fields.agent] value must be a string or a number"),
        (toml(fields=FIELDS + "agent = { expr = 'a + b' }"), "[fields.agent] expr is for numbers (durations, epoch times, ring_attempts)"),
        (toml(fields=FIELDS + "wait_s = { expr = 'a +' }"), "[fields.wait_s] expr 'a +': write terms separated by ' + ' or ' - '"),
        (toml(fields=FIELDS + "wait_s = { expr = 'a b' }"), "[fields.wait_s] expr 'a b': write terms separated by ' + ' or ' - '"),
        (toml(fields=FIELDS + "wait_s = { expr = '- a' }"), "[fields.wait_s] expr '- a': write terms separated by ' + ' or ' - '"),
        (toml(fields=FIELDS + "wait_s = { expr = 'a + + b' }"), "[fields.wait_s] expr 'a + + b': write terms"),
        (toml(fields=FIELDS + "wait_s = { expr = '3 + 4' }"), "[fields.wait_s] expr '3 + 4' names no column"),
        (toml(fields=FIELDS + "ended_at = { column = 'e', time = 'hh:mm' }"),
         "[fields.ended_at] time unknown time format 'hh:mm'; use a strptime format such as '%Y-%m-%d %H:%M:%S', "
         "or iso, epoch, epoch_ms"),
        (toml(fields=FIELDS + "ended_at = { column = 'e', time = '%H:%M' }"),
         "[fields.ended_at] time '%H:%M' is a time of day without a date; set [time] date"),
        (toml(fields=FIELDS + "ended_at = { expr = 'a + b' }"), "[fields.ended_at] expr needs time = epoch or epoch_ms, not 'iso'"),
        (toml(fields=FIELDS + "wait_s = { column = 'w', time = 'epoch' }"), "[fields.wait_s] time is only for time fields"),
        (toml(fields=FIELDS + "agent = { column = 'a', unit = 's' }"), "[fields.agent] unit is only for durations"),
        (toml(fields=FIELDS + "wait_s = { column = 'w', unit = 'hours' }"), "[fields.wait_s] unknown unit 'hours'; use s, ms, min, hms"),
        (toml(fields=FIELDS + "wait_s = { column = 'w', map = { a = 'b' } }"), "[fields.wait_s] map is only for text fields"),
        (toml(fields=FIELDS + "agent = { column = 'a', map = 'x' }"), "[fields.agent] map must be a table"),
        (toml(fields=FIELDS + "agent = { column = 'a', map = { x = 1 } }"), "[fields.agent] map.x must be a string"),
        (toml(fields=FIELDS + "channel = { value = 'fax' }"), "[fields.channel] 'fax' is not a channel; use voice, chat,"),
        (toml(fields=FIELDS + "direction = { column = 'd', map = { I = 'in' } }"), "[fields.direction] 'in' is not a direction; use inbound, outbound"),
        (toml(fields=FIELDS + "agent = { column = 'a', outcomes = 'answered' }"), "[fields.agent] outcomes must be a list of strings"),
        (toml(fields=FIELDS + "agent = { column = 'a', outcomes = ['served'] }"),
         "[fields.agent] outcomes unknown outcome 'served'; use answered, abandoned,"),
        (toml(fields=FIELDS + "agent = { column = 'a', null = 'x' }"), "[fields.agent] null must be a list of strings"),
        (toml(fields=FIELDS + "agent = ['a', { column = 'b', unit = 'x' }]"), "[fields.agent] (alternative 2) unit is only for durations"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = 'x' }"), "[fields.agent] null_if must be a table"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = { b = 1.5 } }"), "[fields.agent] null_if.b write the value as a string"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = { b = { is = 'x' } } }"),
         "[fields.agent] null_if.b must be a value, a list, {not = …} or {matches = 'regex'}"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = { b = [true] } }"), "[fields.agent] null_if.b must list strings"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = { b = { matches = '(' } } }"),
         "[fields.agent] null_if.b bad regular expression '('"),
        (toml(fields=FIELDS + "agent = { column = 'a', null_if = { b = true } }"), "[fields.agent] null_if.b write the value as a string"),
        (toml(rules=""), "[[outcome]] at least one outcome rule is required"),
        (toml(rules="outcome = 'answered'\n"), "[fields.outcome] is not a contact field"),
        (toml(top=TOP + "outcome = 'answered'\n", rules=""), "[[outcome]] must be an array of tables"),
        (toml(rules="[[outcome]]\noutcome = 'served'\n"), "[[outcome]] #1 unknown outcome 'served'; use answered,"),
        (toml(rules=OUTCOME + "[[outcome]]\nresult = 'answered'\n"), "[[outcome]] #2 unknown key 'result'; known: when, outcome"),
        (toml(rules=OUTCOME + "[[outcome]]\nwhen = { a = 'b' }\n"), "[[outcome]] #2 outcome must be a non-empty string"),
        (toml(rules=OUTCOME + "[[skip]]\nreason = 'x'\n"), "[[skip]] #1 needs a when condition (it would skip every row)"),
        (toml(rules=OUTCOME + "[[skip]]\nwhen = { a = 'b' }\n"), "[[skip]] #1 reason must be a non-empty string"),
        (toml(rules=OUTCOME + "[[skip]]\nreason = 'x'\nwhen = { a = { not = [1.5] } }\n"), "[[skip]] #1 when.a must list strings"),
    ],
)  # fmt: skip
def test_mapping_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(MappingError) as info:
        loads_mapping(text, "bad.toml")
    assert str(info.value).startswith("mapping bad.toml: ")
    assert message in str(info.value)


def test_load_mapping_errors(tmp_path: Path) -> None:
    with pytest.raises(
        MappingError, match="no mapping 'nope': not a shipped mapping \\(anonymous-bank, vicidial"
    ):
        load_mapping("nope")
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(MappingError, match=re.escape("mapping bin.toml: cannot read")):
        load_mapping(str(binary))
    bad = write(tmp_path, 'source = "x"\n', "foo.toml")
    with pytest.raises(MappingError, match=r"^mapping foo.toml: source_key is required"):
        load_mapping(str(bad))


def test_condition_tests(tmp_path: Path) -> None:
    mapping = loads_mapping(
        toml(
            rules="""
[[outcome]]
outcome = "transferred"
when = { a = { matches = "X[0-9]+" } }
[[outcome]]
outcome = "answered"
when = { a = { not = ["", "N"] }, b = 7 }
[[outcome]]
outcome = "abandoned"
when = { a = ["", "N"] }
""",
        )
    )
    text = "id,q,at,a,b\n1,q,2024-01-01,X12,\n2,q,2024-01-01,Y,7\n3,q,2024-01-01,,7\n4,q,2024-01-01,Y,8\n"
    batches = run(write(tmp_path, text, "c.csv"), mapping, SiteContext("s", "UTC"))
    assert [r["outcome"] for r in rows(batches)] == ["transferred", "answered", "abandoned"]
    assert [(r.line, r.field) for r in rejections(batches)] == [(5, "a,b")]


def test_the_docstring_example_is_a_valid_mapping() -> None:
    doc = mapping.__doc__ or ""
    example = doc.split("A full example", 1)[1].split("::", 1)[1].split("\nA condition", 1)[0]
    lines = [line[4:] for line in example.splitlines()]
    parsed = loads_mapping("\n".join(lines), "example.toml")
    assert parsed.source == "my-acd"
    assert parsed.file.null == frozenset({"", "NULL", "\\N"})
    assert [r.result for r in parsed.outcomes] == ["answered", "abandoned"]
    assert parsed.fields["channel"].specs[0].map == {"V": "voice", "C": "chat"}


SANE = "1,q,2024-01-01 10:00:00,5,1,voice,A"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(max_size=60), st.just(SANE), st.just(AB_LINES[2])), max_size=8))
def test_any_text_ends_as_rows_or_rejections_never_an_exception(tmp_path: Path, lines: list[str]) -> None:
    for name, header, m in (
        ("g.csv", SIMPLE_HEADER, loads_mapping(SIMPLE)),
        ("g.txt", AB_HEADER, load_mapping("anonymous-bank")),
    ):
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8", errors="surrogatepass")
        batches = run(path, m, SiteContext("s", "Asia/Jerusalem"))
        lines_read, done = accounted(batches)
        assert lines_read == done
        for bad in rejections(batches):
            assert bad.line >= 2
