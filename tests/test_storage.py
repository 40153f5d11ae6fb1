"""Storage: migrations, the SQL conversation store and opt-outs, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import inspect

from bot.engine import Engine
from bot.messages import Message
from bot.state import ConversationState
from bot.storage.db import Database, normalize_url
from bot.storage.stores import SqlOptOutStore, SqlStateStore

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "schools",
    "schedule_exceptions",
    "conversations",
    "replays",
    "cases",
    "case_messages",
    "deliveries",
    "staff_users",
    "staff_schools",
    "staff_sessions",
    "rate_windows",
    "login_attempts",
    "opt_outs",
    "unanswered",
    "audit_log",
    "alembic_version",
}


def test_migrations_create_every_table(db):
    assert set(inspect(db.engine).get_table_names()) == TABLES


def test_migrating_twice_changes_nothing(db):
    again = Database(db.url).ready()
    assert set(inspect(again.engine).get_table_names()) == TABLES
    again.dispose()


def test_state_round_trips_and_survives_a_new_connection(db):
    state = ConversationState(
        lang="fr", last_topic="lockdown", pending_choices=("a", "b"), extra={"school": "x"}
    )
    SqlStateStore(db).put("k1", state)
    SqlStateStore(db).put("k1", state)  # an update, not a second row
    other = Database(db.url)
    assert SqlStateStore(other).get("k1") == state
    assert SqlStateStore(other).get("unknown") == ConversationState()
    other.dispose()


def test_first_writes_of_one_sender_from_many_threads_do_not_collide(db):
    """Two first messages of one sender on two workers both try to create the row."""
    states = [ConversationState(last_topic=f"t{i}") for i in range(8)]

    def write(state):
        SqlStateStore(db).put("same-sender", state)
        SqlOptOutStore(db).opt_out("same-sender")

    assert errors_when_run_together(write, states) == []
    assert SqlStateStore(db).get("same-sender") in states
    assert SqlOptOutStore(db).keys() == ["same-sender"]


def test_engine_keeps_the_last_topic_in_the_database_across_engines(db, knowledge_base):
    Engine(knowledge_base, store=SqlStateStore(db)).handle(
        Message("sms", "+1", "What does a school resource officer do?")
    )
    (reply,) = Engine(knowledge_base, store=SqlStateStore(db)).handle(Message("sms", "+1", "more"))
    assert reply.topic == "sro-role"


def test_state_rows_hold_no_phone_number(db, knowledge_base):
    Engine(knowledge_base, store=SqlStateStore(db)).handle(Message("sms", "+14035550123", "hi"))
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT key, state FROM conversations").all()
    assert rows and all("4035550123" not in f"{key}{state}" for key, state in rows)


def test_opt_outs(db):
    store = SqlOptOutStore(db)
    store.opt_out("abc")
    store.opt_out("abc")
    assert store.is_opted_out("abc") and store.keys() == ["abc"]
    store.opt_in("abc")
    assert not store.is_opted_out("abc")


def test_database_url_forms():
    assert normalize_url("") == "sqlite:///var/sro-bot.db"
    pg = normalize_url("postgresql://u:p@h/db")
    assert pg == "postgresql+psycopg://u:p@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_first_run_creates_the_sqlite_file_under_var(tmp_path):
    code = "from bot.storage.db import Database; Database().ready()"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "var" / "sro-bot.db").is_file()


def test_processes_starting_together_migrate_once(db_url):
    """Four workers starting at once on an empty database: one migrates, none fails."""
    databases = [Database(db_url) for _ in range(4)]
    errors = errors_when_run_together(Database.ready, databases)
    for database in databases:
        database.dispose()
    assert errors == []


def errors_when_run_together(work, items) -> list[Exception]:
    """Run work(item) for every item in its own thread, all released at once; what they raised."""
    go = threading.Barrier(len(items))
    errors: list[Exception] = []

    def run(item):
        go.wait()
        try:
            work(item)
        except Exception as exc:  # noqa: BLE001  (collected and reported by the caller)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
