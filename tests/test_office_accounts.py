"""Office accounts: `sro-bot users add`, and the demo account that exists only in demo mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from escalation_fixtures import OfficeBrowser
from sqlalchemy import select

from bot.storage.models import StaffUser
from webhooks.cli import add_user
from webhooks.demo import DEMO_USER, prepare_office

ROOT = Path(__file__).resolve().parent.parent


def usernames(db) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(StaffUser.username)))


def test_passwords_are_stored_hashed(schools_db):
    add_user(schools_db, "aspen2", "aspen-ridge-high-school", "a long enough secret")
    with schools_db.session() as s:
        stored = s.scalar(select(StaffUser.password_hash))
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "a long enough secret" not in stored


@pytest.mark.parametrize(
    ("username", "school", "password", "message"),
    [
        ("ok-name", "no-such-school", "a long enough secret", "school: no school 'no-such-school'"),
        ("x", "aspen-ridge-high-school", "a long enough secret", "username: 3-80 letters"),
        ("ok-name", "aspen-ridge-high-school", "short", "password: at least 12 characters"),
        ("ok-name", "aspen-ridge-high-school", "aaaaaaaaaaaa", "password: too easy to guess"),
        ("ok-name", "aspen-ridge-high-school", "password1234", "password: too easy to guess"),
    ],
)
def test_bad_accounts_are_refused(schools_db, username, school, password, message):
    with pytest.raises(ValueError, match=message):
        add_user(schools_db, username, school, password)
    assert usernames(schools_db) == []


def test_users_add_command(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    run = lambda *a, stdin="": subprocess.run(  # noqa: E731
        [sys.executable, "-m", "webhooks.cli", *a],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert run("schools", "import", "demo/schools.yaml").returncode == 0
    args = ("users", "add", "aspen", "--school", "aspen-ridge-high-school", "--password-stdin")
    ok = run(*args, stdin="a long enough secret\n")
    assert ok.returncode == 0 and "aspen can sign in" in ok.stdout
    again = run(*args, stdin="a long enough secret\n")
    assert again.returncode == 1 and "'aspen' exists already" in again.stderr
    assert "Traceback" not in again.stderr


def test_the_demo_account_exists_only_in_demo_mode(schools_db, office_app):
    login = prepare_office(schools_db, demo=True)
    password = login.split("password ")[1].split(" ")[0]
    assert DEMO_USER in usernames(schools_db)
    assert OfficeBrowser(office_app).login(DEMO_USER, password).status_code == 302
    assert prepare_office(schools_db, demo=False) == ""
    assert DEMO_USER not in usernames(schools_db)
