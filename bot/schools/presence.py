"""Is the SRO at the school today? Answers from the usual weekdays and dated exceptions, on
Calgary's calendar (America/Edmonton)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schools.directory import SchoolInfo
from bot.wording.escalation import text as wording
from faq.normalize import normalize

CALGARY = ZoneInfo("America/Edmonton")
_WEEKDAYS = {
    **{w: i for i, w in enumerate("monday tuesday wednesday thursday friday".split())},
    **{w: i for i, w in enumerate("lundi mardi mercredi jeudi vendredi".split())},
}


def local_date(at: datetime) -> date:
    """The date in Calgary at this instant."""
    return at.astimezone(CALGARY).date()


def day_asked(body: str, today: date) -> date:
    """The day a question is about: tomorrow, a named weekday (the next one), else today."""
    words = normalize(body).split()
    if "tomorrow" in words or "demain" in words:
        return today + timedelta(days=1)
    for word in words:
        if word in _WEEKDAYS:
            return today + timedelta(days=(_WEEKDAYS[word] - today.weekday()) % 7)
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
