"""Instance parsing: good files become rules; every bad field is named in one line."""

from __future__ import annotations

import copy

import pytest

from floorwalker.errors import InvalidInput
from floorwalker.wfm.scheduling.instance import parse_instance
from floorwalker.wfm.scheduling.rules import Contract, is_night_shift, night_minutes, rest_after
from tests.wfm.schedule_helpers import tiny_instance


def test_tiny_instance_parses_into_minutes() -> None:
    inst = parse_instance(tiny_instance())
    t = inst.templates[0]
    assert t.start_times == (420, 540, 660)
    assert t.lengths == (360,)
    assert t.breaks[0].paid is False and t.unpaid_minutes() == 60
    assert inst.contracts["c"].max_weekly == 600
    assert inst.contracts["c"].min_rest == 14 * 60
    assert inst.agents[0].preferences.days_off == (1,)
    assert inst.intervals == 48


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("requirement",), [1, 2], "requirement"),
        (("templates", 0, "start_times", 1), "9h", "templates[0].start_times[1]"),
        (("templates", 0, "start_times", 1), "09:30", "templates[0].start_times[1]"),
        (("templates", 0, "lengths_minutes", 0), -5, "templates[0].lengths_minutes[0]"),
        (("templates", 0, "breaks", 0, "kind"), "nap", "templates[0].breaks[0].kind"),
        (("contracts", 0, "max_weekly_hours"), "lots", "contracts[0].max_weekly_hours"),
        (("agents", 1, "contract"), "nobody", "agents[1].contract"),
        (("agents", 0, "preferences", "days_off", 0), 9, "agents[0].preferences.days_off[0]"),
        (("interval_minutes",), 7, "interval_minutes"),
    ],
)
def test_bad_field_is_named(path: tuple[object, ...], value: object, field: str) -> None:
    data = copy.deepcopy(tiny_instance())
    target = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    with pytest.raises(InvalidInput) as err:
        parse_instance(data)
    assert err.value.message.startswith(field + ":")
    assert "\n" not in err.value.message


def test_overlapping_break_windows_are_refused() -> None:
    data = tiny_instance()
    data["templates"][0]["breaks"].append(
        {
            "name": "tea",
            "kind": "break",
            "duration_minutes": 60,
            "earliest_start_minutes": 180,
            "latest_start_minutes": 240,
        }
    )
    with pytest.raises(InvalidInput, match=r"templates\[0\]\.breaks: the windows"):
        parse_instance(data)


def test_activity_participant_must_exist() -> None:
    data = tiny_instance(
        activities=[
            {
                "name": "team",
                "duration_minutes": 60,
                "participants": ["zed"],
                "window": {"day": 0, "start": "10:00", "end": "12:00"},
            }
        ]
    )
    with pytest.raises(InvalidInput, match=r"activities\[0\]\.participants\[0\]: no agent"):
        parse_instance(data)


def test_night_rules() -> None:
    c = Contract("n", min_rest=11 * 60, rest_after_night=24 * 60)
    # 21:00–05:00 has 6 h in 23:00–06:00; 06:00–14:00 has none; 02:00-07:00 has 4 h
    assert night_minutes(c, 21 * 60, 29 * 60) == 360
    assert night_minutes(c, 6 * 60, 14 * 60) == 0
    assert night_minutes(c, 1440 + 120, 1440 + 420) == 240
    assert is_night_shift(c, 21 * 60, 29 * 60)
    assert not is_night_shift(c, 20 * 60, 24 * 60)  # 1 h of night only
    assert rest_after(c, 21 * 60, 29 * 60) == 24 * 60
    assert rest_after(c, 6 * 60, 14 * 60) == 11 * 60
