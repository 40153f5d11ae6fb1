"""Carrier opt-out protocol for SMS: its keywords and the confirmations the law requires."""

from __future__ import annotations

import unicodedata

OPT_OUT = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "ARRET"}
)
OPT_IN = frozenset({"START", "YES", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})  # carrier-mandated; the engine words the answer

OPTED_OUT = {
    "en": "You are unsubscribed from SRO bot and will get no more messages. Reply START to "
    "resubscribe. Emergency: call 911.",
    "fr": "Vous êtes désabonné du robot SRO et ne recevrez plus de messages. Répondez START pour "
    "vous réabonner. Urgence : composez le 911.",
}
OPTED_IN = {
    "en": "You are subscribed to SRO bot again. Text your question, or HELP. Emergency: call 911.",
}


def keyword_of(body: str) -> str:
    """The body as a carrier keyword (one word, upper case, accents and end punctuation dropped),
    or "" when it is not a single word."""
    plain = unicodedata.normalize("NFD", body.strip().upper())
    word = "".join(ch for ch in plain if not unicodedata.combining(ch)).strip(" .!")
    return word if word.isascii() and word.isalpha() else ""
