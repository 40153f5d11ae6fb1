"""Stand-ins speaking the real protocols for alerts: Twilio's Messages API (create and list,
with outages and a stall), an SMTP server (aiosmtpd), and a recording notifier."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from urllib.parse import parse_qsl, urlencode

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ACCOUNT = "AC" + "0" * 32


class TwilioStandIn:
    """A local Twilio REST API: Messages.json POST creates, GET lists. `fail_for` answers 500
    to that many creates; `stall` makes the next create record the message, then hang until
    `release` is set (the message exists, the caller never hears so)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.messages: list[dict] = []
        self.creates = 0
        self.fail_for = 0
        self.stall = False
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        path = re.compile(r"^/2010-04-01/Accounts/\w+/Messages\.json$")
        server.expect_request(path, method="POST").respond_with_handler(self._create)
        server.expect_request(path, method="GET").respond_with_handler(self._list)

    @property
    def base(self) -> str:
        """The URL for SRO_TWILIO_API_BASE."""
        return self.server.url_for("").rstrip("/")

    def _create(self, request: Request) -> Response:
        form = dict(parse_qsl(request.get_data(as_text=True)))
        with self._lock:
            self.creates += 1
            if self.fail_for > 0:
                self.fail_for -= 1
                body = {"code": 20500, "message": "stand-in outage", "status": 500}
                return Response(json.dumps(body), 500, mimetype="application/json")
            message = {
                "sid": f"SM{len(self.messages) + 1:032d}",
                "to": form["To"],
                "from": form["From"],
                "body": form["Body"],
                "status": "queued",
            }
            self.messages.append(message)
            stall, self.stall = self.stall, False
        if stall:
            self.stalled.set()
            self.release.wait(30)
        return Response(json.dumps(message), 201, mimetype="application/json")

    def _list(self, request: Request) -> Response:
        """Newest first, PageSize per page, a next_page_uri while more remain (as Twilio)."""
        to = request.args.get("To")
        size = int(request.args.get("PageSize", 50))
        page = int(request.args.get("Page", 0))
        with self._lock:
            found = [m for m in reversed(self.messages) if not to or m["to"] == to]
        chunk = found[page * size : (page + 1) * size]
        more = (page + 1) * size < len(found)
        query = urlencode({"To": to or "", "PageSize": size, "Page": page + 1, "PageToken": "x"})
        body = {
            "messages": chunk,
            "end": page * size + len(chunk) - 1,
            "first_page_uri": "",
            "next_page_uri": f"{request.path}?{query}" if more else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": None,
            "start": page * size,
            "uri": "",
        }
        return Response(json.dumps(body), 200, mimetype="application/json")

    def to(self, number: str) -> list[str]:
        """Bodies of the messages created for one number."""
        return [m["body"] for m in self.messages if m["to"] == number]


@pytest.fixture
def twilio_rest() -> Iterator[TwilioStandIn]:
    """The Twilio stand-in on its own threaded server (a stalled request blocks nobody)."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    stand_in = TwilioStandIn(server)
    yield stand_in
    stand_in.release.set()
    server.clear()
    if server.is_running():
        server.stop()


class Mailbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Accept and keep the message."""
        message = message_from_bytes(envelope.content)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        """Messages delivered to one address."""
        return [m for m in self.messages if address in m["X-Rcpt"]]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on a loopback port."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


class RecordingNotifier:
    """A Notifier that only records what it was handed."""

    def __init__(self) -> None:
        self.deliveries: list[int] = []
        self.cases: list[int] = []

    def deliveries_added(self, ids) -> None:
        """Record delivery ids."""
        self.deliveries += list(ids)

    def case_opened(self, case_id: int) -> None:
        """Record the case id."""
        self.cases.append(case_id)


def wait_for(check, timeout: float = 20.0, step: float = 0.05):
    """Poll until check() is truthy; its value, or AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


class Worker:
    """A real huey consumer on worker threads, for tests (the CLI's `sro-bot worker` runs the
    same consumer in its own process)."""

    def __init__(self, queue, workers: int = 2) -> None:
        import signal

        self._saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        self.consumer = queue.huey.create_consumer(
            workers=workers, worker_type="thread", initial_delay=0.02, max_delay=0.1
        )
        self.consumer.start()

    def stop(self) -> None:
        """Stop the threads and give back the signal handlers."""
        import signal

        self.consumer.stop(graceful=True)
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)


@pytest.fixture
def alert_env(twilio_rest, smtp_server, tmp_path) -> dict[str, str]:
    """Environment for a runtime whose alerts go to the stand-ins."""
    _, smtp_port = smtp_server
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": "test-auth-token",
        "TWILIO_FROM_NUMBER": "+15875550100",
        "SRO_TWILIO_API_BASE": twilio_rest.base,
        "PUBLIC_BASE_URL": "https://sro.example.org",
        "SRO_HASH_SALT": "test-salt",
        "SRO_SMTP_HOST": "127.0.0.1",
        "SRO_SMTP_PORT": str(smtp_port),
        "SRO_MAIL_FROM": "sro-bot@example.org",
        "SRO_QUEUE_PATH": str(tmp_path / "queue.db"),
        "SRO_RETRY_DELAY_SECONDS": "0.2",
        "SRO_DELIVERY_LEASE_SECONDS": "2",
        "SRO_REALERT_MINUTES": "15",
    }


@pytest.fixture
def make_runtime(schools_db, alert_env):
    """Build a Runtime on the test database with alerts going to the stand-ins."""
    from webhooks.config import load_env, load_queue_env
    from webhooks.context import Runtime
    from webhooks.delivery.queue import AlertQueue, QueueNotifier
    from webhooks.delivery.senders import Senders

    built = []

    def build(**overrides: str):
        env = {**alert_env, **overrides}
        config, queue_config = load_env(env), load_queue_env(env)
        queue = AlertQueue(queue_config, schools_db, Senders(config, queue_config))
        built.append(queue)
        return Runtime(schools_db, queue, QueueNotifier(queue))

    yield build
    for queue in built:
        queue.senders.close()


@pytest.fixture
def worker_for():
    """Start real consumers for runtimes; all stopped at the end."""
    workers = []

    def start(runtime):
        workers.append(Worker(runtime.queue))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


PASSWORD = "correct horse battery staple"


class OfficeBrowser:
    """Flask's test client over https (the session cookie is Secure), reading CSRF tokens
    from the pages like a browser would."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        self.client.environ_base["wsgi.url_scheme"] = "https"
        self.token = ""

    def get(self, path: str):
        """GET a page and keep its CSRF token."""
        response = self.client.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
        self.token = found.group(1) if found else self.token
        return response

    def post(self, path: str, data: dict | None = None, csrf: bool = True):
        """POST a form with the page's CSRF token (unless csrf=False)."""
        form = {**(data or {}), **({"csrf_token": self.token} if csrf else {})}
        return self.client.post(path, data=form)

    def login(self, username: str, password: str = PASSWORD):
        """Sign in through the form."""
        self.get("/office/login")
        return self.post("/office/login", {"username": username, "password": password})


@pytest.fixture
def office_app(schools_db, db_url, monkeypatch):
    """The real app on the test database, two schools' staff, a recording notifier."""
    from dataclasses import replace

    from webhooks.app import create_app
    from webhooks.cli import add_user
    from webhooks.config import load_env

    monkeypatch.setenv("DATABASE_URL", db_url)
    add_user(schools_db, "aspen", "aspen-ridge-high-school", PASSWORD)
    add_user(schools_db, "crocus", "prairie-crocus-school", PASSWORD)
    app = create_app(replace(load_env(), testing=True), notifier=RecordingNotifier())
    app.secret_key = "test-secret"
    yield app
    app.extensions["sro"].runtime.db.dispose()


@pytest.fixture
def redis_url():
    """A throwaway redis-server on a loopback port (skipped when not installed)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server not installed (Debian: apt-get install redis-server)")
    port, folder = free_port(), tempfile.mkdtemp(prefix="sro-redis-")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        wait_for(lambda: _pings(redis.Redis(port=port)), timeout=10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()
