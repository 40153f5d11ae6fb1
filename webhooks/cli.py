"""The sro-bot command: the core's commands plus serve, telegram and telegram set-webhook."""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from bot.cli import build_parser
from faq.loader import KnowledgeBaseError
from webhooks import escalation_cli


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app with Flask's development server (use gunicorn in production)."""
    from webhooks.app import create_app

    app = create_app()
    demo = app.extensions["sro"].config.demo
    login = escalation_cli.prepare_office(app.extensions["sro_runtime"].db, demo)
    if login:
        print(f"sro-bot: office dashboard at http://{args.host}:{args.port}/office/  {login}")
        escalation_cli.start_demo_worker()
    print(f"sro-bot: web chat at http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def _services():
    from webhooks.app import engine_from_config
    from webhooks.config import load_env
    from webhooks.outbound import TelegramClient
    from webhooks.services import Services

    config = load_env()
    if not config.telegram_bot_token:
        raise SystemExit("sro-bot: set TELEGRAM_BOT_TOKEN (from BotFather) first")
    client = TelegramClient(config.telegram_bot_token, config.telegram_api_base)
    return Services(config, engine_from_config(config), telegram=client)


def cmd_telegram_poll(args: argparse.Namespace) -> int:
    """Answer Telegram messages by long polling: no public URL needed."""
    from webhooks.telegram_polling import poll

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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the sro-bot console script."""
    from webhooks.config import ConfigError

    parser, sub = build_parser()
    add_commands(sub)
    escalation_cli.add_commands(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (KnowledgeBaseError, ConfigError) as exc:
        print(f"sro-bot: refusing to start: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
