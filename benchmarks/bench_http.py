"""Throughput and latency of signed Twilio SMS webhooks against gunicorn with 2 workers.

Usage: .venv/bin/python benchmarks/bench_http.py [--requests 5000] [--concurrency 12]
Starts gunicorn on a free loopback port, then a second process that sends pre-signed webhooks
from several threads and reports requests/s and p50/p90/p99 latency. Not a test: numbers vary.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
QUESTIONS = [
    "Is the SRO at my school today?",
    "how do i contact the sro",
    "what does a school resource officer do",
    "someone is bullying me online",
    "menu",
    "2",
    "HELP",
    "Est-ce que l'agent est à l'école aujourd'hui?",
    "can i report something anonymously",
    "what happens in a lockdown",
]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_bodies(url: str, count: int) -> list[tuple[bytes, str]]:
    """Form bodies with unique MessageSids and senders, each with its X-Twilio-Signature."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    out = []
    for n in range(count):
        form = {
            "From": f"+1403555{n % 500:04d}",
            "To": "+15875550100",
            "NumMedia": "0",
            "Body": QUESTIONS[n % len(QUESTIONS)],
            "MessageSid": f"SM{n:032x}",
            "AccountSid": "AC" + "0" * 32,
            "ApiVersion": "2010-04-01",
        }
        out.append((urllib.parse.urlencode(form).encode(), validator.compute_signature(url, form)))
    return out


def run_client(url: str, count: int, concurrency: int) -> dict:
    """Send count signed webhooks from concurrency threads; return the figures."""
    parts = urllib.parse.urlsplit(url)
    bodies = signed_bodies(url, count)
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    cursor = iter(range(count))

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while True:
            with lock:
                n = next(cursor, None)
            if n is None:
                break
            body, signature = bodies[n]
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            }
            started = time.perf_counter()
            conn.request("POST", parts.path, body, headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": count,
        "concurrency": concurrency,
        "errors": len(errors),
        "seconds": round(wall, 2),
        "requests_per_s": round(count / wall),
        "p50_ms": round(q[49] * 1000, 1),
        "p90_ms": round(q[89] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    """gunicorn with 2 sync workers on loopback, logging JSON lines to a file."""
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SRO_HASH_SALT": "bench-salt",
        "SRO_LOG_LEVEL": "INFO",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "256",
                "webhooks.app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start:\n" + log.read_text())


def main() -> int:
    """Start the server, run the client in a second process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(run_client(args.client, args.requests, args.concurrency)))
        return 0
    port = free_port()
    url = f"http://127.0.0.1:{port}/sms/twilio"
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        proc = start_gunicorn(port, log)
        try:
            client = [sys.executable, __file__, "--client", url]
            subprocess.run([*client, "--requests", "300"], check=True, capture_output=True)
            out = subprocess.run(
                [*client, "--requests", str(args.requests), "--concurrency", str(args.concurrency)],
                check=True,
                capture_output=True,
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        logged = sum(1 for line in log.read_text().splitlines() if '"event":"request"' in line)
    figures = json.loads(out.stdout)
    print(f"gunicorn 2 sync workers, {figures['concurrency']} client threads in a second process")
    print(
        f"{figures['requests']} signed SMS webhooks in {figures['seconds']} s, "
        f"{figures['errors']} errors, {logged} request log lines"
    )
    print(
        f"{figures['requests_per_s']} requests/s; latency p50 {figures['p50_ms']} ms, "
        f"p90 {figures['p90_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
    )
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
