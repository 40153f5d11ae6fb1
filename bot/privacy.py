"""Identify senders without keeping their phone number or chat id in clear."""

from __future__ import annotations

import hashlib
import hmac

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
