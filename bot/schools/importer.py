"""Read a schools file (CSV or YAML), validate every row, import all of it or nothing.

The file must be UTF-8 (a byte order mark is fine). Every cell is checked before anything is
written, so the database never sees a value it would refuse: text longer than its column,
control characters, a slug or a date given twice. Cells a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return) are refused, except a "+" starting a
phone field or staff_mobiles and a "-" or "@" starting telegram_chat: those fields accept
nothing but phone numbers or a chat id / @name, which cannot hold a formula.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import phonenumbers
import yaml
from sqlalchemy import Integer, String, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.schools.directory import DAY_NAMES, days_from_text, shown
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
    "alert_phone",
    "staff_mobiles",
    "sro_name",
    "sro_days",
    "exceptions",
)
REQUIRED = ("name", "office_phone")
MAX_LISTED = 100  # problems shown; the rest are counted
RESAVE = (
    "re-save it as UTF-8 (Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "other editors: choose the UTF-8 encoding when saving)"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_TELEGRAM = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_EXCEPTION = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(in|away)\b\s*(.*)", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORMULA_START = "=+-@\t\r"
_MAY_START_WITH = {"telegram_chat": "-@"} | {
    name: "+" for name in ("office_phone", "backup_phone", "alert_phone", "staff_mobiles")
}
MAX_STAFF_MOBILES = 20
_SCHOOLS = School.metadata.tables[School.__tablename__]  # Core tables: no ORM work per row
_EXCEPTIONS = School.metadata.tables[ScheduleException.__tablename__]
_MAX_CHARS = {
    c.name: c.type.length for c in _SCHOOLS.columns if isinstance(c.type, String) and c.type.length
}
_ID_BATCH = 1000  # school ids per DELETE of their old exception dates


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
    problem = ValueError(f"not a phone number: {shown(text)} (example: 403-555-0101)")
    if re.search(r"[^\d\s().+-]", text):
        raise problem
    try:
        number = phonenumbers.parse(text, "CA")
    except phonenumbers.NumberParseException:
        raise problem from None
    # Canada's numbering plan first: checking every +1 country takes five times as long
    if not (
        phonenumbers.is_valid_number_for_region(number, "CA")
        or phonenumbers.is_valid_number(number)
    ):
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
            raise ValueError(f"{shown(str(item).strip())} is not 'YYYY-MM-DD in|away [note]'")
        day = date.fromisoformat(m.group(1))
        if day in {d for d, _, _ in out}:
            raise ValueError(f"{day} is listed twice")
        out.append((day, m.group(2).lower() == "in", m.group(3)[:200]))
    return out


def slug_from_name(name: str) -> str:
    """A URL-safe id from a name: "Sage Hill School" -> "sage-hill-school"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _refuse_unsafe(name: str, cell: str) -> None:
    """A ValueError when a cell would run as a spreadsheet formula or holds a control
    character (PostgreSQL refuses NUL, and none belongs in a schools file)."""
    first = cell.lstrip(" ")[:1]
    if first and first in _FORMULA_START and first not in _MAY_START_WITH.get(name, ""):
        raise ValueError(f"starts with {first!r}, which spreadsheets run as a formula; remove it")
    if _CONTROL.search(cell.strip()):
        raise ValueError("holds a control character (a tab, a line break...); remove it")


def _aliases(value: object) -> list[str]:
    """Other names: a YAML list or "A; B" in CSV."""
    cells = [_text(a) for a in (value if isinstance(value, list) else _text(value).split(";"))]
    for cell in cells:
        _refuse_unsafe("aliases", cell)
    return [cell.strip() for cell in cells if cell.strip()]


def _staff_mobiles(value: object) -> list[str]:
    """Staff mobiles from a YAML list or "403-555-0121; 403-555-0122" (or commas), in E.164."""
    cells = value if isinstance(value, list) else re.split(r"[;,]", _text(value))
    mobiles: list[str] = []
    for cell in map(_text, cells):
        _refuse_unsafe("staff_mobiles", cell)
        if cell.strip():
            mobiles.append(phone_from_text(cell.strip()))
    if len(mobiles) > MAX_STAFF_MOBILES:
        raise ValueError(f"at most {MAX_STAFF_MOBILES} numbers (this one has {len(mobiles)})")
    return list(dict.fromkeys(mobiles))


def _exceptions(value: object) -> list[tuple[date, bool, str]]:
    """Dated exceptions whose notes are safe to store."""
    found = exceptions_from(value)
    for _, _, note in found:
        _refuse_unsafe("exceptions", note)
    return found


def _checked_text(name: str, value: str) -> str:
    """One text field checked and normalized (phones to E.164, days to "mon,wed")."""
    if name in REQUIRED and not value:
        raise ValueError("is required")
    if name.endswith("phone") and value:
        value = phone_from_text(value)
    elif name.endswith("email") and value and not _EMAIL.fullmatch(value):
        raise ValueError(f"not an email address: {shown(value)}")
    elif name == "telegram_chat" and value and not _TELEGRAM.fullmatch(value):
        raise ValueError(f"not a Telegram chat id (-100123...) or @channel name: {shown(value)}")
    elif name == "sro_days":
        value = ",".join(DAY_NAMES[d] for d in days_from_text(value))
    elif name == "slug" and value and not _SLUG.fullmatch(value):
        raise ValueError(f"use lowercase letters, digits and dashes: {shown(value)}")
    if len(value) > _MAX_CHARS[name]:
        raise ValueError(f"at most {_MAX_CHARS[name]} characters (this one has {len(value)})")
    return value


def _field(name: str, value: object) -> object:
    """The cleaned value of one field; a ValueError says what is wrong."""
    if not isinstance(value, list):
        _refuse_unsafe(name, _text(value))
    if name == "aliases":
        return _aliases(value)
    if name == "exceptions":
        return _exceptions(value)
    if name == "staff_mobiles":
        return _staff_mobiles(value)
    return _checked_text(name, _text(value).strip())


def _unknown(where: str, key: object) -> str:
    if key is None:  # csv.DictReader's key for cells beyond the header's columns
        return f"{where}: more cells than the header has columns"
    return f"{where}, field {shown(str(key))}: unknown field"


def validate(row: Row) -> tuple[dict, list[str]]:
    """The cleaned school of one row, and every problem found, each naming row and field."""
    problems = [_unknown(row.where, k) for k in row.data if k not in FIELDS]
    clean: dict = {}
    for name in FIELDS:
        try:
            clean[name] = _field(name, row.data.get(name))
        except ValueError as exc:
            problems.append(f"{row.where}, field {name!r}: {exc}")
            clean[name] = _text(row.data.get(name)).strip()
    clean["slug"] = clean["slug"] or slug_from_name(clean["name"])
    return clean, problems


def _decoded(path: Path) -> str:
    """The text of a UTF-8 file (with or without a byte order mark)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchoolsFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:2]:
        raise SchoolsFileError(f"{path}: saved as UTF-16 ('Unicode text'), not UTF-8; {RESAVE}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SchoolsFileError(
            f"{path}: not saved as UTF-8 (line {line} holds byte 0x{data[exc.start]:02X}: "
            f"probably Windows-1252 or Latin-1, as older Excel versions save CSV); {RESAVE}"
        ) from None


def rows_from_file(path: Path) -> list[Row]:
    """The rows of a .csv, .yaml or .yml file; SchoolsFileError when it cannot be read."""
    if path.suffix.lower() not in (".csv", ".yaml", ".yml"):
        raise SchoolsFileError(f"{path}: use a .csv, .yaml or .yml file")
    raw = _decoded(path)
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(raw))
        return [Row(f"row {reader.line_num}", dict(r)) for r in reader]
    return _yaml_rows(path, raw)


def _yaml_rows(path: Path, raw: str) -> list[Row]:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SchoolsFileError(f"{path}: not valid YAML: {exc}") from None
    items = data.get("schools") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SchoolsFileError(f"{path}: expected 'schools:' followed by a list of schools")
    return [
        Row(f"school {n} ({_text(i.get('name', '?'))[:40]})", i) for n, i in enumerate(items, 1)
    ]


def _listed(problems: list[str]) -> str:
    listed = problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        listed.append(f"... and {len(problems) - MAX_LISTED} more")
    return "\n  ".join(listed)


def validated(path: Path) -> list[dict]:
    """Every school of the file, cleaned; SchoolsFileError listing all problems otherwise."""
    rows = rows_from_file(path)
    results = [validate(row) for row in rows]
    problems = [p for _, found in results for p in found]
    seen: dict[str, str] = {}
    for row, (clean, _) in zip(rows, results, strict=True):
        if clean["slug"] in seen:
            problems.append(
                f"{row.where}, field 'slug': {shown(clean['slug'])} repeats {seen[clean['slug']]}"
            )
        seen.setdefault(clean["slug"], row.where)
    if not rows:
        problems.append("the file holds no schools")
    if problems:
        raise SchoolsFileError(f"{path}: nothing imported:\n  {_listed(problems)}")
    return [clean for clean, _ in results]


def import_schools(db: Database, path: Path) -> int:
    """Add or update (by slug) every school of the file in one transaction; the count."""
    schools = validated(path)
    with db.session() as session:
        ids = _upsert_schools(session, schools)
        _replace_exceptions(session, ids, schools)
    return len(schools)


def _upsert_schools(session: Session, schools: list[dict]) -> dict[str, int]:
    """Insert or update (by slug) every school in one executemany; every school's id by slug."""
    columns = [name for name in FIELDS if name != "exceptions"]
    stmt: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(_SCHOOLS)
    else:
        stmt = sqlite.insert(_SCHOOLS)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_SCHOOLS.c.slug],
        set_={name: stmt.excluded[name] for name in columns if name != "slug"},
    )
    session.execute(stmt, [{name: school[name] for name in columns} for school in schools])
    ids = session.execute(select(_SCHOOLS.c.slug, _SCHOOLS.c.id))
    return {slug: school_id for slug, school_id in ids}


def _replace_exceptions(session: Session, ids: dict[str, int], schools: list[dict]) -> None:
    """The schools' exception dates become those of the file."""
    school_ids = [ids[school["slug"]] for school in schools]
    for start in range(0, len(school_ids), _ID_BATCH):
        # ids as constants in the SQL text: PostgreSQL hashes a list of constants, but once
        # psycopg has prepared the statement it may compare each row with every parameter
        # (40 s instead of 0.4 s for 50,000 schools)
        batch = school_ids[start : start + _ID_BATCH]
        values = bindparam("ids", batch, Integer, expanding=True, literal_execute=True)
        session.execute(delete(_EXCEPTIONS).where(_EXCEPTIONS.c.school_id.in_(values)))
    rows = [
        {"school_id": ids[school["slug"]], "day": day, "present": present, "note": note}
        for school in schools
        for day, present, note in school["exceptions"]
    ]
    if rows:
        session.execute(insert(_EXCEPTIONS), rows)
