"""The compiled form of a contact mapping (see ``contacts.mapping`` for the language). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal


class MappingError(ValueError):
    """A mapping file that cannot be used, or a source file that does not fit its mapping."""


#: Canonical contact fields a mapping may fill, by kind.
TEXT_FIELDS = ("queue", "agent", "customer_key", "disposition", "transcript", "channel", "direction")
TIME_FIELDS = ("arrived_at", "answered_at", "ended_at", "source_updated_at")
DURATION_FIELDS = ("wait_s", "talk_s", "hold_s", "wrapup_s")
INT_FIELDS = ("ring_attempts",)
ALL_FIELDS = TEXT_FIELDS + TIME_FIELDS + DURATION_FIELDS + INT_FIELDS
REQUIRED_FIELDS = ("queue", "arrived_at")

#: Longest value of each text column of the warehouse ``contacts`` table.
TEXT_LIMITS = {
    "queue": 80,
    "agent": 80,
    "customer_key": 120,
    "disposition": 80,
    "channel": 20,
    "direction": 10,
}
SOURCE_KEY_LIMIT = 200
SOURCE_NAME_LIMIT = 40

#: Seconds per unit of a duration column (hms is parsed, not scaled).
UNITS = {"s": 1.0, "ms": 0.001, "min": 60.0, "hms": 1.0}

#: Named delimiters (a single character is also accepted).
DELIMITERS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "whitespace": "whitespace"}

#: strptime directives that carry a calendar date.
DATE_DIRECTIVES = re.compile(r"%[dmyYjbBUWGVuaAcx]")


@dataclass(frozen=True)
class Match:
    """One column test of a condition. A NULL value reads as the empty string."""

    column: str
    values: frozenset[str] = frozenset()
    negate: bool = False
    pattern: re.Pattern[str] | None = None

    def test(self, text: str) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(text) is not None
        return (text in self.values) != self.negate


@dataclass(frozen=True)
class Condition:
    """All matches must hold; an empty condition always holds."""

    matches: tuple[Match, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(m.column for m in self.matches)


@dataclass(frozen=True)
class Operand:
    """A term of an expression: a column, or a number literal."""

    sign: int
    column: str | None = None
    number: float = 0.0


@dataclass(frozen=True)
class Spec:
    """One way to obtain a field's value: a column, a constant or an expression."""

    where: str  # the TOML key, for messages: "[fields.talk_s]"
    column: str | None = None
    value: str | None = None
    expr: tuple[Operand, ...] | None = None
    expr_text: str = ""
    null: frozenset[str] = frozenset()
    time: str | None = None  # strptime format, "iso", "epoch" or "epoch_ms"
    unit: str = "s"
    map: dict[str, str] = field(default_factory=dict)
    outcomes: frozenset[str] | None = None
    null_if: Condition | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        if self.column is not None:
            return (self.column,)
        if self.expr is not None:
            return tuple(o.column for o in self.expr if o.column is not None)
        return ()

    @property
    def label(self) -> str:
        """The source column (or expression) a rejection names."""
        return self.column or self.expr_text or "(constant)"


@dataclass(frozen=True)
class FieldMap:
    """A canonical field: alternatives tried in order, the first non-NULL one wins."""

    name: str
    kind: Literal["text", "time", "duration", "int"]
    specs: tuple[Spec, ...]


@dataclass(frozen=True)
class Rule:
    """A skip rule (``result`` is the reason) or an outcome rule (``result`` is the outcome)."""

    when: Condition
    result: str


@dataclass(frozen=True)
class FileFormat:
    type: Literal["auto", "csv", "xlsx"] = "auto"
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    quote: str = '"'
    decimal: str = "."
    header: bool = True
    columns: tuple[str, ...] = ()
    skip_lines: int = 0
    sheet: str | None = None
    strip: bool = True
    null: frozenset[str] = frozenset({""})


@dataclass(frozen=True)
class TimeRules:
    #: Zone the zone-less times are written in; None = the site's zone.
    zone: str | None = None
    #: Column giving the day of time-of-day values, and its strptime format.
    date_column: str | None = None
    date_format: str = "%Y-%m-%d"
    #: A time of day more than ``next_day_slack_s`` earlier than this column's is the next day.
    next_day_column: str | None = None
    next_day_format: str = "%H:%M:%S"
    next_day_slack_s: float = 0.0


@dataclass(frozen=True)
class Mapping:
    """A validated mapping: how one source's CSV/XLSX rows become contacts."""

    name: str
    source: str
    source_key: tuple[tuple[str, str | None], ...]  # (literal, column or "@site" or None)
    source_key_text: str
    fields: dict[str, FieldMap]
    skips: tuple[Rule, ...] = ()
    outcomes: tuple[Rule, ...] = ()
    file: FileFormat = field(default_factory=FileFormat)
    time: TimeRules = field(default_factory=TimeRules)
    description: str = ""

    def columns(self) -> set[str]:
        """Every source column the mapping reads."""
        used: set[str] = {c for _, c in self.source_key if c is not None and c != "@site"}
        for fmap in self.fields.values():
            for spec in fmap.specs:
                used.update(spec.columns)
                if spec.null_if is not None:
                    used.update(spec.null_if.columns)
        for rule in (*self.skips, *self.outcomes):
            used.update(rule.when.columns)
        for column in (self.time.date_column, self.time.next_day_column):
            if column is not None:
                used.add(column)
        return used
