"""Top improvements and declines: which queues and teams moved most against the previous
period. Pure.

A queue answers for its service (service level, abandon rate, ASA, AHT); a team for how its
agents handle contacts (AHT, transfer rate): waiting is the queue's staffing, not the team's
doing. Changes are ranked by size — percentage points for rates, percent for times — and
small groups and small changes are left out, since a few contacts move a rate by chance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from floorwalker.reports import wording
from floorwalker.reports.kpis import SPECS, Row, num
from floorwalker.reports.wording import Unit

#: Queues and teams with fewer contacts than this in either period are not ranked as
#: improvements or declines: a few contacts move a rate by chance.
DEFAULT_MIN_CONTACTS = 20
#: How many improvements and how many declines the report lists.
MOVERS = 5


#: KPIs ranked for improvements and declines: a queue answers for its service; a team for
#: how its agents handle contacts (waiting is the queue's, not the team's, doing).
MOVER_KPIS = {
    "queue": ("service_level", "abandon_rate", "asa_s", "aht_s"),
    "team": ("aht_s", "transfer_rate"),
}
#: Smallest change worth listing: half a point of a rate, 5 seconds of a time.
MIN_MOVE: dict[str, float] = {"fraction": 0.005, "seconds": 5.0, "count": 0.0, "score": 0.5}


@dataclass(frozen=True)
class Mover:
    """A queue's or team's KPI that moved: change in the KPI's units; ``score`` ranks it
    (percentage points for rates, percent for times)."""

    kind: str
    name: str
    kpi: str
    label: str
    unit: Unit
    previous: float
    current: float
    score: float
    sentence: str
    #: "down 48:21", "up 2.1 points".
    change_words: str = ""

    def headline(self, which: str) -> str:
        """ "The largest improvement was queue Sales: service level up 3.0 points (80.0% → 83.0%)." """
        before = wording.value_text(self.previous, self.unit)
        after = wording.value_text(self.current, self.unit)
        return (
            f"The largest {which} was {self.kind} {self.name}: {self.label.lower()} {self.change_words} "
            f"({before} → {after})."
        )


def _mover(
    kind: str, name: str, key: str, now: float, then: float, previous_label: str
) -> tuple[bool, Mover] | None:
    """The change of one KPI of one queue or team, or None when it is below notice."""
    spec = SPECS[key]
    delta = now - then
    if abs(delta) < MIN_MOVE[spec.unit]:
        return None
    if spec.unit == "fraction":
        score = delta * 100
    elif then == 0:
        return None
    else:
        score = delta / abs(then) * 100
    improved = (delta > 0) == bool(spec.higher_is_better)
    change = wording.change_text(delta, delta / then if then else None, spec.unit)
    sentence = (
        f"{name} ({kind}): {spec.label.lower()} {change}, from {wording.value_text(then, spec.unit)} in "
        f"{previous_label} to {wording.value_text(now, spec.unit)}."
    )
    return improved, Mover(
        kind, name, key, spec.label, spec.unit, then, now, abs(score), sentence, change or ""
    )


def movers(
    groups: Iterable[tuple[str, Sequence[Row], Sequence[Row]]],
    names: Mapping[str, str],
    previous_label: str,
    min_contacts: int = DEFAULT_MIN_CONTACTS,
) -> tuple[list[Mover], list[Mover]]:
    """The largest improvements and declines (``MOVERS`` each, largest first) of
    (kind, current rows, previous rows) groups; kind is "queue" or "team", the rows' key."""
    found: list[tuple[bool, Mover]] = []
    for kind, rows, before_rows in groups:
        before = {r[kind]: r for r in before_rows}
        volume = "offered" if kind == "queue" else "answered"
        for r in rows:
            b = before.get(r[kind])
            if r[kind] is None or b is None:
                continue
            if min(int(r.get(volume) or 0), int(b.get(volume) or 0)) < min_contacts:
                continue
            name = names.get(str(r[kind]), str(r[kind]))
            for key in MOVER_KPIS[kind]:
                now, then = num(r, key), num(b, key)
                if now is not None and then is not None:
                    move = _mover(kind, name, key, now, then, previous_label)
                    if move is not None:
                        found.append(move)
    improvements = sorted((m for ok, m in found if ok), key=lambda m: (-m.score, m.name, m.kpi))
    declines = sorted((m for ok, m in found if not ok), key=lambda m: (-m.score, m.name, m.kpi))
    return improvements[:MOVERS], declines[:MOVERS]
