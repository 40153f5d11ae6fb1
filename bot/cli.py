"""Commands without the web stack: chat, ask (one message or a JSON-lines batch), faq check,
faq export, model train, model report, schools import and schools list."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from bot import privacy
from bot.messages import Message, Reply
from bot.settings import Settings, load_settings, model_cache
from bot.wording.safety import REMINDER
from faq.loader import KnowledgeBaseError, load


def _kb_dir(settings: Settings) -> Path | None:
    return Path(settings.kb_dir) if settings.kb_dir else None


def _engine(settings: Settings):
    from bot.engine import build_engine
    from bot.escalation.desk import Desk
    from bot.storage.db import Database

    desk = Desk(Database(settings.database_url), cases=False)  # answers from the directory only
    return build_engine(kb_dir=_kb_dir(settings), desk=desk, model_cache=model_cache(settings))


def _reply_json(reply: Reply, **extra) -> str:
    return json.dumps(
        {
            "topic": reply.topic,
            "emergency": reply.emergency,
            "caution": reply.caution,
            "confidence": round(reply.confidence, 3),
            "lang": reply.lang,
            "reply": reply.text,
            "choices": list(reply.choices),
            **extra,
        },
        ensure_ascii=False,
    )


def cmd_ask(args) -> int:
    """Answer one message, or every stdin line with --json -."""
    engine = _engine(args.settings)
    if args.text == "-":
        return _ask_batch(engine, sys.stdin.buffer, args.json)
    reply = engine.handle(Message("cli", "cli-user", args.text))[0]
    print(_reply_json(reply) if args.json else reply.text)
    return 0


def _ask_batch(engine, stream: Iterable[bytes], as_json: bool) -> int:
    status = 0
    for n, raw in enumerate(stream, 1):
        line = raw.rstrip(b"\r\n")
        extra = {}
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("utf-8", errors="replace")
            extra = {"error": f"line {n}: not valid UTF-8; undecodable bytes were replaced"}
            print(f"sro-bot: {extra['error']}", file=sys.stderr)
            status = 1
        reply = engine.handle(Message("cli", f"batch-{n}", text))[0]
        print(_reply_json(reply, **extra) if as_json else reply.text.replace("\n", " "))
        sys.stdout.flush()
    return status


def cmd_chat(args) -> int:
    """Talk to the bot in the terminal until end of input."""
    engine = _engine(args.settings)
    print("sro-bot chat: type a question (Ctrl-D to quit).")
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        for reply in engine.handle(Message("cli", "terminal", text)):
            print(reply.text)


# Sources a person still has to check against an official page (README: "Content review").
NEEDS_A_PERSON = ("general knowledge", "needs a person's review")


def cmd_faq_check(args) -> int:
    """Validate the knowledge base, warn about entries past their review age, and list the
    facts that still need a person's review."""
    try:
        kb = load(_kb_dir(args.settings), sms_suffix=REMINDER)
    except KnowledgeBaseError as exc:
        print(f"sro-bot faq check: {exc}", file=sys.stderr)
        return 1
    today = dt.date.today()
    max_age = args.max_age_days if args.max_age_days is not None else args.settings.review_max_days
    for e in kb.stale(today, max_age):
        age = (today - e.reviewed).days
        print(
            f"warning: {e.lang}/{e.id}: last reviewed {e.reviewed} ({age} days ago, "
            f"limit {max_age})"
        )
    for e in kb.all_entries():
        for source in e.sources:
            if source.lower().startswith(NEEDS_A_PERSON):
                print(f"review: {e.lang}/{e.id}: {source}")
    langs = ", ".join(sorted(kb.entries))
    print(f"ok: {len(kb.all_entries())} entries, {len(kb.topic_ids)} topics, languages: {langs}")
    return 0


def cmd_faq_export(args) -> int:
    """Print the knowledge base as a JSON array, one object per topic and language."""
    try:
        kb = load(_kb_dir(args.settings), sms_suffix=REMINDER)
    except KnowledgeBaseError as exc:
        print(f"sro-bot faq export: {exc}", file=sys.stderr)
        return 1
    rows = [
        {
            "id": e.id,
            "lang": e.lang,
            "title": e.title,
            "questions": e.questions,
            "keywords": e.keywords,
            "answer": e.short,
            "long_answer": e.long,
            "related": e.related,
            "reviewed": e.reviewed.isoformat(),
        }
        for e in kb.all_entries()
    ]
    print(json.dumps(rows, ensure_ascii=False, indent=2 if not args.json else None))
    return 0


def cmd_schools_import(args: argparse.Namespace) -> int:
    """Validate the whole file, then import every school or none."""
    from bot.schools.importer import SchoolsFileError, import_schools
    from bot.storage.db import Database

    try:
        count = import_schools(Database(args.settings.database_url), Path(args.file))
    except SchoolsFileError as exc:
        print(f"sro-bot schools import: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {count} schools imported from {args.file}")
    return 0


def cmd_schools_list(args: argparse.Namespace) -> int:
    """Print each school: slug, name, SRO days, office phone."""
    from bot.storage.db import Database
    from bot.storage.models import School

    with Database(args.settings.database_url).session() as session:
        for school in session.scalars(select(School).order_by(School.name)):
            days = school.sro_days or "no schedule"
            print(f"{school.slug}\t{school.name}\t{days}\t{school.office_phone}")
    return 0


def cmd_unanswered(args: argparse.Namespace) -> int:
    """Print the questions the bot could not answer that name no school (program staff review
    them; each school's office sees its own on the dashboard)."""
    from bot.storage.db import Database
    from bot.storage.models import Unanswered

    db = Database(args.settings.database_url)
    query = select(Unanswered).where(Unanswered.school_id.is_(None)).order_by(Unanswered.id)
    try:
        with db.session() as session:
            for row in session.scalars(query):
                print(f"{row.created_at:%Y-%m-%d %H:%M}\t{row.lang}\t{row.text}")
    finally:
        db.dispose()
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete what is older than the retention ages (SRO_KEEP_*_DAYS); print the counts."""
    from bot.storage.db import Database
    from bot.storage.retention import purge

    keep = args.settings.retention
    db = Database(args.settings.database_url)
    try:
        removed = purge(db, keep)
    finally:
        db.dispose()
    ages = ", ".join(f"{name} {days} d" for name, days in vars(keep).items())
    print(f"kept: {ages}")
    print("deleted: " + ", ".join(f"{n} {kind}" for kind, n in removed.items()))
    return 0


def cmd_model_train(args) -> int:
    """Train the models (or find them in the cache) and say how long it took."""
    from faq.model import load_or_train

    kb = load(_kb_dir(args.settings), sms_suffix=REMINDER)
    started = time.perf_counter()
    load_or_train(kb, model_cache(args.settings), say=print)
    print(f"ok: models ready in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_model_report(args) -> int:
    """Leave-one-batch-out figures: each corpus batch scored by models trained without it."""
    from bot.evaluation import decide, table
    from faq.corpus import read_corpus
    from faq.model import kb_examples, leave_one_batch_out

    kb = load(_kb_dir(args.settings), sms_suffix=REMINDER)
    examples = read_corpus(kb.topic_ids)
    print(f"sro-bot model report: {len(examples)} messages; one model per batch left out ...")
    pairs = leave_one_batch_out(examples, kb_examples(kb))
    for field in ("batch", "kind"):
        groups: dict[str, list] = {}
        for example, analysis in pairs:
            pair = (example, decide(example, analysis))
            groups.setdefault(getattr(example, field), []).append(pair)
        print(f"\nby {field} (percent, items):\n{table(dict(sorted(groups.items())))}")
    return 0


def _add_model_commands(sub: argparse._SubParsersAction) -> None:
    """Add `model train` and `model report`."""
    model = sub.add_parser("model", help="the learned topic and danger models")
    actions = model.add_subparsers(dest="model", required=True)
    train = actions.add_parser("train", help="train the models now (else the first start does)")
    train.set_defaults(func=cmd_model_train)
    report = actions.add_parser("report", help="leave-one-batch-out figures on the corpus")
    report.set_defaults(func=cmd_model_report)


def _add_schools_commands(sub: argparse._SubParsersAction) -> None:
    """Add `schools import` and `schools list`."""
    schools = sub.add_parser("schools", help="the schools directory (DATABASE_URL)")
    actions = schools.add_subparsers(dest="schools", required=True)
    load = actions.add_parser("import", help="add or update schools from a CSV or YAML file")
    load.add_argument("file", help="a .csv, .yaml or .yml file (see docs/escalation.md)")
    load.set_defaults(func=cmd_schools_import)
    actions.add_parser("list", help="list the schools").set_defaults(func=cmd_schools_list)


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The core parser; webhooks.cli adds the server commands."""
    parser = argparse.ArgumentParser(prog="sro-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="interactive terminal conversation")
    chat.set_defaults(func=cmd_chat)
    ask = sub.add_parser("ask", help="answer TEXT, or each stdin line when TEXT is -")
    ask.add_argument("text", help="the message, or - to read one message per stdin line")
    ask.add_argument("--json", action="store_true", help="print one JSON object per message")
    ask.set_defaults(func=cmd_ask)
    faq_parser = sub.add_parser("faq", help="knowledge-base tools")
    faq = faq_parser.add_subparsers(dest="faq", required=True)
    check = faq.add_parser("check", help="validate the knowledge base")
    check.add_argument(
        "--max-age-days",
        type=int,
        default=None,
        help="warn about entries reviewed longer ago (default: env SRO_REVIEW_MAX_DAYS or 365)",
    )
    check.set_defaults(func=cmd_faq_check)
    export = faq.add_parser("export", help="print the knowledge base as JSON")
    export.add_argument("--json", action="store_true", help="compact JSON (one line)")
    export.set_defaults(func=cmd_faq_export)
    _add_schools_commands(sub)
    purge = sub.add_parser("purge", help="delete records older than SRO_KEEP_*_DAYS (see README)")
    purge.set_defaults(func=cmd_purge)
    unanswered = sub.add_parser("unanswered", help="questions naming no school (program staff)")
    unanswered.set_defaults(func=cmd_unanswered)
    _add_model_commands(sub)
    return parser, sub


def main(argv: list[str] | None = None) -> int:
    """Entry point of the core commands."""
    parser, _ = build_parser()
    args = parser.parse_args(argv)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command with the settings read once from the environment."""
    args.settings = load_settings()
    privacy.configure(args.settings.hash_salt)
    try:
        return args.func(args)
    except KnowledgeBaseError as exc:
        print(f"sro-bot: refusing to start: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`sro-bot ask ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
