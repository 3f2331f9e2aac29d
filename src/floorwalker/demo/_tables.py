"""Arrow tables in the shape of the contact warehouse (floorwalker.contacts.models), minus
``import_id`` and ``transcript``. Pure.

Instants are naive UTC ``timestamp[us]``, ``*_local`` the site's wall clock, nulls are
real Arrow nulls where the source would not know a value (never NaN, never 0).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from floorwalker.contacts.keys import stable_id
from floorwalker.demo._calendar import SiteClock
from floorwalker.demo._customers import Customers, Surveys
from floorwalker.demo._legs import Legs
from floorwalker.demo._queues import QueueProfile
from floorwalker.sim.floor import ANSWERED, OUTCOME_NAMES, STATE_NAMES, TRANSFERRED, FloorResult

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
SOURCE = "demo"
TRANSFER_DISPOSITION = "transfer"

CONTACT_SCHEMA = pa.schema(
    [
        pa.field("contact_id", pa.int64(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_key", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("queue", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("customer_key", pa.string()),
        pa.field("arrived_at", pa.timestamp("us"), nullable=False),
        pa.field("arrived_local", pa.timestamp("us"), nullable=False),
        pa.field("utc_offset_s", pa.int32(), nullable=False),
        pa.field("answered_at", pa.timestamp("us")),
        pa.field("ended_at", pa.timestamp("us")),
        pa.field("wait_s", pa.float64()),
        pa.field("talk_s", pa.float64()),
        pa.field("hold_s", pa.float64()),
        pa.field("wrapup_s", pa.float64()),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("agent", pa.string()),
        pa.field("disposition", pa.string()),
        pa.field("ring_attempts", pa.int32()),
        pa.field("previous_contact_id", pa.int64()),
    ]
)

AGENT_STATE_SCHEMA = pa.schema(
    [
        pa.field("state_id", pa.int64(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_key", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("agent", pa.string(), nullable=False),
        pa.field("state", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
        pa.field("started_at", pa.timestamp("us"), nullable=False),
        pa.field("ended_at", pa.timestamp("us"), nullable=False),
        pa.field("started_local", pa.timestamp("us"), nullable=False),
        pa.field("utc_offset_s", pa.int32(), nullable=False),
        pa.field("duration_s", pa.float64(), nullable=False),
    ]
)

SURVEY_SCHEMA = pa.schema(
    [
        pa.field("response_id", pa.int64(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_key", pa.string(), nullable=False),
        pa.field("contact_id", pa.int64()),
        pa.field("customer_key", pa.string()),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("scale_min", pa.int32(), nullable=False),
        pa.field("scale_max", pa.int32(), nullable=False),
        pa.field("comment", pa.string()),
        pa.field("responded_at", pa.timestamp("us"), nullable=False),
    ]
)


def _ids(prefix: str, count: int) -> tuple[list[str], pa.Array]:
    keys = [f"{prefix}:{k}" for k in range(count)]
    return keys, pa.array([stable_id(SOURCE, key) for key in keys], pa.int64())


def _instants(clock: SiteClock, t_s: I64, mask: B | None = None) -> pa.Array:
    micros = (t_s + clock.origin_epoch_s).astype("datetime64[s]").astype("datetime64[us]")
    return pa.array(micros, pa.timestamp("us"), mask=mask)


def _labels(names: list[str], codes: I64, mask: B | None = None) -> pa.Array:
    """Strings by code (dictionary-decoded, so 300k rows cost one small list)."""
    indices = pa.array(codes.astype(np.int32), pa.int32(), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string())).dictionary_decode()


def _constant(value: str, count: int) -> pa.Array:
    return _labels([value], np.zeros(count, dtype=np.int64))


def whole(values: npt.NDArray[np.float64]) -> I64:
    """Simulation instants (whole seconds, NaN unknown) as integers, -1 for unknown."""
    return np.where(np.isnan(values), -1, values).astype(np.int64)


def _floats(values: npt.NDArray[np.float64], mask: B) -> pa.Array:
    return pa.array(np.where(mask, 0.0, values), pa.float64(), mask=mask)


def customer_labels(customers: Customers, legs: I64) -> pa.Array:
    key = customers.key[legs]
    return pa.array([f"C{k:07d}" if k >= 0 else None for k in key.tolist()], pa.string())


def contacts_table(
    clock: SiteClock,
    profiles: tuple[QueueProfile, ...],
    site: str,
    legs: Legs,
    floor: FloorResult,
    done: B,
    in_progress: B,
    customers: Customers,
    agent_codes: list[str],
) -> tuple[pa.Table, I64]:
    """The contacts table (rows in arrival order) and each leg's contact_id (0 if not kept).

    Legs still waiting or in service at ``end`` are kept as outcome "incomplete" with no
    end, wait, agent or handle times: that is what a live export of a real platform shows."""
    records = floor.contacts
    arrival = whole(records.arrival_s)
    rows = np.flatnonzero(done | in_progress)
    rows = rows[np.lexsort((rows, arrival[rows]))]
    m = rows.shape[0]
    keys, ids = _ids("c", m)
    contact_id = np.zeros(legs.queue.shape[0], dtype=np.int64)
    contact_id[rows] = ids.to_numpy()

    queue = legs.queue[rows]
    still_open = in_progress[rows]
    outcome = np.where(still_open, len(OUTCOME_NAMES), records.outcome[rows])
    served = ((outcome == ANSWERED) | (outcome == TRANSFERRED)) & ~still_open
    answered = whole(records.answered_s)[rows]
    ended = whole(records.ended_s)[rows]
    arrived = arrival[rows]
    offsets = clock.offsets_s(arrived)
    wait = np.where(served, answered - arrived, ended - arrived).astype(np.float64)
    talk = records.talk_s[rows]
    hold = legs.draws.hold_s[rows]
    wrap = legs.draws.wrap_s[rows]
    agent = records.agent[rows]
    attempts = legs.draws.ring_attempts[rows]

    # Dispositions of all queues in one dictionary; a transferred leg is coded "transfer".
    labels: list[str] = [TRANSFER_DISPOSITION]
    base: list[int] = []
    for p in profiles:
        base.append(len(labels))
        labels.extend(name for name, _ in p.dispositions)
    disposition = np.asarray(base, dtype=np.int64)[queue] + legs.draws.disposition[rows]
    disposition = np.where(outcome == TRANSFERRED, 0, disposition)

    parent = legs.parent[rows]
    previous = np.where(parent >= 0, contact_id[np.maximum(parent, 0)], 0)
    columns = [
        ids,
        _constant(SOURCE, m),
        pa.array(keys, pa.string()),
        _constant(site, m),
        _labels([p.code for p in profiles], queue),
        _labels([p.channel for p in profiles], queue),
        _constant("inbound", m),
        customer_labels(customers, rows),
        _instants(clock, arrived),
        _instants(clock, arrived + offsets),
        pa.array(offsets.astype(np.int32), pa.int32()),
        _instants(clock, answered, ~served),
        _instants(clock, ended, still_open),
        pa.array(wait, pa.float64(), mask=still_open),
        _floats(talk, ~served),
        _floats(hold, ~served | np.isnan(hold)),
        _floats(wrap, ~served | np.isnan(wrap)),
        _labels([*OUTCOME_NAMES, "incomplete"], outcome),
        _labels(agent_codes, np.maximum(agent, 0), ~served),
        _labels(labels, disposition, ~served),
        pa.array(attempts.astype(np.int32), pa.int32(), mask=~served | (attempts < 0)),
        pa.array(previous, pa.int64(), mask=parent < 0),
    ]
    return pa.Table.from_arrays(columns, schema=CONTACT_SCHEMA), contact_id


def agent_states_table(
    clock: SiteClock, site: str, floor: FloorResult, agent_codes: list[str], end_s: int
) -> pa.Table:
    """The agent_states table: every state that ended by ``end_s``, by start then agent."""
    states = floor.states
    start = states.start_s.astype(np.int64)
    stop = states.end_s.astype(np.int64)
    agent, state, reason = states.agent, states.state, states.reason
    keep = np.flatnonzero(stop <= end_s)
    keep = keep[np.lexsort((agent[keep], start[keep]))]
    start, stop, agent, state, reason = start[keep], stop[keep], agent[keep], state[keep], reason[keep]
    m = keep.shape[0]
    keys, ids = _ids("s", m)
    offsets = clock.offsets_s(start)
    columns = [
        ids,
        _constant(SOURCE, m),
        pa.array(keys, pa.string()),
        _constant(site, m),
        _labels(agent_codes, agent),
        _labels(list(STATE_NAMES), state),
        _labels(list(states.reasons), np.maximum(reason, 0), reason < 0),
        _instants(clock, start),
        _instants(clock, stop),
        _instants(clock, start + offsets),
        pa.array(offsets.astype(np.int32), pa.int32()),
        pa.array((stop - start).astype(np.float64), pa.float64()),
    ]
    return pa.Table.from_arrays(columns, schema=AGENT_STATE_SCHEMA)


def surveys_table(clock: SiteClock, surveys: Surveys, customers: Customers, contact_id: I64) -> pa.Table:
    """The survey_responses table, in order of response."""
    order = np.lexsort((np.arange(surveys.leg.shape[0]), surveys.responded_s))
    leg = surveys.leg[order]
    m = leg.shape[0]
    keys, ids = _ids("r", m)
    kinds = np.asarray(surveys.kind, dtype=object)[order].tolist()
    comments = np.asarray(surveys.comment, dtype=object)[order].tolist()
    columns = [
        ids,
        _constant(SOURCE, m),
        pa.array(keys, pa.string()),
        pa.array(contact_id[leg], pa.int64()),
        customer_labels(customers, leg),
        pa.array(kinds, pa.string()),
        pa.array(surveys.score[order], pa.float64()),
        pa.array(surveys.scale_min[order].astype(np.int32), pa.int32()),
        pa.array(surveys.scale_max[order].astype(np.int32), pa.int32()),
        pa.array(comments, pa.string()),
        _instants(clock, surveys.responded_s[order]),
    ]
    return pa.Table.from_arrays(columns, schema=SURVEY_SCHEMA)
