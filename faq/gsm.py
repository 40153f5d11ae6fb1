"""SMS length the way carriers count it: GSM-7 septets, or UCS-2 code units."""

from __future__ import annotations

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

SINGLE_LIMIT = {"gsm7": 160, "ucs2": 70}
PART_LIMIT = {"gsm7": 153, "ucs2": 67}


def encoding_of(text: str) -> str:
    """Return "gsm7" when every character fits the GSM 03.38 alphabet, else "ucs2"."""
    ok = GSM7_BASIC | GSM7_EXTENDED
    return "gsm7" if all(ch in ok for ch in text) else "ucs2"


def units(text: str, encoding: str) -> int:
    """Length in septets (extension characters count twice) or UTF-16 code units."""
    if encoding == "gsm7":
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS parts a carrier bills for this text."""
    enc = encoding_of(text)
    n = units(text, enc)
    if n <= SINGLE_LIMIT[enc]:
        return 1
    per = PART_LIMIT[enc]
    return -(-n // per)


def two_segment_budget(text: str) -> int:
    """The two-segment budget for this text: 306 in GSM-7, 134 in UCS-2."""
    return 2 * PART_LIMIT[encoding_of(text)]
