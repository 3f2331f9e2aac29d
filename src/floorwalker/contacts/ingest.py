"""The shape every importer speaks. Pure: no DB, no clock.

A parser reads one source file and yields ``Batch``es: canonical warehouse rows (Arrow
tables in the warehouse schema, see ``contacts.arrow``) plus a ``Rejection`` for every
input row it could not load, naming file, line, field and reason. The import service
loads batches into the warehouse in one transaction and writes the rejection report.
Nothing is dropped silently: every input line is either loaded, counted as a duplicate,
or rejected with a reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa

from floorwalker.contacts.arrow import AGENT_STATE_SCHEMA, CONTACT_SCHEMA, SURVEY_SCHEMA

#: Longest raw text kept in a rejection report, characters.
RAW_LIMIT = 300


@dataclass(frozen=True)
class Rejection:
    """One input row not loaded: where it is and why."""

    file: str
    line: int
    field: str | None
    reason: str
    raw: str = ""

    @staticmethod
    def of(file: str, line: int, field: str | None, reason: str, raw: str = "") -> Rejection:
        return Rejection(file, line, field, reason, raw[:RAW_LIMIT])


@dataclass
class Batch:
    """Rows parsed from a slice of one source; any table may be empty."""

    contacts: pa.Table = field(default_factory=CONTACT_SCHEMA.empty_table)
    agent_states: pa.Table = field(default_factory=AGENT_STATE_SCHEMA.empty_table)
    survey_responses: pa.Table = field(default_factory=SURVEY_SCHEMA.empty_table)
    rejections: list[Rejection] = field(default_factory=list)
    #: Input lines (or records) read for this batch, header excluded.
    lines: int = 0
    #: Input rows that repeat one already read (same source key) and were skipped.
    duplicates: int = 0
    #: Contacts loaded with outcome "incomplete" (the source never recorded their end).
    incomplete: int = 0
    #: Event types the parser does not know, with counts (reported, not fatal).
    unknown_events: Counter[str] = field(default_factory=Counter)
    #: Rows a format's own rules say are not queue contacts (e.g. Anonymous Bank PHANTOM
    #: calls, calls that never left the IVR), by reason: counted, not loaded, not errors.
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class SiteContext:
    """What a parser needs to know about the site the data belongs to."""

    code: str
    #: The site's zone: the local clock stored beside every instant, midnight cuts.
    time_zone: str
    #: Per-queue wrap-up seconds to assume where the source records none (queue code → s).
    wrapup_s: dict[str, float] = field(default_factory=dict)
    #: Used for every queue when set (the CLI's --wrapup-s), overriding ``wrapup_s``.
    wrapup_override_s: float | None = None
    #: Channel of each known queue (queue code → channel); parsers default per format.
    channels: dict[str, str] = field(default_factory=dict)

    #: The zone the source writes its local (offset-less) times in, when not the site's
    #: (the CLI's --tz): a PBX whose clock runs on UTC, an export made in head office.
    source_time_zone: str | None = None

    @property
    def source_zone(self) -> str:
        """Zone for reading the source's offset-less times."""
        return self.source_time_zone or self.time_zone

    def wrapup_for(self, queue: str) -> float | None:
        if self.wrapup_override_s is not None:
            return self.wrapup_override_s
        return self.wrapup_s.get(queue)


def local_clock(utc_naive: datetime, time_zone: str) -> tuple[datetime, int]:
    """(site wall clock, offset seconds) at a naive-UTC instant."""
    aware = utc_naive.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(time_zone))
    offset = aware.utcoffset() or timedelta(0)
    return aware.replace(tzinfo=None), int(offset.total_seconds())


def utc_from_local(local_naive: datetime, time_zone: str) -> datetime:
    """A site wall-clock time as naive UTC. In the repeated hour of a DST change the first
    (summer-time) reading is taken; in the skipped hour, the clock as if not skipped."""
    aware = local_naive.replace(tzinfo=ZoneInfo(time_zone), fold=0)
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
