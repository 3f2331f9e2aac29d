"""Read a forecasting history CSV and write forecast rows.

The history CSV has a header with ``interval_start`` (site-local time, ISO 8601:
``2024-03-04 08:30`` or ``2024-03-04T08:30:00``, optionally with a UTC offset),
``contacts`` (or ``calls``) and optionally ``aht_s`` (seconds; may be empty only where
contacts is 0). Any problem is one :class:`InvalidInput` naming the file, the line and
the field.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from floorwalker.errors import InvalidInput
from floorwalker.wfm.forecast import ForecastRow
from floorwalker.wfm.forecast_series import Point, exists_locally, to_local


def _number(raw: str, where: str, name: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{where}: {name}: '{raw}' is not a number", field=name) from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{where}: {name}: must be a number ≥ 0, not '{raw}'", field=name)
    return value


def _moment(raw: str, where: str, time_zone: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            f"{where}: interval_start: '{raw}' is not a date and time (YYYY-MM-DD HH:MM[:SS])",
            field="interval_start",
        ) from None
    if time_zone and moment.tzinfo is None and not exists_locally(moment, ZoneInfo(time_zone)):
        raise InvalidInput(
            f"{where}: interval_start: {raw} does not exist in {time_zone} (the clocks went forward)",
            field="interval_start",
        )
    return moment


def read_history(path: Path, *, interval_min: int, time_zone: str | None = None) -> list[Point]:
    """Points from the history CSV at ``path``; see the module doc for the format."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return parse_history(handle, str(path), interval_min=interval_min, time_zone=time_zone)


def parse_history(
    handle: TextIO, name: str, *, interval_min: int, time_zone: str | None = None
) -> list[Point]:
    """Points from an open history CSV; ``name`` is used in error messages."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if not header:
        raise InvalidInput(f"{name}:1: the file is empty (need a header: interval_start,contacts[,aht_s])")
    columns = [c.strip().lower() for c in header]
    if "interval_start" not in columns:
        raise InvalidInput(f"{name}:1: interval_start: missing column", field="interval_start")
    count_name = "contacts" if "contacts" in columns else "calls" if "calls" in columns else None
    if count_name is None:
        raise InvalidInput(f"{name}:1: contacts: missing column (contacts or calls)", field="contacts")
    i_start, i_count = columns.index("interval_start"), columns.index(count_name)
    i_aht = columns.index("aht_s") if "aht_s" in columns else None
    points: list[Point] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name}:{reader.line_num}"
        if len(row) != len(columns):
            raise InvalidInput(f"{where}: expected {len(columns)} fields, found {len(row)}")
        moment = _moment(row[i_start], where, time_zone)
        contacts = _number(row[i_count].strip(), where, count_name)
        aht: float | None = None
        if i_aht is not None:
            raw_aht = row[i_aht].strip()
            if raw_aht:
                aht = _number(raw_aht, where, "aht_s")
            elif contacts > 0:
                raise InvalidInput(f"{where}: aht_s: empty where {count_name} is {raw_aht or row[i_count]}")
        points.append((moment, contacts, aht))
    if not points:
        raise InvalidInput(f"{name}: no data rows")
    _check_grain(points, name, interval_min, time_zone)
    return points


def _check_grain(points: Iterable[Point], name: str, interval_min: int, time_zone: str | None) -> None:
    """Refuse data coarser than the interval asked for (it cannot be split honestly)."""
    minutes: defaultdict[object, set[int]] = defaultdict(set)
    for moment, _, _ in points:
        local = to_local(moment, time_zone)
        minutes[local.date()].add(local.hour * 60 + local.minute)
    steps = [b - a for day in minutes.values() for a, b in zip(sorted(day), sorted(day)[1:], strict=False)]
    if steps and min(steps) > interval_min:
        raise InvalidInput(
            f"{name}: interval_start: the history is at {min(steps)}-minute grain, coarser than "
            f"--interval-min {interval_min}; use an interval of {min(steps)} minutes or more"
        )


def format_start(moment: datetime) -> str:
    """Local time as ``YYYY-MM-DD HH:MM:SS``, with the UTC offset when the time is aware."""
    return moment.isoformat(sep=" ")


def row_dict(row: ForecastRow, with_aht: bool) -> dict[str, object]:
    """A forecast row as the CLI's CSV/JSON record (counts to 3 decimals, AHT to 0.1 s)."""
    out: dict[str, object] = {
        "interval_start": format_start(row.interval_start),
        "contacts": round(row.contacts, 3),
        "lo": round(row.lo, 3),
        "hi": round(row.hi, 3),
    }
    if with_aht:
        out["aht_s"] = None if row.aht_s is None else round(row.aht_s, 1)
    return out
