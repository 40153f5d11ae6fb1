"""Identify senders without keeping their phone number or chat id in clear."""

from __future__ import annotations

import hashlib
import hmac
import re

_DEFAULT_SALT = "sro-bot-local"
_salt = _DEFAULT_SALT


def configure(salt: str) -> None:
    """Use salt (SRO_HASH_SALT, from the settings) for every sender hash of this process."""
    global _salt
    _salt = salt or _DEFAULT_SALT


def sender_key(channel: str, sender: str, salt: str | None = None) -> str:
    """A stable keyed hash of channel and sender id, safe to store and log."""
    secret = (salt or _salt).encode()
    digest = hmac.new(secret, f"{channel}:{sender}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_STREET = (
    r"st|street|ave|avenue|rd|road|dr|drive|cres|crescent|blvd|boulevard|way|ct|court|pl|place"
    r"|ln|lane|trail|tr|close|bay|gate|heights|terrace|circle|cir|point|pt|green|grove|hill"
    r"|hts|mews|park|landing|view|rise|manor|square|sq|row|link|common|commons|rue|chemin"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[a-z]?\s+(?:[a-z'-]+\s+){{0,3}}(?:{_STREET})\b\.?(?:\s+(?:nw|ne|sw|se))?",
    re.I,
)


def mask(text: str) -> str:
    """Text with email addresses, phone numbers and street addresses replaced by [email],
    [number] and [address], for what is kept about questions nobody asked to pass on."""
    text = _EMAIL.sub("[email]", text)
    text = _ADDRESS.sub("[address]", text)
    return _PHONE.sub("[number]", text)
