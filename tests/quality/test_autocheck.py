"""Automatic transcript checks: phrase rules suggest answers, sentiment, sampling flags;
the rules in the scorecard file; the evaluation page shows them as suggestions only."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime

import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.quality import autocheck, sampling_service
from floorwalker.quality.sampling import Candidate, SamplingPlan, flag_contacts
from floorwalker.quality.scorecard import ScorecardError, parse_scorecard, scorecard_to_dict
from tests import factories as f
from tests.quality.test_pages import client  # noqa: F401 (fixture)
from tests.quality.test_scoring import ISSUE_CARD
from tests.web.conftest import Browser


def _card(**rules: dict) -> dict:
    card = copy.deepcopy(ISSUE_CARD)
    for section in card["sections"]:
        for criterion in section["criteria"]:
            if criterion["id"] in rules:
                criterion["auto_check"] = rules[criterion["id"]]
    return card


CARD = parse_scorecard(
    _card(
        greeting={"present": [r"thank(s| you) for calling"]},
        verify_id={"present": ["date of birth", r"post ?code"], "absent": ["skip (the )?security"]},
    )
)
GOOD = "Agent: Thank you for calling Acme. Could I take your date of birth? Customer: Great, thanks."
BAD = "Agent: Hi. Let's skip the security questions. Customer: This is ridiculous, I am so angry."


def test_rules_suggest_answers_with_evidence() -> None:
    good = autocheck.suggestions(CARD, GOOD)
    assert {cid: s.answer for cid, s in good.items()} == {"greeting": "yes", "verify_id": "yes"}
    assert "Thank you for calling" in good["greeting"].evidence
    bad = autocheck.suggestions(CARD, BAD)
    assert {cid: s.answer for cid, s in bad.items()} == {"greeting": "no", "verify_id": "no"}
    assert "skip the security" in bad["verify_id"].evidence  # the forbidden phrase wins
    assert bad["greeting"].reason == "the expected phrase was not found"
    assert autocheck.suggestions(CARD, None) == {}


def test_sentiment_counts_terms_and_flips_negated_ones() -> None:
    assert autocheck.sentiment("Great, thanks, that was helpful") == 1.0
    assert autocheck.sentiment("This is ridiculous and I am angry") == -1.0
    assert autocheck.sentiment("I am not happy, the service was great") == 0.0  # one each way
    assert autocheck.sentiment("What is the balance?") == 0.0
    assert autocheck.sentiment("") is None


def test_flags_for_sampling() -> None:
    assert autocheck.flags(CARD, BAD) == {"negative_sentiment", "rule_failed", "critical_rule_failed"}
    assert autocheck.flags(CARD, GOOD) == frozenset()
    assert autocheck.flags(None, BAD) == {"negative_sentiment"}


def test_sampling_uses_transcript_flags() -> None:
    at = datetime(2026, 11, 2, 9)
    plan = SamplingPlan(per_agent=1)
    candidates = [
        Candidate(1, "ann", "q", at, at, transcript_flags=frozenset({"negative_sentiment"})),
        Candidate(2, "ann", "q", at, at, transcript_flags=frozenset({"rule_failed"})),
        Candidate(3, "ann", "q", at, at),
    ]
    flags = flag_contacts(candidates, plan)
    assert flags == {1: ("negative_sentiment",), 2: ("transcript_rule_failed",), 3: ()}


def test_rules_in_the_scorecard_file_are_checked_and_round_trip() -> None:
    assert scorecard_to_dict(CARD)["sections"][0]["criteria"][1]["auto_check"] == {
        "present": ["date of birth", "post ?code"],
        "absent": ["skip (the )?security"],
    }
    assert parse_scorecard(scorecard_to_dict(CARD)) == CARD
    with pytest.raises(
        ScorecardError, match=re.escape("sections[0].criteria[0].auto_check.present[0]: not a")
    ):
        parse_scorecard(_card(greeting={"present": ["thank (you"]}))
    with pytest.raises(ScorecardError, match="only yes_no criteria take a transcript rule"):
        parse_scorecard(_card(empathy={"present": ["sorry"]}))
    with pytest.raises(ScorecardError, match="at least one present or absent pattern"):
        parse_scorecard(_card(greeting={}))


def _contacts(stores, db) -> tuple[int, int]:
    s = f.site(db)
    team = f.team(db, s.id)
    f.employee(db, s.id, team.id, agent_code="ann.agent", full_name="Ann Agent")
    rows = f.contact_rows(
        s.code,
        "sales",
        datetime(2026, 11, 2, 9),
        [
            {"outcome": "answered", "wait_s": 5, "talk_s": 300, "agent": "ann.agent", "transcript": BAD},
            {"outcome": "answered", "wait_s": 5, "talk_s": 300, "agent": "ann.agent", "transcript": GOOD},
        ],
    )
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, rows)
    bad, good = rows.column("contact_id").to_pylist()
    return bad, good


def test_the_sample_picks_the_flagged_transcript_first(stores, db) -> None:
    bad, _good = _contacts(stores, db)
    with stores.warehouse.connect() as conn:
        picked = sampling_service.sample_contacts(
            db, conn, SYSTEM, SamplingPlan(per_agent=1), datetime(2026, 11, 2).date(), scorecard=CARD
        )
    assert [(p.contact_id, p.reasons) for p in picked] == [
        (bad, ("negative_sentiment", "transcript_rule_failed"))
    ]


def test_the_evaluation_page_shows_suggestions_not_answers(stores, db, client) -> None:  # noqa: F811
    bad, _ = _contacts(stores, db)
    f.user(db, "qa", username="qa1")
    qa = Browser(client)
    qa.login("qa1")
    definition = json.dumps(scorecard_to_dict(CARD))
    published = qa.post("/qa/scorecards", {"format": "json", "definition": definition})
    version_id = int(re.search(r"/qa/scorecards/(\d+)", str(published.url)).group(1))
    page = qa.get(f"/qa/evaluate/{bad}?version_id={version_id}")
    assert page.status_code == 200
    assert 'id="suggestions"' in page.text and "skip the security" in page.text
    assert 'class="suggested-no"' in page.text
    assert "-1.00" in page.text or "−1.00" in page.text  # sentiment shown
    assert "checked" not in page.text.split('id="suggestions"')[1].split("</form>")[0]  # nothing pre-filled
