"""Conversations as data: every script in tests/conversations/ runs turn by turn through the
engine and through the SMS, Telegram and web adapters of the real app.

A script (YAML) lists the channels it runs on and its turns; `group: true` puts its two
senders in one Telegram group. A turn says something (`say`), presses the Nth button of the
last reply (`press`), lets time pass (`wait_minutes`, engine only: the adapters stamp messages
with the real clock; such scripts say `modes: [engine]`), switches to another phone, tab or
group member (`new_sender`) or has the office reply to the latest case (`office_reply`). Its
checks: `has` / `lacks` (case-insensitive substrings of all the replies), `first_has` (of the
first reply), `topic` (engine only), `emergency`, `case` (whether this turn opened a case),
`case_text_has` (the latest case's text), `to_sender` (whether this turn queued a message to
the sender), `silent` (no reply at all).

Two rules hold for every turn of every script: an SMS reply never asks anyone to type a
carrier keyword, and a reply the engine marks as an emergency opens with the 911 line."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
import yaml
from conftest import TEST_ENV
from signed_sms import form_for, post_form
from sqlalchemy import func, select
from storage_fixtures import DEMO_SCHOOLS

from bot.escalation.cases import code_in
from bot.messages import Message
from bot.schools.importer import import_schools
from bot.storage.db import Database
from bot.storage.models import Case, CaseMessage, Delivery, School
from webhooks.app import create_app
from webhooks.config import load_env

SCRIPTS = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))
CHANNELS = ("sms", "telegram", "web")
MODES = ("engine", "adapter")
SENDERS = {  # (first, second) identity per channel: the second is another phone or tab
    "sms": ("+14035550177", "+14035550178"),
    "telegram": ("555001", "555002"),
    "web": ("conversation-test-1", "conversation-test-2"),
}
CARRIER_KEYWORDS = re.compile(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|STOPALL|ARRET)\b")
GROUP_CHAT = -100555
START = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Calgary
TURN_KEYS = {"say", "press", "wait_minutes", "office_reply", "has", "lacks", "first_has"}
TURN_KEYS |= {"topic", "emergency", "case", "to_sender", "silent", "new_sender", "case_text_has"}


def load_script(path: Path) -> dict:
    """A script, with its keys checked so a typo fails loudly instead of checking nothing."""
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(script) <= {"why", "channels", "modes", "lockdown", "group", "turns"}, path.name
    for n, turn in enumerate(script["turns"], 1):
        assert set(turn) <= TURN_KEYS, f"{path.name} turn {n}: unknown {set(turn) - TURN_KEYS}"
    return script


def cases_for_params() -> list:
    params = []
    for path in SCRIPTS:
        script = load_script(path)
        for channel in script.get("channels", CHANNELS):
            for mode in script.get("modes", MODES):
                params.append(pytest.param(path, channel, mode, id=f"{path.stem}-{channel}-{mode}"))
    return params


@dataclass
class Said:
    """What came back from one turn, the same shape whatever the channel."""

    texts: list[str]
    emergency: bool | None = None  # known in engine and web modes
    topic: str | None = None  # known in engine mode
    buttons: list[tuple[str, str]] | None = None  # (label, id) of the last reply's choices


class Conversation:
    """Sends turns through one channel, in engine or adapter mode."""

    def __init__(self, app, channel: str, mode: str, telegram_api, group: bool = False):
        self.app, self.channel, self.mode, self.telegram_api = app, channel, mode, telegram_api
        self.group = group  # a Telegram group: two members, one chat
        self.svc = app.extensions["sro"]
        self.client = app.test_client()
        self.clock = START
        self.sids = count(1)
        self.buttons: list[tuple[str, str]] = []
        self.sender = SENDERS[channel][0]
        self.code = ""  # the latest case code a reply gave

    def send(self, text: str, choice: str = "") -> Said:
        text = text.replace("{code}", self.code)
        said = self._engine(text, choice) if self.mode == "engine" else self._adapter(text, choice)
        self.buttons = said.buttons or []
        self.code = next(filter(None, map(code_in, said.texts)), self.code)
        return said

    def press(self, n: int) -> Said:
        if self.channel == "sms":  # SMS has no buttons: the number is typed
            return self.send(str(n))
        label, choice = self.buttons[n - 1]
        return self.send(label, choice)

    def _engine(self, text: str, choice: str) -> Said:
        sender = f"{GROUP_CHAT}:{self.sender}" if self.group else self.sender
        message = Message(self.channel, sender, text, self.clock, choice=choice, shared=self.group)
        replies = self.svc.engine.handle(message)
        last = replies[-1] if replies else None
        buttons = (
            list(zip(last.choices, last.choice_ids or last.choices, strict=True)) if last else []
        )
        return Said(
            [r.full_text for r in replies],
            emergency=bool(replies and replies[0].emergency),
            topic=replies[0].topic if replies else None,
            buttons=buttons,
        )

    def _adapter(self, text: str, choice: str) -> Said:
        return {"sms": self._sms, "telegram": self._telegram, "web": self._web}[self.channel](
            text, choice
        )

    def _sms(self, text: str, _choice: str) -> Said:
        status, texts = post_form(self.client, form_for(text, self.sender, next(self.sids)))
        assert status == 200
        assert len(texts) <= 1, "an SMS answer is one <Message>"
        return Said(texts)

    def _telegram(self, text: str, choice: str) -> Said:
        before = len(self.telegram_api.sent())
        update_id = next(self.sids)
        now = int(time.time())  # Telegram dates messages; steps expire after 30 minutes
        user = {"id": int(self.sender), "is_bot": False, "first_name": "Sam"}
        chat = {"id": int(self.sender), "type": "private", "first_name": "Sam"}
        if self.group:
            chat = {"id": GROUP_CHAT, "type": "group", "title": "Grade 8"}
        if choice:
            update = {
                "update_id": update_id,
                "callback_query": {
                    "id": str(update_id),
                    "from": user,
                    "chat_instance": "1",
                    "data": choice,
                    "message": {"message_id": 1, "date": now, "chat": chat, "text": "?"},
                },
            }
        else:
            message = {"message_id": update_id, "date": now, "chat": chat, "from": user}
            update = {"update_id": update_id, "message": {**message, "text": text}}
        response = self.client.post(
            "/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"},
        )
        assert response.status_code == 200
        sent = self.telegram_api.sent()[before:]
        markup = json.loads(sent[-1].get("reply_markup") or "{}") if sent else {}
        rows = markup.get("inline_keyboard", [])
        buttons = [(b["text"], b["callback_data"]) for row in rows for b in row]
        return Said([p["text"] for p in sent], buttons=buttons)

    def _web(self, text: str, choice: str) -> Said:
        body = {"session": self.sender, "text": text}
        if choice:
            body["choice"] = choice
        response = self.client.post("/api/messages", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        replies = response.get_json()["replies"]
        last = replies[-1] if replies else {}
        ids = last.get("choice_ids") or last.get("choices", [])
        return Said(
            [f"{r['text']}\n{r['reminder']}" for r in replies],
            emergency=bool(replies and replies[0]["emergency"]),
            buttons=list(zip(last.get("choices", []), ids, strict=True)),
        )


@pytest.fixture
def app(telegram_api):
    """The real app (its own engine, state in the test database, the demo schools)."""
    env = {**os.environ, **TEST_ENV, "SRO_TELEGRAM_API_BASE": telegram_api.base}
    db = Database(os.environ["DATABASE_URL"]).ready()
    import_schools(db, DEMO_SCHOOLS)
    db.dispose()
    app = create_app(replace(load_env(env), testing=True))
    yield app
    svc = app.extensions["sro"]
    if svc.telegram:
        svc.telegram.close()
    svc.runtime.queue.senders.close()
    svc.runtime.db.dispose()


def _count(app, model, *where) -> int:
    with app.extensions["sro"].runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _lockdown(app, school_name: str) -> None:
    with app.extensions["sro"].runtime.db.session() as session:
        school = session.scalar(select(School).where(School.name == school_name))
        school.notice_text = "The school is in lockdown. Stay where you are."
        school.notice_lockdown = True


def _office_reply(app, text: str) -> None:
    from bot.escalation import cases

    with app.extensions["sro"].runtime.db.session() as session:
        case = session.scalar(select(Case).order_by(Case.id.desc()))
        assert case is not None, "office_reply needs a case"
        cases.reply(session, case, "office", text)


def _check(turn: dict, said: Said, where: str, mode: str, channel: str) -> None:
    everything = "\n".join(said.texts).lower()
    for part in turn.get("has", []):
        assert part.lower() in everything, f"{where}: {part!r} missing from {said.texts}"
    for part in turn.get("lacks", []):
        assert part.lower() not in everything, f"{where}: {part!r} in {said.texts}"
    if "first_has" in turn:
        assert said.texts and turn["first_has"].lower() in said.texts[0].lower(), where
    if "silent" in turn:
        assert (not said.texts) == turn["silent"], f"{where}: {said.texts}"
    if "topic" in turn and mode == "engine":
        assert said.topic == turn["topic"], f"{where}: topic {said.topic}"
    if "emergency" in turn and said.emergency is not None:
        assert said.emergency == turn["emergency"], f"{where}: {said.texts}"
    if "emergency" in turn and said.emergency is None and turn["emergency"]:
        assert said.texts and "911" in said.texts[0][:80], f"{where}: {said.texts}"
    if channel == "sms":
        for text in said.texts:
            assert not CARRIER_KEYWORDS.search(text), f"{where}: carrier keyword in {text!r}"
    if said.emergency:
        assert "911" in said.texts[0][:80], f"{where}: emergency without 911 first"


@pytest.mark.parametrize(("path", "channel", "mode"), cases_for_params())
def test_conversation(path: Path, channel: str, mode: str, app, telegram_api) -> None:
    script = load_script(path)
    if script.get("lockdown"):
        _lockdown(app, script["lockdown"])
    talk = Conversation(app, channel, mode, telegram_api, group=script.get("group", False))
    for n, turn in enumerate(script["turns"], 1):
        where = f"{path.name} turn {n} ({channel}, {mode})"
        if turn.get("new_sender"):
            talk.sender = SENDERS[channel][1]
        cases_before = _count(app, Case)
        to_sender_before = _count(app, Delivery, Delivery.address == talk.sender)
        if "wait_minutes" in turn:
            talk.clock += timedelta(minutes=turn["wait_minutes"])
        if "office_reply" in turn:
            _office_reply(app, turn["office_reply"])
        said = Said([])
        if "say" in turn:
            said = talk.send(str(turn["say"]))
        elif "press" in turn:
            said = talk.press(int(turn["press"]))
        _check(turn, said, where, mode, channel)
        if "case" in turn:
            opened = _count(app, Case) > cases_before
            assert opened == turn["case"], f"{where}: case opened={opened}: {said.texts}"
        if "to_sender" in turn:
            queued = _count(app, Delivery, Delivery.address == talk.sender) > to_sender_before
            assert queued == turn["to_sender"], f"{where}: queued to sender={queued}"
        for part in turn.get("case_text_has", []):
            assert part.lower() in _latest_case_text(app).lower(), f"{where}: {part!r}"


def _latest_case_text(app) -> str:
    with app.extensions["sro"].runtime.db.session() as session:
        query = select(CaseMessage.text).order_by(CaseMessage.case_id.desc(), CaseMessage.id)
        return session.scalars(query.limit(1)).first() or ""
