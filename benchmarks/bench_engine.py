"""Engine benchmark: model training (or cache load) time and per-message latency (median, p99).

Runs on the shipped knowledge base and on a generated one of N topics (default 2,000), each
with its own model cache in a temporary folder, so training is measured too.
Prints measured figures only. Usage: python benchmarks/bench_engine.py [--topics N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from bot.engine import Engine
from bot.messages import Message
from faq.loader import DEFAULT_KB_DIR, TOPICS_FILE, load
from faq.model import load_or_train
from faq.normalize import normalize

QUERIES = [
    "is the officer at school today",
    "wat is an sro",
    "how do i report my stolen phone",
    "whats the non emergency number",
    "what happens in a lockdown drill",
    "tips to walk home safe",
    "someone is bullying me online",
    "can i get in trouble for vaping at 16",
    "how to become a cop",
    "will my parents find out",
    "is this chat private",
    "menu",
    "who won the hockey game",
    "explain the youth criminal justice act",
    "can the sro give a talk to my class",
]
WORDS = (
    "safety school officer report bus locker phone online chat parent teacher drill alarm record "
    "court youth law rights vape cannabis alcohol bully threat image photo privacy career fitness "
    "diploma review equity community presentation schedule office weekday camera hallway gym "
    "library field trip permission bicycle helmet crosswalk winter storm lunch recess principal"
).split()


def generated_kb(n: int, folder: Path) -> tuple[Path, Path]:
    """Write a synthetic knowledge base of n topics (the shipped ones plus filler)."""
    rng = random.Random(7)
    shipped = load()
    topics = [e.model_dump(mode="json") for e in shipped.entries["en"].values()]
    ids = [t["id"] for t in topics]
    for i in range(n - len(topics)):
        words = lambda k: " ".join(rng.sample(WORDS, k))  # noqa: E731
        topics.append(
            {
                "id": f"gen-{i}",
                "lang": "en",
                "title": f"Generated {i}",
                "short": words(12),
                "long": words(30),
                "questions": [words(rng.randint(4, 9)) for _ in range(15)],
                "keywords": [words(1) for _ in range(12)],
                "related": [],
                "sources": ["generated"],
                "reviewed": "2026-11-23",
            }
        )
        ids.append(f"gen-{i}")
    kb_dir = folder / "kb"
    kb_dir.mkdir()
    (kb_dir / "en.yaml").write_text(yaml.safe_dump({"topics": topics}), encoding="utf-8")
    topics_file = folder / "topics.tsv"
    topics_file.write_text("id\n" + "\n".join(ids) + "\n", encoding="utf-8")
    return kb_dir, topics_file


def clear_caches() -> None:
    """Empty the per-text caches so repeated queries are not served from memory."""
    normalize.cache_clear()


def measure(label: str, kb_dir: Path, topics_file: Path, rounds: int) -> None:
    """Print load, training and per-message latency for one knowledge base."""
    t0 = time.perf_counter()
    kb = load(kb_dir, topics_file)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        engine = Engine(kb, models=load_or_train(kb, Path(cache)))
    t2 = time.perf_counter()
    samples = []
    for r in range(rounds):
        for i, q in enumerate(QUERIES):
            msg = Message("sms", f"bench-{r}-{i}", q)
            clear_caches()  # measure every message cold, as if never seen before
            start = time.perf_counter()
            engine.handle(msg)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(
        f"{label}: {len(kb.all_entries())} entries | load+validate {1000 * (t1 - t0):.0f} ms"
        f" | models trained {t2 - t1:.1f} s | per message: median "
        f"{statistics.median(samples):.3f} ms, p99 {p99:.3f} ms ({len(samples)} messages)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--topics", type=int, default=2000, help="0: the shipped KB only")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    measure("shipped knowledge base", DEFAULT_KB_DIR, TOPICS_FILE, args.rounds)
    if not args.topics:
        return
    with tempfile.TemporaryDirectory() as tmp:
        kb_dir, topics_file = generated_kb(args.topics, Path(tmp))
        measure(f"generated, {args.topics} topics", kb_dir, topics_file, args.rounds)


if __name__ == "__main__":
    main()
