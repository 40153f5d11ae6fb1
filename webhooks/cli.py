"""The sro-bot command: the core's commands (bot.cli) plus serve, telegram, worker and users."""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import sys
from urllib.parse import urlsplit

from zxcvbn import zxcvbn

from bot.cli import build_parser, run
from webhooks import demo

USERNAME = re.compile(r"[A-Za-z0-9._@-]{3,80}")
MIN_PASSWORD = 12
MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for an online attack


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
    from webhooks.context import Services
    from webhooks.delivery.clients import TelegramClient

    config = load_env()
    if not config.telegram_bot_token:
        raise SystemExit("sro-bot: set TELEGRAM_BOT_TOKEN (from BotFather) first")
    client = TelegramClient(config.telegram_bot_token, config.telegram_api_base)
    return Services(config, engine_from_config(config), telegram=client)


def cmd_telegram_poll(args: argparse.Namespace) -> int:
    """Answer Telegram messages by long polling: no public URL needed."""
    from webhooks.channels.telegram_polling import poll

    svc = _services()
    print(
        "sro-bot: polling Telegram (this removes any registered webhook); Ctrl-C to stop",
        flush=True,
    )
    try:
        poll(svc.telegram, svc, rounds=args.rounds)
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


def add_user(db, username: str, school_slug: str, password: str) -> None:
    """Create an office account for one school (ValueError says what is wrong)."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from bot.storage.models import School, StaffUser

    if not USERNAME.fullmatch(username):
        raise ValueError("username: 3-80 letters, digits, . _ @ or -")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    if zxcvbn(password, user_inputs=[username, school_slug])["score"] < MIN_STRENGTH:
        raise ValueError("password: too easy to guess (try four or more unrelated words)")
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
        add_user(
            Database(args.settings.database_url),
            args.username,
            args.school,
            read_password(args.password_stdin),
        )
    except ValueError as exc:
        print(f"sro-bot users add: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {args.username} can sign in at /office for {args.school}")
    return 0


def _add_office_commands(sub: argparse._SubParsersAction) -> None:
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
