"""QA analytics against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from floorwalker.quality.analytics import (
    EvaluationRecord,
    criterion_scores,
    customer_link,
    evaluator_stats,
    group_scores,
    pareto,
    pearson,
    week_start,
)


def rec(
    i: int, agent: int, evaluator: str, score: float, failed: bool = False, **criteria: bool
) -> EvaluationRecord:
    return EvaluationRecord(
        evaluation_id=i,
        contact_id=100 + i,
        agent_id=agent,
        evaluator=evaluator,
        day=date(2026, 11, 2 + i),
        score=score,
        failed=failed,
        criteria_failed=criteria,
        team_id=1 if agent < 3 else 2,
    )


RECORDS = [
    rec(1, 1, "ann", 0.9, greeting=False, resolved=False),
    rec(2, 1, "bob", 0.7, greeting=False, resolved=True),
    rec(3, 2, "ann", 0.8, greeting=True, resolved=True),
    rec(4, 2, "bob", 0.6, greeting=False, resolved=True, verify=True),
    rec(5, 3, "bob", 0.0, True, verify=True),
]


def test_group_scores() -> None:
    by_agent = {g.key: g for g in group_scores(RECORDS, lambda r: r.agent_id)}
    assert by_agent[1].evaluations == 2 and by_agent[1].mean_score == pytest.approx(0.8)
    assert by_agent[3].failed_share == 1.0
    by_team = {g.key: g for g in group_scores(RECORDS, lambda r: r.team_id)}
    assert by_team[1].mean_score == pytest.approx(0.75) and by_team[2].evaluations == 1
    # 2026-11-03 … 11-07 are Tue–Sat of the week of Monday 2 November
    assert [g.key for g in group_scores(RECORDS, lambda r: week_start(r.day))] == [date(2026, 11, 2)]


def test_pareto() -> None:
    # failures: resolved 3 (of 4), verify 2 (of 2), greeting 1 (of 4); total 6
    rows = pareto(RECORDS)
    assert [(r.criterion, r.failures, r.answered) for r in rows] == [
        ("resolved", 3, 4),
        ("verify", 2, 2),
        ("greeting", 1, 4),
    ]
    assert [r.cumulative_share for r in rows] == pytest.approx([0.5, 5 / 6, 1.0])
    assert rows[0].failure_rate == 0.75
    assert criterion_scores(RECORDS)["greeting"] == (4, 0.75)


def test_evaluator_leniency_on_the_same_agents() -> None:
    stats = {s.evaluator: s for s in evaluator_stats(RECORDS)}
    # ann: agent 1 0.9 vs bob's 0.7 → +0.2; agent 2 0.8 vs 0.6 → +0.2 → leniency +0.2
    assert stats["ann"].leniency == pytest.approx(0.2) and stats["ann"].mean_score == pytest.approx(0.85)
    # bob: −0.2, −0.2 and agent 3 (nobody else scored) left out → −0.2
    assert stats["bob"].leniency == pytest.approx(-0.2) and stats["bob"].evaluations == 3
    alone = evaluator_stats([rec(9, 5, "cy", 0.5)])
    assert alone[0].leniency is None


def test_pearson() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # x = 1..5, y = 2,1,4,3,5: Sxy = 8, Sxx = Syy = 10 → r = 0.8
    assert pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1, 2], [1, 2]) is None


def test_customer_link() -> None:
    csat = {101: 1.0, 102: 0.5, 103: 0.75, 199: 0.0}
    fcr = {101: True, 102: False, 103: True, 104: False}
    link = customer_link(RECORDS, csat, fcr)
    assert link.pairs_csat == 3
    # scores 0.9, 0.7, 0.8 against 1.0, 0.5, 0.75: deviations (0.1, −0.1, 0) and (0.25, −0.25, 0)
    assert link.csat_correlation == pytest.approx(1.0)
    assert (link.resolved_first_time, link.repeated) == (2, 2)
    assert link.mean_score_resolved == pytest.approx(0.85) and link.mean_score_repeated == pytest.approx(0.65)
