"""Reads the what-if baselines share: a site's queues and agents from the organisation, and
contact legs from the warehouse. No role checks here: the callers (sim/service.py,
sim/plans_service.py) check the caller first."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from floorwalker.contacts.models import agent_states, contacts
from floorwalker.errors import InvalidInput
from floorwalker.org.models import Employee, EmployeeSkill, Queue, Site, Team
from floorwalker.sim import history


def site(session: Session, code: str) -> Site:
    found = session.scalar(select(Site).where(Site.code == code))
    if found is None:
        raise InvalidInput(f"site: no site with code {code!r}", field="site")
    return found


def org_queues(session: Session, site_id: int) -> list[Queue]:
    return list(session.scalars(select(Queue).where(Queue.site_id == site_id).order_by(Queue.code)))


def queue_infos(queues: list[Queue]) -> list[history.QueueInfo]:
    return [history.QueueInfo(q.code, q.channel, q.sl_threshold_s, q.concurrency, q.wrapup_s) for q in queues]


def agent_infos(session: Session, queues: list[Queue]) -> dict[str, history.AgentInfo]:
    """Every agent code's team and skills on ``queues`` (queue code → level, 6 − proficiency)."""
    skill_queues: dict[int, list[str]] = {}
    for q in queues:
        if q.skill_id is not None:
            skill_queues.setdefault(q.skill_id, []).append(q.code)
    team_names: dict[int, str] = {row.id: row.name for row in session.execute(select(Team.id, Team.name))}
    skills_of: dict[int, dict[str, int]] = {}
    for es in session.scalars(select(EmployeeSkill)):
        for code in skill_queues.get(es.skill_id, []):
            skills_of.setdefault(es.employee_id, {})[code] = 6 - es.proficiency
    agents: dict[str, history.AgentInfo] = {}
    for e in session.scalars(select(Employee).where(Employee.agent_code.is_not(None))):
        assert e.agent_code is not None
        team = team_names.get(e.team_id) if e.team_id is not None else None
        agents[e.agent_code] = history.AgentInfo(e.agent_code, team, skills_of.get(e.id, {}))
    return agents


def contact_rows(
    warehouse: Connection, site_code: str, start: datetime, end: datetime
) -> list[history.ContactRow]:
    """Inbound legs of the site that arrived in [start, end) (naive site-local)."""
    c = contacts.c
    rows = warehouse.execute(
        select(c.queue, c.outcome, c.wait_s, c.talk_s, c.hold_s, c.wrapup_s, c.agent).where(
            c.site == site_code, c.direction == "inbound", c.arrived_local >= start, c.arrived_local < end
        )
    )
    return [history.ContactRow(*r) for r in rows]


def state_rows(
    warehouse: Connection, site_code: str, start: datetime, end: datetime
) -> list[history.StateRow]:
    """Agent-state spans of the site starting in [start − 1 day, end), times from ``start``."""
    s = agent_states.c
    return [
        history.StateRow(r.agent, r.state, (r.started_local - start).total_seconds(), float(r.duration_s))
        for r in warehouse.execute(
            select(s.agent, s.state, s.started_local, s.duration_s).where(
                s.site == site_code, s.started_local >= start - timedelta(days=1), s.started_local < end
            )
        )
    ]


def history_counts(warehouse: Connection, site_code: str, start: datetime, end: datetime) -> tuple[int, int]:
    """(inbound legs, agent-state spans) of the site in [start, end) (naive site-local)."""
    c, s = contacts.c, agent_states.c
    legs = warehouse.scalar(
        select(func.count())
        .select_from(contacts)
        .where(c.site == site_code, c.direction == "inbound", c.arrived_local >= start, c.arrived_local < end)
    )
    spans = warehouse.scalar(
        select(func.count())
        .select_from(agent_states)
        .where(s.site == site_code, s.started_local >= start, s.started_local < end)
    )
    return int(legs or 0), int(spans or 0)
