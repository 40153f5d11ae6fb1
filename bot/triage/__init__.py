"""Emergency triage: the learned danger classifier decides, the rules of bot.triage.rules are a
floor under it, and a caution band sits between "sure" and "no".

    emergency  the classifier's danger probability >= EMERGENCY_AT, or a floor rule fired
    caution    CAUTION_AT <= probability < EMERGENCY_AT: the reply opens with the 911 line and
               then answers; no urgent case
The thresholds were chosen on out-of-fold danger probabilities of the corpus (10 folds grouped by
batch, the real training, 29,078 messages, 2026-12-03). Against the danger model before it
blended in the best kind-of-danger score (then at 0.3 and 0.08), 0.55 and 0.1 give recall 97.8 %
(96.2 % before), false alarms 2.32 % (2.77 %; the first thresholds were matched to 2.25 %), 911
first 99.6 % (99.2 %) and caution 5.6 % (5.9 %). False alarms on harmless things happening now
fall to 11.2 % (15.0 %), on disclosures stay at 5.0 % (4.9 %), on the rest 1.0 % (1.1 %); those
on self-harm words with no danger now rise to 4.7 % (2.6 %) as self-harm recall rises to 97.1 %
(93.0 %).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.triage.rules import GENERIC, SELF_HARM, floor
from faq.model import Analysis
from faq.normalize import normalize

EMERGENCY_AT = 0.55
CAUTION_AT = 0.1
# The learned kind of danger leading the second by less than this is a guess: the reply gives
# advice that fits any danger, and both kinds count (a crisis line is kept if either needs it).
# Out of fold (10 grouped folds, 6,015 emergencies no floor rule named, 2026-12-04): 7.6 % lead
# by less, and the first kind is right for 59 % of them (the first two for 87 %), against 97 %
# above it.
KIND_SURE_AT = 0.3
# When several kinds of danger are named, the reply gives the most urgent first.
URGENCY_ORDER = (
    "weapon",
    "fire",
    "violence",
    "medical",
    "overdose",
    "intruder",
    "abuse",
    "followed",
    "missing-child",
    "vehicle",
    "threat",
    "self-harm",
)
_SOMEONE_ELSE = re.compile(
    r"\b(my|our) ((little|big|older|younger|baby|best|step|twin|\d+ ?(yo|year old|yr old)) )*"
    r"(friend|bff|bestie|sister|brother|cousin|mom|mum|dad|classmate|girlfriend|boyfriend|son|"
    r"daughter|student|kid|child)s?\b|"
    r"\b(mon|ma|mes) ((petite?|grande?|meilleure?|demi) )*"
    r"(ami|amie|soeur|frere|fils|fille|eleve)s?\b|"
    r"^(he|she|they|il|elle) |\b(a|one of my|un|une) (student|eleve|player|joueur|joueuse)\b"
)


# The sender speaks of themselves: "i have my moms pills", "je veux...", "myself".
_SENDER_AT_RISK = re.compile(
    r"^(i|im|je|j)\b|\b(i|je|j) (want|wanna|am|will|have|took|swallowed|cant|veux|vais|ai)\b"
    r"|\bmy ?self\b|\bme (tuer|suicider)\b"
)


@dataclass(frozen=True)
class Triage:
    """The verdict on one message."""

    emergency: bool
    caution: bool = False
    categories: tuple[str, ...] = ()  # most urgent first
    danger: float = 0.0
    someone_else: bool = False  # the person at risk is not the sender
    sender_at_risk: bool = False  # the sender speaks of themselves ("i took...", "je veux...")
    kind_unsure: bool = False  # no rule named the kind and the learned kind is a guess

    @property
    def self_harm(self) -> bool:
        return SELF_HARM in self.categories


def _ordered(categories) -> tuple[str, ...]:
    unique = dict.fromkeys(categories)
    return tuple(sorted(unique, key=lambda c: URGENCY_ORDER.index(c)))


def _about_someone_else(norm: str) -> bool:
    """The message is about another person at risk (my friend took pills), not the sender."""
    return bool(_SOMEONE_ELSE.search(norm)) and not _SENDER_AT_RISK.search(norm)


def triage(text: str, analysis: Analysis | None = None) -> Triage:
    """Danger now or imminent (emergency), maybe (caution), or not; the kinds of danger."""
    norm = normalize(text)
    hits = floor(norm)
    danger = analysis.danger if analysis else 0.0
    emergency = bool(hits) or danger >= EMERGENCY_AT
    if not emergency:
        return Triage(False, caution=danger >= CAUTION_AT, danger=danger)
    named = [c for c in hits if c != GENERIC]  # a rule's kind over a guess
    learned: tuple[str, ...] = ()
    if analysis and danger >= EMERGENCY_AT and not named:
        unsure = analysis.kind_margin < KIND_SURE_AT
        learned = analysis.categories[: 2 if unsure else 1]
    at_risk = bool(_SENDER_AT_RISK.search(norm))
    return Triage(
        True,
        False,
        _ordered(named or learned),
        danger,
        _about_someone_else(norm),
        at_risk,
        kind_unsure=len(learned) > 1,
    )
