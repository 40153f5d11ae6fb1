"""Figures of the engine's decisions on labelled messages, as ../shared/eval/score.py counts them:
topic accuracy per language, off-topic refused, emergency recall, 911-first recall (emergency or
caution), false alarms and caution rate. Used by `sro-bot model report`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine import (
    DISCLOSURE_TOPIC,
    NOT_SURE_BELOW,
    asked_beside_danger,
    disclosure,
    unsure_near_safety,
)
from bot.triage import triage
from faq.corpus import Example
from faq.model import OFFTOPIC, Analysis

COLUMNS = ("en", "fr", "offtopic", "recall", "911-first", "false alarms", "caution")


@dataclass(frozen=True)
class Decision:
    """What a bot did with one message, as the scorer sees it."""

    topic: str | None
    emergency: bool
    caution: bool = False


def decide(example: Example, analysis: Analysis) -> Decision:
    """What the engine does with example, given the models' analysis of it."""
    verdict = triage(example.text, analysis)
    if verdict.emergency:
        return Decision(asked_beside_danger(example.text, analysis), True, verdict.caution)
    best, p = analysis.topics[0]
    topic = None if best == OFFTOPIC or p < NOT_SURE_BELOW else best
    if disclosure(analysis):
        topic = DISCLOSURE_TOPIC
    return Decision(topic, False, verdict.caution or unsure_near_safety(analysis))


def tally(pairs: Iterable[tuple[Example, Decision]]) -> dict[str, list[int]]:
    """For each column, [hits, items]."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(column: str, hit: bool) -> None:
        counts[column][0] += hit
        counts[column][1] += 1

    for example, decision in pairs:
        if example.emergency:
            add("recall", decision.emergency)
            add("911-first", decision.emergency or decision.caution)
            continue
        add("false alarms", decision.emergency)
        add("caution", decision.caution)
        if not example.topic_known:
            continue
        if example.topic:
            add(example.lang, decision.topic == example.topic)
        else:
            add("offtopic", decision.topic is None)
    return counts


def table(groups: dict[str, list[tuple[Example, Decision]]]) -> str:
    """One line per group (and ALL), each column as a percentage with its item count."""
    lines = [f"{'':22}" + "".join(f"{c:>16}" for c in COLUMNS)]
    everything = [pair for pairs in groups.values() for pair in pairs]
    for name, pairs in [*groups.items(), ("ALL", everything)]:
        counts = tally(pairs)
        cells = []
        for column in COLUMNS:
            hits, items = counts.get(column, [0, 0])
            cells.append(f"{100 * hits / items:6.1f}% ({items:>4})" if items else f"{'-':>15}")
        lines.append(f"{name:22}" + "".join(f"{cell:>16}" for cell in cells))
    return "\n".join(lines)
