"""The office dashboard: sign-in, CSRF, rate limit, school-scoped cases, replies relayed to
the sender, schedule and notice editing, unanswered questions, audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from escalation_fixtures import PASSWORD, OfficeBrowser
from sqlalchemy import select

from bot.escalation.cases import NewCase, open_case
from bot.messages import Message
from bot.storage.models import AuditEntry, Case, Delivery

STUDENT = "+14035550199"


def case_for(db, slug: str, **fields) -> int:
    new = NewCase(
        slug,
        fields.pop("channel", "sms"),
        "key1",
        fields.pop("reply_to", STUDENT),
        fields.pop("text", "Someone is selling vapes."),
        **fields,
    )
    case, _ = open_case(db, new)
    return case.id


@pytest.fixture
def aspen(office_app) -> OfficeBrowser:
    browser = OfficeBrowser(office_app)
    assert browser.login("aspen").status_code == 302
    return browser


def test_pages_need_a_login(office_app):
    browser = OfficeBrowser(office_app)
    for path in ("/office/", "/office/cases/1", "/office/school", "/office/audit"):
        response = browser.get(path)
        assert response.status_code == 302 and response.location.endswith("/office/login")


def test_wrong_password_and_unknown_user_get_the_same_answer(office_app):
    browser = OfficeBrowser(office_app)
    wrong = browser.login("aspen", "not the password")
    unknown = browser.login("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.get_data(as_text=True)


def test_logins_are_rate_limited(office_app):
    browser = OfficeBrowser(office_app)
    for _ in range(5):
        assert browser.login("aspen", "guess").status_code == 401
    throttled = browser.login("aspen")  # even the right password waits
    assert throttled.status_code == 429 and "Too many attempts" in throttled.get_data(as_text=True)
    assert OfficeBrowser(office_app).login("crocus").status_code == 302  # others are not blocked


def test_the_session_cookie_is_secure_httponly_strict(office_app):
    browser = OfficeBrowser(office_app)
    browser.get("/office/login")
    response = browser.post("/office/login", {"username": "aspen", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_every_form_needs_the_csrf_token(office_app, schools_db, aspen):
    case_id = case_for(schools_db, "aspen-ridge-high-school")
    for path in (f"/office/cases/{case_id}/acknowledge", "/office/school", "/office/logout"):
        response = aspen.post(path, {"text": "x"}, csrf=False)
        assert response.status_code == 400 and response.mimetype == "text/html"
        assert "CSRF token: reload the page" in response.get_data(as_text=True)
    assert (
        OfficeBrowser(office_app)
        .post("/office/login", {"username": "aspen"}, csrf=False)
        .status_code
        == 400
    )
    with schools_db.session() as s:
        assert s.get(Case, case_id).status == "new"


def test_the_queue_shows_only_this_schools_cases(schools_db, aspen):
    mine = case_for(schools_db, "aspen-ridge-high-school", text="Aspen matter")
    case_for(schools_db, "prairie-crocus-school", text="Crocus matter")
    page = aspen.get("/office/").get_data(as_text=True)
    assert f"SRO-{1000 + mine}" in page and "Aspen matter" in page
    assert "Crocus matter" not in page


def test_another_schools_case_is_404_by_link_and_by_form(schools_db, aspen):
    theirs = case_for(schools_db, "prairie-crocus-school", text="Crocus matter")
    aspen.get("/office/")
    page = aspen.get(f"/office/cases/{theirs}")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.get_data(as_text=True)
    for action in ("acknowledge", "reply", "resolve"):
        response = aspen.post(f"/office/cases/{theirs}/{action}", {"text": "hijack"})
        assert response.status_code == 404
    with schools_db.session() as s:
        case = s.get(Case, theirs)
        assert case.status == "new" and [m.text for m in case.messages] == ["Crocus matter"]
        assert s.scalars(select(Delivery).where(Delivery.purpose != "alert")).all() == []


def test_acknowledge_reply_resolve(schools_db, aspen, office_app):
    case_id = case_for(schools_db, "aspen-ridge-high-school")
    aspen.get(f"/office/cases/{case_id}")
    assert aspen.post(f"/office/cases/{case_id}/acknowledge").status_code == 302
    aspen.get(f"/office/cases/{case_id}")
    aspen.post(f"/office/cases/{case_id}/reply", {"text": "The SRO will see you at lunch."})
    page = aspen.get(f"/office/cases/{case_id}").get_data(as_text=True)
    assert "The SRO will see you at lunch." in page and ">acknowledged<" in page
    refused = aspen.post(f"/office/cases/{case_id}/resolve")  # not confirmed: nothing changes
    assert refused.status_code == 400 and "This case is dealt with" in refused.get_data(True)
    aspen.get(f"/office/cases/{case_id}")
    aspen.post(f"/office/cases/{case_id}/resolve", {"confirm": "yes"})
    assert (
        aspen.get("/office/?status=resolved").get_data(as_text=True).count(f"SRO-{1000 + case_id}")
        == 1
    )
    with schools_db.session() as s:
        sent = s.scalars(select(Delivery).where(Delivery.purpose.in_(("ack", "relay")))).all()
        assert [(d.purpose, d.medium, d.address) for d in sent] == [
            ("ack", "sms", STUDENT),
            ("relay", "sms", STUDENT),
        ]
        assert sent[1].body.endswith("The SRO will see you at lunch. Emergencies: 911.")
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["login", "acknowledge", "reply", "resolve"]
    notifier = office_app.extensions["sro"].runtime.notifier
    assert len(notifier.deliveries) == 2


@pytest.mark.parametrize("text", ["", " ", "x" * 601])
def test_a_bad_reply_is_refused_with_a_reason(schools_db, aspen, text):
    case_id = case_for(schools_db, "aspen-ridge-high-school")
    aspen.get(f"/office/cases/{case_id}")
    response = aspen.post(f"/office/cases/{case_id}/reply", {"text": text})
    assert response.status_code == 400
    assert "Type a reply of 1 to 600 characters." in response.get_data(as_text=True)


def test_an_anonymous_senders_number_never_shows(schools_db, aspen):
    anonymous = case_for(schools_db, "aspen-ridge-high-school")
    shared = case_for(
        schools_db,
        "aspen-ridge-high-school",
        share_number=True,
        contact_name="Jo",
        reply_to="+14035550188",
    )
    queue = aspen.get("/office/").get_data(as_text=True)
    page = aspen.get(f"/office/cases/{anonymous}").get_data(as_text=True)
    assert "4035550199" not in queue + page and "From: anonymous" in page
    shared_page = aspen.get(f"/office/cases/{shared}").get_data(as_text=True)
    assert "From: Jo, +14035550188" in shared_page


def test_schedule_edit_changes_the_presence_answer(schools_db, aspen, office_app):
    aspen.get("/office/school")
    response = aspen.post(
        "/office/school",
        {
            "form": "schedule",
            "day": ["tue", "fri"],
            "exceptions": "2026-12-01 away first aid course",
        },
    )
    assert response.status_code == 200
    engine = office_app.extensions["sro"].engine
    tuesday = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    (reply,) = engine.handle(Message("sms", "+1", "is the sro at aspen ridge today", tuesday))
    assert "not expected at the school today (Tuesday) (first aid course)" in reply.text


def test_a_bad_exception_line_names_the_field(aspen):
    aspen.get("/office/school")
    response = aspen.post("/office/school", {"form": "schedule", "exceptions": "next week away"})
    assert response.status_code == 400
    assert "Exceptions: &#39;next week away&#39; is not" in response.get_data(as_text=True)


def test_notices_are_posted_and_shown_first(aspen, office_app):
    aspen.get("/office/school")
    aspen.post(
        "/office/school", {"form": "notice", "text": "Today's lockdown was a drill.", "hours": "24"}
    )
    engine = office_app.extensions["sro"].engine
    (reply,) = engine.handle(Message("web", "session-12345", "is the sro at aspen ridge today"))
    assert reply.text.startswith(
        "Notice from Aspen Ridge High School: Today's lockdown was a drill."
    )
    aspen.post("/office/school", {"form": "notice", "text": "", "hours": "0"})
    (reply,) = engine.handle(Message("web", "session-12345", "is the sro at aspen ridge today"))
    assert "Notice" not in reply.text


def test_a_long_lockdown_notice_is_saved_with_what_sms_replies_will_carry(aspen, office_app):
    aspen.get("/office/school")
    text = "Stay in your classroom, doors locked; we’ll post updates here. " * 6
    page = aspen.post(
        "/office/school", {"form": "notice", "text": text, "lockdown": "on", "hours": "4"}
    ).get_data(as_text=True)
    assert "Notice saved. Text-message replies carry the 911 line, then only the first" in page
    engine = office_app.extensions["sro"].engine
    (reply,) = engine.handle(Message("sms", "+14035550142", "is the sro at aspen ridge today"))
    assert reply.text.startswith("If anyone is in danger, call 911.") and "we'll" in reply.text


def test_the_notice_form_keeps_a_live_lockdown_ticked(aspen):
    aspen.get("/office/school")
    aspen.post(
        "/office/school",
        {"form": "notice", "text": "Lockdown: stay inside.", "lockdown": "on", "hours": "4"},
    )
    page = aspen.get("/office/school").get_data(as_text=True)
    assert 'name="lockdown" checked' in page and ">Lockdown: stay inside.</textarea>" in page


def test_bad_notice_hours_are_refused(aspen):
    aspen.get("/office/school")
    response = aspen.post("/office/school", {"form": "notice", "text": "hi", "hours": "soon"})
    assert response.status_code == 400 and "Hours: a whole number" in response.get_data(
        as_text=True
    )


def test_unanswered_questions_of_this_school_only(aspen, office_app):
    engine = office_app.extensions["sro"].engine
    engine.handle(Message("web", "session-aaaaaa", "the bus driver at aspen ridge was rude"))
    engine.handle(Message("web", "session-bbbbbb", "the bus driver at prairie crocus was rude"))
    engine.handle(Message("web", "session-cccccc", "the bus driver was rude to my son"))
    page = aspen.get("/office/unanswered").get_data(as_text=True)
    assert "the bus driver at aspen ridge was rude" in page
    assert "prairie crocus" not in page and "my son" not in page  # no school: program staff


def test_questions_naming_no_school_are_listed_for_program_staff(schools_db, capsys, monkeypatch):
    from bot.cli import main
    from bot.storage.models import Unanswered

    with schools_db.session() as session:
        session.add(Unanswered(text="who do i ask about the [address] crossing", lang="en"))
    monkeypatch.setenv("DATABASE_URL", schools_db.url)
    assert main(["unanswered"]) == 0
    assert "\ten\twho do i ask about the [address] crossing" in capsys.readouterr().out


def test_audit_log_is_per_school(office_app, aspen):
    OfficeBrowser(office_app).login("crocus")
    page = aspen.get("/office/audit").get_data(as_text=True)
    assert page.count("<td>login</td>") == 1 and "crocus" not in page


def test_a_head_request_never_signs_in_or_counts_as_a_failure(office_app):
    client = office_app.test_client()
    for _ in range(25):
        response = client.head("/office/login", data={"username": "aspen", "password": PASSWORD})
        assert response.status_code == 200
    assert client.get("/office/").status_code in (302, 303)  # still signed out
    assert OfficeBrowser(office_app).login("aspen").status_code in (302, 303)  # not locked out


def test_made_up_usernames_never_lock_a_real_account(office_app):
    attacker = OfficeBrowser(office_app)
    for n in range(25):
        assert attacker.login(f"nobody-{n}", "guess").status_code == 401
    assert OfficeBrowser(office_app).login("aspen").status_code == 302


def test_failing_alerts_show_on_the_case_and_as_a_red_banner(schools_db, aspen):
    from sqlalchemy import select

    from bot.storage.models import Delivery
    from webhooks.delivery import outbox

    case_id = case_for(schools_db, "aspen-ridge-high-school")
    assert "could not be delivered" not in aspen.get("/office/").get_data(as_text=True)
    with schools_db.session() as session:
        sms = session.scalar(select(Delivery.id).where(Delivery.medium == "sms"))
    outbox.mark_failed(schools_db, sms, "TwilioRestException", 30)
    banner = aspen.get("/office/").get_data(as_text=True)
    assert 'id="failing"' in banner and "1 alert to this school's office could not" in banner
    page = aspen.get(f"/office/cases/{case_id}").get_data(as_text=True)
    assert "failed, retrying" in page and "TwilioRestException" in page
    outbox.mark_gave_up(schools_db, sms, "TwilioRestException")
    assert "NOT DELIVERED" in aspen.get(f"/office/cases/{case_id}").get_data(as_text=True)


def test_the_queue_json_needs_a_sign_in(office_app):
    response = OfficeBrowser(office_app).get("/office/queue.json")
    assert response.status_code == 401 and response.json == {
        "error": "signed out: reload the page to sign in"
    }


def test_the_queue_json_has_this_schools_new_cases_and_counts_only(schools_db, aspen):
    first = case_for(schools_db, "aspen-ridge-high-school", text="Aspen matter")
    second = case_for(schools_db, "aspen-ridge-high-school", text="Another Aspen matter")
    case_for(schools_db, "prairie-crocus-school", text="Crocus matter")
    response = aspen.get(f"/office/queue.json?after={first}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    state = response.json
    assert [c["id"] for c in state["cases"]] == [second]
    assert "Another Aspen matter" in state["cases"][0]["row"]
    assert state["counts"] == {"new": 2, "acknowledged": 0, "resolved_today": 0}
    everything = aspen.get("/office/queue.json?after=nonsense").get_data(as_text=True)
    assert "Aspen matter" in everything and "Crocus" not in everything


def test_counts_by_state_are_on_the_queue_and_in_the_title(schools_db, aspen):
    acknowledged, resolved, _ = (case_for(schools_db, "aspen-ridge-high-school") for _ in "abc")
    for case_id, action, form in ((acknowledged, "acknowledge", {}), (resolved, "resolve", {})):
        aspen.get(f"/office/cases/{case_id}")
        aspen.post(f"/office/cases/{case_id}/{action}", {**form, "confirm": "yes"})
    assert aspen.get("/office/queue.json").json["counts"] == {
        "new": 1,
        "acknowledged": 1,
        "resolved_today": 1,
    }
    page = aspen.get("/office/").get_data(as_text=True)
    assert "<title>(1) Cases · SRO bot</title>" in page
    assert 'id="count-acknowledged">1<' in page and 'id="count-resolved_today">1<' in page


def test_the_date_picker_adds_or_replaces_one_exception(aspen, schools_db):
    from bot.schools.presence import local_date
    from bot.storage.models import School, now

    day = local_date(now()) + timedelta(days=300)
    aspen.get("/office/school")
    for sro, note in (("away", "course"), ("in", "assembly")):
        form = {"form": "exception", "date": day.isoformat(), "sro": sro, "note": note}
        response = aspen.post("/office/school", form)
        assert response.status_code == 200
        assert f"Exception for {day} saved." in response.get_data(as_text=True)
    with schools_db.session() as s:
        school = s.scalar(select(School).where(School.slug == "aspen-ridge-high-school"))
        assert [(e.present, e.note) for e in school.exceptions if e.day == day] == [
            (True, "assembly")
        ]


@pytest.mark.parametrize(
    ("date", "sro", "reason"),
    [
        ("", "away", "Date: &#39;&#39; is not a date (YYYY-MM-DD)."),
        ("2027-02-30", "away", "Date: &#39;2027-02-30&#39; is not a date (YYYY-MM-DD)."),
        ("01/12/2027", "away", "Date: &#39;01/12/2027&#39; is not a date (YYYY-MM-DD)."),
        ("2020-01-06", "away", "Date: 2020-01-06 is not between today and two years from now."),
        ("9999-12-31", "away", "Date: 9999-12-31 is not between today and two years from now."),
        ("today", "maybe", "Date: &#39;today&#39; is not a date"),
        ("{today}", "maybe", "SRO: choose in or away."),
    ],
)
def test_a_bad_exception_date_names_the_field(aspen, date, sro, reason):
    from bot.schools.presence import local_date
    from bot.storage.models import now

    aspen.get("/office/school")
    form = {"form": "exception", "date": date.format(today=local_date(now())), "sro": sro}
    response = aspen.post("/office/school", form)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_a_live_lockdown_is_a_banner_on_every_page_of_its_school_only(
    office_app, schools_db, aspen
):
    case_id = case_for(schools_db, "aspen-ridge-high-school")
    aspen.get("/office/school")
    form = {"form": "notice", "text": "Lockdown: stay inside.", "lockdown": "on", "hours": "0"}
    aspen.post("/office/school", form)
    banner = "LOCKDOWN at Aspen Ridge High School: Lockdown: stay inside. (until cleared)"
    for path in ("/office/", f"/office/cases/{case_id}", "/office/school", "/office/audit"):
        assert banner in aspen.get(path).get_data(as_text=True), path
    assert banner in aspen.get("/office/unanswered").get_data(as_text=True)
    assert banner in aspen.get("/office/queue.json").json["lockdowns"]
    crocus = OfficeBrowser(office_app)
    crocus.login("crocus")
    assert "LOCKDOWN" not in crocus.get("/office/").get_data(as_text=True)
    aspen.post("/office/school", {"form": "notice", "text": "Drill over.", "hours": "1"})
    assert "LOCKDOWN" not in aspen.get("/office/").get_data(as_text=True)


def test_the_case_page_shows_the_sms_reply_code_until_the_case_is_resolved(schools_db, aspen):
    case_id = case_for(schools_db, "aspen-ridge-high-school")
    with schools_db.session() as s:
        code = s.get(Case, case_id).staff_code
    assert code and code.startswith("R-")
    assert code in aspen.get(f"/office/cases/{case_id}").get_data(as_text=True)
    aspen.post(f"/office/cases/{case_id}/resolve", {"confirm": "yes"})
    assert code not in aspen.get(f"/office/cases/{case_id}").get_data(as_text=True)


def test_one_address_guessing_many_names_is_slowed_and_no_other_address_is(office_app, monkeypatch):
    from webhooks.office import auth

    monkeypatch.setattr(auth, "MAX_ADDRESS_FAILURES", 12)
    attacker = OfficeBrowser(office_app)
    attacker.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for n in range(12):
        assert attacker.login(f"nobody-{n}", "guess").status_code == 401
    assert attacker.login("someone-new", "guess").status_code == 429
    assert OfficeBrowser(office_app).login("aspen").status_code == 302  # another address
    with office_app.app_context():
        from bot.storage.models import LoginAttempt

        with auth.database().session() as s:
            buckets = set(s.scalars(select(LoginAttempt.bucket)))
    assert not any("198.51.100.7" in b for b in buckets)  # addresses are hashed
