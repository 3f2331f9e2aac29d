"""Demand for the demo center: forecast rates, sampled arrivals and contact attributes,
and the Erlang C requirement the roster is built to. Pure; numpy-vectorised.

The forecast (what a WFM team would expect) and the actual arrivals differ by day-level
and interval-level gamma noise and by the odd unforecast incident, so that staffing to
forecast gives a service level that is mostly on target with some bad intervals and days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from floorwalker.demo._calendar import INTERVAL_S, Day, SiteClock
from floorwalker.demo._queues import QueueProfile

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

GROWTH_PER_MONTH = 0.03  # fraction 0–1; volumes at the start of a 90-day window are ~9 % lower
UPLIFT_AFTER_HOLIDAY = 1.3  # the working day after a holiday absorbs the deferred demand
NEVER_S = 10**9  # patience of e-mail: never abandons
VOICE_TIMEOUT_S = 300  # callers still waiting after five minutes are sent to voicemail
#: Service level (fraction 0–1) that the Erlang C requirement aims at, by channel. Erlang C
#: ignores abandonment and multi-skill pooling, so it overstates the agents needed; a
#: planner learns to ask it for less than the 80 % actually wanted.
STAFFING_SL_TARGET = {"voice": 0.7, "chat": 0.5}
PROFICIENCY_SPEED = {1: 1.38, 2: 1.2, 3: 1.06, 4: 1.0, 5: 0.93}  # talk-time multipliers


@dataclass(frozen=True)
class Grid:
    """Intervals of the window on which one queue receives contacts."""

    start_s: I64
    length_s: I64
    day: I64  # index into the window's days
    hour: F64  # local wall-clock hour at the middle of the interval (e.g. 10.125)


def open_grid(days: list[Day], clock: SiteClock) -> Grid:
    """15-minute intervals of the opening periods (voice and chat)."""
    starts: list[int] = []
    lengths: list[int] = []
    day_index: list[int] = []
    for d in days:
        for a, b in d.open_periods_s:
            for s in range(a, b, INTERVAL_S):
                starts.append(s)
                lengths.append(min(INTERVAL_S, b - s))
                day_index.append(d.index)
    return _grid(starts, lengths, day_index, clock)


def all_day_grid(days: list[Day], clock: SiteClock) -> Grid:
    """15-minute intervals of every hour of every day (e-mail arrives around the clock)."""
    starts: list[int] = []
    lengths: list[int] = []
    day_index: list[int] = []
    for d in days:
        for s in range(d.start_s, d.end_s, INTERVAL_S):
            starts.append(s)
            lengths.append(min(INTERVAL_S, d.end_s - s))
            day_index.append(d.index)
    return _grid(starts, lengths, day_index, clock)


def _grid(starts: list[int], lengths: list[int], day_index: list[int], clock: SiteClock) -> Grid:
    start = np.asarray(starts, dtype=np.int64)
    length = np.asarray(lengths, dtype=np.int64)
    middle = start + length // 2
    wall = (middle + clock.offsets_s(middle) + clock.origin_epoch_s) % 86400
    return Grid(start, length, np.asarray(day_index, dtype=np.int64), wall / 3600.0)


def _bump(hour: F64, centre: float, width: float) -> F64:
    return np.exp(-0.5 * ((hour - centre) / width) ** 2)


def intraday_shape(kind: str, hour: F64, saturday: npt.NDArray[np.bool_]) -> F64:
    """Relative arrival intensity by local hour (unnormalised)."""
    if kind == "email":
        return 0.12 + _bump(hour, 11.0, 3.2) + 0.5 * _bump(hour, 20.5, 1.5)
    if kind == "chat":
        weekday = 0.3 + _bump(hour, 11.5, 1.5) + 0.9 * _bump(hour, 15.5, 1.8) + 0.4 * _bump(hour, 19.0, 1.2)
    else:
        # Morning ramp to a 10–11:00 peak, lunch dip, smaller afternoon peak, evening tail.
        tail = 0.3 - 0.045 * np.clip(hour - 16.5, 0.0, None)
        weekday = tail + _bump(hour, 10.5, 1.1) + 0.72 * _bump(hour, 14.6, 1.35)
    weekend = 0.3 + _bump(hour, 11.5, 1.8)
    return np.where(saturday, weekend, weekday)


def forecast(profile: QueueProfile, grid: Grid, days: list[Day], last_day: date) -> F64:
    """Expected contacts per interval of ``grid`` (the forecast a planner would have)."""
    weekday = np.asarray([6 if d.holiday else d.weekday for d in days], dtype=np.int64)
    factor = np.asarray(profile.week, dtype=np.float64)[weekday]
    months_before_end = np.asarray([(last_day - d.day).days / 30.44 for d in days])
    factor = factor * (1.0 + GROWTH_PER_MONTH) ** (-months_before_end)
    factor = factor * uplift_after_holiday(days)
    saturday = weekday[grid.day] == 5
    shape = intraday_shape(profile.shape, grid.hour, saturday) * grid.length_s / INTERVAL_S
    per_day = np.bincount(grid.day, weights=shape, minlength=len(days))
    share = shape / np.where(per_day > 0, per_day, 1.0)[grid.day]
    result: F64 = profile.volume_per_day * factor[grid.day] * share
    return result


def uplift_after_holiday(days: list[Day]) -> F64:
    """Per-day demand multiplier: the first open day after a holiday is busier."""
    uplift = np.ones(len(days))
    pending = False
    for d in days:
        if d.holiday:
            pending = True
        elif pending and d.is_open:
            uplift[d.index] = UPLIFT_AFTER_HOLIDAY
            pending = False
    return uplift


def actual_rates(
    rng: np.random.Generator,
    expected: list[F64],
    grids: list[Grid],
    days: list[Day],
    incident_queues: list[bool],
) -> list[F64]:
    """Forecast × noise: a centre-wide day factor, a queue-day factor, interval-level
    gamma noise (gamma-Poisson overdispersion), and rare unforecast incidents (an outage
    that floods the support queues for a few hours)."""
    n_days = len(days)
    centre_day = rng.gamma(90.0, 1.0 / 90.0, n_days)
    incident_day = rng.random(n_days) < 0.035
    incident_start_h = rng.uniform(9.0, 15.0, n_days)
    incident_hours = rng.uniform(2.0, 4.0, n_days)
    incident_lift = rng.uniform(1.5, 2.0, n_days)
    result: list[F64] = []
    for lam, grid, is_support in zip(expected, grids, incident_queues, strict=True):
        queue_day = rng.gamma(160.0, 1.0 / 160.0, n_days)
        interval = rng.gamma(25.0, 1.0 / 25.0, lam.shape[0])
        rate = lam * centre_day[grid.day] * queue_day[grid.day] * interval
        if is_support:
            d = grid.day
            hit = (
                incident_day[d]
                & (grid.hour >= incident_start_h[d])
                & (grid.hour < incident_start_h[d] + incident_hours[d])
                & np.asarray([days[i].weekday < 5 for i in range(n_days)])[d]
            )
            rate = np.where(hit, rate * incident_lift[d], rate)
        result.append(rate)
    return result


def sample_arrivals(rng: np.random.Generator, rate: F64, grid: Grid) -> I64:
    """Arrival instants (simulation seconds, sorted) of a non-homogeneous Poisson process
    that is constant within each interval."""
    counts = rng.poisson(rate)
    starts = np.repeat(grid.start_s, counts)
    lengths = np.repeat(grid.length_s, counts)
    offsets = np.floor(rng.random(starts.shape[0]) * lengths).astype(np.int64)
    times: I64 = np.sort(starts + offsets)
    return times


def _lognormal(rng: np.random.Generator, mean: float, sigma: float, n: int) -> F64:
    mu = math.log(mean) - sigma * sigma / 2.0
    result: F64 = rng.lognormal(mu, sigma, n)
    return result


@dataclass
class ContactDraws:
    """Per-contact attributes drawn before the simulation (all seconds, whole numbers)."""

    talk_s: F64  # at proficiency 4; the simulation scales it by the answering agent
    hold_s: F64  # NaN where the channel records no hold
    wrap_s: F64  # NaN where the queue records no wrap-up
    ring_s: I64  # offer-to-answer delay once an agent is chosen
    ring_attempts: I64  # -1 where not recorded
    patience_s: I64
    disposition: I64  # index into the queue's dispositions
    transfer_to: I64  # queue index of the next leg, -1 for none


def draw_contacts(rng: np.random.Generator, profiles: tuple[QueueProfile, ...], queue: I64) -> ContactDraws:
    """Draw the attributes of contacts whose queue indices are ``queue``."""
    n = queue.shape[0]
    talk = np.zeros(n)
    hold = np.full(n, np.nan)
    wrap = np.full(n, np.nan)
    ring = np.zeros(n, dtype=np.int64)
    attempts = np.full(n, -1, dtype=np.int64)
    patience = np.full(n, NEVER_S, dtype=np.int64)
    disposition = np.zeros(n, dtype=np.int64)
    transfer = np.full(n, -1, dtype=np.int64)
    codes = [p.code for p in profiles]
    for qi, p in enumerate(profiles):
        idx = np.flatnonzero(queue == qi)
        m = idx.shape[0]
        if m == 0:
            continue
        talk[idx] = np.maximum(20.0, np.round(_lognormal(rng, p.talk_mean_s, p.talk_sigma, m)))
        if p.channel == "voice":
            has_hold = rng.random(m) < p.hold_share
            amount = np.maximum(5.0, np.round(_lognormal(rng, p.hold_mean_s, 0.7, m)))
            hold[idx] = np.where(has_hold, amount, 0.0)
            tries = 1 + (rng.random(m) < 0.08).astype(np.int64) + (rng.random(m) < 0.018)
            attempts[idx] = tries
            # Each extra attempt is a ring-no-answer on another agent before this one.
            ring[idx] = rng.integers(3, 10, m) + (tries - 1) * rng.integers(12, 20, m)
        elif p.channel == "chat":
            attempts[idx] = 1
            ring[idx] = rng.integers(2, 13, m)
        if p.wrapup_s is not None:
            wrap[idx] = np.maximum(3.0, np.round(_lognormal(rng, p.wrapup_s, 0.45, m)))
        if p.patience_mean_s > 0:
            short = rng.random(m) < 0.035  # misdials and instant hang-ups: short abandons
            patient = np.ceil(_lognormal(rng, p.patience_mean_s, 0.9, m)).astype(np.int64)
            patience[idx] = np.where(short, rng.integers(1, 6, m), patient)
        weights = np.asarray([w for _, w in p.dispositions])
        disposition[idx] = rng.choice(len(p.dispositions), m, p=weights / weights.sum())
        if p.transfer_to:
            moves = rng.random(m) < p.transfer_share
            targets = np.asarray([codes.index(c) for c in p.transfer_to], dtype=np.int64)
            transfer[idx] = np.where(moves, targets[rng.integers(0, len(targets), m)], -1)
    return ContactDraws(talk, hold, wrap, ring, attempts, patience, disposition, transfer)


@lru_cache(maxsize=65536)
def erlang_c_agents(traffic_e: float, aht_s: float, threshold_s: float, target: float) -> int:
    """Fewest agents for which Erlang C gives service level ≥ ``target`` (fraction 0–1)
    with ``traffic_e`` Erlangs, AHT ``aht_s`` seconds and threshold ``threshold_s``."""
    if traffic_e <= 0.0:
        return 0
    erlang_b = 1.0
    n = 0
    while True:
        n += 1
        erlang_b = traffic_e * erlang_b / (n + traffic_e * erlang_b)
        if n <= traffic_e:
            continue
        wait_probability = n * erlang_b / (n - traffic_e * (1.0 - erlang_b))
        service = 1.0 - wait_probability * math.exp(-(n - traffic_e) * threshold_s / aht_s)
        if service >= target:
            return n


def expected_aht_s(p: QueueProfile) -> float:
    """Mean seconds an agent is occupied by one contact, for sizing."""
    hold = p.hold_share * p.hold_mean_s
    wrap = p.wrapup_s or 0.0
    talk = p.talk_mean_s * 1.04  # the mix of proficiencies is a little slower than level 4
    if p.concurrency > 1:
        # Concurrent chats share the agent but slow each other down.
        return talk / p.concurrency
    return talk + hold + wrap


def requirement(p: QueueProfile, expected: F64) -> F64:
    """Agents needed on contacts per interval for the forecast ``expected`` (per-interval
    contacts), by Erlang C at the staffing target."""
    aht = expected_aht_s(p)
    traffic = np.round(expected * aht / INTERVAL_S, 2)
    return np.asarray(
        [erlang_c_agents(float(a), aht, p.sl_threshold_s, STAFFING_SL_TARGET[p.channel]) for a in traffic],
        dtype=np.float64,
    )


def group_requirements(
    profiles: tuple[QueueProfile, ...],
    expected: list[F64],
    open_grid: Grid,
    email_grid: Grid,
    days: list[Day],
) -> dict[str, F64]:
    """Agents needed per open interval for each staffing group.

    Real-time queues by Erlang C; e-mail as a flat load over each open day that clears
    what arrived since the previous close (e-mail has a 24-hour goal, not a 20-second one).
    """
    result: dict[str, F64] = {}
    for p, lam in zip(profiles, expected, strict=True):
        if p.channel == "email":
            need = _email_requirement(p, lam, open_grid, email_grid, days)
        else:
            need = requirement(p, lam)
        result[p.group] = result.get(p.group, np.zeros(open_grid.start_s.shape[0])) + need
    return result


def _email_requirement(p: QueueProfile, lam: F64, open_grid: Grid, email_grid: Grid, days: list[Day]) -> F64:
    need = np.zeros(open_grid.start_s.shape[0])
    arrived = np.concatenate(([0.0], np.cumsum(lam)))
    previous_close = days[0].start_s if days else 0
    for d in days:
        if not d.is_open:
            continue
        close = d.open_periods_s[-1][1]
        lo, hi = np.searchsorted(email_grid.start_s, [previous_close, close])
        work_s = (arrived[hi] - arrived[lo]) * expected_aht_s(p)
        mine = open_grid.day == d.index
        open_s = float(open_grid.length_s[mine].sum())
        need[mine] = work_s / open_s
        previous_close = close
    return need
