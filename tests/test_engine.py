"""The conversation engine, driven without any channel: one Message in, Replies out."""

import pytest
import yaml

from bot.engine import Engine, build_engine
from bot.messages import Message
from bot.wording.safety import reminder
from faq.gsm import segments
from faq.loader import load


@pytest.fixture(scope="module")
def engine():
    return build_engine()


def ask(engine, text, sender="s1", channel="sms"):
    return engine.handle(Message(channel, sender, text))[0]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("wat does the resourse oficer do at skool", "sro-role"),
        ("is da cop here tmrw?", "sro-presence"),
        ("how do i reach the sro, shes not in 2day", "contact-sro"),
        ("sum1 stole my hoodie from my locker", "report-crime"),
        ("whats the non emergancy numbr", "non-emergency"),
        ("wat r we suposed 2 do in a lockdwon", "lockdown"),
        ("y do the popo check every room during lockdown drills", "lockdown-drill"),
        ("tips for walkin home alone after practice", "staying-safe"),
        ("sum1 online keeps asking me for pics", "online-safety"),
        ("can u get in trouble for having weed at 15", "drugs-alcohol"),
        ("these kids keep shoving me n calling me names", "bullying"),
        ("ppl keep posting mean stuff abt me on insta", "cyberbullying"),
        ("how do i become a cop", "policing-career"),
        ("wat r my rights if 5-0 stops me", "canadian-law"),
        ("wat is the YCJA", "ycja"),
        ("will my parents find out if i talk to the sro", "parent-notification"),
        ("can the officer give a talk to our class", "sro-presentations"),
        ("is the sro program being reviewed", "sro-review"),
        ("is this chat anonymous", "privacy"),
        ("wat can u do", "bot-help"),
    ],
)
def test_typos_shorthand_and_slang_reach_their_topic(engine, text, topic):
    assert ask(engine, text).topic == topic


def test_every_topic_is_reachable_by_its_title(engine):
    kb = load()
    for entry in kb.entries["en"].values():
        reply = ask(engine, entry.title, sender=f"title-{entry.id}")
        assert reply.topic == entry.id, entry.title


@pytest.mark.parametrize("text", ["qwpoeiru zxmcnv", "who is the best singer ever", "asdfgh"])
def test_below_threshold_says_not_sure_and_offers_menu_and_a_person(engine, text):
    reply = ask(engine, text)
    assert reply.topic is None and not reply.emergency
    assert "not sure" in reply.text and "MENU" in reply.text and "main office" in reply.text


def test_every_ordinary_reply_ends_with_the_reminder_and_fits_two_sms(engine):
    for entry in load().entries["en"].values():
        reply = ask(engine, entry.title, sender=f"r-{entry.id}")
        assert reply.full_text.endswith(reminder("en"))
        assert segments(reply.text) <= 2


def test_emergency_reply_starts_with_911_and_self_harm_adds_crisis_lines(engine):
    reply = ask(engine, "i want to kill myself")
    assert reply.emergency and reply.text.startswith("Call 911 now")
    assert "9-8-8" in reply.text and "1-800-668-6868" in reply.text and "686868" in reply.text


def test_weapon_emergency_has_no_crisis_lines_but_911_first(engine):
    reply = ask(engine, "theres a guy with a knife in the library")
    assert reply.text.startswith("Call 911 now") and "9-8-8" not in reply.text


def test_more_gives_the_long_answer_of_the_last_topic(engine):
    first = ask(engine, "what is the ycja", sender="more")
    more = ask(engine, "more", sender="more")
    assert first.topic == more.topic == "ycja"
    assert load().entries["en"]["ycja"].long in more.text


def test_more_without_a_topic_explains_itself(engine):
    assert "question first" in ask(engine, "more", sender="fresh").text


def test_menu_then_number_answers_that_topic(engine):
    menu = ask(engine, "menu", sender="m")
    assert len(menu.choices) >= 10 and "1)" in menu.text
    picked = ask(engine, "3", sender="m")
    assert picked.topic == "contact-sro"


def test_greeting_and_thanks_are_brief(engine):
    # a sender of their own: after an emergency reply, courtesy opens with the 911 line again
    assert ask(engine, "hi", sender="greeter").text.startswith("Hi!")
    assert ask(engine, "thank you", sender="greeter").text.startswith("You are welcome")


def test_empty_message_asks_for_a_question(engine):
    reply = ask(engine, "   ")
    assert reply.topic is None and "type a question" in reply.text


def test_web_and_telegram_get_the_long_answer(engine):
    long = load().entries["en"]["lockdown-drill"].long
    assert long in ask(engine, "what happens in a lockdown drill", channel="web").text
    assert long not in ask(engine, "what happens in a lockdown drill", channel="sms").text


def test_french_question_gets_a_french_answer(engine):
    reply = ask(engine, "C'est quoi un exercice de confinement?", sender="fr")
    assert reply.lang == "fr" and reply.topic == "lockdown-drill"
    assert reply.full_text.endswith(reminder("fr"))


@pytest.fixture
def twin_engine(tmp_path):
    """A tiny knowledge base whose two topics are asked about the same way."""
    base = load().entries["en"]["sro-role"].model_dump(mode="json")
    topics = [
        {
            **base,
            "id": tid,
            "title": title,
            "short": f"About {title}.",
            "related": [],
            "questions": ["how do the bus passes work"],
            "keywords": ["bus pass"],
        }
        for tid, title in (("alpha", "Alpha passes"), ("beta", "Beta passes"))
    ]
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "en.yaml").write_text(yaml.safe_dump({"topics": topics}))
    (tmp_path / "topics.tsv").write_text("id\nalpha\nbeta\n")
    return Engine(load(tmp_path / "kb", tmp_path / "topics.tsv"))


def test_close_topics_ask_did_you_mean_and_a_digit_answers(twin_engine):
    clarify = ask(twin_engine, "how do bus passes work", sender="c")
    assert clarify.text.startswith("Did you mean 1) ") and " or 2) " in clarify.text
    assert len(clarify.choices) == 2
    chosen = ask(twin_engine, "2", sender="c")
    topic = "beta" if clarify.choices[1] == "Beta passes" else "alpha"
    assert chosen.topic == topic and chosen.text.startswith("About ")


def test_triage_runs_before_the_knowledge_base_whatever_it_says(tmp_path):
    base = load().entries["en"]["sro-role"].model_dump(mode="json")
    topic = {
        **base,
        "id": "alpha",
        "related": [],
        "questions": ["he has a gun"],
        "keywords": ["gun"],
    }
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "en.yaml").write_text(yaml.safe_dump({"topics": [topic]}))
    (tmp_path / "topics.tsv").write_text("id\nalpha\n")
    engine = Engine(load(tmp_path / "kb", tmp_path / "topics.tsv"))
    reply = ask(engine, "he has a gun in the hallway")
    assert reply.emergency and reply.text.startswith("Call 911 now") and reply.topic is None


@pytest.mark.parametrize("word", ["help", "info", "HELP", "Info!"])
def test_help_words_give_the_help_answer(engine, word):
    reply = ask(engine, word)
    assert reply.topic == "bot-help" and "911" in reply.text  # a bare HELP may be a cry for help


def test_a_theft_in_the_change_room_is_not_an_emergency(engine):
    """Was a false alarm (danger 0.58) until batch b09 added thefts and past events; b09's
    brief named a change-room theft as an example, so this is a regression check, not evidence."""
    reply = ask(engine, "sum1 stole my hoodie from the gym change room")
    assert not reply.emergency and reply.topic == "report-crime"


@pytest.mark.parametrize(
    "text",
    [
        "my dad hits me when he drinks",
        "my friend told me her uncle touches her",
        "mon père me frappe quand il boit",
    ],
)
def test_a_disclosure_of_abuse_gets_the_abuse_answer_and_never_parents_contacted(engine, text):
    reply = ask(engine, text)
    assert reply.topic == "abuse" or reply.emergency
    words = reply.full_text.lower()
    assert "1-800-387-5437" in words or reply.emergency
    assert "parent" not in words or "contact" not in words


def test_sadness_gets_mental_health_and_a_complaint_gets_officer_concern(engine):
    sad = ask(engine, "i feel really sad all the time and cant sleep")
    assert sad.topic == "mental-health" and "1-800-668-6868" in sad.full_text
    assert ask(engine, "the SRO was rude to me, how do I complain").topic == "officer-concern"


def test_a_menu_is_forgotten_after_the_configured_minutes(knowledge_base):
    from datetime import UTC, datetime, timedelta

    from bot.settings import load_settings

    minutes = load_settings({"SRO_STEP_MINUTES": "5"}).step_minutes
    engine = Engine(knowledge_base, step_minutes=minutes)
    start = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    engine.handle(Message("web", "m1", "menu", start))
    (soon,) = engine.handle(Message("web", "m1", "2", start + timedelta(minutes=4)))
    assert soon.topic == "sro-presence"
    engine.handle(Message("web", "m1", "menu", start + timedelta(minutes=5)))
    (late,) = engine.handle(Message("web", "m1", "2", start + timedelta(minutes=11)))
    assert late.topic is None and "not sure" in late.text


class _Fixed:
    """Models that say the same thing of every message (the decision under test, not the model)."""

    def __init__(self, analysis):
        self.analysis = analysis

    def analyze(self, text):
        return self.analysis


@pytest.mark.parametrize(
    ("topics", "answered"),
    [
        ((("drugs-alcohol", 0.56), ("abuse", 0.42)), "abuse"),  # a disclosure beside a question
        ((("_offtopic", 0.50), ("abuse", 0.40)), "abuse"),
        ((("drugs-alcohol", 0.70), ("abuse", 0.20)), "drugs-alcohol"),  # abuse too unlikely
        ((("drugs-alcohol", 0.60), ("bullying", 0.30), ("abuse", 0.09)), "drugs-alcohol"),
    ],
)
def test_abuse_among_the_two_best_topics_is_answered_first(knowledge_base, topics, answered):
    from bot.evaluation import decide
    from faq.corpus import Example
    from faq.model import Analysis

    analysis = Analysis(topics, danger=0.0, categories=())
    engine = Engine(knowledge_base, models=_Fixed(analysis))
    assert ask(engine, "a message").topic == answered
    assert decide(Example("a message", "en", None, False), analysis).topic == answered


@pytest.mark.parametrize(
    ("text", "topics", "answered"),
    [
        ("is the sro in today? a kid has a gun", (("sro-presence", 0.8),), "sro-presence"),
        ("Est-ce que l'agent est là, un gars a un fusil", (("sro-presence", 0.8),), "sro-presence"),
        ("a kid has a gun in the gym", (("lockdown", 0.9),), None),  # no question asked
        ("a kid has a gun, what do i do?", (("_offtopic", 0.9),), None),  # none the KB answers
        ("a kid has a gun, what do i do?", (("lockdown", 0.2),), None),  # not sure which
        ("can u help my dad is hitting me", (("privacy", 0.5), ("abuse", 0.4)), "abuse"),
    ],
)
def test_a_question_beside_a_danger_is_answered_after_the_911_reply(
    knowledge_base, text, topics, answered
):
    from bot.evaluation import Decision, decide
    from faq.corpus import Example
    from faq.model import Analysis

    analysis = Analysis(topics, danger=0.99, categories=("weapon", "violence"))
    replies = Engine(knowledge_base, models=_Fixed(analysis)).handle(Message("sms", "s1", text))
    assert replies[0].emergency and replies[0].text.startswith("Call 911 now")
    assert replies[0].topic == answered
    shorts = [knowledge_base.entry(answered, "en").short] if answered else []
    assert [r.text for r in replies[1:]] == shorts
    assert decide(Example(text, "en", None, True), analysis) == Decision(answered, True, False)


@pytest.mark.parametrize(
    ("topics", "caution"),
    [
        ((("sro-role", 0.42), ("abuse", 0.30)), True),  # "did you mean", abuse an option
        ((("_offtopic", 0.40), ("mental-health", 0.20)), True),  # "not sure", feeling unsafe
        ((("sro-role", 0.49), ("abuse", 0.24)), True),  # answered, abuse a close second
        ((("sro-role", 0.42), ("bullying", 0.30)), False),  # unsure, no safety topic near
        ((("drugs-alcohol", 0.80), ("mental-health", 0.18)), False),  # sure: answered
        ((("_offtopic", 0.60), ("abuse", 0.10)), False),  # abuse too unlikely
    ],
)
def test_an_unsure_reply_near_abuse_or_feeling_unsafe_opens_with_the_911_line(
    knowledge_base, topics, caution
):
    from bot.evaluation import decide
    from faq.corpus import Example
    from faq.model import Analysis

    analysis = Analysis(topics, danger=0.0, categories=())
    reply = ask(Engine(knowledge_base, models=_Fixed(analysis)), "a message")
    assert reply.caution is caution
    assert reply.text.startswith("If you or anyone else is in danger right now") is caution
    assert decide(Example("a message", "en", None, False), analysis).caution is caution


@pytest.mark.parametrize(
    ("margin", "advice"),
    [
        (
            0.1,
            "Tell 911 exactly where you are and what is happening. If you are hiding, stay hidden",
        ),
        (0.9, "Call 911 and stay with the person."),
    ],
)
def test_a_guessed_kind_of_danger_gets_advice_that_fits_any_danger(knowledge_base, margin, advice):
    from faq.model import Analysis

    topics = (("_offtopic", 0.9),)
    analysis = Analysis(topics, danger=0.99, categories=("medical", "intruder"), kind_margin=margin)
    engine = Engine(knowledge_base, models=_Fixed(analysis))
    (reply,) = engine.handle(Message("sms", "s1", "someone is outside my room and i cant talk"))
    assert reply.emergency and reply.text.startswith("Call 911 now")
    assert advice in reply.text
    assert ("outside" in reply.text) is False  # the message is never echoed


def test_a_guessed_kind_keeps_the_crisis_lines_of_either_kind(knowledge_base):
    from faq.model import Analysis

    topics = (("_offtopic", 0.9),)
    analysis = Analysis(topics, danger=0.99, categories=("medical", "self-harm"), kind_margin=0.1)
    engine = Engine(knowledge_base, models=_Fixed(analysis))
    (reply,) = engine.handle(Message("sms", "s1", "please come i cant do this"))
    assert "9-8-8" in reply.text and "1-800-668-6868" in reply.text
    assert "get to a safe place if you can" in reply.text


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("Thank you very much", "You are welcome"),
        ("thanks for the help!", "You are welcome"),
        ("great, thanks", "You are welcome"),
        ("Merci pour l'info", "Avec plaisir"),
        ("merci mille fois", "Avec plaisir"),
        ("hello there", "Hi!"),
        ("good evening", "Hi!"),
        ("bonsoir", "Bonjour!"),
    ],
)
def test_thanks_and_greetings_in_other_words_are_answered_as_such(engine, text, opens):
    reply = ask(engine, text, sender=text)
    assert reply.text.startswith(opens) and not reply.caution


def test_a_question_after_a_thanks_is_answered(engine):
    assert ask(engine, "thanks! is the officer at school today?").topic == "sro-presence"


@pytest.mark.parametrize(("adult", "worded"), [(0.95, "adult"), (0.5, "child")])
def test_an_adult_gets_the_adult_wording_on_every_channel_and_after_more(
    knowledge_base, adult, worded
):
    from faq.model import Analysis

    analysis = Analysis((("abuse", 0.97), ("bullying", 0.01)), 0.0, (), adult=adult)
    engine = Engine(knowledge_base, models=_Fixed(analysis))
    entry = knowledge_base.entry("abuse", "en")
    short, long = (
        (entry.adult_short, entry.adult_long) if worded == "adult" else (entry.short, entry.long)
    )
    assert ask(engine, "my son told me his coach touched him").text == short
    assert ask(engine, "more").text == long
    assert ask(engine, "my son told me his coach touched him", channel="web").text == long


def test_an_entry_without_an_adult_wording_answers_adults_with_its_own(knowledge_base):
    from faq.model import Analysis

    assert knowledge_base.entry("sro-role", "en").adult_short is None
    analysis = Analysis((("sro-role", 0.97), ("bot-help", 0.01)), 0.0, (), adult=0.99)
    reply = ask(Engine(knowledge_base, models=_Fixed(analysis)), "what does the sro do")
    assert reply.text == knowledge_base.entry("sro-role", "en").short


@pytest.mark.parametrize("text", ["bye", "see you tomorrow", "ok thanks, bye!", "bonne nuit"])
def test_a_farewell_is_answered_as_one(engine, text):
    reply = ask(engine, text, sender=text)  # the danger model may add the 911 line first
    assert ("Take care" in reply.text or "Prends soin" in reply.text) and not reply.emergency
    assert "Do not wait until tomorrow" not in reply.text


def test_a_farewell_taken_for_self_harm_keeps_the_911_line_and_the_crisis_lines(knowledge_base):
    from faq.model import Analysis

    topics = (("_offtopic", 0.9), ("mental-health", 0.05))
    analysis = Analysis(topics, danger=0.95, categories=("self-harm", "threat"))
    (reply,) = Engine(knowledge_base, models=_Fixed(analysis)).handle(
        Message("sms", "s", "goodbye")
    )
    assert reply.text.startswith("If you or anyone else is in danger right now, call 911.")
    assert "Take care" in reply.text and "9-8-8" in reply.text and "686868" in reply.text
    assert not reply.emergency and reply.caution


@pytest.mark.parametrize(
    ("topics", "support"),
    [
        ((("parent-notification", 0.71), ("mental-health", 0.27)), True),
        ((("privacy", 0.85), ("mental-health", 0.11)), True),
        ((("mental-health", 0.80), ("privacy", 0.15)), False),  # its answer has the lines
        ((("privacy", 0.95), ("mental-health", 0.04)), False),
    ],
)
def test_a_reply_near_mental_health_ends_with_the_crisis_lines(knowledge_base, topics, support):
    from faq.model import Analysis

    analysis = Analysis(topics, danger=0.0, categories=())
    reply = ask(Engine(knowledge_base, models=_Fixed(analysis)), "a message")
    line = "Call or text 9-8-8 any time, or Kids Help Phone at 1-800-668-6868"
    assert (line in reply.text) is support
    assert reply.text.count("9-8-8") <= 1 or not support


def test_more_after_a_french_answer_stays_french(engine):
    assert ask(engine, "c'est quoi la LSJPA?", sender="more-fr").lang == "fr"
    reply = ask(engine, "more", sender="more-fr")
    assert reply.lang == "fr" and reply.text == engine.kb.entry("ycja", "fr").long


@pytest.mark.parametrize(
    "text",
    [
        "my little brother swallowed some of my mom's pills, he's 4",
        "my 15 yo daughter said she doesnt see the point anymore and wants to die",
        "one of my students said she wants to kill herself tonight",
    ],
)
def test_someone_else_at_risk_gets_the_lines_for_a_bystander(engine, text):
    reply = ask(engine, text, sender=text)
    assert reply.emergency and ("Stay with them if you can" in reply.text) != (
        "Stay with the person" in reply.text  # the overdose advice says it, once
    )
    assert "You matter" not in reply.text and "9-8-8" in reply.text


@pytest.mark.parametrize(
    "text, told",
    [
        (
            "i think someone put something in my drink at this party, i feel really weird",
            "Tell the 911 call-taker what you took or drank",
        ),
        ("j'ai pris trop de pilules je me sens mal", "Dis au 911 ce que tu as pris"),
    ],
)
def test_an_overdose_of_the_sender_says_what_to_do_now(engine, text, told):
    """Not only the crisis lines: get someone near you and tell 911 what you took."""
    reply = ask(engine, text, sender=text)
    assert reply.emergency and told in reply.text and "9-8-8" in reply.text
    assert "Stay with the person" not in reply.text  # the bystander's advice
