"""Sampling plans on real data: read a week's answered contacts, their survey answers and
the customers' later contacts from the warehouse, leave out what is already evaluated,
and pick with sampling.py. QA roles only (read-only: nothing is written)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import contacts, survey_responses
from floorwalker.errors import InvalidInput
from floorwalker.quality import autocheck
from floorwalker.quality.models import Evaluation
from floorwalker.quality.sampling import Candidate, LaterContact, Sampled, SamplingPlan, sample, week_of
from floorwalker.quality.scorecard import Scorecard as ScorecardDefinition
from floorwalker.quality.service import require_qa


def sample_contacts(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    plan: SamplingPlan,
    first_week: date,
    weeks: int = 1,
    scorecard: ScorecardDefinition | None = None,
) -> list[Sampled]:
    """Contacts to evaluate under ``plan`` for the local weeks from ``first_week`` (a
    Monday). Contacts already evaluated are never picked again and count towards their
    agent's N for that week. With ``scorecard``, its transcript rules feed the
    ``transcript_rule_failed`` flag (sentiment needs no scorecard)."""
    require_qa(actor, "sample contacts")
    if first_week.weekday() != 0:
        raise InvalidInput(f"week: {first_week.isoformat()} is not a Monday", field="week")
    if not 1 <= weeks <= 53:
        raise InvalidInput(f"weeks: {weeks} is not 1–53", field="weeks")
    start = datetime.combine(first_week, datetime.min.time())
    end = start + timedelta(weeks=weeks)
    worst_survey = (
        select(
            survey_responses.c.contact_id,
            func.min(survey_responses.c.score).label("score"),
            func.max(survey_responses.c.scale_max).label("scale_max"),
        )
        .where(survey_responses.c.kind == "csat", survey_responses.c.contact_id.is_not(None))
        .group_by(survey_responses.c.contact_id)
        .subquery()
    )
    handle = (
        func.coalesce(contacts.c.talk_s, 0.0)
        + func.coalesce(contacts.c.hold_s, 0.0)
        + func.coalesce(contacts.c.wrapup_s, 0.0)
    )
    rows = warehouse.execute(
        select(
            contacts.c.contact_id,
            contacts.c.agent,
            contacts.c.queue,
            contacts.c.arrived_at,
            contacts.c.arrived_local,
            contacts.c.talk_s,
            handle.label("handle_s"),
            contacts.c.customer_key,
            contacts.c.outcome,
            contacts.c.disposition,
            contacts.c.previous_contact_id,
            worst_survey.c.score,
            worst_survey.c.scale_max,
            contacts.c.transcript,
        )
        .select_from(contacts.outerjoin(worst_survey, worst_survey.c.contact_id == contacts.c.contact_id))
        .where(
            contacts.c.agent.is_not(None),
            contacts.c.outcome.in_(("answered", "transferred")),
            contacts.c.arrived_local >= start,
            contacts.c.arrived_local < end,
        )
    ).all()
    candidates = [
        Candidate(
            contact_id=r.contact_id,
            agent=r.agent,
            queue=r.queue,
            arrived_at=r.arrived_at,
            arrived_local=r.arrived_local,
            handle_s=None if r.talk_s is None else float(r.handle_s),
            customer_key=r.customer_key,
            outcome=r.outcome,
            disposition=r.disposition,
            previous_contact_id=r.previous_contact_id,
            survey_score=None if r.score is None else float(r.score),
            survey_scale_max=None if r.scale_max is None else float(r.scale_max),
            transcript_flags=_transcript_flags(r.transcript, scorecard, plan),
        )
        for r in rows
    ]
    later: list[LaterContact] = []
    if "repeat" in plan.flags and plan.strategy == "targeted":
        customers = contacts.c.customer_key
        window_end = end + timedelta(seconds=plan.repeat_window_s)
        later = [
            LaterContact(r.contact_id, r.customer_key, r.arrived_at, r.previous_contact_id)
            for r in warehouse.execute(
                select(
                    contacts.c.contact_id, customers, contacts.c.arrived_at, contacts.c.previous_contact_id
                ).where(
                    customers.is_not(None),
                    contacts.c.arrived_at >= start - timedelta(days=1),
                    contacts.c.arrived_at < window_end,
                )
            )
        ]
    ids = [c.contact_id for c in candidates]
    evaluated: set[int] = set()
    for chunk in range(0, len(ids), 5000):
        evaluated.update(
            session.scalars(
                select(Evaluation.contact_id).where(Evaluation.contact_id.in_(ids[chunk : chunk + 5000]))
            )
        )
    already: Counter[tuple[str, date]] = Counter(
        (c.agent, week_of(c.arrived_local)) for c in candidates if c.contact_id in evaluated
    )
    return sample(candidates, plan, later=later, exclude=evaluated, already=already)


def _transcript_flags(
    transcript: str | None, scorecard: ScorecardDefinition | None, plan: SamplingPlan
) -> frozenset[str]:
    if not transcript or plan.strategy != "targeted":
        return frozenset()
    if not {"negative_sentiment", "transcript_rule_failed"} & set(plan.flags):
        return frozenset()
    return autocheck.flags(scorecard, transcript)
