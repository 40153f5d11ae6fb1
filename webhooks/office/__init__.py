"""The office dashboard under /office: server-rendered pages for a school's main office."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from webhooks.office import views
from webhooks.office.auth import SESSION_LIFETIME

SECRET_FILE = Path("var") / "secret-key"
POLL_SECONDS = 10  # how often the queue page asks for new cases


def secret_key(configured: str = "") -> str:
    """SRO_SECRET_KEY (configured), else a random key kept in var/secret-key (created once,
    mode 600)."""
    if configured:
        return configured
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return SECRET_FILE.read_text().strip()


def register(app: Flask, configured_key: str = "") -> None:
    """Add the /office blueprint with hardened session cookies; the queue page polls every
    OFFICE_POLL_SECONDS (app.config)."""
    app.secret_key = app.secret_key or secret_key(configured_key)
    app.config.update(
        SESSION_COOKIE_NAME="sro_office",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/office",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    app.config.setdefault("OFFICE_POLL_SECONDS", POLL_SECONDS)
    app.register_blueprint(views.bp)
