"""Sign-in for office staff: hashed passwords, rate-limited attempts, CSRF on every form."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bot.storage.db import Database
from bot.storage.models import AuditEntry, LoginAttempt, StaffUser, now

bp = Blueprint("auth", __name__)
MAX_FAILURES = 5  # per username, and 4x that per client address, in WINDOW
WINDOW = timedelta(minutes=15)
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))  # same work for unknown users


def database() -> Database:
    """The database of this app."""
    return current_app.extensions["sro"].runtime.db


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every form carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """400 unless a POST carries the session's CSRF token."""
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, description="missing or wrong CSRF token: reload the page and try again")


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the sign-in page; put the staff member in g.user."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with database().session() as s:
            user = s.get(StaffUser, session.get("user_id", 0))
            if user is None:
                return redirect(url_for("office.auth.login"))
            g.user = {"id": user.id, "name": user.username, "school_id": user.school_id}
            g.school_name = user.school.name
        return view(*args, **kwargs)

    return wrapper


def _failures(s, bucket: str) -> int:
    since = now() - WINDOW
    q = select(func.count()).where(LoginAttempt.bucket == bucket, LoginAttempt.at > since)
    return s.scalar(q) or 0


def _verify(username: str, password: str) -> tuple[int | None, int]:
    """(user id or None, HTTP status); failures are recorded, successes clear them.

    The limits are kept apart: a real account locks after MAX_FAILURES wrong passwords for it;
    made-up usernames count per client address, so a flood of them (behind a shared proxy, say)
    never locks a real account. Past its limit an address gets the same 401 for made-up names,
    without a password check, so the answer does not tell which usernames exist."""
    user_bucket, address_bucket = f"user:{username.lower()}", f"addr:{request.remote_addr}"
    with database().session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            if _failures(s, address_bucket) < MAX_FAILURES * 4:
                check_password_hash(_DUMMY_HASH, password)  # the same work as a real check
            s.add(LoginAttempt(bucket=address_bucket))
            return None, 401
        if _failures(s, user_bucket) >= MAX_FAILURES:
            return None, 429
        if not check_password_hash(user.password_hash, password):
            s.add(LoginAttempt(bucket=user_bucket))
            return None, 401
        s.execute(delete(LoginAttempt).where(LoginAttempt.bucket == user_bucket))
        s.add(AuditEntry(username=user.username, school_id=user.school_id, action="login"))
        return user.id, 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a failed or throttled attempt says so without saying which part."""
    if request.method != "POST":  # GET, and HEAD (which Flask routes with GET): never a sign-in
        return render_template("office/login.html", error="")
    user_id, status = _verify(
        request.form.get("username", "")[:80], request.form.get("password", "")
    )
    if user_id is None:
        error = (
            "Too many attempts. Wait 15 minutes."
            if status == 429
            else "Wrong username or password."
        )
        return render_template("office/login.html", error=error), status
    session.clear()
    session.permanent = True
    session["user_id"] = user_id
    return redirect(url_for("office.queue"))


@bp.post("/logout")
def logout():
    """Sign out."""
    session.clear()
    return redirect(url_for("office.auth.login"))
