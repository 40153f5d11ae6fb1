"""Office accounts: `sro-bot users add` and the other account changes, sessions that end at
sign-out or on those changes, sign-in limits, accounts of several schools, the migration, and
the demo account that exists only in demo mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from escalation_fixtures import PASSWORD, OfficeBrowser
from sqlalchemy import select

from bot.escalation.cases import NewCase, open_case
from bot.storage.db import MIGRATIONS, Database
from bot.storage.models import AuditEntry, School, StaffUser
from webhooks.cli import add_user, remove_user, reset_password, set_enabled
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


NEW_PASSWORD = "violet kettle rowing seventeen"
ASPEN, CROCUS, CHINOOK = (
    "aspen-ridge-high-school",
    "prairie-crocus-school",
    "chinook-valley-junior-high",
)


def school_id(db, slug: str) -> int:
    with db.session() as s:
        return s.scalar(select(School.id).where(School.slug == slug))


def case_at(db, slug: str, text: str) -> int:
    case, _ = open_case(db, NewCase(slug, "sms", "key1", "+14035550199", text))
    return case.id


def signed_out(browser: OfficeBrowser) -> bool:
    response = browser.get("/office/")
    return response.status_code == 302 and response.location.endswith("/office/login")


def test_a_cookie_saved_before_signing_out_no_longer_opens_the_dashboard(office_app):
    browser = OfficeBrowser(office_app)
    browser.login("aspen")
    saved = browser.client.get_cookie("sro_office", path="/office").value
    replay = OfficeBrowser(office_app)
    replay.client.set_cookie("sro_office", saved, path="/office")
    assert replay.get("/office/").status_code == 200  # the copy works while signed in
    browser.get("/office/")
    assert browser.post("/office/logout").status_code == 302
    assert signed_out(replay) and signed_out(browser)


@pytest.mark.parametrize(
    "change",
    [
        lambda db: set_enabled(db, "aspen", False),
        lambda db: remove_user(db, "aspen"),
        lambda db: reset_password(db, "aspen", NEW_PASSWORD),
    ],
    ids=["disable", "remove", "reset-password"],
)
def test_account_changes_end_its_sessions_and_no_others(office_app, schools_db, change):
    aspen, crocus = OfficeBrowser(office_app), OfficeBrowser(office_app)
    aspen.login("aspen")
    crocus.login("crocus")
    change(schools_db)
    assert signed_out(aspen)
    assert crocus.get("/office/").status_code == 200


def test_a_new_password_replaces_the_old_one(office_app, schools_db):
    reset_password(schools_db, "aspen", NEW_PASSWORD)
    assert OfficeBrowser(office_app).login("aspen", PASSWORD).status_code == 401
    assert OfficeBrowser(office_app).login("aspen", NEW_PASSWORD).status_code == 302


def test_a_disabled_account_gets_the_wrong_password_answer_until_enabled(office_app, schools_db):
    set_enabled(schools_db, "aspen", False)
    disabled = OfficeBrowser(office_app).login("aspen")
    wrong = OfficeBrowser(office_app).login("crocus", "not the password")
    assert disabled.status_code == wrong.status_code == 401
    assert "Wrong username or password." in disabled.get_data(as_text=True)
    set_enabled(schools_db, "aspen", True)
    assert OfficeBrowser(office_app).login("aspen").status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda db: reset_password(db, "aspen", "password1234"), "password: too easy to guess"),
        (lambda db: reset_password(db, "aspen", "short"), "password: at least 12 characters"),
        (lambda db: set_enabled(db, "nobody", False), "username: no account 'nobody'"),
        (lambda db: remove_user(db, "nobody"), "username: no account 'nobody'"),
    ],
)
def test_bad_account_changes_are_refused(office_app, schools_db, change, message):
    with pytest.raises(ValueError, match=message):
        change(schools_db)
    assert OfficeBrowser(office_app).login("aspen").status_code == 302


def test_real_and_made_up_usernames_get_the_same_answers_even_when_throttled(office_app):
    def answers(username: str) -> list[int]:
        browser = OfficeBrowser(office_app)
        return [browser.login(username, "a wrong guess").status_code for _ in range(6)]

    assert answers("aspen") == answers("nobody") == [401] * 5 + [429]


def test_a_get_with_credentials_never_signs_in_nor_counts_as_a_failure(office_app):
    browser = OfficeBrowser(office_app)
    for password in ["a wrong guess"] * 25 + [PASSWORD]:
        form = {"username": "aspen", "password": password}
        assert browser.client.get("/office/login", query_string=form, data=form).status_code == 200
    assert signed_out(browser)
    assert browser.login("aspen").status_code == 302


def test_a_two_school_account_sees_both_schools_and_nothing_of_others(office_app, schools_db):
    add_user(schools_db, "sro-b", ASPEN, PASSWORD, [CROCUS])
    mine = [
        case_at(schools_db, ASPEN, "Aspen matter"),
        case_at(schools_db, CROCUS, "Crocus matter"),
    ]
    theirs = case_at(schools_db, CHINOOK, "Chinook matter")
    sro = OfficeBrowser(office_app)
    sro.login("sro-b")
    queue = sro.get("/office/").get_data(as_text=True)
    assert "Aspen matter" in queue and "Crocus matter" in queue and "Chinook matter" not in queue
    assert [sro.get(f"/office/cases/{case}").status_code for case in mine] == [200, 200]
    assert sro.get(f"/office/cases/{theirs}").status_code == 404
    assert sro.post(f"/office/cases/{theirs}/acknowledge").status_code == 404
    crocus_page = sro.get(f"/office/school?school={school_id(schools_db, CROCUS)}")
    assert "<h1>Prairie Crocus School</h1>" in crocus_page.get_data(as_text=True)
    assert sro.get(f"/office/school?school={school_id(schools_db, CHINOOK)}").status_code == 404


def test_a_two_school_accounts_actions_are_audited_at_the_cases_school(office_app, schools_db):
    add_user(schools_db, "sro-b", ASPEN, PASSWORD, [CROCUS])
    case_id = case_at(schools_db, CROCUS, "Crocus matter")
    sro = OfficeBrowser(office_app)
    sro.login("sro-b")
    sro.get(f"/office/cases/{case_id}")
    sro.post(f"/office/cases/{case_id}/acknowledge")
    crocus = OfficeBrowser(office_app)
    crocus.login("crocus")
    page = crocus.get("/office/audit").get_data(as_text=True)
    assert "<td>sro-b</td><td>acknowledge</td>" in page
    assert "<td>sro-b</td><td>login</td>" not in page  # a sign-in is audited at the first school


def test_sign_in_and_sign_out_are_audited(office_app, schools_db):
    browser = OfficeBrowser(office_app)
    browser.login("aspen")
    browser.get("/office/")
    browser.post("/office/logout")
    with schools_db.session() as s:
        rows = s.execute(select(AuditEntry.username, AuditEntry.action).order_by(AuditEntry.id))
        assert rows.all() == [("aspen", "login"), ("aspen", "logout")]


def migrate(db: Database, target: str, down: bool = False) -> None:
    """Run alembic to `target` on db (as bot.storage.db does for upgrades)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def test_migration_0005_down_and_up_keeps_enabled_accounts_with_their_first_school(schools_db):
    add_user(schools_db, "sro-b", ASPEN, PASSWORD, [CROCUS])
    add_user(schools_db, "leaver", CROCUS, PASSWORD)
    set_enabled(schools_db, "leaver", False)
    migrate(schools_db, "0004", down=True)
    migrate(schools_db, "head")
    with schools_db.session() as s:
        (user,) = s.scalars(select(StaffUser)).all()  # the disabled account was dropped
        assert (user.username, user.enabled, [x.slug for x in user.schools]) == (
            "sro-b",
            True,
            [ASPEN],
        )
