"""The sro-bot command line, run as a real process."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
NEW = "violet kettle rowing seventeen"


def run(*args, stdin=b""):
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, check=False)


def test_ask_one_message_prints_the_reply():
    out = run("ask", "what is the non emergency number")
    assert out.returncode == 0
    assert "403-266-1234" in out.stdout.decode()


def test_batch_json_one_object_per_line_in_order_including_empty_lines():
    out = run("ask", "--json", "-", stdin=b"what is the ycja\n\ni want to kill myself\nmenu\n")
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert out.returncode == 0 and len(rows) == 4
    assert [r["topic"] for r in rows] == ["ycja", None, None, "bot-help"]
    assert [r["emergency"] for r in rows] == [False, False, True, False]
    for r in rows:
        assert set(r) >= {"topic", "emergency", "confidence", "reply"}
        assert 0.0 <= r["confidence"] <= 1.0


def test_batch_lines_are_independent_senders():
    out = run("ask", "--json", "-", stdin=b"menu\n1\n")
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert rows[1]["topic"] is None  # "1" alone means nothing to a new sender


def test_batch_non_utf8_line_gives_a_clear_error_and_keeps_going():
    out = run("ask", "--json", "-", stdin=b"what is the ycja\n\xff\xfe bad bytes\nlockdown drill\n")
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(rows) == 3 and rows[2]["topic"] == "lockdown-drill"
    assert "line 2: not valid UTF-8" in rows[1]["error"]
    assert b"line 2: not valid UTF-8" in out.stderr and b"Traceback" not in out.stderr
    assert out.returncode == 1


def test_a_reader_that_stops_early_gets_no_traceback():
    """`sro-bot ask --json - < file | head -1`: the pipe closes, the command stops quietly."""
    ask = subprocess.Popen(
        [*CLI, "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert ask.stdin and ask.stdout and ask.stderr
    ask.stdin.write(b"is the officer in today\n" * 2000)
    ask.stdin.close()
    assert json.loads(ask.stdout.readline())["topic"] == "sro-presence"
    ask.stdout.close()
    ask.wait(timeout=120)
    errors = ask.stderr.read()
    ask.stderr.close()
    assert errors == b""
    assert ask.returncode == 1


def test_faq_export_json_has_every_topic_and_language():
    out = run("faq", "export", "--json")
    rows = json.loads(out.stdout)
    assert out.returncode == 0
    assert {(r["id"], r["lang"]) for r in rows} >= {("ycja", "en"), ("ycja", "fr")}
    for r in rows:
        assert r["questions"] and r["keywords"] and r["answer"]


def test_broken_knowledge_base_refuses_to_start(tmp_path, monkeypatch):
    (tmp_path / "en.yaml").write_text("topics: [", encoding="utf-8")
    monkeypatch.setenv("SRO_KB_DIR", str(tmp_path))
    out = run("ask", "hi")
    assert out.returncode == 1
    assert b"refusing to start" in out.stderr and b"en.yaml" in out.stderr
    assert b"Traceback" not in out.stderr


def sro_bot(db_file, *args, stdin=""):
    """Run the full sro-bot command (webhooks.cli) on a SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}"}
    command = [sys.executable, "-m", "webhooks.cli", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT)


def test_users_help_lists_every_action(tmp_path):
    out = sro_bot(tmp_path / "cli.db", "users", "--help")
    assert out.returncode == 0
    for action in ("list", "add", "disable", "enable", "remove", "reset-password"):
        assert action in out.stdout


def test_users_commands_change_list_and_audit_accounts(tmp_path):
    users = lambda *args, stdin="": sro_bot(tmp_path / "cli.db", "users", *args, stdin=stdin)  # noqa: E731
    assert sro_bot(tmp_path / "cli.db", "schools", "import", "demo/schools.yaml").returncode == 0
    assert users("list").stdout == "no office accounts yet\n"
    schools = ["--school", "aspen-ridge-high-school", "--school", "prairie-crocus-school"]
    added = users("add", "sro-b", *schools, "--password-stdin", stdin=f"{PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    assert users("disable", "sro-b").returncode == 0
    listed = users("list").stdout  # never a password hash
    assert listed == "sro-b\taspen-ridge-high-school,prairie-crocus-school\tdisabled\n"
    assert users("enable", "sro-b").returncode == 0
    assert users("list").stdout.endswith("\tenabled\n")
    weak = users("reset-password", "sro-b", "--password-stdin", stdin="password1234\n")
    assert weak.returncode == 1 and "password: too easy to guess" in weak.stderr
    assert "password1234" not in weak.stderr + weak.stdout and "Traceback" not in weak.stderr
    new = users("reset-password", "sro-b", "--password-stdin", stdin=f"{NEW}\n")
    assert new.returncode == 0, new.stderr
    assert users("remove", "sro-b").returncode == 0
    gone = users("disable", "sro-b")
    assert gone.returncode == 1 and "username: no account 'sro-b'" in gone.stderr
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        rows = connection.execute("SELECT username, action, detail FROM audit_log ORDER BY id")
        assert rows.fetchall() == [
            ("(command line)", action, "sro-b")
            for action in (
                "user-add",
                "user-disable",
                "user-enable",
                "user-password",
                "user-remove",
            )
        ]
