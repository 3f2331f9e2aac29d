"""Automatic checks on transcripts: suggestions an evaluator confirms, never scores. Pure.

* **Rules per criterion** (a scorecard's ``auto_check`` on a yes_no criterion): "yes" when
  any ``present`` pattern occurs and no ``absent`` pattern does, else "no"; the suggestion
  carries the matched text as evidence. A greeting, identity verification, a compliance
  statement, a proper closing are typical rules.
* **Sentiment**: a simple lexicon score in [-1, 1] — (positive − negative) / (positive +
  negative) over the transcript's words, a negation word ("not", "never", "no", "don't" …)
  in the two words before flipping a term; 0 when no term occurs. It is deliberately
  simple and transparent: a flag for sampling, not a measurement.
* **Flags** that feed the sampling plan (targeted sampling): ``negative_sentiment`` below
  the threshold, ``critical_rule_failed`` when a critical criterion's rule suggests "no",
  ``rule_failed`` when any rule does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from floorwalker.quality.scorecard import Criterion, Scorecard

#: Sentiment below this flags the contact for review.
NEGATIVE_SENTIMENT_THRESHOLD = -0.3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_POSITIVE = _words(
    "thank thanks great excellent perfect wonderful helpful happy glad appreciate appreciated "
    "resolved sorted brilliant fantastic lovely pleased awesome amazing good fine kind quick "
    "easy satisfied"
)
# Words of ordinary support talk ("issue", "problem", "waiting") are left out: they would
# make every call look negative.
_NEGATIVE = _words(
    "angry annoyed annoying frustrated frustrating terrible awful horrible useless ridiculous "
    "unacceptable disappointed disappointing complaint complain cancel cancellation worst bad "
    "rude wrong broken unhappy upset confused refund escalate lawyer"
)
_NEGATIONS = _words("not no never don't dont didn't didnt isn't isnt wasn't wasnt can't cant won't wont")
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Suggestion:
    """A suggested answer to one criterion, with the text that decided it."""

    criterion_id: str
    answer: str  # "yes" or "no"
    evidence: str
    reason: str


def _find(patterns: tuple[str, ...], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return match
    return None


def _excerpt(text: str, match: re.Match[str], around: int = 40) -> str:
    start, end = max(match.start() - around, 0), min(match.end() + around, len(text))
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def check_criterion(criterion: Criterion, transcript: str) -> Suggestion | None:
    """The suggestion of one criterion's rule, or None when it has no rule."""
    rule = criterion.auto_check
    if rule is None:
        return None
    forbidden = _find(rule.absent, transcript)
    if forbidden is not None:
        return Suggestion(
            criterion.id, "no", _excerpt(transcript, forbidden), "a phrase that must not be said"
        )
    if not rule.present:
        return Suggestion(criterion.id, "yes", "", "no forbidden phrase found")
    found = _find(rule.present, transcript)
    if found is None:
        return Suggestion(criterion.id, "no", "", "the expected phrase was not found")
    return Suggestion(criterion.id, "yes", _excerpt(transcript, found), "the expected phrase was found")


def suggestions(card: Scorecard, transcript: str | None) -> dict[str, Suggestion]:
    """Suggested answers by criterion id for every criterion with a rule (empty without a
    transcript)."""
    if not transcript:
        return {}
    out = {}
    for criterion in card.criteria().values():
        suggestion = check_criterion(criterion, transcript)
        if suggestion is not None:
            out[criterion.id] = suggestion
    return out


def sentiment(transcript: str | None) -> float | None:
    """Lexicon sentiment in [-1, 1]; None without a transcript, 0 when no term occurs."""
    if not transcript:
        return None
    words = _WORD.findall(transcript.lower())
    positive = negative = 0
    for i, word in enumerate(words):
        polarity = 1 if word in _POSITIVE else -1 if word in _NEGATIVE else 0
        if polarity and any(w in _NEGATIONS for w in words[max(i - 2, 0) : i]):
            polarity = -polarity
        positive += polarity > 0
        negative += polarity < 0
    return (positive - negative) / (positive + negative) if positive + negative else 0.0


def flags(card: Scorecard | None, transcript: str | None) -> frozenset[str]:
    """Review flags for the sampling plan (see the module doc); without a scorecard only
    the sentiment flag can be raised."""
    if not transcript:
        return frozenset()
    out = set()
    score = sentiment(transcript)
    if score is not None and score < NEGATIVE_SENTIMENT_THRESHOLD:
        out.add("negative_sentiment")
    if card is None:
        return frozenset(out)
    criteria = card.criteria()
    for cid, suggestion in suggestions(card, transcript).items():
        if suggestion.answer == "no":
            out.add("rule_failed")
            if criteria[cid].critical:
                out.add("critical_rule_failed")
    return frozenset(out)
