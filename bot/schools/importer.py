"""Read a schools file (CSV or YAML), validate every row, import all of it or nothing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import phonenumbers
import yaml
from sqlalchemy import select

from bot.schools.directory import DAY_NAMES, days_from_text
from bot.storage.db import Database
from bot.storage.models import ScheduleException, School

FIELDS = (
    "name",
    "slug",
    "aliases",
    "board",
    "office_phone",
    "office_email",
    "telegram_chat",
    "backup_phone",
    "backup_email",
    "sro_name",
    "sro_days",
    "exceptions",
)
REQUIRED = ("name", "office_phone")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_TELEGRAM = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")
_EXCEPTION = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(in|away)\b\s*(.*)", re.I)


class SchoolsFileError(Exception):
    """The file cannot be imported; the message lists every problem by row and field."""


@dataclass
class Row:
    """One school as read from the file, before validation."""

    where: str  # "row 3" (CSV line) or "school 2" (YAML item)
    data: dict


def phone_from_text(text: str) -> str:
    """E.164 from "403-555-0101", "(403) 555 0101" or "+1 403 555 0101", checked with the
    phonenumbers library (numbers without a country code are read as Canadian)."""
    problem = ValueError(f"not a phone number: {text!r} (example: 403-555-0101)")
    if re.search(r"[^\d\s().+-]", text):
        raise problem
    try:
        number = phonenumbers.parse(text, "CA")
    except phonenumbers.NumberParseException:
        raise problem from None
    if not phonenumbers.is_valid_number(number):
        raise problem
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def exceptions_from(value: object) -> list[tuple[date, bool, str]]:
    """Dated exceptions from "2026-12-01 away; 2026-12-03 in assembly" or a YAML list."""
    items = value if isinstance(value, list) else [p for p in str(value or "").split(";")]
    out: list[tuple[date, bool, str]] = []
    for item in items:
        if isinstance(item, dict):
            item = f"{item.get('date', '')} {item.get('sro', '')} {item.get('note', '')}"
        if not str(item).strip():
            continue
        m = _EXCEPTION.fullmatch(str(item).strip())
        if not m:
            raise ValueError(f"{str(item).strip()!r} is not 'YYYY-MM-DD in|away [note]'")
        day = date.fromisoformat(m.group(1))
        if day in {d for d, _, _ in out}:
            raise ValueError(f"{day} is listed twice")
        out.append((day, m.group(2).lower() == "in", m.group(3)[:200]))
    return out


def slug_from_name(name: str) -> str:
    """A URL-safe id from a name: "Sage Hill School" -> "sage-hill-school"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _aliases(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(";")
    return [str(a).strip() for a in items if str(a).strip()]


def _check_field(name: str, clean: dict) -> None:
    """Validate and convert one field of clean in place; raises ValueError with the reason."""
    value = clean[name]
    if name in REQUIRED and not value:
        raise ValueError("is required")
    if name.endswith("phone") and value:
        clean[name] = phone_from_text(value)
    elif name.endswith("email") and value and not _EMAIL.fullmatch(value):
        raise ValueError(f"not an email address: {value!r}")
    elif name == "telegram_chat" and value and not _TELEGRAM.fullmatch(value):
        raise ValueError(f"not a Telegram chat id (-100123...) or @channel name: {value!r}")
    elif name == "sro_days":
        clean[name] = ",".join(DAY_NAMES[d] for d in days_from_text(value))
    elif name == "slug" and value and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", value):
        raise ValueError(f"use lowercase letters, digits and dashes: {value!r}")


def validate(row: Row) -> tuple[dict, list[str]]:
    """The cleaned school of one row, and every problem found, each naming row and field."""
    problems = [f"{row.where}, field {k!r}: unknown field" for k in row.data if k not in FIELDS]
    clean: dict = {k: _text(row.data, k) for k in FIELDS if k not in ("aliases", "exceptions")}
    clean["aliases"] = _aliases(row.data.get("aliases"))
    for name in [k for k in FIELDS if k not in ("aliases", "exceptions")]:
        try:
            _check_field(name, clean)
        except ValueError as exc:
            problems.append(f"{row.where}, field {name!r}: {exc}")
    try:
        clean["exceptions"] = exceptions_from(row.data.get("exceptions"))
    except ValueError as exc:
        problems.append(f"{row.where}, field 'exceptions': {exc}")
    clean["slug"] = clean["slug"] or slug_from_name(clean["name"])
    return clean, problems


def rows_from_file(path: Path) -> list[Row]:
    """The rows of a .csv, .yaml or .yml file; SchoolsFileError when it cannot be read."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchoolsFileError(f"{path}: cannot read: {exc}") from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(raw))
        return [Row(f"row {reader.line_num}", dict(r)) for r in reader]
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise SchoolsFileError(f"{path}: use a .csv, .yaml or .yml file")
    return _yaml_rows(path, raw)


def _yaml_rows(path: Path, raw: str) -> list[Row]:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SchoolsFileError(f"{path}: not valid YAML: {exc}") from None
    items = data.get("schools") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SchoolsFileError(f"{path}: expected 'schools:' followed by a list of schools")
    return [Row(f"school {n} ({i.get('name', '?')})", i) for n, i in enumerate(items, 1)]


def validated(path: Path) -> list[dict]:
    """Every school of the file, cleaned; SchoolsFileError listing all problems otherwise."""
    rows = rows_from_file(path)
    results = [validate(row) for row in rows]
    problems = [p for _, found in results for p in found]
    seen: dict[str, str] = {}
    for row, (clean, _) in zip(rows, results, strict=True):
        if clean["slug"] in seen:
            problems.append(
                f"{row.where}, field 'slug': {clean['slug']!r} repeats {seen[clean['slug']]}"
            )
        seen.setdefault(clean["slug"], row.where)
    if not rows:
        problems.append("the file holds no schools")
    if problems:
        raise SchoolsFileError(f"{path}: nothing imported:\n  " + "\n  ".join(problems))
    return [clean for clean, _ in results]


def import_schools(db: Database, path: Path) -> int:
    """Add or update (by slug) every school of the file in one transaction; the count."""
    schools = validated(path)
    with db.session() as session:
        for clean in schools:
            _upsert(session, clean)
    return len(schools)


def _upsert(session, clean: dict) -> None:
    row = session.scalar(select(School).where(School.slug == clean["slug"]))
    if row is None:
        row = School(slug=clean["slug"])
        session.add(row)
    for name, value in clean.items():
        if name not in ("slug", "exceptions"):
            setattr(row, name, value)
    row.exceptions.clear()
    session.flush()  # delete old dates before inserting new ones (unique per school and day)
    row.exceptions = [
        ScheduleException(day=d, present=p, note=n) for d, p, n in clean["exceptions"]
    ]
