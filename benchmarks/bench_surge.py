"""A lockdown surge: many senders texting at once, some about danger, some webhooks doubled.

Usage: .venv/bin/python benchmarks/bench_surge.py [--workers 4] [--senders 1000]
       [--messages 3000] [--emergency-share 0.07] [--duplicate-pairs 100] [--concurrency 16]
       [--kill-worker-at SECONDS | --kill-worker-mid-send]
Uses DATABASE_URL and SRO_REDIS_URL when set (PostgreSQL + Redis), else a fresh SQLite file and
the SQLite queue. Starts gunicorn with --workers, one `sro-bot worker`, a Twilio REST stand-in
and an SMTP sink, imports the demo schools, then sends the burst (signed SMS) and prints:
throughput and latency, the time from the first danger message to the first alert reaching the
SMS stand-in, cases and office alerts per school, the deliveries by purpose and state, and the
queue's peak depth (tests/test_duplicates.py checks that doubled webhooks run once). Not a
test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench_http import ROOT, free_port
from werkzeug import Request, Response
from werkzeug.serving import make_server

TOKEN = "bench-auth-token"
SCHOOLS = {"+14035550101": "aspen-ridge-high-school", "+14035550102": "prairie-crocus-school"}
DANGER = ["someone has a gun at aspen ridge", "there is a man with a knife at prairie crocus"]
QUESTIONS = ["is my kid safe", "is the school in lockdown", "when can i pick up my child", "menu"]


class TwilioSink:
    """Twilio's Messages API on loopback: records (time, to, body); lists them (by To) for the
    worker's "did it already go?" lookup. `on_first_alert`, if set, runs once when the first
    URGENT alert arrives, instead of recording it (its worker dies mid-send)."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, str, str]] = []
        self.lock = threading.Lock()
        self.on_first_alert = None
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def app(self, environ, start_response):
        request = Request(environ)
        if request.method == "GET":
            body = {"messages": self.listed(request.args.get("To")), "next_page_uri": None}
            return Response(json.dumps(body), mimetype="application/json")(environ, start_response)
        form = urllib.parse.parse_qs(request.get_data(as_text=True))
        to, text = form["To"][0], form["Body"][0]
        with self.lock:
            hook = self.on_first_alert if to in SCHOOLS and "URGENT SRO case" in text else None
            self.on_first_alert = None if hook else self.on_first_alert
            if not hook:
                self.messages.append((time.time(), to, text))
            sid = f"SM{len(self.messages):032d}"
        if hook:
            hook()  # the worker dies holding the claim; the message never went
            return Response("killed", 500)(environ, start_response)
        body = {"sid": sid, "status": "queued", "to": to, "body": text}
        return Response(json.dumps(body), 201, mimetype="application/json")(environ, start_response)

    def listed(self, to: str | None) -> list[dict]:
        """The messages sent to `to`, newest first, as Twilio lists them."""
        with self.lock:
            found = [(n, m) for n, m in enumerate(self.messages, 1) if m[1] == to]
        return [
            {"sid": f"SM{n:032d}", "to": m_to, "body": body, "status": "queued"}
            for n, (_, m_to, body) in reversed(found)
        ]


def smtp_sink() -> tuple[object, int]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def burst(args) -> list[tuple[dict, bool]]:
    """The messages in sending order: (form, danger?); duplicate pairs sit side by side."""
    rng = random.Random(7)
    out = []
    for n in range(args.messages):
        danger = rng.random() < args.emergency_share
        form = {
            "From": f"+1587{rng.randrange(args.senders):07d}",
            "To": "+15875550100",
            "Body": rng.choice(DANGER if danger else QUESTIONS),
            "MessageSid": f"SM{n:032x}",
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": "0",
        }
        out.append((form, danger))
        if n < args.duplicate_pairs:
            out.append((form, danger))
    return out


def send_all(url: str, messages, concurrency: int) -> tuple[list[float], int, float]:
    """Post every message from `concurrency` threads; latencies, errors, first danger time."""
    from twilio.request_validator import RequestValidator

    parts = urllib.parse.urlsplit(url)
    validator = RequestValidator(TOKEN)
    latencies, errors, first_danger = [], [0], [0.0]
    lock = threading.Lock()
    cursor = iter(messages)

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            form, danger = item
            body = urllib.parse.urlencode(form).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": validator.compute_signature(url, form),
            }
            started = time.time()
            if danger:
                with lock:
                    first_danger[0] = first_danger[0] or started
            conn.request("POST", parts.path, body, headers)
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.time() - started)
                errors[0] += response.status != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], first_danger[0]


def watch_queue(env, stop: threading.Event, peak: list[int]) -> None:
    """Keep the highest number of tasks waiting in huey's queue (Redis or SQLite)."""
    from webhooks.config import load_queue_env
    from webhooks.delivery.queue import make_huey

    huey = make_huey(load_queue_env(env))
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], int(huey.pending_count()))
        except Exception:  # noqa: BLE001  (the queue may not exist yet)
            pass
        stop.wait(0.2)


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_up(port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start:\n" + log.read_text()[-3000:])


def replace_worker(workers: list, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Kill the running worker without warning (a crash) and start another."""
    workers[-1].send_signal(signal.SIGKILL)
    workers[-1].wait(timeout=30)
    return start([str(Path(sys.executable).parent / "sro-bot"), "worker"], env, log)


def prepare(env: dict[str, str]) -> None:
    """Migrate and import the demo schools (a fresh database is expected)."""
    code = (
        "from bot.storage.db import Database; from bot.schools.importer import import_schools;"
        "from bot.settings import load_settings; from pathlib import Path;"
        "import_schools(Database(load_settings().database_url), Path('demo/schools.yaml'))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def report(env, sink: TwilioSink, latencies, errors, first_danger, seconds, peak, args) -> None:
    q = statistics.quantiles(latencies, n=100)
    alerts = [
        (t, to) for t, to, body in sink.messages if to in SCHOOLS and "URGENT SRO case" in body
    ]
    first_alert = min((t for t, _ in alerts), default=None)
    cases = subprocess.run(
        [sys.executable, "-c", CASES],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    store = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    queue = "Redis" if env.get("SRO_REDIS_URL") else "SQLite queue"
    cores = os.cpu_count()
    print(f"{store} + {queue}, gunicorn {args.workers} workers, one sro-bot worker, {cores} cores")
    print(
        f"{len(latencies)} signed SMS ({args.duplicate_pairs} duplicate pairs) in {seconds:.1f} s: "
        f"{len(latencies) / seconds:.0f}/s, {errors} errors; p50 {q[49] * 1000:.0f} ms, "
        f"p90 {q[89] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms"
    )
    wait = f"{first_alert - first_danger:.2f} s" if first_alert and first_danger else "none"
    print(f"first danger message -> first URGENT alert at the SMS stand-in: {wait}")
    firsts = [min((t for t, to in alerts if to == school), default=None) for school in SCHOOLS]
    every = max(firsts) - first_danger if None not in firsts and first_danger else None
    print(f"first danger message -> every school alerted: {f'{every:.2f} s' if every else 'no'}")
    per_school = {SCHOOLS[to]: sum(1 for _, t in alerts if t == to) for to in SCHOOLS}
    print(f"URGENT alert SMS per school: {per_school}")
    print(cases.strip())
    sent = [(to, body) for _, to, body in sink.messages]
    doubled = len(sent) - len(set(sent))
    print(f"queue peak depth: {peak}; SMS sent in all: {len(sent)}, sent twice: {doubled}")


CASES = """
from sqlalchemy import func, select
from bot.storage.db import Database
from bot.storage.models import Case, Delivery, School
from bot.settings import load_settings
db = Database(load_settings().database_url)
with db.session() as s:
    rows = s.execute(select(School.slug, func.count(Case.id), func.count(Case.incident_id))
                     .join(Case, Case.school_id == School.id).group_by(School.slug)).all()
    print("cases per school (of which joined an incident):", {r[0]: (r[1], r[2]) for r in rows})
    kinds = s.execute(select(Delivery.purpose, Delivery.status, func.count())
                      .group_by(Delivery.purpose, Delivery.status)).all()
    print("deliveries by purpose and state:", {f"{p}/{st}": n for p, st, n in kinds})
"""


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the stand-in's request lines
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--senders", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--emergency-share", type=float, default=0.07)
    parser.add_argument("--duplicate-pairs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to let alerts go")
    parser.add_argument(
        "--kill-worker-at",
        type=float,
        default=0.0,
        help="SIGKILL the worker this many seconds into the burst, then start another",
    )
    parser.add_argument(
        "--kill-worker-mid-send",
        action="store_true",
        help="SIGKILL the worker while it sends the first URGENT alert (it holds the claim; "
        "the stand-in drops that message), then start another",
    )
    args = parser.parse_args()
    sink = TwilioSink()
    smtp, smtp_port = smtp_sink()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "surge.log"
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/surge.db",
            "SRO_QUEUE_PATH": f"{tmp}/queue.db",
            "SRO_SPOOL_DIR": f"{tmp}/spool",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": "+15875550100",
            "SRO_TWILIO_API_BASE": sink.base,
            "SRO_SMTP_HOST": "127.0.0.1",
            "SRO_SMTP_PORT": str(smtp_port),
            "SRO_HASH_SALT": "bench-salt",
            "SRO_SECRET_KEY": "bench-key",
            "SRO_LOG_LEVEL": "WARNING",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        }
        prepare(env)
        server = start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "512",
                "webhooks.app:create_app()",
            ],
            env,
            log,
        )
        worker = start([str(Path(sys.executable).parent / "sro-bot"), "worker"], env, log)
        stop, peak = threading.Event(), [0]
        watcher = threading.Thread(target=watch_queue, args=(env, stop, peak), daemon=True)
        try:
            wait_up(port, log)
            watcher.start()
            workers = [worker]
            if args.kill_worker_mid_send:
                sink.on_first_alert = lambda: workers.append(replace_worker(workers, env, log))
            if args.kill_worker_at:
                threading.Timer(
                    args.kill_worker_at, lambda: workers.append(replace_worker(workers, env, log))
                ).start()
            started = time.time()
            latencies, errors, first_danger = send_all(
                f"http://127.0.0.1:{port}/sms/twilio", burst(args), args.concurrency
            )
            seconds = time.time() - started
            time.sleep(args.settle)
        finally:
            stop.set()
            for process in (server, workers[-1]):
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
            smtp.stop()
        report(env, sink, latencies, errors, first_danger, seconds, peak[0], args)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
