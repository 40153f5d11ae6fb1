"""A folder of danger reports that arrived while the database was down, kept until they can be
opened as cases.

One JSON file per message, written to a temporary name and renamed (a crash never leaves half a
file), readable by this user only. Replaying claims a file by renaming it first, so processes
sharing the folder never replay one twice; a file is deleted once its case is open, and put
back when storage still fails. The files hold the sender's address and words, which the case
needs; nothing else is written and nothing stays once replayed."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from bot.messages import Message

SUFFIX = ".json"
CLAIMED = ".claimed"


class Spool:
    """Danger reports waiting for the database, in one folder."""

    def __init__(self, directory: Path):
        self.directory = directory

    def keep(self, message: Message) -> None:
        """Write one message; raises OSError when the disk refuses."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {
            "channel": message.channel,
            "sender": message.sender,
            "text": message.text,
            "received_at": message.received_at.isoformat(),
        }
        name = f"{message.received_at.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
        temporary = self.directory / f".{name}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file)
        temporary.rename(self.directory / f"{name}{SUFFIX}")

    def waiting(self) -> int:
        """How many messages wait to be replayed."""
        return sum(1 for _ in self._files())

    def replay(self, open_case: Callable[[Message], None]) -> int:
        """Hand each waiting message, oldest first, to open_case; stop at the first that fails
        (storage still down: it is put back). The number replayed."""
        done = 0
        for path in self._files():
            claimed = path.with_suffix(CLAIMED)
            try:
                path.rename(claimed)
            except FileNotFoundError:
                continue  # another process claimed it
            try:
                open_case(_message(claimed))
            except Exception:
                claimed.rename(path)
                raise
            claimed.unlink()
            done += 1
        return done

    def _files(self) -> Iterator[Path]:
        if not self.directory.is_dir():
            return iter(())
        return iter(sorted(self.directory.glob(f"*{SUFFIX}")))


def _message(path: Path) -> Message:
    data = json.loads(path.read_text(encoding="utf-8"))
    received = datetime.fromisoformat(data["received_at"])
    return Message(data["channel"], data["sender"], data["text"], received)
