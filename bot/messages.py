"""The small neutral types that cross the boundary between a channel and the core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    """One incoming message: which channel, who sent it, what it says, when it arrived."""

    channel: str  # "sms", "telegram", "web", "cli"
    sender: str  # channel-specific id: phone number, Telegram chat id, web session id
    text: str
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    shared: bool = False  # a chat several people read (a Telegram group): no cases, no STATUS
    choice: str = ""  # the id of a button pressed (a topic id, or an option such as "yes")


@dataclass(frozen=True)
class Reply:
    """One outgoing reply: text plus optional numbered choices the user may pick.

    reminder is the 911 / non-emergency line that closes an ordinary reply: a field, not part of
    text, so each channel places it (SMS keeps it whole, the web page shows it as a footer)."""

    text: str
    choices: tuple[str, ...] = ()
    choice_ids: tuple[str, ...] = ()  # one id per choice, sent back as Message.choice
    emergency: bool = False
    topic: str | None = None
    confidence: float = 0.0
    lang: str = "en"
    reminder: str = ""
    caution: bool = False  # opens with "if anyone is in danger now, call 911" (not an emergency)
    crisis_lines: bool = False  # ends with 9-8-8 and Kids Help Phone: no channel may cut it

    @property
    def full_text(self) -> str:
        """The text with its reminder as the last line, for channels that show one block."""
        return f"{self.text}\n{self.reminder}" if self.reminder else self.text


class Answerer(Protocol):
    """What a channel needs from the core (bot.engine.Engine): one message in, replies out."""

    def handle(self, message: Message) -> list[Reply]: ...

    def assess(self, text: str) -> Any: ...  # bot.triage.Triage: is this danger now?

    def forget(self, channel: str, sender: str) -> None: ...  # after an opt-out
