"""Read and check the school forms; a FormError names the field and what is wrong."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from bot.schools.directory import DAY_NAMES
from bot.schools.importer import exceptions_from
from bot.storage.models import ScheduleException

MAX_NOTICE = 500
MAX_HOURS = 24 * 14


class FormError(ValueError):
    """A form field is invalid."""


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


def notice_from_form(form: MultiDict) -> tuple[str, bool, int]:
    """(text, lockdown?, hours it stays up; 0 = until cleared)."""
    text = " ".join(form.get("text", "").split())
    if len(text) > MAX_NOTICE:
        raise FormError(f"Notice: at most {MAX_NOTICE} characters (this one has {len(text)}).")
    raw = form.get("hours", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > MAX_HOURS:
        raise FormError(f"Hours: a whole number from 0 to {MAX_HOURS}, not {raw!r}.")
    return text, form.get("lockdown") == "on", int(raw)
