"""iCalendar (RFC 5545) export of an agent's shifts. Pure: events in, the text of a
VCALENDAR out, with CRLF line ends, lines folded at 75 octets (section 3.1) and TEXT
values escaped (section 3.3.11). Times are naive UTC datetimes written as UTC (``Z``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

PRODID = "-//floorwalker//schedule//EN"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """One VEVENT: ``uid`` globally unique, [start, end) naive UTC, plain-text summary and
    description (escaped on output)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, newlines as ``\\n``."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded so no physical line exceeds 75 octets of UTF-8: each
    continuation starts with one space; a multi-octet character is never split."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size = " ", 1
            limit = MAX_OCTETS
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form (``YYYYMMDDTHHMMSSZ``) from a naive UTC datetime."""
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Sequence[Event], *, stamp: datetime, name: str = "Schedule") -> str:
    """The VCALENDAR text of ``events``; ``stamp`` (naive UTC) is every event's DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for e in events:
        if e.end <= e.start:
            raise ValueError(f"event {e.uid} must end after it starts")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{utc_stamp(stamp)}",
            f"DTSTART:{utc_stamp(e.start)}",
            f"DTEND:{utc_stamp(e.end)}",
            f"SUMMARY:{escape_text(e.summary)}",
        ]
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
