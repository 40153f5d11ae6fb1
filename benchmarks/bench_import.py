"""How long `sro-bot schools import` takes for a large file: writes N schools (default 50,000,
every field filled, distinct phone numbers, two exception dates each) to a temporary CSV, then
times a first import and a re-import of the same file (every school updated) on a fresh SQLite
file and, when DATABASE_URL points at PostgreSQL, on that database. Prints measured figures only.

PostgreSQL: use a scratch database. The schools get slugs starting with a random "bench-xxxxxx-"
prefix and are deleted afterwards.

Usage: python benchmarks/bench_import.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from bot.schools.importer import import_schools
from bot.storage.db import Database, normalize_url
from bot.storage.models import School

HEADER = (
    "name,slug,aliases,board,office_phone,office_email,backup_phone,sro_name,sro_days,exceptions\n"
)


def write_csv(path: Path, rows: int, prefix: str) -> None:
    """rows schools, all valid, to path."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            out.write(
                f"Bench School {n},{prefix}{n},BS{n}; Bench {n},Fictional Board,"
                f"403-{210 + n // 10_000}-{n % 10_000:04d},office{n}@bench.example.org,"
                f"(587) {210 + n // 10_000} {n % 10_000:04d},Cst. {n},"
                f'"mon, wed",2026-12-01 away training; 2026-12-03 in assembly\n'
            )


def timed_imports(url: str, csv: Path, rows: int, prefix: str) -> None:
    """Print the time of a first import and of a re-import of csv into url."""
    db = Database(url).ready()
    try:
        for label in ("first import", "re-import (updates)"):
            start = time.perf_counter()
            assert import_schools(db, csv) == rows
            print(f"  {label}: {time.perf_counter() - start:.2f} s")
    finally:
        if db.engine.dialect.name == "postgresql":
            with db.session() as session:
                session.execute(delete(School).where(School.slug.startswith(prefix)))
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    prefix = f"bench-{secrets.token_hex(3)}-"
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "schools.csv"
        write_csv(csv, args.rows, prefix)
        print(f"{args.rows} schools, SQLite:")
        timed_imports(f"sqlite:///{tmp}/bench.db", csv, args.rows, prefix)
        url = normalize_url(os.environ.get("DATABASE_URL", ""))
        if url.startswith("postgresql"):
            print(f"{args.rows} schools, PostgreSQL:")
            timed_imports(url, csv, args.rows, prefix)


if __name__ == "__main__":
    main()
