"""Small scenarios built in code for the simulator's tests."""

from __future__ import annotations

import numpy as np

from floorwalker.sim.distributions import Distribution
from floorwalker.sim.scenario import AgentGroup, Overflow, Queue, Replay, Scenario


def queue(
    name: str = "q",
    per_interval: float = 0.0,
    intervals: int = 1,
    *,
    aht: float = 180.0,
    handle: str = "exponential",
    patience: float | None = None,
    wrapup: float = 0.0,
    threshold: float = 20.0,
    priority: int = 0,
) -> Queue:
    return Queue(
        name=name,
        offered_per_interval=(per_interval,) * intervals,
        handle_time=Distribution(handle, mean_s=aht),
        wrapup=Distribution("constant", mean_s=wrapup),
        patience=Distribution("none") if patience is None else Distribution("exponential", mean_s=patience),
        sl_threshold_s=threshold,
        priority=priority,
    )


def group(
    name: str, agents: int | tuple[int, ...], skills: dict[str, int], intervals: int = 1, concurrency: int = 1
) -> AgentGroup:
    counts = agents if isinstance(agents, tuple) else (agents,) * intervals
    return AgentGroup(name=name, agents=counts, skills=skills, concurrency=concurrency)


def replay(rows: list[tuple[int, float, float, float]]) -> Replay:
    """rows: (queue index, arrival s, handle s, patience s or inf)."""
    a = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return Replay(
        queue=a[:, 0].astype(np.int64),
        arrival_s=a[:, 1],
        handle_s=a[:, 2],
        patience_s=a[:, 3],
        patience_at_least_s=np.zeros(len(rows)),
    )


def scenario(
    queues: list[Queue],
    groups: list[AgentGroup],
    *,
    interval_s: float = 3600.0,
    intervals: int = 1,
    overflows: tuple[Overflow, ...] = (),
    rp: Replay | None = None,
    agent_picks: str = "skill_level",
    warmup: int = 0,
) -> Scenario:
    return Scenario(
        interval_s=interval_s,
        intervals=intervals,
        queues=tuple(queues),
        groups=tuple(groups),
        overflows=overflows,
        agent_picks=agent_picks,
        warmup_intervals=warmup,
        replay=rp,
    )
