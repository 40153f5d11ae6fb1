"""911 first whatever is down: with the database stopped, danger over SMS and the web chat is
still answered with 911 first (and ordinary questions with an apology, never a 500); the
reports wait in the spool and become URGENT cases, each alerted once, when it returns."""

from __future__ import annotations

from dataclasses import replace

import pytest
from escalation_fixtures import wait_for
from signed_sms import form_for, post_form
from sqlalchemy import func, select
from storage_fixtures import DEMO_SCHOOLS

from bot.schools.importer import import_schools
from bot.storage.db import Database
from bot.storage.models import Case, Delivery

OFFICE = "+14035550101"  # Aspen Ridge's main office in the demo schools
DANGER = "someone has a gun at aspen ridge"


@pytest.fixture
def app(outage_cluster, alert_env, monkeypatch):
    from webhooks.app import create_app
    from webhooks.config import load_env

    db = Database(outage_cluster.url).ready()
    import_schools(db, DEMO_SCHOOLS)
    db.dispose()
    for name, value in {**alert_env, "DATABASE_URL": outage_cluster.url}.items():
        monkeypatch.setenv(name, value)
    app = create_app(replace(load_env(), testing=True))
    yield app
    app.extensions["sro"].runtime.queue.senders.close()
    app.extensions["sro"].runtime.db.dispose()


def sms(app, text: str, sid: int) -> tuple[int, str]:
    status, texts = post_form(app.test_client(), form_for(text, "+14035550188", sid))
    return status, " ".join(texts)


def web(app, text: str, session: str = "outage-session-1") -> tuple[int, list[dict]]:
    response = app.test_client().post("/api/messages", json={"session": session, "text": text})
    return response.status_code, response.get_json()["replies"]


def cases(app) -> int:
    with app.extensions["sro"].runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def unsent(app) -> int:
    with app.extensions["sro"].runtime.db.session() as session:
        query = (
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status != "sent", Delivery.purpose != "digest")  # digests wait
        )
        return session.scalar(query) or 0


def test_danger_gets_911_first_while_the_database_is_down(
    app, outage_cluster, twilio_rest, worker_for
):
    outage_cluster.halt()
    status, text = sms(app, DANGER, 1)
    assert status == 200 and text.startswith("Call 911 now.")
    assert "pass your message on as soon as I can" in text
    status, replies = web(app, DANGER)
    assert status == 200 and replies[0]["emergency"] and replies[0]["text"].startswith("Call 911")
    status, replies = web(app, "what is a lockdown drill")
    assert status == 200 and replies[0]["text"].startswith("If you or anyone else is in danger")
    outage_cluster.resume()

    status, _ = web(app, "what is a lockdown drill", "outage-session-2")  # storage is back
    assert status == 200
    assert cases(app) == 2  # one URGENT case per sender, opened from the spool
    worker_for(app.extensions["sro"].runtime)
    wait_for(lambda: unsent(app) == 0)
    (alert,) = twilio_rest.to(OFFICE)  # one incident: one alert, exactly once
    assert DANGER in alert
    with app.extensions["sro"].runtime.db.session() as session:
        digests = session.scalars(select(Delivery.body).where(Delivery.purpose == "digest"))
        assert all("1 more report in the last 5 minutes" in body for body in digests)
    assert app.extensions["sro"].engine.spool.waiting() == 0


def test_a_report_whose_case_cannot_be_opened_stays_in_the_spool(tmp_path):
    from datetime import UTC, datetime

    from bot.messages import Message
    from bot.storage.spool import Spool

    spool = Spool(tmp_path / "spool")
    spool.keep(Message("sms", "+14035550188", DANGER, datetime(2026, 12, 2, tzinfo=UTC)))
    assert oct((tmp_path / "spool").stat().st_mode & 0o777) == "0o700"

    def still_down(message):
        raise ConnectionError("database still down")

    with pytest.raises(ConnectionError):
        spool.replay(still_down)
    assert spool.waiting() == 1
    seen = []
    assert spool.replay(seen.append) == 1
    assert [m.text for m in seen] == [DANGER] and spool.waiting() == 0
