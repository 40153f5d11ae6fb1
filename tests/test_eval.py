"""The shared dev sets, scored by ../shared/eval/score.py through `sro-bot ask --json -`, as
acceptance scores them. Both are regression sets now (the knowledge base's phrasings were
improved from dev.jsonl's misses in earlier sessions); first-look figures are in
faq/corpus/README.md. Skipped when ../shared is not beside this checkout."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"

pytestmark = pytest.mark.skipif(
    not (SHARED / "score.py").exists(), reason="../shared/eval is not beside this checkout"
)


def scored(name: str) -> dict:
    cmd = [sys.executable, str(SHARED / "score.py"), str(SHARED / name), "--json", "--misses"]
    cmd += ["--", sys.executable, "-m", "webhooks.cli", "ask", "--json", "-"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def rate(metrics: dict, *path: str) -> float:
    for key in path:
        metrics = metrics[key]
    return metrics["rate"]


def test_dev_set_meets_the_acceptance_thresholds():
    m = scored("dev.jsonl")
    assert rate(m, "topic_accuracy_by_lang", "en") >= 0.96
    assert rate(m, "topic_accuracy_by_lang", "fr") >= 0.93
    assert rate(m, "out_of_scope_rejection") >= 0.90
    assert rate(m, "emergency_recall") == 1.0
    assert rate(m, "emergency_false_positive_rate") <= 0.02
    assert rate(m, "emergency_or_caution_recall") == 1.0
    assert rate(m, "caution_rate_non_emergency") <= 0.08


def test_new_topics_dev_set():
    """The same thresholds as dev.jsonl; each new topic is answered with its topic at least 90 %
    of the time."""
    m = scored("dev-new-topics.jsonl")
    assert rate(m, "topic_accuracy_by_lang", "en") >= 0.96
    assert rate(m, "topic_accuracy_by_lang", "fr") >= 0.93
    assert rate(m, "out_of_scope_rejection") >= 0.90
    assert rate(m, "emergency_recall") == 1.0
    assert rate(m, "emergency_false_positive_rate") <= 0.02
    assert rate(m, "emergency_or_caution_recall") == 1.0
    assert rate(m, "caution_rate_non_emergency") <= 0.08
    lines = (SHARED / "dev-new-topics.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    asked = Counter(i["topic"] for i in items if i["topic"] and not i["emergency"])
    missed = Counter(miss["expected"]["topic"] for miss in m["misses"] if miss["type"] == "topic")
    for topic in ("abuse", "mental-health", "officer-concern"):
        assert missed[topic] <= 0.1 * asked[topic], (topic, missed[topic], asked[topic])
