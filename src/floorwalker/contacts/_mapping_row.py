"""One source row → one contact row (or a skip reason, or a ``BadValue``), as a mapping says.
Pure: no DB, no clock."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from floorwalker.contacts._mapping_model import (
    DATE_DIRECTIVES,
    SOURCE_KEY_LIMIT,
    TEXT_LIMITS,
    UNITS,
    Condition,
    FieldMap,
    Mapping,
    MappingError,
    Spec,
)
from floorwalker.contacts._mapping_read import cell_text
from floorwalker.contacts.ingest import SiteContext, local_clock, utc_from_local
from floorwalker.contacts.models import CHANNELS, DIRECTIONS

_EPOCH = datetime(1970, 1, 1)
_HMS = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")
_DURATION_HMS = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")
_CONNECTED = ("answered", "transferred")


class BadValue(Exception):
    """A value the mapping cannot read: the source column and why."""

    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@lru_cache(maxsize=4096)
def _date(text: str, fmt: str) -> date:
    return datetime.strptime(text, fmt).date()


@lru_cache(maxsize=1 << 17)
def _time_of_day(text: str, fmt: str) -> time:
    if fmt == "%H:%M:%S":
        m = _HMS.fullmatch(text)
        if m is not None:
            return time(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return datetime.strptime(text, fmt).time()


def _seconds_of_day(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


class RowReader:
    """A mapping bound to one file's columns and one site."""

    def __init__(self, mapping: Mapping, names: list[str], site: SiteContext, file_name: str) -> None:
        self.mapping = mapping
        self.site = site
        self.index: dict[str, int] = {}
        for i, name in enumerate(names):
            self.index.setdefault(name, i)
        missing = sorted(mapping.columns() - set(self.index))
        if missing:
            raise MappingError(
                f"mapping {mapping.name}: {file_name} has no column {', '.join(map(repr, missing))}; "
                f"its columns are {', '.join(map(repr, names))}"
            )
        self.width = len(names)
        self.names = names
        self.nulls = mapping.file.null | {""}
        self.strip = mapping.file.strip
        self.comma = mapping.file.decimal == ","
        self.zone = mapping.time.zone or site.source_zone
        self.outcome_columns = ",".join(dict.fromkeys(c for r in mapping.outcomes for c in r.when.columns))
        self._row: list[Any] = []
        self._day: date | None = None
        self._ref: float | None = None
        self._to_utc: dict[datetime, timedelta] = {}
        self._site_clock: dict[datetime, tuple[timedelta, int]] = {}

    # -- raw values ----------------------------------------------------------------------------
    def get(self, column: str) -> Any:
        """The column's value in the current row; None when NULL."""
        return self._row[self.index[column]]

    def text(self, column: str) -> str:
        value = self._row[self.index[column]]
        return "" if value is None else value if isinstance(value, str) else cell_text(value)

    def holds(self, condition: Condition) -> bool:
        row, index = self._row, self.index
        for m in condition.matches:
            value = row[index[m.column]]
            if not m.test("" if value is None else value if isinstance(value, str) else cell_text(value)):
                return False
        return True

    def number(self, value: Any, column: str) -> float:
        if isinstance(value, bool):
            raise BadValue(column, f"{value!r} is not a number")
        if isinstance(value, int | float):
            result = float(value)
        else:
            text = cell_text(value)
            if self.comma:
                text = text.replace(",", ".")
            try:
                result = float(text)
            except ValueError:
                raise BadValue(column, f"{text!r} is not a number") from None
        if not math.isfinite(result):
            raise BadValue(column, f"{value!r} is not a finite number")
        return result

    # -- a row ---------------------------------------------------------------------------------
    def bind(self, values: list[Any], *, ragged: bool) -> None:
        if len(values) != self.width:
            if ragged:
                values = (values + [None] * self.width)[: self.width]
            elif len(values) < self.width:
                raise BadValue(
                    self.names[len(values)],
                    f"truncated row: {len(values)} of {self.width} columns (first missing: "
                    f"{self.names[len(values)]})",
                )
            else:
                raise BadValue(None, f"{len(values)} values where the header has {self.width} columns")
        nulls, strip = self.nulls, self.strip
        row: list[Any] = []
        for value in values:
            if isinstance(value, str):
                if strip:
                    value = value.strip()
                if value in nulls:
                    value = None
            row.append(value)
        self._row = row
        self._day = None
        self._ref = None

    def skip_reason(self) -> str | None:
        for rule in self.mapping.skips:
            if self.holds(rule.when):
                return rule.result
        return None

    def source_key(self) -> str:
        parts = []
        for literal, column in self.mapping.source_key:
            parts.append(literal)
            if column == "@site":
                parts.append(self.site.code)
            elif column is not None:
                value = self.get(column)
                if value is None:
                    raise BadValue(column, "empty, but the source key needs it")
                parts.append(cell_text(value).strip())
        key = "".join(parts)
        if len(key) > SOURCE_KEY_LIMIT:
            raise BadValue(None, f"source key longer than {SOURCE_KEY_LIMIT} characters")
        return key

    def outcome(self) -> str:
        for rule in self.mapping.outcomes:
            if self.holds(rule.when):
                return rule.result
        seen = ", ".join(f"{c}={self.text(c)!r}" for c in self.outcome_columns.split(",") if c)
        raise BadValue(self.outcome_columns or None, f"no outcome rule matches ({seen})")

    def contact(self, key: str, contact_id: int, outcome: str) -> dict[str, Any]:
        """The contact row (CONTACT_SCHEMA names) of the bound row."""
        fields = self.mapping.fields
        row: dict[str, Any] = {
            "contact_id": contact_id,
            "source": self.mapping.source,
            "source_key": key,
            "site": self.site.code,
            "outcome": outcome,
        }
        for name, fmap in fields.items():
            if name not in ("channel", "direction"):
                row[name] = self.field(fmap, outcome)
        if row["queue"] is None:
            raise BadValue(fields["queue"].specs[0].label, "queue is empty")
        if row["arrived_at"] is None:
            raise BadValue(fields["arrived_at"].specs[0].label, "no arrival time")
        try:
            row["arrived_local"], row["utc_offset_s"] = self.site_clock(row["arrived_at"])
        except (OverflowError, ValueError):
            raise BadValue(
                fields["arrived_at"].specs[0].label, f"{row['arrived_at']} is out of range"
            ) from None
        row["channel"] = self.choice(
            fields.get("channel"), outcome, CHANNELS, self.site.channels.get(row["queue"])
        )
        row["direction"] = self.choice(fields.get("direction"), outcome, DIRECTIONS, None)
        if row.get("wrapup_s") is None and outcome in _CONNECTED:
            row["wrapup_s"] = self.site.wrapup_for(row["queue"])
        return row

    def choice(self, fmap: FieldMap | None, outcome: str, allowed: tuple[str, ...], known: str | None) -> str:
        """channel / direction: a column's value wins; else the site's setting, the constant,
        the first allowed value."""
        if fmap is not None:
            for spec in fmap.specs:
                value = self.spec(spec, "text", outcome)
                if value is None:
                    continue
                if value not in allowed:
                    raise BadValue(spec.label, f"{value!r} is not a {fmap.name}; use {', '.join(allowed)}")
                if spec.value is None:
                    return str(value)
                return known or str(value)
        return known or allowed[0]

    def field(self, fmap: FieldMap, outcome: str) -> Any:
        for spec in fmap.specs:
            value = self.spec(spec, fmap.kind, outcome)
            if value is not None:
                if fmap.kind == "duration" and value < 0:
                    raise BadValue(spec.label, f"{fmap.name}: negative duration {value:g} s")
                if fmap.kind == "text":
                    limit = TEXT_LIMITS.get(fmap.name)
                    if limit is not None and len(value) > limit:
                        raise BadValue(spec.label, f"{fmap.name} longer than {limit} characters")
                return value
        return None

    def spec(self, spec: Spec, kind: str, outcome: str) -> Any:
        if spec.outcomes is not None and outcome not in spec.outcomes:
            return None
        if spec.null_if is not None and self.holds(spec.null_if):
            return None
        if spec.expr is not None:
            total = 0.0
            for operand in spec.expr:
                if operand.column is None:  # a number in the field's unit
                    scale = UNITS[spec.unit] if kind == "duration" else 1.0
                    total += operand.sign * operand.number * scale
                    continue
                raw = self.get(operand.column)
                if raw is None or (isinstance(raw, str) and raw in spec.null):
                    return None
                if kind == "duration":
                    total += operand.sign * self.duration(raw, spec, operand.column)
                else:
                    total += operand.sign * self.number(raw, operand.column)
            if kind == "time":
                return self.epoch(total, spec)
            if kind == "int":
                return self.whole(total, spec.label)
            return total
        if spec.value is not None:
            raw = spec.value
        else:
            assert spec.column is not None
            raw = self.get(spec.column)
            if raw is None or (isinstance(raw, str) and raw in spec.null):
                return None
        label = spec.label
        if kind == "text":
            text = cell_text(raw).strip() if self.strip else cell_text(raw)
            text = spec.map.get(text, text)
            return text or None
        if kind == "duration":
            return self.duration(raw, spec, label)
        if kind == "int":
            return self.whole(self.number(raw, label), label)
        return self.instant(raw, spec)

    def whole(self, value: float, label: str) -> int:
        if not value.is_integer() or value < 0:
            raise BadValue(label, f"{value:g} is not a whole number ≥ 0")
        return int(value)

    def duration(self, raw: Any, spec: Spec, column: str) -> float:
        if spec.unit == "hms":
            if isinstance(raw, timedelta):
                return raw.total_seconds()
            if isinstance(raw, time):
                return _seconds_of_day(raw)
            text = cell_text(raw)
            m = _DURATION_HMS.fullmatch(text)
            if m is None:
                raise BadValue(column, f"{text!r} is not a duration h:mm:ss")
            return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        if isinstance(raw, timedelta):
            return raw.total_seconds()
        return self.number(raw, column) * UNITS[spec.unit]

    # -- times ---------------------------------------------------------------------------------
    def epoch(self, seconds: float, spec: Spec) -> datetime:
        if spec.time == "epoch_ms":
            seconds /= 1000
        try:
            return _EPOCH + timedelta(seconds=seconds)
        except OverflowError:
            raise BadValue(spec.label, f"{seconds:g} is not a Unix time") from None

    def day(self) -> date:
        if self._day is None:
            rules = self.mapping.time
            assert rules.date_column is not None
            raw = self.get(rules.date_column)
            if raw is None:
                raise BadValue(rules.date_column, "no date")
            if isinstance(raw, datetime):
                self._day = raw.date()
            elif isinstance(raw, date):
                self._day = raw
            else:
                try:
                    self._day = _date(cell_text(raw), rules.date_format)
                except ValueError:
                    raise BadValue(rules.date_column, f"{raw!r} is not a date {rules.date_format}") from None
        return self._day

    def reference(self) -> float | None:
        rules = self.mapping.time
        if rules.next_day_column is None:
            return None
        if self._ref is None:
            raw = self.get(rules.next_day_column)
            if raw is None:
                raise BadValue(rules.next_day_column, "no time (needed to tell the day of the other times)")
            self._ref = _seconds_of_day(self.clock(raw, rules.next_day_format, rules.next_day_column))
        return self._ref

    def clock(self, raw: Any, fmt: str, column: str) -> time:
        if isinstance(raw, time):
            return raw
        if isinstance(raw, datetime):
            return raw.time()
        try:
            return _time_of_day(cell_text(raw), fmt)
        except ValueError:
            raise BadValue(column, f"{cell_text(raw)!r} is not a time of day {fmt}") from None

    def on_day(self, t: time) -> datetime:
        moment = datetime.combine(self.day(), t)
        ref = self.reference()
        if ref is not None and _seconds_of_day(t) < ref - self.mapping.time.next_day_slack_s:
            moment += timedelta(days=1)
        return moment

    def to_utc(self, local: datetime) -> datetime:
        """``utc_from_local`` in the mapping's zone, memoised per local minute (zone offsets
        change on whole minutes)."""
        minute = local.replace(second=0, microsecond=0)
        offset = self._to_utc.get(minute)
        if offset is None:
            if len(self._to_utc) > 100_000:
                self._to_utc.clear()
            offset = self._to_utc[minute] = utc_from_local(minute, self.zone) - minute
        return local + offset

    def site_clock(self, utc: datetime) -> tuple[datetime, int]:
        """``local_clock`` in the site's zone, memoised per UTC minute."""
        minute = utc.replace(second=0, microsecond=0)
        known = self._site_clock.get(minute)
        if known is None:
            if len(self._site_clock) > 100_000:
                self._site_clock.clear()
            local, offset = local_clock(minute, self.site.time_zone)
            known = self._site_clock[minute] = (local - minute, offset)
        return utc + known[0], known[1]

    def instant(self, raw: Any, spec: Spec) -> datetime:
        """A time value as naive UTC."""
        fmt = spec.time or "iso"
        label = spec.label
        moment: datetime
        if isinstance(raw, datetime):
            moment = raw
        elif isinstance(raw, time):
            moment = self.on_day(raw)
        elif isinstance(raw, date):
            moment = datetime.combine(raw, time())
        elif fmt in ("epoch", "epoch_ms"):
            return self.epoch(self.number(raw, label), spec)
        else:
            text = cell_text(raw)
            try:
                if fmt == "iso":
                    moment = datetime.fromisoformat(text)
                elif DATE_DIRECTIVES.search(fmt):
                    moment = datetime.strptime(text, fmt)
                else:
                    moment = self.on_day(self.clock(raw, fmt, label))
            except ValueError:
                shown = "an ISO date-time" if fmt == "iso" else fmt
                raise BadValue(label, f"{text!r} is not a time {shown}") from None
        try:
            if moment.tzinfo is not None:
                offset = moment.utcoffset() or timedelta(0)
                return moment.replace(tzinfo=None) - offset
            if self.zone == "UTC":
                return moment
            return self.to_utc(moment)
        except (OverflowError, ValueError):
            raise BadValue(label, f"{moment} is out of range") from None
