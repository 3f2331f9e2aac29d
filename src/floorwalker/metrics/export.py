"""Tables of the metrics pages and their CSV / XLSX export. Pure: rows in, bytes out.

Exports carry the raw values in the metrics' own units (fractions 0–1, seconds), never the
on-screen formatting, so that a spreadsheet can compute with them: in XLSX, fractions get
the number format ``0.0%`` (the cell still holds 0.853) and seconds stay seconds (the
header says so). Undefined values (None) are empty cells.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Kind = Literal["text", "count", "fraction", "seconds", "number", "date"]

#: The unit a column's header gets in exports.
_UNIT = {"fraction": " (fraction)", "seconds": " (s)"}


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in the rows, on-screen ``label``, ``kind`` for formatting."""

    key: str
    label: str
    kind: Kind = "text"


@dataclass
class Table:
    """A table of a page: ``id`` names it in export links (``?export=csv&table=<id>``).
    ``links`` and ``status`` are optional per row: {key: href} and {key: green/amber/red}."""

    id: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    links: list[dict[str, str]] = field(default_factory=list)
    status: Sequence[Mapping[str, str | None]] = field(default_factory=list)
    flags: Sequence[Mapping[str, str | None]] = field(default_factory=list)

    def link(self, i: int, key: str) -> str | None:
        return self.links[i].get(key) if i < len(self.links) else None

    def status_of(self, i: int, key: str) -> str | None:
        return self.status[i].get(key) if i < len(self.status) else None

    def flag_of(self, i: int, key: str) -> str | None:
        return self.flags[i].get(key) if i < len(self.flags) else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list):
        return str(value)
    return value


def header(column: Column) -> str:
    return column.label + _UNIT.get(column.kind, "")


def to_csv(table: Table) -> str:
    """RFC 4180 CSV (comma, CRLF line ends), a header line then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(c.key) is None else _plain(row.get(c.key)) for c in table.columns])
    return out.getvalue()


_XLSX_FORMAT = {
    "fraction": "0.0%",
    "seconds": "0.0",
    "number": "0.00",
    "count": "#,##0",
    "date": "yyyy-mm-dd",
}


def to_xlsx(table: Table) -> bytes:
    """An XLSX workbook with one sheet (the table's title, cut to Excel's 31 characters),
    written in openpyxl's streaming mode (large contact lists stay fast)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "table")
    for index, c in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(header(c)) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for c in table.columns:
        cell = WriteOnlyCell(sheet, header(c))
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    formats = [_XLSX_FORMAT.get(c.kind) for c in table.columns]
    for row in table.rows:
        values: list[Any] = []
        for c, fmt in zip(table.columns, formats, strict=True):
            value = _plain(row.get(c.key))
            if c.kind == "date" and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = date.fromisoformat(value)
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            if fmt is not None and value is not None:
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = fmt
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
