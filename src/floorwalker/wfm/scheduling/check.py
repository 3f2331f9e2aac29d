"""An independent rule checker: validates any schedule against every hard rule of an
instance and lists each violation. It shares no code with the optimiser's model (only the
rule definitions of rules.py), so tests can use it to judge the optimiser's output.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

from floorwalker.wfm.scheduling.coverage import coverage_of
from floorwalker.wfm.scheduling.rules import (
    MINUTES_PER_DAY,
    PLANNED_KINDS,
    Instance,
    ScheduledShift,
    is_night_shift,
    paid_minutes,
    rest_after,
)


def _hhmm(minute: int) -> str:
    day, m = divmod(minute, MINUTES_PER_DAY)
    return f"day {day} {m // 60:02d}:{m % 60:02d}"


def _check_shift(instance: Instance, s: ScheduledShift) -> list[str]:
    out: list[str] = []
    agent = {a.id: a for a in instance.agents}[s.agent]
    where = f"{s.agent} {_hhmm(s.start)}"
    try:
        t = instance.template(s.template)
    except KeyError:
        return [f"{where}: unknown template {s.template!r}"]
    if agent.templates is not None and t.name not in agent.templates:
        out.append(f"{where}: template {t.name!r} not allowed for the agent")
    if s.day not in t.days or s.start // MINUTES_PER_DAY != s.day:
        out.append(f"{where}: template {t.name!r} does not run on day {s.day}")
    if s.start % MINUTES_PER_DAY not in t.start_times:
        out.append(f"{where}: start time not allowed by {t.name!r}")
    if s.length not in t.lengths:
        out.append(f"{where}: length {s.length} min not allowed by {t.name!r}")
    if agent.availability is not None and not any(w.contains(s.start, s.end) for w in agent.availability):
        out.append(f"{where}: outside the agent's availability")
    if any(o.window.overlaps(s.start, s.end) for o in agent.time_off):
        out.append(f"{where}: overlaps approved time off")
    acts = sorted(s.activities, key=lambda a: a.start)
    for a in acts:
        if not (s.start <= a.start < a.end <= s.end):
            out.append(f"{where}: {a.kind} {a.name!r} at {_hhmm(a.start)} is not inside the shift")
    for a, b in itertools.pairwise(acts):
        if b.start < a.end:
            out.append(f"{where}: {a.name!r} and {b.name!r} overlap")
    breaks = [a for a in acts if a.kind not in PLANNED_KINDS]
    for rule in t.breaks:
        mine = [a for a in breaks if a.name == rule.name and a.kind == rule.kind]
        if len(mine) != 1:
            out.append(f"{where}: {len(mine)} × {rule.name!r}, the template needs exactly 1")
            continue
        b = mine[0]
        offset = b.start - s.start
        if not (rule.earliest_start <= offset <= rule.latest_start):
            out.append(
                f"{where}: {rule.name!r} starts {offset} min in, "
                f"outside {rule.earliest_start}–{rule.latest_start}"
            )
        if b.end - b.start != rule.duration:
            out.append(f"{where}: {rule.name!r} lasts {b.end - b.start} min, not {rule.duration}")
    if len(breaks) != len(t.breaks):
        out.append(f"{where}: {len(breaks)} breaks, the template has {len(t.breaks)}")
    return out


def check_schedule(instance: Instance, shifts: Sequence[ScheduledShift]) -> list[str]:
    """Every hard-rule violation of ``shifts`` under ``instance``, one message each."""
    out: list[str] = []
    agents = {a.id: a for a in instance.agents}
    mine: dict[str, list[ScheduledShift]] = defaultdict(list)
    for s in shifts:
        if s.agent not in agents:
            out.append(f"{s.agent}: not an agent of the instance")
            continue
        mine[s.agent].append(s)
        out.extend(_check_shift(instance, s))
    for aid, agent in agents.items():
        c = instance.contracts[agent.contract]
        ss = sorted(mine[aid], key=lambda s: s.start)
        days = [s.day for s in ss]
        if len(set(days)) != len(days):
            out.append(f"{aid}: more than one shift on a day")
        worked = set(days)
        if instance.days - len(worked) < c.min_days_off:
            out.append(f"{aid}: {instance.days - len(worked)} days off, the contract needs {c.min_days_off}")
        run = c.max_consecutive_days + 1
        starts = range(instance.days) if instance.cyclic else range(max(0, instance.days - run + 1))
        if c.max_consecutive_days < instance.days:  # a cap of the horizon or more never binds
            for d0 in starts:
                if all((d0 + j) % instance.days in worked for j in range(run)):
                    out.append(
                        f"{aid}: more than {c.max_consecutive_days} working days in a row from day {d0}"
                    )
                    break
        if not instance.cyclic:  # the previous week: its last working days and last shift
            carried = agent.days_in_a_row_before
            run_in = 0
            while run_in < instance.days and run_in in worked:
                run_in += 1
            if carried and carried + run_in > c.max_consecutive_days and run_in:
                out.append(
                    f"{aid}: {carried} working days in a row before the week and {run_in} at its "
                    f"start, more than {c.max_consecutive_days}"
                )
            if ss and ss[0].start < agent.rest_until:
                out.append(
                    f"{aid}: shift at {_hhmm(ss[0].start)} starts before {_hhmm(agent.rest_until)}, "
                    "the rest the previous week's last shift needs"
                )
        paid = sum(
            paid_minutes(instance.template(s.template), s.length)
            for s in ss
            if s.template in {t.name for t in instance.templates}
        ) + sum(t.credit for t in agent.time_off)
        if not (c.min_weekly <= paid <= c.max_weekly):
            out.append(f"{aid}: {paid} paid minutes, the contract allows {c.min_weekly}–{c.max_weekly}")
        nights = sum(is_night_shift(c, s.start, s.end) for s in ss)
        if c.max_night_shifts is not None and nights > c.max_night_shifts:
            out.append(f"{aid}: {nights} night shifts, the contract allows {c.max_night_shifts}")
        pairs = list(itertools.pairwise(ss))
        if instance.cyclic and len(ss) > 1:
            last, first = ss[-1], ss[0]
            pairs.append(
                (
                    last,
                    ScheduledShift(
                        first.agent,
                        first.template,
                        first.day,
                        first.start + instance.horizon,
                        first.end + instance.horizon,
                    ),
                )
            )
        for a, b in pairs:
            need = rest_after(c, a.start, a.end)
            if b.start - a.end < need:
                out.append(
                    f"{aid}: {b.start - a.end} min between shifts at {_hhmm(a.start)} and "
                    f"{_hhmm(b.start % instance.horizon)}, the contract needs {need}"
                )
    # planned activities: placed once, in the window, every participant at once
    for act in instance.activities:
        placed: dict[str, list[tuple[int, int]]] = {
            p: [
                (a.start, a.end)
                for s in mine[p]
                for a in s.activities
                if a.kind == act.kind and a.name == act.name
            ]
            for p in act.participants
        }
        spans = {tuple(v) for v in placed.values()}
        if len(spans) != 1 or len(next(iter(spans))) != 1:
            out.append(f"activity {act.name!r}: not placed exactly once at one time for all participants")
            continue
        ((start, end),) = next(iter(spans))
        if end - start != act.duration or not act.window.contains(start, end):
            out.append(f"activity {act.name!r}: at {_hhmm(start)} is outside its window or wrong length")
    for p_id, ss in mine.items():
        for s in ss:
            for block in s.activities:
                if block.kind in PLANNED_KINDS and not any(
                    act.name == block.name and act.kind == block.kind and p_id in act.participants
                    for act in instance.activities
                ):
                    out.append(f"{p_id}: {block.kind} {block.name!r} is not a planned activity of the agent")
    # caps: template agents per day, seats
    per_day: dict[tuple[str, int], int] = defaultdict(int)
    for s in shifts:
        per_day[s.template, s.day] += 1
    for (name, day), count in per_day.items():
        if name in {t.name for t in instance.templates}:
            cap = instance.template(name).max_agents
            if cap is not None and count > cap:
                out.append(f"template {name!r} day {day}: {count} agents, the cap is {cap}")
    if instance.seats is not None:
        for t, on in enumerate(coverage_of(instance, [s for s in shifts if s.agent in agents])):
            if on > instance.seats:
                out.append(f"interval {t}: {on} agents on the phones, {instance.seats} seats")
    return out
