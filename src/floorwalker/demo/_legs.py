"""Contact legs before the simulation: first legs (arrivals) and the transfer legs that
may follow them, with everything drawn up front so the simulation draws nothing. Pure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from floorwalker.demo._demand import NEVER_S, ContactDraws, draw_contacts
from floorwalker.demo._queues import QueueProfile
from floorwalker.sim.floor import FloorContacts

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


def to_floor(legs: Legs) -> FloorContacts:
    """The simulator's view of the legs (NaN hold and wrap-up count as 0; the demo's
    "never abandons" patience is infinite)."""
    d = legs.draws
    patience = d.patience_s.astype(np.float64)
    patience[patience >= NEVER_S] = np.inf
    return FloorContacts(
        arrival_s=legs.arrival_s.astype(np.float64),
        queue=legs.queue,
        patience_s=patience,
        handle_s=d.talk_s.astype(np.float64),
        hold_s=np.nan_to_num(d.hold_s).astype(np.int64).astype(np.float64),
        wrapup_s=np.nan_to_num(d.wrap_s).astype(np.int64).astype(np.float64),
        ring_s=d.ring_s.astype(np.float64),
        transfer_to=legs.child,
        n_first=legs.n_first,
    )
