"""Write a realistic Asterisk queue_log (log form) of N lines, derived from the demo center.

The demo center (``floorwalker.demo.generator.generate``) is simulated once for a block of
13 weeks; its voice contacts become the calls of the log and its agent states the agents'
sessions and pauses. The block is repeated, shifted by whole weeks, until N lines exist;
the first N lines in time order are written. Everything is vectorised (numpy + Arrow), so
five million lines take seconds, and the same seed always gives the same bytes.

Line formats are those of Asterisk's app_queue (``epoch|callid|queue|agent|EVENT|data…``):

    ENTERQUEUE      |url|callerid
    RINGNOANSWER    |ringtime-ms
    CONNECT         |holdtime|bridged-uniqueid|ringtime
    COMPLETEAGENT   |holdtime|calltime|origposition        (and COMPLETECALLER)
    ABANDON         |position|origposition|waittime         (and EXITWITHTIMEOUT)
    EXITWITHKEY     |key|position|origposition|waittime
    TRANSFER        |extension|context|holdtime|calltime|origposition
    ADDMEMBER / REMOVEMEMBER |          (one line per queue the agent is a member of)
    PAUSE / UNPAUSE |reason            (one line per queue, as set_member_paused logs it)
    QUEUESTART      |                  (at the start and at each weekly restart)

Callids are uniqueid-style (``<epoch the caller's channel was created>.<counter>``); a call
transferred to another queue keeps its callid, so the next ENTERQUEUE continues the call.

    .venv/bin/python bench/queue_log_gen.py --lines 5000000 --out /tmp/queue_log --seed 7
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from floorwalker.demo import generator

I64 = npt.NDArray[np.int64]
BLOCK_DAYS = 91  # 13 weeks: blocks repeat on the same weekdays
TIME_ZONE = "Europe/London"
#: The last simulated block ends here (local midnight); earlier blocks are shifted back.
BLOCK_END = datetime(2026, 11, 23, 0, 0, tzinfo=ZoneInfo(TIME_ZONE))
#: Extensions of the voice queues (the TRANSFER line names the extension dialled).
EXTENSIONS = {"SALES": "6001", "SUPPORT": "6002", "BILLING": "6003"}
CONTEXT = "from-queue-transfer"
#: Share of abandons that are callers pressing a key to leave (EXITWITHKEY) instead.
EXIT_KEY_SHARE = 0.04
#: Order of lines written in the same second (what Asterisk does first comes first).
RANK = {
    "QUEUESTART": 0,
    "ADDMEMBER": 1,
    "UNPAUSE": 2,
    "ENTERQUEUE": 3,
    "RINGNOANSWER": 4,
    "CONNECT": 5,
    "END": 6,  # COMPLETE*, TRANSFER, ABANDON, EXIT*
    "TRANSFERRED_ENTER": 7,  # the ENTERQUEUE of the queue a call was transferred to
    "PAUSE": 8,
    "REMOVEMEMBER": 9,
}


@dataclass
class Template:
    """One simulated block: its voice legs and agent sessions, times in epoch seconds."""

    # legs (one per voice contact, arrival order)
    queue: I64  # index into queues
    arrived: I64
    answered: I64  # -1 if never answered
    ended: I64  # -1 if still open
    outcome: I64  # index into OUTCOMES
    agent: I64  # index into agents, -1 if none
    rings: I64  # ring attempts (CONNECT counts as one)
    caller: pa.Array  # callerid text
    root: I64  # leg whose caller channel this leg continues (itself unless transferred in)
    transfer_to: I64  # queue index a transferred leg went to, -1 if unknown
    origpos: I64
    # sessions and pauses: (agent, start, end), pauses also reason index
    session: tuple[I64, I64, I64]
    pause: tuple[I64, I64, I64, I64]
    queues: list[str]
    agents: list[str]
    reasons: list[str]
    members: list[list[int]]  # agent → queue indices it is a member of
    block_s: int
    end_s: int


OUTCOMES = ["answered", "transferred", "abandoned", "timeout", "incomplete"]


def _epoch(column: pa.ChunkedArray) -> I64:
    """Naive-UTC timestamp[us] → epoch seconds (NULL → -1)."""
    values = pc.fill_null(column.cast(pa.int64()), -1_000_000).to_numpy()
    return np.where(values < 0, -1, values // 1_000_000).astype(np.int64)


def build_template(seed: int) -> Template:
    """Simulate one block of the demo center and keep what a voice queue_log shows."""
    center = generator.generate(
        seed=seed, end=BLOCK_END - timedelta(seconds=1), days=BLOCK_DAYS, time_zone=TIME_ZONE
    )
    voice = [q.code for q in center.queues if q.channel == "voice"]
    contacts = center.contacts
    keep = pc.is_in(contacts.column("queue"), pa.array(voice)).to_numpy(zero_copy_only=False)
    contacts = contacts.filter(pa.array(keep))
    n = contacts.num_rows
    queue = pc.index_in(contacts.column("queue"), pa.array(voice)).to_numpy().astype(np.int64)
    agent_names = sorted(set(pc.unique(contacts.column("agent").drop_null()).to_pylist()))
    agent = pc.fill_null(pc.index_in(contacts.column("agent"), pa.array(agent_names)), -1)
    agent = agent.to_numpy().astype(np.int64)
    outcome = pc.index_in(contacts.column("outcome"), pa.array(OUTCOMES)).to_numpy().astype(np.int64)
    arrived, answered, ended = (_epoch(contacts.column(c)) for c in ("arrived_at", "answered_at", "ended_at"))
    rings = pc.fill_null(contacts.column("ring_attempts"), 0).to_numpy().astype(np.int64)
    caller = pc.fill_null(
        pc.replace_substring(contacts.column("customer_key"), "C", "0770"), "anonymous"
    ).combine_chunks()

    # Transfers: the next leg of a transferred call keeps the caller's channel (callid).
    ids = contacts.column("contact_id").to_numpy()
    order = np.argsort(ids)
    previous = pc.fill_null(contacts.column("previous_contact_id"), -1).to_numpy()
    has_prev = previous >= 0
    prev_index = np.full(n, -1, dtype=np.int64)
    found = order[np.searchsorted(ids, previous[has_prev], sorter=order)]
    prev_index[has_prev] = np.where(ids[found] == previous[has_prev], found, -1)
    root = np.arange(n, dtype=np.int64)
    linked = prev_index >= 0
    root[linked] = prev_index[linked]
    for _ in range(8):  # chains are short; follow them to the first leg
        nxt = prev_index[root]
        step = nxt >= 0
        if not step.any():
            break
        root[step] = nxt[step]
    transfer_to = np.full(n, -1, dtype=np.int64)
    transfer_to[prev_index[linked]] = queue[linked]

    # Position on entering the queue: callers of the same queue still waiting, plus one.
    origpos = np.ones(n, dtype=np.int64)
    left_queue = np.where(answered >= 0, answered, np.where(ended >= 0, ended, np.iinfo(np.int64).max))
    for q in range(len(voice)):
        rows = np.flatnonzero(queue == q)
        exits = np.sort(left_queue[rows])
        ahead = np.arange(rows.shape[0]) - np.searchsorted(exits, arrived[rows], side="right")
        origpos[rows] = np.maximum(ahead, 0) + 1

    # Agents: sessions are maximal runs of contiguous states; pauses are not_ready runs.
    states = center.agent_states.filter(pc.is_in(center.agent_states.column("agent"), pa.array(agent_names)))
    s_agent = pc.index_in(states.column("agent"), pa.array(agent_names)).to_numpy().astype(np.int64)
    s_start, s_end = _epoch(states.column("started_at")), _epoch(states.column("ended_at"))
    reasons = sorted(set(pc.unique(states.column("reason").drop_null()).to_pylist()))
    s_reason = pc.fill_null(pc.index_in(states.column("reason"), pa.array(reasons)), -1).to_numpy()
    s_reason = s_reason.astype(np.int64)
    s_state = states.column("state").to_numpy(zero_copy_only=False)
    paused = s_state == "not_ready"
    o = np.lexsort((s_start, s_agent))
    s_agent, s_start, s_end, s_reason, paused = s_agent[o], s_start[o], s_end[o], s_reason[o], paused[o]
    new_session = np.ones(o.shape[0], dtype=bool)
    new_session[1:] = (s_agent[1:] != s_agent[:-1]) | (s_start[1:] != s_end[:-1])
    session_id = np.cumsum(new_session) - 1
    first = np.flatnonzero(new_session)
    last = np.r_[first[1:] - 1, o.shape[0] - 1]
    session = (s_agent[first], s_start[first], s_end[last])
    # Pauses: merge contiguous not_ready pieces of one reason (states are cut at midnight).
    pause_start = paused & ~(
        np.r_[False, paused[:-1]]
        & np.r_[False, s_reason[1:] == s_reason[:-1]]
        & np.r_[False, session_id[1:] == session_id[:-1]]
    )
    pid = np.cumsum(pause_start) - 1
    rows = np.flatnonzero(paused)
    p_first = np.flatnonzero(pause_start)
    p_end = np.zeros(p_first.shape[0], dtype=np.int64)
    np.maximum.at(p_end, pid[rows], s_end[rows])
    pause = (s_agent[p_first], s_start[p_first], p_end, s_reason[p_first])

    members: list[list[int]] = []
    for a in range(len(agent_names)):
        handled = np.unique(queue[agent == a])
        members.append([int(q) for q in handled])

    end_s = int(BLOCK_END.timestamp()) - 1  # the simulation's "now"
    return Template(
        queue=queue, arrived=arrived, answered=answered, ended=ended, outcome=outcome, agent=agent,
        rings=rings, caller=caller, root=root, transfer_to=transfer_to, origpos=origpos,
        session=session, pause=pause, queues=voice, agents=agent_names, reasons=reasons,
        members=members, block_s=BLOCK_DAYS * 86_400, end_s=end_s,
    )  # fmt: skip


# --- lines --------------------------------------------------------------------------------


@dataclass
class _Group:
    time: I64
    rank: I64
    tie: I64
    columns: dict[str, pa.Array]


class Lines:
    """Columns of queue_log lines, appended group by group (one event kind at a time)."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []

    def add(self, time_s: I64, rank: int, event: str | pa.Array, *, callid: pa.Array | str = "NONE",
            queue: pa.Array | str = "NONE", agent: pa.Array | str = "NONE",
            data: tuple[pa.Array | str | None, ...] = ("",), tie: I64 | None = None) -> None:  # fmt: skip
        n = time_s.shape[0]
        if n == 0:
            return

        def text(value: pa.Array | str | None) -> pa.Array:
            if value is None:
                return pa.nulls(n, pa.string())
            if isinstance(value, str):
                return pa.repeat(pa.scalar(value, pa.string()), n)
            return value.cast(pa.string()) if value.type != pa.string() else value

        columns = {"callid": text(callid), "queue": text(queue), "agent": text(agent), "event": text(event)}
        for k in range(5):
            columns[f"d{k + 1}"] = text(data[k] if k < len(data) else None)
        self.groups.append(
            _Group(
                time=time_s.astype(np.int64),
                rank=np.full(n, rank, dtype=np.int64),
                tie=np.zeros(n, dtype=np.int64) if tie is None else tie.astype(np.int64),
                columns=columns,
            )
        )

    def __len__(self) -> int:
        return sum(g.time.shape[0] for g in self.groups)

    def text(self, limit: int) -> pa.Array:
        """The first ``limit`` lines in time order, each ending in a newline (one buffer)."""
        time_s = np.concatenate([g.time for g in self.groups])
        rank = np.concatenate([g.rank for g in self.groups])
        tie = np.concatenate([g.tie for g in self.groups])
        order = np.lexsort((np.arange(time_s.shape[0]), tie, rank, time_s))[:limit]
        take = pa.array(order)
        names = ["callid", "queue", "agent", "event", "d1", "d2", "d3", "d4", "d5"]
        cols = [pa.concat_arrays([g.columns[c] for g in self.groups]).take(take) for c in names]
        epoch = pa.array(time_s[order]).cast(pa.string())
        line = pc.binary_join_element_wise(epoch, *cols, "|", null_handling="skip")
        return pc.binary_join_element_wise(line, pa.scalar(""), "\n")


def _s(values: I64) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _labels(names: list[str], codes: I64) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(names)
    ).dictionary_decode()


def make_lines(t: Template, limit: int, seed: int, blocks: int | None = None) -> tuple[pa.Array, int]:
    """Lines from as many shifted copies of the block as ``limit`` needs."""
    if blocks is None:
        blocks = max(1, -(-limit // _lines_per_block(t)))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    n = t.arrived.shape[0]
    shift = np.repeat((np.arange(blocks, dtype=np.int64) - (blocks - 1)) * t.block_s, n)
    tile = np.tile
    leg = np.arange(blocks * n, dtype=np.int64)
    queue, outcome, agent, rings = tile(t.queue, blocks), tile(t.outcome, blocks), tile(t.agent, blocks), \
        tile(t.rings, blocks)  # fmt: skip
    arrived = tile(t.arrived, blocks) + shift
    answered = np.where(tile(t.answered, blocks) >= 0, tile(t.answered, blocks) + shift, -1)
    ended = np.where(tile(t.ended, blocks) >= 0, tile(t.ended, blocks) + shift, -1)
    root = tile(t.root, blocks) + np.repeat(np.arange(blocks, dtype=np.int64) * n, n)
    transfer_to = tile(t.transfer_to, blocks)
    origpos = tile(t.origpos, blocks)
    caller = pa.concat_arrays([t.caller] * blocks)
    queues = pa.array(t.queues)
    queue_name = queues.take(pa.array(queue))
    agent_name = _labels(t.agents, np.maximum(agent, 0))
    wait = np.where(answered >= 0, answered - arrived, np.where(ended >= 0, ended - arrived, 0))

    # uniqueids: a global channel counter in arrival order; the caller's channel is 4k,
    # the agent channel bridged to it 4k+1 (counters leave room for ring attempts).
    counter = 1_000 + 4 * leg
    callid = pc.binary_join_element_wise(_s(arrived[root]), _s(counter[root]), ".")
    ring_s = np.minimum(rng.integers(2, 9, leg.shape[0]), np.maximum(wait, 1))
    bridged = pc.binary_join_element_wise(_s(np.maximum(answered - ring_s, arrived)), _s(counter + 1), ".")

    lines = Lines()
    # ENTERQUEUE: the first leg of a call, or the queue a call was transferred to.
    transferred_in = root != leg
    for mask, rank in ((~transferred_in, RANK["ENTERQUEUE"]), (transferred_in, RANK["TRANSFERRED_ENTER"])):
        rows = pa.array(np.flatnonzero(mask))
        lines.add(arrived[mask], rank, "ENTERQUEUE", callid=callid.take(rows), queue=queue_name.take(rows),
                  data=("", caller.take(rows)), tie=leg[mask])  # fmt: skip

    # RINGNOANSWER: rings before the answering one, spread over the wait, by other members.
    answered_leg = answered >= 0
    misses = np.where(answered_leg, np.maximum(rings - 1, 0), 0)
    miss_leg = np.repeat(leg, misses)
    miss_no = np.arange(miss_leg.shape[0]) - np.repeat(np.cumsum(misses) - misses, misses)
    slot = wait[miss_leg] // (misses[miss_leg] + 1)
    miss_time = arrived[miss_leg] + slot * (miss_no + 1)
    ring_ms = np.minimum(slot, 15) * 1000 + rng.integers(0, 1000, miss_leg.shape[0])
    ring_ms = np.maximum(ring_ms - 1000, 500)
    pool = [
        np.asarray([a for a, m in enumerate(t.members) if qi in m], dtype=np.int64)
        for qi in range(len(t.queues))
    ]
    miss_q = queue[miss_leg]
    miss_agent = np.zeros(miss_leg.shape[0], dtype=np.int64)
    for qi, members in enumerate(pool):
        rows = np.flatnonzero(miss_q == qi)
        miss_agent[rows] = members[rng.integers(0, members.shape[0], rows.shape[0])]
    rows = pa.array(miss_leg)
    lines.add(miss_time, RANK["RINGNOANSWER"], "RINGNOANSWER", callid=callid.take(rows),
              queue=queue_name.take(rows), agent=_labels(t.agents, miss_agent), data=(_s(ring_ms),),
              tie=miss_leg)  # fmt: skip

    # CONNECT
    rows_np = np.flatnonzero(answered_leg)
    rows = pa.array(rows_np)
    lines.add(answered[rows_np], RANK["CONNECT"], "CONNECT", callid=callid.take(rows),
              queue=queue_name.take(rows), agent=agent_name.take(rows),
              data=(_s(wait[rows_np]), bridged.take(rows), _s(ring_s[rows_np])), tie=rows_np)  # fmt: skip

    # Ends.
    done = ended >= 0
    calltime = np.where(answered_leg, ended - answered, 0)
    complete = done & (outcome == OUTCOMES.index("answered"))
    by_caller = rng.random(leg.shape[0]) < 0.55
    for mask, event in ((complete & by_caller, "COMPLETECALLER"), (complete & ~by_caller, "COMPLETEAGENT")):
        r = np.flatnonzero(mask)
        rows = pa.array(r)
        lines.add(ended[r], RANK["END"], event, callid=callid.take(rows), queue=queue_name.take(rows),
                  agent=agent_name.take(rows), data=(_s(wait[r]), _s(calltime[r]), _s(origpos[r])),
                  tie=r)  # fmt: skip
    r = np.flatnonzero(done & (outcome == OUTCOMES.index("transferred")))
    target = np.where(transfer_to[r] >= 0, transfer_to[r], rng.integers(0, len(t.queues), r.shape[0]))
    ext = _labels([EXTENSIONS.get(code, "6000") for code in t.queues], target)
    rows = pa.array(r)
    lines.add(ended[r], RANK["END"], "TRANSFER", callid=callid.take(rows), queue=queue_name.take(rows),
              agent=agent_name.take(rows),
              data=(ext, CONTEXT, _s(wait[r]), _s(calltime[r]), _s(origpos[r])), tie=r)  # fmt: skip
    gave_up = done & ((outcome == OUTCOMES.index("abandoned")) | (outcome == OUTCOMES.index("timeout")))
    position = 1 + (rng.random(leg.shape[0]) * origpos).astype(np.int64)
    keyed = gave_up & (outcome == OUTCOMES.index("abandoned")) & (rng.random(leg.shape[0]) < EXIT_KEY_SHARE)
    for mask, event in (
        (gave_up & ~keyed & (outcome == OUTCOMES.index("abandoned")), "ABANDON"),
        (gave_up & (outcome == OUTCOMES.index("timeout")), "EXITWITHTIMEOUT"),
    ):
        r = np.flatnonzero(mask)
        rows = pa.array(r)
        lines.add(ended[r], RANK["END"], event, callid=callid.take(rows), queue=queue_name.take(rows),
                  data=(_s(position[r]), _s(origpos[r]), _s(wait[r])), tie=r)  # fmt: skip
    r = np.flatnonzero(keyed)
    rows = pa.array(r)
    key = _labels(["0", "1", "9"], rng.integers(0, 3, r.shape[0]))
    lines.add(ended[r], RANK["END"], "EXITWITHKEY", callid=callid.take(rows), queue=queue_name.take(rows),
              data=(key, _s(position[r]), _s(origpos[r]), _s(wait[r])), tie=r)  # fmt: skip

    # Agents: ADDMEMBER / REMOVEMEMBER per member queue, PAUSE / UNPAUSE per member queue.
    m_agent = np.asarray([a for a, qs in enumerate(t.members) for _ in qs], dtype=np.int64)
    m_queue = np.asarray([qi for qs in t.members for qi in qs], dtype=np.int64)
    offsets = (np.arange(blocks, dtype=np.int64) - (blocks - 1)) * t.block_s

    def per_queue(agent_ix: I64, *times: I64) -> tuple[I64, ...]:
        """Rows × member queues of each row's agent: (row index, queue, times…)."""
        count = np.bincount(m_agent, minlength=len(t.agents))[agent_ix]
        row = np.repeat(np.arange(agent_ix.shape[0]), count)
        start = np.searchsorted(m_agent, agent_ix)  # m_agent is sorted
        within = np.arange(row.shape[0]) - np.repeat(np.cumsum(count) - count, count)
        q = m_queue[np.repeat(start, count) + within]
        return (row, q, *(x[row] for x in times))

    s_agent, s_start, s_end = t.session
    s_agent = tile(s_agent, blocks)
    s_start = tile(s_start, blocks) + np.repeat(offsets, t.session[0].shape[0])
    s_end = tile(s_end, blocks) + np.repeat(offsets, t.session[0].shape[0])
    still_in = tile(t.session[2], blocks) >= t.end_s  # sessions open at the block's end
    row, q, on_s, off_s = per_queue(s_agent, s_start, s_end)
    lines.add(on_s, RANK["ADDMEMBER"], "ADDMEMBER", queue=queues.take(pa.array(q)),
              agent=_labels(t.agents, s_agent[row]), data=("",))  # fmt: skip
    gone = ~still_in[row]
    lines.add(off_s[gone], RANK["REMOVEMEMBER"], "REMOVEMEMBER", queue=queues.take(pa.array(q[gone])),
              agent=_labels(t.agents, s_agent[row][gone]), data=("",))  # fmt: skip

    p_agent, p_start, p_end, p_reason = (tile(x, blocks) for x in t.pause)
    p_start = p_start + np.repeat(offsets, t.pause[0].shape[0])
    p_end = p_end + np.repeat(offsets, t.pause[0].shape[0])
    # A pause that lasts until the agent logs off is ended by REMOVEMEMBER, not UNPAUSE.
    session_end = set(zip(s_agent.tolist(), s_end.tolist(), strict=True))
    unpaused = np.asarray(
        [(a, e) not in session_end for a, e in zip(p_agent.tolist(), p_end.tolist(), strict=True)]
    )
    row, q, on_s, off_s = per_queue(p_agent, p_start, p_end)
    reason = _labels(t.reasons, p_reason[row])
    lines.add(on_s, RANK["PAUSE"], "PAUSE", queue=queues.take(pa.array(q)),
              agent=_labels(t.agents, p_agent[row]), data=(reason,))  # fmt: skip
    up = unpaused[row]
    lines.add(off_s[up], RANK["UNPAUSE"], "UNPAUSE", queue=queues.take(pa.array(q[up])),
              agent=_labels(t.agents, p_agent[row][up]), data=("",))  # fmt: skip

    # QUEUESTART: Asterisk restarted every Sunday at 04:00 local (and at the very start).
    first_s = int(arrived.min()) - 3600
    sundays = []
    day = datetime.fromtimestamp(first_s, ZoneInfo(TIME_ZONE)).date()
    last_day = datetime.fromtimestamp(int(ended.max()), ZoneInfo(TIME_ZONE)).date()
    while day <= last_day:
        if day.weekday() == 6:
            sundays.append(
                int(datetime(day.year, day.month, day.day, 4, tzinfo=ZoneInfo(TIME_ZONE)).timestamp())
            )
        day += timedelta(days=1)
    lines.add(np.asarray([first_s, *sundays], dtype=np.int64), RANK["QUEUESTART"], "QUEUESTART",
              data=("",))  # fmt: skip
    if len(lines) < limit:  # fewer lines than estimated: one block more
        return make_lines(t, limit, seed, blocks + 1)
    return lines.text(limit), blocks


def _lines_per_block(t: Template) -> int:
    """A slight under-estimate of the lines one block gives (so enough blocks are made)."""
    answered = t.answered >= 0
    calls = t.arrived.shape[0] + int(answered.sum()) + int((t.ended >= 0).sum())
    rings = int(np.maximum(t.rings[answered] - 1, 0).sum())
    per_agent = np.asarray([len(m) for m in t.members])
    agents = 2 * int(per_agent[t.session[0]].sum()) + int(per_agent[t.pause[0]].sum())
    return int((calls + rings + agents) * 0.97)


def write(path: Path, lines: pa.Array) -> int:
    """Write the newline-terminated lines (one contiguous buffer); returns bytes written."""
    offsets = lines.buffers()[1]
    data = lines.buffers()[2]
    start, stop = np.frombuffer(offsets, dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)[
        [0, -1]
    ]
    with path.open("wb") as handle:
        handle.write(memoryview(data)[start:stop])
    return int(stop - start)


def generate_file(path: Path, lines: int, seed: int = 7, verbose: bool = True) -> dict[str, float]:
    """Write ``lines`` queue_log lines to ``path``; returns timings and sizes."""
    started = time.perf_counter()
    template = build_template(seed)
    simulate_s = time.perf_counter() - started
    text, blocks = make_lines(template, lines, seed)
    if text.type != pa.string():  # large_string offsets are 64-bit: keep the writer simple
        text = text.cast(pa.string())
    size = write(path, text)
    total_s = time.perf_counter() - started
    if verbose:
        print(f"queue_log_gen: {lines:,} lines, {size / 1e6:,.0f} MB, {blocks} × {BLOCK_DAYS}-day blocks "
              f"→ {path}  (simulate {simulate_s:.1f} s, lines {total_s - simulate_s:.1f} s)")  # fmt: skip
    return {"simulate_s": simulate_s, "total_s": total_s, "bytes": size, "blocks": blocks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/queue_log"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate_file(args.out, args.lines, args.seed)


if __name__ == "__main__":
    main()
