"""What the engine asks of the schools directory and the school offices: presence answers,
office notices, the escalation offer and flow, case status, URGENT cases, staff SMS replies,
and the list of questions the bot could not answer."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import Text, cast, select

from bot.escalation import audit, cases
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
from bot.wording import alerts
from bot.wording.escalation import text as wording
from faq.normalize import normalize

OFFER_TOPICS = frozenset({"contact-sro", "report-crime", "bullying", "cyberbullying"})
ASKS_FOR_PERSON = re.compile(
    r"\b(real person|human|talk to (someone|somebody|a person|my sro|the sro)|"
    r"speak (to|with) (someone|somebody|a person)|contact (my|the) sro|une vraie personne)\b"
)
STAFF_CODE = rf"R-?[{cases.CODE_ALPHABET}]{{{cases.STAFF_CODE_LENGTH}}}"  # "R-K7PX3Q", "rk7px3q"
STAFF_REPLY = re.compile(rf"^\s*({STAFF_CODE})\b[\s:,.-]*(.*)$", re.I | re.S)
CASE_NUMBER_REPLY = re.compile(r"^\s*SRO-?\d{4,9}\b", re.I)  # the old form, "SRO-1001 ..."
RELAY_USER = "office SMS"  # the author of a relayed reply, and the audit's username


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
        """An office's SMS reply to a case ("R-K7PX3Q We will call you"), relayed to the
        sender, or a short staff-style refusal ("Not sent: ..."); None for anyone else's
        message. The engine asks this before triage: staff write about danger without being
        in it, and a refusal must not be a student's FAQ answer or 911 message.

        A relay needs both a registered staff mobile of the case's school (the school's
        staff_mobiles; its office, alert or backup phone count only when listed there) and
        the case's random reply code, typed in any case, with or without its dash.

        Which messages are relay attempts (each one audited, accepted or refused):
        - from a staff mobile: any message starting with a reply code or with a case number
          ("SRO-1001 ...", the old form, refused);
        - from any other number: only a message that clearly starts with a reply code, its
          dash or a digit included ("R-K7PX3Q ...", "rk7px3q ..."), which gets the same neutral
          refusal whether the code exists or not. "Request a meeting" starts like a code
          without being one, and a student may quote the case number of their own
          confirmation: such messages, and everything sent on other channels, take the normal
          student path (triage first), so a student in danger is never refused."""
        if message.channel != "sms" or not self.cases:
            return None
        code = STAFF_REPLY.match(body)
        if code is None and not CASE_NUMBER_REPLY.match(body):
            return None
        with self.db.session() as session:
            staff = _staff_schools(session, message.sender)
            if not staff and not (code and _clearly_a_code(code.group(1))):
                return None
            text, ids = _relay(session, code, staff, message.sender, state.lang)
        self.notifier.deliveries_added(ids)
        return Reply(text, lang=state.lang), state  # to staff: no 911 reminder

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
        if school is None and not self.schools.has_schools():
            return reply, state  # no schedules to check: the answer's advice (ask the office)
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


def _relay(session, code, staff: list[School], sender: str, lang: str) -> tuple[str, list[int]]:
    """Relay the reply, or refuse it; either way one audit entry. The answer to the staff
    member and the ids of the deliveries queued."""
    staff_code = _normalised(code.group(1)) if code else ""
    case = session.scalar(select(Case).where(Case.staff_code == staff_code)) if code else None
    kind, reason = _refusal(code, case, staff)
    who = f" from {audit.phone_ending(sender)}" if staff else ""  # no digits of a stranger
    school_id = case.school_id if case else (staff[0].id if staff else None)
    if kind:
        detail = f"sms relay refused ({reason}){who}"
        audit.record(session, RELAY_USER, "sms relay", school_id, case, detail)
        return alerts.staff_refusal(kind, case, staff_code), []
    assert code is not None and case is not None
    deliveries = cases.reply(session, case, RELAY_USER, code.group(2).strip())
    detail = f"sms relay accepted case {case.number}{who}"
    audit.record(session, RELAY_USER, "sms relay", school_id, case, detail)
    session.flush()
    sent = wording("staff_sent", lang).format(number=case.number)
    return sent, [d.id for d in deliveries]


def _staff_schools(session, sender: str) -> list[School]:
    """The schools that list this number among their staff mobiles."""
    if not sender:
        return []
    listed = cast(School.staff_mobiles, Text).contains(f'"{sender}"', autoescape=True)
    return [s for s in session.scalars(select(School).where(listed)) if sender in s.staff_mobiles]


def _clearly_a_code(code: str) -> bool:
    """A reply code no word looks like: with its dash or a digit ("request" is not one)."""
    return "-" in code or any(c.isdigit() for c in code)


def _normalised(code: str) -> str:
    """The code as stored: "rk7px3q" and "R-k7px3q" are "R-K7PX3Q"."""
    raw = code.upper().replace("-", "")
    return cases.STAFF_CODE_PREFIX + raw[1:]


def _refusal(code, case: Case | None, staff: list[School]) -> tuple[str, str]:
    """Why a relay attempt is refused, as (kind of answer, reason for the audit); ("", "")
    when it is accepted. Unknown number, unknown code and another school's code share one
    answer, so the answer never tells whether a case exists."""
    if not staff:
        return "no_match", "not a staff mobile"
    if code is None:
        return "case_number", "case number instead of reply code"
    if case is None:
        return "no_match", "unknown code"
    if case.school_id not in {school.id for school in staff}:
        return "no_match", "code of another school's case"
    if case.status == "resolved":
        return "resolved", "case resolved"
    if not code.group(2).strip():
        return "empty", "no reply text"
    return "", ""
