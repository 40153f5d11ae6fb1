"""The previous release's matcher and triage against the learned models, side by side, on every
batch of the corpus: the learned models score each batch with models trained on all the other
batches (leave one batch out); the previous release (a git commit, default 171de43, run from a
temporary worktree) was never trained, so every batch is new to it too (it was tuned on the early
s* and t* sets). Prints measured figures only; takes a few minutes.

Usage: python benchmarks/bench_models.py [--previous COMMIT]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.evaluation import Decision, decide, table
from faq.corpus import Example, read_corpus
from faq.loader import load
from faq.model import kb_examples, leave_one_batch_out

ROOT = Path(__file__).resolve().parents[1]


def previous_decisions(commit: str, examples: list[Example]) -> list[Decision]:
    """What the release at commit answers to each example (`sro-bot ask --json -`)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "previous"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), commit], cwd=ROOT)
        try:
            lines = "".join(" ".join(e.text.split()) + "\n" for e in examples)
            out = subprocess.run(
                [sys.executable, "-m", "webhooks.cli", "ask", "--json", "-"],
                input=lines,
                capture_output=True,
                text=True,
                cwd=tree,
                env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": tmp},
                check=True,
            ).stdout
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    answers = [json.loads(line) for line in out.splitlines()]
    return [Decision(a["topic"], a["emergency"], a.get("caution", False)) for a in answers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--previous", default="171de43")
    args = parser.parse_args()
    kb = load()
    examples = read_corpus(kb.topic_ids)
    old = previous_decisions(args.previous, examples)
    new = [(e, decide(e, a)) for e, a in leave_one_batch_out(examples, kb_examples(kb))]
    for name, pairs in (
        (f"previous release {args.previous}", list(zip(examples, old, strict=True))),
        ("learned models, leave one batch out", new),
    ):
        groups: dict[str, list] = {}
        for example, decision in pairs:
            groups.setdefault(example.batch, []).append((example, decision))
        print(f"\n{name} (percent, items):\n{table(dict(sorted(groups.items())))}")


if __name__ == "__main__":
    main()
