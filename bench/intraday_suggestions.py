"""Intraday suggestions benchmark: the rest of a day for 50, 200 and 500 agents.

    .venv/bin/python bench/intraday_suggestions.py [--agents 50 200 500] [--interval 30] [--seed 1]

The day is built here: open 07:00–22:00, two peaks (10:30, 15:00), AHT 300 s, the
requirement per interval the fewest agents meeting 80 % within 20 s by Erlang C raised by
10 % unplanned shrinkage; agents on full shifts (8.5 h, two paid breaks, an unpaid lunch,
placed at random inside their template windows), starts every 30 min spread to follow the
requirement, one in ten with a one-hour meeting, a fifth of the staff off today with room
in their week. ``now`` is 07:00, so the whole day is open to suggestions (the most work).

Measured side by side in the same run, for each size:

* **greedy** (floorwalker's ranking, wfm.suggestions.suggest): wall and CPU time, the
  number of suggestions, and the rest of the day's projected service level before and
  after applying them all (each measured on top of the previous ones, so the sum is real);
* **one-shot baseline**: every candidate scored once against the schedule as it is, the
  best one per break/meeting/agent kept and the top suggestions taken (what a simple tool
  does): its time, the total gain it *claims* (sum of the individual gains) and the gain
  it really gives when all its suggestions are applied together;
* the **floor**: one projection of the day's service level (the cost of one evaluation).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import replace
from datetime import datetime, timedelta

from floorwalker.wfm import suggestions as sg
from floorwalker.wfm.erlang import erlang_c
from floorwalker.wfm.scheduling.week import FULL_BREAKS, FULL_LENGTH

DAY = datetime(2026, 10, 20)
AHT = 300.0
UNPLANNED = 0.1


def _shape(h: float) -> float:
    if h < 7 or h >= 22:
        return 0.0
    return 0.3 + math.exp(-((h - 10.5) ** 2) / 3) + 0.8 * math.exp(-((h - 15) ** 2) / 4)


def _required(contacts: float, interval: int) -> int:
    if contacts <= 0:
        return 0
    traffic = contacts * AHT / (interval * 60)
    n = max(1, math.floor(traffic))
    while float(erlang_c(n, traffic, AHT, 20.0).service_level) < 0.8:
        n += 1
    return math.ceil(n / (1 - UNPLANNED) - 1e-9)


def build(
    agents: int, interval: int, seed: int
) -> tuple[list[sg.Slot], sg.ServiceModel, list[sg.AgentToday]]:
    rng = random.Random(seed)
    n_slots = 1440 // interval
    on = int(agents * 0.8)
    # scale the volume so the peak needs about the staff on shift
    raw = [_shape(t * interval / 60) for t in range(n_slots)]
    scale = on * 0.42 * interval * 60 / AHT / max(raw)
    slots = []
    for t in range(n_slots):
        c = raw[t] * scale
        slots.append(sg.Slot(DAY + timedelta(minutes=interval * t), _required(c, interval), c, AHT))
    weights = [raw[t] for t in range(n_slots)]
    starts = list(range(7 * 60, 22 * 60 - FULL_LENGTH + 1, 30))
    people = []
    for i in range(agents):
        week = sg.WeekRules(
            paid_min=1920, min_weekly=1920, max_weekly=2400, min_rest=660, days_off=3, min_days_off=2
        )
        if i >= on:
            people.append(sg.AgentToday(f"a{i}", week))
            continue
        w = [
            sum(weights[(m + k * interval) // interval] for k in range(FULL_LENGTH // interval))
            for m in starts
        ]
        m0 = rng.choices(starts, w)[0]
        start = DAY + timedelta(minutes=m0)
        acts = []
        for r in FULL_BREAKS:
            b = start + timedelta(minutes=rng.randrange(r.earliest_start, r.latest_start + 1, 15))
            acts.append(
                sg.Activity(
                    len(acts) + 1000 * i, r.kind, r.name, b, b + timedelta(minutes=r.duration), r.paid
                )
            )
        if rng.random() < 0.1:
            m = start + timedelta(minutes=rng.randrange(60, FULL_LENGTH - 120, 30))
            if all(a.end <= m or m + timedelta(hours=1) <= a.start for a in acts):
                acts.append(sg.Activity(999 + 1000 * i, "meeting", "team meeting", m, m + timedelta(hours=1)))
        mine = tuple(sorted(acts, key=lambda a: a.start))
        people.append(
            sg.AgentToday(
                f"a{i}", replace(week, paid_min=2400 - 480 * rng.randint(0, 1)), shift_id=i, start=start,
                end=start + timedelta(minutes=FULL_LENGTH), activities=mine, break_rules=FULL_BREAKS,
            )
        )  # fmt: skip
    model = sg.ServiceModel(interval_min=interval, threshold_s=20.0, available=1 - UNPLANNED)
    return slots, model, people


def one_shot(slots, model, people, now):  # type: ignore[no-untyped-def]
    """Score every candidate once against the schedule as it is; keep the best per key."""
    day = sg._Day(people, slots, model, now)
    best: dict[str, tuple[float, sg._Candidate, dict[int, float]]] = {}
    for a in people:
        for make in (sg._break_moves, sg._meeting_moves, sg._overtime):
            for c in make(day, a):
                d = day.delta(c)
                g = day.gain(d)
                if g < sg.MIN_GAIN:
                    continue
                score = g / (c.minutes / 60)
                if c.key not in best or score > best[c.key][0]:
                    best[c.key] = (score, c, d)
    ranked = sorted(best.values(), key=lambda x: -x[0])[: sg.MAX_SUGGESTIONS]
    claimed = sum(day.gain(d) for _, _, d in ranked)
    for _, c, d in ranked:
        sg._apply(day, c, d)
    return claimed, ranked, day


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    now = DAY + timedelta(hours=7)
    for n in args.agents:
        slots, model, people = build(n, args.interval, args.seed)
        cov = sg.coverage(people, slots, args.interval)
        w0, c0 = time.perf_counter(), time.process_time()
        _, before = sg.projected_service_level(slots, model, cov)
        floor_s = time.perf_counter() - w0
        w0, c0 = time.perf_counter(), time.process_time()
        found = sg.suggest(slots, model, people, now)
        greedy_wall, greedy_cpu = time.perf_counter() - w0, time.process_time() - c0
        improve = [s for s in found if s.kind != "vto"]
        after = improve[-1].sl_after if improve else before
        w0 = time.perf_counter()
        claimed, ranked, day = one_shot(slots, model, people, now)
        shot_wall = time.perf_counter() - w0
        real = (day.levels.day(day.cov) or 0) - (before or 0)
        kinds = {
            k: sum(s.kind == k for s in found)
            for k in ("break_move", "meeting_move", "meeting_cancel", "overtime", "vto")
        }
        print(
            f"agents={n:4d} slots={len(slots)} floor(one projection)={floor_s * 1000:.1f} ms | "
            f"greedy: {greedy_wall:.2f} s wall {greedy_cpu:.2f} s CPU, {len(found)} suggestions {kinds}, "
            f"SL {before:.4f} -> {after:.4f} (+{(after or 0) - (before or 0):.4f}) | "
            f"one-shot: {shot_wall:.2f} s, {len(ranked)} suggestions, "
            f"claims +{claimed:.4f}, gives +{real:.4f}"
        )


if __name__ == "__main__":
    main()
