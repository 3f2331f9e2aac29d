"""Streaming row readers for mapped imports: CSV (csv module), whitespace-separated text and
XLSX (openpyxl, read-only). Each yields ``Record``s that carry the 1-based physical line (XLSX:
the sheet row) where the row starts, its raw text, and an error instead of values when the
row cannot be read at all. Memory stays bounded: one record at a time, and a line longer
than ``LINE_LIMIT`` characters is skipped (rejected), never held whole."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from floorwalker.contacts._mapping_model import FileFormat, MappingError

#: Longest physical line read, characters; longer lines are rejected.
LINE_LIMIT = 1 << 20

_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass
class Record:
    line: int
    values: list[Any] | None
    raw: str
    error: str | None = None


@dataclass
class Table:
    """The column names (None for an empty file) and the data records after them."""

    names: list[str] | None
    header_line: int
    records: Iterator[Record]
    #: XLSX rows may end early (empty trailing cells) or carry unnamed extra cells.
    ragged: bool = False


def cell_text(value: Any) -> str:
    """A cell as text: integral floats without '.0', datetimes ISO with a space."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class _Lines:
    """Physical lines of a text stream, counted, at most LINE_LIMIT characters each."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.physical = 0
        self.raw: list[str] = []
        self.too_long = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(LINE_LIMIT)
        if not line:
            raise StopIteration
        self.physical += 1
        if len(line) >= LINE_LIMIT and not line.endswith(("\n", "\r")):
            while True:  # drain the rest of the over-long line without keeping it
                more = self.stream.readline(LINE_LIMIT)
                if not more or more.endswith(("\n", "\r")):
                    break
            self.too_long = True
            line = line[:300] + "\n"
        self.raw.append(line)
        return line

    def take(self) -> tuple[int, str, str | None]:
        """(first line, raw text, error) of the lines read since the last take."""
        first = self.physical - len(self.raw) + 1
        raw = "".join(self.raw)
        self.raw.clear()
        error = None
        if self.too_long:
            error = f"line longer than {LINE_LIMIT} characters"
            self.too_long = False
        elif not raw.isascii() and _SURROGATE.search(raw):
            error = "not valid text in the file's encoding"
        return first, raw.rstrip("\r\n"), error


def _csv_records(lines: _Lines, fmt: FileFormat) -> Iterator[Record]:
    if fmt.quote:
        reader = csv.reader(lines, delimiter=fmt.delimiter, quotechar=fmt.quote)
    else:
        reader = csv.reader(lines, delimiter=fmt.delimiter, quoting=csv.QUOTE_NONE)
    while True:
        try:
            values: list[Any] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first, raw, _ = lines.take()
            yield Record(first, None, raw, f"unreadable CSV: {exc}")
            continue
        first, raw, error = lines.take()
        if error is not None:
            yield Record(first, None, raw, error)
        elif not _blank(values):
            yield Record(first, values, raw)


def _whitespace_records(lines: _Lines) -> Iterator[Record]:
    for line in lines:
        first, raw, error = lines.take()
        if error is not None:
            yield Record(first, None, raw, error)
            continue
        values: list[Any] = line.split()
        if values:
            yield Record(first, values, raw)


def _header(records: Iterator[Record], fmt: FileFormat, file_name: str) -> tuple[list[str] | None, int]:
    if not fmt.header:
        return list(fmt.columns), 0
    for record in records:
        if record.values is None:
            raise MappingError(f"{file_name}: line {record.line}: cannot read the header: {record.error}")
        names = [cell_text(v).strip() for v in record.values]
        return (list(fmt.columns) if fmt.columns else names), record.line
    return None, 0


@contextmanager
def open_table(path: Path, fmt: FileFormat, file_name: str) -> Iterator[Table]:
    """The rows of ``path`` read as ``fmt`` says (type auto: by the file's extension)."""
    kind = fmt.type
    if kind == "auto":
        kind = "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
    if kind == "xlsx":
        with _xlsx_records(path, fmt, file_name) as records:
            names, header_line = _header(records, fmt, file_name)
            yield Table(names, header_line, records, ragged=True)
        return
    with open(path, encoding=fmt.encoding, errors="surrogateescape", newline="") as stream:
        lines = _Lines(stream)
        for _ in range(fmt.skip_lines):
            if next(lines, None) is None:
                break
        lines.take()
        records = _whitespace_records(lines) if fmt.delimiter == "whitespace" else _csv_records(lines, fmt)
        names, header_line = _header(records, fmt, file_name)
        yield Table(names, header_line, records)


@contextmanager
def _xlsx_records(path: Path, fmt: FileFormat, file_name: str) -> Iterator[Iterator[Record]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise MappingError(f"{file_name}: not a readable XLSX workbook ({exc})") from exc
    try:
        if fmt.sheet is not None:
            if fmt.sheet not in book.sheetnames:
                raise MappingError(
                    f"{file_name}: no sheet {fmt.sheet!r}; it has {', '.join(map(repr, book.sheetnames))}"
                )
            sheet = book[fmt.sheet]
        elif book.worksheets:
            sheet = book.worksheets[0]
        else:
            raise MappingError(f"{file_name}: the workbook has no worksheet")

        def records() -> Iterator[Record]:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number <= fmt.skip_lines:
                    continue
                values = list(row)
                if not _blank(values):
                    yield Record(number, values, "\t".join(cell_text(v) for v in values))

        yield records()
    finally:
        book.close()
