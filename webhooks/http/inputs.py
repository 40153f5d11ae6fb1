"""Checks shared by every endpoint: content type, strict JSON objects, clean text."""

from __future__ import annotations

import json
import unicodedata

from flask import Request


class BadInput(Exception):
    """A request the app refuses with a 4xx status and a short reason."""

    def __init__(self, reason: str, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.headers = headers or {}


def require_mimetype(request: Request, mimetype: str) -> None:
    """415 unless the request body is of this media type."""
    if request.mimetype != mimetype:
        raise BadInput(f"content type must be {mimetype}", 415)


def object_from_json(raw: bytes, allowed: frozenset[str] | None = None) -> dict:
    """Decode a UTF-8 JSON object with no fields beyond the allowed ones (any when None)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput("body is not valid UTF-8") from None
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadInput("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadInput("body must be a JSON object")
    unknown = sorted(set(data) - allowed) if allowed is not None else []
    if unknown:
        raise BadInput("unknown field: " + ", ".join(unknown)[:80])
    return data


# Bidirectional overrides and isolates can make a message read differently from what it says.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(ch: str) -> bool:
    """Control characters (but newline and tab), lone surrogates and bidi overrides. Other
    format characters stay: zero-width joiners and tags are parts of emoji (🤦‍♀️, flags)."""
    if ch in "\n\t":
        return False
    return unicodedata.category(ch) in {"Cc", "Cs"} or ch in _BIDI


def has_control_chars(text: str) -> bool:
    """True when text holds control or surrogate characters (other than newline and tab) or
    bidi overrides."""
    return any(_is_control(ch) for ch in text)


def clean_text(text: str) -> str:
    """Text with control characters dropped, tabs as spaces, surrounding space stripped."""
    return "".join(ch for ch in text if not _is_control(ch)).replace("\t", " ").strip()
