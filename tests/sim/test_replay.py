"""Replay CSV: columns, blanks drawn later, errors naming file, line and column."""

from __future__ import annotations

import math

import numpy as np
import pytest

from floorwalker.sim.replay import replay_from_csv
from floorwalker.sim.scenario import ScenarioError


def test_columns_and_blanks() -> None:
    text = "arrival_s,queue,handle_s,patience_s,patience_at_least_s\n5,b,120,,40\n0,a,,inf,\n"
    rp = replay_from_csv(text, "c.csv", ["a", "b"], 3600)
    assert rp.queue.tolist() == [1, 0]
    assert rp.arrival_s.tolist() == [5, 0]
    assert rp.handle_s[0] == 120 and math.isnan(rp.handle_s[1])
    assert math.isnan(rp.patience_s[0]) and rp.patience_s[1] == math.inf
    assert rp.patience_at_least_s.tolist() == [40, 0]
    assert rp.wrapup_s is not None and np.isnan(rp.wrapup_s).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("queue\na\n", "c.csv: missing column 'arrival_s'"),
        ("queue,arrival_s,colour\na,1,red\n", "c.csv: unknown column 'colour'"),
        ("queue,arrival_s\na,1\nz,2\n", "c.csv: line 3: queue: 'z' is not a queue of the scenario"),
        ("queue,arrival_s\na,\n", "c.csv: line 2: arrival_s: missing"),
        ("queue,arrival_s,handle_s\na,1,ten\n", "c.csv: line 2: handle_s: 'ten' is not a number"),
        ("queue,arrival_s,handle_s\na,1,-3\n", "c.csv: line 2: handle_s: must be seconds >= 0"),
        ("queue,arrival_s,handle_s\na,1,inf\n", "c.csv: line 2: handle_s: must be seconds >= 0"),
        ("queue,arrival_s\na,4000\n", "c.csv: line 2: arrival_s: 4000 is beyond the horizon (3600 s)"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        replay_from_csv(text, "c.csv", ["a", "b"], 3600)
    assert info.value.message.startswith(message)
