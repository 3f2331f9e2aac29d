"""Build the demo center into the stores: organisation through the org service (audited like
any other write), contacts and states through the warehouse bulk loader, one login per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from floorwalker.auth import service as auth_service
from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM
from floorwalker.auth.schemas import UserCreate
from floorwalker.contacts import service as contacts_service
from floorwalker.contacts.models import agent_states, contacts, survey_responses
from floorwalker.db import get_engine, operational_session
from floorwalker.demo import generator
from floorwalker.errors import Conflict
from floorwalker.org import schemas
from floorwalker.org import service as org_service
from floorwalker.settings import Settings
from floorwalker.stores import init_stores, reset_stores

DEMO_SOURCE = "demo"
DEMO_PASSWORD = "floorwalker-demo"  # noqa: S105 - published demo logins, printed on start


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    who: str


@dataclass(frozen=True)
class DemoSummary:
    site: str
    time_zone: str
    employees: int
    teams: int
    queues: int
    contacts: int
    agent_states: int
    survey_responses: int
    logins: list[DemoLogin]


def real_work_present(settings: Settings) -> str | None:
    """Why the stores look like a real center the demo must not erase, or None.

    Real: contacts from any source but the demo, or any change made by a signed-in person
    (the demo writes everything as "system"; people signing in to look around is fine).
    A fresh install whose only act was `users create` is not real work yet."""
    with get_engine(settings.resolved_warehouse_url).connect() as connection:
        if (
            connection.dialect.has_table(connection, "contacts")
            and connection.execute(
                select(contacts.c.contact_id).where(contacts.c.source != DEMO_SOURCE).limit(1)
            ).first()
        ):
            return "the warehouse holds imported contacts"
    with get_engine(settings.resolved_database_url).connect() as connection:
        if (
            connection.dialect.has_table(connection, "audit_log")
            and connection.execute(
                select(AuditEntry.username)
                .where(AuditEntry.username != SYSTEM.username, AuditEntry.action != "login")
                .limit(1)
            ).first()
        ):
            return "people have made changes in this center (see the audit log)"
    return None


def build_demo(
    settings: Settings,
    *,
    seed: int,
    now: datetime,
    time_zone: str,
    days: int = 90,
    force: bool = False,
    progress: Callable[[str], None] = lambda _step: None,
) -> DemoSummary:
    """Replace the stores' content with the demo center. Refuses to wipe real imported
    contacts unless ``force``."""
    reason = None if force else real_work_present(settings)
    if reason:
        raise Conflict(
            f"{reason}; building the demo would erase it. "
            "Use another FLOORWALKER_DATA (or store URLs), or --force."
        )
    progress("simulating the center")
    center = generator.generate(seed=seed, end=now, days=days, time_zone=time_zone)
    progress("writing the organisation")
    reset_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)

    with operational_session(settings.resolved_database_url) as session:
        s = center.site
        site = org_service.create_site(
            session,
            SYSTEM,
            schemas.SiteCreate(
                code=s.code,
                name=s.name,
                time_zone=s.time_zone,
                business_hours={d: [list(p) for p in ps] for d, ps in s.business_hours.items()},
            ),
        )
        skill_ids = {
            k.name: org_service.create_skill(
                session, SYSTEM, schemas.SkillCreate(name=k.name, description=k.description)
            ).id
            for k in center.skills
        }
        for q in center.queues:
            org_service.create_queue(
                session,
                SYSTEM,
                schemas.QueueCreate(
                    code=q.code,
                    name=q.name,
                    channel=q.channel,
                    site_id=site.id,
                    skill_id=skill_ids[q.skill],
                    sl_threshold_s=q.sl_threshold_s,
                    short_abandon_s=q.short_abandon_s,
                    sl_formula=q.sl_formula,
                    concurrency=q.concurrency,
                    wrapup_s=q.wrapup_s,
                ),
            )
        team_ids = {
            t.name: org_service.create_team(
                session, SYSTEM, schemas.TeamCreate(name=t.name, site_id=site.id)
            ).id
            for t in center.teams
        }
        employee_ids: dict[str, int] = {}
        for e in center.employees:
            employee = org_service.create_employee(
                session,
                SYSTEM,
                schemas.EmployeeCreate(
                    full_name=e.full_name,
                    email=e.email,
                    agent_code=e.agent_code,
                    role=e.role,
                    site_id=site.id,
                    team_id=team_ids.get(e.team) if e.team else None,
                    hire_date=e.hire_date,
                    status=e.status,
                    contract_hours_per_week=e.contract_hours_per_week,
                    leave_date=e.leave_date,
                    leave_reason=e.leave_reason,
                ),
            )
            employee_ids[e.key] = employee.id
            for skill, proficiency in e.skills.items():
                org_service.set_employee_skill(
                    session,
                    SYSTEM,
                    employee.id,
                    schemas.EmployeeSkillSet(skill_id=skill_ids[skill], proficiency=proficiency),
                )
        for t in center.teams:
            org_service.update_team(
                session,
                SYSTEM,
                team_ids[t.name],
                schemas.TeamUpdate(supervisor_id=employee_ids[t.supervisor]),
            )
        logins = _create_logins(session, center, employee_ids)
        _create_targets(session, center)

    progress("loading contacts, agent states and surveys")
    with get_engine(settings.resolved_warehouse_url).begin() as connection:
        counts = {
            table.name: contacts_service.bulk_load(connection, table, rows)
            for table, rows in (
                (contacts, center.contacts),
                (agent_states, center.agent_states),
                (survey_responses, center.survey_responses),
            )
        }
    return DemoSummary(
        site=center.site.name,
        time_zone=center.site.time_zone,
        employees=len(center.employees),
        teams=len(center.teams),
        queues=len(center.queues),
        contacts=counts["contacts"],
        agent_states=counts["agent_states"],
        survey_responses=counts["survey_responses"],
        logins=logins,
    )


#: The demo center's KPI targets (common industry goals), center-wide: (kpi, goal).
DEMO_TARGETS = (
    ("service_level", 0.80),
    ("abandon_rate", 0.05),
    ("csat", 0.85),
    ("occupancy", 0.75),
    ("fcr", 0.70),
)
#: ASA goal of each voice queue, seconds (a center-wide ASA mixes email hours with voice seconds).
DEMO_VOICE_ASA_S = 30.0


def _create_targets(session, center: generator.DemoCenter) -> None:  # type: ignore[no-untyped-def]
    from floorwalker.metrics import target_service
    from floorwalker.metrics.schemas import TargetCreate

    for kpi, goal in DEMO_TARGETS:
        target_service.create_target(session, SYSTEM, TargetCreate(kpi=kpi, goal=goal))
    for q in center.queues:
        if q.channel == "voice":
            target_service.create_target(
                session,
                SYSTEM,
                TargetCreate(kpi="asa_s", goal=DEMO_VOICE_ASA_S, scope_kind="queue", scope_code=q.code),
            )


def _create_logins(session, center: generator.DemoCenter, employee_ids: dict[str, int]) -> list[DemoLogin]:  # type: ignore[no-untyped-def]
    """One login per role: the first team's supervisor and its busiest active agent."""
    first_team = center.teams[0]
    supervisor = next(e for e in center.employees if e.key == first_team.supervisor)
    handled: dict[str, int] = {}
    for code in center.contacts.column("agent").to_pylist():
        if code is not None:
            handled[code] = handled.get(code, 0) + 1
    agents = [
        e
        for e in center.employees
        if e.role == "agent" and e.team == first_team.name and e.status == "active" and e.agent_code
    ]
    agent = max(agents, key=lambda e: handled.get(e.agent_code or "", 0))
    qa = next(e for e in center.employees if e.role == "qa")
    manager = next(e for e in center.employees if e.role == "manager")
    plan = [
        ("admin", "admin", None, "administrator"),
        ("manager", "manager", manager, manager.full_name),
        ("supervisor", "supervisor", supervisor, f"{supervisor.full_name}, leads {first_team.name}"),
        ("qa", "qa", qa, qa.full_name),
        ("agent", "agent", agent, f"{agent.full_name} ({agent.agent_code}) in {first_team.name}"),
    ]
    logins = []
    for role, username, employee, who in plan:
        auth_service.create_user(
            session,
            SYSTEM,
            UserCreate(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                employee_id=employee_ids[employee.key] if employee else None,
            ),
        )
        logins.append(DemoLogin(role, username, DEMO_PASSWORD, who))
    return logins
