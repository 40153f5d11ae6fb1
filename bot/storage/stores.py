"""SQL-backed stores behind the interfaces the engine and the channels already use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Insert, case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.privacy import sender_key
from bot.state import ConversationState
from bot.storage.db import Database
from bot.storage.models import Base, Conversation, OptOut, RateWindow, Replay, now


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


def _insert_of(session: Session):
    """The INSERT with ON CONFLICT of this session's database."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _upsert(session: Session, model: type[Base], values: dict, update: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE the `update` columns, or DO NOTHING."""
    statement = _insert_of(session)(model).values(**values)
    if not update:
        return statement.on_conflict_do_nothing()
    keys = [c.name for c in model.__table__.primary_key]
    changes = {name: statement.excluded[name] for name in update}
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)


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
        """Replace the sender's state in one statement (two first messages of one sender on
        two workers cannot collide: the later write wins)."""
        values = {"key": key, "state": row_from_state(state), "updated_at": now()}
        with self.db.session() as session:
            session.execute(_upsert(session, Conversation, values, update=("state", "updated_at")))


class SqlOptOutStore:
    """SMS opt-outs in the database, keyed by hashed sender key."""

    def __init__(self, db: Database):
        self.db = db

    def is_opted_out(self, key: str) -> bool:
        """True while this sender is opted out."""
        with self.db.session() as session:
            return session.get(OptOut, key) is not None

    def opt_out(self, key: str) -> None:
        """Stop sending to this sender (a repeated STOP changes nothing)."""
        with self.db.session() as session:
            session.execute(_upsert(session, OptOut, {"key": key, "at": now()}, update=()))

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

    def claim(self, key: str) -> bool:
        """Take this delivery with one atomic insert: True for the first caller, who processes
        it and then puts its answer; False for every retry or duplicate (forgets rows older
        than KEEP on the way)."""
        with self.db.session() as session:
            session.execute(delete(Replay).where(Replay.at < now() - self.KEEP))
            values = {"key": key, "value": "", "at": now()}
            statement = _upsert(session, Replay, values, update=()).returning(Replay.key)
            return session.execute(statement).first() is not None  # a row only when inserted

    def get(self, key: str) -> str | None:
        """The answer given to this delivery: None when it is new, "" while it is processed."""
        with self.db.session() as session:
            row = session.get(Replay, key)
            return row.value if row else None

    def put(self, key: str, value: str) -> None:
        """Remember the answer given to a claimed delivery."""
        with self.db.session() as session:
            values = {"key": key, "value": value, "at": now()}
            session.execute(_upsert(session, Replay, values, update=("value", "at")))


class SqlRateCounter:
    """Messages per key and minute in the database, so every worker and machine counts the
    same messages. Keys are hashed before they are stored (they hold addresses)."""

    def __init__(self, db: Database):
        self.db = db

    def count(self, key: str, at: int, window: int = 60) -> tuple[int, int]:
        """Add one message at second `at` to key's window (a window older than `window`
        seconds starts again at 1): the count, this message included, and when the window
        started."""
        with self.db.session() as session:
            insert = _insert_of(session)
            statement = insert(RateWindow).values(key=sender_key("rate", key), started=at, count=1)
            table = RateWindow.__table__.c
            current = statement.excluded.started - table.started < window
            statement = statement.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "count": case((current, table.count + 1), else_=1),
                    "started": case((current, table.started), else_=statement.excluded.started),
                },
            ).returning(RateWindow.count, RateWindow.started)
            count, started = session.execute(statement).one()
            return count, started
