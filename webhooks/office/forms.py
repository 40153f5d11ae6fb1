"""Read and check the school forms; a FormError names the field and what is wrong."""

from __future__ import annotations

import re
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from bot.schools.directory import DAY_NAMES, shown
from bot.schools.importer import exceptions_from
from bot.storage.models import ScheduleException
from bot.wording import escalation
from bot.wording.safety import reminder
from webhooks.channels.sms_parts import MAX_SEGMENTS, segments

MAX_NOTICE = 500
MAX_HOURS = 24 * 14
MAX_DAYS_AHEAD = 2 * 366
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PLAIN_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class FormError(ValueError):
    """A form field is invalid."""


def _fits(text: str, school_name: str, lang: str) -> bool:
    notice = escalation.text("lockdown_notice", lang).format(school=school_name, text=text)
    return segments(f"{notice}\n{reminder(lang)}") <= MAX_SEGMENTS


def _sms_room(text: str, school_name: str, lang: str) -> int:
    """How much of text fits in one SMS reply (MAX_SEGMENTS, in its encoding) around the
    notice's own words and the 911 reminder, in one language."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text[:middle], school_name, lang):
            low = middle
        else:
            high = middle - 1
    return low


def schedule_from_form(form: MultiDict) -> tuple[str, list[ScheduleException]]:
    """Usual days (checkboxes "day") and exceptions (one "YYYY-MM-DD in|away note" per line)."""
    days = [d for d in form.getlist("day") if d in DAY_NAMES]
    lines = [line.strip() for line in form.get("exceptions", "").splitlines() if line.strip()]
    try:
        parsed = exceptions_from(lines)
    except ValueError as exc:
        raise FormError(f"Exceptions: {exc}") from None
    rows = [ScheduleException(day=d, present=p, note=n) for d, p, n in parsed]
    return ",".join(d for d in DAY_NAMES if d in days), rows


def exception_from_form(form: MultiDict, today: date) -> ScheduleException:
    """One exception from the date picker: "date" (YYYY-MM-DD, today to two years ahead),
    "sro" (in or away) and an optional "note"."""
    raw = form.get("date", "").strip()
    try:
        day = date.fromisoformat(raw) if ISO_DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        raise FormError(f"Date: {shown(raw)} is not a date (YYYY-MM-DD).")
    if not today <= day <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise FormError(f"Date: {day} is not between today and two years from now.")
    if form.get("sro") not in ("in", "away"):
        raise FormError("SRO: choose in or away.")
    note = " ".join(form.get("note", "").split())[:200]
    return ScheduleException(day=day, present=form.get("sro") == "in", note=note)


def notice_from_form(form: MultiDict, school_name: str) -> tuple[str, bool, int, str]:
    """(text, lockdown?, hours it stays up (0 = until cleared), a warning when text messages
    will carry only the start of it). Typographic quotes and dashes become plain ones, so
    phones get the notice in their 160-character encoding."""
    text = " ".join(form.get("text", "").translate(PLAIN_PUNCTUATION).split())
    if len(text) > MAX_NOTICE:
        raise FormError(f"Notice: at most {MAX_NOTICE} characters (this one has {len(text)}).")
    room = min(_sms_room(text, school_name, lang) for lang in ("en", "fr"))
    warning = ""
    if room < len(text):
        warning = (
            f"Text-message replies carry the 911 line, then only the first {room} of the "
            f"notice's {len(text)} characters; the web chat and Telegram show all of it."
        )
    raw = form.get("hours", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > MAX_HOURS:
        raise FormError(f"Hours: a whole number from 0 to {MAX_HOURS}, not {raw!r}.")
    return text, form.get("lockdown") == "on", int(raw), warning
