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
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.metrics import service as metrics_service
from floorwalker.org.models import Site
from floorwalker.sim import history, plans, plans_service, queries, whatif
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


def _check_week(week: date, days: int) -> None:
    if week.weekday() != 0:
        raise InvalidInput(
            f"week: {week.isoformat()} is a {week.strftime('%A')}; choose a Monday", field="week"
        )
    if not 1 <= days <= 7:
        raise InvalidInput("days: must be 1 … 7", field="days")


def _check_source(baseline: str) -> None:
    if baseline not in plans.SOURCES:
        raise InvalidInput(f"baseline: must be one of {', '.join(plans.SOURCES)}", field="baseline")


def availability(
    session: Session, warehouse: Connection, actor: Actor, *, site: str, week: date, days: int = 7
) -> dict[str, str | None]:
    """Each baseline source → None when the week has it, else what is missing."""
    _need_read(actor)
    _check_week(week, days)
    return plans_service.availability(session, warehouse, queries.site(session, site), week, days)


def load_baseline(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    site: str,
    week: date,
    days: int = 7,
    baseline: str = "history",
    handle_model: str = "lognormal",
    replications: int = 10,
    seed: int = 1,
) -> history.Baseline:
    """The baseline of ``site`` for ``days`` days from the Monday ``week``, from ``baseline``
    (one of plans.SOURCES: history, or the saved forecast with the published schedule, the
    staffing requirement, or a past week's logged-in agents). A source the week lacks
    raises BaselineMissing (404) saying what is missing and which sources the week has."""
    _need_read(actor)
    _check_week(week, days)
    _check_source(baseline)
    st = queries.site(session, site)
    interval_s = INTERVAL_MIN * 60
    available = plans_service.availability(session, warehouse, st, week, days)
    if available[baseline] is not None:
        raise plans_service.BaselineMissing(
            plans_service.missing_message(baseline, available), field="baseline"
        )
    if baseline != "history":
        return plans_service.load(
            session, warehouse, actor, source=baseline, site=st, week=week, days=days,
            interval_s=interval_s, handle_model=handle_model, replications=replications, seed=seed,
        )  # fmt: skip
    intervals = days * 24 * 3600 // interval_s
    start = datetime.combine(week, time(0))
    end = start + timedelta(days=days)

    org_queues = queries.org_queues(session, st.id)
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
    return history.build_baseline(
        interval_s=interval_s,
        intervals=intervals,
        queues=queries.queue_infos(org_queues),
        offered=offered,
        contacts=queries.contact_rows(warehouse, site, start, end),
        states=queries.state_rows(warehouse, site, start, end),
        agents=queries.agent_infos(session, org_queues),
        handle_model=handle_model,
        replications=replications,
        seed=seed,
    )


def baseline_names(
    session: Session,
    warehouse: Connection,
    actor: Actor,
    *,
    site: str,
    week: date,
    days: int,
    baseline: str = "history",
) -> dict[str, list[str]] | None:
    """The queues, groups and teams a change may name for this week (no simulation); None
    when the week has no baseline from that source (the run will say why)."""
    try:
        base = load_baseline(session, warehouse, actor, site=site, week=week, days=days, baseline=baseline)
    except (InvalidInput, NotFound):
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
    baseline: str = "history",
) -> dict[str, Any]:
    """Baseline and scenario side by side (see :func:`floorwalker.sim.whatif.compare`), with
    the baseline source, the normalised changes, the baseline's notes, queues and groups."""
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise InvalidInput(f"replications: must be 2 … {MAX_REPLICATIONS}", field="replications")
    base = load_baseline(
        session, warehouse, actor, site=site, week=week, days=days, baseline=baseline, seed=seed
    )
    scenario, parsed = whatif.apply_changes(base, changes)
    out = whatif.compare(base.scenario, scenario, replications, seed)
    out.update(
        site=site,
        week=week.isoformat(),
        days=days,
        baseline=baseline,
        baseline_label=plans.SOURCE_LABELS[baseline],
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
    baseline: str = "history",
) -> SimScenario:
    """Keep a named scenario with its baseline source (its changes are checked; names are
    unique)."""
    need_write(actor)
    name = name.strip()
    if not name:
        raise InvalidInput("name: must not be empty", field="name")
    _check_week(week, days)
    _check_source(baseline)
    queries.site(session, site)
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
        baseline=baseline,
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
        {"name": name, "site": site, "week": week.isoformat(), "baseline": baseline, "changes": parsed},
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
