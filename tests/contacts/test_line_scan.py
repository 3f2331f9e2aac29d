"""line_scan: the line count and the conditions under which DuckDB's CSV reader gives one
row per line (so a streamed queue_log can be checked by counting)."""

from __future__ import annotations

import mmap
from pathlib import Path

import duckdb
import pytest

from floorwalker.contacts import line_scan
from floorwalker.contacts.line_scan import LONGEST_LINE_BYTES, scan_lines


@pytest.mark.parametrize(
    ("data", "lines", "streamable", "blank"),
    [
        (b"", 0, True, 0),
        (b"a|b\n", 1, True, 0),
        (b"a|b\nc|d", 2, True, 0),  # the last line needs no newline
        (b"a|b\r\nc|d\r\n", 2, True, 0),  # CRLF
        (b"a|b\n\nc|d\n", 3, True, 1),  # a blank line: the reader skips it
        (b"\na|b\n", 2, True, 1),
        (b"a|b\r\n\r\nc|d\r\n", 3, True, 1),
        (b"a|b \nc|d\n", 2, True, 0),  # a space is not blank
        (b"a|b\rc|d\n", 1, False, 0),  # a lone CR: the reader ends a line there
        (b"a|b\r", 1, False, 0),
        (b"a|\x00b\n", 1, False, 0),
        (b"a|\xff\xfe\n", 1, False, 0),  # not UTF-8
        ("a|Jos\u00e9 \u00c5ngstr\u00f6m\n".encode(), 1, True, 0),  # UTF-8 beyond ASCII
        (b"a|" + b"x" * LONGEST_LINE_BYTES + b"\n", 1, False, 0),
    ],
)
def test_lines_and_whether_the_file_can_be_streamed(
    tmp_path: Path, data: bytes, lines: int, streamable: bool, blank: int
) -> None:
    path = tmp_path / "log"
    path.write_bytes(data)
    scan = scan_lines(path)
    assert (scan.lines, scan.streamable, scan.blank_lines) == (lines, streamable, blank)
    assert scan.ascii_only == (b"\xc3" not in data and b"\xff" not in data)


def test_a_utf8_character_split_across_decoder_chunks_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"a" * 15 + "\u00e9".encode() + b"\n")  # bytes 15 and 16: one character
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert line_scan._is_utf8(mapped, 18, chunk=16)
        assert not line_scan._is_utf8(mapped, 16, chunk=16)  # the file cut inside it


@pytest.mark.parametrize(
    "data",
    [
        b"a|b\nc|d\n", b"a|b\r\nc|d\r\n", b"a|b\nc|d", "x|\u00e9\ny|z\n".encode(), b"1|2|3|4|5|6\n|\n",
        b"a|b\n\nc|d\n\n", b"\r\na|b\r\n\r\nc|d",
    ],
)  # fmt: skip
def test_where_the_scan_says_streamable_the_reader_gives_one_row_a_line(tmp_path: Path, data: bytes) -> None:
    """One row for every line that is not blank (blank lines are no lines of data)."""
    path = tmp_path / "log"
    path.write_bytes(data)
    scan = scan_lines(path)
    assert scan.streamable
    rows = duckdb.sql(
        f"SELECT count(*) FROM read_csv('{path}', delim = '|', header = false, "
        "columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}, quote = '', escape = '', auto_detect = false, "
        "strict_mode = false, null_padding = true)"
    ).fetchall()[0][0]
    assert scan.blank_lines == sum(1 for line in data.split(b"\n")[: scan.lines] if line in (b"", b"\r"))
    assert rows == scan.lines - scan.blank_lines
