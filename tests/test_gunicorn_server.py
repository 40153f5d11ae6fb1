"""The production command: a real gunicorn process on a loopback port, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers.get_content_type(), err.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory, channel_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **channel_env, "PUBLIC_BASE_URL": base, "SRO_LOG_LEVEL": "WARNING"}
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "webhooks.app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_healthz_over_http(server):
    status, kind, body = fetch(server + "/healthz")
    assert (status, kind) == (200, "application/json")
    assert json.loads(body)["status"] == "ok"


def test_web_chat_page_and_api(server):
    status, kind, body = fetch(server + "/")
    assert (status, kind) == (200, "text/html") and b"aria-live" in body
    data = json.dumps({"session": "gunicorn-test-01", "text": "menu"}).encode()
    status, kind, body = fetch(server + "/api/messages", data, {"Content-Type": "application/json"})
    assert status == 200 and json.loads(body)["replies"][0]["choices"]


def test_signed_sms_over_http(server, channel_env):
    form = {"From": "+14035550123", "Body": "help", "MessageSid": "SM" + "9" * 32}
    url = server + "/sms/twilio"
    signature = RequestValidator(channel_env["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    status, kind, body = fetch(
        url, urllib.parse.urlencode(form).encode(), {"X-Twilio-Signature": signature}
    )
    assert (status, kind) == (200, "text/xml") and b"<Message>" in body
    status, kind, body = fetch(
        url, urllib.parse.urlencode(form).encode(), {"X-Twilio-Signature": "forged"}
    )
    assert (status, json.loads(body)) == (403, {"error": "bad signature"})


def test_bad_input_never_yields_an_html_error(server):
    status, kind, _ = fetch(
        server + "/api/messages", b"\xff\xfe", {"Content-Type": "application/json"}
    )
    assert (status, kind) == (400, "application/json")
    status, kind, _ = fetch(
        server + "/api/messages", b"x" * 100_000, {"Content-Type": "application/json"}
    )
    assert (status, kind) == (413, "application/json")
