"""The conversation engine: one synchronous call, read top to bottom.

staff relay -> triage -> commands and pending state -> FAQ match -> fallback.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot import language
from bot.messages import Message, Reply
from bot.privacy import sender_key
from bot.state import ConversationState, MemoryStore, StateStore
from bot.triage import Triage, triage
from bot.wording.replies import text as wording
from bot.wording.safety import REMINDER, reminder
from faq.loader import KnowledgeBase, load
from faq.matcher import OFFTOPIC, Match, Matcher
from faq.normalize import normalize

if TYPE_CHECKING:
    from bot.escalation.desk import Desk

THRESHOLD = 0.30
CLOSE_MARGIN = 0.03
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
_DIGIT = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


class Engine:
    """Answers one message at a time; per-sender state lives in the injected store."""

    def __init__(
        self, kb: KnowledgeBase, store: StateStore | None = None, desk: Desk | None = None
    ):
        self.kb = kb
        self.matcher = Matcher(kb)
        self.store = store or MemoryStore()
        self.desk = desk  # schools, presence, notices, escalation (None: FAQ only)

    def handle(self, message: Message) -> list[Reply]:
        """Every reply to one incoming message, in order."""
        key = sender_key(message.channel, message.sender)
        state = self.store.get(key)
        body = message.text.strip()
        lang = language.detect(body, default=state.lang)
        relayed = self.desk.staff_relay(body, state, message) if self.desk else None
        if relayed:  # an office writing back about a case, not someone in danger
            reply, state = relayed
            self.store.put(key, state)
            return [reply]
        verdict = triage(body)
        if verdict.emergency:
            state = replace(state, lang=lang, pending_choices=())
            urgent, state = self.desk.urgent(body, state, message) if self.desk else ([], state)
            self.store.put(key, state)
            return [self._emergency(verdict, lang), *urgent]  # the 911 reply always comes first
        reply, state = self._respond(body, replace(state, lang=lang), message)
        self.store.put(key, state)
        return [reply]

    def _respond(self, body: str, state: ConversationState, message: Message):
        channel = message.channel
        if not body:
            return self._plain(wording("empty", state.lang), state.lang), state
        pending = self.desk.pending(body, state, message) if self.desk else None
        if pending:
            return pending
        picked = self._picked(body, state)
        if picked:
            return self._answer(picked, 1.0, state, channel)
        command = COMMANDS.get(body.lower().strip(" .!?")) or COMMANDS.get(normalize(body))
        if command == "status" and self.desk:
            return self.desk.status(state, message)
        if command and command != "status":
            return self._command(command, state, channel)
        reply, state = self._match(body, state, channel)
        return self.desk.decorate(reply, body, state, message) if self.desk else (reply, state)

    def _picked(self, body: str, state: ConversationState) -> str | None:
        m = _DIGIT.match(body)
        if m and 1 <= int(m.group(1)) <= len(state.pending_choices):
            return state.pending_choices[int(m.group(1)) - 1]
        return None

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
            return self._plain(entry.long, lang, entry.id), state
        return self._plain(wording(command, lang), lang), replace(state, pending_choices=())

    def _match(self, body: str, state: ConversationState, channel: str):
        ranked = self.matcher.rank(body, state.lang)
        if not ranked or ranked[0].topic == OFFTOPIC or ranked[0].score < THRESHOLD:
            score = ranked[0].score if ranked else 0.0
            reply = self._plain(wording("not_sure", state.lang), state.lang, confidence=score)
            return reply, replace(state, pending_choices=())
        if (
            len(ranked) > 1
            and ranked[1].topic != OFFTOPIC
            and ranked[0].score - ranked[1].score < CLOSE_MARGIN
        ):
            return self._clarify(ranked[:2], state)
        return self._answer(ranked[0].topic, ranked[0].score, state, channel)

    def _answer(self, topic: str, confidence: float, state: ConversationState, channel: str):
        entry = self.kb.entry(topic, state.lang)
        body = entry.long if channel in LONG_ANSWER_CHANNELS else entry.short
        reply = self._plain(body, state.lang, topic, confidence)
        return reply, replace(state, last_topic=topic, pending_choices=())

    def _clarify(self, best: list[Match], state: ConversationState):
        titles = tuple(self.kb.entry(m.topic, state.lang).title for m in best)
        options = f" {wording('or', state.lang)} ".join(
            f"{n}) {title}" for n, title in enumerate(titles, 1)
        )
        reply = Reply(
            text=wording("did_you_mean", state.lang).format(options=options),
            reminder=reminder(state.lang),
            choices=titles,
            topic=best[0].topic,
            confidence=best[0].score,
            lang=state.lang,
        )
        return reply, replace(state, pending_choices=tuple(m.topic for m in best))

    def _menu(self, state: ConversationState):
        titles = tuple(self.kb.entry(t, state.lang).title for t in MENU_TOPICS)
        lines = "\n".join(f"{n}) {title}" for n, title in enumerate(titles, 1))
        reply = Reply(
            text=f"{wording('menu', state.lang)}\n{lines}",
            reminder=reminder(state.lang),
            choices=titles,
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
        lines = [wording("emergency", lang)]
        lines += [wording(c, lang) for c in verdict.categories if c != "self-harm"][:1]
        if verdict.self_harm:
            lines.append(wording("self-harm", lang))
        return Reply(" ".join(lines), emergency=True, confidence=1.0, lang=lang)


def build_engine(
    kb_dir: Path | None = None, store: StateStore | None = None, desk: Desk | None = None
) -> Engine:
    """Load and validate the knowledge base, build the index once, return a ready engine."""
    return Engine(load(kb_dir, sms_suffix=REMINDER), store=store, desk=desk)
