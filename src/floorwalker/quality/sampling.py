"""Sampling plans: which contacts a QA team evaluates, N per agent per week. Pure.

A plan is *random* (every eligible contact of the agent's week equally likely) or
*targeted*: contacts that trip one of the plan's flags come first, most flags first,
and the rest of the N is filled at random (unless the plan says not to). Flags, with the
definitions of spec/kpis.md:

* ``long_handle``: handle time (talk + hold + wrap-up, seconds) above the plan's quantile
  (default 0.9) of the handle times of the same queue's candidates in the same week;
* ``low_csat``: a survey response to the contact below the top two boxes of its scale
  (CSAT counts 4–5 of 5 as satisfied, so 1–3 is low);
* ``transfer``: the agent transferred the contact;
* ``repeat``: the same customer contacted the center again within the plan's window
  (default 7 days, as FCR) after this contact, so it was not resolved first time.
  Later legs of the same call (their ``previous_contact_id`` is this contact) are not
  further contacts;
* ``complaint``: the contact's disposition names a complaint (case-insensitive match
  of any of the plan's complaint dispositions);
* ``negative_sentiment`` and ``transcript_rule_failed``: the automatic transcript checks
  (quality.autocheck) found negative sentiment, or a scorecard rule suggested "no"
  (the service computes them as ``Candidate.transcript_flags``).

Weeks start on Monday of the site's local calendar. Random choices come from a seeded
generator keyed by plan seed, agent and week, so the same plan and data give the same
sample, and one agent's sample does not change when another agent's contacts do.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FLAGS = (
    "long_handle",
    "low_csat",
    "transfer",
    "repeat",
    "complaint",
    "negative_sentiment",
    "transcript_rule_failed",
)
STRATEGIES = ("random", "targeted")


@dataclass(frozen=True)
class Candidate:
    """An answered contact that could be evaluated."""

    contact_id: int
    agent: str
    queue: str
    #: UTC, naive (storage form); ``arrived_local`` is the site's wall clock (picks the week).
    arrived_at: datetime
    arrived_local: datetime
    handle_s: float | None = None
    customer_key: str | None = None
    outcome: str = "answered"
    disposition: str | None = None
    previous_contact_id: int | None = None
    #: Worst survey answer to this contact, and its scale; None when no response.
    survey_score: float | None = None
    survey_scale_max: float | None = None
    #: Flags of quality.autocheck.flags on the contact's transcript (empty without one).
    transcript_flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LaterContact:
    """Any contact of a customer (for repeat detection), including ones after the week."""

    contact_id: int
    customer_key: str
    arrived_at: datetime
    previous_contact_id: int | None = None


@dataclass(frozen=True)
class SamplingPlan:
    per_agent: int
    strategy: str = "targeted"
    flags: tuple[str, ...] = FLAGS
    long_handle_quantile: float = 0.9
    repeat_window_s: float = 7 * 86400.0
    complaint_dispositions: tuple[str, ...] = ("complaint",)
    fill_with_random: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if self.per_agent < 1:
            raise ValueError(f"per_agent: {self.per_agent} is not at least 1")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy: '{self.strategy}'; one of {', '.join(STRATEGIES)}")
        for flag in self.flags:
            if flag not in FLAGS:
                raise ValueError(f"flags: '{flag}'; known flags: {', '.join(FLAGS)}")
        if not 0 < self.long_handle_quantile < 1:
            raise ValueError(f"long_handle_quantile: {self.long_handle_quantile} is not between 0 and 1")
        if self.repeat_window_s <= 0:
            raise ValueError("repeat_window_s: must be above 0")


@dataclass(frozen=True)
class Sampled:
    contact_id: int
    agent: str
    #: Monday of the local week.
    week: date
    #: The flags that picked it, or ("random",).
    reasons: tuple[str, ...]


def week_of(local: datetime) -> date:
    """Monday of the local calendar week of ``local``."""
    day = local.date()
    return day - timedelta(days=day.weekday())


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (Hyndman & Fan
    type 7, the default of R and NumPy)."""
    if not values:
        raise ValueError("quantile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def flag_contacts(
    candidates: Sequence[Candidate], plan: SamplingPlan, later: Iterable[LaterContact] = ()
) -> dict[int, tuple[str, ...]]:
    """Each candidate's flags (in ``FLAGS`` order), only those the plan uses."""
    thresholds: dict[tuple[str, date], float] = {}
    by_queue_week: dict[tuple[str, date], list[float]] = defaultdict(list)
    for c in candidates:
        if c.handle_s is not None:
            by_queue_week[(c.queue, week_of(c.arrived_local))].append(c.handle_s)
    for key, values in by_queue_week.items():
        thresholds[key] = quantile(values, plan.long_handle_quantile)

    by_customer: dict[str, list[LaterContact]] = defaultdict(list)
    for other in later:
        by_customer[other.customer_key].append(other)
    complaint_words = tuple(word.lower() for word in plan.complaint_dispositions)

    flags: dict[int, tuple[str, ...]] = {}
    for c in candidates:
        found: list[str] = []
        for flag in FLAGS:
            if flag not in plan.flags:
                continue
            if flag == "long_handle":
                hit = c.handle_s is not None and c.handle_s > thresholds[(c.queue, week_of(c.arrived_local))]
            elif flag == "low_csat":
                hit = (
                    c.survey_score is not None
                    and c.survey_scale_max is not None
                    and c.survey_score < c.survey_scale_max - 1
                )
            elif flag == "transfer":
                hit = c.outcome == "transferred"
            elif flag == "repeat":
                hit = c.customer_key is not None and any(
                    o.contact_id != c.contact_id
                    and o.previous_contact_id != c.contact_id
                    and c.arrived_at < o.arrived_at <= c.arrived_at + timedelta(seconds=plan.repeat_window_s)
                    for o in by_customer.get(c.customer_key, ())
                )
            elif flag == "complaint":
                disposition = (c.disposition or "").lower()
                hit = any(word in disposition for word in complaint_words)
            elif flag == "negative_sentiment":
                hit = "negative_sentiment" in c.transcript_flags
            else:
                hit = "rule_failed" in c.transcript_flags
            if hit:
                found.append(flag)
        flags[c.contact_id] = tuple(found)
    return flags


def _rng(seed: int, agent: str, week: date) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{agent}|{week.isoformat()}".encode()).digest()
    # Sampling, not security: a seeded, reproducible generator is the point.
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311


def sample(
    candidates: Sequence[Candidate],
    plan: SamplingPlan,
    *,
    later: Iterable[LaterContact] = (),
    exclude: Iterable[int] = (),
    already: Mapping[tuple[str, date], int] | None = None,
) -> list[Sampled]:
    """Pick up to ``plan.per_agent`` contacts per agent and week.

    ``exclude``: contacts already evaluated (never picked again); ``already``: how many
    evaluations each (agent, week) has, which count towards its N.
    """
    excluded = set(exclude)
    flags = flag_contacts(candidates, plan, later) if plan.strategy == "targeted" else {}
    groups: dict[tuple[str, date], list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.contact_id not in excluded:
            groups[(c.agent, week_of(c.arrived_local))].append(c)
    picked: list[Sampled] = []
    for (agent, week), members in sorted(groups.items()):
        wanted = plan.per_agent - (already or {}).get((agent, week), 0)
        if wanted <= 0:
            continue
        rng = _rng(plan.seed, agent, week)
        members = sorted(members, key=lambda c: c.contact_id)
        rng.shuffle(members)
        chosen: list[Sampled] = []
        if plan.strategy == "targeted":
            flagged = [c for c in members if flags[c.contact_id]]
            # most flags first; the shuffle above breaks ties at random
            flagged.sort(key=lambda c: -len(flags[c.contact_id]))
            chosen = [Sampled(c.contact_id, agent, week, flags[c.contact_id]) for c in flagged[:wanted]]
            if not plan.fill_with_random:
                picked.extend(chosen)
                continue
        taken = {s.contact_id for s in chosen}
        for c in members:
            if len(chosen) >= wanted:
                break
            if c.contact_id not in taken:
                chosen.append(Sampled(c.contact_id, agent, week, ("random",)))
        picked.extend(chosen)
    return picked
