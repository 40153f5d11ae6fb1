"""Safety wording that lives in code so no knowledge-base edit can remove it."""

REMINDER = {
    "en": "Emergency: 911. Non-emergency police: 403-266-1234.",
    "fr": "Urgence : 911. Police non urgente : 403-266-1234.",
}


def reminder(lang: str) -> str:
    """The one-line 911 / non-emergency reminder that ends every ordinary reply."""
    return REMINDER.get(lang, REMINDER["en"])
