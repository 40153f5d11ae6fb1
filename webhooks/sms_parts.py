"""Split a reply into at most three SMS messages at sentence, then word, boundaries."""

from __future__ import annotations

import re

from bot import gsm

MAX_PARTS = 3
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s)|\n|$)\s*", re.DOTALL)


def fits(text: str) -> bool:
    """True when text travels as one part of a split message (153 GSM-7 or 67 UCS-2 units)."""
    enc = gsm.encoding_of(text)
    return gsm.units(text, enc) <= gsm.PART_LIMIT[enc]


def _pack(pieces: list[str]) -> list[str]:
    """Greedily join pieces (each with its trailing space) into parts that fit."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if fits((current + piece).rstrip()):
            current += piece
            continue
        if current.strip():
            parts.append(current.strip())
        current = piece
    if current.strip():
        parts.append(current.strip())
    return parts


def _words(sentence: str) -> list[str]:
    """A sentence as words with trailing spaces; words too long for a part are cut."""
    out = []
    for word in re.findall(r"\S+\s*", sentence):
        while not fits(word.rstrip()):
            cut = max(i for i in range(1, len(word)) if fits(word[:i]))
            out.append(word[:cut])
            word = word[cut:]
        out.append(word)
    return out


def _pieces(text: str) -> list[str]:
    """Sentences that fit a part, and the words of those that do not."""
    out: list[str] = []
    for sentence in _SENTENCE.findall(text):
        out.extend([sentence] if fits(sentence.rstrip()) else _words(sentence))
    return out


def _shorten(head: str, tail: str) -> list[str]:
    """Cut head at a word so that head + "..." + tail fits in MAX_PARTS parts."""
    words = head.split(" ")
    while words:
        words.pop()
        parts = _pack(_pieces(" ".join(words).rstrip(" ,;:") + "...\n" + tail))
        if len(parts) <= MAX_PARTS:
            return parts
    return _pack(_pieces(tail))[:MAX_PARTS]


def parts_from_text(text: str) -> list[str]:
    """One message when it fits a single SMS, else up to three parts; the last line (the 911
    reminder) survives when the text must be shortened."""
    text = text.strip()
    enc = gsm.encoding_of(text)
    if gsm.units(text, enc) <= gsm.SINGLE_LIMIT[enc]:
        return [text] if text else []
    parts = _pack(_pieces(text))
    if len(parts) <= MAX_PARTS:
        return parts
    head, _, tail = text.rpartition("\n")
    return _shorten(head, tail) if head else parts[:MAX_PARTS]
