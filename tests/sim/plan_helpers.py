"""A site with plans for the what-if tests, built with the workforce services: five weeks and
two days of history, a saved forecast version covering the week of WEEK, and a published schedule of
that week (built here, no shared data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from floorwalker.auth.permissions import SYSTEM, Actor
from floorwalker.org import schemas as org_schemas
from floorwalker.org import service as org_service
from floorwalker.wfm import schedule_service
from floorwalker.wfm import versions_service as versions
from tests import factories as f

MANAGER = Actor(user_id=None, username="mia", role="manager")
FIRST = date(2026, 9, 7)
#: The planned week (in the future of the clock below).
WEEK = date(2026, 10, 19)
NOW = datetime(2026, 10, 14, 12, tzinfo=UTC)


def planned_site(stores, db, monkeypatch, *, schedule: bool = True) -> int:
    """Site LON (UTC), queue sales (skill Sales, T = 20 s), team Blue of four agents with the
    skill; Monday–Friday 09:00–17:00 history (7 September – 13 October) of 4 contacts of
    300 s talk + 20 s wrap-up per half-hour, one abandon per hour; the clock on Wednesday
    14 October 2026. Saves a forecast version covering WEEK (with a ×1.5 override on its
    Tuesday) and, with ``schedule``, generates and publishes WEEK's schedule. Returns the
    forecast version's id."""
    site = f.site(db, code="LON", time_zone="UTC")
    team = f.team(db, site.id, name="Blue")
    skill = f.skill(db, name="Sales")
    f.queue(db, site.id, code="sales", skill_id=skill.id)
    for hours in (40, 40, 40, 20):
        e = f.employee(db, site.id, team.id, contract_hours_per_week=hours)
        org_service.set_employee_skill(
            db, SYSTEM, e.id, org_schemas.EmployeeSkillSet(skill_id=skill.id, proficiency=5)
        )
    spec = [{"outcome": "answered", "wait_s": 5, "talk_s": 300, "wrapup_s": 20}] * 4
    tables = []
    for day in range(37):  # through Tuesday 13 October, the day before the clock
        d = FIRST + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for half in range(16):
            at = datetime.combine(d, datetime.min.time()) + timedelta(hours=9, minutes=30 * half)
            rows = spec + ([{"outcome": "abandoned", "wait_s": 45}] if half % 2 else [])
            tables.append(f.contact_rows("LON", "sales", at, rows))
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, pa.concat_tables(tables))
    monkeypatch.setattr("floorwalker.clock.now_aware", lambda: NOW)
    with stores.warehouse.connect() as wh:
        version = versions.create_version(db, wh, MANAGER, queue="sales", horizon_days=14, interval_min=30)
        versions.add_override(
            db, MANAGER, version.id, factor=1.5, reason="campaign", day=WEEK + timedelta(days=1)
        )
        if schedule:
            schedule_service.generate_week(db, wh, MANAGER, "LON", WEEK, time_limit_s=5, seed=1)
            schedule_service.publish_week(db, MANAGER, "LON", WEEK)
    return version.id
