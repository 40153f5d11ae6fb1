"""Schools directory: import from CSV and YAML (all or nothing, errors by row and field),
fuzzy matching by name and alias, the `sro-bot schools` commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.schools.directory import SchoolDirectory, mentions
from bot.schools.importer import SchoolsFileError, import_schools, phone_from_text
from bot.storage.models import School

ROOT = Path(__file__).resolve().parent.parent
HEADER = "name,aliases,office_phone,office_email,sro_name,sro_days,exceptions\n"
GOOD_CSV = HEADER + (
    'Maple Leaf School,Maple Leaf; MLS,403-555-0190,office@maple.example.org,Cst. D,"mon,thu",'
    "2026-12-01 away sick; 2026-12-02 in\n"
    "Willow Creek High,,(403) 555-0191,,,,\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(School))


def test_csv_import_cleans_phones_days_and_exceptions(db, tmp_path):
    assert import_schools(db, write(tmp_path, "s.csv", GOOD_CSV)) == 2
    maple = SchoolDirectory(db).get("maple-leaf-school")
    assert maple.office_phone == "403-555-0190"
    assert maple.sro_days == (0, 3)
    assert {str(d): v for d, v in maple.exceptions.items()} == {
        "2026-12-01": (False, "sick"),
        "2026-12-02": (True, ""),
    }


def test_reimport_updates_by_slug_and_replaces_exceptions(db, tmp_path):
    import_schools(db, write(tmp_path, "s.csv", GOOD_CSV))
    changed = GOOD_CSV.replace("2026-12-01 away sick; 2026-12-02 in", "2026-12-01 in")
    import_schools(db, write(tmp_path, "s2.csv", changed))
    assert count(db) == 2
    maple = SchoolDirectory(db).get("maple-leaf-school")
    assert {str(d): v for d, v in maple.exceptions.items()} == {"2026-12-01": (True, "")}


def test_demo_yaml_imports(db):
    assert import_schools(db, ROOT / "demo" / "schools.yaml") == 4


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Bad,,not-a-phone,,,,", "row 4, field 'office_phone': not a phone number"),
        ("Bad,,403-555-0100,nobody@,,,", "row 4, field 'office_email': not an email address"),
        ("Bad,,403-555-0100,,,funday,", "row 4, field 'sro_days': unknown weekday 'funday'"),
        ("Bad,,403-555-0100,,,,tomorrow away", "row 4, field 'exceptions': 'tomorrow away'"),
        ("Bad,,403-555-0100,,,,2026-12-01 in; 2026-12-01 away", "2026-12-01 is listed twice"),
        (",,403-555-0100,,,,", "row 4, field 'name': is required"),
        ("Bad,,,,,,", "row 4, field 'office_phone': is required"),
    ],
)
def test_a_bad_row_names_row_and_field_and_imports_nothing(db, tmp_path, row, expected):
    path = write(tmp_path, "s.csv", GOOD_CSV + row + "\n")
    with pytest.raises(SchoolsFileError) as err:
        import_schools(db, path)
    assert expected in str(err.value) and "nothing imported" in str(err.value)
    assert count(db) == 0


def test_every_problem_is_listed_and_duplicates_are_caught(db, tmp_path):
    text = HEADER + "A,,x,,,,\nA,,403-555-0100,bad,,,\n"
    with pytest.raises(SchoolsFileError) as err:
        import_schools(db, write(tmp_path, "s.csv", text))
    message = str(err.value)
    assert "row 2, field 'office_phone'" in message
    assert "row 3, field 'office_email'" in message
    assert "row 3, field 'slug': 'a' repeats row 2" in message


def test_unknown_csv_column_is_refused(db, tmp_path):
    with pytest.raises(SchoolsFileError, match="row 2, field 'phone': unknown field"):
        import_schools(db, write(tmp_path, "s.csv", "name,phone\nA,403-555-0100\n"))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("s.yaml", "schools: [oops", "not valid YAML"),
        ("s.yaml", "just a string", "expected 'schools:'"),
        (
            "s.yaml",
            "schools:\n  - name: A\n    office_phone: 4035550100\n    sro_days: xyz\n",
            "school 1 (A), field 'sro_days'",
        ),
        ("s.txt", "name\n", "use a .csv, .yaml or .yml file"),
        ("s.csv", "name,office_phone\n", "the file holds no schools"),
    ],
)
def test_unreadable_files_give_one_clear_message(db, tmp_path, name, text, expected):
    with pytest.raises(SchoolsFileError, match=re.escape(expected)):
        import_schools(db, write(tmp_path, name, text))


def test_non_utf8_file(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"name,office_phone\n\xff\xfe,4035550100\n")
    with pytest.raises(SchoolsFileError, match="cannot read"):
        import_schools(db, path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("403-555-0101", "+14035550101"),
        ("+1 (403) 555 0101", "+14035550101"),
        ("+44 20 7946 0000", "+442079460000"),
    ],
)
def test_phone_numbers(text, expected):
    assert phone_from_text(text) == expected


@pytest.mark.parametrize("text", ["403-555-010", "403-555-01011", "12345678", "call me"])
def test_invalid_phone_numbers_are_refused(text):
    with pytest.raises(ValueError, match="not a phone number"):
        phone_from_text(text)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("is the officer at Aspen Ridge today?", "aspen-ridge-high-school"),
        ("is the sro at aspen ridge high 2day", "aspen-ridge-high-school"),
        ("sro at ARHS?", "aspen-ridge-high-school"),
        ("is the cop at aspn ridge today", "aspen-ridge-high-school"),
        ("PRAIRIE CROCUS", "prairie-crocus-school"),
        ("chinook valley jr high", "chinook-valley-junior-high"),
        ("École Bowbend", "bowbend-elementary-school"),
    ],
)
def test_schools_are_found_by_name_alias_and_typo(schools_db, text, slug):
    assert SchoolDirectory(schools_db).match(text).slug == slug


@pytest.mark.parametrize(
    "text",
    [
        "is the sro at my school today",
        "what does an sro do",
        "my high school",
        "valley",
        "prairie",
        "sage hill",
        "",
    ],
)
def test_no_school_is_invented(schools_db, text):
    assert SchoolDirectory(schools_db).match(text) is None


def test_generic_words_alone_do_not_match():
    assert mentions("Sage Hill High School", "is this a high school") < 88


def test_cli_import_and_list(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    cli = [sys.executable, "-m", "webhooks.cli", "schools"]
    bad = write(tmp_path, "bad.csv", HEADER + "A,,x,,,,\n")
    out = subprocess.run(
        [*cli, "import", str(bad)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 1 and "row 2, field 'office_phone'" in out.stderr
    assert "Traceback" not in out.stderr
    good = write(tmp_path, "good.csv", GOOD_CSV)
    out = subprocess.run(
        [*cli, "import", str(good)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0 and "2 schools imported" in out.stdout
    listing = subprocess.run([*cli, "list"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert "maple-leaf-school\tMaple Leaf School\tmon,thu\t+14035550190" in listing.stdout
