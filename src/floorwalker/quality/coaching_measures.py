"""Coaching measures: an agent's metrics over a period and the goal that applies to them,
metric shortfalls as session evidence, the before/after effect check and the supervisor's
coaching queue. Scope and roles as in ``coaching_service``; writes are audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics import service as metrics_service
from floorwalker.metrics import target_service, targets
from floorwalker.org.models import Employee, Site, Team
from floorwalker.quality import coaching
from floorwalker.quality.coaching_models import CoachingEvidence, CoachingSession
from floorwalker.quality.coaching_service import (
    COACH_ROLES,
    _coached_session,
    coachable_agents,
    employee,
    get_session,
)
from floorwalker.quality.models import Evaluation

#: QA score goal of the coaching queue when none is given (a fraction, 0–1).
DEFAULT_QA_GOAL = 0.80


def _site_and_team(session: Session, employee: Employee) -> tuple[str | None, str | None]:
    site = session.get(Site, employee.site_id)
    team = session.get(Team, employee.team_id) if employee.team_id is not None else None
    return (site.code if site else None), (team.name if team else None)


def agent_metric(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    employee: Employee,
    kpi: str,
    start: date,
    end: date,
) -> coaching.Side:
    """The agent's value of ``kpi`` over site-local days ``start`` … ``end`` and the count
    behind it (evaluations for ``qa_score`` by evaluation date; contacts or survey
    responses from the metrics cube otherwise)."""
    if kpi not in coaching.METRICS:
        raise InvalidInput(f"kpi: one of {', '.join(coaching.METRICS)}", field="kpi")
    if kpi == "qa_score":
        scores = session.scalars(
            select(Evaluation.score).where(
                Evaluation.agent_id == employee.id,
                Evaluation.evaluated_at >= datetime.combine(start, time(0)),
                Evaluation.evaluated_at < datetime.combine(end + timedelta(days=1), time(0)),
            )
        ).all()
        return coaching.Side(coaching.mean(list(scores)), len(scores))
    if employee.agent_code is None:
        return coaching.Side(None, 0)
    rows = metrics_service.cube(
        session,
        warehouse,
        actor,
        metrics_service.CubeRequest(
            start=start, end=end, by=("agent",), agents=(employee.agent_code,), customer=True
        ),
    )
    row = next((r for r in rows if r.get("agent") == employee.agent_code), None)
    if row is None:
        return coaching.Side(None, 0)
    return coaching.Side(row.get(kpi), int(row.get(coaching.METRICS[kpi][1]) or 0))


def goal_for(
    session: Session, employee: Employee, kpi: str, qa_goal: float = DEFAULT_QA_GOAL
) -> float | None:
    """The goal that applies to the agent: the most specific stored KPI target (team, then
    site, then all); for ``qa_score`` the given QA goal."""
    if kpi == "qa_score":
        return qa_goal
    site, team = _site_and_team(session, employee)
    found = targets.applicable(target_service.current_targets(session), kpi, site=site, team=team)
    return found.goal if found else None


def attach_shortfall(
    session: Session, warehouse: Connection, actor: Actor, session_id: int, kpi: str, start: date, end: date
) -> CoachingEvidence:
    """Attach the agent's value of ``kpi`` over ``start`` … ``end`` against the goal that
    applies to them, as computed now (the evidence keeps the numbers it was shown)."""
    row = _coached_session(session, actor, session_id)
    if end < start:
        raise InvalidInput("to: the last day is before the first", field="to")
    agent = employee(session, row.agent_id)
    side = agent_metric(session, warehouse, actor, agent, kpi, start, end)
    goal = goal_for(session, agent, kpi)
    if goal is None:
        raise InvalidInput(
            f"kpi: no target for {kpi} covers this agent (set one on the Targets page)", field="kpi"
        )
    evidence = CoachingEvidence(
        session_id=row.id,
        kind="metric",
        kpi=kpi,
        value=side.value,
        goal=goal,
        n=side.n,
        period_start=start,
        period_end=end,
        added_by=actor.username,
        added_at=clock.utcnow(),
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor,
        "attach",
        "coaching_evidence",
        evidence.id,
        {"session_id": session_id, "kpi": kpi, "value": side.value, "goal": goal, "n": side.n},
    )
    session.commit()
    return evidence


# --- effect check -------------------------------------------------------------------------------------

DEFAULT_EFFECT_METRICS = ("qa_score", "aht_s", "fcr", "csat")


def effect_check(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    session_id: int,
    *,
    weeks: int = 4,
    metrics: Sequence[str] = DEFAULT_EFFECT_METRICS,
) -> tuple[coaching.Windows, list[coaching.Effect]]:
    """The agent's metrics over ``weeks`` weeks before vs after the session day."""
    row = get_session(session, actor, session_id)
    try:
        w = coaching.windows(row.session_date, weeks)
    except coaching.CoachingError as exc:
        raise InvalidInput(str(exc), field="weeks") from None
    agent = employee(session, row.agent_id)
    out = []
    for kpi in metrics:
        before = agent_metric(session, warehouse, actor, agent, kpi, w.before_start, w.before_end)
        after = agent_metric(session, warehouse, actor, agent, kpi, w.after_start, w.after_end)
        out.append(coaching.effect(kpi, before, after))
    return w, out


# --- the coaching queue -----------------------------------------------------------------------------


def queue(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    kpi: str,
    today: date,
    days: int = 30,
    weeks: int = 4,
    qa_goal: float = DEFAULT_QA_GOAL,
) -> list[coaching.QueueEntry]:
    """Agents the actor coaches who are under goal on ``kpi`` over the last ``weeks`` weeks
    (to yesterday) and had no session (planned or held) in the last ``days`` days,
    ordered by relative shortfall."""
    if actor.role not in COACH_ROLES:
        raise PermissionDenied(f"role {actor.role} has no coaching queue")
    if kpi not in coaching.METRICS:
        raise InvalidInput(f"kpi: one of {', '.join(coaching.METRICS)}", field="kpi")
    if days < 0 or weeks < 1:
        raise InvalidInput("days: not negative; weeks: at least 1", field="days")
    start, end = today - timedelta(days=7 * weeks), today - timedelta(days=1)
    agents = coachable_agents(session, actor)
    last = dict(
        session.execute(
            select(CoachingSession.agent_id, func.max(CoachingSession.session_date))
            .where(CoachingSession.status != "cancelled", CoachingSession.session_date <= today)
            .group_by(CoachingSession.agent_id)
        ).all()
    )
    values: dict[int, coaching.Side] = {}
    if kpi == "qa_score":
        for agent in agents:
            values[agent.id] = agent_metric(session, warehouse, actor, agent, kpi, start, end)
    else:
        codes = {a.agent_code: a.id for a in agents if a.agent_code}
        if codes:
            rows = metrics_service.cube(
                session,
                warehouse,
                actor,
                metrics_service.CubeRequest(
                    start=start,
                    end=end,
                    by=("agent",),
                    agents=tuple(sorted(codes)),
                    customer=kpi in ("fcr", "csat"),
                ),
            )
            for r in rows:
                if r.get("agent") in codes:
                    count = int(r.get(coaching.METRICS[kpi][1]) or 0)
                    values[codes[r["agent"]]] = coaching.Side(r.get(kpi), count)
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    candidates = [
        coaching.Candidate(
            employee_id=a.id,
            name=a.full_name,
            team=teams.get(a.team_id) if a.team_id is not None else None,
            value=values.get(a.id, coaching.Side(None, 0)).value,
            n=values.get(a.id, coaching.Side(None, 0)).n,
            goal=goal_for(session, a, kpi, qa_goal),
            last_session=last.get(a.id),
        )
        for a in agents
    ]
    return coaching.coaching_queue(kpi, candidates, today, days)
