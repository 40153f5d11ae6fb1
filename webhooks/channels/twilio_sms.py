"""Twilio SMS webhook: verify the signature, translate the form, answer with TwiML."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, request
from twilio.request_validator import (
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict

from bot.messages import Message
from bot.privacy import sender_key
from webhooks import logs
from webhooks.channels import sms_texts
from webhooks.channels.sms_parts import sms_text
from webhooks.context import Services, services
from webhooks.http.inputs import BadInput, clean_text, require_mimetype
from webhooks.stores import stored

bp = Blueprint("twilio_sms", __name__)
DUPLICATE_WAIT_SECONDS = 5.0  # Twilio waits 15 s for an answer


def signed_url() -> str:
    """The URL Twilio called: the configured public base URL plus this path and query."""
    base = services().config.public_base_url or request.host_url.rstrip("/")
    query = request.query_string.decode("latin-1")
    return base + request.path + (f"?{query}" if query else "")


def verified_by_twilio(view: Callable) -> Callable:
    """403 unless X-Twilio-Signature matches the form, the URL and the auth token."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(services().config.twilio_auth_token)
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        if not signature or not validator.validate(
            signed_url(), request.form, signature, algorithm
        ):
            raise BadInput("bad signature" if signature else "no signature", 403)
        return view(*args, **kwargs)

    return wrapper


def message_from_form(form: MultiDict, max_chars: int) -> Message:
    """An engine Message from Twilio's form (an empty or picture-only body stays empty: the
    engine answers it)."""
    sender = form.get("From", "").strip()
    if not sender:
        raise BadInput("missing From")
    return Message("sms", sender, clean_text(form.get("Body", ""))[:max_chars], datetime.now(UTC))


def twiml_from_texts(texts: list[str]) -> str:
    """A MessagingResponse with one <Message> per text (none: Twilio sends nothing)."""
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return str(response)


def texts_for(message: Message, svc: Services) -> list[str]:
    """Carrier opt-out protocol first, then the engine; nothing at all while opted out."""
    key = sender_key("sms", message.sender)
    word = sms_texts.keyword_of(message.text)
    if word in sms_texts.OPT_OUT:
        stored(lambda: svc.optouts.opt_out(key), None, "sms")
        stored(lambda: svc.forget("sms", message.sender), None, "sms")  # START resumes no old step
        return [sms_texts.OPTED_OUT["fr" if word == "ARRET" else "en"]]
    if stored(lambda: svc.optouts.is_opted_out(key), False, "sms"):
        if word in sms_texts.OPT_IN:
            svc.optouts.opt_in(key)
            return [sms_texts.OPTED_IN["en"]]
        if svc.assess(message.text).emergency:
            svc.handle(message)  # the school's office is still told; the sender gets nothing
        logs.event("suppressed", channel="sms", sender=key, reason="opted out")
        return []
    if word in sms_texts.HELP:
        message = replace(message, text="help")
    replies = svc.handle(message)
    text = sms_text(replies)  # choices are numbered in the text
    return [text] if text else []


def twiml_for(form: MultiDict, svc: Services) -> str:
    """The TwiML answer to this form, computed once per MessageSid: the first request claims
    it; a retry or a duplicate gets the first answer once it is ready, and never runs again."""
    sid = form.get("MessageSid", "")
    key = f"sms:{sid}"
    if sid and not stored(lambda: svc.replays.claim(key), True, "sms"):
        logs.event("duplicate", channel="sms", sender=sender_key("sms", form.get("From", "")))
        return _first_answer(svc, key)
    twiml = twiml_from_texts(texts_for(message_from_form(form, svc.config.max_text_chars), svc))
    if sid:
        stored(lambda: svc.replays.put(key, twiml), None, "sms")
    return twiml


def _first_answer(svc: Services, key: str) -> str:
    """The answer the first request gave, waiting a little while it is computed; an empty
    answer (Twilio sends nothing) if it is not ready in time: the first request replies."""
    deadline = time.monotonic() + DUPLICATE_WAIT_SECONDS
    while time.monotonic() < deadline:
        twiml = stored(lambda: svc.replays.get(key), None, "sms")
        if twiml:
            return twiml
        time.sleep(0.05)
    return twiml_from_texts([])


@bp.post("/sms/twilio")
@verified_by_twilio
def inbound() -> Response:
    """Answer one incoming SMS; a retried MessageSid gets the first answer again."""
    require_mimetype(request, "application/x-www-form-urlencoded")
    return Response(twiml_for(request.form, services()), mimetype="text/xml")
