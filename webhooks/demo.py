"""Demo mode of `sro-bot serve`: fictional schools, a demo office login, a worker beside the
server."""

from __future__ import annotations

import atexit
import secrets
import signal
import subprocess
import sys
from pathlib import Path

DEMO_USER = "demo-office"
DEMO_SCHOOLS = Path(__file__).resolve().parent.parent / "demo" / "schools.yaml"


def prepare_office(db, demo: bool) -> str:
    """Demo mode: the demo schools (if none yet) and a demo account with a fresh password,
    returned for printing. Outside demo mode the demo account is removed."""
    from sqlalchemy import delete, func, select
    from werkzeug.security import generate_password_hash

    from bot.schools.importer import import_schools
    from bot.storage.models import School, StaffUser

    with db.session() as session:
        session.execute(delete(StaffUser).where(StaffUser.username == DEMO_USER))
        has_schools = session.scalar(select(func.count()).select_from(School))
    if not demo:
        return ""
    if not has_schools and DEMO_SCHOOLS.exists():
        import_schools(db, DEMO_SCHOOLS)
    password = secrets.token_urlsafe(12)
    with db.session() as session:
        school = session.scalars(select(School).order_by(School.name)).first()
        if school is None:
            return ""
        hashed = generate_password_hash(password)
        session.add(StaffUser(username=DEMO_USER, password_hash=hashed, school=school))
        return f"user {DEMO_USER}, password {password} ({school.name})"


def start_demo_worker() -> subprocess.Popen:
    """Demo mode: run `sro-bot worker` beside the server, stopped when the server stops
    (Ctrl-C or SIGTERM: SIGTERM is turned into a normal exit so the atexit hook runs)."""
    worker = subprocess.Popen([sys.executable, "-m", "webhooks.cli", "worker", "--workers", "1"])
    atexit.register(worker.terminate)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return worker
