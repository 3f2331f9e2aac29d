"""Sampling plans: each flag, N per agent per week, exclusions, reproducibility."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from floorwalker.quality.sampling import (
    Candidate,
    LaterContact,
    SamplingPlan,
    flag_contacts,
    quantile,
    sample,
    week_of,
)

MONDAY = datetime(2026, 11, 2, 9, 0)  # a Monday


def cand(contact_id: int, agent: str = "ann", day: int = 0, **kw) -> Candidate:
    at = MONDAY + timedelta(days=day, minutes=contact_id)
    return Candidate(
        contact_id=contact_id,
        agent=agent,
        queue=kw.pop("queue", "sales"),
        arrived_at=at,
        arrived_local=at,
        **kw,
    )


def test_week_starts_on_monday_local() -> None:
    assert week_of(datetime(2026, 11, 8, 23, 59)) == date(2026, 11, 2)  # Sunday night
    assert week_of(datetime(2026, 11, 9, 0, 0)) == date(2026, 11, 9)


def test_quantile_type_7() -> None:
    # NumPy's default: positions (n − 1)·q; [10, 20, 30, 40] at 0.9 → 30 + 0.7 × 10 = 37
    assert quantile([40, 10, 30, 20], 0.9) == pytest.approx(37.0)
    assert quantile([5], 0.9) == 5
    assert quantile([1, 2, 3], 0.5) == 2


def test_each_flag() -> None:
    plan = SamplingPlan(per_agent=1)
    candidates = [
        # handle times 100…1000 in sales: the 0.9 quantile is 910, so only 1000 is long
        *[cand(i, handle_s=100.0 * i) for i in range(1, 11)],
        cand(11, handle_s=5000.0, queue="billing"),  # alone in its queue: not above its own quantile
        cand(12, survey_score=3, survey_scale_max=5),  # below the top two boxes
        cand(13, survey_score=4, survey_scale_max=5),  # top two boxes: satisfied
        cand(14, outcome="transferred"),
        cand(15, customer_key="cust-1"),
        cand(16, customer_key="cust-2"),
        cand(17, disposition="Complaint - billing"),
    ]
    later = [
        LaterContact(99, "cust-1", candidates[14].arrived_at + timedelta(days=6)),  # within 7 days: repeat
        LaterContact(98, "cust-2", candidates[15].arrived_at + timedelta(days=8)),  # too late
        LaterContact(97, "cust-2", candidates[15].arrived_at + timedelta(minutes=5), previous_contact_id=16),
    ]
    flags = flag_contacts(candidates, plan, later)
    assert flags[10] == ("long_handle",)
    assert all(flags[i] == () for i in range(1, 10))
    assert flags[11] == ()
    assert flags[12] == ("low_csat",) and flags[13] == ()
    assert flags[14] == ("transfer",)
    assert flags[15] == ("repeat",)
    assert flags[16] == ()  # the later leg of the same call is not a repeat contact
    assert flags[17] == ("complaint",)
    only_transfers = flag_contacts(candidates, SamplingPlan(per_agent=1, flags=("transfer",)), later)
    assert [i for i, f in only_transfers.items() if f] == [14]


def test_targeted_takes_flagged_first_most_flags_first_then_fills_at_random() -> None:
    candidates = [
        cand(1),
        cand(2),
        cand(3),
        cand(4),
        cand(5, outcome="transferred"),
        cand(6, outcome="transferred", disposition="complaint"),
    ]
    picked = sample(candidates, SamplingPlan(per_agent=3))
    assert [(p.contact_id, p.reasons) for p in picked[:2]] == [
        (6, ("transfer", "complaint")),
        (5, ("transfer",)),
    ]
    assert picked[2].reasons == ("random",) and picked[2].contact_id in {1, 2, 3, 4}
    strict = sample(candidates, SamplingPlan(per_agent=3, fill_with_random=False))
    assert [p.contact_id for p in strict] == [6, 5]


def test_n_per_agent_per_week_and_exclusions() -> None:
    candidates = [
        cand(i, agent=agent, day=day)
        for i, (agent, day) in enumerate([(a, d) for a in ("ann", "bob") for d in (0, 1, 2, 7, 8)], start=1)
    ]
    picked = sample(candidates, SamplingPlan(per_agent=2, strategy="random"))
    per_group = Counter((p.agent, p.week) for p in picked)
    assert per_group == {
        ("ann", date(2026, 11, 2)): 2,
        ("ann", date(2026, 11, 9)): 2,
        ("bob", date(2026, 11, 2)): 2,
        ("bob", date(2026, 11, 9)): 2,
    }
    # ann's second week has only 2 contacts; one is excluded (evaluated already) → 1 left
    evaluated = {c.contact_id for c in candidates if c.agent == "ann" and c.arrived_local.day == 9}
    again = sample(candidates, SamplingPlan(per_agent=2, strategy="random"), exclude=evaluated)
    assert Counter((p.agent, p.week) for p in again)[("ann", date(2026, 11, 9))] == 1
    assert not evaluated & {p.contact_id for p in again}
    # evaluations already done that week count towards N
    topped = sample(
        candidates,
        SamplingPlan(per_agent=2, strategy="random"),
        already={("bob", date(2026, 11, 2)): 2, ("ann", date(2026, 11, 2)): 1},
    )
    counts = Counter((p.agent, p.week) for p in topped)
    assert counts[("bob", date(2026, 11, 2))] == 0 and counts[("ann", date(2026, 11, 2))] == 1


def test_reproducible_and_independent_per_agent() -> None:
    ann = [cand(i) for i in range(1, 30)]
    bob = [cand(i, agent="bob") for i in range(100, 130)]
    plan = SamplingPlan(per_agent=3, strategy="random", seed=42)
    first = sample(ann + bob, plan)
    assert first == sample(list(reversed(ann + bob)), plan)
    # bob's data changing does not move ann's sample
    assert [p for p in sample(ann + bob[:5], plan) if p.agent == "ann"] == [
        p for p in first if p.agent == "ann"
    ]
    other_seed = sample(ann + bob, SamplingPlan(per_agent=3, strategy="random", seed=43))
    assert other_seed != first


def test_random_sampling_is_uniform() -> None:
    # 10 contacts, 2 picked per draw: each contact is picked with probability 0.2
    contacts = [cand(i) for i in range(10)]
    hits: Counter[int] = Counter()
    draws = 2000
    for seed in range(draws):
        hits.update(
            p.contact_id for p in sample(contacts, SamplingPlan(per_agent=2, strategy="random", seed=seed))
        )
    for i in range(10):
        # binomial(2000, 0.2): mean 400, sd ≈ 17.9; 5 sd either side
        assert abs(hits[i] - 400) < 90, hits


def test_plan_errors() -> None:
    with pytest.raises(ValueError, match="per_agent"):
        SamplingPlan(per_agent=0)
    with pytest.raises(ValueError, match="strategy"):
        SamplingPlan(per_agent=1, strategy="worst")
    with pytest.raises(ValueError, match="flags: 'angry'"):
        SamplingPlan(per_agent=1, flags=("angry",))
