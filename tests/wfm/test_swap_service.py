"""Shift swaps: the pure rules (states, what moves, coverage) and the approval flow on
both stores, with rule refusals, stale swaps and scope."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import schedule_edit_service as edits
from floorwalker.wfm import swap_service as svc
from floorwalker.wfm.models import Schedule, ScheduleActivity
from floorwalker.wfm.scheduling.rules import ScheduledActivity
from floorwalker.wfm.shift_edits import DayShift, EditRefused
from floorwalker.wfm.swaps import SwapRefused, coverage_change, next_status, runs, swapped
from floorwalker.wfm.time_off import IntervalCoverage, ShiftSpan
from tests import factories as f
from tests.wfm.swap_setup import MANAGER, MONDAY, build, row

NINE = datetime(2030, 1, 7, 9)


def test_states_only_pending_swaps_change() -> None:
    assert next_status("proposed", "accept") == "accepted"
    assert next_status("proposed", "decline") == "declined"
    assert next_status("accepted", "approve") == "approved"
    assert next_status("accepted", "cancel") == "cancelled"
    assert next_status("proposed", "reject") == "rejected"
    with pytest.raises(SwapRefused, match="only a accepted"):
        next_status("proposed", "approve")
    with pytest.raises(SwapRefused, match="already approved"):
        next_status("approved", "cancel")
    with pytest.raises(SwapRefused, match="already declined"):
        next_status("declined", "accept")
    with pytest.raises(SwapRefused, match="unknown action"):
        next_status("proposed", "steal")


def test_swapped_moves_whole_shifts_and_refuses_clashes() -> None:
    a = DayShift("full", 480, 990)
    b = DayShift("full", 1440 + 690, 1440 + 1200)
    mine, theirs = {0: a, 2: a}, {1: b}
    p, c = swapped(mine, theirs, 0, 1)
    assert p == {1: b, 2: a} and c == {0: a}
    p, c = swapped(mine, theirs, 0, None)  # a trade: the colleague takes it, I am off
    assert p == {2: a} and c == {0: a, 1: b}
    with pytest.raises(EditRefused, match="already works that day"):
        swapped(mine, {0: b}, 0, None)
    with pytest.raises(EditRefused, match="proposer already works"):
        swapped(mine, {2: b}, 0, 2)
    meeting = DayShift("full", 480, 990, (ScheduledActivity("meeting", "1:1", 600, 630),))
    with pytest.raises(EditRefused, match="personal"):
        swapped({0: meeting}, theirs, 0, 1)


def test_coverage_change_and_runs() -> None:
    ivs = [IntervalCoverage(NINE + timedelta(minutes=30 * i), 2, 2) for i in range(6)]
    gone = ShiftSpan(NINE, NINE + timedelta(hours=1))
    come = ShiftSpan(NINE + timedelta(minutes=30), NINE + timedelta(hours=2))
    out = coverage_change(ivs, 30, [gone], [come])
    # 09:00 loses one, 09:30 loses one and gains one (unchanged, left out), 10:00 and 10:30 gain
    assert [(i.start.hour, i.start.minute, i.before, i.after) for i in out] == [
        (9, 0, 2, 1), (10, 0, 2, 3), (10, 30, 2, 3),
    ]  # fmt: skip
    assert [i.extra_short for i in out] == [1, 0, 0]
    merged = runs({0: -1, 2: 1, 3: 1}, [i.start for i in ivs], 30)
    assert merged == [
        (NINE, NINE + timedelta(minutes=30), -1),
        (NINE + timedelta(hours=1), NINE + timedelta(hours=2), 1),
    ]


def _audit(db, entity: str) -> list[str]:
    return [
        a
        for (a,) in db.execute(
            select(AuditEntry.action).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        )
    ]


def test_swap_flow_scope_and_apply(stores, db) -> None:
    w = build(db)
    ann, bob, cat = w.actor(w.ann), w.actor(w.bob), w.actor(w.cat)
    spanish = f.skill(db, name="Spanish")
    from floorwalker.org.models import EmployeeSkill

    db.add(EmployeeSkill(employee_id=w.ann.id, skill_id=spanish.id, proficiency=3))
    db.commit()
    mon_ann, sat_bob = row(db, w.ann, 0), row(db, w.bob, 5)
    with pytest.raises(PermissionDenied, match="your own"):
        svc.propose(db, bob, mon_ann.id, sat_bob.id)
    swap = svc.propose(db, ann, mon_ann.id, sat_bob.id, message="family day")
    assert (swap.kind, swap.status) == ("swap", "proposed")
    assert swap.offered_label == "Mon 2030-01-07 08:00–16:30 (full)"
    assert swap.wanted_label == "Sat 2030-01-12 11:30–20:00 (full)"
    with pytest.raises(Conflict, match="already offered"):
        svc.propose(db, ann, mon_ann.id, sat_bob.id)

    # who sees it
    assert [x["swap"].id for x in svc.list_swaps(db, bob)] == [swap.id]
    assert svc.list_swaps(db, bob)[0]["can_respond"] is True
    assert svc.list_swaps(db, cat) == [] and svc.list_swaps(db, w.tom) == []
    with pytest.raises(NotFound):
        svc.review(db, cat, swap.id)
    with pytest.raises(NotFound):
        svc.approve(db, w.tom, swap.id)  # a supervisor of another team does not even see it
    # who may act
    with pytest.raises(PermissionDenied, match="colleague"):
        svc.accept(db, ann, swap.id)
    with pytest.raises(Conflict, match="only a accepted"):
        svc.approve(db, w.sue, swap.id)
    svc.accept(db, bob, swap.id, "sure")
    with pytest.raises(PermissionDenied, match="supervisor"):
        svc.approve(db, bob, swap.id)  # an agent cannot approve
    with pytest.raises(PermissionDenied, match="supervisor"):
        svc.approve(db, ann, swap.id)

    seen = svc.review(db, w.sue, swap.id)
    assert seen["can_decide"] and seen["problems"] == [] and seen["stale"] == ""
    assert seen["coverage"] == [] and seen["summary"] == {"worse": 0, "better": 0, "below_after": 0}
    # ann's Spanish leaves Monday 08:00–16:30 (less her breaks) and comes to Saturday
    spans = [(s["start"], s["end"], s["change"]) for s in seen["skills"]]
    assert spans[0] == (MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=9, minutes=30), -1)
    assert (
        MONDAY + timedelta(days=5, hours=11, minutes=30),
        MONDAY + timedelta(days=5, hours=13),
        1,
    ) in spans
    assert seen["after"] == [
        ("ann", "Mon 2030-01-07 off"), ("ann", "Sat 2030-01-12 11:30–20:00 (full)"),
        ("bob", "Mon 2030-01-07 08:00–16:30 (full)"), ("bob", "Sat 2030-01-12 off"),
    ]  # fmt: skip
    before = [i["scheduled"] for i in db.get(Schedule, w.schedule.id).intervals]
    svc.approve(db, w.sue, swap.id, "ok")
    db.expire_all()
    assert db.get(type(swap), swap.id).status == "approved"
    assert (row(db, w.ann, 0).kind, row(db, w.ann, 5).kind) == ("off", "work")
    bob_mon = row(db, w.bob, 0)
    assert (bob_mon.kind, bob_mon.start_local) == ("work", MONDAY + timedelta(hours=8))
    names = db.scalars(select(ScheduleActivity.name).where(ScheduleActivity.shift_id == bob_mon.id)).all()
    assert sorted(names) == ["break 1", "break 2", "lunch"]
    assert row(db, w.bob, 5).kind == "off"
    assert [i["scheduled"] for i in db.get(Schedule, w.schedule.id).intervals] == before
    with pytest.raises(Conflict, match="already approved"):
        svc.reject(db, w.sue, swap.id)
    assert _audit(db, "shift_swap") == ["propose", "accept", "approve"]


def test_rule_refusals_trades_and_stale_swaps(stores, db) -> None:
    w = build(db)
    ann, bob, cat = w.actor(w.ann), w.actor(w.bob), w.actor(w.cat)
    # bob cannot take ann's Monday on top of his five days (two days off, 40 h)
    with pytest.raises(InvalidInput, match=r"ann: 1680 paid minutes.*bob: 1 days off, the contract needs 2"):
        svc.propose(db, ann, row(db, w.ann, 0).id, colleague_id=w.bob.id)
    # a same-day swap of two full shifts exchanges times: fine; a full for ann's part is not
    with pytest.raises(InvalidInput, match="paid minutes"):
        svc.propose(db, bob, row(db, w.bob, 4).id, row(db, w.ann, 4).id)
    with pytest.raises(InvalidInput, match="already works"):
        svc.propose(db, ann, row(db, w.ann, 1).id, colleague_id=w.bob.id)
    # a trade across teams: ann's Friday part shift to cat, who is off on Friday
    trade = svc.propose(db, ann, row(db, w.ann, 4).id, colleague_id=w.cat.id)
    assert trade.kind == "trade" and trade.wanted_label == ""
    svc.accept(db, cat, trade.id)
    with pytest.raises(PermissionDenied, match="both agents' teams"):
        svc.approve(db, w.sue, trade.id)  # sue leads ann's team, not cat's
    seen = svc.review(db, MANAGER, trade.id)
    fri_8 = MONDAY + timedelta(days=4, hours=8)
    assert seen["coverage"] == []  # a whole shift changes hands: total coverage stays
    svc.approve(db, MANAGER, trade.id)
    db.expire_all()
    assert row(db, w.cat, 4).start_local == fri_8 and row(db, w.ann, 4).kind == "off"

    # stale: bob's Saturday changes after the swap is proposed → accept and approve refused
    swap = svc.propose(db, bob, row(db, w.bob, 5).id, row(db, w.cat, 0).id)
    edits.change_end(db, w.sue, row(db, w.bob, 5).id, "15:30")
    with pytest.raises(Conflict, match="changed since the swap was proposed"):
        svc.accept(db, cat, swap.id)
    assert "changed since" in svc.review(db, MANAGER, swap.id)["stale"]
    svc.cancel(db, bob, swap.id)
    assert db.get(type(swap), swap.id).status == "cancelled"
    # a republished week makes pending swaps stale too
    again = svc.propose(db, bob, row(db, w.bob, 1).id, row(db, w.ann, 1).id)
    db.get(Schedule, w.schedule.id).status = "superseded"
    db.commit()
    with pytest.raises(Conflict, match="replaced"):
        svc.accept(db, ann, again.id)
    svc.reject(db, MANAGER, again.id, "week republished")
    assert db.get(type(again), again.id).status == "rejected"


def test_started_shifts_cannot_be_swapped(stores, db, monkeypatch) -> None:
    w = build(db)
    monkeypatch.setattr("floorwalker.clock.utcnow", lambda: MONDAY + timedelta(hours=9))
    with pytest.raises(InvalidInput, match="already started"):
        svc.propose(db, w.actor(w.ann), row(db, w.ann, 0).id, row(db, w.bob, 5).id)
    opts = svc.options(db, w.actor(w.ann), MONDAY.date())
    assert [r.day.weekday() for r in opts["mine"]] == [1, 2, 3, 4]
    assert {e.agent_code for e in opts["colleagues"]} == {"bob", "cat"}
    with pytest.raises(PermissionDenied):
        svc.options(db, MANAGER, MONDAY.date())


def test_approving_one_swap_makes_a_rival_on_the_same_shift_stale(stores, db) -> None:
    w = build(db)
    bob_tue = row(db, w.bob, 1).id
    first = svc.propose(db, w.actor(w.ann), row(db, w.ann, 1).id, bob_tue)  # same day: times exchange
    rival = svc.propose(db, w.actor(w.cat), row(db, w.cat, 1).id, bob_tue)
    svc.accept(db, w.actor(w.bob), first.id)
    svc.accept(db, w.actor(w.bob), rival.id)
    svc.approve(db, MANAGER, first.id)
    db.expire_all()
    assert row(db, w.bob, 1).start_local == MONDAY + timedelta(days=1, hours=8)
    with pytest.raises(Conflict, match="changed since the swap was proposed"):
        svc.approve(db, MANAGER, rival.id)
    assert db.get(type(rival), rival.id).status == "accepted"  # nothing applied; it can be rejected
