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
3. the floor: the simulator's agent-level engine (``floorwalker.sim.floor``) plays every
   agent's shifts against the arrivals and records each contact and each agent state;
4. customers and surveys: repeat contacts and survey answers that depend on what
   happened on the floor (``_customers``), then the warehouse tables (``_tables``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from floorwalker.demo import _demand as demand
from floorwalker.demo._calendar import SiteClock, build_days, pick_holiday
from floorwalker.demo._customers import assign_customers, draw_surveys
from floorwalker.demo._legs import make_legs, to_floor
from floorwalker.demo._names import email_local_part, pick_full_names
from floorwalker.demo._queues import QUEUES, SKILL_DESCRIPTIONS, QueueProfile
from floorwalker.demo._roster import RosterAgent, Shift, build_roster, weekly_paid_hours_needed
from floorwalker.demo._tables import agent_states_table, contacts_table, surveys_table, whole
from floorwalker.sim import floor as engine

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
    "support": (("Chat Support", 0.12, (2, 4)), ("Billing", 0.1, (2, 3))),
    "billing": (("Sales", 0.3, (2, 3)),),
    "digital": (("Technical Support", 0.3, (2, 3)),),
}
NEW_HIRES = {"support": 3, "sales": 2, "digital": 1}
LEAVERS = 4
LEAVE_REASONS = ("resigned", "relocated", "dismissed", "resigned", "career change")
CONTRACT_MIX = ((40.0, 0.64), (32.0, 0.16), (24.0, 0.1), (20.0, 0.1))
MIN_AGENTS, MAX_AGENTS = 60, 100
NOT_READY_REASONS = ("break", "lunch", "meeting", "training", "coaching", "system")
DRAIN_LIMIT_S = 1200  # closing-shift agents stay at most this long to clear the queue
REFERENCE_DAYS = 14  # the forecast period headcount is sized to


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

    ``end`` must be an aware datetime (the caller's "now"); the window is the ``days``
    local calendar days ending on ``end``'s local date, and only contacts, agent states
    and survey responses that ended at or before ``end`` are kept.
    """
    if end is None or end.utcoffset() is None:
        raise ValueError("end must be an aware datetime (the caller passes 'now')")
    if days < 1:
        raise ValueError("days must be at least 1")
    # Independent streams per stage, so that changing one stage leaves the others' draws alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    org_rng, name_rng, noise_rng, arrival_rng, leg_rng, roster_rng, customer_rng, survey_rng = streams

    last_day = end.astimezone(ZoneInfo(time_zone)).date()
    first_day = last_day - timedelta(days=days - 1)
    clock = SiteClock(time_zone, first_day, last_day)
    end_s = int(end.timestamp()) - clock.origin_epoch_s
    holiday = pick_holiday(first_day, last_day)
    calendar = build_days(clock, first_day, last_day, BUSINESS_HOURS, holiday[0] if holiday else None)

    # 1. Demand: the forecast per queue, and the requirement the roster is built to.
    open_grid = demand.open_grid(calendar, clock)
    email_grid = demand.all_day_grid(calendar, clock)
    grids = [email_grid if p.channel == "email" else open_grid for p in QUEUES]
    expected = [demand.forecast(p, g, calendar, last_day) for p, g in zip(QUEUES, grids, strict=True)]
    requirements = demand.group_requirements(QUEUES, expected, open_grid, email_grid, calendar)

    # 2. Staff sized to the forecast, and their schedules.
    middle = last_day - timedelta(days=min(days, 90) // 2)
    staff = _build_staff(org_rng, name_rng, _weekly_need_h(time_zone, middle, last_day), first_day, last_day)
    shifts = build_roster(roster_rng, staff.roster, calendar, open_grid, requirements)

    # 3. Actual arrivals (forecast × noise) and the floor.
    outage_sensitive = [p.outage_sensitive for p in QUEUES]
    rates = demand.actual_rates(noise_rng, expected, grids, calendar, outage_sensitive)
    times = [demand.sample_arrivals(arrival_rng, r, g) for r, g in zip(rates, grids, strict=True)]
    arrival = np.concatenate(times)
    queue = np.concatenate([np.full(t.shape[0], i, dtype=np.int64) for i, t in enumerate(times)])
    keep = arrival <= end_s
    order = np.lexsort((queue[keep], arrival[keep]))
    legs = make_legs(leg_rng, QUEUES, arrival[keep][order], queue[keep][order])
    floor = engine.simulate_floor(_floor(staff, shifts), to_floor(legs), end_s)

    # 4. Customers and surveys, then the warehouse tables.
    records = floor.contacts
    outcome = records.outcome
    ended = whole(records.ended_s)
    arrived = whole(records.arrival_s)
    done = (outcome >= 0) & (ended >= 0) & (ended <= end_s)
    in_progress = _in_progress(done, arrived, end_s)
    # Legs still open at `end` have a caller too (and a transfer leg keeps its caller's).
    customers = assign_customers(customer_rng, QUEUES, legs, arrived, outcome, done | in_progress, end_s)
    proficiency = np.where(records.agent >= 0, staff.proficiency[np.maximum(records.agent, 0), legs.queue], 0)
    wait = whole(records.answered_s) - arrived
    surveys = draw_surveys(
        survey_rng, QUEUES, legs, wait, outcome, proficiency, ended, done, customers, end_s
    )
    contacts, contact_id = contacts_table(
        clock, QUEUES, SITE_CODE, legs, floor, done, in_progress, customers, staff.agent_codes
    )
    return DemoCenter(
        site=SiteSpec(SITE_CODE, SITE_NAME, time_zone, {k: list(v) for k, v in BUSINESS_HOURS.items()}),
        skills=[SkillSpec(name, text) for name, text in SKILL_DESCRIPTIONS.items()],
        queues=[_queue_spec(p) for p in QUEUES],
        teams=staff.teams,
        employees=staff.employees,
        holidays=[Holiday(holiday[0], holiday[1])] if holiday else [],
        contacts=contacts,
        agent_states=agent_states_table(clock, SITE_CODE, floor, staff.agent_codes, end_s),
        survey_responses=surveys_table(clock, surveys, customers, contact_id),
    )


def _weekly_need_h(time_zone: str, reference_end: date, last_day: date) -> dict[str, float]:
    """Paid hours a typical week needs per staffing group, from the forecast of the two
    weeks to ``reference_end`` (no holiday), so that headcount does not depend on where
    the window's holiday or Sundays fall, or on how short the window is."""
    first = reference_end - timedelta(days=REFERENCE_DAYS - 1)
    clock = SiteClock(time_zone, first, reference_end)
    calendar = build_days(clock, first, reference_end, BUSINESS_HOURS, None)
    open_grid = demand.open_grid(calendar, clock)
    email_grid = demand.all_day_grid(calendar, clock)
    grids = [email_grid if p.channel == "email" else open_grid for p in QUEUES]
    expected = [demand.forecast(p, g, calendar, last_day) for p, g in zip(QUEUES, grids, strict=True)]
    requirements = demand.group_requirements(QUEUES, expected, open_grid, email_grid, calendar)
    return {g: weekly_paid_hours_needed(r, open_grid, calendar) for g, r in requirements.items()}


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


@dataclass(frozen=True)
class _Staff:
    employees: list[EmployeeSpec]
    teams: list[TeamSpec]
    roster: list[RosterAgent]  # agents only, index = position in agent_codes
    proficiency: npt.NDArray[np.int64]  # (agents, queues) 1–5, 0 = does not serve the queue
    agent_codes: list[str]


def _tenure_start(rng: np.random.Generator, before: date, mean_days: float, min_days: int) -> date:
    """A hire date some (exponentially distributed) time before ``before``, at most 15 years."""
    back = min(min_days + int(rng.exponential(mean_days)), 15 * 365)
    return before - timedelta(days=back)


def _build_staff(
    rng: np.random.Generator,
    name_rng: np.random.Generator,
    weekly_need_h: dict[str, float],
    first_day: date,
    last_day: date,
) -> _Staff:
    """People and teams: agents per group sized to the weekly paid hours needed, plus a
    few recent hires (fewer skills, lower proficiency) and a few leavers in the window."""
    window_days = (last_day - first_day).days + 1
    hours = np.asarray([h for h, _ in CONTRACT_MIX])
    weights = np.asarray([w for _, w in CONTRACT_MIX])
    mean_contract = float(hours @ weights)
    planned = sum(weekly_need_h.values()) / mean_contract + sum(NEW_HIRES.values())
    # Keep the floor inside the advertised size even for odd windows or time zones.
    scale = min(max(1.0, MIN_AGENTS / planned), MAX_AGENTS / planned)

    contracts: dict[str, list[float]] = {}
    for group in PRIMARY_SKILLS:
        need = weekly_need_h.get(group, 0.0) * scale
        drawn: list[float] = []
        while sum(drawn) < need or not drawn:
            drawn.append(float(rng.choice(hours, p=weights)))
        contracts[group] = drawn
    n_agents = sum(len(c) for c in contracts.values()) + sum(NEW_HIRES.values())
    n_agents = min(n_agents, MAX_AGENTS)
    names = pick_full_names(name_rng, n_agents + len(TEAMS) + 4)
    emails: set[str] = set()

    def person(
        role: str,
        team: str | None,
        hire: date,
        skills: dict[str, int],
        contract: float = 40.0,
        agent_code: str | None = None,
        leave: date | None = None,
        reason: str | None = None,
    ) -> EmployeeSpec:
        first, last = names[len(employees)]
        address = f"{email_local_part(first)}.{email_local_part(last)}@example.com"
        suffix = 2
        while address in emails:  # two names can fold to the same ASCII; keep addresses unique
            address = f"{email_local_part(first)}.{email_local_part(last)}{suffix}@example.com"
            suffix += 1
        emails.add(address)
        return EmployeeSpec(
            key=f"E{1001 + len(employees)}",
            full_name=f"{first} {last}",
            email=address,
            role=role,
            team=team,
            agent_code=agent_code,
            hire_date=hire,
            status="leaver" if leave is not None else "active",
            contract_hours_per_week=contract,
            leave_date=leave,
            leave_reason=reason,
            skills=skills,
        )

    employees: list[EmployeeSpec] = []
    for _ in range(2):
        employees.append(person("manager", None, _tenure_start(rng, first_day, 2000, 1500), {}))
    for _ in range(2):
        employees.append(person("qa", None, _tenure_start(rng, first_day, 1200, 500), {}))
    teams: list[TeamSpec] = []
    for name, group in TEAMS:
        skills = dict.fromkeys(PRIMARY_SKILLS[group], 5)
        employees.append(person("supervisor", name, _tenure_start(rng, first_day, 1500, 800), skills))
        teams.append(TeamSpec(name, employees[-1].key))

    # Agents: experienced ones by group, then the recent hires; a few experienced leave.
    plans: list[tuple[str, float, bool]] = [(g, c, False) for g, drawn in contracts.items() for c in drawn]
    plans += [(g, 40.0 if rng.random() < 0.7 else 32.0, True) for g, k in NEW_HIRES.items() for _ in range(k)]
    plans = plans[:n_agents]
    experienced = [i for i, (_, _, new) in enumerate(plans) if not new]
    leavers = set(rng.choice(experienced, size=min(LEAVERS, len(experienced)), replace=False).tolist())
    team_cycle: dict[str, int] = {}
    roster: list[RosterAgent] = []
    proficiency = np.zeros((len(plans), len(QUEUES)), dtype=np.int64)
    codes: list[str] = []
    for i, (group, contract, new) in enumerate(plans):
        group_teams = [t for t, (_, g) in enumerate(TEAMS) if g == group]
        team = group_teams[team_cycle.get(group, 0) % len(group_teams)]
        team_cycle[group] = team_cycle.get(group, 0) + 1
        if new:
            back = round(window_days * rng.uniform(0.15, 0.7))
            hire = max(first_day, last_day - timedelta(days=back))
            skills = {PRIMARY_SKILLS[group][0]: int(rng.integers(1, 3))}
        else:
            hire = _tenure_start(rng, first_day, 900, 45)
            years = (first_day - hire).days / 365.0
            level = 3 + int(years > 1.0) + int(years > 4.0 and rng.random() < 0.6)
            skills = {s: int(np.clip(level + rng.choice([-1, 0, 0, 1]), 3, 5)) for s in PRIMARY_SKILLS[group]}
            for skill, share, (lo, hi) in SECONDARY_SKILLS[group]:
                if rng.random() < share:
                    skills[skill] = int(rng.integers(lo, hi + 1))
        leave: date | None = None
        reason: str | None = None
        if i in leavers:
            leave = first_day + timedelta(days=max(1, int(window_days * rng.uniform(0.1, 0.9))))
            leave = min(leave, last_day)
            reason = str(rng.choice(LEAVE_REASONS))
        code = f"A{1001 + i}"
        codes.append(code)
        employees.append(person("agent", TEAMS[team][0], hire, skills, contract, code, leave, reason))
        roster.append(RosterAgent(i, group, team, contract, hire, leave, new))
        for q, p in enumerate(QUEUES):
            proficiency[i, q] = skills.get(p.skill, 0)
    return _Staff(employees, teams, roster, proficiency, codes)


def _floor(staff: _Staff, shifts: list[Shift]) -> engine.Floor:
    """The simulator's floor: the demo queues (voice with voicemail after a long wait, chat
    sessions, e-mail as deferred work), talk time scaled by each agent's proficiency, and
    the rostered shifts with their not-ready blocks; times are whole seconds."""
    speed_of = np.zeros(6, dtype=np.float64)
    for level, factor in demand.PROFICIENCY_SPEED.items():
        speed_of[level] = factor
    queues = [
        engine.FloorQueue(
            p.code,
            session=p.channel == "chat",
            concurrency=p.concurrency,
            deferred=p.channel == "email",
            timeout_s=demand.VOICE_TIMEOUT_S if p.channel == "voice" else 0.0,
        )
        for p in QUEUES
    ]
    floor_shifts = [
        engine.Shift(
            agent=sh.agent,
            login_s=sh.login_s,
            logout_s=sh.logout_s,
            drain=sh.until_close,
            not_ready=[engine.NotReady(start, duration, why) for start, duration, why in sh.activities],
        )
        for sh in shifts
    ]
    return engine.Floor(
        queues=queues,
        speed=speed_of[staff.proficiency],
        shifts=floor_shifts,
        reasons=NOT_READY_REASONS,
        drain_s=DRAIN_LIMIT_S,
        whole_seconds=True,
    )


def _in_progress(
    done: npt.NDArray[np.bool_], arrived_s: npt.NDArray[np.int64], end_s: int
) -> npt.NDArray[np.bool_]:
    """Legs that entered their queue by ``end_s`` but had not finished: still waiting or in
    service. A transfer leg that was never triggered keeps the sentinel arrival −1."""
    return ~done & (arrived_s >= 0) & (arrived_s <= end_s)
