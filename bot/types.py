"""The two small neutral types that cross the boundary between a channel and the core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Message:
    """One incoming message: which channel, who sent it, what it says, when it arrived."""

    channel: str  # "sms", "telegram", "web", "cli"
    sender: str  # channel-specific id: phone number, Telegram chat id, web session id
    text: str
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Reply:
    """One outgoing reply: text plus optional numbered choices the user may pick."""

    text: str
    choices: tuple[str, ...] = ()
    emergency: bool = False
    topic: str | None = None
    confidence: float = 0.0
    lang: str = "en"
