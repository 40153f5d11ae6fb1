"""Emergency triage: danger now is flagged; figures of speech, drills and past events are not."""

import json
from pathlib import Path

import pytest

from bot.triage import SELF_HARM, triage

EMERGENCIES = [
    "there's a kid with a knife in the cafeteria",
    "he has a gun in his backpack and he's in the library",
    "my friend says she is going to kill herself tonight",
    "i want to die",
    "im gonna end it all tonight",
    "i dont want to live anymore",
    "someone is breaking into the portable right now",
    "a guy keeps following me and he's still behind me",
    "the gym is on fire!!",
    "my friend took a bunch of pills and wont wake up",
    "he posted that he will shoot up the school tomorrow",
    "kids are beating up my brother rn",
    "she collapsed in the hallway and isnt breathing",
    "someone just got shot outside the school",
    "HEARD GUNSHOTS IN THE GYM",
    "je veux me suicider",
    "il y a un gars avec une arme dans le stationnement",
    "sum1 pulled a blade on me at the bus stop",
    "i cut my wrists and it wont stop bleeding",
    "my best friend just posted goodbye forever and love you all",
    "looking up ways to end it",
    "im on the roof of the school and i cant do this anymore",
    "this guy showed us a gun in the washroom",
    "il a fait une surdose pis il respire pas",
    "j'ai plus envie de vivre",
]

NOT_EMERGENCIES = [
    "this homework is killing me",
    "what do we do in a lockdown drill",
    "my phone got stolen last week",
    "what is the non-emergency number",
    "i'd kill for a pizza right now",
    "can the SRO talk to our class about weapons",
    "what happens if someone brings a knife to school",
    "is there a fire drill today?",
    "i got in a fight last year will i have a record",
    "dying to know when the officer is here",
    "he said he'd kill me if i ate his fries lol",
    "my brother got jumped last month, can we still report it",
    "is it illegal to carry a pocket knife",
    "What can you help me with?",
    "my car was broken into overnight, they're long gone",
    "my dad is gonna kill me when he sees my report card",
    "got shot down when i asked her out",
    "he joked about bringing a bomb, can he get in trouble for that",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_danger_now_is_flagged(text):
    assert triage(text).emergency


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_tricky_non_emergencies_are_not_flagged(text):
    assert not triage(text).emergency


@pytest.mark.parametrize(
    "text", ["i want to kill myself", "thinking about suicide", "je veux mourir"]
)
def test_self_harm_is_its_own_category(text):
    assert SELF_HARM in triage(text).categories


def test_weapon_in_hypothetical_is_not_flagged_but_gunshots_always_are():
    assert not triage("if there was ever a shooter what would we do").emergency
    assert triage("if you hear this, there are gunshots in the gym").emergency


# A bare "HELP" is the SMS carrier keyword and the chat's help command: it is answered by the
# help reply, which names 911 (tests/test_engine.py), not by triage.
ANSWERED_ELSEWHERE = {"HELP"}
HOLDOUTS = sorted((Path(__file__).parent / "data" / "triage").glob("*.jsonl"))


@pytest.mark.parametrize("path", HOLDOUTS, ids=lambda p: p.name)
def test_sets_written_without_seeing_the_rules(path):
    """Sets of 140-175 messages, each by a writer who never saw these rules (the rules were
    tuned on them afterwards, so they now guard against regressions): every emergency flagged,
    at most 3% false alarms."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    missed = [r["text"] for r in rows if r["emergency"] and not triage(r["text"]).emergency]
    alarms = [r["text"] for r in rows if not r["emergency"] and triage(r["text"]).emergency]
    assert [text for text in missed if text not in ANSWERED_ELSEWHERE] == []
    assert len(alarms) <= 0.03 * sum(not r["emergency"] for r in rows), alarms


def test_self_harm_as_a_school_subject_is_not_flagged_but_a_plan_is():
    assert not triage("im writing an essay on suicide prevention for health class").emergency
    assert triage("i wrote letters to my friends, nobody will miss me").self_harm


def test_a_game_is_not_an_emergency():
    assert not triage("lol i just got shot in fortnite again").emergency
