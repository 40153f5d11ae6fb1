"""SMS length: carrier counting (GSM-7 160/153, UCS-2 70/67), one message per answer, ordinary
answers held to three segments with the 911 line whole, crisis text never cut."""

from __future__ import annotations

import pytest

from bot.messages import Reply
from webhooks.channels.sms_parts import MAX_SEGMENTS, URGENT_MAX_SEGMENTS, segments, sms_text

REMINDER = "Emergency: 911. Non-emergency police: 403-266-1234."


def test_carrier_segment_counting():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("ê" * 70) == 1
    assert segments("ê" + "a" * 70) == 2
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2


def test_a_short_answer_is_one_message_with_its_reminder():
    assert sms_text([Reply("Hello.", reminder=REMINDER)]) == f"Hello.\n{REMINDER}"


def test_an_ordinary_answer_is_cut_at_a_sentence_and_keeps_the_911_line():
    body = " ".join(f"Sentence number {n} is here and says a little more." for n in range(20))
    text = sms_text([Reply(body, reminder=REMINDER)])
    assert segments(text) <= MAX_SEGMENTS
    assert text.endswith(REMINDER)
    assert text.split("\n")[0].endswith(".")


def test_a_word_longer_than_the_budget_is_cut_with_an_ellipsis():
    text = sms_text([Reply("x" * 600, reminder=REMINDER)])
    assert text == REMINDER or ("..." in text and text.endswith(REMINDER))
    assert segments(text) <= MAX_SEGMENTS


def test_an_emergency_reply_is_never_cut():
    body = " ".join(["Call 911 now. Kids Help Phone: 1-800-668-6868, text CONNECT to 686868."] * 8)
    text = sms_text([Reply(body, emergency=True)])
    assert text == body
    assert MAX_SEGMENTS < segments(text) <= URGENT_MAX_SEGMENTS


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_to_send(text):
    assert sms_text([Reply(text)]) == ""


def test_a_cut_never_falls_after_a_title_or_an_initial():
    body = "Your SRO is Cst. B. Sample (badge 12). " + " ".join(
        f"Sentence number {n} is here and says a little more." for n in range(20)
    )
    text = sms_text([Reply(body, reminder=REMINDER)])
    assert "Cst. B. Sample (badge 12)." in text


def test_a_reply_with_crisis_lines_is_never_cut():
    long = "An ordinary answer that goes on. " * 20 + "Call or text 9-8-8 any time."
    text = sms_text([Reply(long, reminder="Emergency: 911.", crisis_lines=True)])
    assert segments(text) > MAX_SEGMENTS and text.endswith("9-8-8 any time.\nEmergency: 911.")
