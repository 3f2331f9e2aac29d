"""Sampling on real stores: a week's contacts, survey answers and later contacts from the
warehouse; evaluated contacts are left out and count towards the agent's N."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from floorwalker.contacts.models import survey_responses
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.quality import sampling_service, schemas, service
from floorwalker.quality.sampling import SamplingPlan
from tests import factories as f
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD

MONDAY = datetime(2026, 11, 2, 9, 0)


def test_sample_a_week(stores, db) -> None:
    s = f.site(db)
    ann = f.employee(db, s.id, agent_code="ann.agent")
    qa = f.actor(db, f.user(db, "qa"))
    specs = [
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann.agent", "offset_s": 0},
        {"outcome": "transferred", "wait_s": 5, "talk_s": 100, "agent": "ann.agent", "offset_s": 60},
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann.agent", "offset_s": 120},
        {
            "outcome": "answered",
            "wait_s": 5,
            "talk_s": 100,
            "agent": "ann.agent",
            "offset_s": 180,
            "customer_key": "c-9",
        },
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "bob.agent", "offset_s": 240},
        {"outcome": "abandoned", "wait_s": 50, "offset_s": 300},
        # the customer of the 4th contact calls again two days later (bob answers)
        {
            "outcome": "answered",
            "wait_s": 5,
            "talk_s": 100,
            "agent": "bob.agent",
            "offset_s": 2 * 86400,
            "customer_key": "c-9",
        },
        # a contact of the next week is outside the sampled week
        {"outcome": "answered", "wait_s": 5, "talk_s": 100, "agent": "ann.agent", "offset_s": 7 * 86400},
    ]
    rows = f.contact_rows(s.code, "sales", MONDAY, specs)
    ids = rows.column("contact_id").to_pylist()
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
        conn.execute(
            survey_responses.insert(),
            [
                {
                    "response_id": 1,
                    "source": "test",
                    "source_key": "r1",
                    "contact_id": ids[2],
                    "customer_key": None,
                    "kind": "csat",
                    "score": 2.0,
                    "scale_min": 1,
                    "scale_max": 5,
                    "comment": "slow",
                    "responded_at": MONDAY,
                }
            ],
        )

    plan = SamplingPlan(per_agent=3, flags=("low_csat", "transfer", "repeat"), fill_with_random=False)
    with stores.warehouse.connect() as conn:
        picked = sampling_service.sample_contacts(db, conn, qa, plan, date(2026, 11, 2))
    by_id = {p.contact_id: p for p in picked}
    assert set(by_id) == {ids[1], ids[2], ids[3]}
    assert by_id[ids[1]].reasons == ("transfer",)
    assert by_id[ids[2]].reasons == ("low_csat",)
    assert by_id[ids[3]].reasons == ("repeat",)
    assert {p.week for p in picked} == {date(2026, 11, 2)}

    # evaluate the transferred one: it is not picked again and counts towards ann's N of 3
    version = service.publish_scorecard(db, qa, ISSUE_CARD)
    service.evaluate(
        db,
        qa,
        schemas.EvaluationCreate(
            scorecard_version_id=version.id, contact_id=ids[1], agent_id=ann.id, answers=ISSUE_ANSWERS
        ),
    )
    with stores.warehouse.connect() as conn:
        again = sampling_service.sample_contacts(db, conn, qa, plan, date(2026, 11, 2))
        filled = sampling_service.sample_contacts(
            db, conn, qa, SamplingPlan(per_agent=3, strategy="random"), date(2026, 11, 2)
        )
    assert {p.contact_id for p in again} == {ids[2], ids[3]}
    ann_random = [p for p in filled if p.agent == "ann.agent"]
    assert len(ann_random) == 2 and ids[1] not in {p.contact_id for p in ann_random}
    assert {p.contact_id for p in filled if p.agent == "bob.agent"} == {ids[4], ids[6]}

    with pytest.raises(PermissionDenied), stores.warehouse.connect() as conn:
        sampling_service.sample_contacts(
            db, conn, f.actor(db, f.user(db, "agent", ann.id)), plan, date(2026, 11, 2)
        )
    with pytest.raises(InvalidInput, match="not a Monday"), stores.warehouse.connect() as conn:
        sampling_service.sample_contacts(db, conn, qa, plan, date(2026, 11, 3))
