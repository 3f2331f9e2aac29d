import pytest

from floorwalker.metrics import formulas
from floorwalker.metrics.formulas import QueueCounts

# ICMI worked example of spec/kpis.md: A=1000, Ab=60, A_T=860, Ab_T=20, X=0.
ICMI = QueueCounts(
    offered=1060,
    answered=1000,
    abandoned=60,
    answered_within_threshold=860,
    abandoned_within_threshold=20,
)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("within_over_offered", 0.830),
        ("answered_within_over_answered", 0.860),
        ("answered_within_over_offered", 0.811),
        ("answered_within_over_offered_less_abandoned_within", 0.827),
    ],
)
def test_icmi_worked_example(formula: str, expected: float) -> None:
    assert formulas.service_level(ICMI, formula) == pytest.approx(expected, abs=0.0005)


def test_default_formula_removes_short_abandons_from_the_denominator() -> None:
    counts = QueueCounts(
        offered=110, answered=100, abandoned=10, short_abandoned=4, answered_within_threshold=80
    )
    assert formulas.service_level(counts) == pytest.approx(80 / 106)


def test_other_exits_count_in_the_denominator_and_incomplete_do_not() -> None:
    counts = QueueCounts(offered=13, answered=8, other_exits=2, incomplete=3, answered_within_threshold=5)
    assert formulas.service_level(counts, "answered_within_over_offered") == pytest.approx(0.5)


def test_every_formula_is_undefined_without_contacts() -> None:
    for name in formulas.SL_FORMULAS:
        assert formulas.service_level(QueueCounts(), name) is None
    assert formulas.asa_s(QueueCounts()) is None
    assert formulas.abandon_rate(QueueCounts()) is None
    assert formulas.aht_s(QueueCounts()) is None


def test_unknown_formula_is_an_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="answered_within_over_offered"):
        formulas.service_level(ICMI, "made_up")


def test_asa_and_abandon_rate() -> None:
    counts = QueueCounts(
        offered=20, answered=10, abandoned=8, short_abandoned=3, incomplete=2, wait_answered_s=150.0
    )
    assert formulas.asa_s(counts) == 15.0
    # (Ab − Ab_S) / (O − Ab_S) = 5 / 17
    assert formulas.abandon_rate(counts) == pytest.approx(5 / 17)


def test_aht_basis_says_what_the_source_recorded() -> None:
    talk_only = QueueCounts(handled=2, talk_s=400.0)
    assert formulas.aht_s(talk_only) == 200.0
    assert formulas.aht_basis(talk_only) == "talk only"
    full = QueueCounts(
        handled=2,
        talk_s=400.0,
        hold_s=40.0,
        wrapup_s=60.0,
        handled_with_hold=2,
        handled_with_wrapup=2,
    )
    assert formulas.aht_s(full) == 250.0
    assert formulas.aht_basis(full) == "talk + hold + wrap-up"
