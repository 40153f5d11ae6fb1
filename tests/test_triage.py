"""Emergency triage: danger now is flagged; figures of speech, drills and past events are not.
The classifier decides (through the engine's models); the floor rules and their cancels are
checked on their own examples."""

import pytest

from bot.messages import Message
from bot.triage import SELF_HARM
from bot.triage.rules import CANCELS, FLOOR, floor
from faq.normalize import normalize

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
    "my friend wants to hurt herself",
    "mon ami veut se faire du mal",
    "my son is panicking and says he wants to die",
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


# The messages of issue 9's "Why", typed by someone trying the product: each gets 911 first.
TYPED_THIS_WEEK = [
    "there is a gun at school",
    "i saw a gun in someones backpack",
    "there is a fire at aspen ridge",
    "my friend overdosed",
    "help someone is hurting me",
    "a guy has a gun at the basketball game right now",
    "quelqu'un me suit en ce moment",
]


@pytest.mark.parametrize("rule", FLOOR, ids=lambda r: r.example)
def test_each_floor_rule_flags_its_example(rule):
    assert rule.category in floor(normalize(rule.example))


@pytest.mark.parametrize("cancel", CANCELS, ids=lambda c: c.example)
def test_each_cancel_takes_back_only_the_categories_it_names(cancel):
    norm = normalize(cancel.example)
    assert any(rule.regex.search(norm) for rule in FLOOR), "the example must trip a floor rule"
    assert not set(floor(norm)) & cancel.cancels


def test_a_place_cancels_nothing():
    assert floor(normalize("someone is shooting, shots fired at the basketball game")) == (
        "weapon",
    )


# Figures of speech the floor used to take for danger: the classifier judges them alone.
FLOOR_FIGURES = [
    "my hamster stopped eating, is he gonna die?",
    "im going to die if i have to sing in front of everyone",
    "je vais mourir de honte si elle lit ma lettre",
    "dans ma serie le heros met le feu a l'ecole",
    "in my game the house is on fire and i have to save the cat",
    "dans le livre que je lis le personnage veut se suicider, c'est correct d'en parler?",
    "in the book the character wants to kill himself and it makes me sad",
]

# Near twins of the self-harm rules' words that say something else.
FLOOR_NEAR_TWINS = [
    "je vais me couper les cheveux demain",
    "le telephone de ma fille a disparu de son casier, l'agent peut faire un rapport?",
    "j'ai peur de me blesser au genou au hockey",
    "it would be better if i was here tomorrow for the test",
    "ce serait mieux si je suis pas la demain pour le test",
    "i dont want to live in calgary anymore, can i change schools",
    "je veux pu vivre sans pizza mdr",
    "i dont want to wake up early for the drill tomorrow",
]


def test_a_last_message_is_a_floor_hit_in_both_languages():
    for text in ("this is my last message to anyone", "c'est mon dernier message, bye"):
        assert floor(normalize(text)) == ("self-harm",)


# Said with a negation, the words of a self-harm rule are no floor hit (the classifier judges).
FLOOR_NEGATIONS = ["i dont want to die, i just want to feel better", "j'ai pas envie de mourir"]


@pytest.mark.parametrize("text", FLOOR_FIGURES + FLOOR_NEGATIONS + FLOOR_NEAR_TWINS)
def test_a_figure_of_speech_is_no_floor_hit(text):
    assert floor(normalize(text)) == ()


@pytest.mark.parametrize("text", EMERGENCIES + TYPED_THIS_WEEK)
def test_danger_now_is_flagged(engine, text):
    assert engine.assess(text).emergency


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_tricky_non_emergencies_are_not_flagged(engine, text):
    assert not engine.assess(text).emergency


@pytest.mark.parametrize("text", ["thinking about suicide", "i want to die", "je veux me suicider"])
def test_self_harm_is_its_own_category(engine, text):
    assert SELF_HARM in engine.assess(text).categories


def test_a_hypothetical_is_not_flagged_but_gunshots_are(engine):
    assert not engine.assess("if there was ever a shooter what would we do").emergency
    assert engine.assess("if you hear this, there are gunshots in the gym").emergency


def test_self_harm_as_a_school_subject_is_not_flagged_but_a_plan_is(engine):
    assert not engine.assess("im writing an essay on suicide prevention for health class").emergency
    assert engine.assess("i wrote letters to my friends, nobody will miss me").self_harm


def test_a_game_is_not_an_emergency_but_a_gun_at_a_game_is(engine):
    assert not engine.assess("lol i just got shot in fortnite again").emergency
    assert engine.assess("a guy has a gun at the basketball game right now").emergency


# Found by a helper trying the product as new users (each now a floor rule or a data fix).
@pytest.mark.parametrize(
    "text",
    [
        "j'ai envie de me suicider",
        "jveux me suicider",
        "je pense au suicide",
        "my daughter is missing",
        "ma fille a disparu",
        "il y a un incendie dans l'ecole",
        "quelqu'un a une arme a l'ecole",
        "911",
        "aidez moi",
    ],
)
def test_messages_new_users_typed_are_emergencies(engine, text):
    assert engine.assess(text).emergency


def test_a_french_fire_gets_the_fire_advice_not_hiding(engine):
    reply = engine.handle(Message("sms", "+15550001", "il y a un incendie dans l'ecole"))[0]
    assert "Sors par la sortie" in reply.text and "Cache-toi" not in reply.text


def test_an_overdose_always_carries_the_crisis_lines(engine):
    for text in ("i have a bunch of my moms pills and i took them", "a kid is overdosing"):
        reply = engine.handle(Message("sms", f"+1555{len(text)}", text))[0]
        assert reply.emergency and "9-8-8" in reply.text and "686868" in reply.text


def test_thanks_is_not_a_caution(engine):
    for text in ("thanks", "ty", "merci", "thx bye", "ok thanks, bye", "merci bye"):
        reply = engine.handle(Message("sms", "+15550003", text))[0]
        assert not reply.caution and not reply.emergency


def test_a_kind_no_rule_names_is_a_guess_when_the_learned_kinds_are_close():
    from bot.triage import KIND_SURE_AT, triage
    from faq.model import Analysis

    topics = (("_offtopic", 0.9),)
    close = Analysis(topics, 0.99, ("medical", "intruder"), kind_margin=KIND_SURE_AT - 0.01)
    clear = Analysis(topics, 0.99, ("medical", "intruder"), kind_margin=KIND_SURE_AT + 0.5)
    text = "someone is outside my room and i cant talk"
    assert triage(text, close).kind_unsure and triage(text, close).categories == (
        "medical",
        "intruder",
    )
    assert not triage(text, clear).kind_unsure and triage(text, clear).categories == ("medical",)
    named = triage("a kid just pulled out a knife in the cafeteria", close)  # a rule names the kind
    assert not named.kind_unsure and named.categories == ("weapon",)
