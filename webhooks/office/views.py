"""Office pages: the case queue, one case (acknowledge, reply, resolve), the school's SRO
schedule and notice, unanswered questions and the audit log. Every query is scoped to the
signed-in staff member's schools (one, or the several one SRO serves): another school's case
is a 404, by link or by form."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import and_, func, or_, select

from bot.escalation import cases
from bot.schools.presence import CALGARY, local_date
from bot.storage.models import AuditEntry, Case, Delivery, School, Unanswered, now
from bot.wording import alerts
from webhooks.office import auth
from webhooks.office.auth import (
    check_csrf,
    csrf_token,
    database,
    login_required,
    login_required_json,
)
from webhooks.office.forms import (
    MAX_DAYS_AHEAD,
    FormError,
    exception_from_form,
    notice_from_form,
    schedule_from_form,
)

bp = Blueprint("office", __name__, url_prefix="/office")
bp.register_blueprint(auth.bp)
STATUSES = ("new", "acknowledged", "resolved")
MAX_REPLY = 600
ALERT_PURPOSES = ("alert", "realert", "digest")


@bp.before_request
def _csrf() -> None:
    check_csrf()


@bp.context_processor
def _template_globals() -> dict:
    return {"csrf_token": csrf_token, "who": alerts.who}


def _case(session, case_id: int) -> Case:
    """The case if it belongs to one of the signed-in staff member's schools, else 404."""
    case = session.get(Case, case_id)
    if case is None or case.school_id not in g.user["school_ids"]:
        abort(404)
    return case


def _audit(
    session, action: str, school_id: int, case: Case | None = None, detail: str = ""
) -> None:
    session.add(
        AuditEntry(
            username=g.user["name"],
            school_id=school_id,
            action=action,
            case_id=case.id if case else None,
            detail=detail[:200],
        )
    )


def _notify(ids: list[int]) -> None:
    current_app.extensions["sro"].runtime.notifier.deliveries_added(ids)


@bp.get("/")
@login_required
def queue():
    """Cases of this staff member's schools by state, newest first; the page polls
    queue_state for cases opened since."""
    status = request.args.get("status", "new")
    status = status if status in STATUSES else "new"
    ids = g.user["school_ids"]
    query = select(Case).where(Case.school_id.in_(ids), Case.status == status)
    with database().session() as s:
        rows = s.scalars(query.order_by(Case.urgent.desc(), Case.id.desc()).limit(200)).all()
        return render_template(
            "office/queue.html",
            cases=rows,
            status=status,
            failing=_failing_alerts(s, ids),
            counts=_counts(s, ids),
            last_id=s.scalar(select(func.max(Case.id)).where(Case.school_id.in_(ids))) or 0,
            poll_seconds=current_app.config["OFFICE_POLL_SECONDS"],
        )


@bp.get("/queue.json")
@login_required_json
def queue_state():
    """For the queue page's polling: counts by state, the new cases opened after case ?after=
    (as table rows), and the lockdown banner. Never cached."""
    after = request.args.get("after", 0, type=int)
    ids = g.user["school_ids"]
    fresh = select(Case).where(Case.school_id.in_(ids), Case.status == "new", Case.id > after)
    with database().session() as s:
        rows = s.scalars(fresh.order_by(Case.id).limit(50)).all()
        response = jsonify(
            counts=_counts(s, ids),
            cases=[{"id": c.id, "row": render_template("office/case_row.html", c=c)} for c in rows],
            lockdowns=render_template("office/lockdowns.html"),
        )
    response.headers["Cache-Control"] = "no-store"
    return response


def _counts(session, school_ids: list[int]) -> dict[str, int]:
    """Cases of these schools that are new, acknowledged, and resolved since midnight."""
    midnight = now().astimezone(CALGARY).replace(hour=0, minute=0, second=0, microsecond=0)
    resolved_today = and_(Case.status == "resolved", Case.resolved_at >= midnight)
    query = (
        select(Case.status, func.count())
        .where(Case.school_id.in_(school_ids))
        .where(or_(Case.status.in_(("new", "acknowledged")), resolved_today))
        .group_by(Case.status)
    )
    found: dict[str, int] = dict(session.execute(query).all())
    return {
        "new": found.get("new", 0),
        "acknowledged": found.get("acknowledged", 0),
        "resolved_today": found.get("resolved", 0),
    }


def _failing_alerts(session, school_ids: list[int]) -> int:
    """Office alerts of these schools not delivered after at least one failed attempt, in the
    last day (the red banner)."""
    query = (
        select(func.count())
        .select_from(Delivery)
        .join(Case, Delivery.case_id == Case.id)
        .where(
            Case.school_id.in_(school_ids),
            Delivery.purpose.in_(ALERT_PURPOSES),
            Delivery.status.in_(("failed", "gave_up", "unconfigured")),
            Delivery.created_at >= now() - timedelta(days=1),
        )
    )
    return session.scalar(query) or 0


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    """One case with its messages and the actions."""
    with database().session() as s:
        item = _case(s, case_id)
        return render_template("office/case.html", case=item, deliveries=_deliveries(s, item))


def _deliveries(session, item: Case) -> list[Delivery]:
    """What left (or tried to leave) about this case: alerts, digests, notes to the sender."""
    query = select(Delivery).where(Delivery.case_id == item.id).order_by(Delivery.id)
    return list(session.scalars(query))


@bp.post("/cases/<int:case_id>/<action>")
@login_required
def act(case_id: int, action: str):
    """Acknowledge, reply or resolve; a reply is relayed to the sender's channel."""
    text = request.form.get("text", "").strip()
    with database().session() as s:
        item = _case(s, case_id)
        error = _refusal(action, text)
        if error:
            page = render_template(
                "office/case.html", case=item, error=error, deliveries=_deliveries(s, item)
            )
            return page, 400
        if action not in ("acknowledge", "reply", "resolve"):
            abort(404)
        deliveries = _apply(s, item, action, text)
        _audit(s, action, item.school_id, item)
        s.flush()
        ids = [d.id for d in deliveries]
    _notify(ids)
    return redirect(url_for("office.case", case_id=case_id))


def _refusal(action: str, text: str) -> str:
    """Why this action cannot be taken as posted ("" when it can)."""
    if action == "reply" and not (0 < len(text) <= MAX_REPLY):
        return f"Type a reply of 1 to {MAX_REPLY} characters."
    if action == "resolve" and request.form.get("confirm") != "yes":
        return "Tick “This case is dealt with” to resolve it."
    return ""


def _apply(session, item: Case, action: str, text: str) -> list:
    if action == "acknowledge":
        return cases.acknowledge(session, item)
    if action == "reply":
        return cases.reply(session, item, g.user["name"], text)
    cases.resolve(item)
    return []


@bp.route("/school", methods=["GET", "POST"])
@login_required
def school():
    """The SRO's usual days, dated exceptions and the current notice of one of this staff
    member's schools (?school=ID; the first school by default)."""
    school_id = request.args.get("school", g.user["school_ids"][0], type=int)
    if school_id not in g.user["school_ids"]:
        abort(404)
    with database().session() as s:
        row = s.get(School, school_id)
        if row is None:  # the account's school was removed while signed in
            abort(404)
        error, saved, status = "", "", 200
        if request.method == "POST":
            try:
                saved = _update_school(s, row)
            except FormError as exc:  # raised before anything was changed
                error, status = str(exc), 400
        today = local_date(now())
        page = render_template(
            "office/school.html",
            school=row,
            error=error,
            saved=saved,
            now=now(),
            today=today,
            last_day=today + timedelta(days=MAX_DAYS_AHEAD),
        )
        return page, status


def _update_school(session, row: School) -> str:
    """Save the posted form; a note for staff ("saved", or what SMS replies will carry)."""
    form = request.form.get("form")
    if form == "notice":
        return _save_notice(session, row)
    if form == "exception":
        return _save_exception(session, row)
    return _save_schedule(session, row)


def _save_notice(session, row: School) -> str:
    text, lockdown, hours, warning = notice_from_form(request.form, row.name)
    row.notice_text, row.notice_lockdown = text, lockdown
    row.notice_until = now() + timedelta(hours=hours) if text and hours else None
    detail = "lockdown" if lockdown else ("cleared" if not text else "")
    _audit(session, "notice", row.id, detail=detail)
    return f"Notice saved. {warning}".strip()


def _save_exception(session, row: School) -> str:
    """One dated exception from the date picker; it replaces that day's exception, if any."""
    added = exception_from_form(request.form, local_date(now()))
    same = next((e for e in row.exceptions if e.day == added.day), None)
    if same is None:
        row.exceptions.append(added)
    else:
        same.present, same.note = added.present, added.note
    _audit(session, "schedule", row.id, detail=f"{added.day} {'in' if added.present else 'away'}")
    return f"Exception for {added.day} saved."


def _save_schedule(session, row: School) -> str:
    row.sro_days, exceptions = schedule_from_form(request.form)
    row.exceptions.clear()
    session.flush()
    row.exceptions = exceptions
    _audit(session, "schedule", row.id, detail=row.sro_days)
    return "Schedule saved."


@bp.get("/unanswered")
@login_required
def unanswered():
    """Questions the bot could not answer that name one of this staff member's schools (those
    naming no school are for program staff: `sro-bot unanswered`)."""
    mine = Unanswered.school_id.in_(g.user["school_ids"])
    with database().session() as s:
        rows = s.scalars(select(Unanswered).where(mine).order_by(Unanswered.id.desc()).limit(200))
        return render_template("office/unanswered.html", rows=rows.all())


@bp.get("/audit")
@login_required
def audit():
    """What was done at this staff member's schools, newest first."""
    query = select(AuditEntry).where(AuditEntry.school_id.in_(g.user["school_ids"]))
    with database().session() as s:
        rows = s.scalars(query.order_by(AuditEntry.id.desc()).limit(300)).all()
        return render_template("office/audit.html", rows=rows)


@bp.app_template_filter("local")
def local_time(value: datetime | None) -> str:
    """A UTC time shown in Calgary time."""
    return value.astimezone(CALGARY).strftime("%Y-%m-%d %H:%M") if value else ""
