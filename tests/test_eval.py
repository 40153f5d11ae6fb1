"""Accuracy on realistic messages: the shared dev set (when present) and our own held-out set."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import build_engine
from bot.messages import Message

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
OWN_SETS = sorted((Path(__file__).parent / "data").glob("*.jsonl"))


def rate(hits):
    """The share of hits; a set without such items (no emergencies, say) has nothing missed."""
    hits = list(hits)
    return sum(hits) / len(hits) if hits else 1.0


def metrics(items, answers):
    """The same four figures as ../shared/eval/score.py."""
    pairs = list(zip(items, answers, strict=True))
    in_scope = [(e, a) for e, a in pairs if e["topic"] and not e["emergency"] and e["lang"] == "en"]
    return {
        "topic_en": rate(a["topic"] == e["topic"] for e, a in in_scope),
        "oos": rate(a["topic"] is None for e, a in pairs if not e["topic"] and not e["emergency"]),
        "recall": rate(a["emergency"] for e, a in pairs if e["emergency"]),
        "false_alarms": rate(a["emergency"] for e, a in pairs if not e["emergency"]),
    }


@pytest.mark.skipif(
    not (SHARED / "score.py").exists(), reason="../shared/eval is not beside this checkout"
)
def test_shared_dev_set_meets_the_acceptance_thresholds():
    cmd = [
        sys.executable,
        str(SHARED / "score.py"),
        str(SHARED / "dev.jsonl"),
        "--json",
        "--",
        sys.executable,
        "-m",
        "bot.cli",
        "ask",
        "--json",
        "-",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    m = json.loads(out.stdout)
    assert m["topic_accuracy_by_lang"]["en"]["rate"] >= 0.92
    assert m["emergency_recall"]["rate"] == 1.0
    assert m["emergency_false_positive_rate"]["rate"] <= 0.03
    assert m["out_of_scope_rejection"]["rate"] >= 0.80


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda p: p.name)
def test_own_held_out_sets(path):
    """Sets written by people who saw neither the knowledge base nor the rules (each was
    measured unseen first; the knowledge base was improved from its misses afterwards)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    engine = build_engine()
    replies = [
        engine.handle(Message("cli", f"eval-{n}", e["text"]))[0] for n, e in enumerate(items)
    ]
    m = metrics(items, [{"topic": r.topic, "emergency": r.emergency} for r in replies])
    assert m["recall"] == 1.0
    assert m["false_alarms"] <= 0.03
    assert m["topic_en"] >= 0.88
    assert m["oos"] >= 0.75
