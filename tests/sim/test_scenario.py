"""Reading scenario TOML: a valid file, and one clear message per kind of mistake."""

from __future__ import annotations

import pytest

from floorwalker.sim.scenario import ScenarioError, parse_scenario

GOOD = """
[simulation]
interval_s = 1800
intervals = 4
warmup_intervals = 1
replications = 5
seed = 3

[[queues]]
name = "support"
offered_per_interval = [10, 20, 30, 40]
sl_threshold_s = 30
priority = 2
handle_time = { distribution = "lognormal", mean_s = 300, cv = 0.7 }
wrapup_s = 15
patience = { distribution = "exponential", mean_s = 120 }

[[queues]]
name = "chat"
channel = "chat"
rate_per_hour = 40
handle_time = { distribution = "empirical", values_s = [300, 400, 900] }
patience = { distribution = "empirical", abandoned_waits_s = [30, 60], answered_waits_s = [10, 90] }

[[groups]]
name = "voice"
agents = [2, 3, 4, 4]
skills = { support = 1 }

[[groups]]
name = "chat"
agents = 2
concurrency = 3
skills = { chat = 1 }

[[routing.overflow]]
queue = "support"
group = "chat"
after_s = 60
"""


def test_good_scenario() -> None:
    sc = parse_scenario(GOOD, "c.toml")
    assert sc.intervals == 4 and sc.interval_s == 1800 and sc.warmup_intervals == 1
    support, chat = sc.queues
    assert support.offered_per_interval == (10, 20, 30, 40)
    assert support.handle_time.kind == "lognormal" and support.handle_time.cv == 0.7
    assert support.wrapup.mean_s == 15 and support.priority == 2 and support.sl_threshold_s == 30
    assert chat.offered_per_interval == (20.0,) * 4  # 40 an hour, half-hour intervals
    assert chat.patience.censored_s == (10, 90)
    assert sc.groups[0].agents == (2, 3, 4, 4)
    assert sc.groups[1].agents == (2, 2, 2, 2) and sc.groups[1].concurrency == 3
    assert sc.overflows[0].level == 2  # one below the group's worst skill


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("intervals = 4\n", "", "c.toml: simulation.intervals: missing"),
        ("cv = 0.7", "cv = -1", "c.toml: queues[0].handle_time.cv: must be a number >= 0"),
        (
            'distribution = "lognormal"',
            'distribution = "weibull"',
            "c.toml: queues[0].handle_time.distribution",
        ),
        ("[10, 20, 30, 40]", "[10, 20]", "queues[0].offered_per_interval: has 2 values; the horizon has 4"),
        ("skills = { support = 1 }", "skills = { sales = 1 }", "c.toml: groups[0].skills.sales: no queue"),
        ("agents = [2, 3, 4, 4]", "agents = [2, 3, 4.5, 4]", "c.toml: groups[0].agents[2]"),
        ("concurrency = 3", "concurrency = 0", "c.toml: groups[1].concurrency"),
        ("after_s = 60", "after_s = 0", "c.toml: routing.overflow[0].after_s"),
        ('group = "chat"\nafter', 'group = "nobody"\nafter', "c.toml: routing.overflow[0].group"),
        (
            "rate_per_hour = 40",
            "rate_per_hour = 40\noffered_per_interval = 3",
            "c.toml: queues[1]: give exactly one",
        ),
        ("warmup_intervals = 1", "warmup_intervals = 4", "c.toml: simulation.warmup_intervals"),
        ('name = "chat"\nchannel', 'name = "support"\nchannel', "c.toml: queues[1].name: duplicate"),
        ("[simulation]", "[simulation", "c.toml: not valid TOML"),
        ("sl_threshold_s = 30", "sl_treshold_s = 30", "c.toml: queues[0].sl_treshold_s: unknown key"),
        ("seed = 3", "sead = 3", "c.toml: simulation.sead: unknown key"),
    ],
)
def test_bad_scenarios_name_file_and_key(old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(ScenarioError) as info:
        parse_scenario(GOOD.replace(old, new, 1), "c.toml")
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_queue_without_any_group() -> None:
    text = GOOD.replace("skills = { chat = 1 }", "skills = { }")
    with pytest.raises(ScenarioError, match="no group has a skill for queue 'chat'"):
        parse_scenario(text, "c.toml")
