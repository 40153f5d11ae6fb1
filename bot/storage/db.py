"""The database handle: URL from the settings, engine, sessions, migrations on first run."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_SQLITE = Path("var") / "sro-bot.db"
MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 7_274_210  # PostgreSQL advisory lock key held while migrating


DEFAULT_URL = f"sqlite:///{DEFAULT_SQLITE}"


def normalize_url(url: str) -> str:
    """A DATABASE_URL as SQLAlchemy wants it (postgresql://... uses psycopg 3); empty means a
    SQLite file under var/."""
    url = url.strip()
    if not url:
        return DEFAULT_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: safe if the process dies; see README
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for url; a SQLite file's folder is created, and it waits on a busy lock."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """One engine and its session factory; sessions commit on success, roll back on error."""

    def __init__(self, url: str = DEFAULT_URL, *, migrate: bool = True):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = not migrate
        self._lock = threading.Lock()

    def ready(self) -> Database:
        """Migrate on first use (creating the SQLite file); returns self."""
        with self._lock:
            if not self._migrated:
                upgrade(self.engine)
                self._migrated = True
        return self

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        self.ready()
        with self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates every table on first run). Processes
    starting together migrate one at a time: a PostgreSQL advisory lock, or a file lock beside
    a SQLite file; the later ones find the schema at head and do nothing."""
    with _sqlite_file_lock(engine):
        _upgrade(engine)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # several workers starting at once: one
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
