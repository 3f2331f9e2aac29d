"""The vectorised merge of session steps and handled contacts equals the Python reference
(agent_timeline) on random agents: sessions, pauses with reasons, overlapping chats,
wrap-up cut short by the next contact, contacts outside any session."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from floorwalker.contacts import agent_timelines as at

_EVENTS = ["ADDMEMBER", "REMOVEMEMBER", "AGENTLOGIN", "AGENTLOGOFF", "PAUSE", "UNPAUSE", "PAUSEALL",
           "UNPAUSEALL", "PAUSEREASON"]  # fmt: skip
_times = st.integers(min_value=0, max_value=400).map(float)


@st.composite
def agent(draw: st.DrawFn) -> tuple[list, list]:
    events = sorted(
        draw(
            st.lists(
                st.tuples(
                    _times,
                    st.sampled_from(_EVENTS),
                    st.sampled_from(["q1", "q2"]),
                    st.sampled_from(["", "lunch", "Training"]),
                ),
                max_size=12,
            )
        )
    )
    contacts = []
    for start, length, wrap in draw(
        st.lists(st.tuples(_times, st.integers(0, 60), st.sampled_from([None, 0.0, 5.0, 30.0])), max_size=8)
    ):
        contacts.append((start, start + length, wrap))
    return [(t, e, q, d, "", "call") for t, e, q, d in events], contacts


@settings(max_examples=150, deadline=None)
@given(st.lists(agent(), min_size=1, max_size=3), st.booleans())
def test_sql_timelines_equal_the_python_reference(agents, with_history) -> None:
    initial = (frozenset({"q1"}), False, True, "meeting") if with_history else at.LOGGED_OUT
    start_s = -10.0 if with_history else None
    expected, steps, handled = {}, {}, []
    for number, (events, contacts) in enumerate(agents):
        name = f"SIP/{number}"
        # The reference sorts contacts itself; None wrap-ups cannot be ordered beside numbers.
        contacts = sorted(contacts, key=lambda c: (c[0], c[1], c[2] is not None, c[2] or 0.0))
        expected[name] = at.agent_timeline(events, contacts, initial, start_s)
        steps[name] = at.agent_steps(events, initial, start_s)
        handled += [(name, a, e, w) for a, e, w in contacts]
    handled_table = pa.table({
        "agent": pa.array([h[0] for h in handled], pa.string()),
        "answered_s": pa.array([h[1] for h in handled], pa.float64()),
        "ended_s": pa.array([h[2] for h in handled], pa.float64()),
        "wrapup_s": pa.array([h[3] for h in handled], pa.float64()),
    })  # fmt: skip
    got = at.timelines(at.steps_table(steps), handled_table).to_pylist()
    assert got == at.flatten_timelines(expected).to_pylist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                _times,
                st.sampled_from([*_EVENTS, "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF"]),
                st.sampled_from(["q1", "q2", "q3"]),
                st.sampled_from(["", "lunch", " Training ", "LUNCH", "  "]),
            ),
            max_size=15,
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from([-1.0, 100.0, 200.5, 400.0]),
)
def test_compiled_session_steps_equal_the_python_fold(agents, from_s) -> None:
    # The reference: events before from_s fold into the state the agent starts from_s in
    # (a step at from_s when there is such history), the rest step by step (agent_steps),
    # then one step per instant (steps_table).
    rows, reference = [], {}
    for number, events in enumerate(agents):
        name = f"SIP/{number}"
        ordered = sorted(events, key=lambda e: e[0])  # stable: same-second events keep their order
        before = [e for e in ordered if e[0] < from_s]
        initial = at.LOGGED_OUT
        for _, event, queue, data1 in before:
            initial = at.fold_agent_state(initial, event, queue, data1)
        after = [(t, e, q, d, "", "NONE") for t, e, q, d in ordered if t >= from_s]
        reference[name] = at.agent_steps(after, initial, start_s=from_s if before else None)
        rows += [(name, *e) for e in ordered]
    schema = pa.schema([("agent", pa.string()), ("time_s", pa.float64()), ("event", pa.string()),
                        ("queue", pa.string()), ("data1", pa.string())])  # fmt: skip
    events_table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(schema.names)}).cast(schema)
    assert at.session_steps(events_table, from_s).to_pylist() == at.steps_table(reference).to_pylist()
