"""A realistic synthetic contact center, generated deterministically. Pure.

``generate`` builds one site with its queues, teams and people, a public holiday, and
``days`` days of history ending at ``end``: every contact leg, every agent state and the
survey answers, as rows of the contact warehouse (floorwalker.contacts.models). No
database, no clock, no settings: the same arguments always give the same bytes.

How the history is made, in the order a real center lives it:
1. demand: a forecast per queue and quarter-hour (intraday shape, weekly pattern,
   growth, holiday), and actual arrivals that differ from it by gamma-Poisson noise and
   the odd unforecast incident (``_demand``);
2. staff: headcount sized to the forecast, schedules built to the Erlang C requirement
   with breaks, lunch, meetings, training, coaching and some absence (``_roster``);
3. the floor: a discrete-event simulation of queues and agents (``_sim``);
4. customers and surveys: repeat contacts and survey answers that depend on what
   happened on the floor (``_customers``), then the warehouse tables (``_tables``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from floorwalker.demo import _demand as demand
from floorwalker.demo._calendar import SiteClock, build_days, pick_holiday
from floorwalker.demo._customers import assign_customers, draw_surveys
from floorwalker.demo._names import email_local_part, pick_full_names
from floorwalker.demo._queues import QUEUES, SKILL_DESCRIPTIONS, QueueProfile
from floorwalker.demo._roster import CONTRACTS, RosterAgent, build_roster, weekly_paid_hours_needed
from floorwalker.demo._sim import SimAgent, SimContacts, SimQueue, simulate
from floorwalker.demo._tables import agent_states_table, contacts_table, surveys_table

SITE_CODE = "MAIN"
SITE_NAME = "Harbourside Customer Care"
BUSINESS_HOURS: dict[str, list[tuple[str, str]]] = {
    **{day: [("08:00", "20:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [("09:00", "17:00")],
    "sun": [],
}
SL_FORMULA = "answered_within_over_offered_less_short"

#: Teams by staffing group: the group's queue is every member's primary skill.
TEAMS: tuple[tuple[str, str], ...] = (
    ("Sales North", "sales"),
    ("Sales South", "sales"),
    ("Support Alpha", "support"),
    ("Support Bravo", "support"),
    ("Support Charlie", "support"),
    ("Billing & Accounts", "billing"),
    ("Digital Care", "digital"),
)
PRIMARY_SKILLS = {
    "sales": ("Sales",),
    "support": ("Technical Support",),
    "billing": ("Billing",),
    "digital": ("Chat Support", "Email Support"),
}
#: (skill, share of the group's experienced agents who also have it, proficiency range)
SECONDARY_SKILLS = {
    "sales": (("Billing", 0.25, (2, 3)),),
    "support": (("Chat Support", 0.2, (2, 4)), ("Billing", 0.1, (2, 3)), ("Email Support", 0.08, (2, 3))),
    "billing": (("Sales", 0.3, (2, 3)),),
    "digital": (("Technical Support", 0.3, (2, 3)),),
}
NEW_HIRES = {"support": 3, "sales": 2, "digital": 1}
LEAVERS = 4
LEAVE_REASONS = ("resigned", "relocated", "dismissed", "resigned", "career change")
CONTRACT_MIX = ((40.0, 0.55), (32.0, 0.15), (24.0, 0.15), (20.0, 0.15))
MIN_AGENTS, MAX_AGENTS = 60, 100


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    time_zone: str
    #: "mon".."sun" → open periods ("HH:MM", "HH:MM") on the local wall clock; [] = closed.
    business_hours: dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class SkillSpec:
    name: str
    description: str


@dataclass(frozen=True)
class QueueSpec:
    code: str
    name: str
    channel: str
    skill: str
    sl_threshold_s: float
    short_abandon_s: float
    sl_formula: str
    concurrency: int
    wrapup_s: float | None


@dataclass(frozen=True)
class TeamSpec:
    name: str
    supervisor: str  # EmployeeSpec.key of the team's supervisor


@dataclass(frozen=True)
class EmployeeSpec:
    key: str
    full_name: str
    email: str
    role: str  # agent, supervisor, qa, manager
    team: str | None
    agent_code: str | None
    hire_date: date
    status: str  # active, leaver
    contract_hours_per_week: float
    leave_date: date | None
    leave_reason: str | None
    skills: dict[str, int]  # skill name → proficiency 1–5


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass(frozen=True)
class DemoCenter:
    site: SiteSpec
    skills: list[SkillSpec]
    queues: list[QueueSpec]
    teams: list[TeamSpec]
    employees: list[EmployeeSpec]
    holidays: list[Holiday]
    contacts: pa.Table
    agent_states: pa.Table
    survey_responses: pa.Table


def generate(
    seed: int = 7,
    end: datetime | None = None,
    days: int = 90,
    time_zone: str = "Europe/London",
) -> DemoCenter:
    """A synthetic center with ``days`` site-local days of history ending at ``end``.

    ``end`` must be an aware datetime (the caller's "now"); only contacts and agent states
    that ended at or before it are kept, so the last day is filled up to ``end``.
    """
    if end is None or end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("end must be an aware datetime (the caller passes 'now')")
    if days < 1:
        raise ValueError("days must be at least 1")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    org_rng, noise_rng, arrival_rng, draw_rng, roster_rng, customer_rng, survey_rng, name_rng = (
        streams
    )

    zone = ZoneInfo(time_zone)
    last_day = end.astimezone(zone).date()
    first_day = last_day - timedelta(days=days - 1)
    clock = SiteClock(time_zone, first_day, last_day)
    end_s = int(end.timestamp()) - clock.origin_epoch_s
    holiday = pick_holiday(first_day, last_day)
    calendar = build_days(
        clock, first_day, last_day, BUSINESS_HOURS, holiday[0] if holiday else None
    )

    # 1. Demand: the forecast per queue, and the requirement the roster is built to.
    open_grid = demand.open_grid(calendar, clock)
    email_grid = demand.all_day_grid(calendar, clock)
    grids = [email_grid if p.channel == "email" else open_grid for p in QUEUES]
    expected = [demand.forecast(p, g, calendar, last_day) for p, g in zip(QUEUES, grids, strict=True)]
    requirements = _group_requirements(expected, open_grid, email_grid)

    # 2. Staff and schedules.
    weekly_need = {
        g: weekly_paid_hours_needed(r, open_grid, calendar) for g, r in requirements.items()
    }
    employees, teams, roster_agents, sim_agents, proficiency = _build_staff(
        org_rng, name_rng, weekly_need, first_day, last_day
    )
    shifts = build_roster(roster_rng, roster_agents, calendar, open_grid, requirements)

    # 3. Actual arrivals and the floor.
    rates = demand.actual_rates(
        noise_rng, expected, grids, calendar, [p.skill in ("Technical Support", "Chat Support") for p in QUEUES]
    )
    times = [demand.sample_arrivals(arrival_rng, r, g) for r, g in zip(rates, grids, strict=True)]
    arrival = np.concatenate(times)
    queue = np.concatenate([np.full(t.shape[0], i, dtype=np.int64) for i, t in enumerate(times)])
    keep = arrival <= end_s
    arrival, queue = arrival[keep], queue[keep]
    order = np.lexsort((queue, arrival))
    arrival, queue = arrival[order], queue[order]
    first_legs = demand.draw_contacts(draw_rng, QUEUES, queue)
    parents = np.flatnonzero(first_legs.transfer_to >= 0)
    child_queue = first_legs.transfer_to[parents]
    second_legs = demand.draw_contacts(draw_rng, QUEUES, child_queue)
    n_first = arrival.shape[0]
    child = np.full(n_first + parents.shape[0], -1, dtype=np.int64)
    child[parents] = n_first + np.arange(parents.shape[0])
    all_queue = np.concatenate([queue, child_queue])

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        return np.concatenate([a, b])

    hold = np.nan_to_num(cat(first_legs.hold_s, second_legs.hold_s))
    wrap = np.nan_to_num(cat(first_legs.wrap_s, second_legs.wrap_s))
    sim_contacts = SimContacts(
        arrival_s=cat(arrival, np.full(parents.shape[0], -1, dtype=np.int64)).tolist(),
        queue=all_queue.tolist(),
        patience_s=cat(first_legs.patience_s, second_legs.patience_s).tolist(),
        talk_s=cat(first_legs.talk_s, second_legs.talk_s).tolist(),
        hold_s=hold.astype(np.int64).tolist(),
        wrap_s=wrap.astype(np.int64).tolist(),
        ring_s=cat(first_legs.ring_s, second_legs.ring_s).tolist(),
        child=child.tolist(),
        n_original=n_first,
    )
    sim_queues = [
        SimQueue(p.channel, p.concurrency, demand.VOICE_TIMEOUT_S if p.channel == "voice" else 0)
        for p in QUEUES
    ]
    floor = simulate(sim_contacts, sim_queues, sim_agents, shifts, end_s)

    # 4. Customers, surveys, tables.
    outcome = np.asarray(floor.outcome, dtype=np.int64)
    ended = np.asarray(floor.ended_s, dtype=np.int64)
    done = (outcome >= 0) & (ended <= end_s)
    disposition = cat(first_legs.disposition, second_legs.disposition)
    parent_of = np.full(child.shape[0], -1, dtype=np.int64)
    parent_of[child[child >= 0]] = np.flatnonzero(child >= 0)
    customers = assign_customers(
        customer_rng,
        QUEUES,
        np.asarray(floor.arrival_s, dtype=np.int64),
        all_queue,
        outcome,
        disposition,
        parent_of,
        done,
        end_s,
    )
    agent_proficiency = np.asarray(
        [proficiency[a][q] if a >= 0 else 0 for a, q in zip(floor.agent, all_queue.tolist(), strict=True)],
        dtype=np.int64,
    )
    surveys = draw_surveys(
        survey_rng,
        QUEUES,
        np.asarray(floor.answered_s, dtype=np.int64) - np.asarray(floor.arrival_s, dtype=np.int64),
        all_queue,
        outcome,
        disposition,
        customers,
        agent_proficiency,
        ended,
        done,
        end_s,
    )
    agent_codes = [e.agent_code or "" for e in employees if e.role == "agent"]
    contacts = contacts_table(
        clock, QUEUES, SITE_CODE, floor, done, all_queue, disposition, parent_of,
        hold=cat(first_legs.hold_s, second_legs.hold_s),
        wrap=cat(first_legs.wrap_s, second_legs.wrap_s),
        ring_attempts=cat(first_legs.ring_attempts, second_legs.ring_attempts),
        customers=customers, agent_codes=agent_codes,
    )
    states = agent_states_table(clock, SITE_CODE, floor, agent_codes, end_s)
    responses = surveys_table(clock, surveys, customers, contacts)

    return DemoCenter(
        site=SiteSpec(SITE_CODE, SITE_NAME, time_zone, {k: list(v) for k, v in BUSINESS_HOURS.items()}),
        skills=[SkillSpec(name, text) for name, text in SKILL_DESCRIPTIONS.items()],
        queues=[_queue_spec(p) for p in QUEUES],
        teams=teams,
        employees=employees,
        holidays=[Holiday(holiday[0], holiday[1])] if holiday else [],
        contacts=contacts,
        agent_states=states,
        survey_responses=responses,
    )


def _queue_spec(p: QueueProfile) -> QueueSpec:
    return QueueSpec(
        code=p.code,
        name=p.name,
        channel=p.channel,
        skill=p.skill,
        sl_threshold_s=p.sl_threshold_s,
        short_abandon_s=p.short_abandon_s,
        sl_formula=SL_FORMULA,
        concurrency=p.concurrency,
        wrapup_s=p.wrapup_s,
    )
