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
    ("data", "lines", "streamable"),
    [
        (b"", 0, True),
        (b"a|b\n", 1, True),
        (b"a|b\nc|d", 2, True),  # the last line needs no newline
        (b"a|b\r\nc|d\r\n", 2, True),  # CRLF
        (b"a|b\n\nc|d\n", 3, False),  # a blank line: the reader skips it
        (b"\na|b\n", 2, False),
        (b"a|b\r\n\r\nc|d\r\n", 3, False),
        (b"a|b\rc|d\n", 1, False),  # a lone CR: the reader ends a line there
        (b"a|b\r", 1, False),
        (b"a|\x00b\n", 1, False),
        (b"a|\xff\xfe\n", 1, False),  # not UTF-8
        ("a|Jos\u00e9 \u00c5ngstr\u00f6m\n".encode(), 1, True),  # UTF-8 beyond ASCII
        (b"a|" + b"x" * LONGEST_LINE_BYTES + b"\n", 1, False),
    ],
)
def test_lines_and_whether_the_file_can_be_streamed(
    tmp_path: Path, data: bytes, lines: int, streamable: bool
) -> None:
    path = tmp_path / "log"
    path.write_bytes(data)
    scan = scan_lines(path)
    assert (scan.lines, scan.streamable) == (lines, streamable)


def test_a_utf8_character_split_across_decoder_chunks_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"a" * 15 + "\u00e9".encode() + b"\n")  # bytes 15 and 16: one character
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert line_scan._is_utf8(mapped, 18, chunk=16)
        assert not line_scan._is_utf8(mapped, 16, chunk=16)  # the file cut inside it


@pytest.mark.parametrize(
    "data",
    [b"a|b\nc|d\n", b"a|b\r\nc|d\r\n", b"a|b\nc|d", "x|\u00e9\ny|z\n".encode(), b"1|2|3|4|5|6\n|\n"],
)
def test_where_the_scan_says_streamable_the_reader_gives_one_row_a_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "log"
    path.write_bytes(data)
    scan = scan_lines(path)
    assert scan.streamable
    rows = duckdb.sql(
        f"SELECT count(*) FROM read_csv('{path}', delim = '|', header = false, "
        "columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}, quote = '', escape = '', auto_detect = false, "
        "strict_mode = false, null_padding = true)"
    ).fetchall()[0][0]
    assert rows == scan.lines
