"""The same generated contact center gives identical cubes on DuckDB and on PostgreSQL,
and the ICMI worked example of spec/kpis.md comes out of stored contacts."""

from datetime import date, datetime, timedelta

import numpy as np

from floorwalker.auth.permissions import SYSTEM
from floorwalker.metrics import service
from floorwalker.metrics.service import CubeRequest
from tests import factories as f

START = datetime(2026, 10, 23, 23, 0)  # local midnight (BST) of the 24th; the 25th is a DST day
DIMS = [
    (),
    ("queue", "day"),
    ("site", "channel", "interval15"),
    ("team", "interval30"),
    ("agent", "week"),
    ("queue", "disposition", "month"),
]
AGENT_DIMS = [("team", "day"), ("agent", "interval60"), ("site",)]


def _generate(db, seed: int = 11):
    """Three queues with different settings, five agents in two teams, three days of
    contacts (integer seconds so that sums are exact on both engines), states and surveys."""
    rng = np.random.default_rng(seed)
    site = f.site(db, code="LON", time_zone="Europe/London")
    f.queue(db, site.id, code="sales", sl_threshold_s=20, short_abandon_s=5)
    f.queue(db, site.id, code="care", sl_threshold_s=30, short_abandon_s=10, sl_formula="within_over_offered")
    f.queue(
        db,
        site.id,
        code="chat",
        channel="chat",
        sl_threshold_s=60,
        sl_formula="answered_within_over_answered",
    )
    red, blue = f.team(db, site.id, name="Red"), f.team(db, site.id, name="Blue")
    agents = ["a1", "a2", "a3", "a4", "a5"]
    for i, code in enumerate(agents):
        f.employee(db, site.id, red.id if i < 3 else blue.id, agent_code=code)
    outcomes = ["answered"] * 6 + [
        "transferred",
        "abandoned",
        "abandoned",
        "timeout",
        "exit_key",
        "incomplete",
    ]
    contact_tables = []
    for queue in ("sales", "care", "chat"):
        specs = []
        for _ in range(300):
            outcome = str(rng.choice(outcomes))
            answered = outcome in ("answered", "transferred")
            specs.append(
                {
                    "outcome": outcome,
                    "offset_s": int(rng.integers(0, 3 * 86400)),
                    "wait_s": None if outcome == "incomplete" else float(rng.integers(0, 120)),
                    "talk_s": float(rng.integers(30, 900)) if answered else None,
                    "hold_s": float(rng.integers(0, 3) * 30) if answered else None,
                    "wrapup_s": float(rng.integers(0, 120)) if answered and queue != "chat" else None,
                    "agent": str(rng.choice(agents)) if answered else None,
                    "channel": "chat" if queue == "chat" else "voice",
                    "customer_key": f"cust{rng.integers(0, 80)}",
                    "disposition": str(rng.choice(["billing", "tech", "sales"])) if answered else None,
                }
            )
        # offsets within the tables are relative; the DST change falls inside the range
        before = [s for s in specs if s["offset_s"] < 26 * 3600]
        after = [{**s, "offset_s": s["offset_s"] - 26 * 3600} for s in specs if s["offset_s"] >= 26 * 3600]
        contact_tables.append(f.contact_rows("LON", queue, START, before, utc_offset_s=3600))
        contact_tables.append(
            f.contact_rows("LON", queue, START + timedelta(hours=26), after, utc_offset_s=0)
        )
    state_tables = []
    for code in agents:
        specs = []
        for _ in range(40):
            state = str(rng.choice(["available", "on_contact", "wrap_up", "not_ready", "logged_out"]))
            reason = (
                str(rng.choice(["break", "lunch", "system", "training"])) if state == "not_ready" else None
            )
            specs.append((state, reason, float(rng.integers(60, 2400))))
        state_tables.append(
            f.agent_state_rows("LON", code, START + timedelta(hours=8), specs, utc_offset_s=3600)
        )
    return contact_tables, state_tables


def _load_and_run(stores) -> list[list[dict]]:
    stores.empty()
    with stores.session() as db:
        contact_tables, state_tables = _generate(db)
        with stores.warehouse.begin() as conn:
            for t in contact_tables:
                f.load_contacts(conn, t)
            for t in state_tables:
                f.load_agent_states(conn, t)
            ids = [cid for t in contact_tables for cid in t.column("contact_id").to_pylist()]
            responses = [
                {"contact_id": ids[i], "kind": kind, "score": score, "scale_min": lo, "scale_max": hi}
                for i, (kind, score, lo, hi) in enumerate(
                    [("csat", s % 5 + 1, 1, 5) for s in range(40)]
                    + [("nps", s % 11, 0, 10) for s in range(40)]
                )
            ]
            f.load_surveys(conn, f.survey_rows(responses))
        results = []
        with stores.warehouse.connect() as conn:
            for dims in DIMS:
                request = CubeRequest(date(2026, 10, 24), date(2026, 10, 26), by=dims, customer=True)
                results.append(service.cube(db, conn, SYSTEM, request))
            for dims in AGENT_DIMS:
                request = CubeRequest(date(2026, 10, 24), date(2026, 10, 26), by=dims, agent_time=True)
                results.append(service.cube(db, conn, SYSTEM, request))
    stores.empty()
    return results


def test_duckdb_and_postgresql_give_identical_cubes(embedded_stores, postgres_stores) -> None:
    embedded = _load_and_run(embedded_stores)
    postgres = _load_and_run(postgres_stores)
    assert sum(len(r) for r in embedded) > 100
    assert sum(r["offered"] for r in embedded[0]) == 900
    for dims, a, b in zip(DIMS + AGENT_DIMS, embedded, postgres, strict=True):
        assert a == b, dims


def test_icmi_worked_example_from_stored_contacts(stores, db) -> None:
    site = f.site(db, code="LON")
    formulas = [
        "within_over_offered",
        "answered_within_over_answered",
        "answered_within_over_offered",
        "answered_within_over_offered_less_abandoned_within",
    ]
    for name in formulas:
        f.queue(db, site.id, code=name, sl_threshold_s=20, short_abandon_s=0, sl_formula=name)
    # A = 1000 (860 within 20 s), Ab = 60 (20 within 20 s), X = 0
    specs = (
        [{"outcome": "answered", "wait_s": 10, "talk_s": 100}] * 860
        + [{"outcome": "answered", "wait_s": 40, "talk_s": 100}] * 140
        + [{"outcome": "abandoned", "wait_s": 15}] * 20
        + [{"outcome": "abandoned", "wait_s": 45}] * 40
    )
    with stores.warehouse.begin() as conn:
        for name in formulas:
            f.load_contacts(conn, f.contact_rows("LON", name, datetime(2026, 7, 15, 9), specs))
    with stores.warehouse.connect() as conn:
        rows = service.cube(
            db, conn, SYSTEM, CubeRequest(date(2026, 7, 15), date(2026, 7, 15), by=("queue",))
        )
    got = {r["queue"]: round(r["service_level"], 3) for r in rows}
    assert got == {
        "within_over_offered": 0.830,
        "answered_within_over_answered": 0.860,
        "answered_within_over_offered": 0.811,
        "answered_within_over_offered_less_abandoned_within": 0.827,
    }
