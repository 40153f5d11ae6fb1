"""The labelled corpus (faq/corpus/*.jsonl): one message per line, written and checked by people
who never saw the code. Reading it checks every line and names file, line and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"
LANGS = ("en", "fr")
CATEGORIES = (
    "weapon",
    "violence",
    "medical",
    "fire",
    "intruder",
    "threat",
    "missing-child",
    "vehicle",
    "abuse",
    "self-harm",
    "overdose",
    "followed",
)
TRIAGE_ONLY = "triage"  # kind of the early triage sets: their topic was never labelled


class CorpusError(Exception):
    """The corpus has bad lines; the message lists each with file, line and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("corpus is invalid:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    lang: str
    topic: str | None
    emergency: bool
    category: str | None = None
    kind: str = "plain"
    who: str = "unknown"
    batch: str = ""

    @property
    def topic_known(self) -> bool:
        """False for messages labelled for danger only (the early triage sets)."""
        return self.kind != TRIAGE_ONLY


def _problems_of(row: object, topics: frozenset[str]) -> list[str]:
    if not isinstance(row, dict):
        return ["line: not a JSON object"]
    out = []
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        out.append("field text: missing or empty")
    if row.get("lang") not in LANGS:
        out.append(f"field lang: must be one of {', '.join(LANGS)}")
    if row.get("topic") is not None and row.get("topic") not in topics:
        out.append(f"field topic: unknown topic {row.get('topic')!r}")
    if not isinstance(row.get("emergency"), bool):
        out.append("field emergency: must be true or false")
    if row.get("category") is not None and row.get("category") not in CATEGORIES:
        out.append(f"field category: unknown category {row.get('category')!r}")
    return out


def read_file(path: Path, topics: frozenset[str]) -> tuple[list[Example], list[str]]:
    """The examples of one batch file and the problems found in it."""
    examples, problems = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}: line {n}: not valid JSON ({exc.msg})")
            continue
        found = _problems_of(row, topics)
        problems += [f"{path.name}: line {n}: {p}" for p in found]
        if not found:
            fields = {k: row[k] for k in ("category", "kind", "who") if row.get(k)}
            examples.append(
                Example(
                    row["text"].strip(),
                    row["lang"],
                    row.get("topic"),
                    row["emergency"],
                    batch=row.get("batch") or path.stem,
                    **fields,
                )
            )
    return examples, problems


def read_corpus(topics: tuple[str, ...], directory: Path = CORPUS_DIR) -> list[Example]:
    """Every example of every *.jsonl batch; CorpusError lists all bad lines."""
    examples, problems = [], []
    for path in sorted(directory.glob("*.jsonl")):
        found, bad = read_file(path, frozenset(topics))
        examples += found
        problems += bad
    if problems:
        raise CorpusError(problems)
    return examples
