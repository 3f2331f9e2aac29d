"""Amazon Connect contact records (CTRs) → contact legs: layouts, dedupe, mapping, rejections."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from floorwalker.contacts import connect
from floorwalker.contacts.arrow import CONTACT_SCHEMA
from floorwalker.contacts.connect import SKIP_MONITOR, SKIP_NEVER_QUEUED, SKIP_NO_QUEUE, parse_connect
from floorwalker.contacts.ingest import Batch, Rejection, SiteContext
from floorwalker.contacts.keys import stable_id

SITE = SiteContext(code="LDN", time_zone="Europe/London")
INSTANCE = "arn:aws:connect:eu-west-2:111122223333:instance/4e1c3a9b-0b8e-4f57-9c1a-2f6d0c8e7a11"
BILLING_ARN = f"{INSTANCE}/queue/7a0c9d3e-5b1f-4c2a-8e6d-1f2a3b4c5d6e"
AGENT_ARN = f"{INSTANCE}/agent/0b6f2e1c-9d8a-4f3b-a2c1-5e4d3c2b1a09"

C1 = "6d3c2f1e-8a7b-4c5d-9e0f-1a2b3c4d5e6f"
C2 = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
C3 = "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"


def answered_call(contact_id: str = C1) -> dict[str, Any]:
    """An inbound call: IVR 35 s, queue 35 s, agent 280 s talk + 20 s hold, 45 s wrap-up."""
    return {
        "AWSAccountId": "111122223333",
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": {
            "ARN": AGENT_ARN,
            "AfterContactWorkDuration": 45,
            "AfterContactWorkEndTimestamp": "2026-03-02T09:36:40Z",
            "AfterContactWorkStartTimestamp": "2026-03-02T09:35:55Z",
            "AgentInteractionDuration": 280,
            "ConnectedToAgentTimestamp": "2026-03-02T09:30:55Z",
            "CustomerHoldDuration": 20,
            "HierarchyGroups": None,
            "LongestHoldDuration": 20,
            "NumberOfHolds": 1,
            "RoutingProfile": {"ARN": f"{INSTANCE}/routing-profile/3f2e", "Name": "Billing agents"},
            "Username": "jsmith",
        },
        "AgentConnectionAttempts": 1,
        "Attributes": {"greetingPlayed": "true", "accountTier": "gold"},
        "Channel": "VOICE",
        "ConnectedToSystemTimestamp": "2026-03-02T09:29:40Z",
        "ContactId": contact_id,
        "CustomerEndpoint": {"Address": "+441632960123", "Type": "TELEPHONE_NUMBER"},
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "DisconnectTimestamp": "2026-03-02T09:35:55Z",
        "InitialContactId": None,
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": "2026-03-02T09:29:40Z",
        "InstanceARN": INSTANCE,
        "LastUpdateTimestamp": "2026-03-02T09:37:41Z",
        "MediaStreams": [{"Type": "AUDIO"}],
        "NextContactId": None,
        "PreviousContactId": None,
        "Queue": {
            "ARN": BILLING_ARN,
            "DequeueTimestamp": "2026-03-02T09:30:50Z",
            "Duration": 35,
            "EnqueueTimestamp": "2026-03-02T09:30:15Z",
            "Name": "Billing",
        },
        "Recording": {
            "DeletionReason": None,
            "Location": f"connect-recordings/2026/03/02/{contact_id}_20260302T09:30_UTC.wav",
            "Status": "AVAILABLE",
            "Type": "AUDIO",
        },
        "Recordings": [
            {
                "DeletionReason": None,
                "FragmentStartNumber": None,
                "FragmentStopNumber": None,
                "Location": f"connect-recordings/2026/03/02/{contact_id}_20260302T09:30_UTC.wav",
                "MediaStreamType": "AUDIO",
                "ParticipantType": None,
                "StartTimestamp": None,
                "Status": "AVAILABLE",
                "StopTimestamp": None,
                "StorageType": "S3",
            }
        ],
        "SystemEndpoint": {"Address": "+441632960000", "Type": "TELEPHONE_NUMBER"},
        "Tags": {"aws:connect:instanceId": "4e1c3a9b-0b8e-4f57-9c1a-2f6d0c8e7a11"},
        "TransferCompletedTimestamp": None,
        "TransferredToEndpoint": None,
    }


def abandoned_call(contact_id: str = C2) -> dict[str, Any]:
    """The caller hangs up after 42 s in the queue."""
    record = answered_call(contact_id)
    record.update(
        Agent=None,
        AgentConnectionAttempts=0,
        DisconnectTimestamp="2026-03-02T09:31:57Z",
        Recording=None,
        Recordings=None,
        LastUpdateTimestamp="2026-03-02T09:32:10Z",
    )
    record["Queue"].update(DequeueTimestamp="2026-03-02T09:31:57Z", Duration=42)
    record["CustomerEndpoint"]["Address"] = "+441632960555"
    return record


def web_chat(contact_id: str = C3) -> dict[str, Any]:
    """A chat started by the website widget (StartChatContact: API), answered after 12 s."""
    return {
        "AWSAccountId": "111122223333",
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": {
            "ARN": AGENT_ARN,
            "AfterContactWorkDuration": 0,
            "AfterContactWorkEndTimestamp": "2026-03-02T10:14:00Z",
            "AfterContactWorkStartTimestamp": "2026-03-02T10:14:00Z",
            "AgentInteractionDuration": 600,
            "ConnectedToAgentTimestamp": "2026-03-02T10:04:00Z",
            "CustomerHoldDuration": None,
            "NumberOfHolds": None,
            "LongestHoldDuration": None,
            "Username": "achen",
        },
        "AgentConnectionAttempts": 1,
        "Attributes": {},
        "Channel": "CHAT",
        "ContactId": contact_id,
        "CustomerEndpoint": None,
        "DisconnectReason": "AGENT_DISCONNECT",
        "DisconnectTimestamp": "2026-03-02T10:14:00Z",
        "InitiationMethod": "API",
        "InitiationTimestamp": "2026-03-02T10:03:30Z",
        "LastUpdateTimestamp": "2026-03-02T10:14:02Z",
        "Queue": {
            "ARN": f"{INSTANCE}/queue/aa11bb22-cc33-4d44-8e55-ff6677889900",
            "DequeueTimestamp": "2026-03-02T10:03:58Z",
            "Duration": 12,
            "EnqueueTimestamp": "2026-03-02T10:03:46Z",
            "Name": "Web chat",
        },
        "SystemEndpoint": None,
    }


def outbound_dial(contact_id: str) -> dict[str, Any]:
    """An agent dials a customer from the CCP: no Queue (no EnqueueTimestamp either)."""
    record = answered_call(contact_id)
    record.update(InitiationMethod="OUTBOUND", Queue=None, AgentConnectionAttempts=0)
    return record


# --- files ---------------------------------------------------------------------------------

LAYOUTS = ("jsonl", "array", "single", "firehose")


def render(records: list[Any], layout: str) -> str:
    if layout == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in records)
    if layout == "array":
        return json.dumps(records, indent=2) + "\n"
    if layout == "single":
        assert len(records) == 1
        return json.dumps(records[0], indent=4)
    if layout == "firehose":
        return "".join(json.dumps(r, separators=(",", ":")) for r in records)
    raise AssertionError(layout)


def write(tmp_path: Path, content: str | bytes, name: str = "ctr.json", *, gz: bool = False) -> Path:
    data = content.encode() if isinstance(content, str) else content
    if gz:
        data = gzip.compress(data)
    path = tmp_path / name
    path.write_bytes(data)
    return path


@dataclass
class Parsed:
    batches: list[Batch]
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    lines: int = 0
    duplicates: int = 0
    incomplete: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def row(self, contact_id: str) -> dict[str, Any]:
        (found,) = [r for r in self.rows if r["source_key"] == contact_id]
        return found


def parse(path: Path, site: SiteContext = SITE, **kwargs: Any) -> Parsed:
    batches = list(parse_connect(path, site, **kwargs))
    assert batches, "a parse yields at least one batch"
    result = Parsed(batches)
    for batch in batches:
        assert batch.contacts.schema == CONTACT_SCHEMA
        result.rows += batch.contacts.to_pylist()
        result.rejections += batch.rejections
        result.lines += batch.lines
        result.duplicates += batch.duplicates
        result.incomplete += batch.incomplete
        for reason, count in batch.skipped.items():
            result.skipped[reason] = result.skipped.get(reason, 0) + count
    # Nothing is dropped silently: every record read is accounted for exactly once.
    assert result.lines == (
        len(result.rows) + result.duplicates + len(result.rejections) + sum(result.skipped.values())
    )
    return result


def parse_records(tmp_path: Path, records: list[Any], layout: str = "jsonl", **kwargs: Any) -> Parsed:
    return parse(write(tmp_path, render(records, layout)), **kwargs)


# --- mapping -------------------------------------------------------------------------------


def test_answered_call_maps_every_column(tmp_path: Path) -> None:
    got = parse_records(tmp_path, [answered_call()])
    assert got.rejections == [] and got.skipped == {}
    assert got.rows == [
        {
            "contact_id": stable_id("connect", C1),
            "source": "connect",
            "source_key": C1,
            "site": "LDN",
            "queue": "Billing",
            "channel": "voice",
            "direction": "inbound",
            "customer_key": "+441632960123",
            "arrived_at": datetime(2026, 3, 2, 9, 30, 15),
            "arrived_local": datetime(2026, 3, 2, 9, 30, 15),
            "utc_offset_s": 0,
            "answered_at": datetime(2026, 3, 2, 9, 30, 55),
            "ended_at": datetime(2026, 3, 2, 9, 35, 55),
            "wait_s": 35.0,
            "talk_s": 280.0,
            "hold_s": 20.0,
            "wrapup_s": 45.0,
            "outcome": "answered",
            "agent": "jsmith",
            "disposition": None,
            "ring_attempts": 1,
            "previous_contact_id": None,
            "transcript": None,
            "source_updated_at": datetime(2026, 3, 2, 9, 37, 41),
        }
    ]
    assert got.lines == 1 and got.duplicates == 0 and got.incomplete == 0


def test_abandoned_call_has_no_agent_values(tmp_path: Path) -> None:
    row = parse_records(tmp_path, [abandoned_call()]).row(C2)
    assert row["outcome"] == "abandoned"
    assert row["answered_at"] is None and row["agent"] is None
    assert row["talk_s"] is None and row["hold_s"] is None and row["wrapup_s"] is None
    assert row["wait_s"] == 42.0
    assert row["ended_at"] == datetime(2026, 3, 2, 9, 31, 57)
    assert row["ring_attempts"] == 0
    assert row["customer_key"] == "+441632960555"


def test_web_chat_is_an_inbound_chat_without_customer(tmp_path: Path) -> None:
    row = parse_records(tmp_path, [web_chat()]).row(C3)
    assert (row["channel"], row["direction"], row["outcome"]) == ("chat", "inbound", "answered")
    assert row["customer_key"] is None
    assert row["hold_s"] is None  # the record has null, not 0
    assert row["wrapup_s"] == 0.0  # the record says 0: kept
    assert row["wait_s"] == 12.0 and row["talk_s"] == 600.0 and row["agent"] == "achen"


def test_sms_chat_is_messaging(tmp_path: Path) -> None:
    record = web_chat()
    record["SegmentAttributes"] = {"connect:Subtype": {"ValueString": "connect:SMS"}}
    record["CustomerEndpoint"] = {"Address": "+447700900123", "Type": "TELEPHONE_NUMBER"}
    row = parse_records(tmp_path, [record]).row(C3)
    assert row["channel"] == "messaging" and row["customer_key"] == "+447700900123"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("TASK", "back_office"), ("EMAIL", "email"), ("Voice", "voice"), ("CHAT", "chat")],
)
def test_channels(tmp_path: Path, channel: str, expected: str) -> None:
    record = answered_call()
    record["Channel"] = channel
    assert parse_records(tmp_path, [record]).row(C1)["channel"] == expected


@pytest.mark.parametrize(
    ("method", "channel", "direction"),
    [
        ("INBOUND", "VOICE", "inbound"),
        ("TRANSFER", "VOICE", "inbound"),
        ("QUEUE_TRANSFER", "VOICE", "inbound"),
        ("CALLBACK", "VOICE", "inbound"),
        ("API", "CHAT", "inbound"),
        ("API", "TASK", "inbound"),
        ("API", "VOICE", "outbound"),
        ("OUTBOUND", "VOICE", "outbound"),
        ("AGENT_REPLY", "EMAIL", "outbound"),
    ],
)
def test_direction_from_initiation_method(tmp_path: Path, method: str, channel: str, direction: str) -> None:
    record = answered_call()
    record.update(InitiationMethod=method, Channel=channel)
    assert parse_records(tmp_path, [record]).row(C1)["direction"] == direction


def test_outbound_dial_from_a_queue_arrives_when_dialled(tmp_path: Path) -> None:
    # The agent's outbound queue is named for caller ID, but the contact never waited in it.
    record = answered_call()
    record["InitiationMethod"] = "OUTBOUND"
    record["Queue"] = {
        "ARN": BILLING_ARN,
        "Name": "Billing outbound",
        "EnqueueTimestamp": None,
        "Duration": None,
    }
    row = parse_records(tmp_path, [record]).row(C1)
    assert row["direction"] == "outbound" and row["queue"] == "Billing outbound"
    assert row["arrived_at"] == datetime(2026, 3, 2, 9, 29, 40)
    assert row["wait_s"] is None


def test_transfer_chain_links_legs(tmp_path: Path) -> None:
    # jsmith takes the call in Billing and transfers it (quick connect) to the Retention queue.
    first = answered_call(C1)
    first["NextContactId"] = C2
    first["Agent"].update(AfterContactWorkStartTimestamp="2026-03-02T09:34:10Z", AgentInteractionDuration=175)
    first["DisconnectTimestamp"] = "2026-03-02T09:34:10Z"
    second = answered_call(C2)
    second.update(
        InitiationMethod="TRANSFER",
        InitialContactId=C1,
        PreviousContactId=C1,
        InitiationTimestamp="2026-03-02T09:34:05Z",
        DisconnectTimestamp="2026-03-02T09:40:00Z",
        LastUpdateTimestamp="2026-03-02T09:41:00Z",
    )
    second["Queue"] = {
        "ARN": f"{INSTANCE}/queue/5e5e5e5e-1111-4222-8333-444455556666",
        "Name": "Retention",
        "EnqueueTimestamp": "2026-03-02T09:34:06Z",
        "DequeueTimestamp": "2026-03-02T09:34:30Z",
        "Duration": 24,
    }
    second["Agent"].update(
        Username="mokafor",
        ConnectedToAgentTimestamp="2026-03-02T09:34:32Z",
        AfterContactWorkStartTimestamp="2026-03-02T09:40:00Z",
    )
    got = parse_records(tmp_path, [first, second])
    a, b = got.row(C1), got.row(C2)
    assert a["outcome"] == "transferred" and a["previous_contact_id"] is None
    assert a["ended_at"] == datetime(2026, 3, 2, 9, 34, 10)
    assert b["outcome"] == "answered" and b["direction"] == "inbound"
    assert b["previous_contact_id"] == a["contact_id"] == stable_id("connect", C1)
    assert (b["queue"], b["agent"], b["wait_s"]) == ("Retention", "mokafor", 24.0)


@pytest.mark.parametrize(
    ("work_started", "ended"),
    [
        # a warm transfer: the agent stays on after the third party answers, then leaves
        ("2026-03-02T09:34:00Z", datetime(2026, 3, 2, 9, 34)),
        # no contact-work start recorded: the third party answering ends the agent's leg
        (None, datetime(2026, 3, 2, 9, 33)),
    ],
)
def test_transfer_out_of_connect_ends_with_the_agents_part(
    tmp_path: Path, work_started: str | None, ended: datetime
) -> None:
    record = answered_call()
    record.update(
        TransferCompletedTimestamp="2026-03-02T09:33:00Z",
        TransferredToEndpoint={"Address": "+441632960999", "Type": "TELEPHONE_NUMBER"},
        DisconnectTimestamp="2026-03-02T09:50:00Z",  # the customer talks on to the third party
    )
    record["Agent"]["AfterContactWorkStartTimestamp"] = work_started
    row = parse_records(tmp_path, [record]).row(C1)
    assert row["outcome"] == "transferred"
    assert row["ended_at"] == ended


def test_unanswered_exits(tmp_path: Path) -> None:
    flow_ended = abandoned_call(C1)
    flow_ended["DisconnectReason"] = "CONTACT_FLOW_DISCONNECT"  # e.g. max-wait loop → Disconnect
    moved_to_other_queue = abandoned_call(C2)
    moved_to_other_queue["NextContactId"] = "0c0c0c0c-1d1d-4e2e-8f3f-404040404040"
    rang_but_hung_up = abandoned_call(C3)
    rang_but_hung_up["Agent"] = {
        "ARN": AGENT_ARN,
        "Username": "jsmith",
        "ConnectedToAgentTimestamp": None,
        "AgentInteractionDuration": 0,
    }
    rang_but_hung_up["AgentConnectionAttempts"] = 2
    no_end = abandoned_call("77777777-7777-4777-8777-777777777777")
    no_end.update(DisconnectTimestamp=None, DisconnectReason=None)
    no_end["Queue"].update(DequeueTimestamp=None, Duration=None)
    got = parse_records(tmp_path, [flow_ended, moved_to_other_queue, rang_but_hung_up, no_end])
    assert got.row(C1)["outcome"] == "timeout"
    assert got.row(C2)["outcome"] == "timeout"
    rang = got.row(C3)
    assert (rang["outcome"], rang["agent"], rang["ring_attempts"], rang["answered_at"]) == (
        "abandoned",
        "jsmith",
        2,
        None,
    )
    incomplete = got.row("77777777-7777-4777-8777-777777777777")
    assert incomplete["outcome"] == "incomplete" and incomplete["ended_at"] is None
    assert incomplete["wait_s"] is None
    assert got.incomplete == 1


def test_queue_name_falls_back_to_the_arn(tmp_path: Path) -> None:
    record = answered_call()
    record["Queue"]["Name"] = None
    assert parse_records(tmp_path, [record]).row(C1)["queue"] == "7a0c9d3e-5b1f-4c2a-8e6d-1f2a3b4c5d6e"


def test_ring_attempts_are_connect_attempts_as_recorded(tmp_path: Path) -> None:
    # AgentConnectionAttempts counts the connecting attempt too: 1 = answered at first ring.
    moved = answered_call(C2)
    del moved["AgentConnectionAttempts"]
    moved["Agent"]["AgentConnectionAttempts"] = 3  # where some exports put it
    got = parse_records(tmp_path, [answered_call(C1), moved])
    assert (got.row(C1)["ring_attempts"], got.row(C2)["ring_attempts"]) == (1, 3)


def test_disposition_from_a_contact_attribute(tmp_path: Path) -> None:
    record = answered_call()
    record["Attributes"] = {"greetingPlayed": "true", "Disposition_Code": "PAYMENT_PLAN"}
    assert parse_records(tmp_path, [record]).row(C1)["disposition"] == "PAYMENT_PLAN"


def test_nulls_where_the_record_says_nothing(tmp_path: Path) -> None:
    record = answered_call()
    record["Agent"] = {"Username": "jsmith", "ConnectedToAgentTimestamp": "2026-03-02T09:30:55Z"}
    record["Queue"] = {"Name": "Billing", "EnqueueTimestamp": "2026-03-02T09:30:15Z"}
    record["CustomerEndpoint"] = {"Address": "", "Type": "TELEPHONE_NUMBER"}
    del record["AgentConnectionAttempts"]
    row = parse_records(tmp_path, [record]).row(C1)
    for column in ("wait_s", "talk_s", "hold_s", "wrapup_s", "ring_attempts", "customer_key", "disposition"):
        assert row[column] is None, column
    assert row["ended_at"] == datetime(2026, 3, 2, 9, 35, 55)  # DisconnectTimestamp


def test_wait_from_queue_timestamps_when_duration_is_missing(tmp_path: Path) -> None:
    record = answered_call()
    record["Queue"]["Duration"] = None
    record["Queue"]["DequeueTimestamp"] = "2026-03-02T09:30:50.500Z"
    assert parse_records(tmp_path, [record]).row(C1)["wait_s"] == 35.5


def test_site_wrapup_assumed_only_where_the_record_has_none(tmp_path: Path) -> None:
    site = SiteContext(code="LDN", time_zone="Europe/London", wrapup_s={"Billing": 30.0})
    without = answered_call(C1)
    del without["Agent"]["AfterContactWorkDuration"]
    got = parse_records(tmp_path, [without, answered_call(C2), abandoned_call(C3)], site=site)
    assert got.row(C1)["wrapup_s"] == 30.0
    assert got.row(C2)["wrapup_s"] == 45.0
    assert got.row(C3)["wrapup_s"] is None


def test_timestamps_with_fractions_and_offsets_are_naive_utc(tmp_path: Path) -> None:
    record = answered_call()
    record["Queue"]["EnqueueTimestamp"] = "2026-03-02T10:30:15.123+01:00"
    record["Agent"]["ConnectedToAgentTimestamp"] = "2026-03-02T09:30:55.250Z"
    row = parse_records(tmp_path, [record]).row(C1)
    assert row["arrived_at"] == datetime(2026, 3, 2, 9, 30, 15, 123000)
    assert row["answered_at"] == datetime(2026, 3, 2, 9, 30, 55, 250000)


def test_dst_days_keep_the_local_clock_and_offset(tmp_path: Path) -> None:
    def at(contact_id: str, enqueued: str) -> dict[str, Any]:
        record = abandoned_call(contact_id)
        record.update(
            InitiationTimestamp=enqueued, DisconnectTimestamp=enqueued, LastUpdateTimestamp=enqueued
        )
        record["Queue"].update(EnqueueTimestamp=enqueued, DequeueTimestamp=enqueued, Duration=0)
        return record

    records = [
        at("a", "2026-03-29T00:59:30Z"),  # London: last second-ish of GMT
        at("b", "2026-03-29T01:00:30Z"),  # clocks jumped to 02:00 BST
        at("c", "2026-10-25T00:30:00Z"),  # 01:30 BST
        at("d", "2026-10-25T01:30:00Z"),  # 01:30 GMT: the repeated hour, another offset
    ]
    got = parse_records(tmp_path, records)
    local = {r["source_key"]: (r["arrived_local"], r["utc_offset_s"]) for r in got.rows}
    assert local == {
        "a": (datetime(2026, 3, 29, 0, 59, 30), 0),
        "b": (datetime(2026, 3, 29, 2, 0, 30), 3600),
        "c": (datetime(2026, 10, 25, 1, 30), 3600),
        "d": (datetime(2026, 10, 25, 1, 30), 0),
    }


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    record = answered_call()
    record["ContactLens"] = {"ConversationalAnalytics": {"Configuration": {"Enabled": True}}}
    record["Queue"]["HierarchyPath"] = ["EMEA", "Billing"]
    record["Agent"]["DeviceInfo"] = {"PlatformName": "Chrome", "OperatingSystem": "Windows"}
    record["QualityMetrics"] = {"Agent": {"Audio": {"QualityScore": 4.8}}}
    got = parse_records(tmp_path, [record])
    assert got.rejections == [] and got.row(C1)["outcome"] == "answered"


# --- which records are legs ----------------------------------------------------------------


def test_records_without_a_queue_are_skipped_not_rejected(tmp_path: Path) -> None:
    ivr_only = answered_call("e1e1e1e1-0000-4000-8000-000000000001")
    ivr_only.update(Agent=None, Queue=None)
    monitor = answered_call("e1e1e1e1-0000-4000-8000-000000000002")
    monitor["InitiationMethod"] = "MONITOR"
    never_queued = answered_call("e1e1e1e1-0000-4000-8000-000000000003")
    never_queued.update(InitiationMethod="API", Agent=None)  # unanswered campaign dial
    never_queued["Queue"] = {"ARN": BILLING_ARN, "Name": "Billing", "EnqueueTimestamp": None}
    records = [outbound_dial("e1e1e1e1-0000-4000-8000-000000000000"), ivr_only, monitor, never_queued]
    got = parse_records(tmp_path, [*records, answered_call()])
    assert [r["source_key"] for r in got.rows] == [C1]
    assert got.rejections == []
    assert got.skipped == {SKIP_NO_QUEUE: 2, SKIP_MONITOR: 1, SKIP_NEVER_QUEUED: 1}
    assert SKIP_NO_QUEUE == "no Queue: not a queue contact"


# --- duplicates ----------------------------------------------------------------------------


def updated_copy() -> dict[str, Any]:
    """The re-delivery after contact work: newer LastUpdateTimestamp, a disposition set."""
    newer = answered_call()
    newer["LastUpdateTimestamp"] = "2026-03-02T09:45:00Z"
    newer["Attributes"]["disposition"] = "RESOLVED"
    newer["Agent"]["AfterContactWorkDuration"] = 60
    return newer


@pytest.mark.parametrize("newer_first", [False, True])
def test_duplicates_keep_the_newest_copy(tmp_path: Path, newer_first: bool) -> None:
    older, newer = answered_call(), updated_copy()
    records = [newer, older] if newer_first else [older, newer]
    got = parse_records(tmp_path, [*records, abandoned_call()])
    assert got.lines == 3 and got.duplicates == 1 and len(got.rows) == 2
    row = got.row(C1)
    assert (row["disposition"], row["wrapup_s"]) == ("RESOLVED", 60.0)
    assert row["source_updated_at"] == datetime(2026, 3, 2, 9, 45)
    assert [r["source_key"] for r in got.rows] == [C1, C2]  # first-seen order kept


def test_duplicates_tie_keeps_the_later_copy_and_undated_copies_lose(tmp_path: Path) -> None:
    first, second = answered_call(), answered_call()
    second["Agent"]["Username"] = "jsmith2"
    undated = answered_call()
    undated["LastUpdateTimestamp"] = None
    undated["Agent"]["Username"] = "undated"
    got = parse_records(tmp_path, [first, second, undated])
    assert got.row(C1)["agent"] == "jsmith2" and got.duplicates == 2


def test_unreadable_copy_does_not_hide_a_readable_one(tmp_path: Path) -> None:
    broken = updated_copy()
    broken["Queue"]["Duration"] = -1
    got = parse_records(tmp_path, [answered_call(), broken])
    assert len(got.rows) == 1 and got.duplicates == 0
    assert [(r.line, r.field) for r in got.rejections] == [(2, "Queue.Duration")]


# --- layouts -------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_the_same(tmp_path: Path, layout: str, gz: bool) -> None:
    records = [answered_call()] if layout == "single" else [answered_call(), abandoned_call(), web_chat()]
    expected = parse(write(tmp_path, render(records, "jsonl"), "plain.jsonl")).rows
    got = parse(write(tmp_path, render(records, layout), f"ctr.{layout}", gz=gz))
    assert got.rejections == []
    assert got.rows == expected and len(got.rows) == len(records)


def test_gzip_is_recognised_by_content_and_name(tmp_path: Path) -> None:
    content = render([answered_call()], "firehose")
    by_name = parse(write(tmp_path, content, "part-0001.gz", gz=True))
    no_suffix = parse(write(tmp_path, content, "part-0002", gz=True))  # Firehose names have none
    assert len(by_name.rows) == len(no_suffix.rows) == 1


def test_line_numbers_are_where_records_start(tmp_path: Path) -> None:
    bad = answered_call(C2)
    bad["Channel"] = "FAX"
    text = render([answered_call(), bad], "array")
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
    expected_line = starts[1]  # the second record's "{"
    got = parse(write(tmp_path, text))
    assert [(r.line, r.field) for r in got.rejections] == [(expected_line, "Channel")]
    assert expected_line > 2


def test_records_read_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [answered_call(), abandoned_call(), web_chat()]
    monkeypatch.setattr(connect, "_CHUNK_BYTES", 7)
    for layout in ("jsonl", "array", "firehose"):
        got = parse(write(tmp_path, render(records, layout) + "\n" + json.dumps([12345678]), layout))
        assert len(got.rows) == 3, layout
        # the trailing top-level number is read whole, not as "1234567" and "8"
        assert [r.reason for r in got.rejections] == [
            "not a contact record (a JSON object) but the value 12345678"
        ], layout


def test_memory_holds_a_chunk_and_a_record_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunk = 4096
    monkeypatch.setattr(connect, "_CHUNK_BYTES", chunk)
    largest = 0
    fill = connect._Scanner._fill

    def watched(self: connect._Scanner, chars: int) -> bool:
        nonlocal largest
        more = fill(self, chars)
        largest = max(largest, len(self._buf))
        return more

    monkeypatch.setattr(connect._Scanner, "_fill", watched)
    records = [answered_call(f"{n:08d}-0000-4000-8000-000000000000") for n in range(400)]
    text = render(records, "firehose")
    got = parse(write(tmp_path, text))
    assert len(got.rows) == 400
    record_chars = len(json.dumps(records[0], separators=(",", ":")))
    assert len(text) > 100 * chunk
    assert largest <= 2 * (chunk + record_chars)


# --- rejections ----------------------------------------------------------------------------


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = record
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("ContactId", _DELETE, "ContactId", "missing"),
        ("ContactId", 42, "ContactId", "not a string"),
        ("LastUpdateTimestamp", "last Tuesday", "LastUpdateTimestamp", "ISO-8601"),
        ("Queue.EnqueueTimestamp", "2026-03-02T25:00:00Z", "Queue.EnqueueTimestamp", "ISO-8601"),
        ("DisconnectTimestamp", "2026-03-02T09:35:55", "DisconnectTimestamp", "without Z or UTC offset"),
        ("Agent.ConnectedToAgentTimestamp", 1772443855, "Agent.ConnectedToAgentTimestamp", "not a timestamp"),
        ("Queue.Duration", -3, "Queue.Duration", "negative"),
        ("Agent.AgentInteractionDuration", "280", "Agent.AgentInteractionDuration", "not a number"),
        ("Agent.CustomerHoldDuration", True, "Agent.CustomerHoldDuration", "not a number"),
        ("Agent.AfterContactWorkDuration", float("nan"), "Agent.AfterContactWorkDuration", "finite"),
        ("AgentConnectionAttempts", 1.5, "AgentConnectionAttempts", "not a count"),
        (
            "Queue.EnqueueTimestamp",
            "2026-03-02T09:36:00Z",
            "Queue.EnqueueTimestamp",
            "after DisconnectTimestamp",
        ),
        ("Queue.DequeueTimestamp", "2026-03-02T09:30:00Z", "Queue.DequeueTimestamp", "before"),
        (
            "Agent.ConnectedToAgentTimestamp",
            "2026-03-02T09:30:00Z",
            "Agent.ConnectedToAgentTimestamp",
            "before Queue.EnqueueTimestamp",
        ),
        ("Channel", "FAX", "Channel", "unknown channel"),
        ("Channel", None, "Channel", "missing"),
        ("InitiationMethod", "TELEPATHY", "InitiationMethod", "unknown InitiationMethod"),
        ("InitiationMethod", _DELETE, "InitiationMethod", "missing"),
        ("Queue", "Billing", "Queue", "not an object"),
        ("Agent", ["jsmith"], "Agent", "not an object"),
        ("Queue.ARN", 7, "Queue.ARN", "not a string"),  # Name is dropped below, so ARN is read
        ("CustomerEndpoint.Address", 441632960123, "CustomerEndpoint.Address", "not a string"),
        ("Agent.Username", "x" * 81, "Agent.Username", "longer than 80"),
        ("PreviousContactId", {"id": C2}, "PreviousContactId", "not a string"),
    ],
)
def test_bad_records_are_rejected_with_their_field(
    tmp_path: Path, path: str, value: Any, field: str, reason: str
) -> None:
    bad = answered_call(C2)
    _set(bad, path, value)
    if path == "Queue.ARN":
        del bad["Queue"]["Name"]
    got = parse_records(tmp_path, [answered_call(C1), bad, web_chat()])
    assert [r["source_key"] for r in got.rows] == [C1, C3]
    (rejection,) = got.rejections
    assert (rejection.file, rejection.line, rejection.field) == (str(tmp_path / "ctr.json"), 2, field)
    assert reason in rejection.reason
    assert rejection.raw.startswith("{") and len(rejection.raw) <= 300


def test_queue_without_name_or_arn_is_rejected(tmp_path: Path) -> None:
    record = answered_call()
    record["Queue"] = {"EnqueueTimestamp": "2026-03-02T09:30:15Z", "Duration": 35}
    (rejection,) = parse_records(tmp_path, [record]).rejections
    assert rejection.field == "Queue.Name" and "neither Name nor ARN" in rejection.reason


def test_values_that_are_not_records_are_rejected(tmp_path: Path) -> None:
    text = "\n".join(
        [
            json.dumps(answered_call()),
            "this is not json",
            '"a string"',
            "null",
            '{"ContactId": "x", "Queue": {"Name": "Billing",}}',
            json.dumps(web_chat()),
        ]
    )
    got = parse(write(tmp_path, text, "mixed.jsonl"), display_name="s3://bucket/ctr/mixed.jsonl")
    assert len(got.rows) == 2
    assert [(r.file, r.line, r.field) for r in got.rejections] == [
        ("s3://bucket/ctr/mixed.jsonl", n, None) for n in (2, 3, 4, 5)
    ]
    reasons = [r.reason for r in got.rejections]
    assert reasons[0].startswith("invalid JSON") and "not a contact record" in reasons[1]
    assert "not a contact record" in reasons[2] and reasons[3].startswith("invalid JSON")
    assert got.rejections[0].raw == "this is not json"


def test_truncated_file_rejects_only_the_cut_record(tmp_path: Path) -> None:
    for layout in ("jsonl", "firehose", "array"):
        text = render([answered_call(), abandoned_call(), web_chat()], layout)
        cut = text[: text.rindex('"Web chat"')]
        got = parse(write(tmp_path, cut, f"cut.{layout}"))
        assert [r["source_key"] for r in got.rows] == [C1, C2], layout
        (rejection,) = got.rejections
        assert rejection.reason == "truncated: the file ends inside this record", layout
        record_starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
        expected = {"jsonl": 3, "firehose": 1, "array": record_starts[-1] if record_starts else 0}
        assert rejection.line == expected[layout], layout


def test_truncated_gzip_loads_what_it_can(tmp_path: Path) -> None:
    records = [answered_call(f"{n:08d}-1111-4000-8000-000000000000") for n in range(300)]
    data = gzip.compress(render(records, "jsonl").encode())
    got = parse(write(tmp_path, data[: len(data) * 2 // 3], "cut.jsonl.gz"))
    assert 0 < len(got.rows) < 300
    (rejection,) = got.rejections
    assert "truncated" in rejection.reason or "cannot be read" in rejection.reason


def test_broken_record_in_a_firehose_stream_loses_nothing_else(tmp_path: Path) -> None:
    parts = [json.dumps(r, separators=(",", ":")) for r in (answered_call(), abandoned_call(), web_chat())]
    parts[1] = parts[1][:-1]  # the closing brace is lost
    got = parse(write(tmp_path, "".join(parts)))
    assert [r["source_key"] for r in got.rows] == [C1, C3]
    assert len(got.rejections) == 1 and got.rejections[0].reason.startswith("invalid JSON")


def test_broken_record_in_a_pretty_array_is_one_rejection(tmp_path: Path) -> None:
    text = render([answered_call(), abandoned_call(), web_chat()], "array")
    broken = text.replace('"Duration": 42,', '"Duration": 42', 1)  # a lost comma
    assert broken != text
    got = parse(write(tmp_path, broken))
    assert [r["source_key"] for r in got.rows] == [C1, C3]
    assert len(got.rejections) == 1


def test_cut_json_line_does_not_swallow_the_next(tmp_path: Path) -> None:
    # The writer died inside a nested object; the next line is a whole record.
    cut = json.dumps(abandoned_call())
    cut = cut[: cut.index('"Queue": {') + len('"Queue": {"ARN": ')]
    text = "\n".join([json.dumps(answered_call()), cut, json.dumps(web_chat())]) + "\n"
    got = parse(write(tmp_path, text))
    assert [r["source_key"] for r in got.rows] == [C1, C3]
    assert [r.line for r in got.rejections] == [2]


def test_bytes_that_are_not_utf8_reject_their_record(tmp_path: Path) -> None:
    bad = json.dumps(answered_call(C2)).encode().replace(b"jsmith", b"j\xffsmith")
    data = b"\n".join([json.dumps(answered_call(C1)).encode(), bad, json.dumps(web_chat()).encode()])
    got = parse(write(tmp_path, data))
    assert [r["source_key"] for r in got.rows] == [C1, C3]
    (rejection,) = got.rejections
    assert rejection.line == 2 and "UTF-8" in rejection.reason
    rejection.raw.encode("utf-8")  # the report can be written


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n  \n",
        b"\x1f\x8b",
        b"\x1f\x8b\x08\x00garbage that claims to be gzip",
        bytes(random.Random(7).getrandbits(8) for _ in range(20_000)),
        b"\x00" * 5000,
        b"PK\x03\x04" + b"\x00\x01" * 300,
        b"{" * 5000,
        b'{"a":' + b"[" * 100_000,
        b"ContactId,Channel,Queue\n1,VOICE,Billing\n",
        b"}{}{" * 10,
    ],
    ids=[
        "empty",
        "blank",
        "gzip-magic-only",
        "bad-gzip",
        "random",
        "nuls",
        "zip",
        "braces",
        "deep",
        "csv",
        "glue",
    ],
)
def test_garbage_files_give_rejections_only(tmp_path: Path, content: bytes) -> None:
    got = parse(write(tmp_path, content, "garbage.bin"))
    assert got.rows == []
    for rejection in got.rejections:
        assert isinstance(rejection.line, int) and rejection.line >= 1
        rejection.raw.encode("utf-8")
        rejection.reason.encode("utf-8")


def test_empty_file_yields_one_empty_batch(tmp_path: Path) -> None:
    (batch,) = list(parse_connect(write(tmp_path, ""), SITE))
    assert batch.contacts.num_rows == 0 and batch.lines == 0 and batch.rejections == []


def test_overlong_record_is_rejected_not_buffered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connect, "_CHUNK_BYTES", 64)
    monkeypatch.setattr(connect, "_MAX_RECORD_CHARS", 4000)  # a whole record is about 2,500
    text = '{"ContactId": "' + "x" * 10_000 + "\n" + json.dumps(answered_call()) + "\n"
    got = parse(write(tmp_path, text))
    assert [r["source_key"] for r in got.rows] == [C1]
    assert [(r.line, r.reason) for r in got.rejections] == [(1, "record longer than 4000 characters")]


# --- batches -------------------------------------------------------------------------------


def test_batches_hold_at_most_batch_rows_contacts(tmp_path: Path) -> None:
    records: list[Any] = [answered_call(f"{n:08d}-2222-4000-8000-000000000000") for n in range(5)]
    records += [{"ContactId": "no-channel", "Queue": {"Name": "Billing"}}, [1], "x"]
    got = parse_records(tmp_path, records, batch_rows=2)
    assert len(got.rows) == 5 and len(got.rejections) == 3  # [1] is read as the value 1
    assert [b.contacts.num_rows for b in got.batches if b.contacts.num_rows] == [2, 2, 1]
    assert all(len(b.rejections) <= 2 for b in got.batches)
    assert got.lines == 8


def test_batch_rows_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="batch_rows"):
        list(parse_connect(write(tmp_path, ""), SITE, batch_rows=0))


def test_rejections_name_the_path_as_given_by_default(tmp_path: Path) -> None:
    path = write(tmp_path, "nonsense\n")
    (rejection,) = parse(path).rejections
    assert rejection.file == str(path)
