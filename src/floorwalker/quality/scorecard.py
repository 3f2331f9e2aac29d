"""Scorecards as plain data: parse and validate a scorecard (JSON or TOML text, or the
dict either becomes) into frozen dataclasses. Pure: no DB, no clock, no settings.

Every validation error names the field that is wrong as a path, e.g.
``sections[1].criteria[0].max``, so a one-line message can point at it.
docs/quality.md describes the format; the fields, in short:

scorecard   name, na_policy (exclude|pass), critical_policy (zero|flag),
            allow_above_full (bool: may the bonus section lift the score above 1),
            require_comment_on_fail (bool), channels (list of channel names),
            sections, grades
section     id, name, weight (fraction; the non-bonus weights total 1), bonus (bool),
            criteria
criterion   id (unique in the scorecard), text, type (yes_no|scale|points|non_scoring),
            points, min/max (scale), pass_min (scale, points), na_allowed, critical,
            critical_scope (evaluation|section), comment_required_on_fail
grade       min (fraction), name
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from floorwalker.errors import InvalidInput

CRITERION_TYPES = ("yes_no", "scale", "points", "non_scoring")
NA_POLICIES = ("exclude", "pass")
CRITICAL_POLICIES = ("zero", "flag")
CRITICAL_SCOPES = ("evaluation", "section")
#: How far the non-bonus section weights may stray from 1 (float sums of fractions).
WEIGHT_TOLERANCE = 1e-6


class ScorecardError(InvalidInput):
    """A scorecard that cannot be used; ``field`` is the path of the bad field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message, field=field or None)


@dataclass(frozen=True)
class AutoCheck:
    """A rule that reads a contact's transcript and *suggests* an answer to a yes_no
    criterion (quality.autocheck): yes when any ``present`` pattern is found and no
    ``absent`` pattern is; no otherwise. Patterns are regular expressions (Python
    syntax), matched case-insensitively; a plain phrase is a valid pattern."""

    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One question of a scorecard.

    ``points`` is the most the criterion earns. ``scale`` answers are numbers from
    ``min`` to ``max`` scored linearly (0 at ``min``, ``points`` at ``max``); ``points``
    answers are numbers from 0 to ``points``; ``yes_no`` answers earn ``points`` for yes.
    An answer *fails* when it earns nothing, or, where ``pass_min`` is set (scale and
    points), when it is below ``pass_min``; ``yes_no`` fails on "no".
    """

    id: str
    type: str
    points: float = 0.0
    text: str = ""
    min: float | None = None
    max: float | None = None
    pass_min: float | None = None
    na_allowed: bool = False
    critical: bool = False
    #: What a failed critical criterion fails: the whole evaluation, or only its section.
    critical_scope: str = "evaluation"
    #: None: the scorecard's ``require_comment_on_fail`` decides.
    comment_required_on_fail: bool | None = None
    #: Transcript rule that suggests an answer (yes_no criteria only).
    auto_check: AutoCheck | None = None

    @property
    def scoring(self) -> bool:
        return self.type != "non_scoring"


@dataclass(frozen=True)
class Section:
    """A group of criteria; ``weight`` is its share (fraction) of the total score.
    A bonus section's weight is the most it can add on top of the total."""

    id: str
    weight: float
    criteria: tuple[Criterion, ...]
    name: str = ""
    bonus: bool = False


@dataclass(frozen=True)
class GradeBand:
    """Scores (fractions) at or above ``min`` and below the next band up get ``name``."""

    min: float
    name: str


@dataclass(frozen=True)
class Scorecard:
    name: str
    sections: tuple[Section, ...]
    na_policy: str = "exclude"
    critical_policy: str = "zero"
    allow_above_full: bool = False
    require_comment_on_fail: bool = False
    channels: tuple[str, ...] = ()
    #: Highest ``min`` first.
    grades: tuple[GradeBand, ...] = ()

    def criteria(self) -> dict[str, Criterion]:
        """Every criterion by id, in scorecard order."""
        return {c.id: c for s in self.sections for c in s.criteria}

    def section_of(self) -> dict[str, Section]:
        return {c.id: s for s in self.sections for c in s.criteria}

    def comment_required(self, criterion: Criterion) -> bool:
        if criterion.comment_required_on_fail is not None:
            return criterion.comment_required_on_fail
        return self.require_comment_on_fail


# --- reading -------------------------------------------------------------------------


def loads_scorecard(text: str, fmt: str) -> Scorecard:
    """Parse scorecard text; ``fmt`` is "json" or "toml"."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScorecardError("", f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    elif fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScorecardError("", f"not valid TOML ({exc})") from None
    else:
        raise ValueError(f"unknown scorecard format '{fmt}'; json or toml")
    return parse_scorecard(data)


def parse_scorecard(data: Any) -> Scorecard:
    """Validate a decoded scorecard (dict) and return it as a ``Scorecard``."""
    if not isinstance(data, Mapping):
        raise ScorecardError("", "a scorecard is an object with name, sections and settings")
    _known(
        data,
        "",
        {
            "name",
            "na_policy",
            "critical_policy",
            "allow_above_full",
            "require_comment_on_fail",
            "channels",
            "sections",
            "grades",
            "description",
        },
    )
    name = _text(data, "name", "", required=True)
    na_policy = _choice(data, "na_policy", "", NA_POLICIES, "exclude")
    critical_policy = _choice(data, "critical_policy", "", CRITICAL_POLICIES, "zero")
    channels = data.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
        raise ScorecardError("channels", 'a list of channel names, e.g. ["voice", "chat"]')
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise ScorecardError("sections", "at least one section is needed")
    sections = tuple(_section(s, f"sections[{i}]") for i, s in enumerate(raw_sections))
    _check_unique([s.id for s in sections], "sections", "section id")
    _check_unique([c.id for s in sections for c in s.criteria], "sections", "criterion id")
    scored = [s for s in sections if not s.bonus]
    if not scored:
        raise ScorecardError("sections", "every section is a bonus section; at least one must not be")
    if sum(1 for s in sections if s.bonus) > 1:
        raise ScorecardError("sections", "at most one bonus section")
    total = math.fsum(s.weight for s in scored)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        hint = " (weights are fractions: 30% is 0.3)" if abs(total - 100.0) < 1e-3 else ""
        raise ScorecardError(
            "sections", f"the weights of the non-bonus sections total {total:.6g}, not 1{hint}"
        )
    return Scorecard(
        name=name,
        sections=sections,
        na_policy=na_policy,
        critical_policy=critical_policy,
        allow_above_full=_flag(data, "allow_above_full", "", False),
        require_comment_on_fail=_flag(data, "require_comment_on_fail", "", False),
        channels=tuple(channels),
        grades=_grades(data.get("grades", [])),
    )


def scorecard_to_dict(card: Scorecard) -> dict[str, Any]:
    """The scorecard as the JSON shape ``parse_scorecard`` reads (round-trips)."""

    def criterion(c: Criterion) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "type": c.type}
        if c.text:
            out["text"] = c.text
        if c.scoring:
            out["points"] = c.points
        if c.type == "scale":
            out["min"], out["max"] = c.min, c.max
        if c.pass_min is not None:
            out["pass_min"] = c.pass_min
        out["na_allowed"] = c.na_allowed
        if c.critical:
            out["critical"] = True
            out["critical_scope"] = c.critical_scope
        if c.comment_required_on_fail is not None:
            out["comment_required_on_fail"] = c.comment_required_on_fail
        if c.auto_check is not None:
            out["auto_check"] = {"present": list(c.auto_check.present), "absent": list(c.auto_check.absent)}
        return out

    return {
        "name": card.name,
        "na_policy": card.na_policy,
        "critical_policy": card.critical_policy,
        "allow_above_full": card.allow_above_full,
        "require_comment_on_fail": card.require_comment_on_fail,
        "channels": list(card.channels),
        "sections": [
            {
                "id": s.id,
                **({"name": s.name} if s.name else {}),
                "weight": s.weight,
                **({"bonus": True} if s.bonus else {}),
                "criteria": [criterion(c) for c in s.criteria],
            }
            for s in card.sections
        ],
        "grades": [{"min": g.min, "name": g.name} for g in card.grades],
    }


def _section(data: Any, path: str) -> Section:
    if not isinstance(data, Mapping):
        raise ScorecardError(path, "a section is an object with id, weight and criteria")
    _known(data, path, {"id", "name", "weight", "bonus", "criteria"})
    sid = _ident(data, path)
    bonus = _flag(data, "bonus", path, False)
    weight = _number(data, "weight", path, required=True)
    assert weight is not None
    if not 0 < weight <= 1:
        hint = " (weights are fractions: 30% is 0.3)" if 1 < weight <= 100 else ""
        raise ScorecardError(f"{path}.weight", f"{weight:g} is not a fraction above 0 and at most 1{hint}")
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        raise ScorecardError(f"{path}.criteria", "at least one criterion is needed")
    criteria = tuple(_criterion(c, f"{path}.criteria[{i}]") for i, c in enumerate(raw))
    if not any(c.scoring for c in criteria):
        raise ScorecardError(f"{path}.criteria", "a section needs at least one scoring criterion")
    if bonus:
        for i, c in enumerate(criteria):
            if c.critical:
                raise ScorecardError(f"{path}.criteria[{i}].critical", "a bonus criterion cannot be critical")
    return Section(id=sid, weight=weight, criteria=criteria, name=_text(data, "name", path), bonus=bonus)


def _criterion(data: Any, path: str) -> Criterion:
    if not isinstance(data, Mapping):
        raise ScorecardError(path, "a criterion is an object with id and type")
    _known(
        data,
        path,
        {
            "id",
            "text",
            "type",
            "points",
            "min",
            "max",
            "pass_min",
            "na_allowed",
            "critical",
            "critical_scope",
            "comment_required_on_fail",
            "auto_check",
        },
    )
    cid = _ident(data, path)
    ctype = _choice(data, "type", path, CRITERION_TYPES, None)
    critical = _flag(data, "critical", path, False)
    scope = _choice(data, "critical_scope", path, CRITICAL_SCOPES, "evaluation")
    comment_rule = data.get("comment_required_on_fail")
    if comment_rule is not None and not isinstance(comment_rule, bool):
        raise ScorecardError(f"{path}.comment_required_on_fail", "true or false")
    text = _text(data, "text", path)
    na_allowed = _flag(data, "na_allowed", path, False)
    if ctype == "non_scoring":
        for key in ("points", "min", "max", "pass_min"):
            if key in data:
                raise ScorecardError(f"{path}.{key}", "a non_scoring criterion has no points or range")
        if critical:
            raise ScorecardError(f"{path}.critical", "a non_scoring criterion cannot be critical")
        return Criterion(id=cid, type="non_scoring", text=text, na_allowed=na_allowed)
    points = _number(data, "points", path, required=True)
    assert points is not None
    if points <= 0:
        raise ScorecardError(f"{path}.points", f"{points:g} is not above 0")
    low = high = None
    pass_min = _number(data, "pass_min", path)
    if ctype == "scale":
        low = _number(data, "min", path, required=True)
        high = _number(data, "max", path, required=True)
        assert low is not None
        assert high is not None
        if not low < high:
            raise ScorecardError(f"{path}.max", f"max {high:g} is not above min {low:g}")
        if pass_min is not None and not low < pass_min <= high:
            raise ScorecardError(f"{path}.pass_min", f"{pass_min:g} is not above min and at most max")
    else:
        for key in ("min", "max"):
            if key in data:
                raise ScorecardError(f"{path}.{key}", f"only scale criteria have {key}")
        if ctype == "yes_no" and pass_min is not None:
            raise ScorecardError(f"{path}.pass_min", "a yes_no criterion passes on yes")
        if ctype == "points" and pass_min is not None and not 0 < pass_min <= points:
            raise ScorecardError(f"{path}.pass_min", f"{pass_min:g} is not above 0 and at most points")
    assert ctype is not None
    auto_check = _auto_check(data.get("auto_check"), f"{path}.auto_check") if "auto_check" in data else None
    if auto_check is not None and ctype != "yes_no":
        raise ScorecardError(f"{path}.auto_check", "only yes_no criteria take a transcript rule")
    return Criterion(
        id=cid,
        type=ctype,
        points=points,
        text=text,
        min=low,
        max=high,
        pass_min=pass_min,
        na_allowed=na_allowed,
        critical=critical,
        critical_scope=scope,
        comment_required_on_fail=comment_rule,
        auto_check=auto_check,
    )


def _auto_check(data: Any, path: str) -> AutoCheck:
    if not isinstance(data, Mapping):
        raise ScorecardError(path, 'an object such as {"present": ["thank you for calling"]}')
    _known(data, path, {"present", "absent"})
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("present", "absent"):
        raw = data.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
            raise ScorecardError(f"{path}.{key}", "a list of phrases or regular expressions")
        for i, pattern in enumerate(raw):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ScorecardError(f"{path}.{key}[{i}]", f"not a regular expression ({exc})") from None
        lists[key] = tuple(raw)
    if not lists["present"] and not lists["absent"]:
        raise ScorecardError(path, "give at least one present or absent pattern")
    return AutoCheck(present=lists["present"], absent=lists["absent"])


def _grades(raw: Any) -> tuple[GradeBand, ...]:
    if not isinstance(raw, list):
        raise ScorecardError("grades", "a list of {min, name} bands")
    bands = []
    for i, item in enumerate(raw):
        path = f"grades[{i}]"
        if not isinstance(item, Mapping):
            raise ScorecardError(path, "a grade band is an object with min and name")
        _known(item, path, {"min", "name"})
        low = _number(item, "min", path, required=True)
        assert low is not None
        if low < 0:
            raise ScorecardError(f"{path}.min", f"{low:g} is below 0")
        if low >= 2:
            raise ScorecardError(f"{path}.min", f"{low:g} is too high (limits are fractions: 60% is 0.6)")
        bands.append(GradeBand(min=low, name=_text(item, "name", path, required=True)))
    _check_unique([f"{b.min!r}" for b in bands], "grades", "grade min")
    _check_unique([b.name for b in bands], "grades", "grade name")
    return tuple(sorted(bands, key=lambda b: b.min, reverse=True))


# --- field helpers -------------------------------------------------------------------


def _known(data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise ScorecardError(where, f"unknown field; known fields: {', '.join(sorted(allowed))}")


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _ident(data: Mapping[str, Any], path: str) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not value.strip():
        raise ScorecardError(_where(path, "id"), "a non-empty text id is needed")
    if value.strip() != value or value == "na":
        raise ScorecardError(_where(path, "id"), f"'{value}' cannot be an id")
    return value


def _text(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScorecardError(_where(path, key), "a non-empty text is needed" if required else "text")
    return value


def _number(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> float | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ScorecardError(_where(path, key), "missing; a number is needed")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScorecardError(_where(path, key), f"{value!r} is not a number")
    return float(value)


def _flag(data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ScorecardError(_where(path, key), f"{value!r} is not true or false")
    return value


def _choice(data: Mapping[str, Any], key: str, path: str, options: Sequence[str], default: str | None) -> str:
    value = data.get(key, default)
    if value not in options:
        shown = "missing" if value is None else repr(value)
        raise ScorecardError(_where(path, key), f"{shown}; one of {', '.join(options)}")
    assert isinstance(value, str)
    return value


def _check_unique(values: Sequence[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ScorecardError(path, f"{what} '{value}' appears twice")
        seen.add(value)
