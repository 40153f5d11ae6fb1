"""SQL-backed stores behind the interfaces the engine and the channels already use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.state import ConversationState
from bot.storage.db import Database
from bot.storage.models import Conversation, OptOut, Replay, now


def state_from_row(data: dict) -> ConversationState:
    """A ConversationState from its JSON form (unknown keys are ignored)."""
    return ConversationState(
        lang=data.get("lang", "en"),
        last_topic=data.get("last_topic"),
        pending_choices=tuple(data.get("pending_choices", ())),
        extra=dict(data.get("extra", {})),
    )


def row_from_state(state: ConversationState) -> dict:
    """The JSON form of a ConversationState."""
    return {
        "lang": state.lang,
        "last_topic": state.last_topic,
        "pending_choices": list(state.pending_choices),
        "extra": state.extra,
    }


class SqlStateStore:
    """Conversation state in the database: survives restarts, shared by every process."""

    def __init__(self, db: Database):
        self.db = db

    def get(self, key: str) -> ConversationState:
        """The sender's state, or a fresh one."""
        with self.db.session() as session:
            row = session.get(Conversation, key)
            return state_from_row(row.state) if row else ConversationState()

    def put(self, key: str, state: ConversationState) -> None:
        """Replace the sender's state."""
        with self.db.session() as session:
            row = session.get(Conversation, key)
            if row is None:
                session.add(Conversation(key=key, state=row_from_state(state)))
            else:
                row.state = row_from_state(state)


class SqlOptOutStore:
    """SMS opt-outs in the database, keyed by hashed sender key."""

    def __init__(self, db: Database):
        self.db = db

    def is_opted_out(self, key: str) -> bool:
        """True while this sender is opted out."""
        with self.db.session() as session:
            return session.get(OptOut, key) is not None

    def opt_out(self, key: str) -> None:
        """Stop sending to this sender."""
        with self.db.session() as session:
            if session.get(OptOut, key) is None:
                session.add(OptOut(key=key))

    def opt_in(self, key: str) -> None:
        """Resume sending to this sender."""
        with self.db.session() as session:
            session.execute(delete(OptOut).where(OptOut.key == key))

    def keys(self) -> list[str]:
        """Every opted-out key (for tests and audits)."""
        with self.db.session() as session:
            return list(session.scalars(select(OptOut.key)))


class SqlReplayStore:
    """Answers already given to webhook deliveries, kept for a day, shared by every worker."""

    KEEP = timedelta(days=1)

    def __init__(self, db: Database):
        self.db = db

    def get(self, key: str) -> str | None:
        """The answer given to this delivery, or None when it is new."""
        with self.db.session() as session:
            row = session.get(Replay, key)
            return row.value if row else None

    def put(self, key: str, value: str) -> None:
        """Remember the answer; forget those older than KEEP."""
        try:
            with self.db.session() as session:
                session.execute(delete(Replay).where(Replay.at < now() - self.KEEP))
                session.add(Replay(key=key, value=value))
        except IntegrityError:
            pass  # another worker answered the same delivery first: its answer stands
