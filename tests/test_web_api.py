"""The web chat's JSON endpoint, its page and /healthz, through the real app."""

from __future__ import annotations

import re

import pytest

from bot.messages import Message, Reply

SESSION = "3f9c2a7b1e0d4c8a9b6f5e4d3c2b1a00"


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def ask(client, text, session=SESSION):
    return client.post("/api/messages", json={"session": session, "text": text})


def test_a_question_gets_the_engine_reply_as_json(client, knowledge_base):
    from bot.engine import Engine

    expected = Engine(knowledge_base).handle(Message("web", SESSION, "Is the SRO here today?"))[0]
    response = ask(client, "Is the SRO here today?")
    assert response.status_code == 200
    assert response.json == {
        "replies": [
            {
                "text": expected.text,
                "reminder": expected.reminder,
                "choices": [],
                "choice_ids": [],
                "emergency": False,
                "lang": "en",
            }
        ]
    }


def test_choices_come_back_and_a_digit_picks_one(client):
    menu = ask(client, "menu").json["replies"][0]
    assert len(menu["choices"]) > 1
    picked = ask(client, "2").json["replies"][0]
    assert picked["choices"] == [] and "911" in picked["text"]
    assert picked["text"] != menu["text"]


def test_a_button_sends_its_label_as_text_and_its_id_as_choice(make_app):
    class Recording:
        def __init__(self):
            self.messages: list[Message] = []

        def handle(self, message):
            self.messages.append(message)
            return [Reply("Pick one", choices=("Yes", "No"), choice_ids=("yes", "topic:no-2"))]

    app = make_app()
    engine = app.extensions["sro"].engine = Recording()
    client = app.test_client()
    asked = client.post("/api/messages", json={"session": SESSION, "text": "pass it on"})
    assert asked.json["replies"][0]["choice_ids"] == ["yes", "topic:no-2"]
    picked = client.post("/api/messages", json={"session": SESSION, "text": "No", "choice": "no"})
    assert picked.status_code == 200
    assert [(m.text, m.choice) for m in engine.messages] == [("pass it on", ""), ("No", "no")]


def test_a_menu_button_answers_like_its_number(client):
    menu = ask(client, "menu").json["replies"][0]
    assert len(menu["choice_ids"]) == len(menu["choices"]) > 1
    body = {"session": SESSION, "text": menu["choices"][1], "choice": menu["choice_ids"][1]}
    pressed = client.post("/api/messages", json=body).json["replies"][0]
    ask(client, "menu", session="another-session-id")
    typed = ask(client, "2", session="another-session-id").json["replies"][0]
    assert pressed["text"] == typed["text"] != menu["text"]


@pytest.mark.parametrize("choice", ["", "yes", "topic:sro-presence", "a_b-c:9", "x" * 64])
def test_well_formed_choices_are_accepted(client, choice):
    body = {"session": SESSION, "text": "yes", "choice": choice}
    assert client.post("/api/messages", json=body).status_code == 200


def test_sessions_are_kept_apart(client):
    ask(client, "menu")
    other = ask(client, "2", session="another-session-id").json["replies"][0]
    assert "not sure" in other["text"]


def test_emergencies_are_flagged(client):
    reply = ask(client, "someone has a gun in the hallway").json["replies"][0]
    assert reply["emergency"] is True and "911" in reply["text"]


BAD_CHOICE = "choice must be at most 64 letters, digits, -, _ or :"


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"session": SESSION, "text": ""}, "text must be a non-empty string"),
        ({"session": SESSION, "text": " \n\t "}, "text must be a non-empty string"),
        ({"session": SESSION, "text": 42}, "text must be a non-empty string"),
        ({"session": SESSION}, "text must be a non-empty string"),
        ({"session": SESSION, "text": "hi\x00there"}, "text contains control characters"),
        ({"session": SESSION, "text": "hi\u202ethere"}, "text contains control characters"),
        ({"session": SESSION, "text": "x" * 1001}, "text is longer than 1000 characters"),
        ({"session": "short", "text": "hi"}, "session must be 8-64 letters, digits, - or _"),
        (
            {"session": "../../etc/passwd", "text": "hi"},
            "session must be 8-64 letters, digits, - or _",
        ),
        ({"text": "hi"}, "session must be 8-64 letters, digits, - or _"),
        ({"session": SESSION, "text": "hi", "admin": True}, "unknown field: admin"),
        *(
            ({"session": SESSION, "text": "hi", "choice": bad}, BAD_CHOICE)
            for bad in (42, None, ["yes"], "x" * 65, "two words", "../etc", "café", "yes\n")
        ),
        ([SESSION, "hi"], "body must be a JSON object"),
        ("hi", "body must be a JSON object"),
        (0, "body must be a JSON object"),
    ],
)
def test_bad_json_bodies_get_a_400_with_a_reason(client, body, reason):
    response = client.post("/api/messages", json=body)
    assert (response.status_code, response.json) == (400, {"error": reason})


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"{not json", "body is not valid JSON"),
        (b"", "body is not valid JSON"),
        (b'{"session": "abcdefgh", "text": "caf\xe9"}', "body is not valid UTF-8"),
    ],
)
def test_undecodable_bodies_get_a_400(client, data, reason):
    response = client.post("/api/messages", data=data, content_type="application/json")
    assert (response.status_code, response.json) == (400, {"error": reason})


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_other_content_types_are_415(client, content_type):
    response = client.post("/api/messages", data=b'{"text": "hi"}', content_type=content_type)
    assert (response.status_code, response.json) == (
        415,
        {"error": "content type must be application/json"},
    )


def test_oversized_body_is_413(make_app):
    client = make_app(SRO_MAX_BODY_BYTES="1024").test_client()
    response = ask(client, "x" * 2000)
    assert (response.status_code, response.json) == (413, {"error": "body too large"})


def test_unknown_paths_and_methods_answer_json(client):
    assert client.get("/nowhere").json == {"error": "not found"}
    assert client.get("/api/messages").status_code == 405
    assert client.delete("/").json == {"error": "method not allowed"}
    assert client.get("/static/missing.js").json == {"error": "not found"}


def test_an_engine_crash_is_a_json_500_without_a_traceback(make_app):
    class Broken:
        def handle(self, message):
            raise RuntimeError("secret internals: " + message.text)

    app = make_app()
    app.extensions["sro"].engine = Broken()
    response = ask(app.test_client(), "hello")
    assert (response.status_code, response.json) == (500, {"error": "internal error"})
    assert b"secret internals" not in response.get_data()


def test_healthz_reports_the_process_its_channels_and_the_alert_backlog(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "knowledge_base": "loaded",
        "channels": {"web": True, "sms": True, "telegram": True},
        "alerts": {
            "undelivered": 0,
            "oldest_undelivered_seconds": 0,
            "worker": "never seen",
            "worker_seen_seconds_ago": None,
        },
        "queue_depth": 0,
    }


def test_healthz_shows_waiting_alerts_and_the_workers_last_sweep(make_app):
    from storage_fixtures import DEMO_SCHOOLS

    from bot.escalation.cases import NewCase, open_case
    from bot.schools.importer import import_schools

    app = make_app()
    runtime = app.extensions["sro"].runtime
    import_schools(runtime.db, DEMO_SCHOOLS)
    open_case(runtime.db, NewCase("aspen-ridge-high-school", "web", "k", "s", "a question"))
    alerts = app.test_client().get("/healthz").json["alerts"]
    assert alerts["undelivered"] == 2 and alerts["worker"] == "never seen"
    runtime.queue.huey.immediate = True
    runtime.queue.sweep()  # no credentials for the stand-ins here: the rows stay unsent
    alerts = app.test_client().get("/healthz").json["alerts"]
    assert alerts["worker"] == "ok" and alerts["worker_seen_seconds_ago"] <= 5


def fetch(client, path: str):
    """GET a path and close the response (static files are streamed from disk)."""
    with client.get(path) as response:
        response.get_data()
        return response


def test_page_is_self_contained_and_accessible(client):
    response = fetch(client, "/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'aria-live="polite"' in html and '<label for="question">' in html
    assert "911" in html and '<html lang="en">' in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html.replace('href="data:,"', "")):
        assert not re.match(r"(https?:)?//", asset), asset
        assert fetch(client, "/" + asset).status_code == 200


def test_static_assets_reference_no_third_party_host(client):
    for name in ("chat.js", "chat.css"):
        body = fetch(client, f"/static/{name}").get_data(as_text=True)
        assert not re.search(r"https?://", body), name


def test_random_bodies_never_cause_a_500(make_app):
    import random

    rng = random.Random(20261123)
    client = make_app().test_client()
    seeds = [
        b'{"session": "abcdefgh12", "text": "hi"}',
        b'{"update_id": 1, "message": {}}',
        b"From=%2B1&Body=hi&MessageSid=SM1",
        b"\xff\xfe\x00",
        b"[]",
        b"{}",
    ]
    kinds = ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]
    for _ in range(300):
        body = bytearray(rng.choice(seeds))
        for _ in range(rng.randrange(4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        path = rng.choice(["/api/messages", "/sms/twilio", "/telegram/webhook", "/", "/healthz"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}
        response = client.post(
            path, data=bytes(body), content_type=rng.choice(kinds), headers=headers
        )
        assert response.status_code < 500, (path, bytes(body))
        assert response.mimetype in {"application/json", "text/xml"}


def test_a_session_sending_too_fast_is_told_to_wait_and_others_are_not(make_app):
    client = make_app(SRO_WEB_MESSAGES_PER_MINUTE="3").test_client()
    assert [ask(client, "hi").status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(client, "hi")
    assert refused.status_code == 429
    assert refused.json["error"].startswith("too many messages: wait ")
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert ask(client, "hi", session="another-session-1234").status_code == 200


def test_an_emergency_is_answered_even_over_the_limit(make_app):
    client = make_app(SRO_WEB_MESSAGES_PER_MINUTE="1").test_client()
    ask(client, "hi")
    assert ask(client, "hi").status_code == 429
    urgent = ask(client, "there is a guy with a gun in the hallway")
    assert urgent.status_code == 200 and urgent.json["replies"][0]["emergency"] is True


def test_one_address_is_limited_across_sessions_and_a_proxy_hop_reveals_the_client(make_app):
    client = make_app(SRO_WEB_MESSAGES_PER_MINUTE="1").test_client()
    sessions = [f"session-number-{i:04d}" for i in range(6)]
    assert [ask(client, "hi", s).status_code for s in sessions] == [200] * 5 + [429]

    behind_proxy = make_app(SRO_WEB_MESSAGES_PER_MINUTE="1", SRO_PROXY_HOPS="1").test_client()
    for i, session in enumerate(s.replace("number", "proxied") for s in sessions):
        response = behind_proxy.post(
            "/api/messages",
            json={"session": session, "text": "hi"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        )
        assert response.status_code == 200


def test_the_limit_is_shared_by_every_worker(make_app):
    """Two app instances (two workers, or two machines) on one database count one limit."""
    first, second = (make_app(SRO_WEB_MESSAGES_PER_MINUTE="4").test_client() for _ in range(2))
    codes = [ask(c, "hi", "shared-session-01").status_code for c in [first, second] * 3]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_emoji_with_zero_width_joiners_are_accepted(client):
    response = ask(client, "someone has a knife 🤦‍♀️ 🏳️‍🌈")
    assert response.status_code == 200
    assert response.json["replies"][0]["emergency"]


def test_danger_is_answered_with_911_even_when_the_database_is_down(make_app, engine):
    from sqlalchemy.exc import OperationalError

    class DownStore:
        def get(self, key):
            raise OperationalError("SELECT", {}, Exception("connection refused"))

        put = get

    engine.store = DownStore()
    client = make_app().test_client()
    danger = client.post("/api/messages", json={"session": SESSION, "text": "someone has a gun"})
    assert danger.status_code == 200
    (first, note) = danger.json["replies"]
    assert first["emergency"] and first["text"].startswith("Call 911 now")
    assert "could not reach your school's office" in note["text"]
    question = client.post("/api/messages", json={"session": SESSION, "text": "what is the ycja"})
    assert question.status_code == 200  # an apology that opens with 911, not a 500
    (apology,) = question.json["replies"]
    assert apology["text"].startswith("If you or anyone else is in danger right now, call 911.")
