"""What a site's previous week leaves to the next one for the scheduling rules: each
agent's last shift end and the run of working days that week ended with (rest between
shifts and consecutive days do not stop at Sunday midnight)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from floorwalker.wfm.models import Schedule, ScheduleShift

#: The schedule of the week before that counts: the published one, else the draft.
STATUS_ORDER = ("published", "draft")


def previous_week(session: Session, site_id: int, monday: date) -> dict[int, tuple[int | None, int]]:
    """Employee id → (the end of their last shift of the week before ``monday``, in
    minutes from ``monday`` 00:00 site time (negative before it; None: no shift), working
    days in a row up to that Sunday), from the site's schedule of that week (published,
    else draft). Empty when that week has no schedule."""
    before = monday - timedelta(days=7)
    schedules = session.scalars(
        select(Schedule).where(
            Schedule.site_id == site_id, Schedule.week_start == before, Schedule.status.in_(STATUS_ORDER)
        )
    ).all()
    if not schedules:
        return {}
    chosen = min(schedules, key=lambda s: STATUS_ORDER.index(s.status))
    start = datetime.combine(monday, datetime.min.time())
    ends: dict[int, int] = {}
    worked: dict[int, set[date]] = {}
    for row in session.scalars(
        select(ScheduleShift).where(ScheduleShift.schedule_id == chosen.id, ScheduleShift.kind == "work")
    ):
        if row.end_local is None:
            continue
        end = round((row.end_local - start).total_seconds() / 60)
        ends[row.employee_id] = max(ends.get(row.employee_id, end), end)
        worked.setdefault(row.employee_id, set()).add(row.day)
    out: dict[int, tuple[int | None, int]] = {}
    for emp, days in worked.items():
        run = 0
        while monday - timedelta(days=run + 1) in days:
            run += 1
        out[emp] = (ends.get(emp), run)
    return out
