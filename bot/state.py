"""Per-sender conversation state behind a small store interface."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ConversationState:
    """What the engine remembers about one sender between messages."""

    lang: str = "en"
    last_topic: str | None = None
    pending_choices: tuple[str, ...] = ()  # topic ids offered as 1), 2), ...
    extra: dict = field(default_factory=dict)  # room for later features (school, escalation step)


class StateStore(Protocol):
    """Where conversation state lives; keyed by a hashed sender key, never a raw phone number."""

    def get(self, key: str) -> ConversationState: ...

    def put(self, key: str, state: ConversationState) -> None: ...


class MemoryStore:
    """Thread-safe in-process store: fine for one process, lost on restart."""

    def __init__(self) -> None:
        self._data: dict[str, ConversationState] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> ConversationState:
        """The sender's state, or a fresh one."""
        with self._lock:
            return self._data.get(key, ConversationState())

    def put(self, key: str, state: ConversationState) -> None:
        """Replace the sender's state."""
        with self._lock:
            self._data[key] = state
