"""QA analytics over stored evaluations. Pure: plain records in, plain numbers out.

* **Scores by** agent, team, criterion or period: count, mean score (fraction), share
  failed (critical failures).
* **Most failed criteria** (Pareto): failures per criterion (answers that failed; N/A never
  fails), most first, with the cumulative share of all failures — the few criteria that
  make most of the failures are where coaching pays.
* **Evaluator statistics**: volume, mean score given, and *leniency*: the mean, over the
  evaluator's evaluations, of (score − the mean score other evaluators gave the same
  agent). Comparing on the same agents keeps an evaluator who happens to review strong
  agents from looking lenient. None when no other evaluator scored those agents.
* **QA and the customer**: for contacts that have both, the Pearson correlation of the QA
  score with the CSAT answer (scaled 0–1 on its scale), and the mean QA score of contacts
  resolved first time against those followed by a repeat contact (FCR as spec/kpis.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class EvaluationRecord:
    """One evaluation's current scoring."""

    evaluation_id: int
    contact_id: int
    agent_id: int
    evaluator: str
    #: Local date of the evaluation (or of the contact, as the caller chooses).
    day: date
    score: float
    failed: bool
    #: criterion id → the answer failed (scoring criteria answered; N/A left out)
    criteria_failed: Mapping[str, bool] = field(default_factory=dict)
    team_id: int | None = None


@dataclass(frozen=True)
class GroupStats:
    key: Hashable
    evaluations: int
    mean_score: float
    failed_share: float


@dataclass(frozen=True)
class ParetoRow:
    criterion: str
    failures: int
    answered: int
    #: failures / answered
    failure_rate: float
    #: share of all failures up to and including this criterion
    cumulative_share: float


@dataclass(frozen=True)
class EvaluatorStats:
    evaluator: str
    evaluations: int
    mean_score: float
    leniency: float | None


def group_scores(
    records: Sequence[EvaluationRecord], key: Callable[[EvaluationRecord], Hashable]
) -> list[GroupStats]:
    """Count, mean score and failed share per key (records whose key is None left out),
    ordered by key."""
    groups: dict[Hashable, list[EvaluationRecord]] = defaultdict(list)
    for r in records:
        k = key(r)
        if k is not None:
            groups[k].append(r)
    return [
        GroupStats(k, len(rs), math.fsum(r.score for r in rs) / len(rs), sum(r.failed for r in rs) / len(rs))
        for k, rs in sorted(groups.items(), key=lambda item: str(item[0]))
    ]


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())


def criterion_scores(records: Sequence[EvaluationRecord]) -> dict[str, tuple[int, float]]:
    """criterion → (answered, pass rate)."""
    answered: dict[str, int] = defaultdict(int)
    passed: dict[str, int] = defaultdict(int)
    for r in records:
        for criterion, failed in r.criteria_failed.items():
            answered[criterion] += 1
            passed[criterion] += 0 if failed else 1
    return {c: (n, passed[c] / n) for c, n in sorted(answered.items())}


def pareto(records: Sequence[EvaluationRecord]) -> list[ParetoRow]:
    """Criteria by failures, most first (ties by name); criteria that never failed last."""
    answered: dict[str, int] = defaultdict(int)
    failures: dict[str, int] = defaultdict(int)
    for r in records:
        for criterion, failed in r.criteria_failed.items():
            answered[criterion] += 1
            failures[criterion] += 1 if failed else 0
    total = sum(failures.values())
    rows = []
    running = 0
    for criterion in sorted(answered, key=lambda c: (-failures[c], c)):
        running += failures[criterion]
        rows.append(
            ParetoRow(
                criterion,
                failures[criterion],
                answered[criterion],
                failures[criterion] / answered[criterion],
                running / total if total else 0.0,
            )
        )
    return rows


def evaluator_stats(records: Sequence[EvaluationRecord]) -> list[EvaluatorStats]:
    """Volume, mean given and leniency against peers on the same agents."""
    by_agent: dict[int, list[EvaluationRecord]] = defaultdict(list)
    by_evaluator: dict[str, list[EvaluationRecord]] = defaultdict(list)
    for r in records:
        by_agent[r.agent_id].append(r)
        by_evaluator[r.evaluator].append(r)
    stats = []
    for evaluator, own in sorted(by_evaluator.items()):
        diffs = []
        for r in own:
            peers = [p.score for p in by_agent[r.agent_id] if p.evaluator != evaluator]
            if peers:
                diffs.append(r.score - math.fsum(peers) / len(peers))
        stats.append(
            EvaluatorStats(
                evaluator,
                len(own),
                math.fsum(r.score for r in own) / len(own),
                math.fsum(diffs) / len(diffs) if diffs else None,
            )
        )
    return stats


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than 3 pairs or no variation in either."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("pearson: the two series differ in length")
    if n < 3:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


@dataclass(frozen=True)
class CustomerLink:
    pairs_csat: int
    #: Pearson r of QA score and CSAT (scaled 0–1); None with fewer than 3 pairs.
    csat_correlation: float | None
    resolved_first_time: int
    repeated: int
    mean_score_resolved: float | None
    mean_score_repeated: float | None


def customer_link(
    records: Sequence[EvaluationRecord],
    csat: Mapping[int, float],
    first_time_resolved: Mapping[int, bool],
) -> CustomerLink:
    """``csat``: contact → CSAT answer scaled to 0–1 ((score − min)/(max − min));
    ``first_time_resolved``: contact → no repeat contact within the FCR window (known
    customers only)."""
    with_csat = [(r.score, csat[r.contact_id]) for r in records if r.contact_id in csat]
    resolved = [r.score for r in records if first_time_resolved.get(r.contact_id) is True]
    repeated = [r.score for r in records if first_time_resolved.get(r.contact_id) is False]
    return CustomerLink(
        pairs_csat=len(with_csat),
        csat_correlation=pearson([a for a, _ in with_csat], [b for _, b in with_csat]),
        resolved_first_time=len(resolved),
        repeated=len(repeated),
        mean_score_resolved=math.fsum(resolved) / len(resolved) if resolved else None,
        mean_score_repeated=math.fsum(repeated) / len(repeated) if repeated else None,
    )
