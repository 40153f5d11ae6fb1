"""The schools directory as the engine sees it: snapshots of schools, matched by name or alias.

Matching: names and aliases lose generic words ("school", "high", "junior", ...), then a name
counts as mentioned when all its words appear in the message, or when rapidfuzz's
`partial_ratio` (processor: faq.normalize.normalize) scores it at least MATCH_CUTOFF against
the message and the name is at least MIN_FUZZY_CHARS long.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.storage.db import Database
from bot.storage.models import School
from faq.normalize import normalize

MATCH_CUTOFF = 88
MIN_FUZZY_CHARS = 6
CACHE_SECONDS = 10.0
GENERIC = frozenset(
    "school high junior senior middle elementary secondary academy the of ecole college "
    "secondaire primaire polyvalente jr sr hs".split()
)


@dataclass(frozen=True)
class SchoolInfo:
    """A read-only snapshot of one school, safe to use outside a database session."""

    slug: str
    name: str
    office_phone: str = ""
    sro_name: str = ""
    sro_days: tuple[int, ...] = ()  # 0 = Monday
    exceptions: dict[date, tuple[bool, str]] = field(default_factory=dict)
    notice_text: str = ""
    notice_lockdown: bool = False
    notice_until: datetime | None = None

    def notice_active(self, at: datetime) -> bool:
        """True while the office's notice is posted and not expired."""
        return bool(self.notice_text) and (self.notice_until is None or at < self.notice_until)

    def lockdown_active(self, at: datetime) -> bool:
        """True while a lockdown notice is posted and not expired."""
        return self.notice_lockdown and self.notice_active(at)


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = (  # Monday first: every word a schools file may use for that day
    "mon monday lundi",
    "tue tues tuesday mardi",
    "wed weds wednesday mercredi",
    "thu thur thurs thursday jeudi",
    "fri friday vendredi",
    "sat saturday samedi",
    "sun sunday dimanche",
)
_WEEKDAYS = {word: day for day, words in enumerate(_DAY_WORDS) for word in words.split()}


def shown(text: str, limit: int = 24) -> str:
    """Part of a cell quoted in an error message: at most limit characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def days_from_text(text: str) -> tuple[int, ...]:
    """Weekday numbers from "mon,wed fri", "Monday; Thurs" or "lundi mardi": whole words only,
    any case (a ValueError names an unknown word)."""
    words = [w for w in re.split(r"[\s,;/.]+", text.lower()) if w]
    for word in words:
        if word not in _WEEKDAYS:
            raise ValueError(
                f"unknown weekday {shown(word)} (use mon tue wed thu fri sat sun, "
                "the full names, or French names)"
            )
    return tuple(sorted({_WEEKDAYS[w] for w in words}))


def display_phone(e164: str) -> str:
    """+14035550101 -> 403-555-0101 (North American numbers); others unchanged."""
    if len(e164) == 12 and e164.startswith("+1"):
        return f"{e164[2:5]}-{e164[5:8]}-{e164[8:]}"
    return e164


def info_from_row(row: School) -> SchoolInfo:
    """A snapshot of a School row (its exceptions loaded)."""
    return SchoolInfo(
        slug=row.slug,
        name=row.name,
        office_phone=display_phone(row.office_phone),
        sro_name=row.sro_name,
        sro_days=days_from_text(row.sro_days),
        exceptions={e.day: (e.present, e.note) for e in row.exceptions},
        notice_text=row.notice_text,
        notice_lockdown=row.notice_lockdown,
        notice_until=row.notice_until,
    )


def core_words(name: str) -> str:
    """A name without generic words: "Sage Hill High School" -> "sage hill"."""
    words = [w for w in normalize(name).split() if w not in GENERIC]
    return " ".join(words) or normalize(name)


def mentions(name: str, text: str) -> float:
    """How surely text names this school (0-100); a text shorter than the name must match
    all of it (partial_ratio would otherwise give 100 to one of its words)."""
    core, norm = core_words(name), normalize(text)
    if core and set(core.split()) <= set(norm.split()):
        return 100.0
    if len(core) < MIN_FUZZY_CHARS:
        return 0.0
    scorer = fuzz.partial_ratio if len(norm) > len(core) else fuzz.ratio
    return scorer(core, norm)


class SchoolDirectory:
    """Finds schools in the database; names are cached briefly, details are read fresh."""

    def __init__(self, db: Database):
        self.db = db
        self._names: list[tuple[str, str]] = []  # (name or alias, slug)
        self._loaded = 0.0
        self._lock = threading.Lock()

    def _all_names(self) -> list[tuple[str, str]]:
        with self._lock:
            if time.monotonic() - self._loaded > CACHE_SECONDS:
                with self.db.session() as session:
                    rows = session.execute(select(School.slug, School.name, School.aliases))
                    self._names = [(n, slug) for slug, name, al in rows for n in (name, *al)]
                self._loaded = time.monotonic()
            return self._names

    def forget(self) -> None:
        """Drop the cached names (after an import)."""
        with self._lock:
            self._loaded = 0.0

    def has_schools(self) -> bool:
        """Whether any school (and so any SRO schedule) is in the database."""
        return bool(self._all_names())

    def match(self, text: str) -> SchoolInfo | None:
        """The school text names, or None."""
        scored = [(mentions(name, text), slug) for name, slug in self._all_names()]
        best = max(scored, default=(0.0, ""))
        return self.get(best[1]) if best[0] >= MATCH_CUTOFF else None

    def get(self, slug: str) -> SchoolInfo | None:
        """The school with this slug, read now."""
        if not slug:
            return None
        with self.db.session() as session:
            query = select(School).where(School.slug == slug)
            row = session.scalar(query.options(selectinload(School.exceptions)))
            return info_from_row(row) if row else None
