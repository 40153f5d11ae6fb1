"""`make run`'s main job: `sro-bot serve` in demo mode, in a fresh directory, as a real process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in found.read_text().split()] if found.exists() else []


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def demo_server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SRO_", "DATABASE_URL"))}
    env.update(SRO_DEMO="1", PYTHONUNBUFFERED="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "webhooks.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    while not any("web chat at" in line for line in lines):
        line = server.stdout.readline()
        assert line, f"server exited: {lines}"
        lines.append(line)
    yield server, port, "".join(lines)
    if server.poll() is None:
        server.kill()
    server.wait(10)
    server.stdout.close()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_demo_serve_prints_where_to_go_answers_and_stops_its_worker(demo_server, tmp_path):
    server, port, printed = demo_server
    assert f"web chat at http://127.0.0.1:{port}/" in printed
    assert re.search(r"office dashboard at .*/office/\s+user demo-office, password \S+", printed)
    assert (tmp_path / "var").is_dir()  # the SQLite file and queue live beside the checkout
    for _ in range(100):
        try:
            health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    assert b'"knowledge_base":"loaded"' in health.read().replace(b" ", b"")
    (worker,) = children(server.pid)
    assert alive(worker)

    server.send_signal(signal.SIGTERM)
    assert server.wait(15) == 0
    deadline = time.monotonic() + 15
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker)
