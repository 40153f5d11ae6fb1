"""One SMS per answer: the network splits it into segments and the phone joins them in order.

Ordinary answers are held to MAX_SEGMENTS: the body is cut at a sentence, else a word, and the
911 reminder stays whole. A reply that carries an emergency or crisis lines is never cut (Twilio
accepts up to URGENT_MAX_SEGMENTS segments), so every crisis number arrives complete."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.messages import Reply
from faq import gsm

MAX_SEGMENTS = 3
URGENT_MAX_SEGMENTS = 10
ELLIPSIS = "..."
# A sentence ends at . ! or ? and a space, but not after an initial ("A.") or a title ("Cst.").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\bCst\.)(?<!\bSgt\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)"
    r"(?<!\bSt\.)(?<!\bMrs\.)(?<!\bMme\.)(?<!\bvs\.)\s+"
)


def segments(text: str) -> int:
    """How many segments a carrier bills for text (GSM-7 160/153, UCS-2 70/67)."""
    enc = gsm.encoding_of(text)
    used = gsm.units(text, enc)
    if used <= gsm.SINGLE_LIMIT[enc]:
        return 1 if text else 0
    return math.ceil(used / gsm.PART_LIMIT[enc])


def _joined(body: str, reminder: str) -> str:
    return f"{body}\n{reminder}" if body and reminder else body or reminder


def _cut(body: str, reminder: str, limit: int) -> str:
    """body shortened (whole sentences if possible, else words) so body + reminder fit."""
    sentences = _SENTENCE_END.split(body)
    while len(sentences) > 1:
        sentences.pop()
        text = _joined(" ".join(sentences), reminder)
        if segments(text) <= limit:
            return text
    words = body.split(" ")
    while words:
        words.pop()
        text = _joined(" ".join(words).rstrip(" ,;:") + ELLIPSIS, reminder)
        if segments(text) <= limit:
            return text
    return reminder


def sms_text(replies: Sequence[Reply]) -> str:
    """The one SMS that answers a message: every reply's text, then the 911 reminder once."""
    body = "\n\n".join(r.text.strip() for r in replies if r.text.strip())
    reminder = next((r.reminder for r in reversed(replies) if r.reminder), "")
    text = _joined(body, reminder)
    if any(r.emergency or r.crisis_lines for r in replies) or segments(text) <= MAX_SEGMENTS:
        return text
    return _cut(body, reminder, MAX_SEGMENTS)
