"""Shared fixtures: a network guard, real payloads, the engine, the app and local API stand-ins."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from werkzeug import Request, Response

PAYLOADS = Path(__file__).parent / "payloads"
# Words of messages the tests send, and their phone numbers: none may reach a log line.
LEAKS = re.compile(
    r"\+1403555\d{4}|403[ -]555[ -]0\d{3}|has a gun|with a gun|kill myself|bunch of pills|"
    r"lot of pills|bus driver|about the bus this|Example Crescent|taking my lunch|selling vapes|"
    r"knife in the",
    re.I,
)


class LogWatch(logging.Handler):
    """Sees every log record of the whole run, formatted as production writes it (the app's
    JSON lines, the libraries' redacted lines), and keeps the lines that carry a test
    message's words or a phone number."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        from webhooks.logs import LOGGER_NAME, JsonLineFormatter, RedactedFormatter

        ours = record.name.startswith(LOGGER_NAME)
        line = (JsonLineFormatter() if ours else RedactedFormatter()).format(record)
        if LEAKS.search(line):
            self.leaks.append(line[:300])


WATCH = LogWatch()


def pytest_configure(config) -> None:
    from webhooks.logs import LOGGER_NAME

    logging.getLogger().addHandler(WATCH)
    logging.getLogger(LOGGER_NAME).addHandler(WATCH)  # it does not propagate


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run if any log line held a test message's text or a phone number."""
    if WATCH.leaks:
        print("\nlog lines with message text or phone numbers:\n" + "\n".join(WATCH.leaks[:20]))
        session.exitstatus = 1


def _loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths and the like
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection (or name lookup) that would leave this machine."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(address: object) -> None:
        if not _loopback(address):
            raise ConnectionRefusedError(f"network guard: tests may not connect to {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        refuse(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        refuse((host.decode() if isinstance(host, bytes) else host or "localhost", 0))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def payload() -> Callable[[str], str]:
    """Read a file from tests/payloads by name."""
    return lambda name: (PAYLOADS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def knowledge_base():
    """The shipped knowledge base, loaded once."""
    from faq.loader import load

    return load()


@pytest.fixture
def engine(knowledge_base):
    """A real engine with fresh conversation state."""
    from bot.engine import Engine

    return Engine(knowledge_base)


TEST_ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM_NUMBER": "+15875550100",
    "PUBLIC_BASE_URL": "https://sro.example.org",
    "TELEGRAM_BOT_TOKEN": "7000000001:TEST-token",
    "TELEGRAM_WEBHOOK_SECRET": "test-webhook-secret",
    "SRO_HASH_SALT": "test-salt",
}


@pytest.fixture(scope="session")
def channel_env() -> dict[str, str]:
    """Environment variables that switch every channel on with test credentials."""
    return dict(TEST_ENV)


@pytest.fixture
def make_app(engine) -> Iterator[Callable]:
    """Build the real app in testing mode from TEST_ENV plus overrides; closes its clients."""
    from webhooks.app import create_app
    from webhooks.config import load_env

    apps = []

    def build(**env: str):
        app = create_app(
            replace(load_env({**os.environ, **TEST_ENV, **env}), testing=True), engine=engine
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        if app.extensions["sro"].telegram:
            app.extensions["sro"].telegram.close()


class BotApiStandIn:
    """A local Telegram Bot API: records each call's method and parameters, answers like
    Telegram does."""

    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.calls: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self.fail_with: int | None = None
        pattern = re.compile(r"^/bot[^/]+/(\w+)$")
        httpserver.expect_request(pattern, method="POST").respond_with_handler(self._handle)

    @property
    def base(self) -> str:
        """The URL to pass as SRO_TELEGRAM_API_BASE."""
        return self.server.url_for("").rstrip("/")

    def _handle(self, request: Request) -> Response:
        method = request.path.rsplit("/", 1)[1]
        params = dict(parse_qsl(request.get_data(as_text=True)))
        self.calls.append((method, params))
        if self.fail_with:
            body = {"ok": False, "error_code": self.fail_with, "description": "stand-in failure"}
            return Response(json.dumps(body), self.fail_with, mimetype="application/json")
        return Response(
            json.dumps({"ok": True, "result": self._result(method, params)}),
            mimetype="application/json",
        )

    def _result(self, method: str, params: dict) -> object:
        if method == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private"}
            return {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": chat,
                "text": params["text"],
            }
        if method == "getUpdates":
            updates, self.updates = self.updates, []
            return updates
        return True

    def sent(self, method: str = "sendMessage") -> list[dict]:
        """Parameters of every call to one method, in order."""
        return [params for name, params in self.calls if name == method]


@pytest.fixture
def telegram_api(httpserver) -> BotApiStandIn:
    """A Bot API stand-in on a loopback port."""
    return BotApiStandIn(httpserver)


class TwilioApiStandIn:
    """A local Twilio Messages API: records each message created."""

    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.messages: list[dict] = []
        pattern = re.compile(r"^/2010-04-01/Accounts/(\w+)/Messages\.json$")
        httpserver.expect_request(pattern, method="POST").respond_with_handler(self._handle)

    @property
    def base(self) -> str:
        """The URL to pass as SRO_TWILIO_API_BASE."""
        return self.server.url_for("").rstrip("/")

    def _handle(self, request: Request) -> Response:
        form = dict(parse_qsl(request.get_data(as_text=True)))
        form["auth"] = request.authorization.username if request.authorization else ""
        self.messages.append(form)
        sid = f"SM{len(self.messages):032d}"
        body = {
            "sid": sid,
            "status": "queued",
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "num_segments": "1",
        }
        return Response(json.dumps(body), 201, mimetype="application/json")


@pytest.fixture
def twilio_api(httpserver) -> TwilioApiStandIn:
    """A Twilio REST API stand-in on a loopback port."""
    return TwilioApiStandIn(httpserver)


from browser_fixtures import browser, screenshot_dir  # noqa: E402,F401  (Chromium, PNGs)
from escalation_fixtures import (  # noqa: E402,F401  (alert stand-ins and workers)
    alert_env,
    make_runtime,
    office_app,
    redis_url,
    smtp_server,
    twilio_rest,
    worker_for,
)
from storage_fixtures import (  # noqa: E402,F401  (SQLite and PostgreSQL fixtures)
    _private_database,
    db,
    db_url,
    outage_cluster,
    postgres_server,
    postgres_url,
    schools_db,
)
