"""Live lockdowns of an account's schools: the banner on every office page."""

from __future__ import annotations

from bot.schools.directory import info_from_row
from bot.storage.models import School, now


def live_lockdowns(schools: list[School]) -> list[dict]:
    """The school, notice text and end (None: until cleared) of each lockdown posted and not
    expired at these schools."""
    at = now()
    return [
        {"school": row.name, "text": row.notice_text, "until": row.notice_until}
        for row in schools
        if row.notice_lockdown and info_from_row(row).lockdown_active(at)
    ]
