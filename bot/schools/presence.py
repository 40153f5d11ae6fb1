"""Is the SRO at the school today? Answers from the usual weekdays and dated exceptions, on
Calgary's calendar (America/Edmonton)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.schools.directory import SchoolInfo
from bot.wording.escalation import text as wording
from faq.normalize import normalize

CALGARY = ZoneInfo("America/Edmonton")
_DAY_NAMES = (
    "monday tuesday wednesday thursday friday saturday sunday".split(),
    "lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
)
_WEEKDAYS = {name: i for names in _DAY_NAMES for i, name in enumerate(names)}
_ABBREVIATIONS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3}
_ABBREVIATIONS |= {"fri": 4}
_AFTER_ON = {"sat": 5, "sun": 6}  # also English words: a day only after "on", "this" or "next"
_NEXT = frozenset({"next", "prochain", "prochaine"})


def local_date(at: datetime) -> date:
    """The date in Calgary at this instant."""
    return at.astimezone(CALGARY).date()


def _weekday(word: str, before: str) -> int | None:
    """The weekday a word names: full names (misspelt ones too), abbreviations, sat/sun after
    on, this or next."""
    if word in _WEEKDAYS:
        return _WEEKDAYS[word]
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    if word in _AFTER_ON and before in {"on", "this", "next"}:
        return _AFTER_ON[word]
    if len(word) >= 5:
        found = process.extractOne(word, _WEEKDAYS.keys(), scorer=fuzz.ratio, score_cutoff=80)
        return _WEEKDAYS[found[0]] if found else None
    return None


def names_a_day(body: str) -> bool:
    """Whether a message names a day ("tomorrow", "thurs", "on sat", "vendredi")."""
    words = normalize(body).split()
    if "tomorrow" in words or "demain" in words:
        return True
    pairs = zip(["", *words[:-1]], words, strict=True)
    return any(_weekday(word, before) is not None for before, word in pairs)


def day_asked(body: str, today: date) -> date:
    """The day a question is about: tomorrow, a named weekday (the coming one; "next" when it is
    today's name means a week from now), else today."""
    words = normalize(body).split()
    if "tomorrow" in words or "demain" in words:
        return today + timedelta(days=1)
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        day = _weekday(word, before)
        if day is not None:
            ahead = (day - today.weekday()) % 7
            return today + timedelta(days=ahead or (7 if _NEXT & {before, after} else 0))
    return today


def scheduled(school: SchoolInfo, day: date) -> tuple[bool | None, str]:
    """(True/False, note) from an exception or the usual days; (None, "") with no schedule."""
    if day in school.exceptions:
        return school.exceptions[day]
    if not school.sro_days:
        return None, ""
    return day.weekday() in school.sro_days, ""


def _when(day: date, today: date, lang: str) -> str:
    names = wording("days", lang).split(",")
    if day == today:
        return f"{wording('today', lang)} ({names[day.weekday()]})"
    if day == today + timedelta(days=1):
        return f"{wording('tomorrow', lang)} ({names[day.weekday()]})"
    return wording("on_day", lang).format(day=names[day.weekday()], date=day.isoformat())


def presence_text(school: SchoolInfo, day: date, today: date, lang: str) -> str:
    """The presence answer for one school and day."""
    there, note = scheduled(school, day)
    names = wording("days", lang).split(",")
    values = {
        "school": school.name,
        "sro": f" ({school.sro_name})" if school.sro_name else "",
        "when": _when(day, today, lang),
        "phone": school.office_phone,
        "note": f" ({note})" if note else "",
        "days": ", ".join(names[d] for d in school.sro_days),
    }
    if there is None:
        return wording("no_schedule", lang).format(**values)
    if there:
        return wording("there", lang).format(**values)
    key = "away" if day.weekday() in school.sro_days or day in school.exceptions else "not_usual"
    return wording(key, lang).format(**values)
