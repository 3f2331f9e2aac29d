"""Reading and validating mapping files (TOML → ``Mapping``). Pure apart from reading the file."""

from __future__ import annotations

import codecs
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from floorwalker.contacts._mapping_model import (
    ALL_FIELDS,
    DATE_DIRECTIVES,
    DELIMITERS,
    DURATION_FIELDS,
    REQUIRED_FIELDS,
    SOURCE_NAME_LIMIT,
    TEXT_FIELDS,
    TIME_FIELDS,
    UNITS,
    Condition,
    FieldMap,
    FileFormat,
    Mapping,
    MappingError,
    Match,
    Operand,
    Rule,
    Spec,
    TimeRules,
)
from floorwalker.contacts.models import CHANNELS, CONTACT_OUTCOMES, DIRECTIONS
from floorwalker.timeutil import is_valid_time_zone

_TOP_KEYS = ("source", "description", "source_key", "file", "time", "fields", "skip", "outcome")
_FILE_KEYS = (
    "type",
    "encoding",
    "delimiter",
    "quote",
    "decimal",
    "header",
    "columns",
    "skip_lines",
    "sheet",
    "strip",
    "null",
)
_TIME_KEYS = ("zone", "date", "next_day_if_before", "next_day_slack_s")
_SPEC_KEYS = ("column", "value", "expr", "null", "time", "unit", "map", "outcomes", "null_if")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_TOKEN = re.compile(r"`[^`]*`|[^\s`]+")


def shipped_mappings() -> list[str]:
    """Names of the mappings that come with floorwalker."""
    folder = resources.files("floorwalker.contacts").joinpath("mappings")
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_mapping(name_or_path: str) -> Mapping:
    """A shipped mapping by name (``anonymous-bank``) or a mapping file by path, validated."""
    if name_or_path in shipped_mappings():
        res = resources.files("floorwalker.contacts").joinpath("mappings", f"{name_or_path}.toml")
        return loads_mapping(res.read_text(encoding="utf-8"), name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise MappingError(
            f"no mapping {name_or_path!r}: not a shipped mapping ({', '.join(shipped_mappings())}) "
            "and no such file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"mapping {path.name}: cannot read: {exc}") from exc
    return loads_mapping(text, path.name)


def loads_mapping(text: str, name: str = "mapping") -> Mapping:
    """A mapping from TOML text; ``name`` prefixes every error message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping {name}: not valid TOML: {exc}") from exc
    return _Loader(name).mapping(data)


class _Loader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, message: str) -> MappingError:
        return MappingError(f"mapping {self.name}: {where} {message}".replace("  ", " "))

    # -- generic checks -------------------------------------------------------------------
    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(where, f"unknown key {key!r}; known: {', '.join(allowed)}")

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a table")
        return value

    def string(self, value: Any, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value):
            raise self.fail(where, "must be a non-empty string" if not empty else "must be a string")
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "must be a list of strings")
        return tuple(value)

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, "must be true or false")
        return value

    # -- the mapping ------------------------------------------------------------------------
    def mapping(self, data: dict[str, Any]) -> Mapping:
        self.keys(data, _TOP_KEYS, "(top level)")
        if "source" not in data:
            raise self.fail("source", "is required (the warehouse source name, e.g. 'my-acd')")
        source = self.string(data["source"], "source")
        if len(source) > SOURCE_NAME_LIMIT or not _SOURCE_NAME.fullmatch(source):
            raise self.fail(
                "source",
                f"{source!r} must be at most {SOURCE_NAME_LIMIT} letters, digits and . _ : -",
            )
        file = self.file(self.table(data.get("file", {}), "[file]"))
        time = self.time(self.table(data.get("time", {}), "[time]"))
        if "source_key" not in data:
            raise self.fail("source_key", 'is required, e.g. "{call_id}"')
        key_text = self.string(data["source_key"], "source_key")
        fields_table = self.table(data.get("fields", {}), "[fields]")
        fields: dict[str, FieldMap] = {}
        for fname, raw in fields_table.items():
            if fname not in ALL_FIELDS:
                raise self.fail(f"[fields.{fname}]", f"is not a contact field; use {', '.join(ALL_FIELDS)}")
            fields[fname] = self.field(fname, raw, time)
        for fname in REQUIRED_FIELDS:
            if fname not in fields:
                raise self.fail(f"[fields.{fname}]", "is required")
        skips = tuple(self.rule(r, i, "skip") for i, r in enumerate(self.rules(data, "skip")))
        outcomes = tuple(self.rule(r, i, "outcome") for i, r in enumerate(self.rules(data, "outcome")))
        if not outcomes:
            raise self.fail("[[outcome]]", "at least one outcome rule is required")
        return Mapping(
            name=self.name,
            source=source,
            source_key=self.template(key_text),
            source_key_text=key_text,
            fields=fields,
            skips=skips,
            outcomes=outcomes,
            file=file,
            time=time,
            description=self.string(data.get("description", ""), "description", empty=True),
        )

    def rules(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        raw = data.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise self.fail(f"[[{key}]]", "must be an array of tables")
        return raw

    def template(self, text: str) -> tuple[tuple[str, str | None], ...]:
        parts: list[tuple[str, str | None]] = []
        position = 0
        for m in _PLACEHOLDER.finditer(text):
            literal = text[position : m.start()]
            if "{" in literal or "}" in literal:
                raise self.fail("source_key", f"{text!r} has an unmatched brace")
            column = m.group(1).strip()
            if not column:
                raise self.fail("source_key", f"{text!r} has an empty {{}}")
            parts.append((literal, column))
            position = m.end()
        tail = text[position:]
        if "{" in tail or "}" in tail:
            raise self.fail("source_key", f"{text!r} has an unmatched brace")
        if tail:
            parts.append((tail, None))
        if not any(c not in (None, "@site") for _, c in parts):
            raise self.fail("source_key", f"{text!r} names no column; write columns as {{name}}")
        return tuple(parts)

    def file(self, table: dict[str, Any]) -> FileFormat:
        self.keys(table, _FILE_KEYS, "[file]")
        kind = table.get("type", "auto")
        if kind not in ("auto", "csv", "xlsx"):
            raise self.fail("[file] type", f"unknown type {kind!r}; use auto, csv, xlsx")
        encoding = self.string(table.get("encoding", "utf-8-sig"), "[file] encoding")
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise self.fail("[file] encoding", f"unknown encoding {encoding!r}") from exc
        delimiter = self.string(table.get("delimiter", ","), "[file] delimiter")
        delimiter = DELIMITERS.get(delimiter, delimiter)
        if delimiter != "whitespace" and (len(delimiter) != 1 or delimiter in "\r\n"):
            raise self.fail(
                "[file] delimiter",
                f"{delimiter!r} must be one character or one of {', '.join(DELIMITERS)}",
            )
        quote = self.string(table.get("quote", '"'), "[file] quote", empty=True)
        if len(quote) > 1 or (quote and quote == delimiter):
            raise self.fail("[file] quote", f"{quote!r} must be one character (not the delimiter) or ''")
        decimal = table.get("decimal", ".")
        if decimal not in (".", ","):
            raise self.fail("[file] decimal", f"{decimal!r} must be '.' or ','")
        header = self.boolean(table.get("header", True), "[file] header")
        columns = self.strings(table.get("columns", []), "[file] columns")
        if not header and not columns:
            raise self.fail("[file] columns", "are required when header = false")
        if len(set(columns)) != len(columns):
            raise self.fail("[file] columns", "name a column twice")
        skip = table.get("skip_lines", 0)
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise self.fail("[file] skip_lines", "must be a whole number ≥ 0")
        sheet = table.get("sheet")
        if sheet is not None:
            sheet = self.string(sheet, "[file] sheet")
        return FileFormat(
            type=kind,
            encoding=encoding,
            delimiter=delimiter,
            quote=quote,
            decimal=decimal,
            header=header,
            columns=tuple(c.strip() for c in columns),
            skip_lines=skip,
            sheet=sheet,
            strip=self.boolean(table.get("strip", True), "[file] strip"),
            null=frozenset(self.strings(table.get("null", [""]), "[file] null")),
        )

    def time(self, table: dict[str, Any]) -> TimeRules:
        self.keys(table, _TIME_KEYS, "[time]")
        zone_name = self.string(table.get("zone", "site"), "[time] zone")
        zone: str | None = None
        if zone_name != "site":
            if not is_valid_time_zone(zone_name):
                raise self.fail(
                    "[time] zone", f"unknown time zone {zone_name!r}; use site, UTC or an IANA name"
                )
            zone = zone_name
        rules = TimeRules(zone=zone)
        if "date" in table:
            date = self.table(table["date"], "[time] date")
            self.keys(date, ("column", "format"), "[time] date")
            fmt = self.string(date.get("format", "%Y-%m-%d"), "[time] date.format")
            if not DATE_DIRECTIVES.search(fmt):
                raise self.fail("[time] date.format", f"{fmt!r} has no date directive (%d, %m, %y, …)")
            rules = TimeRules(
                zone=zone,
                date_column=self.string(date.get("column"), "[time] date.column"),
                date_format=fmt,
            )
        if "next_day_if_before" in table:
            ref = table["next_day_if_before"]
            if isinstance(ref, str):
                ref = {"column": ref}
            ref = self.table(ref, "[time] next_day_if_before")
            self.keys(ref, ("column", "time"), "[time] next_day_if_before")
            if rules.date_column is None:
                raise self.fail("[time] next_day_if_before", "needs [time] date (times of day on a date)")
            fmt = self.time_format(ref.get("time", "%H:%M:%S"), "[time] next_day_if_before.time", rules)
            slack = table.get("next_day_slack_s", 0)
            if isinstance(slack, bool) or not isinstance(slack, int | float) or slack < 0:
                raise self.fail("[time] next_day_slack_s", "must be a number of seconds ≥ 0")
            rules = TimeRules(
                zone=zone,
                date_column=rules.date_column,
                date_format=rules.date_format,
                next_day_column=self.string(ref.get("column"), "[time] next_day_if_before.column"),
                next_day_format=fmt,
                next_day_slack_s=float(slack),
            )
        elif "next_day_slack_s" in table:
            raise self.fail("[time] next_day_slack_s", "needs [time] next_day_if_before")
        return rules

    def time_format(self, value: Any, where: str, rules: TimeRules) -> str:
        fmt = self.string(value, where)
        if fmt in ("iso", "epoch", "epoch_ms"):
            return fmt
        if "%" not in fmt:
            raise self.fail(
                where,
                f"unknown time format {fmt!r}; use a strptime format such as '%Y-%m-%d %H:%M:%S', "
                "or iso, epoch, epoch_ms",
            )
        if not DATE_DIRECTIVES.search(fmt) and rules.date_column is None:
            raise self.fail(where, f"{fmt!r} is a time of day without a date; set [time] date")
        return fmt

    # -- fields -----------------------------------------------------------------------------
    def field(self, fname: str, raw: Any, time: TimeRules) -> FieldMap:
        kind: Literal["text", "time", "duration", "int"] = (
            "text"
            if fname in TEXT_FIELDS
            else "time"
            if fname in TIME_FIELDS
            else "duration"
            if fname in DURATION_FIELDS
            else "int"
        )
        where = f"[fields.{fname}]"
        alternatives = raw if isinstance(raw, list) else [raw]
        if not alternatives:
            raise self.fail(where, "is an empty list")
        specs = []
        for i, alt in enumerate(alternatives):
            at = where if len(alternatives) == 1 else f"{where} (alternative {i + 1})"
            specs.append(self.spec(fname, kind, alt, at, time))
        return FieldMap(fname, kind, tuple(specs))

    def spec(self, fname: str, kind: str, raw: Any, where: str, time: TimeRules) -> Spec:
        if isinstance(raw, str):
            raw = {"column": raw}
        table = self.table(raw, where)
        self.keys(table, _SPEC_KEYS, where)
        given = [k for k in ("column", "value", "expr") if k in table]
        if len(given) != 1:
            raise self.fail(where, "needs exactly one of column, value, expr")
        column = value = None
        expr: tuple[Operand, ...] | None = None
        expr_text = ""
        if "column" in table:
            column = self.string(table["column"], f"{where} column").strip()
        elif "value" in table:
            if kind == "time":
                raise self.fail(where, "cannot be a constant time; name a column")
            constant = table["value"]
            if isinstance(constant, bool) or not isinstance(constant, str | int | float):
                raise self.fail(f"{where} value", "must be a string or a number")
            value = str(constant)
        else:
            if kind == "text":
                raise self.fail(where, "expr is for numbers (durations, epoch times, ring_attempts)")
            expr_text = self.string(table["expr"], f"{where} expr")
            expr = self.expression(expr_text, f"{where} expr")
        fmt: str | None = None
        if kind == "time":
            fmt = self.time_format(table.get("time", "iso"), f"{where} time", time)
            if expr is not None and fmt not in ("epoch", "epoch_ms"):
                raise self.fail(where, f"expr needs time = epoch or epoch_ms, not {fmt!r}")
        elif "time" in table:
            raise self.fail(where, "time is only for time fields (arrived_at, answered_at, …)")
        unit = "s"
        if "unit" in table:
            if kind != "duration":
                raise self.fail(where, "unit is only for durations (wait_s, talk_s, hold_s, wrapup_s)")
            unit = table["unit"]
            if unit not in UNITS:
                raise self.fail(where, f"unknown unit {unit!r}; use {', '.join(UNITS)}")
        mapped: dict[str, str] = {}
        if "map" in table:
            if kind != "text":
                raise self.fail(where, "map is only for text fields")
            mapped = {
                str(k): self.string(v, f"{where} map.{k}", empty=True)
                for k, v in self.table(table["map"], f"{where} map").items()
            }
        allowed = CHANNELS if fname == "channel" else DIRECTIONS if fname == "direction" else None
        if allowed is not None:
            for candidate in [*mapped.values(), *([value] if value is not None else [])]:
                if candidate not in allowed:
                    raise self.fail(where, f"{candidate!r} is not a {fname}; use {', '.join(allowed)}")
        outcomes: frozenset[str] | None = None
        if "outcomes" in table:
            listed = self.strings(table["outcomes"], f"{where} outcomes")
            for outcome in listed:
                if outcome not in CONTACT_OUTCOMES:
                    raise self.fail(
                        f"{where} outcomes", f"unknown outcome {outcome!r}; use {', '.join(CONTACT_OUTCOMES)}"
                    )
            outcomes = frozenset(listed)
        null_if = self.condition(table["null_if"], f"{where} null_if") if "null_if" in table else None
        return Spec(
            where=where,
            column=column,
            value=value,
            expr=expr,
            expr_text=expr_text,
            null=frozenset(self.strings(table.get("null", []), f"{where} null")),
            time=fmt,
            unit=unit,
            map=mapped,
            outcomes=outcomes,
            null_if=null_if,
        )

    def expression(self, text: str, where: str) -> tuple[Operand, ...]:
        tokens = _TOKEN.findall(text)
        terms, signs = tokens[0::2], ["+", *tokens[1::2]]
        if (
            len(tokens) % 2 == 0
            or any(s not in ("+", "-") for s in signs)
            or any(t in ("+", "-") for t in terms)
        ):
            raise self.fail(where, f"{text!r}: write terms separated by ' + ' or ' - ' (spaces around)")
        operands = []
        for sign, term in zip(signs, terms, strict=True):
            name = term[1:-1].strip() if term.startswith("`") else term
            try:
                operands.append(Operand(1 if sign == "+" else -1, number=float(name)))
            except ValueError:
                operands.append(Operand(1 if sign == "+" else -1, column=name))
        if not any(o.column for o in operands):
            raise self.fail(where, f"{text!r} names no column")
        return tuple(operands)

    # -- rules --------------------------------------------------------------------------------
    def condition(self, raw: Any, where: str) -> Condition:
        table = self.table(raw, where)
        matches = []
        for column, test in table.items():
            at = f"{where}.{column}"
            if isinstance(test, bool | float):
                raise self.fail(at, "write the value as a string")
            if isinstance(test, str | int):
                matches.append(Match(column, frozenset({str(test)})))
            elif isinstance(test, list):
                matches.append(Match(column, frozenset(self.values(test, at))))
            elif isinstance(test, dict):
                if len(test) != 1 or next(iter(test)) not in ("not", "matches"):
                    raise self.fail(at, "must be a value, a list, {not = …} or {matches = 'regex'}")
                if "not" in test:
                    listed = test["not"] if isinstance(test["not"], list) else [test["not"]]
                    matches.append(Match(column, frozenset(self.values(listed, at)), negate=True))
                else:
                    pattern = self.string(test["matches"], f"{at} matches")
                    try:
                        matches.append(Match(column, pattern=re.compile(pattern)))
                    except re.error as exc:
                        raise self.fail(at, f"bad regular expression {pattern!r}: {exc}") from exc
            else:
                raise self.fail(at, "must be a value, a list, {not = …} or {matches = 'regex'}")
        return Condition(tuple(matches))

    def values(self, items: list[Any], where: str) -> list[str]:
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in items):
            raise self.fail(where, "must list strings")
        return [str(v) for v in items]

    def rule(self, table: dict[str, Any], index: int, kind: str) -> Rule:
        where = f"[[{kind}]] #{index + 1}"
        result_key = "reason" if kind == "skip" else "outcome"
        self.keys(table, ("when", result_key), where)
        result = self.string(table.get(result_key), f"{where} {result_key}")
        if kind == "outcome" and result not in CONTACT_OUTCOMES:
            raise self.fail(where, f"unknown outcome {result!r}; use {', '.join(CONTACT_OUTCOMES)}")
        when = self.condition(table.get("when", {}), f"{where} when")
        if kind == "skip" and not when.matches:
            raise self.fail(where, "needs a when condition (it would skip every row)")
        return Rule(when, result)
