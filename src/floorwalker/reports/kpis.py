"""The headline KPIs of the management report: names, units, which way is good. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from floorwalker.reports.wording import Unit

Row = Mapping[str, Any]


@dataclass(frozen=True)
class KpiSpec:
    key: str
    label: str
    unit: Unit
    #: True when higher is better, False when lower is, None for volumes.
    higher_is_better: bool | None
    #: Shown even when undefined in the period (the core contact KPIs).
    always: bool = False


#: Headline KPIs in the order a director reads them.
HEADLINE: tuple[KpiSpec, ...] = (
    KpiSpec("offered", "Contacts offered", "count", None, True),
    KpiSpec("answered", "Contacts answered", "count", None, True),
    KpiSpec("service_level", "Service level", "fraction", True, True),
    KpiSpec("asa_s", "Average speed of answer", "seconds", False, True),
    KpiSpec("abandon_rate", "Abandon rate", "fraction", False, True),
    KpiSpec("aht_s", "Average handle time", "seconds", False, True),
    KpiSpec("transfer_rate", "Transfer rate", "fraction", False),
    KpiSpec("occupancy", "Occupancy", "fraction", None),
    KpiSpec("shrinkage", "Shrinkage (in-center)", "fraction", False),
    KpiSpec("fcr", "First-contact resolution", "fraction", True),
    KpiSpec("csat", "CSAT (top-2-box)", "fraction", True),
    KpiSpec("nps", "NPS", "score", True),
)
SPECS = {s.key: s for s in HEADLINE}

#: Labels of headline KPIs that differ from the KPI's own name.
HEADLINE_LABELS = {"asa_s": "ASA (voice and chat)"}


def num(row: Row | None, key: str) -> float | None:
    """A metric of a cube row as a float; None when absent, undefined or not a number."""
    if row is None:
        return None
    value = row.get(key)
    return None if value is None or isinstance(value, str) else float(value)
