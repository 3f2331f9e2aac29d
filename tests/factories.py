"""Plain factory functions for test data (no fixtures magic): each returns what it made."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from floorwalker.auth import service as auth_service
from floorwalker.auth.models import User
from floorwalker.auth.permissions import SYSTEM, Actor
from floorwalker.auth.schemas import UserCreate
from floorwalker.contacts import service as contacts_service
from floorwalker.contacts.keys import stable_id
from floorwalker.contacts.models import agent_states, contacts, survey_responses
from floorwalker.org import schemas
from floorwalker.org import service as org_service
from floorwalker.org.models import Employee, Queue, Site, Skill, Team

PASSWORD = "test-password-1"
_seq = itertools.count(1)


def site(db: Session, **kw: Any) -> Site:
    n = next(_seq)
    data = {
        "code": f"S{n}",
        "name": f"Site {n}",
        "time_zone": "Europe/London",
        "business_hours": "mon-fri 08:00-20:00",
        **kw,
    }
    return org_service.create_site(db, SYSTEM, schemas.SiteCreate(**data))


def skill(db: Session, **kw: Any) -> Skill:
    n = next(_seq)
    return org_service.create_skill(db, SYSTEM, schemas.SkillCreate(**{"name": f"Skill {n}", **kw}))


def team(db: Session, site_id: int, **kw: Any) -> Team:
    n = next(_seq)
    return org_service.create_team(
        db, SYSTEM, schemas.TeamCreate(**{"name": f"Team {n}", "site_id": site_id, **kw})
    )


def employee(db: Session, site_id: int, team_id: int | None = None, **kw: Any) -> Employee:
    n = next(_seq)
    data = {
        "full_name": f"Person {n}",
        "agent_code": f"A{n}",
        "site_id": site_id,
        "team_id": team_id,
        "hire_date": date(2024, 1, 1),
        **kw,
    }
    return org_service.create_employee(db, SYSTEM, schemas.EmployeeCreate(**data))


def queue(db: Session, site_id: int, **kw: Any) -> Queue:
    n = next(_seq)
    data = {"code": f"q{n}", "name": f"Queue {n}", "channel": "voice", "site_id": site_id, **kw}
    return org_service.create_queue(db, SYSTEM, schemas.QueueCreate(**data))


def user(db: Session, role: str, employee_id: int | None = None, username: str | None = None) -> User:
    return auth_service.create_user(
        db,
        SYSTEM,
        UserCreate(
            username=username or f"{role}{next(_seq)}",
            password=PASSWORD,
            role=role,
            employee_id=employee_id,
        ),
    )  # type: ignore[arg-type]


def actor(db: Session, u: User) -> Actor:
    return auth_service.actor_for(db, u)


def supervised_team(db: Session) -> tuple[Site, Team, Employee, Team, Employee]:
    """A site with two teams: team A led by a supervisor, team B by another; returns
    (site, team_a, supervisor_a, team_b, supervisor_b)."""
    s = site(db)
    sup_a = employee(db, s.id, role="supervisor")
    sup_b = employee(db, s.id, role="supervisor")
    team_a = team(db, s.id, supervisor_id=sup_a.id)
    team_b = team(db, s.id, supervisor_id=sup_b.id)
    return s, team_a, sup_a, team_b, sup_b


def contact_rows(
    site_code: str,
    queue_code: str,
    arrived_at: datetime,
    specs: list[dict[str, Any]],
    utc_offset_s: int = 0,
) -> pa.Table:
    """Warehouse contact rows: each spec gives outcome, wait_s and optionally talk_s, hold_s,
    wrapup_s, agent, channel, customer_key, disposition, previous_contact_id, transcript, offset_s
    (seconds after ``arrived_at``)."""
    rows = []
    for spec in specs:
        n = next(_seq)
        at = arrived_at + timedelta(seconds=spec.get("offset_s", 0))
        answered = spec["outcome"] in ("answered", "transferred")
        wait = spec.get("wait_s")
        rows.append(
            {
                "contact_id": stable_id("test", f"c{n}"),
                "source": "test",
                "source_key": f"c{n}",
                "site": site_code,
                "queue": queue_code,
                "channel": spec.get("channel", "voice"),
                "direction": "inbound",
                "customer_key": spec.get("customer_key"),
                "arrived_at": at,
                "arrived_local": at + timedelta(seconds=utc_offset_s),
                "utc_offset_s": utc_offset_s,
                "answered_at": at + timedelta(seconds=wait or 0) if answered else None,
                "ended_at": None,
                "wait_s": wait,
                "talk_s": spec.get("talk_s"),
                "hold_s": spec.get("hold_s"),
                "wrapup_s": spec.get("wrapup_s"),
                "outcome": spec["outcome"],
                "agent": spec.get("agent"),
                "disposition": spec.get("disposition"),
                "ring_attempts": None,
                "previous_contact_id": spec.get("previous_contact_id"),
                "transcript": spec.get("transcript"),
            }
        )
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("contact_id", pa.int64()),
                ("source", pa.string()),
                ("source_key", pa.string()),
                ("site", pa.string()),
                ("queue", pa.string()),
                ("channel", pa.string()),
                ("direction", pa.string()),
                ("customer_key", pa.string()),
                ("arrived_at", pa.timestamp("us")),
                ("arrived_local", pa.timestamp("us")),
                ("utc_offset_s", pa.int32()),
                ("answered_at", pa.timestamp("us")),
                ("ended_at", pa.timestamp("us")),
                ("wait_s", pa.float64()),
                ("talk_s", pa.float64()),
                ("hold_s", pa.float64()),
                ("wrapup_s", pa.float64()),
                ("outcome", pa.string()),
                ("agent", pa.string()),
                ("disposition", pa.string()),
                ("ring_attempts", pa.int32()),
                ("previous_contact_id", pa.int64()),
                ("transcript", pa.string()),
            ]
        ),
    )


def load_contacts(connection: Connection, rows: pa.Table) -> int:
    return contacts_service.bulk_load(connection, contacts, rows)


def agent_state_rows(
    site_code: str,
    agent: str,
    started_at: datetime,
    specs: list[tuple[str, str | None, float]],
    utc_offset_s: int = 0,
) -> pa.Table:
    """Back-to-back agent states from ``started_at`` (UTC): each spec is (state, reason, seconds)."""
    from floorwalker.demo._tables import AGENT_STATE_SCHEMA

    rows = []
    at = started_at
    for state, reason, seconds in specs:
        n = next(_seq)
        end = at + timedelta(seconds=seconds)
        rows.append(
            {
                "state_id": stable_id("test", f"s{n}"),
                "source": "test",
                "source_key": f"s{n}",
                "site": site_code,
                "agent": agent,
                "state": state,
                "reason": reason,
                "started_at": at,
                "ended_at": end,
                "started_local": at + timedelta(seconds=utc_offset_s),
                "utc_offset_s": utc_offset_s,
                "duration_s": float(seconds),
            }
        )
        at = end
    return pa.Table.from_pylist(rows, schema=AGENT_STATE_SCHEMA)


def survey_rows(specs: list[dict[str, Any]]) -> pa.Table:
    """Survey responses: each spec gives contact_id, kind, score, scale_min, scale_max."""
    from floorwalker.demo._tables import SURVEY_SCHEMA

    rows = []
    for spec in specs:
        n = next(_seq)
        rows.append(
            {
                "response_id": stable_id("test", f"r{n}"),
                "source": "test",
                "source_key": f"r{n}",
                "contact_id": spec["contact_id"],
                "customer_key": spec.get("customer_key"),
                "kind": spec["kind"],
                "score": float(spec["score"]),
                "scale_min": spec["scale_min"],
                "scale_max": spec["scale_max"],
                "comment": None,
                "responded_at": spec.get("responded_at", datetime(2026, 1, 1)),
            }
        )
    return pa.Table.from_pylist(rows, schema=SURVEY_SCHEMA)


def load_agent_states(connection: Connection, rows: pa.Table) -> int:
    return contacts_service.bulk_load(connection, agent_states, rows)


def load_surveys(connection: Connection, rows: pa.Table) -> int:
    return contacts_service.bulk_load(connection, survey_responses, rows)
