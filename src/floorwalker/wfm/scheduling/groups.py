"""Scheduling groups: the site's queues split into sets that share agents through their
skills, each scheduled with its own agents; and the site's summary put back together from
the groups' results. Pure.

An agent serves a queue when they have the queue's required skill (org area); a queue
with no required skill is served by every agent. Queues and agents form a graph (an edge
where an agent serves a queue); each connected part that holds a queue is one scheduling
group. An agent's queues all lie in one group, so every agent belongs to exactly one group
(or to none, when they serve no queue of the site: such agents are not scheduled). Two
groups share no agent, so scheduling them apart loses nothing: no agent of one group could
have taken contacts of the other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from floorwalker.wfm.scheduling.rules import Instance
from floorwalker.wfm.scheduling.solve import SolveResult


@dataclass(frozen=True)
class SchedulingGroup:
    """Queue codes and agent codes scheduled together (both sorted)."""

    queues: tuple[str, ...]
    agents: tuple[str, ...]


def scheduling_groups(
    queue_skills: Mapping[str, int | None], agent_skills: Mapping[str, Collection[int]]
) -> tuple[list[SchedulingGroup], list[str]]:
    """(groups ordered by their first queue code, agents who serve no queue, sorted).
    ``queue_skills``: queue code → required skill id (None: no skill required);
    ``agent_skills``: agent code → skill ids the agent has."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for q in queue_skills:
        parent["q:" + q] = "q:" + q
    idle: list[str] = []
    for agent, skills in agent_skills.items():
        node = "a:" + agent
        parent[node] = node
        served = [q for q, skill in queue_skills.items() if skill is None or skill in skills]
        if not served:
            idle.append(agent)
        for q in served:
            union(node, "q:" + q)
    queues: dict[str, list[str]] = {}
    agents: dict[str, list[str]] = {}
    for q in queue_skills:
        queues.setdefault(find("q:" + q), []).append(q)
    for agent in agent_skills:
        root = find("a:" + agent)
        if root in queues:
            agents.setdefault(root, []).append(agent)
    groups = [
        SchedulingGroup(tuple(sorted(qs)), tuple(sorted(agents.get(root, ())))) for root, qs in queues.items()
    ]
    return sorted(groups, key=lambda g: g.queues), sorted(idle)


@dataclass(frozen=True)
class SiteResult:
    """The site's schedule put together from its groups' results: requirement, coverage
    and service level per interval (service level contact-weighted over the groups, None
    where no contacts are forecast), and the summary numbers of the `schedule generate`
    contract."""

    requirement: tuple[int, ...]
    coverage: tuple[int, ...]
    service_level: tuple[float | None, ...]
    objective: float
    bound: float
    gap: float
    status: str
    under_agent_hours: float
    over_agent_hours: float
    projected_service_level: float | None


def combine(parts: Sequence[tuple[Instance, SolveResult]], intervals: int) -> SiteResult:
    """Sum the groups' requirement, coverage, objective, bound, under and over (agents in
    different groups never cover the same contacts, so each sum is the site's); recompute
    the gap from the sums; weight each group's projected service level per interval by its
    forecast contacts. ``intervals``: length of the site's week (every part has it)."""
    requirement = [0] * intervals
    coverage = [0] * intervals
    answered = [0.0] * intervals
    offered = [0.0] * intervals
    objective = bound = under = over = 0.0
    optimal = True
    for instance, result in parts:
        if instance.intervals != intervals:
            raise ValueError(f"a group has {instance.intervals} intervals, the site's week {intervals}")
        objective += result.objective
        bound += result.bound
        under += result.under_agent_hours
        over += result.over_agent_hours
        optimal = optimal and result.status == "optimal"
        for t in range(intervals):
            requirement[t] += instance.requirement[t]
            coverage[t] += result.coverage[t]
            sl = result.service_level[t]
            if instance.demand is not None and sl is not None and instance.demand.contacts[t] > 0:
                answered[t] += sl * instance.demand.contacts[t]
                offered[t] += instance.demand.contacts[t]
    gap = 0.0 if objective <= 1e-9 else max(0.0, (objective - bound) / objective)
    total = sum(offered)
    return SiteResult(
        requirement=tuple(requirement),
        coverage=tuple(coverage),
        service_level=tuple(a / c if c > 0 else None for a, c in zip(answered, offered, strict=True)),
        objective=objective,
        bound=bound,
        gap=gap,
        status="optimal" if optimal and parts else "feasible",
        under_agent_hours=under,
        over_agent_hours=over,
        projected_service_level=sum(answered) / total if total > 0 else None,
    )
