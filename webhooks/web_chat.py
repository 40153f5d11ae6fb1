"""The web chat: a static page at / and the JSON endpoint it talks to."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request

from bot.types import Message, Reply
from webhooks.inputs import BadInput, has_control_chars, object_from_json, require_mimetype
from webhooks.services import services

bp = Blueprint("web_chat", __name__)
FIELDS = frozenset({"session", "text"})
SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")


@bp.get("/")
def page() -> Response:
    """The chat page (static HTML; no template, no third-party assets)."""
    response = current_app.send_static_file("index.html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'"
    )
    return response


def message_from_json(data: dict, max_chars: int) -> Message:
    """An engine Message from {"session": ..., "text": ...}; 400 with a reason otherwise."""
    session, text = data.get("session"), data.get("text")
    if not isinstance(session, str) or not SESSION.fullmatch(session):
        raise BadInput("session must be 8-64 letters, digits, - or _")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("text must be a non-empty string")
    if has_control_chars(text):
        raise BadInput("text contains control characters")
    if len(text) > max_chars:
        raise BadInput(f"text is longer than {max_chars} characters")
    return Message("web", session, text.strip(), datetime.now(UTC))


def json_from_reply(reply: Reply) -> dict:
    """The fields the page shows."""
    return {
        "text": reply.text,
        "choices": list(reply.choices),
        "emergency": reply.emergency,
        "lang": reply.lang,
    }


@bp.post("/api/messages")
def post_message() -> Response:
    """Answer one chat message as {"replies": [...]}."""
    svc = services()
    require_mimetype(request, "application/json")
    data = object_from_json(request.get_data(), FIELDS)
    replies = svc.handle(message_from_json(data, svc.config.max_text_chars))
    return jsonify(replies=[json_from_reply(r) for r in replies])
