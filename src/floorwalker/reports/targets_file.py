"""Targets from a TOML file (``floorwalker report --targets FILE.toml``). Pure.

The file holds ``[[target]]`` tables with the fields of ``metrics.targets.Target``::

    [[target]]
    kpi = "service_level"   # a key of metrics.targets.TARGETABLE
    goal = 0.80             # the KPI's own units: fractions 0–1, seconds
    scope_kind = "all"      # all | site | queue | team (default all)
    scope_code = "sales"    # the site / queue code or team name; omitted for all
    amber_margin = 0.05     # optional; default 10% of the goal
"""

from __future__ import annotations

import tomllib
from typing import Any

from floorwalker.metrics.targets import Target, validate

FIELDS = ("kpi", "goal", "scope_kind", "scope_code", "amber_margin")


class TargetsFileError(ValueError):
    """A targets file that cannot be used; the message names the file and the field."""


def targets_from_toml(text: str, name: str) -> list[Target]:
    """The targets of a TOML document; ``name`` (the file's path) prefixes every message."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsFileError(f"{name}: not valid TOML ({exc})") from None
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise TargetsFileError(f"{name}: no [[target]] entries")
    out = []
    for i, entry in enumerate(entries, start=1):
        where = f"{name}: target {i}"
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise TargetsFileError(f"{where}: unknown field '{unknown[0]}' (fields: {', '.join(FIELDS)})")
        if "kpi" not in entry or "goal" not in entry:
            raise TargetsFileError(f"{where}: kpi and goal are required")
        goal, margin = entry["goal"], entry.get("amber_margin")
        if isinstance(goal, bool) or not isinstance(goal, int | float):
            raise TargetsFileError(f"{where}: goal: a number (e.g. 0.80)")
        if margin is not None and (isinstance(margin, bool) or not isinstance(margin, int | float)):
            raise TargetsFileError(f"{where}: amber_margin: a number")
        target = Target(
            kpi=str(entry["kpi"]),
            goal=float(goal),
            scope_kind=entry.get("scope_kind", "all"),
            scope_code=None if entry.get("scope_code") is None else str(entry["scope_code"]),
            amber_margin=None if margin is None else float(margin),
        )
        problems = validate(target)
        if problems:
            raise TargetsFileError(f"{where}: {problems[0]}")
        out.append(target)
    return out
