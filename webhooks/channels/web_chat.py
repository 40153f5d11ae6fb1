"""The web chat: a static page at / and the JSON endpoint it talks to."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request

from bot.messages import Message, Reply
from webhooks.context import Services, services
from webhooks.http.inputs import BadInput, has_control_chars, object_from_json, require_mimetype
from webhooks.http.rate_limit import PER_ADDRESS_FACTOR

bp = Blueprint("web_chat", __name__)
FIELDS = frozenset({"session", "text", "choice"})
SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")
CHOICE = re.compile(r"[A-Za-z0-9_:-]{0,64}")


@bp.get("/")
def page() -> Response:
    """The chat page (static HTML; no template, no third-party assets)."""
    response = current_app.send_static_file("index.html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'"
    )
    return response


def message_from_json(data: dict, max_chars: int) -> Message:
    """An engine Message from {"session": ..., "text": ..., "choice"?: ...}; 400 with a reason
    otherwise. choice is the id of the button pressed; its label comes as text."""
    session, text = data.get("session"), data.get("text")
    if not isinstance(session, str) or not SESSION.fullmatch(session):
        raise BadInput("session must be 8-64 letters, digits, - or _")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("text must be a non-empty string")
    if has_control_chars(text):
        raise BadInput("text contains control characters")
    if len(text) > max_chars:
        raise BadInput(f"text is longer than {max_chars} characters")
    choice = data.get("choice", "")
    if not isinstance(choice, str) or not CHOICE.fullmatch(choice):
        raise BadInput("choice must be at most 64 letters, digits, -, _ or :")
    return Message("web", session, text.strip(), datetime.now(UTC), choice=choice)


def json_from_reply(reply: Reply) -> dict:
    """The fields the page shows."""
    return {
        "text": reply.text,
        "reminder": reply.reminder,
        "choices": list(reply.choices),
        "choice_ids": list(reply.choice_ids),
        "emergency": reply.emergency,
        "lang": reply.lang,
    }


@bp.post("/api/messages")
def post_message() -> Response:
    """Answer one chat message as {"replies": [...]}."""
    svc = services()
    require_mimetype(request, "application/json")
    data = object_from_json(request.get_data(), FIELDS)
    message = message_from_json(data, svc.config.max_text_chars)
    _within_limits(svc, message)
    replies = svc.handle(message)
    return jsonify(replies=[json_from_reply(r) for r in replies])


def _within_limits(svc: Services, message: Message) -> None:
    """429 for a session or address sending too fast, except for an emergency: triage runs
    on every message, so a throttled sender in danger is still answered with 911."""
    limiter = svc.web_limiter
    session_ok = limiter.allow(f"session:{message.sender}")
    address = f"address:{request.remote_addr}"
    address_ok = limiter.allow(address, limiter.per_minute * PER_ADDRESS_FACTOR)
    if (session_ok and address_ok) or svc.engine.assess(message.text).emergency:
        return
    key = f"session:{message.sender}" if not session_ok else address
    wait = limiter.seconds_left(key)
    raise BadInput(
        f"too many messages: wait {wait} seconds",
        429,
        {"Retry-After": str(wait)},
    )
