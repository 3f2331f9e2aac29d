"""What-if JSON API under /api/v1/sim. Thin: validate, call the service, serialise."""
# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from floorwalker.sim import plans, service
from floorwalker.sim.models import SimScenario
from floorwalker.web.deps import ApiActor, Db, Warehouse, csrf_protect

router = APIRouter(prefix="/sim", tags=["simulation"], dependencies=[Depends(csrf_protect)])

BaselineSource = Literal["history", "forecast_schedule", "forecast_requirement", "forecast_history"]


class RunRequest(BaseModel):
    site: str
    week: date = Field(description="The Monday the week starts on (site-local).")
    days: int = Field(7, ge=1, le=7)
    replications: int = Field(10, ge=2, le=service.MAX_REPLICATIONS)
    seed: int = Field(1, ge=0)
    baseline: BaselineSource = Field(
        "history",
        description="Where the baseline comes from: the week's history, or the saved forecast with "
        "the published schedule, the staffing requirement, or the agents logged in during a past week.",
    )
    changes: list[dict[str, Any]] = Field(default_factory=list)


class SaveRequest(RunRequest):
    name: str = Field(min_length=1, max_length=160)
    description: str = ""


class SavedScenario(BaseModel):
    id: int
    name: str
    description: str
    site: str
    week: date
    days: int
    replications: int
    seed: int
    baseline: str
    changes: list[dict[str, Any]]
    results: dict[str, Any] | None
    created_by: str
    created_at: datetime


def _out(row: SimScenario, with_results: bool = True) -> SavedScenario:
    return SavedScenario(
        id=row.id,
        name=row.name,
        description=row.description,
        site=row.site,
        week=row.week,
        days=row.days,
        replications=row.replications,
        seed=row.seed,
        baseline=row.baseline,
        changes=row.changes,
        results=row.results if with_results else None,
        created_by=row.created_by,
        created_at=row.created_at,
    )


@router.post("/runs")
def run(body: RunRequest, db: Db, warehouse: Warehouse, actor: ApiActor) -> dict[str, Any]:
    """Baseline (the week's history, or its saved forecast with the published schedule or the
    requirement) and the changed scenario side by side, same seeds. A baseline source the
    week lacks: 404 saying what is missing and which sources the week has."""
    return service.run(
        db,
        warehouse,
        actor,
        site=body.site,
        week=body.week,
        days=body.days,
        changes=body.changes,
        replications=body.replications,
        seed=body.seed,
        baseline=body.baseline,
    )


@router.get("/baselines")
def baselines(
    site: str, week: date, db: Db, warehouse: Warehouse, actor: ApiActor, days: int = 7
) -> dict[str, Any]:
    """For each baseline source: whether the week has it, else what is missing."""
    available = service.availability(db, warehouse, actor, site=site, week=week, days=days)
    return {
        "site": site,
        "week": week.isoformat(),
        "sources": [
            {"source": s, "label": plans.SOURCE_LABELS[s], "available": why is None, "missing": why}
            for s, why in available.items()
        ],
    }


@router.get("/scenarios")
def list_scenarios(db: Db, actor: ApiActor) -> list[SavedScenario]:
    """Saved scenarios, newest first (without their results)."""
    return [_out(r, with_results=False) for r in service.list_saved(db, actor)]


@router.post("/scenarios", status_code=201)
def save_scenario(body: SaveRequest, db: Db, warehouse: Warehouse, actor: ApiActor) -> SavedScenario:
    """Run the scenario and keep it under a name (managers and admins)."""
    service.need_write(actor)
    results = service.run(
        db,
        warehouse,
        actor,
        site=body.site,
        week=body.week,
        days=body.days,
        changes=body.changes,
        replications=body.replications,
        seed=body.seed,
        baseline=body.baseline,
    )
    row = service.save(
        db,
        actor,
        name=body.name,
        description=body.description,
        site=body.site,
        week=body.week,
        days=body.days,
        replications=body.replications,
        seed=body.seed,
        baseline=body.baseline,
        changes=body.changes,
        results=results,
    )
    return _out(row)


@router.get("/scenarios/{scenario_id}")
def get_scenario(scenario_id: int, db: Db, actor: ApiActor) -> SavedScenario:
    return _out(service.get_saved(db, actor, scenario_id))


@router.delete("/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: int, db: Db, actor: ApiActor) -> None:
    service.delete_saved(db, actor, scenario_id)
