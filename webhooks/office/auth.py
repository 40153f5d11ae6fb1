"""Sign-in for office staff: hashed passwords, rate-limited attempts, server-side sessions
(a copied cookie stops working at sign-out), CSRF on every form."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bot.storage.db import Database
from bot.storage.models import AuditEntry, LoginAttempt, StaffSession, StaffUser, now
from webhooks.office.lockdown import live_lockdowns

bp = Blueprint("auth", __name__)
MAX_FAILURES = 5  # per username tried, whether or not the account exists, in WINDOW
MAX_ADDRESS_FAILURES = 100  # per client address (hashed), in WINDOW: guessing across many names
WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)  # from sign-in, however active the session is
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


def _signed_in() -> bool:
    """Whether this browser has an open session; if so, put the staff member in g.user (id,
    name, school_ids: the first school first), their schools' names in g.school_name and the
    schools' live lockdowns in g.lockdowns."""
    with database().session() as s:
        row = _current_session(s)
        if row is None:
            return False
        schools = row.user.schools
        g.user = {
            "id": row.user.id,
            "name": row.user.username,
            "school_ids": [school.id for school in schools],
        }
        g.school_name = ", ".join(school.name for school in schools)
        g.lockdowns = live_lockdowns(schools)
    return True


def login_required(view: Callable) -> Callable:
    """Send visitors without an open session to the sign-in page."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _signed_in():
            return redirect(url_for("office.auth.login"))
        return view(*args, **kwargs)

    return wrapper


def login_required_json(view: Callable) -> Callable:
    """Answer 401 (JSON) to visitors without an open session: for what pages fetch."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _signed_in():
            return jsonify(error="signed out: reload the page to sign in"), 401
        return view(*args, **kwargs)

    return wrapper


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current_session(s) -> StaffSession | None:
    """This browser's session row, unless it was ended or is older than SESSION_LIFETIME."""
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    fresh = StaffSession.created_at > now() - SESSION_LIFETIME
    return s.scalar(select(StaffSession).where(StaffSession.id == _token_id(token), fresh))


def _start_session(s, user: StaffUser) -> str:
    """A new session row for user (expired rows of anyone are dropped); the cookie's token."""
    s.execute(delete(StaffSession).where(StaffSession.created_at <= now() - SESSION_LIFETIME))
    token = secrets.token_urlsafe(32)
    s.add(StaffSession(id=_token_id(token), user_id=user.id))
    return token


def _address_bucket() -> str:
    """The client's address as a limit bucket, hashed: no address is stored in the clear."""
    digest = hashlib.sha256((request.remote_addr or "").encode()).hexdigest()[:24]
    return f"addr:{digest}"


def _failures(s, bucket: str) -> int:
    since = now() - WINDOW
    q = select(func.count()).where(LoginAttempt.bucket == bucket, LoginAttempt.at > since)
    return s.scalar(q) or 0


def _sign_in(username: str, password: str) -> tuple[str, int]:
    """(session token, 200), or ("", 401) for a wrong username or password or a disabled
    account, or ("", 429) past the limit; failures are recorded, a success clears them.

    Each username tried has its own limit, whether or not the account exists: made-up names
    never lock a real account, and the answers and the work done are the same for both, so
    they do not tell which usernames exist. The client's address has a separate, much higher
    limit, which slows one address trying many names without touching any other address."""
    bucket, address = f"user:{username.lower()}", _address_bucket()
    with database().session() as s:
        if _failures(s, bucket) >= MAX_FAILURES:
            return "", 429
        if _failures(s, address) >= MAX_ADDRESS_FAILURES:
            return "", 429
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        right = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not (right and user.enabled):
            s.execute(delete(LoginAttempt).where(LoginAttempt.at <= now() - WINDOW))
            s.add_all([LoginAttempt(bucket=bucket), LoginAttempt(bucket=address)])
            return "", 401
        s.execute(delete(LoginAttempt).where(LoginAttempt.bucket == bucket))
        s.add(AuditEntry(username=user.username, school_id=user.school_id, action="login"))
        return _start_session(s, user), 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a failed or throttled attempt says so without saying which part."""
    if request.method != "POST":  # GET, and HEAD (which Flask routes with GET): never a sign-in
        return render_template("office/login.html", error="")
    token, status = _sign_in(
        request.form.get("username", "")[:80], request.form.get("password", "")
    )
    if not token:
        error = (
            "Too many attempts. Wait 15 minutes."
            if status == 429
            else "Wrong username or password."
        )
        return render_template("office/login.html", error=error), status
    session.clear()
    session.permanent = True
    session["sid"] = token
    return redirect(url_for("office.queue"))


@bp.post("/logout")
def logout():
    """Sign out: the session row is deleted, so a copy of the cookie no longer opens anything."""
    with database().session() as s:
        row = _current_session(s)
        if row is not None:
            user = row.user
            s.add(AuditEntry(username=user.username, school_id=user.school_id, action="logout"))
            s.delete(row)
    session.clear()
    return redirect(url_for("office.auth.login"))
