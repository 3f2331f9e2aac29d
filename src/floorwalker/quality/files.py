"""The file formats of `floorwalker qa …` (docs/quality.md): scorecards (TOML or JSON),
answers (JSON) and calibration sessions (JSON). Each reader names the file and the field
in its error, e.g. ``card.toml: sections[1].weight: 30 is not a fraction …``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floorwalker.errors import InvalidInput
from floorwalker.quality.calibration import CalibrationRating
from floorwalker.quality.scorecard import Scorecard, loads_scorecard, parse_scorecard
from floorwalker.quality.scoring import Answers, parse_answers, score_evaluation


class FileError(InvalidInput):
    """A file that cannot be used: the message starts with the file's name."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FileError(path, "no such file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(path, f"cannot be read ({exc})") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise FileError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def read_scorecard(path: Path) -> Scorecard:
    """A scorecard file: TOML when the name ends in .toml, else JSON."""
    fmt = "toml" if path.suffix.lower() == ".toml" else "json"
    text = _read_text(path)
    try:
        return loads_scorecard(text, fmt)
    except InvalidInput as exc:
        raise FileError(path, exc.message) from None


def read_answers(path: Path, card: Scorecard) -> Answers:
    """An answers file (JSON), checked against the scorecard."""
    data = _read_json(path)
    try:
        return parse_answers(data, card)
    except InvalidInput as exc:
        raise FileError(path, exc.message) from None


@dataclass(frozen=True)
class CalibrationFile:
    name: str
    scorecard: Scorecard
    ratings: tuple[CalibrationRating, ...]
    target: float
    expert: str | None
    consensus: dict[str, float] | None


def read_calibration(path: Path) -> CalibrationFile:
    """A calibration session file (JSON): name, scorecard (object, or path to a scorecard
    file beside it), target, expert or consensus, and ratings of
    ``{"evaluator", "contact", "answers"}`` (answers in any shape ``qa score`` reads)."""
    data = _read_json(path)
    if not isinstance(data, Mapping):
        raise FileError(path, "a calibration session is an object with scorecard and ratings")
    known = {"name", "scorecard", "target", "expert", "consensus", "ratings"}
    for key in data:
        if key not in known:
            raise FileError(path, f"{key}: unknown field; known fields: {', '.join(sorted(known))}")
    raw_card = data.get("scorecard")
    try:
        if isinstance(raw_card, str):
            card = read_scorecard(path.parent / raw_card)
        else:
            card = parse_scorecard(raw_card)
    except FileError:
        raise
    except InvalidInput as exc:
        raise FileError(path, f"scorecard.{exc.message}") from None
    target = data.get("target", 0.85)
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 1:
        raise FileError(path, f"target: {target!r} is not a fraction above 0 and at most 1 (85% is 0.85)")
    expert = data.get("expert")
    if expert is not None and not isinstance(expert, str):
        raise FileError(path, "expert: the name of the expert evaluator")
    consensus = data.get("consensus")
    if consensus is not None:
        if not isinstance(consensus, Mapping) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in consensus.values()
        ):
            raise FileError(path, "consensus: an object of contact → agreed score (fraction)")
        consensus = {str(k): float(v) for k, v in consensus.items()}
    raw_ratings = data.get("ratings")
    if not isinstance(raw_ratings, list) or not raw_ratings:
        raise FileError(path, "ratings: a non-empty list of {evaluator, contact, answers}")
    ratings = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(raw_ratings):
        where = f"ratings[{i}]"
        if not isinstance(item, Mapping) or set(item) != {"evaluator", "contact", "answers"}:
            raise FileError(path, f"{where}: an object with exactly evaluator, contact and answers")
        evaluator, contact = str(item["evaluator"]), str(item["contact"])
        if (evaluator, contact) in seen:
            raise FileError(path, f"{where}: {evaluator} scored contact {contact} twice")
        seen.add((evaluator, contact))
        try:
            answers = parse_answers(item["answers"], card)
            result = score_evaluation(card, answers)
        except InvalidInput as exc:
            raise FileError(path, f"{where}.answers.{exc.message}") from None
        ratings.append(CalibrationRating(evaluator, contact, answers.values, result.score))
    if expert is not None and expert not in {r.evaluator for r in ratings}:
        raise FileError(path, f"expert: '{expert}' has no ratings in the session")
    name = data.get("name", path.stem)
    return CalibrationFile(str(name), card, tuple(ratings), float(target), expert, consensus)
