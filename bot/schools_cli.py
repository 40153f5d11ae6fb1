"""`sro-bot schools import FILE` and `sro-bot schools list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select


def cmd_import(args: argparse.Namespace) -> int:
    """Validate the whole file, then import every school or none."""
    from bot.school_import import SchoolsFileError, import_schools
    from bot.storage.db import Database

    try:
        count = import_schools(Database(), Path(args.file))
    except SchoolsFileError as exc:
        print(f"sro-bot schools import: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {count} schools imported from {args.file}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print each school: slug, name, SRO days, office phone."""
    from bot.storage.db import Database
    from bot.storage.models import School

    with Database().session() as session:
        for school in session.scalars(select(School).order_by(School.name)):
            days = school.sro_days or "no schedule"
            print(f"{school.slug}\t{school.name}\t{days}\t{school.office_phone}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `schools import` and `schools list`."""
    schools = sub.add_parser("schools", help="the schools directory (DATABASE_URL)")
    actions = schools.add_subparsers(dest="schools", required=True)
    load = actions.add_parser("import", help="add or update schools from a CSV or YAML file")
    load.add_argument("file", help="a .csv, .yaml or .yml file (see docs/escalation.md)")
    load.set_defaults(func=cmd_import)
    actions.add_parser("list", help="list the schools").set_defaults(func=cmd_list)
