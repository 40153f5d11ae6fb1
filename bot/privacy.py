"""Identify senders without keeping their phone number or chat id in clear."""

from __future__ import annotations

import hashlib
import hmac
import os

_DEFAULT_SALT = "sro-bot-local"


def sender_key(channel: str, sender: str, salt: str | None = None) -> str:
    """A stable keyed hash of channel and sender id, safe to store and log."""
    secret = (salt or os.environ.get("SRO_HASH_SALT") or _DEFAULT_SALT).encode()
    digest = hmac.new(secret, f"{channel}:{sender}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]
