"""Supervisor edits of a stored week: the pure changes (break placement, end, blocks) and
the rule-checked, audited edits on both stores, with refusals naming the rule and scope."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from floorwalker.auth.models import AuditEntry
from floorwalker.errors import InvalidInput, NotFound, PermissionDenied
from floorwalker.wfm import schedule_edit_service as svc
from floorwalker.wfm import shift_edits as edits
from floorwalker.wfm.models import Schedule, ScheduleActivity
from floorwalker.wfm.scheduling.rules import BreakRule, ScheduledActivity, ShiftTemplate
from floorwalker.wfm.shift_edits import DayShift, EditRefused
from tests.wfm.swap_setup import MANAGER, MONDAY, build, row

TEMPLATE = ShiftTemplate(
    "t",
    (480,),
    (240,),
    (0,),
    (BreakRule("b", "break", 15, 60, 120, True), BreakRule("l", "lunch", 30, 90, 150, False)),
)


def test_breaks_go_where_coverage_has_room() -> None:
    surplus = [0.0] * 48
    surplus[19] = 2.0  # 09:30–10:00 has two agents to spare
    acts = edits.place_breaks(TEMPLATE, 480, 720, surplus, 30)
    assert [(a.name, a.start) for a in acts] == [("b", 570), ("l", 585)]  # 09:30 then has 1, like 10:00
    # a wanted start inside the window is kept; the lunch then finds the next free room
    kept = edits.place_breaks(TEMPLATE, 480, 720, surplus, 30, prefer={"b": 600})
    assert [(a.name, a.start) for a in kept] == [("l", 570), ("b", 600)]
    blocked = (ScheduledActivity("meeting", "m", 540, 720),)
    with pytest.raises(EditRefused, match="no free time for 'b'"):
        edits.place_breaks(TEMPLATE, 480, 720, surplus, 30, keep=blocked)


def test_time_parsing_and_blocks() -> None:
    assert edits.parse_time("07:45", "start") == 465
    for bad in ("7h", "24:00", "12:60", ""):
        with pytest.raises(EditRefused, match="is not a time"):
            edits.parse_time(bad, "start")
    week = {0: DayShift("t", 480, 720)}
    with pytest.raises(EditRefused, match="kind"):
        edits.add_block(week, 0, "lunch", "x", 600, 30)
    with pytest.raises(EditRefused, match="does not work"):
        edits.add_block(week, 1, "meeting", "x", 600, 30)
    out = edits.add_block(week, 0, "training", "  CRM  ", 600, 60)
    assert out[0].activities == (ScheduledActivity("training", "CRM", 600, 660, True),)
    shifts, planned = edits.for_check("ann", out)
    assert shifts[0].activities[0].name == planned[0].name == "CRM (day 0 10:00)"


def _actions(db) -> list[str]:
    rows = select(AuditEntry.action).where(AuditEntry.entity == "schedule_shift").order_by(AuditEntry.id)
    return [a for (a,) in db.execute(rows)]


def test_edits_are_checked_stored_and_audited(stores, db) -> None:
    w = build(db)
    tue = MONDAY + timedelta(days=1)
    # bob's Tuesday ends at 15:30: a 4 h part shift (36 h left in a 40 h contract's 36–40)
    before = [int(i["scheduled"]) for i in w.schedule.intervals]
    out = svc.change_end(db, w.sue, row(db, w.bob, 1).id, "15:30")
    assert out["after"] == "Tue 2030-01-08 11:30–15:30 (part)" and out["activities"][0].startswith("break ")
    db.expire_all()
    bob_tue = row(db, w.bob, 1)
    assert (bob_tue.template, bob_tue.end_local) == ("part", tue + timedelta(hours=15, minutes=30))
    after = [int(i["scheduled"]) for i in db.get(Schedule, w.schedule.id).intervals]
    t_1600 = 48 + 32
    assert after[t_1600] == before[t_1600] - 1  # bob no longer there at 16:00
    late = [i for i in out["coverage"] if i.start >= tue + timedelta(hours=15, minutes=30)]
    # 15:30–20:00 loses bob, except 15:30 and 18:00: his old lunch and break 2 had him off there
    assert len(late) == 7 and all(i.after == i.before - 1 for i in late)
    with pytest.raises(InvalidInput, match="no shift template allows a shift of 2:30"):
        svc.change_end(db, w.sue, row(db, w.ann, 0).id, "10:30")

    # ann's Monday lunch: 13:00 is inside its window (180–300 min in), 14:00 is not
    mon = row(db, w.ann, 0)
    lunch = db.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id == mon.id, ScheduleActivity.name == "lunch")
    ).one()
    svc.move_activity(db, w.sue, lunch.id, "13:00")
    lunch = db.scalars(
        select(ScheduleActivity).where(ScheduleActivity.shift_id == mon.id, ScheduleActivity.name == "lunch")
    ).one()
    assert lunch.start_local == MONDAY + timedelta(hours=13)
    with pytest.raises(InvalidInput, match="'lunch' starts 360 min in, outside 180–300"):
        svc.move_activity(db, w.sue, lunch.id, "14:00")

    # a team meeting inside the shift; on top of the lunch it is refused
    svc.add_block(db, w.sue, mon.id, "meeting", "team huddle", "10:30", 30)
    with pytest.raises(InvalidInput, match="overlap"):
        svc.add_block(db, w.sue, mon.id, "coaching", "1:1", "13:15", 30)
    with pytest.raises(InvalidInput, match="not inside the shift"):
        svc.add_block(db, w.sue, mon.id, "training", "CRM", "16:00", 60)
    # the week with its meeting still takes other edits (the meeting is ann's own activity)
    huddle = db.scalars(select(ScheduleActivity).where(ScheduleActivity.name == "team huddle")).one()
    svc.move_activity(db, w.sue, huddle.id, "11:00")

    # a day off: ann's Friday part shift can go (32 h ≥ 32), her Monday cannot (28 h)
    with pytest.raises(InvalidInput, match="paid minutes, the contract allows"):
        svc.remove_shift(db, w.sue, mon.id)
    svc.remove_shift(db, w.sue, row(db, w.ann, 4).id)
    db.expire_all()
    assert row(db, w.ann, 4).kind == "off"
    # a shift from a template on cat's free Friday: a full one is too many hours, a part fits
    with pytest.raises(InvalidInput, match="paid minutes"):
        svc.add_shift(db, MANAGER, row(db, w.cat, 4).id, "full", "09:00")
    with pytest.raises(InvalidInput, match="no template 'night'"):
        svc.add_shift(db, MANAGER, row(db, w.cat, 4).id, "night", "09:00")
    with pytest.raises(InvalidInput, match="start time not allowed"):
        svc.add_shift(db, MANAGER, row(db, w.cat, 4).id, "part", "05:00")
    added = svc.add_shift(db, MANAGER, row(db, w.cat, 4).id, "part", "09:00")
    assert added["after"] == "Fri 2030-01-11 09:00–13:00 (part)"
    db.expire_all()
    cat_fri = row(db, w.cat, 4)
    brk = db.scalars(select(ScheduleActivity).where(ScheduleActivity.shift_id == cat_fri.id)).one()
    offset = (brk.start_local - cat_fri.start_local).total_seconds() / 60
    assert 60 <= offset <= 150
    assert _actions(db) == [
        "change_end",
        "move_activity",
        "add_activity",
        "move_activity",
        "remove_shift",
        "add_shift",
    ]


def test_moving_a_start_keeps_coverage_in_step(stores, db) -> None:
    from floorwalker.wfm import schedule_view

    w = build(db)
    before = [int(i["scheduled"]) for i in w.schedule.intervals]
    with pytest.raises(InvalidInput, match="start time not allowed"):
        schedule_view.edit_shift(db, w.sue, row(db, w.ann, 0).id, "05:00")
    moved = schedule_view.edit_shift(db, w.sue, row(db, w.ann, 0).id, "09:00")
    assert (moved.start_local, moved.end_local) == (
        MONDAY + timedelta(hours=9),
        MONDAY + timedelta(hours=17, minutes=30),
    )
    brk = db.scalars(
        select(ScheduleActivity).where(
            ScheduleActivity.shift_id == moved.id, ScheduleActivity.name == "break 1"
        )
    ).one()
    assert brk.start_local == MONDAY + timedelta(hours=10, minutes=30)
    after = [int(i["scheduled"]) for i in db.get(Schedule, w.schedule.id).intervals]
    assert (after[16] - before[16], after[34] - before[34]) == (-1, +1)  # 08:00 loses ann, 17:00 gains her
    assert _actions(db) == ["edit"]


def test_edit_scope(stores, db) -> None:
    w = build(db)
    ann_mon = row(db, w.ann, 0).id
    with pytest.raises(PermissionDenied):
        svc.remove_shift(db, w.tom, ann_mon)  # supervisor of another team
    with pytest.raises(PermissionDenied):
        svc.change_end(db, w.actor(w.ann), ann_mon, "12:00")  # an agent
    with pytest.raises(PermissionDenied):
        svc.add_shift(db, w.sue, row(db, w.cat, 4).id, "part", "09:00")
    with pytest.raises(NotFound):
        svc.remove_shift(db, MANAGER, 999_999)
    db.get(Schedule, w.schedule.id).status = "draft"
    db.commit()
    with pytest.raises(PermissionDenied, match="drafts"):
        svc.remove_shift(db, w.sue, ann_mon)
    with pytest.raises(InvalidInput, match="is not a time"):
        svc.change_end(db, MANAGER, ann_mon, "late")
    assert _actions(db) == []
