"""The report's appendix: every formula and setting the numbers used. Pure.

A manager who cannot say which service-level formula a number used loses the argument with
finance, so the report prints each queue's formula with its T and S, the other KPI
definitions of spec/kpis.md, the FCR window, the shrinkage reasons, the time zones, the
targets and the data sources behind the period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from floorwalker.metrics import formulas
from floorwalker.metrics.targets import Target
from floorwalker.reports import wording


@dataclass(frozen=True)
class QueueInfo:
    """A queue's settings as the organisation defines them (T and S in seconds)."""

    code: str
    name: str
    site: str
    channel: str
    sl_formula: str = formulas.DEFAULT_SL_FORMULA
    sl_threshold_s: float = 20.0
    short_abandon_s: float = 5.0


@dataclass(frozen=True)
class ReportSettings:
    """Everything about how the numbers were made, for the appendix.

    ``sources`` counts the period's contacts by the ``source`` that imported them;
    ``time_zones`` maps site code → IANA zone; ``scope`` says whose contacts are in the
    report (e.g. "whole center", "teams Red, Blue")."""

    queues: Sequence[QueueInfo] = ()
    site: str | None = None
    scope: str = "whole center"
    time_zones: Mapping[str, str] = field(default_factory=dict)
    fcr_window_days: int = 7
    fcr_same_reason: bool = False
    planned_reasons: frozenset[str] = frozenset()
    sources: Mapping[str, int] = field(default_factory=dict)
    imports: int | None = None

    def warnings(self) -> list[str]:
        """Sentences about settings a reader must know: formulas that flatter the number."""
        out = []
        if self.scope != "whole center":
            out.append(
                f"This report covers the contacts handled by the agents of {self.scope}. Contacts nobody "
                "answered have no agent and so no team: they are left out, so service level and abandon "
                "rate here describe handled contacts only, not the queues' service."
            )
        for q in self.queues:
            if q.sl_formula in formulas.SL_FORMULAS_WITH_WARNING:
                out.append(
                    f"Queue {q.name} measures service level over answered contacts only "
                    f"({formulas.SL_FORMULAS[q.sl_formula]}), which ignores abandoned contacts."
                )
        return out


@dataclass(frozen=True)
class Definition:
    term: str
    formula: str
    note: str = ""


@dataclass(frozen=True)
class Appendix:
    definitions: list[Definition]
    queues: list[QueueInfo]
    settings: list[tuple[str, str]]
    targets: list[tuple[str, str, str, str]]
    sources: list[tuple[str, int]]
    #: What the letters in the formulas stand for.
    symbols: str = ""


SYMBOLS = (
    "A answered; A_T answered within the queue's threshold T; Ab abandoned; Ab_S abandoned within "
    "the short-abandon limit S; Ab_T abandoned within T; X other exits (timeouts, overflows, "
    "transfers out of the queue); O offered (every contact that entered the queue)."
)

KPI_LABELS = {
    "service_level": "Service level",
    "abandon_rate": "Abandon rate",
    "asa_s": "Average speed of answer",
    "aht_s": "Average handle time",
    "transfer_rate": "Transfer rate",
    "occupancy": "Occupancy",
    "utilisation": "Utilisation",
    "shrinkage": "Shrinkage",
    "fcr": "First-contact resolution",
    "csat": "CSAT",
    "nps": "NPS",
    "ces": "CES",
}

_TARGET_UNITS: dict[str, wording.Unit] = {
    "asa_s": "seconds",
    "aht_s": "seconds",
    "nps": "score",
    "ces": "score",
}


def _definitions(total: Mapping[str, Any] | None, s: ReportSettings) -> list[Definition]:
    aht_basis = str(total.get("aht_basis")) if total and total.get("aht_basis") else "talk + hold + wrap-up"
    repeat = "same customer, any channel" + (", same disposition" if s.fcr_same_reason else "")
    planned = ", ".join(sorted(s.planned_reasons)) or "none"
    return [
        Definition(
            "Service level",
            "Σ numerator / Σ denominator of each queue's own formula (table below)",
            "Each contact is judged by its own queue's T and S (symbols below).",
        ),
        Definition(
            "Average speed of answer (ASA)",
            "Σ wait of answered contacts / A",
            "seconds; the headline figure counts voice, chat and messaging only (an email's wait is "
            "hours and would swamp them); each queue's own ASA is in the queue table",
        ),
        Definition("Abandon rate", "(Ab − Ab_S) / (O − Ab_S)", "short abandons are left out of both sides"),
        Definition(
            "Average handle time (AHT)",
            "Σ (talk + hold + wrap-up) / handled contacts",
            f"components recorded by the sources this period: {aht_basis}",
        ),
        Definition("Transfer rate", "transferred / A"),
        Definition(
            "Occupancy", "(on contact + wrap-up) / (on contact + wrap-up + available)", "agent-state time"
        ),
        Definition(
            "Shrinkage (in-center)",
            "not-ready time / logged-in time",
            f"planned reasons: {planned}; every other reason is unplanned. Time an agent was "
            "scheduled but not logged in needs schedules and is not included.",
        ),
        Definition(
            "First-contact resolution (FCR)",
            f"handled contacts with no repeat within {s.fcr_window_days} days / handled contacts "
            "with a known customer",
            f"repeat: {repeat}",
        ),
        Definition("CSAT", "responses in the top two boxes of their scale / responses"),
        Definition("NPS", "% promoters (9–10) − % detractors (0–6), 0–10 scale only"),
        Definition(
            "Change vs a period",
            "value − earlier value",
            "rates in percentage points, times in seconds, volumes in percent",
        ),
    ]


def _goal(t: Target) -> str:
    unit = _TARGET_UNITS.get(t.kpi, "fraction")
    sign = "≥" if t.direction == "at_least" else "≤"
    return f"{sign} {wording.goal_text(t.goal, unit)}"


def build_appendix(
    s: ReportSettings,
    targets: Sequence[Target],
    targets_are_defaults: bool,
    total: Mapping[str, Any] | None,
    previous: tuple[date, date],
    year_ago: tuple[date, date],
) -> Appendix:
    """The appendix's definitions, queue settings, settings, targets and data sources."""
    settings = [
        ("Scope", s.scope + (f", site {s.site}" if s.site else "")),
        (
            "Days",
            "site-local calendar days; intervals follow each site's wall clock (DST days have 23 or 25 "
            "hours)",
        ),
        ("Time zones", ", ".join(f"{code}: {tz}" for code, tz in sorted(s.time_zones.items())) or "—"),
        ("Previous period", f"{previous[0].isoformat()} to {previous[1].isoformat()}"),
        ("Same period a year earlier", f"{year_ago[0].isoformat()} to {year_ago[1].isoformat()}"),
        (
            "FCR repeat window",
            f"{s.fcr_window_days} days" + (" (same disposition)" if s.fcr_same_reason else ""),
        ),
        ("Planned shrinkage reasons", ", ".join(sorted(s.planned_reasons)) or "none"),
        ("Shrinkage basis", "logged-in time"),
        ("Targets", "defaults (none were given)" if targets_are_defaults else "as configured"),
    ]
    if s.imports:
        settings.append(("Imports recorded", f"{s.imports:,}"))
    target_rows = [
        (
            KPI_LABELS.get(t.kpi, t.kpi),
            t.scope_kind + (f" {t.scope_code}" if t.scope_code else ""),
            _goal(t),
            wording.margin_text(t.margin, _TARGET_UNITS.get(t.kpi, "fraction")),
        )
        for t in targets
    ]
    return Appendix(
        definitions=_definitions(total, s),
        queues=sorted(s.queues, key=lambda q: (q.site, q.code)),
        settings=settings,
        targets=target_rows,
        sources=sorted(s.sources.items()),
        symbols=SYMBOLS,
    )


def formula_text(name: str) -> str:
    """A service-level formula's text, e.g. "A_T / (A + Ab + X − Ab_S)"."""
    return formulas.SL_FORMULAS.get(name, name)
