"""What-if service on both stores: a baseline from a small history, a run with changes,
saved scenarios with roles and audit."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM, Actor
from floorwalker.errors import Conflict, InvalidInput, PermissionDenied
from floorwalker.org import schemas as org_schemas
from floorwalker.org import service as org_service
from floorwalker.sim import service
from tests import factories as f

MONDAY = date(2026, 11, 2)
MANAGER = Actor(user_id=None, username="mona", role="manager")
SUPERVISOR = Actor(user_id=None, username="sam", role="supervisor")
AGENT = Actor(user_id=None, username="ann", role="agent")


def small_history(db, warehouse_engine) -> str:
    """Site LON, queue sales (skill Sales, T = 30 s), two agents of team Red on Monday 09:00–10:00."""
    site = f.site(db, code="LON", time_zone="Europe/London")
    team = f.team(db, site.id, name="Red")
    skill = f.skill(db, name="Sales")
    f.queue(db, site.id, code="sales", skill_id=skill.id, sl_threshold_s=30)
    for code in ("ann", "bob"):
        e = f.employee(db, site.id, team.id, agent_code=code)
        org_service.set_employee_skill(
            db, SYSTEM, e.id, org_schemas.EmployeeSkillSet(skill_id=skill.id, proficiency=5)
        )
    specs = [
        {
            "outcome": "answered",
            "wait_s": 3 * k,
            "talk_s": 150 + 10 * k,
            "hold_s": 5,
            "wrapup_s": 20,
            "agent": "ann" if k % 2 else "bob",
            "offset_s": 60 * k,
        }
        for k in range(20)
    ]
    specs += [{"outcome": "abandoned", "wait_s": 40 + k, "offset_s": 61 * k} for k in range(4)]
    with warehouse_engine.begin() as conn:
        f.load_contacts(conn, f.contact_rows("LON", "sales", datetime(2026, 11, 2, 9), specs))
        for code in ("ann", "bob"):
            f.load_agent_states(
                conn, f.agent_state_rows("LON", code, datetime(2026, 11, 2, 9), [("available", None, 3600.0)])
            )
    return "LON"


def test_baseline_from_the_warehouse(stores, db) -> None:
    small_history(db, stores.warehouse)
    with stores.warehouse.connect() as conn:
        b = service.load_baseline(db, conn, MANAGER, site="LON", week=MONDAY, days=1)
    sc = b.scenario
    assert sc.intervals == 48 and sc.interval_s == 1800
    (q,) = sc.queues
    assert q.name == "sales" and q.sl_threshold_s == 30
    assert sum(q.offered_per_interval) == 24
    assert q.offered_per_interval[18] + q.offered_per_interval[19] == 24  # 09:00–10:00
    assert q.patience.kind == "empirical" and len(q.patience.values_s) == 4
    assert q.handle_time.kind == "lognormal"
    assert q.wrapup.mean_s == pytest.approx(20.0)
    (g,) = sc.groups
    assert g.name == "Red: sales" and g.skills == {"sales": 1}
    assert g.agents[18] == g.agents[19] == 2 and g.agents[17] == 0 and g.agents[20] == 0


def test_run_save_reopen_delete_with_roles(stores, db) -> None:
    small_history(db, stores.warehouse)
    changes = [{"kind": "volume", "pct": 10}]
    with stores.warehouse.connect() as conn:
        out = service.run(
            db, conn, SUPERVISOR, site="LON", week=MONDAY, days=1, changes=changes, replications=3, seed=5
        )
        with pytest.raises(PermissionDenied):
            service.run(db, conn, AGENT, site="LON", week=MONDAY, days=1, changes=[], replications=3)
        with pytest.raises(InvalidInput, match="Monday"):
            service.run(db, conn, MANAGER, site="LON", week=date(2026, 11, 3), days=1, changes=[])
        with pytest.raises(InvalidInput, match=r"changes\[0\]\.queue"):
            service.run(
                db,
                conn,
                MANAGER,
                site="LON",
                week=MONDAY,
                days=1,
                replications=2,
                changes=[{"kind": "volume", "pct": 5, "queue": "nope"}],
            )
    assert out["described"] == ["Volume +10% on every queue"]
    assert [r["label"] for r in out["intervals"]][:1] == ["Mon 09:00"]
    assert out["totals"]["scenario"]["offered"] > 0

    kw = {
        "name": "Ten percent",
        "description": "More calls",
        "site": "LON",
        "week": MONDAY,
        "days": 1,
        "replications": 3,
        "seed": 5,
        "changes": changes,
        "results": out,
    }
    with pytest.raises(PermissionDenied):
        service.save(db, SUPERVISOR, **kw)
    saved = service.save(db, MANAGER, **kw)
    with pytest.raises(Conflict):
        service.save(db, MANAGER, **kw)
    again = service.get_saved(db, SUPERVISOR, saved.id)
    assert again.changes == [{"kind": "volume", "pct": 10.0}]
    assert again.results is not None and again.results["totals"] == out["totals"]
    assert [s.name for s in service.list_saved(db, SUPERVISOR)] == ["Ten percent"]
    with pytest.raises(PermissionDenied):
        service.list_saved(db, AGENT)
    with pytest.raises(PermissionDenied):
        service.delete_saved(db, SUPERVISOR, saved.id)
    service.delete_saved(db, MANAGER, saved.id)
    assert service.list_saved(db, MANAGER) == []
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "sim_scenario")).all()
    assert sorted(actions) == ["create", "delete"]
