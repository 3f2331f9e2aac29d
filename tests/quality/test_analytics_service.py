"""QA analytics on real stores: evaluations in scope, criteria re-read from their versions,
CSAT and repeat contacts from the warehouse."""

from __future__ import annotations

from datetime import datetime

import pytest

from floorwalker.contacts.models import survey_responses
from floorwalker.errors import InvalidInput
from floorwalker.quality import analytics_service, schemas, service
from tests import factories as f
from tests.quality.test_scoring import ISSUE_ANSWERS, ISSUE_CARD

SINCE, UNTIL = datetime(2000, 1, 1), datetime(2100, 1, 1)


def test_analytics(stores, db) -> None:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    ann = f.employee(db, site.id, team_a.id, agent_code="ann.agent")
    bob = f.employee(db, site.id, team_b.id, agent_code="bob.agent")
    qa1, qa2 = f.actor(db, f.user(db, "qa")), f.actor(db, f.user(db, "qa"))
    version = service.publish_scorecard(db, qa1, ISSUE_CARD)
    rows = f.contact_rows(
        site.code,
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 60, "agent": "ann.agent", "customer_key": "c1"},
            {
                "outcome": "answered",
                "wait_s": 5,
                "talk_s": 60,
                "agent": "ann.agent",
                "customer_key": "c2",
                "offset_s": 60,
            },
            {
                "outcome": "answered",
                "wait_s": 5,
                "talk_s": 60,
                "agent": "bob.agent",
                "customer_key": "c3",
                "offset_s": 120,
            },
            # c1 calls again the next day: the first contact was not resolved first time
            {
                "outcome": "answered",
                "wait_s": 5,
                "talk_s": 60,
                "agent": "bob.agent",
                "customer_key": "c1",
                "offset_s": 86400,
            },
        ],
    )
    ids = rows.column("contact_id").to_pylist()
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
        conn.execute(
            survey_responses.insert(),
            [
                {
                    "response_id": n,
                    "source": "t",
                    "source_key": f"r{n}",
                    "contact_id": cid,
                    "customer_key": None,
                    "kind": "csat",
                    "score": score,
                    "scale_min": 1,
                    "scale_max": 5,
                    "comment": None,
                    "responded_at": datetime(2026, 11, 2, 12),
                }
                for n, (cid, score) in enumerate([(ids[0], 2.0), (ids[1], 5.0), (ids[2], 4.0)], start=1)
            ],
        )

    def evaluate(actor, contact_id, agent_id, **answers) -> None:
        service.evaluate(
            db,
            actor,
            schemas.EvaluationCreate(
                scorecard_version_id=version.id,
                contact_id=contact_id,
                agent_id=agent_id,
                answers={**ISSUE_ANSWERS, **answers},
            ),
        )

    evaluate(qa1, ids[0], ann.id)  # 0.5625
    evaluate(qa2, ids[1], ann.id, resolved="yes", empathy=5)  # 1.0
    evaluate(qa2, ids[2], bob.id, resolved="yes")  # 0.3 + 0.7 × 5.25/6 = 0.9125
    with stores.warehouse.connect() as conn:
        result = analytics_service.qa_analytics(db, conn, qa1, SINCE, UNTIL)
        supervisor = analytics_service.qa_analytics(
            db, conn, f.actor(db, f.user(db, "supervisor", sup_a.id)), SINCE, UNTIL
        )
        with pytest.raises(InvalidInput, match="until"):
            analytics_service.qa_analytics(db, conn, qa1, UNTIL, SINCE)
    assert result["evaluations"] == 3
    by_agent = {g["key"]: g for g in result["by_agent"]}
    assert by_agent[ann.id]["mean_score"] == pytest.approx((0.5625 + 1.0) / 2)
    assert [(p["criterion"], p["failures"]) for p in result["most_failed"]][:1] == [("resolved", 1)]
    assert result["by_criterion"]["resolved"] == {"answered": 3, "pass_rate": pytest.approx(2 / 3)}
    lenient = {e["evaluator"]: e for e in result["evaluators"]}
    # qa1 scored ann 0.5625 where qa2 gave ann 1.0 → −0.4375; qa2: ann +0.4375, bob (no peer) left out
    assert lenient[qa1.username]["leniency"] == pytest.approx(-0.4375)
    assert lenient[qa2.username]["leniency"] == pytest.approx(0.4375)
    link = result["customer"]
    # CSAT scaled: 2 → 0.25, 5 → 1.0, 4 → 0.75, against 0.5625, 1.0, 0.9125
    # means 0.825 and 2/3; Sxy = 0.175, Sxx = 0.107188, Syy = 0.291667 → r = 0.175 / √0.031263 = 0.9897
    assert link["pairs_csat"] == 3
    assert link["csat_correlation"] == pytest.approx(0.9897, abs=1e-4)
    assert (link["resolved_first_time"], link["repeated"]) == (2, 1)
    assert link["mean_score_repeated"] == 0.5625
    # a supervisor sees only the evaluations of their team's agents
    assert supervisor["evaluations"] == 2 and {g["key"] for g in supervisor["by_agent"]} == {ann.id}
