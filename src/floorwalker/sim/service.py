"""What-if use cases: build a site's baseline week from the warehouse, run changes against
it, and keep named scenarios. Roles: managers and admins run, save and delete; supervisors
run and read (running writes nothing). Writes are audited."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.contacts.models import agent_states, contacts
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.metrics import service as metrics_service
from floorwalker.org.models import Employee, EmployeeSkill, Queue, Site, Team
from floorwalker.sim import history, whatif
from floorwalker.sim.models import SimScenario

INTERVAL_MIN = 30
MAX_REPLICATIONS = 100


def can_read(actor: Actor) -> bool:
    return actor.role in ("admin", "manager", "supervisor")


def can_write(actor: Actor) -> bool:
    return actor.role in ("admin", "manager")


def _need_read(actor: Actor) -> None:
    if not can_read(actor):
        raise PermissionDenied(f"role {actor.role} cannot use the what-if simulator")


def need_write(actor: Actor) -> None:
    if not can_write(actor):
        raise PermissionDenied(f"role {actor.role} cannot save or delete what-if scenarios")


def sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.name)))


def _site(session: Session, code: str) -> Site:
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise InvalidInput(f"site: no site with code {code!r}", field="site")
    return site


def _check_week(week: date, days: int) -> None:
    if week.weekday() != 0:
        raise InvalidInput(
            f"week: {week.isoformat()} is a {week.strftime('%A')}; choose a Monday", field="week"
        )
    if not 1 <= days <= 7:
        raise InvalidInput("days: must be 1 … 7", field="days")


def load_baseline(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    site: str,
    week: date,
    days: int = 7,
    handle_model: str = "lognormal",
    replications: int = 10,
    seed: int = 1,
) -> history.Baseline:
    """The history-based baseline of ``site`` for ``days`` days from the Monday ``week``."""
    _need_read(actor)
    _check_week(week, days)
    st = _site(session, site)
    interval_s = INTERVAL_MIN * 60
    intervals = days * 24 * 3600 // interval_s
    start = datetime.combine(week, time(0))
    end = start + timedelta(days=days)

    org_queues = list(session.scalars(select(Queue).where(Queue.site_id == st.id)))
    infos = [
        history.QueueInfo(q.code, q.channel, q.sl_threshold_s, q.concurrency, q.wrapup_s) for q in org_queues
    ]
    cube = metrics_service.cube(
        session,
        warehouse,
        actor,
        metrics_service.CubeRequest(
            start=week,
            end=week + timedelta(days=days - 1),
            by=("queue", f"interval{INTERVAL_MIN}"),
            sites=(site,),
        ),
    )
    offered: dict[str, list[float]] = {}
    for row in cube:
        local = datetime.fromisoformat(str(row[f"interval{INTERVAL_MIN}"])).replace(tzinfo=None)
        i = int((local - start).total_seconds() // interval_s)
        if 0 <= i < intervals:  # a DST day's repeated hour adds into the same local interval
            offered.setdefault(str(row["queue"]), [0.0] * intervals)[i] += float(row["offered"])

    c = contacts.c
    rows = warehouse.execute(
        select(c.queue, c.outcome, c.wait_s, c.talk_s, c.hold_s, c.wrapup_s, c.agent).where(
            c.site == site, c.direction == "inbound", c.arrived_local >= start, c.arrived_local < end
        )
    )
    contact_rows = [history.ContactRow(*r) for r in rows]
    s = agent_states.c
    state_rows = [
        history.StateRow(r.agent, r.state, (r.started_local - start).total_seconds(), float(r.duration_s))
        for r in warehouse.execute(
            select(s.agent, s.state, s.started_local, s.duration_s).where(
                s.site == site, s.started_local >= start - timedelta(days=1), s.started_local < end
            )
        )
    ]
    skill_queues: dict[int, list[str]] = {}
    for q in org_queues:
        if q.skill_id is not None:
            skill_queues.setdefault(q.skill_id, []).append(q.code)
    agents: dict[str, history.AgentInfo] = {}
    team_names: dict[int, str] = {row.id: row.name for row in session.execute(select(Team.id, Team.name))}
    employees = session.scalars(select(Employee).where(Employee.agent_code.is_not(None)))
    skills_of: dict[int, dict[str, int]] = {}
    for es in session.scalars(select(EmployeeSkill)):
        for code in skill_queues.get(es.skill_id, []):
            skills_of.setdefault(es.employee_id, {})[code] = 6 - es.proficiency
    for e in employees:
        assert e.agent_code is not None
        team = team_names.get(e.team_id) if e.team_id is not None else None
        agents[e.agent_code] = history.AgentInfo(e.agent_code, team, skills_of.get(e.id, {}))
    return history.build_baseline(
        interval_s=interval_s,
        intervals=intervals,
        queues=infos,
        offered=offered,
        contacts=contact_rows,
        states=state_rows,
        agents=agents,
        handle_model=handle_model,
        replications=replications,
        seed=seed,
    )


def baseline_names(
    session: Session, warehouse: Connection, actor: Actor, *, site: str, week: date, days: int
) -> dict[str, list[str]] | None:
    """The queues, groups and teams a change may name for this week (no simulation); None
    when the week has no baseline (the run will say why)."""
    try:
        base = load_baseline(session, warehouse, actor, site=site, week=week, days=days)
    except InvalidInput:
        return None
    return {
        "queues": [q.name for q in base.scenario.queues],
        "groups": [g.name for g in base.scenario.groups],
        "teams": sorted({t for t in base.group_teams.values() if t}),
    }


def run(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    site: str,
    week: date,
    changes: list[Any],
    days: int = 7,
    replications: int = 10,
    seed: int = 1,
) -> dict[str, Any]:
    """Baseline and scenario side by side (see :func:`floorwalker.sim.whatif.compare`), with
    the normalised changes, the baseline's notes, queues and groups."""
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise InvalidInput(f"replications: must be 2 … {MAX_REPLICATIONS}", field="replications")
    base = load_baseline(session, warehouse, actor, site=site, week=week, days=days, seed=seed)
    scenario, parsed = whatif.apply_changes(base, changes)
    out = whatif.compare(base.scenario, scenario, replications, seed)
    out.update(
        site=site,
        week=week.isoformat(),
        days=days,
        changes=parsed,
        described=[whatif.describe(c) for c in parsed],
        notes=list(base.notes),
        queues=[q.name for q in base.scenario.queues],
        groups=[g.name for g in base.scenario.groups],
        teams=sorted({t for t in base.group_teams.values() if t}),
    )
    return out


# --- saved scenarios ---------------------------------------------------------------------


def save(
    session: Session,
    actor: Actor,
    *,
    name: str,
    description: str,
    site: str,
    week: date,
    days: int,
    replications: int,
    seed: int,
    changes: list[Any],
    results: dict[str, Any] | None,
) -> SimScenario:
    """Keep a named scenario (its changes are checked; names are unique)."""
    need_write(actor)
    name = name.strip()
    if not name:
        raise InvalidInput("name: must not be empty", field="name")
    _check_week(week, days)
    _site(session, site)
    parsed = [whatif.parse_change(c, i) for i, c in enumerate(changes)]
    if session.scalar(select(SimScenario.id).where(SimScenario.name == name)) is not None:
        raise Conflict(f"name: a scenario called {name!r} already exists", field="name")
    row = SimScenario(
        name=name,
        description=description.strip(),
        site=site,
        week=week,
        days=days,
        replications=replications,
        seed=seed,
        changes=parsed,
        results=results,
        created_by=actor.username,
        created_at=clock.utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "sim_scenario",
        row.id,
        {"name": name, "site": site, "week": week.isoformat(), "changes": parsed},
    )
    session.commit()
    return row


def list_saved(session: Session, actor: Actor) -> list[SimScenario]:
    _need_read(actor)
    return list(
        session.scalars(select(SimScenario).order_by(SimScenario.created_at.desc(), SimScenario.id.desc()))
    )


def get_saved(session: Session, actor: Actor, scenario_id: int) -> SimScenario:
    _need_read(actor)
    row = session.get(SimScenario, scenario_id)
    if row is None:
        raise NotFound(f"no saved scenario {scenario_id}")
    return row


def delete_saved(session: Session, actor: Actor, scenario_id: int) -> None:
    need_write(actor)
    row = get_saved(session, actor, scenario_id)
    audit.record(session, actor, "delete", "sim_scenario", row.id, {"name": row.name})
    session.delete(row)
    session.commit()
