"""Scoring: every criterion type, N/A both ways, weights, critical both ways and both
scopes, bonus, rounding, grades, comments; hypothesis properties."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorwalker.quality.scorecard import parse_scorecard
from floorwalker.quality.scoring import AnswersError, parse_answers, round_fraction, score_answers

ISSUE_CARD: dict[str, Any] = {
    "name": "Voice QA",
    "na_policy": "exclude",
    "critical_policy": "zero",
    "sections": [
        {
            "id": "opening",
            "weight": 0.3,
            "criteria": [
                {"id": "greeting", "type": "yes_no", "points": 1, "na_allowed": False},
                {"id": "verify_id", "type": "yes_no", "points": 2, "critical": True},
            ],
        },
        {
            "id": "resolution",
            "weight": 0.7,
            "criteria": [
                {"id": "empathy", "type": "scale", "min": 1, "max": 5, "points": 3, "na_allowed": True},
                {"id": "resolved", "type": "yes_no", "points": 3},
            ],
        },
    ],
    "grades": [
        {"min": 0.9, "name": "exceeds"},
        {"min": 0.6, "name": "meets"},
        {"min": 0.0, "name": "needs improvement"},
    ],
}
ISSUE_ANSWERS = {"greeting": "yes", "verify_id": "yes", "empathy": 4, "resolved": "no"}


def card(**changes: Any) -> Any:
    data = copy.deepcopy(ISSUE_CARD)
    data.update(changes)
    return parse_scorecard(data)


def score(data: dict[str, Any] | Any, answers: dict[str, Any]) -> Any:
    sc = data if not isinstance(data, dict) else parse_scorecard(data)
    return score_answers(sc, answers)


def test_issue_example_by_hand() -> None:
    # opening:    greeting yes 1/1, verify_id yes 2/2            → 3/3 = 1.0
    # resolution: empathy 4 on 1–5 → 3 × (4−1)/(5−1) = 2.25 of 3; resolved no 0 of 3
    #                                                           → 2.25/6 = 0.375
    # total = 0.3 × 1.0 + 0.7 × 0.375 = 0.3 + 0.2625 = 0.5625 → below 0.6: needs improvement
    result = score(ISSUE_CARD, ISSUE_ANSWERS)
    assert result.as_contract() == {
        "score": 0.5625,
        "failed": False,
        "sections": {"opening": 1.0, "resolution": 0.375},
        "grade": "needs improvement",
    }
    assert result.criteria["empathy"].earned == 2.25
    assert result.criteria["resolved"].failed
    assert not result.criteria["empathy"].failed


def test_scale_is_linear_from_min_to_max() -> None:
    for value, expected in [(1, 0.0), (2, 0.25), (3, 0.5), (5, 1.0), (4.5, 0.875)]:
        result = score(ISSUE_CARD, {**ISSUE_ANSWERS, "empathy": value, "resolved": "yes"})
        # resolution = (3·expected + 3)/6; total = 0.3 + 0.7 × that
        assert result.sections["resolution"] == pytest.approx((3 * expected + 3) / 6)
    assert score(ISSUE_CARD, {**ISSUE_ANSWERS, "empathy": 1}).criteria["empathy"].failed


def test_points_criterion_and_pass_min() -> None:
    data = {
        "name": "P",
        "sections": [
            {
                "id": "s",
                "weight": 1,
                "criteria": [
                    {"id": "accuracy", "type": "points", "points": 10, "pass_min": 6},
                    {"id": "tone", "type": "points", "points": 5},
                ],
            }
        ],
    }
    result = score(data, {"accuracy": 5, "tone": 0})
    assert result.score == round(5 / 15, 4) == 0.3333
    assert result.criteria["accuracy"].failed  # below pass_min
    assert result.criteria["tone"].failed  # earned nothing
    assert not score(data, {"accuracy": 6, "tone": 1}).criteria["accuracy"].failed
    with pytest.raises(AnswersError, match="accuracy: 11 is outside 0–10"):
        score(data, {"accuracy": 11, "tone": 1})


def test_non_scoring_criterion_never_counts() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][0]["criteria"].append({"id": "reason", "type": "non_scoring", "text": "Call reason"})
    with_info = score(data, {**ISSUE_ANSWERS, "reason": "billing"})
    assert with_info.as_contract() == score(ISSUE_CARD, ISSUE_ANSWERS).as_contract()
    assert score(data, ISSUE_ANSWERS).score == 0.5625  # a non-scoring answer may be left out


def test_na_excluded_leaves_the_denominator() -> None:
    # resolution: empathy N/A → resolved no 0/3 → 0.0; total 0.3 × 1 + 0.7 × 0 = 0.3
    result = score(ISSUE_CARD, {**ISSUE_ANSWERS, "empathy": "na"})
    assert result.sections["resolution"] == 0.0
    assert result.score == 0.3
    assert result.criteria["empathy"].na


def test_na_pass_scores_full_points() -> None:
    # resolution: empathy N/A counted 3/3, resolved 0/3 → 0.5; total 0.3 + 0.35 = 0.65 → meets
    result = score(card(na_policy="pass"), {**ISSUE_ANSWERS, "empathy": "na"})
    assert result.sections["resolution"] == 0.5
    assert result.score == 0.65
    assert result.grade == "meets"


def test_entirely_na_section_leaves_the_total_and_renormalises() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    for c in data["sections"][1]["criteria"]:
        c["na_allowed"] = True
    for policy in ("exclude", "pass"):
        data["na_policy"] = policy
        result = score(data, {**ISSUE_ANSWERS, "empathy": "na", "resolved": "na"})
        assert result.sections == {"opening": 1.0, "resolution": None}
        assert result.score == 1.0  # 0.3 × 1.0 / 0.3
    data["na_policy"] = "exclude"
    data["sections"][0]["criteria"][1]["na_allowed"] = True
    result = score(data, {"greeting": "no", "verify_id": "na", "empathy": "na", "resolved": "na"})
    assert result.score == 0.0 and result.sections["opening"] == 0.0


def test_everything_na_is_an_error() -> None:
    data = {
        "name": "N",
        "sections": [
            {
                "id": "s",
                "weight": 1,
                "criteria": [{"id": "a", "type": "yes_no", "points": 1, "na_allowed": True}],
            }
        ],
    }
    with pytest.raises(AnswersError, match="nothing to score"):
        score(data, {"a": "na"})


def test_na_where_not_allowed_names_the_criterion() -> None:
    with pytest.raises(AnswersError, match=r"^greeting: N/A is not allowed"):
        score(ISSUE_CARD, {**ISSUE_ANSWERS, "greeting": "na"})


def test_weights_change_the_total() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][0]["weight"], data["sections"][1]["weight"] = 0.5, 0.5
    assert score(data, ISSUE_ANSWERS).score == 0.6875  # 0.5 × 1 + 0.5 × 0.375


def test_critical_zero_scores_nothing_and_fails() -> None:
    result = score(ISSUE_CARD, {**ISSUE_ANSWERS, "verify_id": "no", "resolved": "yes"})
    assert result.score == 0.0 and result.failed
    assert result.critical_failures == ("verify_id",)
    # sections still show what was earned, so the agent sees where
    assert result.sections["opening"] == round(1 / 3, 4)
    assert result.grade == "needs improvement"


def test_critical_flag_keeps_the_score_and_fails() -> None:
    # opening 1/3; resolution (2.25 + 3)/6 = 0.875; total 0.3/3 + 0.7 × 0.875 = 0.1 + 0.6125
    result = score(card(critical_policy="flag"), {**ISSUE_ANSWERS, "verify_id": "no", "resolved": "yes"})
    assert result.failed
    assert result.score == 0.7125


def test_critical_na_does_not_fail() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][0]["criteria"][1]["na_allowed"] = True
    result = score(data, {**ISSUE_ANSWERS, "verify_id": "na"})
    assert not result.failed and result.score == 0.5625


def test_critical_section_scope_fails_only_its_section() -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][0]["criteria"][1]["critical_scope"] = "section"
    answers = {**ISSUE_ANSWERS, "verify_id": "no"}
    zero = score(data, answers)
    # opening forced to 0 → total 0.7 × 0.375 = 0.2625
    assert (zero.score, zero.failed, zero.failed_sections) == (0.2625, False, ("opening",))
    assert zero.sections["opening"] == 0.0
    data["critical_policy"] = "flag"
    flag = score(data, answers)
    # opening kept at 1/3 → 0.1 + 0.2625 = 0.3625
    assert (flag.score, flag.failed, flag.failed_sections) == (0.3625, False, ("opening",))


def with_bonus(allow: bool) -> dict[str, Any]:
    data = copy.deepcopy(ISSUE_CARD)
    data["allow_above_full"] = allow
    data["sections"].append(
        {
            "id": "extra_mile",
            "weight": 0.1,
            "bonus": True,
            "criteria": [{"id": "went_beyond", "type": "yes_no", "points": 1, "na_allowed": True}],
        }
    )
    return data


def test_bonus_lifts_the_score() -> None:
    # 0.5625 + 0.1 × 1 = 0.6625 → meets
    result = score(with_bonus(False), {**ISSUE_ANSWERS, "went_beyond": "yes"})
    assert (result.score, result.grade) == (0.6625, "meets")
    assert result.sections["extra_mile"] == 1.0
    assert score(with_bonus(False), {**ISSUE_ANSWERS, "went_beyond": "na"}).score == 0.5625
    assert score(with_bonus(False), {**ISSUE_ANSWERS, "went_beyond": "no"}).score == 0.5625


def test_bonus_above_full_only_where_allowed() -> None:
    perfect = {"greeting": "yes", "verify_id": "yes", "empathy": 5, "resolved": "yes", "went_beyond": "yes"}
    assert score(with_bonus(False), perfect).score == 1.0
    assert score(with_bonus(True), perfect).score == 1.1


def test_critical_zero_overrides_bonus() -> None:
    answers = {"greeting": "yes", "verify_id": "no", "empathy": 5, "resolved": "yes", "went_beyond": "yes"}
    assert score(with_bonus(True), answers).score == 0.0


def test_rounding_is_four_decimals_half_up() -> None:
    from fractions import Fraction

    assert round_fraction(Fraction(1, 3)) == 0.3333
    assert round_fraction(Fraction(2, 3)) == 0.6667
    assert round_fraction(Fraction(5, 100000)) == 0.0001  # a half goes up, not to even
    assert round_fraction(Fraction(15, 100000)) == 0.0002
    assert round_fraction(Fraction(25, 100000)) == 0.0003
    # weights 0.1 and 0.2 summing in binary floats would give 0.30000000000000004
    data = {
        "name": "R",
        "sections": [
            {"id": "a", "weight": 0.1, "criteria": [{"id": "x", "type": "yes_no", "points": 1}]},
            {"id": "b", "weight": 0.2, "criteria": [{"id": "y", "type": "yes_no", "points": 1}]},
            {"id": "c", "weight": 0.7, "criteria": [{"id": "z", "type": "yes_no", "points": 1}]},
        ],
    }
    assert score(data, {"x": "yes", "y": "yes", "z": "no"}).score == 0.3


def test_grade_uses_the_rounded_score() -> None:
    # 89999.5 / 100000 = 0.899995 before rounding: shown as 0.9, and graded as shown
    data = {
        "name": "G",
        "sections": [{"id": "s", "weight": 1, "criteria": [{"id": "a", "type": "points", "points": 100000}]}],
        "grades": [{"min": 0.9, "name": "exceeds"}, {"min": 0, "name": "below"}],
    }
    result = score(data, {"a": 89999.5})
    assert (result.score, result.grade) == (0.9, "exceeds")
    assert score(data, {"a": 89994}).grade == "below"
    assert score({**data, "grades": []}, {"a": 1}).grade is None
    assert score({**data, "grades": [{"min": 0.5, "name": "ok"}]}, {"a": 1}).grade is None


def test_comments_required_on_failed_criteria() -> None:
    required = card(require_comment_on_fail=True)
    with pytest.raises(AnswersError, match=r"^resolved: a failed criterion needs a comment"):
        score_answers(required, ISSUE_ANSWERS)
    ok = score_answers(
        required,
        {"answers": ISSUE_ANSWERS, "comments": {"resolved": "no fix offered"}, "feedback": "Good opening."},
    )
    assert ok.score == 0.5625
    inline = {**ISSUE_ANSWERS, "resolved": {"value": "no", "comment": "promised a call back, none made"}}
    assert score_answers(required, inline).score == 0.5625
    # a per-criterion rule overrides the scorecard's
    data = copy.deepcopy(ISSUE_CARD)
    data["sections"][1]["criteria"][1]["comment_required_on_fail"] = True
    with pytest.raises(AnswersError, match=r"^resolved:"):
        score(data, ISSUE_ANSWERS)


def test_answers_errors_name_the_criterion() -> None:
    cases = [
        ({**ISSUE_ANSWERS, "greeting": "maybe"}, "greeting: 'maybe' is not yes or no"),
        ({**ISSUE_ANSWERS, "empathy": "4"}, "empathy: '4' is not a number"),
        ({**ISSUE_ANSWERS, "empathy": 6}, "empathy: 6 is outside 1–5"),
        ({k: v for k, v in ISSUE_ANSWERS.items() if k != "resolved"}, "resolved: no answer"),
        ({**ISSUE_ANSWERS, "closing": "yes"}, "closing: no such criterion"),
    ]
    for answers, message in cases:
        with pytest.raises(AnswersError, match=f"^{message}"):
            score(ISSUE_CARD, answers)


def test_answers_accept_booleans_and_case() -> None:
    answers = {**ISSUE_ANSWERS, "greeting": True, "resolved": "NO", "empathy": "NA"}
    parsed = parse_answers(answers, card())
    assert parsed.values["greeting"] == "yes" and parsed.values["resolved"] == "no"
    assert parsed.values["empathy"] == "na"


# --- properties ------------------------------------------------------------------------

_scale_values = st.integers(min_value=1, max_value=5)
_yes_no = st.sampled_from(["yes", "no"])


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "greeting": draw(_yes_no),
        "verify_id": draw(_yes_no),
        "empathy": draw(st.one_of(_scale_values, st.just("na"))),
        "resolved": draw(_yes_no),
    }


@settings(max_examples=300, deadline=None)
@given(
    answer_sets(),
    st.sampled_from(["exclude", "pass"]),
    st.sampled_from(["zero", "flag"]),
    st.floats(min_value=0.05, max_value=0.95),
)
def test_score_within_0_and_1_without_bonus(
    answers: dict[str, Any], na: str, critical: str, w: float
) -> None:
    data = copy.deepcopy(ISSUE_CARD)
    data.update(na_policy=na, critical_policy=critical)
    data["sections"][0]["weight"], data["sections"][1]["weight"] = w, 1 - w
    result = score(data, answers)
    assert 0.0 <= result.score <= 1.0
    for value in result.sections.values():
        assert value is None or 0.0 <= value <= 1.0
    assert result.failed == (answers["verify_id"] == "no")


def _better(answers: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = answers[key]
    if value == "no":
        return {**answers, key: "yes"}
    if isinstance(value, int) and value < 5:
        return {**answers, key: value + 1}
    return None


@settings(max_examples=300, deadline=None)
@given(
    answer_sets(),
    st.sampled_from(["greeting", "verify_id", "empathy", "resolved"]),
    st.sampled_from(["exclude", "pass"]),
    st.sampled_from(["zero", "flag"]),
    st.booleans(),
)
def test_score_is_monotone_in_answers(
    answers: dict[str, Any], key: str, na: str, critical: str, bonus: bool
) -> None:
    data = with_bonus(True) if bonus else copy.deepcopy(ISSUE_CARD)
    data.update(na_policy=na, critical_policy=critical)
    if bonus:
        answers = {**answers, "went_beyond": "no"}
    better = _better(answers, key)
    if better is None:
        return
    before, after = score(data, answers), score(data, better)
    assert after.score >= before.score
    for sid, value in before.sections.items():
        if value is not None:
            assert after.sections[sid] is not None
            assert after.sections[sid] >= value
    assert not (after.failed and not before.failed)
