"""The escalation conversation: offer, the message, the school, consent, then a case.

Where a sender is lives in an Escalation (kept as a dict under ConversationState.extra["esc"]);
Flow.step dispatches on its step through an explicit table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal, Protocol

from bot.escalation.cases import NewCase, open_case
from bot.messages import Message, Reply
from bot.privacy import sender_key
from bot.schools.directory import SchoolDirectory, SchoolInfo
from bot.state import ConversationState
from bot.storage.db import Database
from bot.wording.escalation import text as wording
from bot.wording.safety import reminder

YES = frozenset("yes y yeah yep yup ok okay sure please oui ouais d'accord 1".split())
# The flow's own exit words. Carrier keywords (STOP, CANCEL, END, QUIT, UNSUBSCRIBE, ARRET) are
# never asked for: on SMS they unsubscribe the sender. Typed on the web or Telegram they still
# leave the flow.
EXIT = frozenset({"never mind", "nevermind", "nvm", "laisse tomber", "annuler la demande"})
NO = frozenset("no n nope nah non cancel".split()) | EXIT
CANCEL = frozenset("no non nope cancel".split()) | EXIT
SHORT_ANSWER_WORDS = 5  # after "which school?", a longer message is a new question
MAX_NAME = 60
MAX_TRIES = 2


class Notifier(Protocol):
    """Hands new outbox rows to whatever sends them (a queue in production)."""

    def deliveries_added(self, ids: Sequence[int]) -> None: ...

    def case_opened(self, case_id: int) -> None: ...


class NullNotifier:
    """Sends nothing now: rows wait in the outbox until a worker's sweep finds them."""

    def deliveries_added(self, ids: Sequence[int]) -> None:
        """Do nothing."""

    def case_opened(self, case_id: int) -> None:
        """Do nothing."""


def plain(text: str, lang: str, choices: tuple[str, ...] = (), **fields) -> Reply:
    """A reply ending with the 911 reminder."""
    return Reply(text, choices=choices, lang=lang, reminder=reminder(lang), **fields)


def word_of(body: str) -> str:
    """The body as one lowercase word, without punctuation around it."""
    return body.strip().lower().strip(" .!?")


Step = Literal["offer", "message", "school", "consent", "name"]


@dataclass(frozen=True)
class Escalation:
    """Where a sender is in the escalation conversation (kept as a dict in the state store)."""

    step: Step
    text: str = ""  # the message for the office (empty until given)
    school: str = ""  # the school's slug once known
    tries: int = 0  # school names not found so far
    urgent: bool = False  # after an emergency: open an URGENT case as soon as the school is known

    @classmethod
    def of(cls, state: ConversationState) -> Escalation | None:
        """The sender's escalation, if one is under way."""
        data = state.extra.get("esc")
        return cls(**data) if data else None


def with_esc(state: ConversationState, esc: Escalation | None, **extra) -> ConversationState:
    """State with the escalation step replaced (None clears it) and other extra keys set."""
    data = {k: v for k, v in state.extra.items() if k != "esc"}
    data.update(extra)
    if esc is not None:
        data["esc"] = asdict(esc)
    return replace(state, extra=data, pending_choices=())


def consent_keys(channel: str) -> tuple[str, ...]:
    """The consent options this channel allows: a number worth sharing exists only on SMS."""
    if channel == "sms":
        return ("share_number", "share_name", "anonymous")
    return ("share_name", "anonymous")


def picked(body: str, labels: tuple[str, ...]) -> int | None:
    """Index of the option chosen by number ("2", "2)") or by its words, else None."""
    m = re.fullmatch(r"\s*(\d)\s*[.)]?\s*", body)
    if m and 1 <= int(m.group(1)) <= len(labels):
        return int(m.group(1)) - 1
    answer = word_of(body)
    return next((i for i, o in enumerate(labels) if answer and answer in o.lower()), None)


class Flow:
    """Steps of the escalation conversation; a case is opened through the notifier."""

    def __init__(self, db: Database, schools: SchoolDirectory, notifier: Notifier, url: str = ""):
        self.db, self.schools, self.notifier, self.office_url = db, schools, notifier, url

    def offer(self, state: ConversationState, text: str) -> ConversationState:
        """Remember that the offer was made (text: the message to pass on, may be empty)."""
        return with_esc(state, Escalation("offer", text))

    def step(self, body: str, state: ConversationState, message: Message):
        """Continue the conversation; None when the sender moved on to something else."""
        esc = Escalation.of(state)
        if esc is None:
            return None
        if word_of(body) in CANCEL and esc.step != "offer":
            return plain(wording("cancelled", state.lang), state.lang), with_esc(state, None)
        steps = {
            "offer": self._offer,
            "message": self._message,
            "school": self._school,
            "consent": self._consent,
            "name": self._name,
        }
        return steps[esc.step](body, esc, state, message)

    def _offer(self, body, esc, state, message):
        answer = message.choice or word_of(body)
        if answer in NO:
            return plain(wording("cancelled", state.lang), state.lang), with_esc(state, None)
        if answer not in YES:
            return None
        if not esc.text:
            return self._ask("ask_message", replace(esc, step="message"), state)
        return self._after_message(esc, state, message)

    def _message(self, body, esc, state, message):
        return self._after_message(replace(esc, text=body.strip()), state, message)

    def _after_message(self, esc, state, message):
        school = self.schools.get(state.extra.get("school", ""))
        if school is None:
            return self._ask("ask_school", replace(esc, step="school", tries=0), state)
        return self._ask_consent(replace(esc, school=school.slug), state, message)

    def _school(self, body, esc, state, message):
        school = self.schools.match(body)
        if school is None and len(body.split()) > SHORT_ANSWER_WORDS:
            return None  # a new question, not a school name: answer it
        if school is None and esc.tries + 1 >= MAX_TRIES:
            unknown = wording("unknown_school", state.lang)
            return plain(unknown, state.lang), with_esc(state, None)
        if school is None:
            return self._ask("school_again", replace(esc, tries=esc.tries + 1), state)
        state = with_esc(state, esc, school=school.slug)
        if esc.urgent:
            return self.open(message, state, school, esc.text, urgent=True)
        return self._ask_consent(replace(esc, school=school.slug), state, message)

    def _ask_consent(self, esc, state, message):
        keys = consent_keys(message.channel)
        labels = tuple(wording(k, state.lang) for k in keys)
        key = "consent_sms" if message.channel == "sms" else "consent_other"
        reply = plain(wording(key, state.lang), state.lang, labels, choice_ids=keys)
        return reply, with_esc(state, replace(esc, step="consent"))

    def _consent(self, body, esc, state, message):
        keys = consent_keys(message.channel)
        index = keys.index(message.choice) if message.choice in keys else None
        if index is None:
            index = picked(body, tuple(wording(k, state.lang) for k in keys))
        if index is None and len(body.split()) > SHORT_ANSWER_WORDS:
            return None  # a new question: answer it (nothing is sent)
        if index is None:
            return self._ask_consent(esc, state, message)
        if keys[index] == "share_name":
            return self._ask("ask_name", replace(esc, step="name"), state)
        school = self.schools.get(esc.school)
        return self.open(message, state, school, esc.text, share=keys[index] == "share_number")

    def _name(self, body, esc, state, message):
        if len(body.split()) > SHORT_ANSWER_WORDS:
            return None  # a sentence, not a name: a new question
        school = self.schools.get(esc.school)
        return self.open(message, state, school, esc.text, name=body.strip()[:MAX_NAME])

    def _ask(self, key: str, esc: Escalation, state: ConversationState):
        return plain(wording(key, state.lang), state.lang), with_esc(state, esc)

    def open(self, message, state, school: SchoolInfo | None, text, **how):
        """Open the case, hand its alerts to the notifier, and confirm with the case number."""
        if school is None:
            return plain(wording("unknown_school", state.lang), state.lang), with_esc(state, None)
        new = NewCase(
            school_slug=school.slug,
            channel=message.channel,
            sender_key=sender_key(message.channel, message.sender),
            reply_to=message.sender,
            text=text,
            share_number=how.get("share", False),
            contact_name=how.get("name", ""),
            urgent=how.get("urgent", False),
            lang=state.lang,
        )
        case, deliveries = open_case(self.db, new, self.office_url)
        self.notifier.deliveries_added(deliveries)
        self.notifier.case_opened(case.id)
        key = "urgent_opened" if new.urgent else "opened"
        confirm = wording(key, state.lang).format(
            number=case.number, school=school.name, code=case.code
        )
        return plain(confirm, state.lang), with_esc(state, None)
