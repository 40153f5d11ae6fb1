"""The conversation engine: one synchronous call, read top to bottom.

staff relay -> analysis (faq.model, once) -> triage -> commands and pending state -> topic
-> fallback. The topic classifier's probabilities decide "not sure" and "did you mean".
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.messages import Message, Reply
from bot.privacy import sender_key
from bot.settings import DEFAULT_STEP_MINUTES
from bot.state import ConversationState, MemoryStore, StateStore
from bot.storage.spool import Spool
from bot.triage import Triage, triage
from bot.wording.replies import text as wording
from bot.wording.safety import REMINDER, reminder
from faq.loader import KnowledgeBase, load
from faq.model import OFFTOPIC, Analysis, Models, load_or_train
from faq.normalize import normalize
from faq.schema import Entry

if TYPE_CHECKING:
    from bot.escalation.desk import Desk

log = logging.getLogger("sro_bot.engine")

NOT_SURE_BELOW = 0.30  # the best topic's probability under this: "not sure"
CLARIFY_BELOW = 0.55  # best under this and the second at least CLARIFY_SECOND: "did you mean"
CLARIFY_SECOND = 0.25
SURELY_OFFTOPIC = 0.75  # off-topic this sure: no offer to pass it on to the office
# A disclosure of abuse answered as something else (drinking, school rules) costs most: abuse
# among the two best topics at this probability or more is the answer.
DISCLOSURE_TOPIC, DISCLOSURE_AT = "abuse", 0.35
# After abuse came up in a conversation, "will my parents be told?" gets the abuse answer (what
# happens after you tell), never the parent-notification one ("a parent or guardian is told").
NOTIFY_TOPIC = "parent-notification"
# A "not sure" or "did you mean" reply with one of these among the two best guesses at
# SAFETY_UNSURE_AT or more, or an answer with one of them second at SAFETY_SECOND_AT or more,
# opens with the 911 line ("what does an sro do? my brother said if i tell anyone he will kill
# me"). Out of fold (10 grouped folds, 2026-12-04) caution goes from 4.84 % of non-emergencies to
# 5.42 % with the first, 5.73 % with both; 911 first from 99.60 % to 99.62 % and 99.65 %. Offered
# to any unsure reply with these among the two best, the first alone would cost 3.0 points.
SAFETY_TOPICS, SAFETY_UNSURE_AT, SAFETY_SECOND_AT = ("abuse", "mental-health"), 0.15, 0.2
# Mental health among the two best topics at this probability or more, and another topic
# answered: the reply ends with 9-8-8 and Kids Help Phone ("je me scarifie depuis un mois, est ce
# que l agent va le dire a mes parents" is answered about parents, and gets the crisis lines).
# Out of fold (10 grouped folds, 2026-12-04), 0.7 % of non-emergencies get the line.
SUPPORT_AT = 0.1
# The sender model this sure of an adult: an entry's adult wording, where it has one ("my son
# told me his coach touched him" is not answered "it's not your fault, tell an adult you trust").
ADULT_AT = 0.8
MENU_TOPICS = (
    "sro-role",
    "sro-presence",
    "contact-sro",
    "report-crime",
    "non-emergency",
    "lockdown",
    "staying-safe",
    "online-safety",
    "bullying",
    "drugs-alcohol",
    "privacy",
    "bot-help",
)
LONG_ANSWER_CHANNELS = frozenset({"web", "telegram"})

COMMANDS = {
    "menu": "menu",
    "topics": "menu",
    "options": "menu",
    "sujets": "menu",
    "start": "menu",
    "help": "help",
    "info": "help",
    "aide": "help",
    "/help": "help",
    "/start": "menu",
    "more": "more",
    "plus": "more",
    "details": "more",
    "tell me more": "more",
    "hi": "greeting",
    "hello": "greeting",
    "hey": "greeting",
    "bonjour": "greeting",
    "salut": "greeting",
    "allo": "greeting",
    "good morning": "greeting",
    "good afternoon": "greeting",
    "yo": "greeting",
    "thanks": "thanks",
    "thank you": "thanks",
    "merci": "thanks",
    "ok thanks": "thanks",
    "thanks a lot": "thanks",
    "merci beaucoup": "thanks",
    "cool thanks": "thanks",
    "status": "status",
    "statut": "status",
    "case status": "status",
}
# Thanks and greetings in other words than COMMANDS lists ("thank you very much", "merci pour
# l'info", "hello there"): a word of the kind and nothing but courtesy words beside it.
COURTESY = {  # the first kind a message has words of names it
    # a bare "goodbye" is a farewell here; taken for danger it still gets the 911 line and the
    # crisis lines (see _handle)
    "bye": frozenset(
        {"bye", "goodbye", "cya", "ttyl", "gtg", "see", "later", "night", "goodnight", "gn"}
        | {"revoir", "nuit", "soiree"}
    ),
    "thanks": frozenset({"thanks", "thank", "thx", "ty", "tysm", "merci", "appreciate"}),
    "greeting": frozenset(
        {"hi", "hello", "hey", "hiya", "bonjour", "bonsoir", "salut", "allo", "coucou", "yo"}
        | {"morning", "afternoon", "evening"}
    ),
    # an acknowledgement alone ("ok", "got it", "d'accord"); beside thanks or a farewell, those
    "ok": frozenset(
        {"ok", "okay", "k", "kk", "oki", "okk", "alright", "got", "gotcha", "noted", "sounds"}
        | {"accord", "dacc", "daccord", "entendu", "compris", "parfait"}
    ),
}
COURTESY_WORDS = frozenset(
    "you u very so much sm a lot bcp beaucoup mille fois cool great good nice super "
    "perfect awesome for the help info information pour l la de d votre ton it again bien "
    "and et really vraiment officer there everyone all madame monsieur tomorrow soon bonne "
    "demain au".split()
)
# A message of emoji alone: acknowledged, thanked, greeted, or met as sadness (the 911 line,
# then a few kind words and the crisis lines: a "😭" at night may be the start of something).
EMOJI_COURTESY = {
    **dict.fromkeys("👍👌✅🆗", "ok"),
    **dict.fromkeys("🙏", "thanks"),
    **dict.fromkeys("👋", "greeting"),
    **dict.fromkeys("😭😢😥😞😔💔🥺☹🙁😿😩😫", "sad"),
}
EMOJI_MODIFIERS = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff\\s]")
SURE_OF_LANGUAGE = 0.7
FRENCH_COURTESY = frozenset(
    {"bonjour", "bonsoir", "salut", "coucou", "merci", "aide", "accord", "dacc", "daccord"}
    | {"entendu", "compris", "parfait", "nuit"}
)
KEEP_LANGUAGE = frozenset({"more", "menu", "help", "status"})  # MORE after French stays French
LEAVE_ANY_STEP = frozenset({"menu", "help", "status"})
ORDINALS = {
    "first": 1,
    "1st": 1,
    "premier": 1,
    "premiere": 1,
    "second": 2,
    "2nd": 2,
    "deuxieme": 2,
    "seconde": 2,
    "third": 3,
    "3rd": 3,
    "troisieme": 3,
}
STATUS_WITH_CODE = re.compile(
    r"^\s*(status|statut|case|dossier)\b.*\b[a-z0-9]{4}-?[a-z0-9]{4}\b", re.I
)
_DIGIT = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
# The words a question opens with (on normalized text), for messages without a question mark.
ASKS = re.compile(
    r"(is|are|am|can|could|do|does|did|will|would|should|shall|how|what|whats|when|where|"
    r"who|whos|why|which|est ce|peut|peux|puis|pouvez|comment|quand|ou est|qui|quoi|pourquoi|"
    r"quel|quelle|quels|quelles|combien|cest quoi|c est quoi|y a t il)\b(?! not\b)"
)


def disclosure(analysis: Analysis) -> bool:
    """Abuse is one of the two best topics and likely enough to answer it first."""
    return any(t == DISCLOSURE_TOPIC and p >= DISCLOSURE_AT for t, p in analysis.topics[:2])


def reply_mode(analysis: Analysis) -> str:
    """What the topic probabilities call for: "answer", "not_sure" or "clarify"."""
    if disclosure(analysis):
        return "answer"
    (best, p), (second, q) = analysis.topics[:2]
    if best == OFFTOPIC or p < NOT_SURE_BELOW:
        return "not_sure"
    if p < CLARIFY_BELOW and q >= CLARIFY_SECOND and second != OFFTOPIC:
        return "clarify"
    return "answer"


def unsure_near_safety(analysis: Analysis) -> bool:
    """Abuse or feeling unsafe may be what the sender means, and the reply is about something
    else or unsure."""
    if disclosure(analysis):
        return False
    second, q = analysis.topics[1]
    if second in SAFETY_TOPICS and q >= SAFETY_SECOND_AT:
        return True
    near = any(t in SAFETY_TOPICS and p >= SAFETY_UNSURE_AT for t, p in analysis.topics[:2])
    return near and reply_mode(analysis) != "answer"


def needs_support(analysis: Analysis) -> bool:
    """Feeling unsafe or hurting oneself may be part of what the sender means."""
    return any(t == "mental-health" and p >= SUPPORT_AT for t, p in analysis.topics[:2])


def asked_beside_danger(body: str, analysis: Analysis) -> str | None:
    """The topic to answer after the 911 reply when a message in danger also asks a question
    ("is the sro in today? a kid has a knife", "my son says 'i want to die', should i worry?"):
    only a question, and only a topic the model would answer on its own; else None."""
    if "?" not in body and not ASKS.match(normalize(body)):
        return None
    if disclosure(analysis):
        return DISCLOSURE_TOPIC
    best, p = analysis.topics[0]
    return None if best == OFFTOPIC or p < NOT_SURE_BELOW else best


class Engine:
    """Answers one message at a time; per-sender state lives in the injected store."""

    def __init__(
        self,
        kb: KnowledgeBase,
        store: StateStore | None = None,
        desk: Desk | None = None,
        models: Models | None = None,
        spool: Spool | None = None,
        step_minutes: float = DEFAULT_STEP_MINUTES,
    ):
        self.kb = kb
        self.step_minutes = step_minutes
        self.spool = spool  # where danger waits while the database is down (None: nowhere)
        self._spooled = False  # this process kept something there since its last replay
        self.models = models or load_or_train(kb)
        self.store = store or MemoryStore()
        self.desk = desk  # schools, presence, notices, escalation (None: FAQ only)

    def assess(self, text: str) -> Triage:
        """Triage alone, for callers that must know about danger before anything else."""
        return triage(text, self.models.analyze(text))

    def forget(self, channel: str, sender: str) -> None:
        """Drop what the bot remembers of a sender (an SMS STOP): after START nothing resumes."""
        self.store.put(sender_key(channel, sender), ConversationState())

    def handle(self, message: Message) -> list[Reply]:
        """Every reply to one incoming message, in order. If anything fails (the database is
        down, say), danger still gets its 911 reply, since recognising it needs only the models,
        which are in memory; the message waits in the spool for its case. Anything else gets
        an apology that opens with the 911 line."""
        try:
            replies = self._handle(message)
        except Exception as exc:
            log.error("answer failed (%s); answering without storage", type(exc).__name__)
            return self._without_storage(message)
        if self._spooled:
            self.replay_spool()  # storage answers again: open the cases that waited
        return replies

    def _without_storage(self, message: Message) -> list[Reply]:
        """The 911 reply and what became of the office alert, or the apology; no state."""
        body = message.text.strip()
        analysis = self.models.analyze(body)
        verdict = triage(body, analysis)
        lang = _language(analysis.french, "en", body)
        if not verdict.emergency:
            return [self._plain(wording("unavailable", lang), lang)]
        note = "office_not_told"
        if self.spool is not None:
            try:
                self.spool.keep(message)
                self._spooled, note = True, "office_later"
            except OSError as exc:
                log.error("spool write failed (%s)", type(exc).__name__)
        return [
            self._emergency(verdict, lang),
            Reply(wording(note, lang), emergency=True, lang=lang),
        ]

    def replay_spool(self) -> int:
        """Open the URGENT cases of danger reports kept while storage was down; how many."""
        if self.spool is None or self.desk is None:
            return 0
        try:
            done = self.spool.replay(self._replayed)
        except Exception as exc:
            log.error("spool replay stopped (%s)", type(exc).__name__)
            return 0
        self._spooled = False
        return done

    def _replayed(self, message: Message) -> None:
        assert self.desk is not None
        key = sender_key(message.channel, message.sender)
        state = self.store.get(key)
        _, state = self.desk.urgent(message.text, state, message)
        self.store.put(key, state)

    def _handle(self, message: Message) -> list[Reply]:
        key = sender_key(message.channel, message.sender)
        state = _fresh(self.store.get(key), message.received_at, self.step_minutes)
        body = message.text.strip()
        relayed = self.desk.staff_relay(body, state, message) if self.desk else None
        if relayed:  # an office writing back about a case, not someone in danger
            reply, state = relayed
            self._keep(key, state, message)
            return [reply]
        analysis = self.models.analyze(body)
        command = self._command_of(body)
        after = _after_danger(state, message.received_at, self.step_minutes)
        lang = _language(analysis.french, state.lang, body, command in KEEP_LANGUAGE)
        verdict = triage(body, analysis)
        support = needs_support(analysis)
        if command or message.choice:
            verdict, support = _as_command(verdict, command)
        elif not verdict.emergency and unsure_near_safety(analysis):
            verdict = replace(verdict, caution=True)
        if after and not verdict.emergency:  # minutes after an emergency: 911 first, every reply
            verdict, support = replace(verdict, caution=True), support or after == "lines"
        if verdict.emergency:
            state = replace(_danger_seen(state, verdict, message), lang=lang, pending_choices=())
            urgent, state = self.desk.urgent(body, state, message) if self.desk else ([], state)
            first, also = self._emergency(verdict, lang), []
            topic = asked_beside_danger(body, analysis)
            if topic:  # the question asked beside the danger, answered briefly after the 911 reply
                topic = _safe_topic(topic, state)
                short = _wording(self.kb.entry(topic, lang), False, analysis.adult >= ADULT_AT)
                also = [self._plain(short, lang, topic, analysis.topics[0][1])]
                first, state = replace(first, topic=topic), replace(state, last_topic=topic)
            self._keep(key, state, message)
            return [first, *also, *urgent]  # 911 first; what the office step asks, last
        reply, state = self._respond(body, replace(state, lang=lang), message, analysis, command)
        unsure = wording("not_sure", reply.lang)
        if after and reply.text.startswith(unsure):  # the office's offer may follow it
            advice = _still_in_danger(state, reply.lang)
            reply = replace(reply, text=reply.text.replace(unsure, advice, 1))
        elif after and reply.topic == "non-emergency":  # not the line for when no one is in danger
            reply = replace(reply, text=f"{_still_in_danger(state, reply.lang)}\n{reply.text}")
        if self.desk:
            reply, state = self.desk.lockdown(reply, body, state, message)
        self._keep(key, state, message)
        if verdict.caution and not _DIGIT.match(body):
            opening = wording("caution", reply.lang)  # maybe danger: 911 first, then the answer
            reply = replace(reply, text=f"{opening}\n{reply.text}", caution=True)
        if support and reply.topic not in SAFETY_TOPICS:  # those answers give the lines already
            support_line = wording("support", reply.lang)
            reply = replace(reply, text=f"{reply.text}\n{support_line}", crisis_lines=True)
        return [reply]

    def _keep(self, key: str, state: ConversationState, message: Message) -> None:
        """Store the state, stamped with this message's time (steps expire from it)."""
        stamped = {**state.extra, "at": message.received_at.isoformat()}
        self.store.put(key, replace(state, extra=stamped))

    def _respond(
        self,
        body: str,
        state: ConversationState,
        message: Message,
        analysis: Analysis,
        command: str | None,
    ):
        channel = message.channel
        if not body and not message.choice:
            return self._plain(wording("empty", state.lang), state.lang), state
        if (command in LEAVE_ANY_STEP or message.choice in self.kb.topic_ids) and self.desk:
            state = self.desk.leave(state)  # HELP, MENU, STATUS, a topic button end any step
        pending = self.desk.pending(body, state, message) if self.desk else None
        if pending:
            return pending
        if self.desk:
            state = self.desk.moved_on(state)  # a step not answered is over
        picked = self._picked(body, state, message.choice)
        if picked:
            return self._answer(picked, 1.0, state, channel)
        if state.pending_choices and _DIGIT.match(body):
            return self._clarify_again(state)
        if command == "status" and self.desk:
            return self.desk.status(state, message)
        if command and command != "status":
            return self._command(command, state, channel)
        if not _has_words(body):  # "3", "??", an emoji: nothing to answer or pass on
            return self._plain(wording("not_sure", state.lang), state.lang), state
        reply, state = self._match(analysis, state, channel)
        (best, p), _ = analysis.topics[:2]
        offtopic = best == OFFTOPIC and p >= SURELY_OFFTOPIC
        if self.desk:
            return self.desk.decorate(reply, body, state, message, offtopic=offtopic)
        return reply, state

    @staticmethod
    def _command_of(body: str) -> str | None:
        """The command a message is (menu, help, status...), if it is one."""
        if STATUS_WITH_CODE.match(body):
            return "status"
        words = normalize(body)
        if not words:
            return _emoji_courtesy(body)
        return COMMANDS.get(body.lower().strip(" .!?")) or COMMANDS.get(words) or _courtesy(words)

    def _picked(self, body: str, state: ConversationState, choice: str = "") -> str | None:
        """The topic a button, a number, an ordinal ("the second one") or an option's own
        words pick; None when the message picks nothing."""
        if choice in self.kb.topic_ids:
            return choice
        options = state.pending_choices
        m = _DIGIT.match(body)
        if m:
            n = int(m.group(1))
            return options[n - 1] if 1 <= n <= len(options) else None
        words = normalize(body)
        ordinal = next((n for word, n in ORDINALS.items() if re.search(rf"\b{word}\b", words)), 0)
        if options and 1 <= ordinal <= len(options) and len(words.split()) <= 4:
            return options[ordinal - 1]
        titles = [normalize(self.kb.entry(t, state.lang).title) for t in options]
        return next(
            (t for t, title in zip(options, titles, strict=True) if words and words == title), None
        )

    def _clarify_again(self, state: ConversationState):
        """A number that is not one of the options: show the options again."""
        topics = tuple((t, 0.0) for t in state.pending_choices)
        if tuple(state.pending_choices) == MENU_TOPICS:
            return self._menu(state)
        return self._clarify(topics, state)

    def _command(self, command: str, state: ConversationState, channel: str):
        lang = state.lang
        if command == "menu":
            return self._menu(state)
        if command == "help":
            return self._answer("bot-help", 1.0, state, channel)
        if command == "more":
            if not state.last_topic:
                return self._plain(wording("no_more", lang), lang), state
            entry = self.kb.entry(state.last_topic, lang)
            body = _wording(entry, True, bool(state.extra.get("adult")))
            return self._plain(body, lang, entry.id), state
        return self._plain(wording(command, lang), lang), replace(state, pending_choices=())

    def _match(self, analysis: Analysis, state: ConversationState, channel: str):
        (best, p), (second, q) = analysis.topics[:2]
        adult = analysis.adult >= ADULT_AT
        if disclosure(analysis):
            return self._answer(DISCLOSURE_TOPIC, max(p, q), state, channel, adult)
        mode = reply_mode(analysis)
        if mode == "not_sure":
            reply = self._plain(wording("not_sure", state.lang), state.lang, confidence=p)
            return reply, replace(state, pending_choices=())
        if mode == "clarify":
            return self._clarify(((best, p), (second, q)), state)
        return self._answer(best, p, state, channel, adult)

    def _answer(
        self,
        topic: str,
        confidence: float,
        state: ConversationState,
        channel: str,
        adult: bool = False,
    ):
        topic = _safe_topic(topic, state)
        entry = self.kb.entry(topic, state.lang)
        again = state.extra.get("answered") == topic  # the short again would say nothing new
        body = _wording(entry, again or channel in LONG_ANSWER_CHANNELS, adult)
        reply = self._plain(body, state.lang, topic, confidence)
        extra = {**state.extra, "adult": adult, "answered": topic}  # MORE: the same words
        if topic == DISCLOSURE_TOPIC:
            extra["disclosed"] = 1
        return reply, replace(state, last_topic=topic, pending_choices=(), extra=extra)

    def _clarify(self, best: tuple[tuple[str, float], ...], state: ConversationState):
        """ "Did you mean 1) ... or 2) ...?" with a button per topic."""
        titles = tuple(self.kb.entry(topic, state.lang).title.rstrip("?") for topic, _ in best)
        options = f" {wording('or', state.lang)} ".join(
            f"{n}) {title}" for n, title in enumerate(titles, 1)
        )
        reply = Reply(
            text=wording("did_you_mean", state.lang).format(options=options),
            reminder=reminder(state.lang),
            choices=titles,
            choice_ids=tuple(topic for topic, _ in best),
            topic=best[0][0],
            confidence=best[0][1],
            lang=state.lang,
        )
        return reply, replace(state, pending_choices=tuple(topic for topic, _ in best))

    def _menu(self, state: ConversationState):
        titles = tuple(self.kb.entry(t, state.lang).title for t in MENU_TOPICS)
        lines = "\n".join(f"{n}) {title}" for n, title in enumerate(titles, 1))
        reply = Reply(
            text=f"{wording('menu', state.lang)}\n{lines}",
            reminder=reminder(state.lang),
            choices=titles,
            choice_ids=MENU_TOPICS,
            topic="bot-help",
            confidence=1.0,
            lang=state.lang,
        )
        return reply, replace(state, pending_choices=MENU_TOPICS)

    @staticmethod
    def _plain(body: str, lang: str, topic: str | None = None, confidence: float = 0.0) -> Reply:
        return Reply(body, topic=topic, confidence=confidence, lang=lang, reminder=reminder(lang))

    @staticmethod
    def _emergency(verdict: Triage, lang: str) -> Reply:
        """911 first, then what to do for the two most urgent kinds of danger, then the crisis
        lines when anyone may hurt themselves (worded for a friend when it is someone else)."""
        lines = [wording("emergency", lang)]
        advice = _advice(verdict)
        crisis = _crisis_line(verdict, advice)
        lines += [wording(c, lang) for c in (*advice, *([crisis] if crisis else []))]
        return Reply(" ".join(lines), emergency=True, confidence=1.0, lang=lang)


def _advice(verdict: Triage) -> list[str]:
    """What to do, for the two most urgent kinds of danger (wording keys)."""
    advice = [c for c in verdict.categories if c != "self-harm"]
    if verdict.sender_at_risk:  # "stay with the person" is for a bystander
        advice = ["overdose-self" if c == "overdose" else c for c in advice]
    if verdict.kind_unsure and advice:  # a guess at the kind: advice that fits any danger
        advice = ["any-danger"]
    return advice[:2]


def _crisis_line(verdict: Triage, advice: list[str]) -> str | None:
    """The crisis lines an emergency reply ends with: for the sender, for someone else, or
    only the numbers when the overdose advice already says to stay with the person and call."""
    if verdict.self_harm:
        line = "self-harm-other" if verdict.someone_else else "self-harm"
    elif "overdose" in verdict.categories:  # pills may be taken on purpose
        line = "self-harm" if verdict.sender_at_risk else "self-harm-other"
    else:
        return None
    return "crisis-other" if line == "self-harm-other" and "overdose" in advice else line


def _wording(entry: Entry, long: bool, adult: bool) -> str:
    """The entry's long or short answer, worded for an adult when asked and when it has one."""
    if adult and entry.adult_short and entry.adult_long:
        return entry.adult_long if long else entry.adult_short
    return entry.long if long else entry.short


# What the state forgets when a conversation stops for the step window: an office step, the
# last topic answered, and that an emergency reply was given or abuse came up (sensitive; kept
# only while it is of use).
EXPIRING = frozenset(
    {"esc", "await", "danger_at", "danger_lines", "danger_advice", "disclosed", "answered"}
)


def _fresh(state: ConversationState, now: datetime, minutes: float) -> ConversationState:
    """The state without the choices and steps of a conversation left more than `minutes`
    ago: a late "ok" or "1" must not act on a question nobody remembers."""
    at = state.extra.get("at")
    if not at or now - datetime.fromisoformat(at) <= timedelta(minutes=minutes):
        return state
    extra = {k: v for k, v in state.extra.items() if k not in EXPIRING}
    return replace(state, pending_choices=(), extra=extra)


def _courtesy(words: str) -> str | None:
    """ "bye", "thanks" or "greeting" when the words are only courtesy ("thank you very much",
    "hello there", "ok thanks, bye"); None otherwise."""
    tokens = set(words.split())
    if not tokens <= COURTESY_WORDS.union(*COURTESY.values()):
        return None
    return next((command for command, kind in COURTESY.items() if tokens & kind), None)


def _as_command(verdict: Triage, command: str | None) -> tuple[Triage, bool]:
    """The verdict on HELP, MENU, thanks, a farewell, a button: the bot's own words, answered as
    such. The 911 line comes first when the danger model took the message for danger, and for
    "😭"; the crisis lines follow when the model took it for self-harm ("goodbye"), and for "😭"."""
    sad = command == "sad"
    caution = verdict.emergency or sad
    return replace(verdict, emergency=False, caution=caution), verdict.self_harm or sad


def _danger_seen(state: ConversationState, verdict: Triage, message: Message) -> ConversationState:
    """The state remembering an emergency reply: when, whether it gave the crisis lines, and
    whether abuse was disclosed."""
    lines = verdict.self_harm or "overdose" in verdict.categories
    at = message.received_at.isoformat()
    seen = _with(state, danger_at=at, danger_lines=lines or None, danger_advice=_advice(verdict))
    return _with(seen, disclosed=1) if "abuse" in verdict.categories else seen


def _after_danger(state: ConversationState, now: datetime, minutes: float) -> str:
    """ "lines" or "911" within `minutes` of an emergency reply that gave the crisis lines or
    not, "" otherwise: a follow-up ("should i wait 24 hours?", "idk", "ok") still gets the 911
    line first, and the crisis lines again after a self-harm emergency."""
    at = state.extra.get("danger_at")
    if not at or now - datetime.fromisoformat(at) > timedelta(minutes=minutes):
        return ""
    return "lines" if state.extra.get("danger_lines") else "911"


def _still_in_danger(state: ConversationState, lang: str) -> str:
    """Instead of "not sure", minutes after an emergency reply ("will we get in trouble if we
    call?", "idk"): that emergency's advice again, or a few kind words after a self-harm one."""
    advice = state.extra.get("danger_advice") or ["sad"]
    return " ".join(wording(key, lang) for key in advice)


def _safe_topic(topic: str, state: ConversationState) -> str:
    """The topic to answer: the abuse answer instead of the parent-notification one once abuse
    came up in the conversation (a child who disclosed abuse is never told a parent is told)."""
    return DISCLOSURE_TOPIC if topic == NOTIFY_TOPIC and state.extra.get("disclosed") else topic


def _with(state: ConversationState, **extra) -> ConversationState:
    """The state with these extra values set (None removes one)."""
    kept = {k: v for k, v in {**state.extra, **extra}.items() if v is not None}
    return replace(state, extra=kept)


def _emoji_courtesy(body: str) -> str | None:
    """ "ok", "thanks", "greeting" or "sad" for a message of emoji of one of those kinds only
    ("👍", "😭😭"); None otherwise."""
    kinds = {EMOJI_COURTESY.get(c) for c in EMOJI_MODIFIERS.sub("", body)}
    return kinds.pop() if len(kinds) == 1 else None


def _has_words(body: str) -> bool:
    """Whether a message has a word in it (not only digits, punctuation or emoji)."""
    return bool(re.search(r"[^\W\d_]{2,}", body))


def _language(french: float, current: str, body: str = "", keep: bool = False) -> str:
    """French or English when the language model is sure; for a command of no language
    ("more" after a French answer) or when the model is unsure ("ok", "1", names), French for a
    French courtesy word ("bonsoir", "merci", "aide"), else the conversation's language."""
    courtesy = bool(set(normalize(body).split()) & FRENCH_COURTESY)
    if keep or SURE_OF_LANGUAGE > french > 1 - SURE_OF_LANGUAGE:
        return "fr" if courtesy else current
    return "fr" if french >= SURE_OF_LANGUAGE else "en"


def build_engine(
    kb_dir: Path | None = None,
    store: StateStore | None = None,
    desk: Desk | None = None,
    model_cache: Path | None = None,
    spool: Spool | None = None,
    step_minutes: float = DEFAULT_STEP_MINUTES,
) -> Engine:
    """Load and validate the knowledge base, load (or train once) the models, return a ready
    engine. Training says so on stderr."""
    kb = load(kb_dir, sms_suffix=REMINDER)
    models = load_or_train(kb, model_cache, say=lambda line: print(line, file=sys.stderr))
    return Engine(kb, store, desk, models, spool=spool, step_minutes=step_minutes)
