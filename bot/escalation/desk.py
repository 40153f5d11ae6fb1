"""What the engine asks of the schools directory and the school offices: presence answers,
office notices, the escalation offer and flow, case status, URGENT cases, staff SMS replies,
and the list of questions the bot could not answer."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from bot.escalation import cases
from bot.escalation.flow import (
    SHORT_ANSWER_WORDS,
    Escalation,
    Flow,
    Notifier,
    NullNotifier,
    plain,
    with_esc,
)
from bot.messages import Message, Reply
from bot.privacy import mask, sender_key
from bot.schools.directory import SchoolDirectory, SchoolInfo
from bot.schools.presence import day_asked, local_date, names_a_day, presence_text
from bot.state import ConversationState
from bot.storage.db import Database
from bot.storage.models import Case, School, Unanswered
from bot.wording.escalation import text as wording
from faq.normalize import normalize

OFFER_TOPICS = frozenset({"contact-sro", "report-crime", "bullying", "cyberbullying"})
ASKS_FOR_PERSON = re.compile(
    r"\b(real person|human|talk to (someone|somebody|a person|my sro|the sro)|"
    r"speak (to|with) (someone|somebody|a person)|contact (my|the) sro|une vraie personne)\b"
)
STAFF_REPLY = re.compile(r"^\s*SRO-?(\d{4,9})\b[\s:,.-]*(.+)$", re.I | re.S)


class Desk:
    """The schools-and-offices side of the engine; cases=False keeps it to answers only."""

    def __init__(
        self,
        db: Database,
        notifier: Notifier | None = None,
        *,
        cases: bool = True,
        office_url: str = "",
    ):
        self.db = db
        self.schools = SchoolDirectory(db)
        self.notifier = notifier or NullNotifier()
        self.cases = cases
        self.flow = Flow(db, self.schools, self.notifier, office_url)  # alerts link to it

    def staff_relay(self, body: str, state: ConversationState, message: Message):
        """An office's SMS reply to a case ("SRO-1001 ..."), relayed to the sender; or None.
        The engine asks this before triage: staff write about danger without being in it."""
        if message.channel == "sms" and self.cases and STAFF_REPLY.match(body):
            return self._staff_sms(body, message, state)
        return None

    @staticmethod
    def leave(state: ConversationState) -> ConversationState:
        """The state without a pending step (escalation or "which school?")."""
        extra = {k: v for k, v in state.extra.items() if k not in ("esc", "await")}
        return replace(state, extra=extra)

    @staticmethod
    def moved_on(state: ConversationState) -> ConversationState:
        """After a message that answered no step: the step is over, except an URGENT report
        still waiting for its school (a question in between must not lose it)."""
        esc = Escalation.of(state)
        if esc is not None and esc.urgent:
            return state
        return Desk.leave(state)

    def pending(self, body: str, state: ConversationState, message: Message):
        """The next step of a conversation this desk started; or None."""
        if state.extra.get("await") == "presence-school":
            return self._presence_school(body, state, message)
        if self._presence_follow_up(body, state):  # "what about thurs?" after a presence answer
            school = self.schools.match(body) or self.schools.get(state.extra.get("school", ""))
            reply = plain("", state.lang, topic="sro-presence", confidence=1.0)
            return self._presence(reply, body, school, state, message)
        if "esc" in state.extra and self.cases:
            return self.flow.step(body, state, message)
        return None

    @staticmethod
    def _presence_follow_up(body: str, state: ConversationState) -> bool:
        """A short message naming a day, right after a presence answer with a school known."""
        short = len(body.split()) <= SHORT_ANSWER_WORDS
        known = bool(state.extra.get("school"))
        return state.last_topic == "sro-presence" and known and short and names_a_day(body)

    def decorate(
        self,
        reply: Reply,
        body: str,
        state: ConversationState,
        message: Message,
        *,
        offtopic: bool = False,
    ):
        """Adjust a FAQ answer: the school's notice, presence, the offer, unanswered log
        (offtopic: the model is sure it is not for this bot: nothing to pass on, no offer)."""
        school = self.schools.match(body)
        if school:
            state = replace(state, extra={**state.extra, "school": school.slug})
        school = school or self.schools.get(state.extra.get("school", ""))
        if reply.choices:  # "did you mean 1) or 2)?": wait for the pick
            return self._noticed(reply, school, message), state
        if reply.topic == "sro-presence":
            reply, state = self._presence(reply, body, school, state, message)
        elif reply.topic is None and self.cases:
            self._unanswered(body, school, reply, state)
        if self.cases and not message.shared and not offtopic and self._offers(reply, body):
            text = body if reply.topic is None else ""
            yes_no = (wording("yes", reply.lang), wording("no", reply.lang))
            offer = f"{reply.text} {wording('offer', reply.lang)}"
            reply = replace(reply, text=offer, choices=yes_no, choice_ids=("yes", "no"))
            state = self.flow.offer(state, text)
        return self._noticed(reply, school, message), state

    def _offers(self, reply: Reply, body: str) -> bool:
        asks = bool(ASKS_FOR_PERSON.search(normalize(body)))
        return reply.topic is None or reply.topic in OFFER_TOPICS or asks

    def lockdown(self, reply: Reply, body: str, state: ConversationState, message: Message):
        """During a lockdown at the sender's school every answer is the lockdown notice (MORE,
        a number, a menu pick, a clarification included), and no step or offer stays open."""
        school = self.schools.match(body) or self.schools.get(state.extra.get("school", ""))
        if school is None or not school.lockdown_active(message.received_at):
            return reply, state
        text = wording("lockdown_notice", reply.lang)
        notice = text.format(school=school.name, text=school.notice_text)
        plain_notice = Reply(notice, lang=reply.lang, reminder=reply.reminder)
        return plain_notice, replace(self.leave(state), pending_choices=())

    def _noticed(self, reply: Reply, school: SchoolInfo | None, message: Message) -> Reply:
        if school is None or not school.notice_active(message.received_at):
            return reply
        if school.notice_lockdown:
            return reply  # Desk.lockdown answers with the notice itself
        notice = wording("notice", reply.lang).format(school=school.name, text=school.notice_text)
        return replace(reply, text=f"{notice}\n\n{reply.text}")

    def _presence(self, reply, body, school, state, message):
        if school is None:
            ask = wording("which_school_presence", reply.lang)
            extra = {**state.extra, "await": "presence-school"}
            return replace(reply, text=f"{reply.text} {ask}"), replace(state, extra=extra)
        today = local_date(message.received_at)
        text = presence_text(school, day_asked(body, today), today, reply.lang)
        return replace(reply, text=text), state

    def _presence_school(self, body, state, message):
        extra = {k: v for k, v in state.extra.items() if k != "await"}
        state = replace(state, extra=extra)
        school = self.schools.match(body)
        if school is None and len(body.split()) <= SHORT_ANSWER_WORDS:
            return plain(wording("unknown_school", state.lang), state.lang), state
        if school is None:
            return None  # a new question, not a school name
        state = replace(state, extra={**extra, "school": school.slug})
        today = local_date(message.received_at)
        text = presence_text(school, today, today, state.lang)
        reply = plain(text, state.lang, topic="sro-presence", confidence=1.0)
        return self._noticed(reply, school, message), state

    def status(self, state: ConversationState, message: Message):
        """The sender's latest cases and the latest staff reply on each (never in a group)."""
        if message.shared:
            return plain(wording("private_only", state.lang), state.lang), state
        code = cases.code_in(message.text)
        found = (
            cases.case_by_code(self.db, code)
            if code
            else cases.cases_of_sender(self.db, sender_key(message.channel, message.sender))
        )
        if not found:
            return plain(wording("no_cases", state.lang), state.lang), state
        lines = []
        for case in found:
            status = wording(f"status_{case['status']}", state.lang)
            line = wording("status_line", state.lang).format(**{**case, "status": status})
            reply = wording("status_reply", state.lang).format(reply=case["reply"])
            lines.append(line + (reply if case["reply"] else ""))
        return plain("\n".join(lines), state.lang), state

    def urgent(self, body: str, state: ConversationState, message: Message):
        """After the 911 reply: an URGENT case for the school, or ask which school it is."""
        if not self.cases:
            return [], state
        school = self.schools.match(body) or self.schools.get(state.extra.get("school", ""))
        earlier = Escalation.of(state)
        if earlier is not None and earlier.text and earlier.step != "offer":
            body = f"{earlier.text}\n{body}"  # a report still waiting is kept, not replaced
        if school is None:
            esc = Escalation("school", body, urgent=True)
            ask = wording("urgent_ask_school", state.lang)
            return [Reply(ask, lang=state.lang, emergency=True)], with_esc(state, esc)
        reply, state = self.flow.open(message, state, school, body, urgent=True)
        return [replace(reply, emergency=True)], with_esc(state, None, school=school.slug)

    def _unanswered(self, body, school, reply, state) -> None:
        masked = mask(body)[:500]
        with self.db.session() as session:
            school_id = (
                session.scalar(select(School.id).where(School.slug == school.slug))
                if school
                else None
            )
            session.add(
                Unanswered(
                    school_id=school_id, lang=state.lang, text=masked, confidence=reply.confidence
                )
            )

    def _staff_sms(self, body: str, message: Message, state: ConversationState):
        m = STAFF_REPLY.match(body)
        if m is None:
            return None
        with self.db.session() as session:
            case = session.get(Case, int(m.group(1)) - 1000)
            phones = {case.school.office_phone, case.school.backup_phone} if case else set()
            if not case or message.sender not in phones - {""}:
                return None
            deliveries = cases.reply(session, case, "office SMS", m.group(2).strip())
            session.flush()
            ids, number = [d.id for d in deliveries], case.number
        self.notifier.deliveries_added(ids)
        return plain(wording("staff_sent", state.lang).format(number=number), state.lang), state
