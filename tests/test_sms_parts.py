"""SMS splitting: carrier lengths (GSM-7 160/153, UCS-2 70/67), sentence then word boundaries."""

from __future__ import annotations

import pytest

from bot import gsm
from webhooks.sms_parts import MAX_PARTS, parts_from_text

REMINDER = "Emergency: 911. Non-emergency police: 403-266-1234."


def fits_part(part: str) -> bool:
    enc = gsm.encoding_of(part)
    return gsm.units(part, enc) <= gsm.PART_LIMIT[enc]


def test_a_single_sms_is_left_whole():
    text = "a" * 160
    assert parts_from_text(text) == [text]


def test_one_accent_outside_gsm7_drops_the_single_limit_to_70():
    assert parts_from_text("ê" * 70) == ["ê" * 70]
    parts = parts_from_text("ê" + "a" * 70)
    assert len(parts) == 2 and all(fits_part(p) for p in parts)


def test_extension_characters_count_twice():
    assert len(parts_from_text("€" * 80)) == 1
    assert len(parts_from_text("€" * 81)) == 2


def test_gsm7_text_splits_at_sentence_boundaries():
    sentences = [f"Sentence number {n} is here and says a little." for n in range(5)]
    parts = parts_from_text(" ".join(sentences))
    assert all(fits_part(p) for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts).split() == " ".join(sentences).split()


def test_french_ucs2_text_splits_at_67_units_on_word_boundaries():
    text = (
        "Votre agent passe à l'école certains jours ; le secrétariat connaît l'horaire "
        "et peut lui transmettre un message."
    )
    parts = parts_from_text(text)
    assert gsm.encoding_of(text) == "ucs2"
    assert len(parts) == 2
    assert all(fits_part(p) for p in parts)
    assert " ".join(parts).split() == text.split()


def test_too_long_text_keeps_at_most_three_parts_and_the_911_line():
    text = " ".join(["The officer visits many schools every week."] * 20) + "\n" + REMINDER
    parts = parts_from_text(text)
    assert len(parts) == MAX_PARTS
    assert all(fits_part(p) for p in parts)
    assert parts[-1].endswith(REMINDER)
    assert "..." in parts[-1]


def test_a_word_longer_than_a_part_is_cut():
    parts = parts_from_text("x" * 400)
    assert len(parts) == 3 and all(fits_part(p) for p in parts)


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_to_send(text):
    assert parts_from_text(text) == []
