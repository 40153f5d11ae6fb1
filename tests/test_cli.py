"""The sro-bot command line, run as a real process."""

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "bot.cli"]


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
