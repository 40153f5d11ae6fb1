"""`sro-bot worker` (the alert queue's consumer) and `sro-bot users add` (office accounts)."""

from __future__ import annotations

import argparse
import atexit
import getpass
import logging
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

USERNAME = re.compile(r"[A-Za-z0-9._@-]{3,80}")
MIN_PASSWORD = 12


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the huey consumer: deliver alerts, retry, re-alert, recover after a restart."""
    from webhooks import logs
    from webhooks.config import load_env
    from webhooks.runtime import build_runtime

    config = load_env()
    logs.configure(config.log_level)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    runtime = build_runtime(config)
    runtime.db.ready()
    workers = args.workers or runtime.queue.config.workers
    print(f"sro-bot worker: {workers} threads; Ctrl-C to stop", flush=True)
    consumer = runtime.queue.huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
    return 0


def read_password(from_stdin: bool) -> str:
    """The new password, from stdin or typed twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the passwords differ")
    return first


def add_user(db, username: str, school_slug: str, password: str) -> None:
    """Create an office account for one school (ValueError says what is wrong)."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from bot.storage.models import School, StaffUser

    if not USERNAME.fullmatch(username):
        raise ValueError("username: 3-80 letters, digits, . _ @ or -")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    with db.session() as session:
        school = session.scalar(select(School).where(School.slug == school_slug))
        if school is None:
            raise ValueError(f"school: no school {school_slug!r} (see `sro-bot schools list`)")
        if session.scalar(select(StaffUser).where(StaffUser.username == username)):
            raise ValueError(f"username: {username!r} exists already")
        hashed = generate_password_hash(password)
        session.add(StaffUser(username=username, password_hash=hashed, school=school))


def cmd_users_add(args: argparse.Namespace) -> int:
    """Create an office account."""
    from bot.storage.db import Database

    try:
        add_user(Database(), args.username, args.school, read_password(args.password_stdin))
    except ValueError as exc:
        print(f"sro-bot users add: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {args.username} can sign in at /office for {args.school}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `worker` and `users add`."""
    worker = sub.add_parser("worker", help="deliver office alerts and replies (the queue)")
    worker.add_argument("--workers", type=int, default=0, help="threads (default SRO_WORKERS or 2)")
    worker.set_defaults(func=cmd_worker)
    users = sub.add_parser("users", help="office staff accounts")
    actions = users.add_subparsers(dest="users", required=True)
    add = actions.add_parser("add", help="create an account for one school's office")
    add.add_argument("username")
    add.add_argument("--school", required=True, help="the school's slug (sro-bot schools list)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_users_add)


DEMO_USER = "demo-office"
DEMO_SCHOOLS = Path(__file__).resolve().parent.parent / "demo" / "schools.yaml"


def prepare_office(db, demo: bool) -> str:
    """Demo mode: the demo schools (if none yet) and a demo account with a fresh password,
    returned for printing. Outside demo mode the demo account is removed."""
    from sqlalchemy import delete, func, select
    from werkzeug.security import generate_password_hash

    from bot.school_import import import_schools
    from bot.storage.models import School, StaffUser

    with db.session() as session:
        session.execute(delete(StaffUser).where(StaffUser.username == DEMO_USER))
        has_schools = session.scalar(select(func.count()).select_from(School))
    if not demo:
        return ""
    if not has_schools and DEMO_SCHOOLS.exists():
        import_schools(db, DEMO_SCHOOLS)
    password = secrets.token_urlsafe(12)
    with db.session() as session:
        school = session.scalars(select(School).order_by(School.name)).first()
        if school is None:
            return ""
        hashed = generate_password_hash(password)
        session.add(StaffUser(username=DEMO_USER, password_hash=hashed, school=school))
        return f"user {DEMO_USER}, password {password} ({school.name})"


def start_demo_worker() -> subprocess.Popen:
    """Demo mode: run `sro-bot worker` beside the server, stopped when the server stops
    (Ctrl-C or SIGTERM: SIGTERM is turned into a normal exit so the atexit hook runs)."""
    worker = subprocess.Popen([sys.executable, "-m", "webhooks.cli", "worker", "--workers", "1"])
    atexit.register(worker.terminate)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return worker
