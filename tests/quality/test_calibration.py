"""Calibration statistics against published worked examples and a hand-computed session."""

from __future__ import annotations

import pytest

from floorwalker.quality.calibration import (
    CalibrationRating,
    calibrate,
    icc_2_1,
    interval_delta,
    krippendorff_alpha,
    pair_agreement,
)
from floorwalker.quality.scorecard import parse_scorecard
from floorwalker.quality.scoring import parse_answers, score_evaluation
from tests.quality.test_scoring import ISSUE_CARD

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School
# for Communication, University of Pennsylvania, section C ("Nominal data, any number of
# observers, missing data"): 4 observers, 12 units, values 1–5, "." = missing. The paper
# gives α_nominal = 0.743 and, section E ("Interval data"), α_interval = 0.849.
_ = None
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # observer B
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # observer D
]
UNITS = [[v for v in unit if v is not None] for unit in zip(*RELIABILITY_DATA, strict=True)]


def test_krippendorff_published_nominal_example() -> None:
    assert krippendorff_alpha(UNITS) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_published_interval_example() -> None:
    assert krippendorff_alpha(UNITS, interval_delta) == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_published_binary_example() -> None:
    # Same paper, section A ("Binary data, two observers, no missing data"): α = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha([list(u) for u in zip(a, b, strict=True)]) == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_edge_cases() -> None:
    assert krippendorff_alpha([["yes", "yes"], ["yes", "yes"]]) is None  # no variation: undefined
    assert krippendorff_alpha([["yes"], ["no"]]) is None  # nothing pairable
    assert krippendorff_alpha([["yes", "yes"], ["no", "no"]]) == 1.0


def test_icc_2_1_published_example() -> None:
    # Shrout, P. E. & Fleiss, J. L. (1979). "Intraclass correlations: uses in assessing rater
    # reliability", Psychological Bulletin 86(2), 420–428: the worked example of 6 targets ×
    # 4 judges gives ICC(2,1) = .29 (and ICC(1,1) = .17, ICC(3,1) = .71).
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    assert icc_2_1(ratings) == pytest.approx(0.29, abs=5e-3)
    assert icc_2_1([[1, 1], [3, 3], [5, 5]]) == pytest.approx(1.0)
    assert icc_2_1([[1, 2]]) is None


def test_pair_agreement() -> None:
    # [yes yes no]: 1 of 3 pairs agree; [yes yes yes]: 3 of 3; [4 5]: 0 of 1
    assert pair_agreement([["yes", "yes", "no"], ["yes", "yes", "yes"], [4, 5]]) == (4, 7)


def _rating(evaluator: str, contact: str, answers: dict[str, object]) -> CalibrationRating:
    card = parse_scorecard(ISSUE_CARD)
    parsed = parse_answers(answers, card)
    return CalibrationRating(evaluator, contact, parsed.values, score_evaluation(card, parsed).score)


SESSION = [
    # c1 totals: ann 0.5625; bob 0.3 + 0.7 × 3/6 = 0.65; cat 0.3 × 2/3 + 0.7 × 0.375 = 0.4625
    _rating("ann", "c1", {"greeting": "yes", "verify_id": "yes", "empathy": 4, "resolved": "no"}),
    _rating("bob", "c1", {"greeting": "yes", "verify_id": "yes", "empathy": 5, "resolved": "no"}),
    _rating("cat", "c1", {"greeting": "no", "verify_id": "yes", "empathy": 4, "resolved": "no"}),
    # c2 totals: ann and bob 0.3 + 0.7 × 4.5/6 = 0.825; cat (empathy N/A) 0.3 + 0.7 × 3/3 = 1.0
    _rating("ann", "c2", {"greeting": "yes", "verify_id": "yes", "empathy": 3, "resolved": "yes"}),
    _rating("bob", "c2", {"greeting": "yes", "verify_id": "yes", "empathy": 3, "resolved": "yes"}),
    _rating("cat", "c2", {"greeting": "yes", "verify_id": "yes", "empathy": "na", "resolved": "yes"}),
]


def test_session_by_hand() -> None:
    card = parse_scorecard(ISSUE_CARD)
    assert [r.score for r in SESSION] == [0.5625, 0.65, 0.4625, 0.825, 0.825, 1.0]
    report = calibrate(card, SESSION, expert="ann")
    by_id = {c.criterion: c for c in report.criteria}
    # 3 evaluators → 3 pairs per contact, 6 per criterion
    # greeting c1 yes/yes/no 1 pair + c2 3 pairs = 4/6; verify_id 6/6; empathy c1 4/5/4 1 pair,
    # c2 3/3/na 1 pair = 2/6; resolved 6/6. Overall (4 + 6 + 2 + 6) / 24 = 0.75.
    assert by_id["greeting"].agreement == pytest.approx(4 / 6)
    assert by_id["verify_id"].agreement == 1.0
    assert by_id["empathy"].agreement == pytest.approx(2 / 6)
    assert by_id["resolved"].agreement == 1.0
    assert report.overall_agreement == 0.75
    assert not report.target_reached  # default target 0.85
    assert calibrate(card, SESSION, target=0.75).target_reached
    # greeting nominal α: o(yes,yes) = 1 + 3, o(yes,no) = o(no,yes) = 1; n_yes 5, n_no 1, n 6;
    # D_o = 2/6, D_e = (5·1 + 1·5)/(6·5) = 1/3 → α = 0.
    assert by_id["greeting"].alpha == pytest.approx(0.0)
    assert by_id["verify_id"].alpha is None  # everyone said yes: no variation, α undefined
    assert by_id["resolved"].alpha == 1.0
    # empathy interval α (N/A missing): c1 {4,5,4}: o(4,4)=1, o(4,5)=o(5,4)=1; c2 {3,3}: o(3,3)=2.
    # n_3 = 2, n_4 = 2, n_5 = 1, n = 5; D_o = (1 + 1)·1/5 = 0.4;
    # D_e = 2·(2·1·1 + 2·2·1 + 1·2·4)/(5·4) = 28/20 = 1.4 → α = 1 − 0.4/1.4 = 5/7.
    assert by_id["empathy"].alpha == pytest.approx(5 / 7)
    assert by_id["empathy"].alpha_metric == "interval"
    assert by_id["empathy"].icc is None  # only c1 has a number from everyone
    assert by_id["greeting"].icc is None
    # deviations from the expert ann: bob +0.0875 (c1), 0 (c2); cat −0.1 (c1), +0.175 (c2)
    assert report.reference == "expert:ann"
    dev = {d.evaluator: d for d in report.deviations}
    assert set(dev) == {"bob", "cat"}
    assert dev["bob"].mean_deviation == pytest.approx(0.04375)
    assert dev["cat"].mean_deviation == pytest.approx(0.0375)
    assert dev["cat"].mean_abs_deviation == pytest.approx(0.1375)
    assert dev["cat"].mean_score == pytest.approx(0.73125)
    assert report.score_icc == pytest.approx(icc_2_1([[0.5625, 0.65, 0.4625], [0.825, 0.825, 1.0]]))


def test_session_mean_and_consensus_reference() -> None:
    card = parse_scorecard(ISSUE_CARD)
    mean = calibrate(card, SESSION)
    # c1 mean 1.675/3, c2 mean 2.65/3; ann: (0.5625 − 1.675/3 + 0.825 − 2.65/3)/2
    assert mean.reference == "mean"
    ann = next(d for d in mean.deviations if d.evaluator == "ann")
    assert ann.mean_deviation == pytest.approx((0.5625 - 1.675 / 3 + 0.825 - 2.65 / 3) / 2)
    agreed = calibrate(card, SESSION, consensus={"c1": 0.6, "c2": 0.8})
    bob = next(d for d in agreed.deviations if d.evaluator == "bob")
    assert agreed.reference == "consensus"
    assert bob.mean_deviation == pytest.approx((0.05 + 0.025) / 2)


def test_session_errors() -> None:
    card = parse_scorecard(ISSUE_CARD)
    with pytest.raises(ValueError, match="scored contact 'c1' twice"):
        calibrate(card, [*SESSION, SESSION[0]])
    with pytest.raises(ValueError, match="expert 'dan'"):
        calibrate(card, SESSION, expert="dan")
    with pytest.raises(ValueError, match="target"):
        calibrate(card, SESSION, target=85)
