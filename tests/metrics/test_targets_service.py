"""KPI targets in the operational store: who may set them, validation naming the field,
one target per KPI and scope, audit, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM
from floorwalker.errors import Conflict, InvalidInput, PermissionDenied
from floorwalker.metrics import target_service, targets
from floorwalker.metrics.schemas import TargetCreate, TargetUpdate
from tests import factories as f


def test_create_update_delete_are_audited(stores, db) -> None:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="sales")
    manager = f.actor(db, f.user(db, "manager"))
    center = target_service.create_target(db, manager, TargetCreate(kpi="service_level", goal=0.8))
    queue = target_service.create_target(
        db,
        manager,
        TargetCreate(
            kpi="service_level", goal=0.9, scope_kind="queue", scope_code="sales", amber_margin=0.02
        ),
    )
    assert [t.id for t in target_service.list_targets(db, manager)] == [center.id, queue.id]
    assert center.updated_by == manager.username and center.direction == "at_least"

    updated = target_service.update_target(db, manager, queue.id, TargetUpdate(goal=0.85))
    assert updated.goal == 0.85 and updated.amber_margin == 0.02
    plain = target_service.current_targets(db)
    chosen = targets.applicable(plain, "service_level", site="LON", queue="sales")
    assert chosen == targets.Target("service_level", 0.85, "queue", "sales", 0.02)
    assert targets.status(0.84, chosen) == "amber" and targets.status(0.82, chosen) == "red"

    target_service.delete_target(db, manager, center.id)
    assert [t.id for t in target_service.list_targets(db, manager)] == [queue.id]
    log = db.scalars(
        select(AuditEntry).where(AuditEntry.entity == "kpi_target").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.entity_id) for e in log] == [
        ("create", str(center.id)),
        ("create", str(queue.id)),
        ("update", str(queue.id)),
        ("delete", str(center.id)),
    ]
    assert log[2].changes == {"goal": [0.9, 0.85]}


@pytest.mark.parametrize("role", ["supervisor", "qa", "agent"])
def test_only_managers_and_admins_set_targets(stores, db, role) -> None:
    site = f.site(db)
    employee = f.employee(db, site.id, role="supervisor" if role == "supervisor" else "agent")
    actor = f.actor(db, f.user(db, role, employee_id=employee.id))
    with pytest.raises(PermissionDenied):
        target_service.create_target(db, actor, TargetCreate(kpi="abandon_rate", goal=0.05))
    existing = target_service.create_target(db, SYSTEM, TargetCreate(kpi="abandon_rate", goal=0.05))
    with pytest.raises(PermissionDenied):
        target_service.update_target(db, actor, existing.id, TargetUpdate(goal=0.5))
    with pytest.raises(PermissionDenied):
        target_service.delete_target(db, actor, existing.id)
    assert len(target_service.list_targets(db, actor)) == 1  # everyone reads them


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kpi": "happiness", "goal": 1}, "kpi"),
        ({"kpi": "service_level", "goal": 80}, "goal"),
        ({"kpi": "asa_s", "goal": -1}, "goal"),
        ({"kpi": "csat", "goal": 0.85, "scope_kind": "queue"}, "scope_code"),
        ({"kpi": "csat", "goal": 0.85, "scope_kind": "queue", "scope_code": "nope"}, "scope_code"),
        ({"kpi": "csat", "goal": 0.85, "scope_kind": "team", "scope_code": "Nobody's team"}, "scope_code"),
        ({"kpi": "csat", "goal": 0.85, "scope_kind": "planet", "scope_code": "x"}, "scope_kind"),
        ({"kpi": "csat", "goal": 0.85, "amber_margin": -0.1}, "amber_margin"),
    ],
)
def test_invalid_targets_name_the_field(stores, db, data, field) -> None:
    with pytest.raises(InvalidInput) as caught:
        target_service.create_target(db, SYSTEM, TargetCreate(**data))
    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")
    assert target_service.list_targets(db, SYSTEM) == []


def test_one_target_per_kpi_and_scope(stores, db) -> None:
    site = f.site(db, code="LON")
    team = f.team(db, site.id, name="Alpha")
    target_service.create_target(db, SYSTEM, TargetCreate(kpi="csat", goal=0.85))
    with pytest.raises(Conflict):
        target_service.create_target(db, SYSTEM, TargetCreate(kpi="csat", goal=0.9))
    alpha = target_service.create_target(
        db, SYSTEM, TargetCreate(kpi="csat", goal=0.9, scope_kind="team", scope_code=team.name)
    )
    site_target = target_service.create_target(
        db, SYSTEM, TargetCreate(kpi="csat", goal=0.8, scope_kind="site", scope_code="LON")
    )
    with pytest.raises(Conflict):
        target_service.update_target(
            db, SYSTEM, site_target.id, TargetUpdate(scope_kind="team", scope_code="Alpha")
        )
    db.rollback()
    assert target_service.get_target(db, SYSTEM, alpha.id).goal == 0.9
    assert target_service.get_target(db, SYSTEM, site_target.id).scope_kind == "site"
