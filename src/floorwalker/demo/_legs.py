"""Contact legs before the simulation: first legs (arrivals) and the transfer legs that
may follow them, with everything drawn up front so the simulation draws nothing. Pure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from floorwalker.demo._demand import ContactDraws, draw_contacts
from floorwalker.demo._queues import QueueProfile
from floorwalker.demo._sim import SimContacts

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Legs:
    """All legs: first legs [0, n_first) in arrival order, then one potential transfer
    leg per transferring first leg (it exists only if its parent was answered in time)."""

    queue: I64
    arrival_s: I64  # -1 for transfer legs (known only after the simulation)
    draws: ContactDraws
    parent: I64  # previous leg of a transfer leg, -1 for first legs
    child: I64  # transfer leg that follows, -1 for none
    n_first: int


def make_legs(
    rng: np.random.Generator, profiles: tuple[QueueProfile, ...], arrival_s: I64, queue: I64
) -> Legs:
    """Legs for first-leg arrivals ``arrival_s`` (sorted) in queues ``queue``."""
    first = draw_contacts(rng, profiles, queue)
    parents = np.flatnonzero(first.transfer_to >= 0)
    second = draw_contacts(rng, profiles, first.transfer_to[parents])
    second.transfer_to[:] = -1  # a transfer leg is not transferred again
    n_first = arrival_s.shape[0]
    n = n_first + parents.shape[0]
    child = np.full(n, -1, dtype=np.int64)
    child[parents] = n_first + np.arange(parents.shape[0])
    parent = np.full(n, -1, dtype=np.int64)
    parent[n_first:] = parents

    draws = ContactDraws(
        talk_s=np.concatenate([first.talk_s, second.talk_s]),
        hold_s=np.concatenate([first.hold_s, second.hold_s]),
        wrap_s=np.concatenate([first.wrap_s, second.wrap_s]),
        ring_s=np.concatenate([first.ring_s, second.ring_s]),
        ring_attempts=np.concatenate([first.ring_attempts, second.ring_attempts]),
        patience_s=np.concatenate([first.patience_s, second.patience_s]),
        disposition=np.concatenate([first.disposition, second.disposition]),
        transfer_to=np.concatenate([first.transfer_to, second.transfer_to]),
    )
    return Legs(
        queue=np.concatenate([queue, first.transfer_to[parents]]),
        arrival_s=np.concatenate([arrival_s, np.full(parents.shape[0], -1, dtype=np.int64)]),
        draws=draws,
        parent=parent,
        child=child,
        n_first=n_first,
    )


def to_sim(legs: Legs) -> SimContacts:
    """The simulation's view of the legs (plain lists; NaN hold and wrap-up count as 0)."""
    d = legs.draws
    return SimContacts(
        arrival_s=legs.arrival_s.tolist(),
        queue=legs.queue.tolist(),
        patience_s=d.patience_s.tolist(),
        talk_s=d.talk_s.tolist(),
        hold_s=np.nan_to_num(d.hold_s).astype(np.int64).tolist(),
        wrap_s=np.nan_to_num(d.wrap_s).astype(np.int64).tolist(),
        ring_s=d.ring_s.tolist(),
        child=legs.child.tolist(),
        n_original=legs.n_first,
    )
