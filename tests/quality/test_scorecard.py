"""Scorecard parsing and validation: JSON and TOML, every error names its field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from floorwalker.quality.scorecard import ScorecardError, loads_scorecard, parse_scorecard, scorecard_to_dict
from tests.quality.test_scoring import ISSUE_CARD

TOML_CARD = """
name = "Voice QA"
na_policy = "exclude"
critical_policy = "zero"
channels = ["voice"]

[[sections]]
id = "opening"
weight = 0.3
  [[sections.criteria]]
  id = "greeting"
  type = "yes_no"
  points = 1
  na_allowed = false
  [[sections.criteria]]
  id = "verify_id"
  type = "yes_no"
  points = 2
  critical = true

[[sections]]
id = "resolution"
weight = 0.7
  [[sections.criteria]]
  id = "empathy"
  type = "scale"
  min = 1
  max = 5
  points = 3
  na_allowed = true
  [[sections.criteria]]
  id = "resolved"
  type = "yes_no"
  points = 3

[[grades]]
min = 0.9
name = "exceeds"
[[grades]]
min = 0.6
name = "meets"
[[grades]]
min = 0.0
name = "needs improvement"
"""


def test_toml_and_json_read_the_same_scorecard() -> None:
    from_toml = loads_scorecard(TOML_CARD, "toml")
    from_json = loads_scorecard(json.dumps(ISSUE_CARD), "json")
    assert from_toml.sections == from_json.sections
    assert from_toml.grades == from_json.grades
    assert from_toml.channels == ("voice",)
    assert [g.name for g in from_json.grades] == ["exceeds", "meets", "needs improvement"]
    verify = from_json.criteria()["verify_id"]
    assert verify.critical and verify.critical_scope == "evaluation" and not verify.na_allowed


def test_defaults() -> None:
    card = parse_scorecard(
        {
            "name": "D",
            "sections": [{"id": "s", "weight": 1, "criteria": [{"id": "a", "type": "yes_no", "points": 1}]}],
        }
    )
    assert (card.na_policy, card.critical_policy, card.allow_above_full, card.require_comment_on_fail) == (
        "exclude",
        "zero",
        False,
        False,
    )
    assert card.grades == ()


def test_round_trip() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"].append(
        {
            "id": "bonus",
            "weight": 0.05,
            "bonus": True,
            "criteria": [{"id": "wow", "type": "points", "points": 2, "pass_min": 1}],
        }
    )
    data["sections"][0]["criteria"][1]["critical_scope"] = "section"
    card = parse_scorecard(data)
    assert parse_scorecard(scorecard_to_dict(card)) == card


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(ISSUE_CARD)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()

BAD = [
    (["name"], _DELETE, "^name: a non-empty text"),
    (["na_policy"], "ignore", "^na_policy: 'ignore'; one of exclude, pass"),
    (["critical_policy"], "fail", "^critical_policy: 'fail'; one of zero, flag"),
    (["sections"], [], "^sections: at least one section"),
    (["sections", 0, "weight"], 30, r"^sections\[0\].weight: 30 is not a fraction .*30% is 0.3"),
    (["sections", 0, "weight"], 0.4, "^sections: the weights of the non-bonus sections total 1.1, not 1"),
    (["sections", 1, "id"], "opening", "^sections: section id 'opening' appears twice"),
    (["sections", 1, "criteria", 0, "id"], "greeting", "^sections: criterion id 'greeting' appears twice"),
    (["sections", 1, "criteria", 0, "type"], "stars", r"^sections\[1\].criteria\[0\].type: 'stars'"),
    (["sections", 1, "criteria", 0, "max"], 1, r"^sections\[1\].criteria\[0\].max: max 1 is not above min 1"),
    (["sections", 1, "criteria", 0, "min"], _DELETE, r"^sections\[1\].criteria\[0\].min: missing"),
    (["sections", 1, "criteria", 1, "points"], 0, r"^sections\[1\].criteria\[1\].points: 0 is not above 0"),
    (["sections", 1, "criteria", 1, "points"], "3", r"^sections\[1\].criteria\[1\].points: '3' is not a"),
    (["sections", 1, "criteria", 1, "min"], 1, r"^sections\[1\].criteria\[1\].min: only scale criteria"),
    (["sections", 1, "criteria", 1, "colour"], "red", r"^sections\[1\].criteria\[1\].colour: unknown field"),
    (["sections", 0, "criteria", 1, "critical"], "yes", r"^sections\[0\].criteria\[1\].critical: 'yes'"),
    (["sections", 0, "criteria", 1, "critical_scope"], "team", r"critical_scope: 'team'"),
    (["sections", 0, "criteria"], [], r"^sections\[0\].criteria: at least one criterion"),
    (["grades", 0, "min"], 90, r"^grades\[0\].min: 90 is too high .*60% is 0.6"),
    (["grades", 1, "name"], "exceeds", "^grades: grade name 'exceeds' appears twice"),
    (["channels"], "voice", "^channels: a list"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD)
def test_errors_name_the_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        parse_scorecard(mutate(path, value))


def test_weights_as_percent_get_a_hint() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][0]["weight"] = 1
    data["sections"][1]["weight"] = 1
    with pytest.raises(ScorecardError, match="total 2, not 1"):
        parse_scorecard(data)


def test_bonus_rules() -> None:
    bonus = {
        "id": "b",
        "weight": 0.1,
        "bonus": True,
        "criteria": [{"id": "x", "type": "yes_no", "points": 1, "critical": True}],
    }
    with pytest.raises(ScorecardError, match=r"^sections\[2\].criteria\[0\].critical: a bonus criterion"):
        parse_scorecard(mutate(["sections"], [*ISSUE_CARD["sections"], bonus]))
    plain = [{"id": "x", "type": "yes_no", "points": 1}]
    only_bonus = {"name": "B", "sections": [{**bonus, "criteria": plain}]}
    with pytest.raises(ScorecardError, match="every section is a bonus section"):
        parse_scorecard(only_bonus)


def test_non_scoring_rules() -> None:
    info = {"id": "note", "type": "non_scoring", "points": 1}
    with pytest.raises(ScorecardError, match=r"criteria\[2\].points: a non_scoring criterion has no points"):
        parse_scorecard(mutate(["sections", 0, "criteria"], [*ISSUE_CARD["sections"][0]["criteria"], info]))
    lone = {
        "name": "I",
        "sections": [{"id": "s", "weight": 1, "criteria": [{"id": "note", "type": "non_scoring"}]}],
    }
    with pytest.raises(ScorecardError, match=r"^sections\[0\].criteria: a section needs at least one"):
        parse_scorecard(lone)


def test_bad_text() -> None:
    with pytest.raises(ScorecardError, match="not valid JSON"):
        loads_scorecard("{", "json")
    with pytest.raises(ScorecardError, match="not valid TOML"):
        loads_scorecard("name = ", "toml")
    with pytest.raises(ScorecardError, match="a scorecard is an object"):
        loads_scorecard("[]", "json")
