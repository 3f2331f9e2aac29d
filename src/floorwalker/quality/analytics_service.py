"""QA analytics on real data: the evaluations in the caller's scope (supervisors: their
teams; agents: their own), re-read through their scorecard versions, joined with the
contacts' CSAT answers and repeat contacts from the warehouse; numbers from analytics.py."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import contacts, survey_responses
from floorwalker.errors import InvalidInput
from floorwalker.org.models import Employee
from floorwalker.quality import analytics
from floorwalker.quality.models import Evaluation, ScorecardVersion
from floorwalker.quality.scorecard import Scorecard, parse_scorecard
from floorwalker.quality.scoring import parse_answers, score_evaluation
from floorwalker.quality.service import evaluation_scope

#: FCR window (spec/kpis.md, default 7 days).
FCR_WINDOW = timedelta(days=7)
_CHUNK = 5000


def _records(
    session: Session, actor: Actor, since: datetime, until: datetime
) -> list[analytics.EvaluationRecord]:
    stmt = evaluation_scope(select(Evaluation), actor).where(
        Evaluation.evaluated_at >= since, Evaluation.evaluated_at < until
    )
    evaluations = session.scalars(stmt.order_by(Evaluation.id)).all()
    cards: dict[int, Scorecard] = {}
    teams: dict[int, int | None] = {}
    if evaluations:
        agent_ids = {e.agent_id for e in evaluations}
        rows = session.execute(select(Employee.id, Employee.team_id).where(Employee.id.in_(agent_ids)))
        teams = {row[0]: row[1] for row in rows}
    records = []
    for e in evaluations:
        if e.scorecard_version_id not in cards:
            version = session.get(ScorecardVersion, e.scorecard_version_id)
            assert version is not None
            cards[e.scorecard_version_id] = parse_scorecard(version.definition)
        card = cards[e.scorecard_version_id]
        # The stored answers passed these checks when saved; re-scoring gives each criterion's result.
        result = score_evaluation(card, parse_answers({"answers": e.answers, "comments": e.comments}, card))
        failed = {
            cid: r.failed for cid, r in result.criteria.items() if card.criteria()[cid].scoring and not r.na
        }
        records.append(
            analytics.EvaluationRecord(
                evaluation_id=e.id,
                contact_id=e.contact_id,
                agent_id=e.agent_id,
                evaluator=e.evaluator_name,
                day=e.evaluated_at.date(),
                score=e.score,
                failed=e.failed,
                criteria_failed=failed,
                team_id=teams.get(e.agent_id),
            )
        )
    return records


def _customer_facts(
    warehouse: Connection, contact_ids: list[int]
) -> tuple[dict[int, float], dict[int, bool]]:
    csat_sum: dict[int, list[float]] = {}
    legs: dict[int, tuple[str, datetime]] = {}
    for start in range(0, len(contact_ids), _CHUNK):
        chunk = contact_ids[start : start + _CHUNK]
        for r in warehouse.execute(
            select(
                survey_responses.c.contact_id,
                survey_responses.c.score,
                survey_responses.c.scale_min,
                survey_responses.c.scale_max,
            ).where(survey_responses.c.kind == "csat", survey_responses.c.contact_id.in_(chunk))
        ):
            if r.scale_max > r.scale_min:
                csat_sum.setdefault(r.contact_id, []).append(
                    (r.score - r.scale_min) / (r.scale_max - r.scale_min)
                )
        for r in warehouse.execute(
            select(contacts.c.contact_id, contacts.c.customer_key, contacts.c.arrived_at).where(
                contacts.c.contact_id.in_(chunk), contacts.c.customer_key.is_not(None)
            )
        ):
            legs[r.contact_id] = (r.customer_key, r.arrived_at)
    csat = {cid: sum(v) / len(v) for cid, v in csat_sum.items()}
    resolved: dict[int, bool] = {}
    customers = sorted({key for key, _ in legs.values()})
    later: dict[str, list[tuple[int, datetime, int | None]]] = {}
    if legs:
        first = min(at for _, at in legs.values())
        last = max(at for _, at in legs.values()) + FCR_WINDOW
        for start in range(0, len(customers), _CHUNK):
            for r in warehouse.execute(
                select(
                    contacts.c.contact_id,
                    contacts.c.customer_key,
                    contacts.c.arrived_at,
                    contacts.c.previous_contact_id,
                ).where(
                    contacts.c.customer_key.in_(customers[start : start + _CHUNK]),
                    contacts.c.arrived_at > first,
                    contacts.c.arrived_at <= last,
                )
            ):
                later.setdefault(r.customer_key, []).append(
                    (r.contact_id, r.arrived_at, r.previous_contact_id)
                )
    for cid, (key, at) in legs.items():
        resolved[cid] = not any(
            other != cid and previous != cid and at < when <= at + FCR_WINDOW
            for other, when, previous in later.get(key, ())
        )
    return csat, resolved


def qa_analytics(
    session: Session, warehouse: Connection, actor: Actor, since: datetime, until: datetime
) -> dict[str, Any]:
    """Every QA analytic for evaluations made in [since, until) (UTC) in the actor's scope."""
    if until <= since:
        raise InvalidInput("until: must be after since", field="until")
    records = _records(session, actor, since, until)
    csat, resolved = _customer_facts(warehouse, sorted({r.contact_id for r in records}))
    link = analytics.customer_link(records, csat, resolved)
    return {
        "evaluations": len(records),
        "by_agent": [asdict(g) for g in analytics.group_scores(records, lambda r: r.agent_id)],
        "by_team": [asdict(g) for g in analytics.group_scores(records, lambda r: r.team_id)],
        "by_week": [
            {**asdict(g), "key": str(g.key)}
            for g in analytics.group_scores(records, lambda r: analytics.week_start(r.day))
        ],
        "by_criterion": {
            c: {"answered": n, "pass_rate": rate}
            for c, (n, rate) in analytics.criterion_scores(records).items()
        },
        "most_failed": [asdict(p) for p in analytics.pareto(records)],
        "evaluators": [asdict(s) for s in analytics.evaluator_stats(records)],
        "customer": asdict(link),
    }
