"""The sro-bot command: the core's commands (bot.cli) plus serve, telegram, worker, users and
schools test-alert."""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash
from zxcvbn import zxcvbn

from bot.cli import build_parser, run
from bot.escalation.fallback import Channel, channels
from bot.storage.models import AuditEntry, School, StaffSession, StaffUser, now
from webhooks import demo

USERNAME = re.compile(r"[A-Za-z0-9._@-]{3,80}")
MIN_PASSWORD = 12
MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for an online attack
CLI_ACTOR = "(command line)"  # who, in the audit log, for `sro-bot users` changes


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app with Flask's development server (use gunicorn in production)."""
    from webhooks.app import create_app

    app = create_app()
    svc = app.extensions["sro"]
    login = demo.prepare_office(svc.runtime.db, svc.config.demo)
    if login:
        print(f"sro-bot: office dashboard at http://{args.host}:{args.port}/office/  {login}")
        demo.start_demo_worker()
    print(f"sro-bot: web chat at http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def _services():
    from webhooks.app import engine_from_config
    from webhooks.config import load_env
    from webhooks.context import Services, build_runtime
    from webhooks.delivery.clients import TelegramClient

    config = load_env()
    if not config.telegram_bot_token:
        raise SystemExit("sro-bot: set TELEGRAM_BOT_TOKEN (from BotFather) first")
    client = TelegramClient(config.telegram_bot_token, config.telegram_api_base)
    runtime = build_runtime(config)
    engine = engine_from_config(config, runtime)
    return Services(config, engine, runtime.notifier, telegram=client, runtime=runtime)


def cmd_telegram_poll(args: argparse.Namespace) -> int:
    """Answer Telegram messages by long polling: no public URL needed."""
    from webhooks.channels.telegram_polling import poll

    svc = _services()
    print(
        "sro-bot: polling Telegram (this removes any registered webhook); Ctrl-C to stop",
        flush=True,
    )
    try:
        poll(svc.telegram, svc, rounds=args.rounds, later=svc.runtime.queue)
    except KeyboardInterrupt:
        pass
    finally:
        svc.telegram.close()
    return 0


def webhook_url_from(url: str) -> str:
    """The full webhook URL: a bare base URL gets /telegram/webhook appended."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError("the webhook URL must start with https:// (Telegram requires TLS)")
    return url.rstrip("/") + ("/telegram/webhook" if parts.path in ("", "/") else "")


def cmd_set_webhook(args: argparse.Namespace) -> int:
    """Register the webhook URL and secret with Telegram."""
    svc = _services()
    secret = svc.config.telegram_webhook_secret
    try:
        url = webhook_url_from(args.url or svc.config.public_base_url)
        if not secret:
            raise ValueError("set TELEGRAM_WEBHOOK_SECRET first: Telegram sends it on each call")
        svc.telegram.set_webhook(url, secret)
    except ValueError as exc:
        print(f"sro-bot: {exc}", file=sys.stderr)
        return 2
    finally:
        svc.telegram.close()
    print(f"sro-bot: Telegram will call {url}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add serve, telegram and telegram set-webhook to the core's subcommands."""
    serve = sub.add_parser("serve", help="run the web chat, SMS and Telegram webhooks")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.set_defaults(func=cmd_serve)
    telegram = sub.add_parser("telegram", help="answer Telegram by polling (local use)")
    telegram.add_argument("--rounds", type=int, default=None, help=argparse.SUPPRESS)
    telegram.set_defaults(func=cmd_telegram_poll)
    actions = telegram.add_subparsers(dest="telegram_action")
    hook = actions.add_parser("set-webhook", help="register the webhook URL and its secret")
    hook.add_argument("url", nargs="?", default="", help="https URL (default: PUBLIC_BASE_URL)")
    hook.set_defaults(func=cmd_set_webhook)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the huey consumer: deliver alerts, retry, re-alert, recover after a restart."""
    from webhooks import logs
    from webhooks.config import load_env
    from webhooks.context import build_runtime

    config = load_env()
    logs.configure(config.log_level)
    logs.configure_libraries(logging.WARNING)  # huey and SQLAlchemy, without exception text
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


def check_password(password: str, hints: list[str]) -> None:
    """ValueError unless the password is long and hard to guess (hints: username, schools)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    if zxcvbn(password, user_inputs=hints)["score"] < MIN_STRENGTH:
        raise ValueError("password: too easy to guess (try four or more unrelated words)")


def _school(session, slug: str) -> School:
    school = session.scalar(select(School).where(School.slug == slug))
    if school is None:
        raise ValueError(f"school: no school {slug!r} (see `sro-bot schools list`)")
    return school


def _account(session, username: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise ValueError(f"username: no account {username!r} (see `sro-bot users list`)")
    return user


def _audit(session, user: StaffUser, action: str) -> None:
    """Audit `action` (done from the command line to this account) at its first school."""
    session.add(
        AuditEntry(
            username=CLI_ACTOR, school_id=user.school.id, action=action, detail=user.username
        )
    )


def _end_sessions(session, user: StaffUser) -> None:
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def add_user(
    db, username: str, school_slug: str, password: str, other_schools: Sequence[str] = ()
) -> None:
    """Create an office account for one school, or for the several schools one SRO serves
    (ValueError says what is wrong). The audit entry is written by `sro-bot users add`."""
    if not USERNAME.fullmatch(username):
        raise ValueError("username: 3-80 letters, digits, . _ @ or -")
    slugs = list(dict.fromkeys([school_slug, *other_schools]))
    check_password(password, [username, *slugs])
    with db.session() as session:
        schools = [_school(session, slug) for slug in slugs]
        if session.scalar(select(StaffUser).where(StaffUser.username == username)):
            raise ValueError(f"username: {username!r} exists already")
        hashed = generate_password_hash(password)
        user = StaffUser(username=username, password_hash=hashed, school=schools[0])
        user.other_schools = schools[1:]
        session.add(user)


def list_users(db) -> list[str]:
    """One line per account: username, its schools' slugs, enabled or disabled."""
    with db.session() as session:
        users = session.scalars(select(StaffUser).order_by(StaffUser.username))
        return [
            f"{user.username}\t{','.join(school.slug for school in user.schools)}\t"
            f"{'enabled' if user.enabled else 'disabled'}"
            for user in users
        ]


def set_enabled(db, username: str, enabled: bool) -> None:
    """Enable or disable an account; disabling also ends its sessions."""
    with db.session() as session:
        user = _account(session, username)
        user.enabled = enabled
        if not enabled:
            _end_sessions(session, user)
        _audit(session, user, "user-enable" if enabled else "user-disable")


def remove_user(db, username: str) -> None:
    """Delete an account and end its sessions."""
    with db.session() as session:
        user = _account(session, username)
        _audit(session, user, "user-remove")
        _end_sessions(session, user)
        session.delete(user)


def reset_password(db, username: str, password: str) -> None:
    """Give an account a new password (the same rule as `users add`) and end its sessions."""
    with db.session() as session:
        user = _account(session, username)
        check_password(password, [username, *(school.slug for school in user.schools)])
        user.password_hash = generate_password_hash(password)
        _end_sessions(session, user)
        _audit(session, user, "user-password")


def _users_add(db, args: argparse.Namespace) -> str:
    password = read_password(args.password_stdin)
    add_user(db, args.username, args.school[0], password, args.school[1:])
    with db.session() as session:
        _audit(session, _account(session, args.username), "user-add")
    return f"ok: {args.username} can sign in at /office for {', '.join(args.school)}"


def _users_list(db, args: argparse.Namespace) -> str:
    return "\n".join(list_users(db)) or "no office accounts yet"


def _users_disable(db, args: argparse.Namespace) -> str:
    set_enabled(db, args.username, False)
    return f"ok: {args.username} is disabled and signed out"


def _users_enable(db, args: argparse.Namespace) -> str:
    set_enabled(db, args.username, True)
    return f"ok: {args.username} can sign in again"


def _users_remove(db, args: argparse.Namespace) -> str:
    remove_user(db, args.username)
    return f"ok: {args.username} removed"


def _users_reset_password(db, args: argparse.Namespace) -> str:
    reset_password(db, args.username, read_password(args.password_stdin))
    return f"ok: {args.username} has a new password and is signed out"


def cmd_users(args: argparse.Namespace) -> int:
    """Run one `users` action; what is wrong goes to stderr with exit status 1."""
    from bot.storage.db import Database

    try:
        print(args.action(Database(args.settings.database_url), args))
    except ValueError as exc:
        print(f"sro-bot users {args.users}: {exc}", file=sys.stderr)
        return 1
    return 0


def _add_users_commands(sub: argparse._SubParsersAction) -> None:
    """Add `users list | add | disable | enable | remove | reset-password`."""
    users = sub.add_parser("users", help="office staff accounts")
    actions = users.add_subparsers(dest="users", required=True)
    listing = actions.add_parser("list", help="username, schools, enabled or disabled")
    listing.set_defaults(func=cmd_users, action=_users_list)
    add = actions.add_parser("add", help="create an account for one or more schools' offices")
    add.add_argument("username")
    add.add_argument(
        "--school",
        required=True,
        action="append",
        help="a school's slug (sro-bot schools list); repeat it for an SRO's other schools",
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_users, action=_users_add)
    for name, action, text in (
        ("disable", _users_disable, "stop an account signing in; ends its sessions"),
        ("enable", _users_enable, "let a disabled account sign in again"),
        ("remove", _users_remove, "delete an account; ends its sessions"),
    ):
        parser = actions.add_parser(name, help=text)
        parser.add_argument("username")
        parser.set_defaults(func=cmd_users, action=action)
    reset = actions.add_parser("reset-password", help="set a new password; ends its sessions")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    reset.set_defaults(func=cmd_users, action=_users_reset_password)


TEST_ALERT = "Test alert from sro-bot for {school}: no action needed"


def provider_error(exc: Exception) -> str:
    """What a provider said about a failed send: the error's class and status code, never its
    text (it may quote the number or the message)."""
    status = getattr(exc, "status", None) or getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {status}" if status else type(exc).__name__


def send_test(senders, channel: Channel, school: str) -> tuple[bool, str]:
    """Send the test alert through one channel now: whether it went, and what the provider
    said (its message id, or the error)."""
    from webhooks.delivery.outbox import Job
    from webhooks.delivery.senders import NotConfigured

    text = TEST_ALERT.format(school=school)
    job = Job(
        id=0,
        key="",  # email: a fresh Message-ID
        purpose="test",
        medium=channel.medium,
        address=channel.address,
        subject=text,
        body=text,
        attempts=1,
        uncertain=False,
        created_at=now(),
    )
    try:
        return True, f"sent {senders.send(job)}"
    except NotConfigured as exc:
        return False, f"FAILED not configured: {exc}"
    except Exception as exc:  # noqa: BLE001  (each channel gets its own line)
        return False, f"FAILED {provider_error(exc)}"


def cmd_test_alert(args: argparse.Namespace) -> int:
    """Send a test message to every office channel of a school through the real senders; one
    line per channel. Exit status 1 if any failed, 2 for an unknown school. Nothing is stored."""
    from bot.storage.db import Database
    from webhooks.config import load_env
    from webhooks.delivery.senders import Senders

    db = Database(args.settings.database_url)
    try:
        with db.session() as session:
            school = session.scalar(select(School).where(School.slug == args.slug))
            name, targets = (school.name, channels(school)) if school else ("", [])
    finally:
        db.dispose()
    if not name:
        print(
            f"sro-bot schools test-alert: no school {args.slug!r} (see `sro-bot schools list`)",
            file=sys.stderr,
        )
        return 2
    if not targets:
        print(f"sro-bot schools test-alert: {args.slug} has no office channel", file=sys.stderr)
        return 1
    config = load_env()
    senders, failed = Senders(config, config.queue), 0
    try:
        for channel in targets:
            sent, said = send_test(senders, channel, name)
            print(f"{channel.label}\t{channel.medium}\t{said}", flush=True)
            failed += not sent
    finally:
        senders.close()
    return 1 if failed else 0


def _add_test_alert(sub: argparse._SubParsersAction) -> None:
    """Add `test-alert SLUG` to the core's `schools` commands."""
    schools = sub.choices["schools"]
    actions = next(a for a in schools._actions if isinstance(a, argparse._SubParsersAction))
    test = actions.add_parser("test-alert", help="send a test message to each office channel")
    test.add_argument("slug", help="the school's slug (sro-bot schools list)")
    test.set_defaults(func=cmd_test_alert)


def _add_office_commands(sub: argparse._SubParsersAction) -> None:
    """Add `worker`, the `users` commands and `schools test-alert`."""
    worker = sub.add_parser("worker", help="deliver office alerts and replies (the queue)")
    worker.add_argument("--workers", type=int, default=0, help="threads (default SRO_WORKERS or 2)")
    worker.set_defaults(func=cmd_worker)
    _add_users_commands(sub)
    _add_test_alert(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the sro-bot console script."""
    from webhooks.config import ConfigError

    parser, sub = build_parser()
    add_commands(sub)
    _add_office_commands(sub)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ConfigError as exc:
        print(f"sro-bot: refusing to start: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
