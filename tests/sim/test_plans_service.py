"""What-if baselines from the plans on both stores: a saved forecast (overrides applied) with
the published schedule's work time, or with the staffing requirement; what each week lacks;
saved scenarios keep their baseline source."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import Actor
from floorwalker.errors import InvalidInput, NotFound
from floorwalker.org.models import Employee
from floorwalker.sim import service
from floorwalker.sim.plans_service import BaselineMissing
from floorwalker.wfm import service as wfm_service
from floorwalker.wfm import versions_service as versions
from floorwalker.wfm.models import Schedule, ScheduleActivity, ScheduleShift
from tests import factories as f
from tests.sim.plan_helpers import MANAGER, WEEK, planned_site

SUPERVISOR = Actor(user_id=None, username="sam", role="supervisor")
HALF = 1800.0
N = 7 * 48


def _expected_staffing(db) -> tuple[list[int], float, float]:
    """Per half-hour of WEEK, the published schedule's agents on work (shift minus its
    activities, seconds / 1800, summed, rounded half up), computed from the stored rows;
    and the week's shift seconds and work seconds."""
    start = datetime.combine(WEEK, datetime.min.time())
    (published,) = db.scalars(select(Schedule).where(Schedule.status == "published")).all()
    shifts = db.scalars(
        select(ScheduleShift).where(ScheduleShift.schedule_id == published.id, ScheduleShift.kind == "work")
    ).all()
    load = [0.0] * N
    shift_s = work_s = 0.0

    def add(lo: datetime, hi: datetime, sign: float) -> None:
        for i in range(N):
            a = max(lo, start + timedelta(seconds=i * HALF))
            b = min(hi, start + timedelta(seconds=(i + 1) * HALF))
            if b > a:
                load[i] += sign * (b - a).total_seconds() / HALF

    for s in shifts:
        add(s.start_local, s.end_local, 1.0)
        shift_s += (s.end_local - s.start_local).total_seconds()
        work_s += (s.end_local - s.start_local).total_seconds()
        for a in db.scalars(select(ScheduleActivity).where(ScheduleActivity.shift_id == s.id)):
            add(a.start_local, a.end_local, -1.0)
            work_s -= (a.end_local - a.start_local).total_seconds()
    return [math.floor(x + 0.5) for x in load], shift_s, work_s


def test_forecast_and_published_schedule_baseline(stores, db, monkeypatch) -> None:
    vid = planned_site(stores, db, monkeypatch)
    with stores.warehouse.connect() as wh:
        base = service.load_baseline(db, wh, SUPERVISOR, site="LON", week=WEEK, baseline="forecast_schedule")
    sc = base.scenario
    assert (sc.intervals, sc.interval_s) == (N, HALF)
    (q,) = sc.queues
    assert q.name == "sales"
    # Arrivals: the forecast rows of the week, the Tuesday override (×1.5) applied.
    rows = [
        r for r in versions.adjusted_rows(db, MANAGER, vid) if r.day >= WEEK and r.day < WEEK + timedelta(7)
    ]
    start = datetime.combine(WEEK, datetime.min.time())
    expected = [0.0] * N
    for r in rows:
        expected[int((r.start - start).total_seconds() // HALF)] += r.contacts
    assert q.offered_per_interval == pytest.approx(expected)
    tuesday = [r for r in rows if r.day == WEEK + timedelta(1) and r.original > 0]
    assert tuesday
    assert all(r.contacts == pytest.approx(1.5 * r.original) for r in tuesday)
    # Handle time: the forecast's contact-weighted AHT, split as history splits it (300 s
    # talk + 20 s wrap-up); patience from history's abandons.
    weighted = sum(r.contacts * r.aht_s for r in rows if r.aht_s) / sum(r.contacts for r in rows if r.aht_s)
    assert q.handle_time.mean + q.wrapup.mean == pytest.approx(weighted)
    assert q.wrapup.mean / (q.handle_time.mean + q.wrapup.mean) == pytest.approx(20 / 320)
    assert q.patience.kind == "empirical"
    # Staffing: the schedule's work time per interval, breaks and lunches excluded.
    (g,) = sc.groups
    assert g.name == "Blue: sales" and g.skills == {"sales": 1}
    counts, shift_s, work_s = _expected_staffing(db)
    assert list(g.agents) == counts
    assert work_s < shift_s  # the activities took time out of the shifts
    assert sum(g.agents) > 0
    assert base.group_teams == {"Blue: sales": "Blue"}
    assert any("forecast versions used: sales v" in n for n in base.notes)


def test_forecast_and_requirement_baseline(stores, db, monkeypatch) -> None:
    planned_site(stores, db, monkeypatch, schedule=False)
    with stores.warehouse.connect() as wh:
        base = service.load_baseline(
            db, wh, MANAGER, site="LON", week=WEEK, days=2, baseline="forecast_requirement"
        )
        week = wfm_service.week_requirements(db, wh, MANAGER, "LON", WEEK, build_missing=False)
    sc = base.scenario
    assert sc.intervals == 96
    (g,) = sc.groups
    assert g.name == "Requirement: sales" and g.skills == {"sales": 1}
    expected = [0] * 96
    for r in week.requirements:
        i = int(
            (r.interval_start.astimezone(UTC).replace(tzinfo=None) - datetime(2026, 10, 19)).total_seconds()
            // HALF
        )
        if 0 <= i < 96:
            expected[i] = r.agents
    assert list(g.agents) == expected and sum(expected) > 0
    assert base.group_teams == {"Requirement: sales": None}
    assert any("requirement" in n for n in base.notes)
    # No schedule yet: that source says so, and names the ones the week has.
    with stores.warehouse.connect() as wh, pytest.raises(BaselineMissing) as missing:
        service.load_baseline(db, wh, MANAGER, site="LON", week=WEEK, baseline="forecast_schedule")
    assert "no published schedule for site LON, week of 2026-10-19" in missing.value.message
    assert "This week has: Saved forecast + staffing requirement." in missing.value.message
    assert isinstance(missing.value, NotFound)


def test_missing_sources_are_named(stores, db, monkeypatch) -> None:
    planned_site(stores, db, monkeypatch, schedule=False)
    far = WEEK + timedelta(days=28)
    with stores.warehouse.connect() as wh:
        available = service.availability(db, wh, MANAGER, site="LON", week=far)
        assert available["history"] == "no contacts in the warehouse for site LON, week of 2026-11-16"
        assert available["forecast_requirement"] is not None
        assert "no saved forecast covers" in available["forecast_requirement"]
        assert "no published schedule" in (available["forecast_schedule"] or "")
        with pytest.raises(BaselineMissing, match="No other baseline source has this week either"):
            service.load_baseline(db, wh, MANAGER, site="LON", week=far, baseline="forecast_requirement")
        # The planned week has a forecast but no history (it is in the future).
        with pytest.raises(BaselineMissing, match=r"History .*: no contacts .* has: Saved forecast"):
            service.load_baseline(db, wh, MANAGER, site="LON", week=WEEK, baseline="history")
        with pytest.raises(InvalidInput, match="baseline: must be one of"):
            service.load_baseline(db, wh, MANAGER, site="LON", week=WEEK, baseline="dreams")
        # A past week with history: the history source is there, the plans are not.
        past = service.availability(db, wh, MANAGER, site="LON", week=WEEK - timedelta(days=14))
    assert past["history"] is not None and "agent states" in past["history"]  # contacts, no states
    assert past["forecast_requirement"] is not None


def test_run_and_save_record_the_baseline_source(stores, db, monkeypatch) -> None:
    planned_site(stores, db, monkeypatch)
    changes = [{"kind": "agents", "delta": 1, "team": "Blue"}]
    with stores.warehouse.connect() as wh:
        out = service.run(
            db, wh, MANAGER, site="LON", week=WEEK, days=1, changes=changes, replications=3,
            baseline="forecast_schedule",
        )  # fmt: skip
    assert out["baseline"] == "forecast_schedule"
    assert out["baseline_label"] == "Saved forecast + published schedule"
    assert out["totals"]["baseline"]["offered"] > 0
    # One more agent in every interval: no worse service level, paired.
    assert out["totals"]["scenario"]["service_level"] >= out["totals"]["baseline"]["service_level"]
    row = service.save(
        db, MANAGER, name="Plan +1", description="", site="LON", week=WEEK, days=1, replications=3,
        seed=1, changes=changes, results=out, baseline="forecast_schedule",
    )  # fmt: skip
    assert service.get_saved(db, MANAGER, row.id).baseline == "forecast_schedule"
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.entity == "sim_scenario")).all()
    assert entry.changes["baseline"] == "forecast_schedule"


def test_forecast_with_a_past_weeks_logged_in_agents(stores, db, monkeypatch) -> None:
    planned_site(stores, db, monkeypatch, schedule=False)
    codes = sorted(db.scalars(select(Employee.agent_code).where(Employee.agent_code.is_not(None))))
    past = WEEK - timedelta(days=14)  # the last week over on Wednesday 14 October
    with stores.warehouse.begin() as conn:
        for k, code in enumerate(codes):
            for day in range(5):
                at = datetime.combine(past + timedelta(days=day), datetime.min.time()) + timedelta(hours=9)
                spec = [
                    ("available", None, 7200.0),
                    ("not_ready", "lunch", 1800.0),
                    ("available", None, 1800.0 * k),
                ]
                f.load_agent_states(conn, f.agent_state_rows("LON", code, at, spec))
    with stores.warehouse.connect() as wh:
        assert service.availability(db, wh, MANAGER, site="LON", week=WEEK)["forecast_history"] is None
        base = service.load_baseline(
            db, wh, MANAGER, site="LON", week=WEEK, days=1, baseline="forecast_history"
        )
    (g,) = base.scenario.groups
    assert g.name == "Blue: sales"
    # Monday: all four from 09:00 to 11:00, none 11:00–11:30, then agent k for k half hours.
    expected = [0] * 48
    for i in (18, 19, 20, 21):
        expected[i] = 4
    for i, n in zip(range(23, 26), (3, 2, 1), strict=True):
        expected[i] = n
    assert list(g.agents) == expected
    assert "staffing: the agents logged in during the week of 2026-10-05" in base.notes
