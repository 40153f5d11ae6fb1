"""Emergency triage, run on normalized text before any matching (tables in bot.triage.rules)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from bot.triage.rules import (
    CUE_THRESHOLD,
    CUES,
    FICTION,
    GUARDED,
    GUARDS,
    NOT_NOW,
    SELF_HARM,
    SELF_HARM_TOPICS,
    SETTINGS,
    STRONG,
    URGENCY,
    URGENCY_CAP,
)
from faq.normalize import normalize

_STRONG = [(c, re.compile(p)) for c, p in STRONG]
_GUARDED = [(c, re.compile(p)) for c, p in GUARDED]
_CUES = [(c, w, re.compile(p)) for c, w, p in CUES]
_URGENCY = [(w, re.compile(p)) for w, p in URGENCY]
_GUARDS = re.compile("|".join(GUARDS))
_FICTION = re.compile(FICTION)
_SELF_HARM_TOPICS = re.compile(SELF_HARM_TOPICS)
_NOT_NOW = re.compile(NOT_NOW)
_SETTINGS = re.compile(SETTINGS)


@dataclass(frozen=True)
class Triage:
    """The triage verdict: is it danger now, and of which kinds."""

    emergency: bool
    categories: tuple[str, ...] = ()

    @property
    def self_harm(self) -> bool:
        return SELF_HARM in self.categories


def _cue_hits(text: str) -> list[str]:
    totals: dict[str, float] = defaultdict(float)
    for category, weight, rx in _CUES:
        if rx.search(text):
            totals[category] += weight
    urgency = sum(w for w, rx in _URGENCY if rx.search(text))
    dangers = [c for c, total in totals.items() if total >= 1]
    urgency += len(dangers) > 1  # two kinds of danger at once (a beating, someone not moving)
    boost = min(URGENCY_CAP, urgency)
    return [c for c, total in totals.items() if total + boost * (c in dangers) >= CUE_THRESHOLD]


def _candidates(norm: str) -> list[str]:
    found = [c for c, rx in _STRONG if rx.search(norm)]
    if _GUARDS.search(norm):
        return found
    maybe = [c for c, rx in _GUARDED if rx.search(norm)] + _cue_hits(norm)
    if _SETTINGS.search(norm):
        maybe = [c for c in maybe if c == SELF_HARM]
    return found + maybe


def triage(text: str) -> Triage:
    """Flag danger now or imminent; categories say which replies apply."""
    norm = normalize(text)
    found = _candidates(_NOT_NOW.sub(" ", _SELF_HARM_TOPICS.sub(" ", norm)))
    if _FICTION.search(norm):
        found = [c for c in found if c == SELF_HARM]
    cats = tuple(dict.fromkeys(found))
    return Triage(emergency=bool(cats), categories=cats)
