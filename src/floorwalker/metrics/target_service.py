"""KPI target use cases: everyone signed in reads the targets (they colour the pages);
managers and admins set them. Every write is validated by ``metrics.targets.validate`` and
audited in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor, can_manage_org
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.metrics import cache, targets
from floorwalker.metrics.models import KpiTarget
from floorwalker.metrics.schemas import TargetCreate, TargetUpdate
from floorwalker.org.models import Queue, Site, Team

_FIELDS = ("kpi", "goal", "scope_kind", "scope_code", "amber_margin")


def require_manager(actor: Actor) -> None:
    if not can_manage_org(actor):
        raise PermissionDenied(f"role {actor.role} cannot set KPI targets (managers and admins do)")


def to_target(row: KpiTarget) -> targets.Target:
    """The pure module's view of a stored target."""
    return targets.Target(
        kpi=row.kpi,
        goal=row.goal,
        scope_kind=row.scope_kind,  # type: ignore[arg-type]
        scope_code=row.scope_code,
        amber_margin=row.amber_margin,
    )


def list_targets(session: Session, actor: Actor) -> Sequence[KpiTarget]:
    """Every target, by KPI then scope (readable by any signed-in user)."""
    del actor
    return session.scalars(
        select(KpiTarget).order_by(KpiTarget.kpi, KpiTarget.scope_kind, KpiTarget.scope_code)
    ).all()


def current_targets(session: Session) -> list[targets.Target]:
    """All targets as plain ``Target`` values, for status and ``targets.applicable``."""
    return [to_target(row) for row in session.scalars(select(KpiTarget))]


def get_target(session: Session, actor: Actor, target_id: int) -> KpiTarget:
    del actor
    row = session.get(KpiTarget, target_id)
    if row is None:
        raise NotFound(f"target {target_id} does not exist")
    return row


def _check(session: Session, row: KpiTarget) -> None:
    with session.no_autoflush:  # the row may be changed in memory: check before the database does
        _check_row(session, row)


def _check_row(session: Session, row: KpiTarget) -> None:
    """Validate with the pure rules, then the scope code against the organisation and
    uniqueness of (kpi, scope)."""
    if row.scope_kind == "all" and row.scope_code == "":
        row.scope_code = None
    problems = targets.validate(to_target(row))
    if problems:
        field, _, message = problems[0].partition(": ")
        raise InvalidInput(f"{field}: {message}", field=field)
    known = {
        "site": select(Site.id).where(Site.code == row.scope_code),
        "queue": select(Queue.id).where(Queue.code == row.scope_code),
        "team": select(Team.id).where(Team.name == row.scope_code),
    }
    if row.scope_kind in known and session.scalar(known[row.scope_kind]) is None:
        what = "team name" if row.scope_kind == "team" else f"{row.scope_kind} code"
        raise InvalidInput(
            f"scope_code: no {row.scope_kind} has the {what} '{row.scope_code}'", field="scope_code"
        )
    same_code = (
        KpiTarget.scope_code.is_(None) if row.scope_code is None else KpiTarget.scope_code == row.scope_code
    )
    clash = session.scalar(
        select(KpiTarget.id).where(
            KpiTarget.kpi == row.kpi,
            KpiTarget.scope_kind == row.scope_kind,
            same_code,
            KpiTarget.id != (row.id or -1),
        )
    )
    if clash is not None:
        scope = "the whole center" if row.scope_kind == "all" else f"{row.scope_kind} {row.scope_code}"
        raise Conflict(f"kpi: {row.kpi} already has a target for {scope} (edit that one)", field="kpi")


def _values(row: KpiTarget) -> dict[str, Any]:
    return {f: getattr(row, f) for f in _FIELDS}


def create_target(session: Session, actor: Actor, data: TargetCreate) -> KpiTarget:
    require_manager(actor)
    row = KpiTarget(**data.model_dump(), updated_by=actor.username, updated_at=clock.utcnow())
    _check(session, row)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "kpi_target", row.id, _values(row))
    session.commit()
    cache.bump()
    return row


def update_target(session: Session, actor: Actor, target_id: int, data: TargetUpdate) -> KpiTarget:
    require_manager(actor)
    row = get_target(session, actor, target_id)
    before = _values(row)
    for key, value in data.model_dump(exclude_unset=True).items():
        if key in ("kpi", "goal", "scope_kind") and value is None:
            raise InvalidInput(f"{key}: required", field=key)
        setattr(row, key, value)
    try:
        _check(session, row)
    except Exception:
        session.rollback()
        raise
    row.updated_by = actor.username
    row.updated_at = clock.utcnow()
    audit.record(session, actor, "update", "kpi_target", row.id, audit.diff(before, _values(row)))
    session.commit()
    cache.bump()
    return row


def delete_target(session: Session, actor: Actor, target_id: int) -> None:
    require_manager(actor)
    row = get_target(session, actor, target_id)
    audit.record(session, actor, "delete", "kpi_target", row.id, _values(row))
    session.delete(row)
    session.commit()
    cache.bump()
