"""Retention: `sro-bot purge` (and the worker, nightly) deletes closed cases, unanswered
questions, conversation state and loose delivery records older than their ages; open cases
stay whatever their age. What is kept of unanswered questions is masked first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.escalation.cases import NewCase, open_case, resolve
from bot.privacy import mask
from bot.storage.models import Case, CaseMessage, Conversation, Delivery, Unanswered, now
from bot.storage.retention import Retention, purge


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def new_case(db, sender: str) -> int:
    case, _ = open_case(
        db, NewCase("aspen-ridge-high-school", "sms", sender, "+14035550199", "a question")
    )
    return case.id


def test_purge_deletes_what_is_older_than_its_age_and_keeps_open_cases(schools_db):
    closed, still_open = new_case(schools_db, "k-closed"), new_case(schools_db, "k-open")
    with schools_db.session() as session:
        resolve(session.get(Case, closed))
        session.add(Unanswered(text="old question"))
        session.add(Conversation(key="k-old", state={}))
    keep = Retention()
    assert purge(schools_db, keep)["cases"] == 0  # nothing is old yet
    later = now() + timedelta(days=keep.closed_cases + 1)
    removed = purge(schools_db, keep, at=later)
    assert removed["cases"] == 1 and removed["unanswered"] == 1 and removed["conversations"] == 1
    with schools_db.session() as session:
        assert [c.id for c in session.scalars(select(Case))] == [still_open]
        assert session.scalar(select(func.count()).select_from(CaseMessage)) == 1
        left = session.scalars(select(Delivery.case_id)).all()
    assert left and set(left) == {still_open}  # the closed case's alerts went with it


def test_the_cli_prints_ages_and_counts(schools_db, capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", schools_db.url)
    monkeypatch.setenv("SRO_KEEP_UNANSWERED_DAYS", "0")
    with schools_db.session() as session:
        session.add(Unanswered(text="a question", created_at=now() - timedelta(hours=1)))
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "unanswered 0 d" in out and "1 unanswered" in out
    assert count(schools_db, Unanswered) == 0


def test_unanswered_questions_are_masked_before_they_are_kept():
    text = (
        "hi this is Maya in grade 8, I live at 42 Example Crescent SW, text 403-555-0123 or "
        "maya@example.com"
    )
    masked = mask(text)
    assert "Example Crescent" not in masked and "403-555" not in masked and "@" not in masked
    assert masked.startswith("hi this is Maya in grade 8, I live at [address]")
