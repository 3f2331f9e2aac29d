"""Read a scheduling instance from JSON-like data (see docs/scheduling.md for the format).

Every error is an ``InvalidInput`` whose one-line message names the field, e.g.
``templates[0].start_times[1]: '7h' is not a time HH:MM``.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

from floorwalker.errors import InvalidInput
from floorwalker.wfm.scheduling.rules import (
    BREAK_KINDS,
    MINUTES_PER_DAY,
    PLANNED_KINDS,
    Agent,
    BreakRule,
    Contract,
    Demand,
    Instance,
    PlannedActivity,
    Preferences,
    ShiftTemplate,
    TimeOff,
    Weights,
    Window,
)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _err(path: str, message: str) -> InvalidInput:
    return InvalidInput(f"{path}: {message}", field=path)


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _err(path, "must be an object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _err(path, "must be a list")
    return value


def _need(data: dict[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise _err(f"{path}.{key}" if path else key, "is required")
    return data[key]


def _int(value: Any, path: str, *, lo: int = 0, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise _err(path, f"{value!r} is not a whole number")
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        raise _err(path, f"{v} is outside {lo}–{hi if hi is not None else '∞'}")
    return v


def _num(value: Any, path: str, *, lo: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _err(path, f"{value!r} is not a number")
    if value < lo:
        raise _err(path, f"{value} is below {lo}")
    return float(value)


def _hours(value: Any, path: str) -> int:
    """Hours (may be fractional) → whole minutes."""
    return round(_num(value, path) * 60)


def _time(value: Any, path: str) -> int:
    """'HH:MM' (00:00–24:00) → minutes after midnight."""
    if not isinstance(value, str) or len(value.split(":")) != 2:
        raise _err(path, f"{value!r} is not a time HH:MM")
    hh, mm = value.split(":")
    if not (hh.isdigit() and mm.isdigit()) or int(mm) >= 60 or int(hh) * 60 + int(mm) > MINUTES_PER_DAY:
        raise _err(path, f"{value!r} is not a time HH:MM")
    return int(hh) * 60 + int(mm)


def _day(value: Any, path: str, days: int) -> int:
    if isinstance(value, str) and value.lower()[:3] in DAY_NAMES:
        d = DAY_NAMES.index(value.lower()[:3])
    else:
        d = _int(value, path, lo=0, hi=days - 1)
    if d >= days:
        raise _err(path, f"day {d} is outside the {days}-day horizon")
    return d


def _window(data: Any, path: str, days: int) -> Window:
    """{"day", "start", "end"[, "end_day"]}: an end at or before the start is the next day."""
    data = _obj(data, path)
    day = _day(_need(data, "day", path), f"{path}.day", days)
    start = _time(data.get("start", "00:00"), f"{path}.start")
    end = _time(data.get("end", "24:00"), f"{path}.end")
    if "end_day" in data:
        end_day = _day(data["end_day"], f"{path}.end_day", days)
        if end_day < day:
            raise _err(f"{path}.end_day", "is before day")
    else:
        end_day = day + (1 if end <= start else 0)
    w = Window(day * MINUTES_PER_DAY + start, end_day * MINUTES_PER_DAY + end)
    if w.end <= w.start:
        raise _err(path, "ends before it starts")
    return w


def _multiple(value: int, grain: int, path: str) -> int:
    if value % grain:
        raise _err(path, f"{value} minutes is not a multiple of the {grain}-minute interval")
    return value


def _break(data: Any, path: str, grain: int) -> BreakRule:
    data = _obj(data, path)
    kind = data.get("kind", "break")
    if kind not in BREAK_KINDS:
        raise _err(f"{path}.kind", f"{kind!r} is not one of {', '.join(BREAK_KINDS)}")
    earliest = _int(_need(data, "earliest_start_minutes", path), f"{path}.earliest_start_minutes")
    latest = _int(_need(data, "latest_start_minutes", path), f"{path}.latest_start_minutes")
    if latest < earliest:
        raise _err(f"{path}.latest_start_minutes", "is before earliest_start_minutes")
    return BreakRule(
        name=str(data.get("name", kind)),
        kind=kind,
        duration=_multiple(
            _int(_need(data, "duration_minutes", path), f"{path}.duration_minutes", lo=1),
            grain,
            f"{path}.duration_minutes",
        ),
        earliest_start=_multiple(earliest, grain, f"{path}.earliest_start_minutes"),
        latest_start=_multiple(latest, grain, f"{path}.latest_start_minutes"),
        paid=bool(data.get("paid", kind == "break")),
    )


def _template(data: Any, path: str, grain: int, days: int) -> ShiftTemplate:
    data = _obj(data, path)
    name = _need(data, "name", path)
    starts = tuple(
        _multiple(_time(v, f"{path}.start_times[{i}]"), grain, f"{path}.start_times[{i}]")
        for i, v in enumerate(_list(_need(data, "start_times", path), f"{path}.start_times"))
    )
    lengths = tuple(
        _multiple(
            _int(v, f"{path}.lengths_minutes[{i}]", lo=grain, hi=MINUTES_PER_DAY),
            grain,
            f"{path}.lengths_minutes[{i}]",
        )
        for i, v in enumerate(_list(_need(data, "lengths_minutes", path), f"{path}.lengths_minutes"))
    )
    if not starts or not lengths:
        raise _err(path, "needs at least one start time and one length")
    day_list = data.get("days", list(range(days)))
    tdays = tuple(sorted({_day(v, f"{path}.days[{i}]", days) for i, v in enumerate(_list(day_list, path))}))
    breaks = tuple(
        _break(b, f"{path}.breaks[{i}]", grain) for i, b in enumerate(_list(data.get("breaks", []), path))
    )
    ordered = sorted(breaks, key=lambda b: b.earliest_start)
    for i, (a, b) in enumerate(itertools.pairwise(ordered)):
        if a.latest_start + a.duration > b.earliest_start:
            raise _err(
                f"{path}.breaks",
                f"the windows of {a.name!r} and {b.name!r} overlap (break windows must be disjoint, #{i})",
            )
    if ordered and ordered[-1].latest_start + ordered[-1].duration > min(lengths):
        raise _err(f"{path}.breaks", f"{ordered[-1].name!r} can end after the shortest shift")
    max_agents = data.get("max_agents")
    return ShiftTemplate(
        name=str(name),
        start_times=starts,
        lengths=lengths,
        days=tdays,
        breaks=tuple(ordered),
        cost_per_hour=_num(data.get("cost_per_hour", 0.0), f"{path}.cost_per_hour"),
        max_agents=None if max_agents is None else _int(max_agents, f"{path}.max_agents"),
    )


def _contract(data: Any, path: str, days: int) -> Contract:
    data = _obj(data, path)
    night = _obj(data.get("night", {}), f"{path}.night")
    c = Contract(
        name=str(_need(data, "name", path)),
        min_weekly=_hours(data.get("min_weekly_hours", 0), f"{path}.min_weekly_hours"),
        max_weekly=_hours(data.get("max_weekly_hours", 24 * days), f"{path}.max_weekly_hours"),
        min_days_off=_int(data.get("min_days_off", 0), f"{path}.min_days_off", hi=days),
        max_consecutive_days=_int(
            data.get("max_consecutive_days", days), f"{path}.max_consecutive_days", lo=1
        ),
        min_rest=_hours(data.get("min_rest_hours", 0), f"{path}.min_rest_hours"),
        night_start=_time(night.get("start", "23:00"), f"{path}.night.start"),
        night_end=_time(night.get("end", "06:00"), f"{path}.night.end"),
        night_min_minutes=_int(night.get("min_minutes", 180), f"{path}.night.min_minutes", lo=1),
        max_night_shifts=None
        if night.get("max_shifts") is None
        else _int(night["max_shifts"], f"{path}.night.max_shifts"),
        rest_after_night=None
        if night.get("rest_after_hours") is None
        else _hours(night["rest_after_hours"], f"{path}.night.rest_after_hours"),
    )
    if c.max_weekly < c.min_weekly:
        raise _err(f"{path}.max_weekly_hours", "is below min_weekly_hours")
    return c


def _agent(data: Any, path: str, days: int, contracts: dict[str, Contract], templates: set[str]) -> Agent:
    data = _obj(data, path)
    contract = str(_need(data, "contract", path))
    if contract not in contracts:
        raise _err(f"{path}.contract", f"no contract named {contract!r}")
    allowed = data.get("templates")
    if allowed is not None:
        for i, t in enumerate(_list(allowed, f"{path}.templates")):
            if t not in templates:
                raise _err(f"{path}.templates[{i}]", f"no shift template named {t!r}")
    avail = data.get("availability")
    prefs = _obj(data.get("preferences", {}), f"{path}.preferences")
    before = _obj(data.get("previous_week", {}), f"{path}.previous_week")
    return Agent(
        id=str(_need(data, "id", path)),
        contract=contract,
        templates=None if allowed is None else tuple(str(t) for t in allowed),
        availability=None
        if avail is None
        else tuple(
            _window(w, f"{path}.availability[{i}]", days)
            for i, w in enumerate(_list(avail, f"{path}.availability"))
        ),
        time_off=tuple(
            TimeOff(
                _window(w, f"{path}.time_off[{i}]", days),
                _hours(_obj(w, f"{path}.time_off[{i}]").get("credit_hours", 0), f"{path}.time_off[{i}]"),
            )
            for i, w in enumerate(_list(data.get("time_off", []), f"{path}.time_off"))
        ),
        preferences=Preferences(
            days_off=tuple(
                _day(d, f"{path}.preferences.days_off[{i}]", days)
                for i, d in enumerate(_list(prefs.get("days_off", []), f"{path}.preferences.days_off"))
            ),
            start_times=tuple(
                _time(t, f"{path}.preferences.start_times[{i}]")
                for i, t in enumerate(_list(prefs.get("start_times", []), f"{path}.preferences.start_times"))
            ),
            weight=_num(prefs.get("weight", 1.0), f"{path}.preferences.weight"),
        ),
        rest_until=_int(before.get("rest_until_minutes", 0), f"{path}.previous_week.rest_until_minutes"),
        days_in_a_row_before=_int(before.get("days_in_a_row", 0), f"{path}.previous_week.days_in_a_row"),
    )


def _series(value: Any, path: str, n: int) -> list[Any]:
    items = _list(value, path)
    if len(items) != n:
        raise _err(path, f"has {len(items)} values, the horizon has {n} intervals")
    return items


def parse_instance(data: Any) -> Instance:
    """Build an Instance from parsed JSON, checking every field."""
    data = _obj(data, "instance")
    grain = _int(data.get("interval_minutes", 15), "interval_minutes", lo=1, hi=MINUTES_PER_DAY)
    if MINUTES_PER_DAY % grain:
        raise _err("interval_minutes", f"{grain} does not divide a day")
    days = _int(data.get("days", 7), "days", lo=1, hi=14)
    n = days * MINUTES_PER_DAY // grain
    requirement = tuple(
        _int(v, f"requirement[{i}]")
        for i, v in enumerate(_series(_need(data, "requirement", ""), "requirement", n))
    )
    templates = tuple(
        _template(t, f"templates[{i}]", grain, days)
        for i, t in enumerate(_list(_need(data, "templates", ""), "templates"))
    )
    names = [t.name for t in templates]
    if len(set(names)) != len(names):
        raise _err("templates", "template names must be unique")
    contracts: dict[str, Contract] = {}
    for i, c in enumerate(_list(_need(data, "contracts", ""), "contracts")):
        contract = _contract(c, f"contracts[{i}]", days)
        contracts[contract.name] = contract
    agents = tuple(
        _agent(a, f"agents[{i}]", days, contracts, set(names))
        for i, a in enumerate(_list(_need(data, "agents", ""), "agents"))
    )
    ids = {a.id for a in agents}
    if len(ids) != len(agents):
        raise _err("agents", "agent ids must be unique")
    activities = []
    for i, a in enumerate(_list(data.get("activities", []), "activities")):
        path = f"activities[{i}]"
        a = _obj(a, path)
        kind = a.get("kind", "meeting")
        if kind not in PLANNED_KINDS:
            raise _err(f"{path}.kind", f"{kind!r} is not one of {', '.join(PLANNED_KINDS)}")
        participants = tuple(str(p) for p in _list(_need(a, "participants", path), f"{path}.participants"))
        for j, p in enumerate(participants):
            if p not in ids:
                raise _err(f"{path}.participants[{j}]", f"no agent with id {p!r}")
        duration = _multiple(
            _int(_need(a, "duration_minutes", path), f"{path}.duration_minutes", lo=1),
            grain,
            f"{path}.duration_minutes",
        )
        window = _window(_need(a, "window", path), f"{path}.window", days)
        if window.start % grain or window.end % grain:
            raise _err(f"{path}.window", f"must start and end on {grain}-minute intervals")
        if window.end - window.start < duration:
            raise _err(f"{path}.window", "is shorter than the activity")
        activities.append(PlannedActivity(str(a.get("name", kind)), kind, duration, participants, window))
    demand = None
    if data.get("demand") is not None:
        d = _obj(data["demand"], "demand")
        demand = Demand(
            contacts=tuple(
                _num(v, f"demand.contacts[{i}]")
                for i, v in enumerate(_series(_need(d, "contacts", "demand"), "demand.contacts", n))
            ),
            aht=tuple(
                _num(v, f"demand.aht_seconds[{i}]")
                for i, v in enumerate(_series(_need(d, "aht_seconds", "demand"), "demand.aht_seconds", n))
            ),
            threshold=_num(d.get("threshold_seconds", 20), "demand.threshold_seconds"),
        )
    w = _obj(data.get("weights", {}), "weights")
    default = Weights()
    weights = Weights(
        under=_num(w.get("under", default.under), "weights.under"),
        over=_num(w.get("over", default.over), "weights.over"),
        cost=_num(w.get("cost", default.cost), "weights.cost"),
        preference=_num(w.get("preference", default.preference), "weights.preference"),
    )
    seats = data.get("seats")
    return Instance(
        interval=grain,
        days=days,
        requirement=requirement,
        templates=templates,
        contracts=contracts,
        agents=agents,
        activities=tuple(activities),
        demand=demand,
        weights=weights,
        cyclic=bool(data.get("cyclic", False)),
        seats=None if seats is None else _int(seats, "seats"),
    )


def load_instance(path: Path) -> Instance:
    """Read and parse an instance file; unreadable or malformed JSON names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return parse_instance(data)
