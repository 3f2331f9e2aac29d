"""One pass over a text file's bytes: how many lines it has and whether DuckDB's CSV
reader can be trusted to give exactly one row per line of it that is not blank.

The queue_log importer streams such a file straight from DuckDB's reader into the
warehouse: it compares the rows loaded with the lines counted here, and when rows are
missing (rejected lines) it names them in a second, numbered pass. That is only sound when
the reader cannot fail half-way (which would abort the import's transaction) and splits
lines where this count does: so the file must be UTF-8, have no NUL byte, no carriage
return outside a CRLF pair (the reader ends a line there) and no line near the reader's
maximum line size. Blank lines are allowed and counted: the reader skips them, which is
harmless to the count (they are no lines of data) but shifts the numbers of the lines
after them. Compiled with numba: a Python loop over 300 MB would take minutes, and numpy
needs several passes and copies.
"""

from __future__ import annotations

import codecs
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

#: Longest line (bytes) the streamed read accepts: far above any real queue_log line and
#: far below DuckDB's max_line_size (2 MB), so the reader never refuses a line for length.
LONGEST_LINE_BYTES = 1 << 16


@dataclass(frozen=True)
class LineScan:
    """What one pass over a file found. ``lines``: physical lines, the last one counted
    even without a final newline; ``streamable``: every condition of the module docstring
    holds; ``ascii_only``: no byte above 0x7F (characters are bytes); ``blank_lines``:
    how many lines are empty (the reader gives no row for them, and numbers the rows
    after one short of their line numbers)."""

    lines: int
    streamable: bool
    ascii_only: bool = False
    blank_lines: int = 0


@njit(cache=True)
def _scan(data: np.ndarray) -> tuple[int, int, int, bool, bool, bool]:  # pragma: no cover - compiled
    """(newlines, longest line in bytes, blank lines, NUL seen, lone CR seen, byte ≥ 0x80 seen)."""
    newlines = 0
    longest = 0
    start = 0
    blank = 0
    nul = False
    lone_cr = False
    high = False
    n = data.shape[0]
    for i in range(n):
        byte = data[i]
        if byte == 10:
            end = i
            if end > start and data[end - 1] == 13:
                end -= 1
            if end == start:
                blank += 1
            if i - start > longest:
                longest = i - start
            newlines += 1
            start = i + 1
        elif byte == 13:
            if i + 1 >= n or data[i + 1] != 10:
                lone_cr = True
        elif byte == 0:
            nul = True
        elif byte >= 128:
            high = True
    if n - start > longest:
        longest = n - start
    return newlines, longest, blank, nul, lone_cr, high


def scan_lines(path: Path) -> LineScan:
    """Count the lines of ``path`` and decide whether it can be streamed (module docstring)."""
    size = path.stat().st_size
    if size == 0:
        return LineScan(lines=0, streamable=True, ascii_only=True)
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        view = np.frombuffer(data, dtype=np.uint8)
        try:
            newlines, longest, blank, nul, lone_cr, high = _scan(view)
        finally:
            del view  # the map cannot close while numpy still holds it
        lines = newlines + (0 if data[size - 1] == 10 else 1)
        streamable = not (nul or lone_cr or longest > LONGEST_LINE_BYTES)
        if streamable and high:
            streamable = _is_utf8(data, size)
    return LineScan(lines=lines, streamable=streamable, ascii_only=not high, blank_lines=blank)


def _is_utf8(data: mmap.mmap, size: int, chunk: int = 1 << 24) -> bool:
    """True when the bytes are valid UTF-8 (decoded a chunk at a time: bounded memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for offset in range(0, size, chunk):
            decoder.decode(data[offset : offset + chunk], final=offset + chunk >= size)
    except UnicodeDecodeError:
        return False
    return True
