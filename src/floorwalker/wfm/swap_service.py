"""Shift swaps on the stores: an agent proposes to swap a published shift with a
colleague's (or to give it away), the colleague accepts or declines, a supervisor of the
teams concerned (managers and admins: any) reviews the rule check of both weeks and the
coverage impact per interval, then approves (the swap is applied to the published
schedule in one transaction) or rejects. The proposer may cancel while it is pending.

Scope: an agent sees own swaps and those offered to them; a supervisor those of the
teams they lead; managers and admins all. Every write is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from floorwalker import clock
from floorwalker.auth import audit
from floorwalker.auth.permissions import Actor
from floorwalker.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floorwalker.org.models import Employee, EmployeeSkill, Skill
from floorwalker.wfm import schedule_edit_service as weeks
from floorwalker.wfm.models import Schedule, ScheduleShift, ShiftSwap
from floorwalker.wfm.shift_edits import EditRefused
from floorwalker.wfm.swaps import (
    PENDING,
    TRANSITIONS,
    SwapRefused,
    coverage_delta,
    next_status,
    runs,
    summary,
    swapped,
)
from floorwalker.wfm.versions_service import PLANNER_ROLES


@dataclass
class _Plan:
    """A swap worked out on the stored weeks as they are now."""

    schedule: Schedule
    proposer: weeks.AgentWeek
    colleague: weeks.AgentWeek
    offered_day: int
    wanted_day: int | None
    new_proposer: dict[int, Any]
    new_colleague: dict[int, Any]

    @property
    def days(self) -> list[int]:
        return sorted({self.offered_day, *(() if self.wanted_day is None else (self.wanted_day,))})

    def fingerprint(self) -> str:
        """The involved days of both agents as they stand (compared before each step)."""
        state = {
            "schedule": self.schedule.id,
            "status": self.schedule.status,
            "proposer": {str(d): repr(self.proposer.week.get(d)) for d in self.days},
            "colleague": {str(d): repr(self.colleague.week.get(d)) for d in self.days},
        }
        return json.dumps(state, sort_keys=True)


def _own_employee(session: Session, actor: Actor) -> Employee:
    if actor.employee_id is None:
        raise PermissionDenied("your user is not linked to an employee: you have no shifts to swap")
    emp = session.get(Employee, actor.employee_id)
    if emp is None:
        raise NotFound("your employee record is gone")
    return emp


def can_decide(actor: Actor, proposer: Employee, colleague: Employee) -> bool:
    """Managers and admins; a supervisor who leads the teams of both agents."""
    return weeks.can_edit(actor, proposer) and weeks.can_edit(actor, colleague)


def _plan(
    session: Session,
    schedule: Schedule,
    proposer: Employee,
    colleague: Employee,
    offered: int,
    wanted: int | None,
) -> _Plan:
    pw = weeks.load_week(session, schedule, proposer)
    cw = weeks.load_week(session, schedule, colleague)
    try:
        new_p, new_c = swapped(pw.week, cw.week, offered, wanted)
    except EditRefused as exc:
        raise InvalidInput(f"swap refused: {exc}", field="shift") from None
    return _Plan(schedule, pw, cw, offered, wanted, new_p, new_c)


def _rule_problems(session: Session, plan: _Plan) -> list[str]:
    instance = weeks.week_rules(session, plan.schedule, [plan.proposer.employee, plan.colleague.employee])
    before = {plan.proposer.code: plan.proposer.week, plan.colleague.code: plan.colleague.week}
    after = {plan.proposer.code: plan.new_proposer, plan.colleague.code: plan.new_colleague}
    return weeks.new_problems(instance, before, after)


def _not_started(plan: _Plan) -> None:
    now = clock.utcnow()
    for aw in (plan.proposer, plan.colleague):
        for d in plan.days:
            s = aw.week.get(d)
            if s is not None and weeks.local_at(plan.schedule, s.start)[0] <= now:
                what = weeks.describe(plan.schedule, d, s)
                raise InvalidInput(
                    f"swap refused: {aw.code}'s shift {what} has already started", field="shift"
                )


def _work_row(session: Session, shift_id: int, field: str) -> tuple[ScheduleShift, Schedule]:
    row = session.get(ScheduleShift, shift_id)
    schedule = None if row is None else session.get(Schedule, row.schedule_id)
    if row is None or schedule is None or row.kind != "work":
        raise NotFound(f"no shift with id {shift_id}", field=field)
    if schedule.status != "published":
        raise InvalidInput(f"{field}: only shifts of a published schedule can be swapped", field=field)
    return row, schedule


def propose(
    session: Session,
    actor: Actor,
    offered_shift_id: int,
    wanted_shift_id: int | None = None,
    colleague_id: int | None = None,
    message: str = "",
) -> ShiftSwap:
    """The actor offers their shift ``offered_shift_id``: for the colleague's shift
    ``wanted_shift_id`` (a swap), or to ``colleague_id`` outright (a trade: the colleague
    must be off that day). Refused at once when either week would break a rule."""
    me = _own_employee(session, actor)
    row, schedule = _work_row(session, offered_shift_id, "offered_shift_id")
    if row.employee_id != me.id:
        raise PermissionDenied("you can only offer your own shifts")
    wanted_day: int | None = None
    if wanted_shift_id is not None:
        other, other_schedule = _work_row(session, wanted_shift_id, "wanted_shift_id")
        if other_schedule.id != schedule.id:
            raise InvalidInput(
                "wanted_shift_id: swaps are within one published week of one site", field="wanted_shift_id"
            )
        colleague = session.get(Employee, other.employee_id)
        wanted_day = (other.day - schedule.week_start).days
    elif colleague_id is not None:
        colleague = session.get(Employee, colleague_id)
    else:
        raise InvalidInput(
            "name the colleague's shift you want (wanted_shift_id) or the colleague (colleague_id)"
        )
    if colleague is None or colleague.site_id != me.site_id or colleague.status != "active":
        raise NotFound("no such colleague at your site", field="colleague_id")
    if colleague.id == me.id:
        raise InvalidInput("a swap needs a colleague, not yourself", field="colleague_id")
    if not session.scalars(
        select(ScheduleShift.id).where(
            ScheduleShift.schedule_id == schedule.id, ScheduleShift.employee_id == colleague.id
        )
    ).first():
        raise InvalidInput("the colleague is not on this week's published schedule", field="colleague_id")
    dup = session.scalars(
        select(ShiftSwap.id).where(ShiftSwap.offered_shift_id == row.id, ShiftSwap.status.in_(PENDING))
    ).first()
    if dup is not None:
        raise Conflict(f"you already offered this shift in swap {dup}: cancel that one first")
    plan = _plan(session, schedule, me, colleague, (row.day - schedule.week_start).days, wanted_day)
    _not_started(plan)
    problems = _rule_problems(session, plan)
    if problems:
        raise InvalidInput("swap refused: " + "; ".join(problems), field="shift")
    wanted_label = ""
    if wanted_day is not None:
        wanted_label = weeks.describe(schedule, wanted_day, plan.colleague.week.get(wanted_day))
    swap = ShiftSwap(
        schedule_id=schedule.id, kind="swap" if wanted_day is not None else "trade", status="proposed",
        proposer_id=me.id, colleague_id=colleague.id, offered_shift_id=row.id,
        wanted_shift_id=wanted_shift_id, wanted_label=wanted_label,
        offered_label=weeks.describe(schedule, plan.offered_day, plan.proposer.week.get(plan.offered_day)),
        fingerprint=plan.fingerprint(), message=message.strip()[:400], note="", created_by=actor.username,
        created_at=clock.utcnow(),
    )  # fmt: skip
    session.add(swap)
    session.flush()
    audit.record(session, actor, "propose", "shift_swap", swap.id,
                 {"kind": swap.kind, "colleague": colleague.agent_code, "offered": swap.offered_label,
                  "wanted": swap.wanted_label})  # fmt: skip
    session.commit()
    return swap


def _load(
    session: Session, actor: Actor, swap_id: int, lock: bool = False
) -> tuple[ShiftSwap, Employee, Employee]:
    stmt = select(ShiftSwap).where(ShiftSwap.id == swap_id)
    swap = session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if swap is None:
        raise NotFound(f"no shift swap {swap_id}", field="swap")
    proposer = session.get(Employee, swap.proposer_id)
    colleague = session.get(Employee, swap.colleague_id)
    if proposer is None or colleague is None:
        raise NotFound(f"no shift swap {swap_id}", field="swap")
    party = actor.employee_id in (proposer.id, colleague.id)
    if not (party or weeks.can_edit(actor, proposer) or weeks.can_edit(actor, colleague)):
        raise NotFound(f"no shift swap {swap_id}", field="swap")
    return swap, proposer, colleague


def _current(
    session: Session, swap: ShiftSwap, proposer: Employee, colleague: Employee, lock: bool = False
) -> tuple[_Plan | None, str]:
    """The swap worked out on the schedule as it is now (with ``lock``, the schedule is
    locked until the transaction ends), or None and why it no longer can be."""
    if lock:
        schedule = weeks.lock_schedule(session, swap.schedule_id)
    else:
        schedule = session.get(Schedule, swap.schedule_id)
    offered = session.get(ScheduleShift, swap.offered_shift_id)
    wanted = None if swap.wanted_shift_id is None else session.get(ScheduleShift, swap.wanted_shift_id)
    if schedule is None or offered is None or (swap.wanted_shift_id is not None and wanted is None):
        return None, "the schedule or one of the shifts is gone"
    if schedule.status != "published":
        return None, f"the week's schedule was replaced (it is now {schedule.status}): propose again"
    offered_day = (offered.day - schedule.week_start).days
    wanted_day = None if wanted is None else (wanted.day - schedule.week_start).days
    pw = weeks.load_week(session, schedule, proposer)
    cw = weeks.load_week(session, schedule, colleague)
    probe = _Plan(schedule, pw, cw, offered_day, wanted_day, {}, {})
    if probe.fingerprint() != swap.fingerprint:
        now = [
            f"{aw.code} {weeks.describe(schedule, d, aw.week.get(d))}" for aw in (pw, cw) for d in probe.days
        ]
        return None, "the shifts changed since the swap was proposed (now: " + "; ".join(now) + ")"
    try:
        new_p, new_c = swapped(pw.week, cw.week, offered_day, wanted_day)
    except EditRefused as exc:
        return None, str(exc)
    return _Plan(schedule, pw, cw, offered_day, wanted_day, new_p, new_c), ""


def _step(session: Session, actor: Actor, swap_id: int, action: str, note: str = "") -> ShiftSwap:
    swap, proposer, colleague = _load(session, actor, swap_id, lock=True)
    who = TRANSITIONS.get(action, ((), "", ""))[2]
    if who == "colleague" and actor.employee_id != colleague.id:
        raise PermissionDenied("only the colleague the swap is offered to accepts or declines it")
    if who == "proposer" and actor.employee_id != proposer.id:
        raise PermissionDenied("only the agent who proposed the swap cancels it")
    if who == "supervisor" and not can_decide(actor, proposer, colleague):
        raise PermissionDenied(
            "only a supervisor of both agents' teams, a manager or an admin approves or rejects a swap"
        )
    try:
        status = next_status(swap.status, action)
    except SwapRefused as exc:
        raise Conflict(str(exc)) from None
    details: dict[str, Any] = {"from": swap.status, "to": status}
    if action in ("accept", "approve"):
        plan, why = _current(session, swap, proposer, colleague, lock=True)
        if plan is None:
            raise Conflict(f"swap refused: {why}")
        _not_started(plan)
        problems = _rule_problems(session, plan)
        if problems:
            raise Conflict("swap refused: " + "; ".join(problems))
        if action == "approve":
            impacts = weeks.impact(
                plan.schedule, [(plan.proposer, plan.new_proposer), (plan.colleague, plan.new_colleague)]
            )
            weeks.store(
                session,
                plan.schedule,
                [(plan.proposer, plan.new_proposer), (plan.colleague, plan.new_colleague)],
            )
            details |= {
                "applied": [f"{aw.code} {weeks.describe(plan.schedule, d, aw.week.get(d))}"
                            for aw in (plan.proposer, plan.colleague) for d in plan.days],
                "coverage": summary(impacts),
            }  # fmt: skip
    now = clock.utcnow()
    swap.status = status
    if who == "colleague":
        swap.responded_at = now
    if who == "supervisor":
        swap.decided_by, swap.decided_at = actor.username, now
    if note.strip():
        swap.note = note.strip()[:400]
        details["note"] = swap.note
    audit.record(session, actor, action, "shift_swap", swap.id, details)
    session.commit()
    return swap


def accept(session: Session, actor: Actor, swap_id: int, note: str = "") -> ShiftSwap:
    """The colleague accepts (checked again: the shifts must be as proposed)."""
    return _step(session, actor, swap_id, "accept", note)


def decline(session: Session, actor: Actor, swap_id: int, note: str = "") -> ShiftSwap:
    return _step(session, actor, swap_id, "decline", note)


def cancel(session: Session, actor: Actor, swap_id: int) -> ShiftSwap:
    return _step(session, actor, swap_id, "cancel")


def approve(session: Session, actor: Actor, swap_id: int, note: str = "") -> ShiftSwap:
    """Apply the accepted swap to the published schedule (both agents' days and the
    stored coverage) in one transaction; refused when the shifts changed meanwhile or a
    rule would break."""
    return _step(session, actor, swap_id, "approve", note)


def reject(session: Session, actor: Actor, swap_id: int, note: str = "") -> ShiftSwap:
    return _step(session, actor, swap_id, "reject", note)


def review(session: Session, actor: Actor, swap_id: int) -> dict[str, Any]:
    """The swap with what approving it would do: ``problems`` (hard rules either week
    would break), ``coverage`` (each interval whose coverage changes: required, before,
    after), its ``summary`` and ``stale`` (why it can no longer be applied, or "")."""
    swap, proposer, colleague = _load(session, actor, swap_id)
    out: dict[str, Any] = {
        "swap": swap, "proposer": proposer, "colleague": colleague,
        "can_decide": swap.status in ("proposed", "accepted") and can_decide(actor, proposer, colleague),
        "can_respond": swap.status == "proposed" and actor.employee_id == colleague.id,
        "can_cancel": swap.status in PENDING and actor.employee_id == proposer.id,
        "problems": [], "coverage": [], "summary": None, "stale": "", "after": [], "skills": [],
    }  # fmt: skip
    if swap.status not in PENDING:
        return out
    plan, why = _current(session, swap, proposer, colleague)
    if plan is None:
        out["stale"] = why
        return out
    out["problems"] = _rule_problems(session, plan)
    out["after"] = [
        (aw.code, weeks.describe(plan.schedule, d, new.get(d)))
        for aw, new in ((plan.proposer, plan.new_proposer), (plan.colleague, plan.new_colleague))
        for d in plan.days
    ]
    if weeks.can_edit(actor, proposer) or weeks.can_edit(actor, colleague):
        changes = [(plan.proposer, plan.new_proposer), (plan.colleague, plan.new_colleague)]
        out["coverage"] = weeks.impact(plan.schedule, changes)
        out["summary"] = summary(out["coverage"])
        out["skills"] = _skill_change(session, plan)
    return out


def _skill_change(session: Session, plan: _Plan) -> list[dict[str, Any]]:
    """Per skill held by only one of the two agents: the spans where agents with the
    skill on the phones go up (+) or down (−) by the swap. (A swap moves whole shifts, so
    the site's total coverage never changes; which skills are on the phones does.)"""
    held: dict[int, set[str]] = {plan.proposer.employee.id: set(), plan.colleague.employee.id: set()}
    for emp_id, name in session.execute(
        select(EmployeeSkill.employee_id, Skill.name)
        .join(Skill, Skill.id == EmployeeSkill.skill_id)
        .where(EmployeeSkill.employee_id.in_(list(held)))
    ):
        held[emp_id].add(name)
    cover = weeks.coverage(plan.schedule)
    starts = [c.start for c in cover]
    out = []
    for aw, new in ((plan.proposer, plan.new_proposer), (plan.colleague, plan.new_colleague)):
        other = plan.colleague if aw is plan.proposer else plan.proposer
        only = sorted(held[aw.employee.id] - held[other.employee.id])
        if not only:
            continue
        days = weeks.changed_days(aw.week, new)
        delta = coverage_delta(
            cover, plan.schedule.interval_min,
            weeks.spans(plan.schedule, aw.week, days), weeks.spans(plan.schedule, new, days),
        )  # fmt: skip
        for skill in only:
            for start, end, change in runs(delta, starts, plan.schedule.interval_min):
                out.append({"skill": skill, "agent": aw.code, "start": start, "end": end, "change": change})
    return sorted(out, key=lambda x: (x["skill"], x["start"]))


def list_swaps(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Swaps the actor may see, newest first, with what the actor may do with each."""
    stmt = select(ShiftSwap)
    if actor.role not in PLANNER_ROLES:
        mine = or_(
            ShiftSwap.proposer_id == (actor.employee_id or -1),
            ShiftSwap.colleague_id == (actor.employee_id or -1),
        )
        if actor.role == "supervisor" and actor.team_ids:
            team_members = select(Employee.id).where(Employee.team_id.in_(actor.team_ids))
            mine = or_(
                mine, ShiftSwap.proposer_id.in_(team_members), ShiftSwap.colleague_id.in_(team_members)
            )
        stmt = stmt.where(mine)
    swaps = session.scalars(stmt.order_by(ShiftSwap.id.desc())).all()
    ids = {s.proposer_id for s in swaps} | {s.colleague_id for s in swaps}
    people = {e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(ids)))} if ids else {}
    out = []
    for s in swaps:
        p, c = people[s.proposer_id], people[s.colleague_id]
        out.append(
            {
                "swap": s, "proposer": p, "colleague": c,
                "can_decide": s.status in PENDING and can_decide(actor, p, c),
                "can_respond": s.status == "proposed" and actor.employee_id == c.id,
                "can_cancel": s.status in PENDING and actor.employee_id == p.id,
            }
        )  # fmt: skip
    return out


def options(session: Session, actor: Actor, monday: date) -> dict[str, Any]:
    """What the actor can propose for the week of ``monday``: their own published shifts
    that have not started, and the colleagues of their site on the same published
    schedule with their shifts (start and end only) that have not started."""
    me = _own_employee(session, actor)
    rows = session.execute(
        select(ScheduleShift, Schedule)
        .join(Schedule, Schedule.id == ScheduleShift.schedule_id)
        .where(
            Schedule.status == "published", Schedule.week_start == monday, ScheduleShift.employee_id == me.id
        )
    ).all()
    if not rows:
        return {"mine": [], "theirs": [], "colleagues": []}
    schedule = rows[0][1]
    now = clock.utcnow()

    def open_(r: ScheduleShift) -> bool:
        return r.kind == "work" and r.start_utc is not None and r.start_utc > now

    mine = sorted((r for r, _ in rows if open_(r)), key=lambda r: r.day)
    others = session.execute(
        select(ScheduleShift, Employee)
        .join(Employee, Employee.id == ScheduleShift.employee_id)
        .where(ScheduleShift.schedule_id == schedule.id, Employee.id != me.id, Employee.status == "active")
        .order_by(Employee.agent_code, ScheduleShift.day)
    ).all()
    theirs = [(r, e) for r, e in others if open_(r)]
    colleagues = sorted({e.id: e for _, e in others}.values(), key=lambda e: e.agent_code or "")
    return {"schedule": schedule, "mine": mine, "theirs": theirs, "colleagues": colleagues}
