"""Load and validate the knowledge base: one clear message per problem (file, topic, field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from faq.schema import Entry

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
PACKAGE_DIR = Path(__file__).parent
DEFAULT_KB_DIR = PACKAGE_DIR / "kb"
TOPICS_FILE = PACKAGE_DIR / "topics.tsv"


class KnowledgeBaseError(Exception):
    """The knowledge base is broken; the message lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("knowledge base is invalid:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class KnowledgeBase:
    """Every validated entry, by language then topic id."""

    entries: dict[str, dict[str, Entry]]
    topic_ids: tuple[str, ...]
    offtopic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    directory: Path = DEFAULT_KB_DIR  # where it was read from (the models' cache key uses it)
    topics_file: Path = TOPICS_FILE

    def entry(self, topic: str, lang: str) -> Entry:
        """The entry for this topic in this language, falling back to English."""
        by_lang = self.entries.get(lang) or self.entries["en"]
        return by_lang.get(topic) or self.entries["en"][topic]

    def all_entries(self) -> list[Entry]:
        """Every entry in every language, in a stable order."""
        return [e for lang in sorted(self.entries) for e in self.entries[lang].values()]

    def stale(self, today: dt.date, max_age_days: int) -> list[Entry]:
        """Entries whose last review is older than max_age_days."""
        return [e for e in self.all_entries() if (today - e.reviewed).days > max_age_days]


def read_topic_ids(path: Path = TOPICS_FILE) -> tuple[str, ...]:
    """The stable topic ids, from the first column of topics.tsv (header skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return tuple(line.split("\t", 1)[0].strip() for line in lines if line.strip())


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(entry)"


def _parse_file(path: Path, problems: list[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problems.append(f"{path.name}{where}: YAML error: {getattr(exc, 'problem', exc)}")
        return [], []
    except UnicodeDecodeError:
        problems.append(f"{path.name}: not valid UTF-8")
        return [], []
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        problems.append(f"{path.name}: expected a mapping with a 'topics' list")
        return [], []
    offtopic = data.get("offtopic") or []
    if not isinstance(offtopic, list) or not all(isinstance(x, str) and x for x in offtopic):
        problems.append(f"{path.name}: field offtopic: expected a list of non-empty phrases")
        offtopic = []
    return list(enumerate(data["topics"], 1)), offtopic


def _validate(
    path: Path, raw: list[tuple[int, dict]], problems: list[str], sms_suffix: Mapping[str, str]
) -> list[Entry]:
    entries = []
    for n, item in raw:
        name = item.get("id", f"#{n}") if isinstance(item, dict) else f"#{n}"
        try:
            entries.append(Entry.model_validate(item, context={"sms_suffix": sms_suffix}))
        except ValidationError as exc:
            for err in exc.errors():
                field = _field_path(err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"{path.name}: topic {name}: field {field}: {msg}")
    return entries


def _check_ids(path: Path, entries: list[Entry], known: tuple[str, ...], problems: list[str]):
    seen: set[tuple[str, str]] = set()
    for e in entries:
        if e.id not in known:
            problems.append(f"{path.name}: topic {e.id}: field id: unknown topic id")
        if (e.id, e.lang) in seen:
            problems.append(f"{path.name}: topic {e.id}: field id: duplicate for lang {e.lang}")
        seen.add((e.id, e.lang))
        for rel in e.related:
            if rel not in known:
                problems.append(f"{path.name}: topic {e.id}: field related: unknown topic {rel}")


def _check_coverage(by_lang: dict[str, dict[str, Entry]], files: dict[str, str], known, problems):
    if "en" not in by_lang:
        problems.append("no English (lang: en) entries: English is the fallback language")
    for lang, entries in by_lang.items():
        for topic in known:
            if topic not in entries:
                problems.append(f"{files[lang]}: topic {topic}: field id: missing for lang {lang}")


def load(
    kb_dir: Path | None = None,
    topics_file: Path = TOPICS_FILE,
    *,
    sms_suffix: Mapping[str, str] | None = None,
) -> KnowledgeBase:
    """Load every *.yaml in kb_dir; raise KnowledgeBaseError listing all problems.

    sms_suffix: per language, the line the bot sends after every short answer (the 911
    reminder, owned by bot.wording.safety); each short answer must fit two SMS with it."""
    kb_dir = kb_dir or DEFAULT_KB_DIR
    known = read_topic_ids(topics_file)
    problems: list[str] = []
    by_lang: dict[str, dict[str, Entry]] = {}
    offtopic: dict[str, tuple[str, ...]] = {}
    files: dict[str, str] = {}
    paths = sorted(kb_dir.glob("*.yaml"))
    if not paths:
        raise KnowledgeBaseError([f"{kb_dir}: no *.yaml knowledge-base files"])
    for path in paths:
        raw, phrases = _parse_file(path, problems)
        entries = _validate(path, raw, problems, sms_suffix or {})
        _check_ids(path, entries, known, problems)
        for e in entries:
            by_lang.setdefault(e.lang, {})[e.id] = e
            files.setdefault(e.lang, path.name)
        if entries and phrases:
            offtopic[entries[0].lang] = offtopic.get(entries[0].lang, ()) + tuple(phrases)
    _check_coverage(by_lang, files, known, problems)
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(by_lang, known, offtopic, kb_dir, topics_file)
