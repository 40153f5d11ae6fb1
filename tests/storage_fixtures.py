"""Database fixtures: every storage test runs on SQLite and on a real PostgreSQL server.

PostgreSQL: SRO_TEST_POSTGRES_URL (postgresql://user:password@host:port/dbname, a user allowed
to create databases) points at a running server; otherwise a throwaway cluster is started from
Debian's postgresql package (/usr/lib/postgresql/*/bin), which `.ci/run` installs. Without
either, the PostgreSQL runs are skipped with a message saying this."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DEMO_SCHOOLS = Path(__file__).resolve().parent.parent / "demo" / "schools.yaml"
HOW = (
    "PostgreSQL runs skipped: install Debian's postgresql package (.ci/run does) or set "
    "SRO_TEST_POSTGRES_URL=postgresql://user:password@host:5432/postgres"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """Run as the postgres user when we are root (initdb refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary folder on a loopback port, trust auth."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="sro-pg-")
        self.port = _free_port()
        self.url = ""
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def start(self) -> str:
        """initdb and start; the URL of the postgres database."""
        initdb = [f"{self.bindir}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "sro"]
        initdb += ["--no-sync", "-E", "UTF8"]
        subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
        self.resume()
        return f"postgresql://sro@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        data = f"{self.dir}/data"
        cmd = [f"{self.bindir}/pg_ctl", "-D", data, *args]
        subprocess.run(_as_postgres(cmd), check=True, capture_output=True)

    def resume(self) -> None:
        """Start the server (again), waiting until it accepts connections."""
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -F"
        self._pg_ctl("-o", opts, "-l", f"{self.dir}/log", "-w", "start")

    def halt(self) -> None:
        """Stop the server but keep its files (a database outage)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def stop(self) -> None:
        """Stop the server and remove its files."""
        subprocess.run(
            _as_postgres(
                [f"{self.bindir}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database."""
    url = os.environ.get("SRO_TEST_POSTGRES_URL", "").strip()
    if url:
        yield url
        return
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bindirs or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip(HOW)
    cluster = ThrowawayCluster(os.path.dirname(bindirs[-1]))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def outage_cluster() -> Iterator[ThrowawayCluster]:
    """A PostgreSQL server of this test's own, which the test may stop and start again."""
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bindirs or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip(HOW)
    cluster = ThrowawayCluster(os.path.dirname(bindirs[-1]))
    cluster.url = cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _admin(url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    from bot.storage.db import normalize_url

    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the server; dropped afterwards."""
    name = f"sro_test_{uuid.uuid4().hex[:12]}"
    _admin(postgres_server, f"CREATE DATABASE {name}")
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    _admin(postgres_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A database URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sro.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db(db_url) -> Iterator:
    """A migrated database (SQLite and PostgreSQL)."""
    from bot.storage.db import Database, normalize_url

    database = Database(normalize_url(db_url)).ready()
    yield database
    database.dispose()


@pytest.fixture
def schools_db(db):
    """The database with the demo schools imported."""
    from bot.schools.importer import import_schools

    import_schools(db, DEMO_SCHOOLS)
    return db


@pytest.fixture(autouse=True)
def _private_database(monkeypatch, tmp_path) -> None:
    """Every test gets its own SQLite file, queue file and session key, never the checkout's
    var/."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'default.db'}")
    monkeypatch.setenv("SRO_QUEUE_PATH", str(tmp_path / "queue.db"))
    monkeypatch.setenv("SRO_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.setenv("SRO_SECRET_KEY", "test-session-key")
