"""Amazon Connect contact records (CTRs) as warehouse contact legs. Pure: no DB, no clock.

Files
-----
Deployments store CTRs in four layouts, all read by one streaming scanner: JSON Lines,
a JSON array, a single record object, and records concatenated with no separator (what
Kinesis Data Firehose writes to S3: ``{...}{...}``). A file starting with the gzip magic
bytes is decompressed whatever its name. Between top-level values the scanner skips
whitespace, ``,``, ``[`` and ``]``, so every layout (and a mix) reads the same way;
each value is decoded with ``json.JSONDecoder.raw_decode`` from a text buffer of about
one chunk (1 MiB) plus the record being read, so memory does not grow with the file.
Each record is reported by the 1-based line on which it starts.

Text that is not JSON is rejected and the scanner resumes at the next place a record
can start: a new line indented no deeper than the broken value's own start (the next
record of JSON Lines or of a pretty-printed array; the broken record's own members are
deeper), or, from the decode error on, a ``{`` glued to a ``}`` or standing right at the
error (Firehose). A file that ends inside a record, a gzip stream cut short or corrupt,
bytes that are not UTF-8, a record over 16 Mi characters: all are rejections, never
exceptions. A file that cannot be opened at all raises ``OSError`` as usual.

Duplicates
----------
Connect delivers records at least once and re-delivers a record when it changes (after
contact work ends, when attributes are updated), so records are deduplicated on
``ContactId``: the copy with the newest ``LastUpdateTimestamp`` is kept (a copy without
one counts as oldest; on a tie the later copy in the file wins) and every other copy
counts in ``Batch.duplicates``. A copy that cannot be read is rejected on its own and
takes no part: a readable copy of the same contact still loads. Because the newest copy
may be the last line of the file, the kept leg of every ContactId (about 1 kB each) is
held until the end of the file and only then emitted, in batches of at most
``batch_rows`` contacts; memory is bounded by the number of distinct ContactIds, not by
the file size. Rejections are emitted as they accumulate (``batch_rows`` at a time).
``Batch.lines`` counts records read (duplicates, skipped and rejected ones included), so
over all batches: lines = contacts + duplicates + rejections + skipped.

Which records are legs
----------------------
A leg is one visit of a contact to one queue, and a CTR describes one contact segment
(a transfer starts a new ContactId), so each CTR with a queue is one leg. Skipped (in
``Batch.skipped``, not errors): records without ``Queue`` (outbound dials, calls that
ended in the IVR, direct API contacts), ``InitiationMethod`` MONITOR (a supervisor
listening in), and records whose ``Queue`` has no ``EnqueueTimestamp`` and that no agent
answered (a queue named for caller ID on an unanswered API dial never held the contact).

Mapping (CTR field → contacts column)
-------------------------------------
* source ``"connect"``; source_key ``ContactId``; contact_id ``stable_id("connect",
  ContactId)``; site ``site.code``.
* queue: ``Queue.Name``, else the last ``/`` segment of ``Queue.ARN`` (the queue id; for
  an agent's personal queue the agent id).
* channel: ``Channel`` VOICE→voice, CHAT→chat, TASK→back_office, EMAIL→email, matched
  without case (old records say "Voice"); a chat whose ``SegmentAttributes``
  ``connect:Subtype`` is connect:SMS, connect:WhatsApp or connect:Apple is messaging.
  Other channels are rejected. ``site.channels`` is not used: the record says.
* direction from ``InitiationMethod``: INBOUND, TRANSFER, QUEUE_TRANSFER, WEBRTC_API
  (in-app calling), DISCONNECT (the disconnect flow continues the customer's contact)
  and FLOW (a contact a flow created for the customer's request) are inbound. CALLBACK
  is inbound: the customer asked for the call, and the callback waits in a queue for an
  agent like any inbound demand; the agent's dial-out only delivers it. OUTBOUND,
  EXTERNAL_OUTBOUND and AGENT_REPLY (an agent's email reply) are outbound. API is
  outbound for voice (StartOutboundVoiceContact is the only API that creates a call)
  and inbound otherwise (web chats, tasks and emails are created by StartChatContact,
  StartTaskContact, StartEmailContact on the customer's behalf). Other values are
  rejected: guessing a direction would bend service level silently.
* customer_key: ``CustomerEndpoint.Address`` verbatim (E.164 number, email address);
  empty or absent → NULL, so customers without an address never merge into one.
* arrived_at: ``Queue.EnqueueTimestamp``, else ``InitiationTimestamp`` (an agent's
  outbound dial is answered without ever being enqueued); arrived_local and
  utc_offset_s from ``local_clock``.
* answered_at: ``Agent.ConnectedToAgentTimestamp``. A leg is answered only when that is
  set: Connect also fills ``Agent`` for a contact that rang an agent but was never
  connected.
* ended_at: for answered legs, when the agent's part ended:
  ``Agent.AfterContactWorkStartTimestamp`` (contact work starts when the agent leaves
  the customer), capped by ``DisconnectTimestamp``; without it, the earlier of
  ``TransferCompletedTimestamp`` and ``DisconnectTimestamp``, because after a transfer
  out of Connect the customer stays connected (and ``DisconnectTimestamp`` runs on)
  while talking to the third party. For unanswered legs, when the contact left the
  queue: the earlier of ``Queue.DequeueTimestamp`` and ``DisconnectTimestamp``.
* wait_s: ``Queue.Duration`` (enqueue to dequeue, whole seconds; it excludes the few
  seconds an agent's phone rings, exactly like Connect's own service level), else
  DequeueTimestamp − EnqueueTimestamp when both are present.
* talk_s ``Agent.AgentInteractionDuration`` (Connect excludes customer hold from it),
  hold_s ``Agent.CustomerHoldDuration``, wrapup_s ``Agent.AfterContactWorkDuration``.
  All seconds; NULL where the record has no value. For an answered leg without
  ``AfterContactWorkDuration`` the site's assumed wrap-up (``site.wrapup_for(queue)``)
  is used when one is configured.
* outcome: answered legs are "transferred" when the record itself shows the contact went
  on (``TransferCompletedTimestamp``, ``TransferredToEndpoint.Address`` or
  ``NextContactId``, which Connect sets on the segment an agent transferred), else
  "answered". Unanswered legs are "timeout" (an other exit, X) when the contact went on
  elsewhere without an agent (same fields: a queue transfer or callback out of the
  customer queue flow) or ``DisconnectReason`` is CONTACT_FLOW_DISCONNECT (the flow ended
  the wait) or EXPIRED (a chat or task timed out in the queue): Connect records no finer
  reason, and these exits are the queue giving up after a wait, not the customer. All
  other unanswered legs are "abandoned", as Connect's own "contacts abandoned" counts
  them; with no end recorded at all (no DequeueTimestamp, no DisconnectTimestamp)
  "incomplete".
* agent: ``Agent.Username`` (also for a contact that rang an agent and was abandoned).
* disposition: Connect has no disposition field; centers record the agent's code as a
  contact attribute, so the first of the ``Attributes`` keys "disposition",
  "dispositionCode", "wrapUpCode" (matched without case, ``_``, ``-`` or spaces) that
  holds text is used; else NULL.
* ring_attempts: ``AgentConnectionAttempts`` (top level in the CTR data model; also read
  from ``Agent`` where an export moved it). It counts every attempt including the one
  that connected (1 for a contact answered at the first ring), so it is taken as is,
  not 1 + it.
* previous_contact_id: ``stable_id("connect", PreviousContactId)``; the chain of a
  transfer is known from the later segment's own field.
* source_updated_at: ``LastUpdateTimestamp``.

Timestamps must be ISO-8601 with ``Z`` or an offset (fractions allowed) and are stored
as naive UTC. In every field, JSON null, a missing key and "" all mean the record says
nothing. Unknown fields are ignored (Connect adds fields over time).

Rejected, naming the JSON field (dotted for nested ones, e.g. ``Queue.Duration``):
invalid JSON, a value that is not an object, a missing ContactId, Channel or
InitiationMethod, an unknown Channel or InitiationMethod, a timestamp that is not
ISO-8601 or has no offset, a negative, non-numeric or non-finite duration, a nested
field that is not an object, enqueue after disconnect, dequeue before enqueue, an agent
connected before the contact was enqueued or after it disconnected, and texts longer
than their warehouse column (they would fail the whole load on PostgreSQL).
"""

from __future__ import annotations

import codecs
import gzip
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from sqlalchemy import String

from floorwalker.contacts.arrow import CONTACT_SCHEMA, rows_to_table
from floorwalker.contacts.ingest import RAW_LIMIT, Batch, Rejection, SiteContext, local_clock
from floorwalker.contacts.keys import stable_id
from floorwalker.contacts.models import contacts

SOURCE = "connect"

#: ``Batch.skipped`` reasons.
SKIP_NO_QUEUE = "no Queue: not a queue contact"
SKIP_NEVER_QUEUED = "Queue without EnqueueTimestamp and no agent: never waited in the queue"
SKIP_MONITOR = "InitiationMethod MONITOR: a supervisor listening in, not a customer contact"

_CHANNELS = {"VOICE": "voice", "CHAT": "chat", "TASK": "back_office", "EMAIL": "email"}
#: Chat sub-types that are messaging rather than web chat (lower case).
_MESSAGING_SUBTYPES = frozenset({"connect:sms", "connect:whatsapp", "connect:apple"})
_INBOUND_METHODS = frozenset(
    {"INBOUND", "TRANSFER", "QUEUE_TRANSFER", "CALLBACK", "WEBRTC_API", "DISCONNECT", "FLOW"}
)
_OUTBOUND_METHODS = frozenset({"OUTBOUND", "EXTERNAL_OUTBOUND", "AGENT_REPLY"})
#: DisconnectReason values that mean the flow or an expiry, not the customer, ended a wait.
_QUEUE_GAVE_UP = frozenset({"CONTACT_FLOW_DISCONNECT", "EXPIRED"})
#: Attribute names (lower case, without ``_ - `` and spaces) that hold an agent's disposition.
_DISPOSITION_KEYS = ("disposition", "dispositioncode", "wrapupcode")
_INT32_MAX = 2**31 - 1


def _column_length(name: str) -> int:
    """Longest text the warehouse column ``name`` takes, characters."""
    kind = contacts.c[name].type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"contacts.{name} is not a bounded string column")
    return kind.length


_KEY_MAX = _column_length("source_key")
_QUEUE_MAX = _column_length("queue")
_AGENT_MAX = _column_length("agent")
_CUSTOMER_MAX = _column_length("customer_key")
_DISPOSITION_MAX = _column_length("disposition")


# --- reading top-level JSON values -------------------------------------------------------

_GZIP_MAGIC = b"\x1f\x8b"
#: Bytes read from the file at a time.
_CHUNK_BYTES = 1 << 20
#: A record still incomplete after this many characters is rejected rather than buffered.
_MAX_RECORD_CHARS = 1 << 24
#: An error this close to the end of the buffer may only mean the record goes on in the
#: next chunk (a literal, number or \\u escape cut in two is at most a few characters).
_CUT_MARGIN = 16
_BETWEEN_VALUES = re.compile(r"[ \t\r\n,\[\]]*")
#: Where a record may start after unreadable text: a new line that starts with a value
#: rather than a closing "}" / "]" or a separator (group 1 is its indentation), or a "{"
#: right after a "}" on the same line (Firehose glues records together).
_RESYNC = re.compile(r"\n([ \t]*)(?=[^\s}\],:])|\}[ \t]*,?[ \t]*(?=\{)")
#: Bytes that were not UTF-8 come through the decoder as these lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
#: Any lone surrogate (also from JSON "\ud800" escapes): not encodable as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


class _ByteStream(Protocol):
    def read1(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class _Read:
    """One top-level JSON value of the file, or text that is not one (``error`` set)."""

    line: int
    value: Any = None
    error: str | None = None
    raw: str = ""


class _Scanner:
    """The top-level JSON values of a byte stream, one at a time, with their start lines.

    Holds one chunk plus the record being read, never the whole file. Decodes UTF-8
    itself (``surrogateescape``: bytes that are not UTF-8 become lone surrogates, so only
    the record holding them is rejected) rather than through ``io.TextIOWrapper``, whose
    ``read`` drops everything it decoded when the stream fails part-way (a cut gzip)."""

    def __init__(self, stream: _ByteStream) -> None:
        self._stream = stream
        self._text = codecs.getincrementaldecoder("utf-8-sig")(errors="surrogateescape")
        self._decoder = json.JSONDecoder()
        self._buf = ""
        #: Index in ``_buf`` of the next character not yet consumed.
        self._pos = 0
        #: 1-based line number at ``_pos``.
        self._line = 1
        #: Index in ``_buf`` where the line holding ``_pos`` starts (negative when it
        #: started in text already dropped).
        self._line_start = 0
        self._eof = False
        #: Why the stream stopped early (a corrupt or cut gzip), until reported.
        self._stream_error: str | None = None

    def __iter__(self) -> Iterator[_Read]:
        while True:
            between = _BETWEEN_VALUES.match(self._buf, self._pos)
            self._advance(between.end() if between else self._pos)
            if self._pos >= len(self._buf):
                if self._fill(_CHUNK_BYTES):
                    continue
                break
            start = self._pos
            try:
                value, end = self._decoder.raw_decode(self._buf, start)
            except json.JSONDecodeError as exc:
                if self._may_go_on(exc.pos, exc.msg, start):
                    # Grow by at least the record read so far: a long record costs
                    # O(length) decoding in all, not O(length²).
                    self._fill(max(_CHUNK_BYTES, len(self._buf) - start))
                    continue
                yield self._unreadable(start, exc.pos, exc.msg)
                continue
            except RecursionError:
                yield self._unreadable(start, start, "nested too deeply")
                continue
            if end == len(self._buf) and isinstance(value, int | float) and not self._eof:
                # A top-level number may go on in the next chunk; decode it again then.
                self._fill(_CHUNK_BYTES)
                continue
            # isascii() is O(1) on an all-ASCII str, which is what almost every file is.
            if not self._buf.isascii() and _UNDECODABLE.search(self._buf, start, end):
                raw = _collapse(self._buf[start : min(end, start + RAW_LIMIT)])
                yield _Read(self._line, error="not valid UTF-8 text", raw=raw)
            else:
                yield _Read(self._line, value=value)
            self._advance(end)
        if self._stream_error is not None:
            yield _Read(self._line, error=self._stream_error)

    def _cut(self, error_at: int, message: str) -> bool:
        """Whether a decode error may only mean the buffer ends inside the value."""
        return error_at >= len(self._buf) - _CUT_MARGIN or message.startswith("Unterminated string")

    def _may_go_on(self, error_at: int, message: str, start: int) -> bool:
        return self._cut(error_at, message) and not self._eof and len(self._buf) - start <= _MAX_RECORD_CHARS

    def _unreadable(self, start: int, error_at: int, message: str) -> _Read:
        """Reject the text at ``start`` and move on to where the next record may start."""
        line = self._line
        if self._cut(error_at, message) and self._eof:
            reason = "truncated: the file ends inside this record"
            if self._stream_error is not None:
                reason = f"{reason} ({self._stream_error})"
                self._stream_error = None
        elif self._cut(error_at, message):
            reason = f"record longer than {_MAX_RECORD_CHARS} characters"
        else:
            error_line = line + self._buf.count("\n", start, error_at)
            reason = f"invalid JSON: {message} (line {error_line})"
        raw = self._buf[start : start + RAW_LIMIT]
        skipped = self._resync(start, error_at)
        return _Read(line, error=reason, raw=_collapse(raw[:skipped]))

    def _resync(self, start: int, error_at: int) -> int:
        """Consume unreadable text from ``start`` up to where a record may start again;
        returns the number of characters consumed.

        A new line indented no deeper than the broken value's own start is taken anywhere
        after ``start``: in JSON Lines a cut line may have swallowed the next lines as a
        nested value before the decoder noticed, and in a pretty-printed array the broken
        record's own members are indented deeper. A "{" glued to a "}", or standing right
        at the error, is taken only from the error on: before it the text parsed, so any
        "{" there is nested in the broken value."""
        indent = start - self._line_start
        glued = error_at if start < error_at < len(self._buf) and self._buf[error_at] == "{" else None
        consumed = 0
        search_from = start + 1
        while True:
            to: int | None = None
            for mark in _RESYNC.finditer(self._buf, search_from):
                depth = mark.group(1)
                if (len(depth) <= indent) if depth is not None else mark.end() >= error_at:
                    to = mark.end()
                    break
            if glued is not None and (to is None or glued < to):
                to = glued
            if to is not None:
                consumed += to - self._pos
                self._advance(to)
                return consumed
            # Keep a short tail: a mark may straddle the boundary with the next chunk.
            keep = min(max(self._pos + 1, len(self._buf) - 64), len(self._buf))
            consumed += keep - self._pos
            self._advance(keep)
            if not self._fill(_CHUNK_BYTES):
                consumed += len(self._buf) - self._pos
                self._advance(len(self._buf))
                return consumed
            # The whole buffer, error included, has been searched: every mark counts now.
            search_from = self._pos
            error_at = 0

    def _advance(self, to: int) -> None:
        newline = self._buf.rfind("\n", self._pos, to)
        if newline >= 0:
            self._line += self._buf.count("\n", self._pos, to)
            self._line_start = newline + 1
        self._pos = to

    def _fill(self, size: int) -> bool:
        """Append at least ``size`` more bytes' worth of text (less at the end of the
        input); False when there is none."""
        if self._eof:
            return False
        # Drop what has been consumed, so the buffer holds one record plus one chunk.
        self._buf = self._buf[self._pos :]
        self._line_start -= self._pos
        self._pos = 0
        text = ""
        while not text and not self._eof:
            pieces: list[bytes] = []
            got = 0
            while got < size:
                try:
                    data = self._stream.read1(size - got)
                except (OSError, EOFError, zlib.error) as exc:  # gzip: BadGzipFile is an OSError
                    self._stream_error = f"the file cannot be read past this point: {exc}"
                    data = b""
                if not data:
                    self._eof = True
                    break
                pieces.append(data)
                got += len(data)
            text = self._text.decode(b"".join(pieces), final=self._eof)
        self._buf += text
        return bool(text)


def _collapse(text: str) -> str:
    """``text`` on one line, safe to write as UTF-8 (for rejection reports)."""
    return _utf8_safe(" ".join(text.split()))


def _utf8_safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


@contextmanager
def _open_bytes(path: Path) -> Iterator[_ByteStream]:
    """``path``'s bytes, gunzipped when it starts with the gzip magic bytes."""
    with ExitStack() as stack:
        raw = stack.enter_context(path.open("rb"))
        if raw.peek(len(_GZIP_MAGIC))[: len(_GZIP_MAGIC)] == _GZIP_MAGIC:
            yield stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
        else:
            yield raw


# --- one record -------------------------------------------------------------------------


class _Bad(Exception):
    """A record field that cannot be loaded (becomes a Rejection, never escapes)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason


class _Leg(NamedTuple):
    """One contacts row (field names are CONTACT_SCHEMA names; the rest stay NULL)."""

    contact_id: int
    source: str
    source_key: str
    site: str
    queue: str
    channel: str
    direction: str
    customer_key: str | None
    arrived_at: datetime
    arrived_local: datetime
    utc_offset_s: int
    answered_at: datetime | None
    ended_at: datetime | None
    wait_s: float | None
    talk_s: float | None
    hold_s: float | None
    wrapup_s: float | None
    outcome: str
    agent: str | None
    disposition: str | None
    ring_attempts: int | None
    previous_contact_id: int | None
    source_updated_at: datetime | None


#: Dedupe order of copies of one ContactId: (has LastUpdateTimestamp, LastUpdateTimestamp).
_Version = tuple[bool, datetime]


def _show(value: object) -> str:
    """A short rendering of a JSON value for a rejection reason."""
    text = json.dumps(value, ensure_ascii=False)
    return _utf8_safe(text if len(text) <= 60 else text[:57] + "...")


def _raw(value: object) -> str:
    return _utf8_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:RAW_LIMIT])


def _value(obj: dict[str, Any], key: str) -> Any:
    """``obj[key]``, with null, missing and "" alike as None (the record says nothing)."""
    value = obj.get(key)
    return None if value is None or value == "" else value


def _text(obj: dict[str, Any], key: str, field: str, limit: int | None = None) -> str | None:
    value = _value(obj, key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(field, f"not a string: {_show(value)}")
    if not value.isascii() and _SURROGATE.search(value):
        raise _Bad(field, "not valid Unicode text")
    if limit is not None and len(value) > limit:
        raise _Bad(field, f"longer than {limit} characters (the warehouse column)")
    return value


def _object(obj: dict[str, Any], key: str, field: str) -> dict[str, Any] | None:
    value = _value(obj, key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(field, f"not an object: {_show(value)}")
    return value


def _instant(obj: dict[str, Any], key: str, field: str) -> datetime | None:
    """An ISO-8601 timestamp with Z or offset, as naive UTC."""
    value = _value(obj, key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(field, f"not a timestamp: {_show(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(field, f"not an ISO-8601 timestamp: {_show(value)}") from None
    if parsed.tzinfo is None:
        # Without an offset the instant is a guess; a wrong guess shifts every interval.
        raise _Bad(field, f"timestamp without Z or UTC offset: {_show(value)}")
    try:
        return parsed.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise _Bad(field, f"timestamp out of range: {_show(value)}") from None


def _seconds(obj: dict[str, Any], key: str, field: str) -> float | None:
    """A duration in seconds (>= 0)."""
    value = _value(obj, key)
    if value is None:
        return None
    # bool is an int in Python, but true is no number of seconds.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(field, f"not a number of seconds: {_show(value)}")
    try:
        seconds = float(value)
    except OverflowError:
        raise _Bad(field, f"duration out of range: {_show(value)}") from None
    if not math.isfinite(seconds):
        raise _Bad(field, f"not a finite number of seconds: {_show(value)}")
    if seconds < 0:
        raise _Bad(field, f"negative duration: {_show(value)}")
    return seconds


def _count(obj: dict[str, Any], key: str, field: str) -> int | None:
    value = _value(obj, key)
    if value is None:
        return None
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not 0 <= value <= _INT32_MAX:
        raise _Bad(field, f"not a count: {_show(value)}")
    return int(value)


def _channel(record: dict[str, Any]) -> str:
    name = _text(record, "Channel", "Channel")
    if name is None:
        raise _Bad("Channel", "missing")
    channel = _CHANNELS.get(name.upper())
    if channel is None:
        raise _Bad("Channel", f"unknown channel {_show(name)}")
    if channel == "chat":
        # SegmentAttributes is optional and newer than most exports: read it only if shaped
        # as documented, never reject a record over it.
        segment = record.get("SegmentAttributes")
        subtype = segment.get("connect:Subtype") if isinstance(segment, dict) else None
        name = subtype.get("ValueString") if isinstance(subtype, dict) else None
        if isinstance(name, str) and name.lower() in _MESSAGING_SUBTYPES:
            return "messaging"
    return channel


def _direction(method: str, channel: str) -> str:
    if method in _INBOUND_METHODS:
        return "inbound"
    if method in _OUTBOUND_METHODS:
        return "outbound"
    if method == "API":
        return "outbound" if channel == "voice" else "inbound"
    raise _Bad("InitiationMethod", f"unknown InitiationMethod {_show(method)}")


def _queue_name(queue: dict[str, Any]) -> str:
    name = _text(queue, "Name", "Queue.Name", _QUEUE_MAX)
    if name is not None:
        return name
    arn = _text(queue, "ARN", "Queue.ARN")
    if arn is None:
        raise _Bad("Queue.Name", "the queue has neither Name nor ARN")
    name = arn.rstrip("/").rsplit("/", 1)[-1]
    if not name or len(name) > _QUEUE_MAX:
        raise _Bad("Queue.ARN", f"no queue id of at most {_QUEUE_MAX} characters in {_show(arn)}")
    return name


def _disposition(record: dict[str, Any]) -> str | None:
    attributes = record.get("Attributes")
    if not isinstance(attributes, dict):
        return None
    found: dict[str, str] = {}
    for key in attributes:
        normal = re.sub(r"[\s_-]", "", key).lower()
        if normal in _DISPOSITION_KEYS and normal not in found:
            found[normal] = key
    for normal in _DISPOSITION_KEYS:
        if normal in found:
            key = found[normal]
            value = _text(attributes, key, f"Attributes.{key}", _DISPOSITION_MAX)
            if value is not None:
                return value
    return None


def _moved_on(record: dict[str, Any], transfer_done: datetime | None) -> bool:
    """Whether the record itself shows the contact continued in another segment or outside."""
    if transfer_done is not None:
        return True
    if _text(record, "NextContactId", "NextContactId") is not None:
        return True
    endpoint = _object(record, "TransferredToEndpoint", "TransferredToEndpoint")
    return endpoint is not None and _text(endpoint, "Address", "TransferredToEndpoint.Address") is not None


def _leg(record: dict[str, Any], contact_id: str, updated: datetime | None, site: SiteContext) -> _Leg | str:
    """The leg a record describes, or the ``Batch.skipped`` reason it is none; _Bad if unreadable."""
    queue_info = _object(record, "Queue", "Queue")
    if queue_info is None:
        return SKIP_NO_QUEUE
    method = _text(record, "InitiationMethod", "InitiationMethod")
    if method is None:
        raise _Bad("InitiationMethod", "missing")
    method = method.upper()
    if method == "MONITOR":
        return SKIP_MONITOR
    channel = _channel(record)
    direction = _direction(method, channel)
    queue = _queue_name(queue_info)

    initiated = _instant(record, "InitiationTimestamp", "InitiationTimestamp")
    disconnected = _instant(record, "DisconnectTimestamp", "DisconnectTimestamp")
    transfer_done = _instant(record, "TransferCompletedTimestamp", "TransferCompletedTimestamp")
    enqueued = _instant(queue_info, "EnqueueTimestamp", "Queue.EnqueueTimestamp")
    dequeued = _instant(queue_info, "DequeueTimestamp", "Queue.DequeueTimestamp")
    wait = _seconds(queue_info, "Duration", "Queue.Duration")

    agent_info = _object(record, "Agent", "Agent")
    connected: datetime | None = None
    work_started: datetime | None = None
    talk: float | None = None
    hold: float | None = None
    wrapup: float | None = None
    agent: str | None = None
    attempts: int | None = None
    if agent_info is not None:
        connected = _instant(agent_info, "ConnectedToAgentTimestamp", "Agent.ConnectedToAgentTimestamp")
        work_started = _instant(
            agent_info, "AfterContactWorkStartTimestamp", "Agent.AfterContactWorkStartTimestamp"
        )
        talk = _seconds(agent_info, "AgentInteractionDuration", "Agent.AgentInteractionDuration")
        hold = _seconds(agent_info, "CustomerHoldDuration", "Agent.CustomerHoldDuration")
        wrapup = _seconds(agent_info, "AfterContactWorkDuration", "Agent.AfterContactWorkDuration")
        agent = _text(agent_info, "Username", "Agent.Username", _AGENT_MAX)
        attempts = _count(agent_info, "AgentConnectionAttempts", "Agent.AgentConnectionAttempts")
    top_attempts = _count(record, "AgentConnectionAttempts", "AgentConnectionAttempts")
    if top_attempts is not None:
        attempts = top_attempts
    answered = connected is not None
    if enqueued is None and not answered:
        return SKIP_NEVER_QUEUED

    if enqueued is not None:
        arrived, arrived_field = enqueued, "Queue.EnqueueTimestamp"
    elif initiated is not None:
        arrived, arrived_field = initiated, "InitiationTimestamp"
    else:
        raise _Bad("Queue.EnqueueTimestamp", "missing, and so is InitiationTimestamp")
    if disconnected is not None and arrived > disconnected:
        raise _Bad(arrived_field, "after DisconnectTimestamp")
    if enqueued is not None and dequeued is not None and dequeued < enqueued:
        raise _Bad("Queue.DequeueTimestamp", "before Queue.EnqueueTimestamp")
    if connected is not None:
        # Only against the enqueue time: an outbound dial's InitiationTimestamp and agent
        # connection are the same moment, recorded by different components.
        if enqueued is not None and connected < enqueued:
            raise _Bad("Agent.ConnectedToAgentTimestamp", "before Queue.EnqueueTimestamp")
        if disconnected is not None and connected > disconnected:
            raise _Bad("Agent.ConnectedToAgentTimestamp", "after DisconnectTimestamp")
    if wait is None and enqueued is not None and dequeued is not None:
        wait = (dequeued - enqueued).total_seconds()

    moved_on = _moved_on(record, transfer_done)
    ends: list[datetime]
    if answered:
        outcome = "transferred" if moved_on else "answered"
        if work_started is not None:
            ends = [t for t in (work_started, disconnected) if t is not None]
        else:
            ends = [t for t in (transfer_done, disconnected) if t is not None]
        if wrapup is None:
            wrapup = site.wrapup_for(queue)
    else:
        ends = [t for t in (dequeued, disconnected) if t is not None]
        reason = _text(record, "DisconnectReason", "DisconnectReason")
        if moved_on or (reason is not None and reason.upper() in _QUEUE_GAVE_UP):
            outcome = "timeout"
        elif not ends:
            outcome = "incomplete"
        else:
            outcome = "abandoned"
    ended = min(ends) if ends else None

    customer = _object(record, "CustomerEndpoint", "CustomerEndpoint")
    customer_key = (
        _text(customer, "Address", "CustomerEndpoint.Address", _CUSTOMER_MAX)
        if customer is not None
        else None
    )
    previous = _text(record, "PreviousContactId", "PreviousContactId")
    arrived_local, offset = local_clock(arrived, site.time_zone)
    return _Leg(
        contact_id=stable_id(SOURCE, contact_id),
        source=SOURCE,
        source_key=contact_id,
        site=site.code,
        queue=queue,
        channel=channel,
        direction=direction,
        customer_key=customer_key,
        arrived_at=arrived,
        arrived_local=arrived_local,
        utc_offset_s=offset,
        answered_at=connected,
        ended_at=ended,
        wait_s=wait,
        talk_s=talk,
        hold_s=hold,
        wrapup_s=wrapup,
        outcome=outcome,
        agent=agent,
        disposition=_disposition(record),
        ring_attempts=attempts,
        previous_contact_id=stable_id(SOURCE, previous) if previous is not None else None,
        source_updated_at=updated,
    )


def _read_record(read: _Read, site: SiteContext, file: str) -> Rejection | tuple[str, _Version, _Leg | str]:
    """(ContactId, version, leg or skip reason) of one read value, or its rejection."""
    if read.error is not None:
        return Rejection.of(file, read.line, None, read.error, read.raw)
    record = read.value
    if not isinstance(record, dict):
        kind = "an array" if isinstance(record, list) else f"the value {_show(record)}"
        return Rejection.of(
            file, read.line, None, f"not a contact record (a JSON object) but {kind}", _raw(record)
        )
    try:
        contact_id = _text(record, "ContactId", "ContactId", _KEY_MAX)
        if contact_id is None:
            raise _Bad("ContactId", "missing")
        updated = _instant(record, "LastUpdateTimestamp", "LastUpdateTimestamp")
        leg = _leg(record, contact_id, updated, site)
    except _Bad as bad:
        return Rejection.of(file, read.line, bad.field, bad.reason, _raw(record))
    version = (updated is not None, updated if updated is not None else datetime.min)
    return contact_id, version, leg


def _batch(legs: list[_Leg]) -> Batch:
    return Batch(
        contacts=rows_to_table([leg._asdict() for leg in legs], CONTACT_SCHEMA),
        incomplete=sum(1 for leg in legs if leg.outcome == "incomplete"),
    )


def parse_connect(
    path: Path, site: SiteContext, *, display_name: str | None = None, batch_rows: int = 50_000
) -> Iterator[Batch]:
    """Contact legs of one file of Amazon Connect contact records (see the module doc).

    ``display_name`` is the file name rejections report (default: ``path`` as given).
    Batches hold at most ``batch_rows`` contacts; rejection-only batches come while the
    file is read, contact batches after its end (the newest copy of a contact may be the
    last line). The counters of the whole file add up over the batches."""
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    file = str(path) if display_name is None else display_name
    kept: dict[str, tuple[_Version, _Leg | str]] = {}
    rejections: list[Rejection] = []
    lines = duplicates = 0
    with _open_bytes(path) as stream:
        for read in _Scanner(stream):
            lines += 1
            result = _read_record(read, site, file)
            if isinstance(result, Rejection):
                rejections.append(result)
                if len(rejections) >= batch_rows:
                    yield Batch(rejections=rejections, lines=lines)
                    rejections, lines = [], 0
                continue
            contact_id, version, leg = result
            held = kept.get(contact_id)
            if held is not None:
                duplicates += 1
                if version < held[0]:
                    continue
            kept[contact_id] = (version, leg)

    skipped: Counter[str] = Counter()
    legs: list[_Leg] = []
    for _, leg in kept.values():
        if isinstance(leg, str):
            skipped[leg] += 1
            continue
        legs.append(leg)
        if len(legs) == batch_rows:
            yield _batch(legs)
            legs = []
    last = _batch(legs)
    last.rejections = rejections
    last.lines = lines
    last.duplicates = duplicates
    last.skipped = skipped
    yield last
