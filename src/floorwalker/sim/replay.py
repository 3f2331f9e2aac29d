"""Recorded contacts to replay through the simulator, read from CSV text. Pure.

Columns (header required, any order): ``queue`` (a queue name of the scenario),
``arrival_s`` (seconds from the start of the horizon), and optionally ``handle_s``,
``wrapup_s``, ``patience_s`` and ``patience_at_least_s``. An empty handle, wrap-up or
patience cell is drawn from the queue's distribution (a patience draw conditioned on being
at least ``patience_at_least_s``, e.g. the wait of a contact that was answered); ``inf``
patience never abandons.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

import numpy as np

from floorwalker.sim.scenario import Replay, ScenarioError

COLUMNS = ("queue", "arrival_s", "handle_s", "wrapup_s", "patience_s", "patience_at_least_s")


def replay_from_csv(text: str, source: str, queue_names: Sequence[str], horizon_s: float) -> Replay:
    """Parse replay CSV text; errors name ``source``, the line and the column."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for col in ("queue", "arrival_s"):
        if col not in header:
            raise ScenarioError(f"{source}: missing column {col!r} (columns: {', '.join(COLUMNS)})")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise ScenarioError(f"{source}: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})")
    index = {name: i for i, name in enumerate(queue_names)}
    cols: dict[str, list[float]] = {c: [] for c in COLUMNS[1:]}
    queues: list[int] = []
    for line, row in enumerate(reader, start=2):
        name = (row.get("queue") or "").strip()
        if name not in index:
            raise ScenarioError(f"{source}: line {line}: queue: {name!r} is not a queue of the scenario")
        queues.append(index[name])
        for col in COLUMNS[1:]:
            raw = (row.get(col) or "").strip()
            if not raw:
                if col == "arrival_s":
                    raise ScenarioError(f"{source}: line {line}: arrival_s: missing")
                cols[col].append(0.0 if col == "patience_at_least_s" else math.nan)
                continue
            try:
                value = float(raw)
            except ValueError:
                raise ScenarioError(f"{source}: line {line}: {col}: {raw!r} is not a number") from None
            finite_ok = col == "patience_s" or math.isfinite(value)
            if value < 0 or math.isnan(value) or not finite_ok:
                raise ScenarioError(f"{source}: line {line}: {col}: must be seconds >= 0")
            if col == "arrival_s" and value >= horizon_s:
                raise ScenarioError(
                    f"{source}: line {line}: arrival_s: {value:g} is beyond the horizon ({horizon_s:g} s)"
                )
            cols[col].append(value)
    return Replay(
        queue=np.array(queues, dtype=np.int64),
        arrival_s=np.array(cols["arrival_s"], dtype=np.float64),
        handle_s=np.array(cols["handle_s"], dtype=np.float64),
        patience_s=np.array(cols["patience_s"], dtype=np.float64),
        patience_at_least_s=np.array(cols["patience_at_least_s"], dtype=np.float64),
        wrapup_s=np.array(cols["wrapup_s"], dtype=np.float64),
    )
