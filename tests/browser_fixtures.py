"""Headless Chromium and a loopback HTTP server for the browser tests."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium: apt-get install chromium (Debian package; playwright drives it)",
    ),
]


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve a WSGI app over HTTP on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def browser():
    """A headless Chromium, closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """docs/screenshots/ when SRO_SCREENSHOTS=1 (to refresh the README's), else a temp dir."""
    if os.environ.get("SRO_SCREENSHOTS") != "1":
        return tmp_path
    folder = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
