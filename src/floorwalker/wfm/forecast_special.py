"""Special days: public holidays and manager-entered events.

A special day is never treated as an ordinary day. In the history it is left out of
training (the models see the same weekday's usual pattern in its place). In the
forecast it gets an explicit treatment:

- an **event** the manager entered: a factor applied to that day's forecast
  (1.3 = 30% more contacts than a normal day, 0 = closed);
- a **public holiday** (from the ``holidays`` package for the chosen country, optional
  subdivision): what the center's own history shows for past holidays: if at least half the past
  holidays on open weekdays had no contacts, the center is closed; otherwise the median
  ratio of holiday contacts to the normal-day forecast for that date is applied. With no
  past holiday in the history the day is forecast as a normal day (factor 1).

An event on a holiday wins over the holiday.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import holidays as holidays_pkg

from floorwalker.errors import InvalidInput


@dataclass(frozen=True)
class SpecialDay:
    """A date with a known effect. ``factor`` multiplies the normal-day forecast
    (fraction: 0 = closed, 1.25 = 25% more); ``None`` = learn it from past holidays."""

    day: date
    name: str
    factor: float | None
    kind: str  # "event" or "holiday"


def public_holidays(country: str, years: Iterable[int], subdiv: str | None = None) -> list[SpecialDay]:
    """Public holidays of ``country`` (ISO 3166 code, e.g. "US", "GB") in ``years``."""
    code = country.upper()
    if code not in holidays_pkg.list_supported_countries():
        raise InvalidInput(f"--country: '{country}' is not a supported country code (e.g. US, GB, DE)")
    try:
        calendar = holidays_pkg.country_holidays(code, subdiv=subdiv, years=sorted(set(years)))
    except NotImplementedError as exc:
        raise InvalidInput(f"--subdiv: '{subdiv}' is not a subdivision of {code}") from exc
    return [SpecialDay(day, str(name), None, "holiday") for day, name in sorted(calendar.items())]


def _factor(raw: object, where: str) -> float:
    if isinstance(raw, str) and raw.strip().lower() == "closed":
        return 0.0
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: factor: '{raw}' is not a number or 'closed'") from None
    if not value >= 0 or value == float("inf"):
        raise InvalidInput(f"{where}: factor: must be 0 (closed) or a positive number, not {raw}")
    return value


def _date(raw: object, where: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"{where}: date: '{raw}' is not a date (YYYY-MM-DD)") from None


def read_events(path: Path) -> list[SpecialDay]:
    """Manager-entered events from a CSV (columns ``date``, ``factor`` — a multiplier or
    ``closed`` — and optional ``name``) or a TOML file (``[[event]]`` tables with ``date``,
    ``factor`` or ``closed = true``, optional ``name``)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.suffix.lower() == ".toml":
        return _read_toml(path)
    return _read_csv(path)


def _read_csv(path: Path) -> list[SpecialDay]:
    events: list[SpecialDay] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        for needed in ("date", "factor"):
            if needed not in fields:
                raise InvalidInput(f"{path}:1: {needed}: missing column (need date, factor[, name])")
        for row in reader:
            clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            where = f"{path}:{reader.line_num}"
            events.append(
                SpecialDay(
                    _date(clean["date"], where),
                    clean.get("name") or "event",
                    _factor(clean["factor"], where),
                    "event",
                )
            )
    return events


def _read_toml(path: Path) -> list[SpecialDay]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path}: not valid TOML ({exc})") from None
    tables = data.get("event", [])
    if not isinstance(tables, list):
        raise InvalidInput(f"{path}: event: expected [[event]] tables")
    events = []
    for i, table in enumerate(tables, start=1):
        where = f"{path}: event {i}"
        if not isinstance(table, dict) or "date" not in table:
            raise InvalidInput(f"{where}: date: missing")
        if table.get("closed") is True:
            factor = 0.0
        elif "factor" in table:
            factor = _factor(table["factor"], where)
        else:
            raise InvalidInput(f"{where}: factor: missing (or closed = true)")
        events.append(
            SpecialDay(_date(table["date"], where), str(table.get("name", "event")), factor, "event")
        )
    return events


def merge(holiday_days: Iterable[SpecialDay], events: Iterable[SpecialDay]) -> dict[date, SpecialDay]:
    """One special day per date; an event overrides a holiday on the same date."""
    merged = {s.day: s for s in holiday_days}
    merged.update({s.day: s for s in events})
    return merged


def holiday_factor(closed_count: int, open_ratios: list[float]) -> float:
    """The learned treatment of a future holiday from past ones: 0 (closed) when most past
    holidays were closed (ties too), else the median ratio holiday / normal forecast; 1 with none."""
    if closed_count == 0 and not open_ratios:
        return 1.0
    if closed_count >= len(open_ratios):
        return 0.0
    ordered = sorted(open_ratios)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
