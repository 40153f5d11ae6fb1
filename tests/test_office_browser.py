"""The office dashboard in real headless Chromium: new cases appear on the open queue page
without a reload (highlight, "N new", a beep, the count in the tab title), counts by state,
the date picker for schedule exceptions, the lockdown banner on every page, and a case list
that fits a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from browser_fixtures import needs_chromium, serve
from escalation_fixtures import PASSWORD, OfficeBrowser
from test_office import case_for

from bot.messages import Message

pytestmark = needs_chromium

POLL_SECONDS = 0.2
WITHIN_POLL = 3_000  # ms: a new case must show within this (many polls, even on a busy machine)
STUDENT = "+14035550199"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
PAGES = (
    "/office/",
    "/office/cases/{case}",
    "/office/school",
    "/office/unanswered",
    "/office/audit",
)
# Counts calls to the Web Audio oscillator: one per beep.
COUNT_BEEPS = """
window.beeps = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.beeps += 1;
  return start.apply(this, args);
};
"""


@pytest.fixture
def db_url(tmp_path) -> str:
    """SQLite only: the queries these pages run are tested on PostgreSQL in test_office.py."""
    return f"sqlite:///{tmp_path / 'sro.db'}"


@pytest.fixture
def live_url(office_app):
    office_app.config["OFFICE_POLL_SECONDS"] = POLL_SECONDS
    with serve(office_app) as url:
        yield url


@pytest.fixture
def open_office(browser, live_url):
    """Signs in as a school's staff member in a new page: open_office(username, viewport)."""

    def open_page(username: str = "aspen", viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.add_init_script(COUNT_BEEPS)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_url}/office/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/office/$"))
        return page

    return open_page


def report(
    office_app, sender: str, text: str = "i need to tell someone about the bus this morning"
):
    """Open a case through the engine as a student texting the bot; its number."""
    engine = office_app.extensions["sro"].engine
    for line in (text, "yes", "Aspen Ridge", "3"):  # 3: stay anonymous
        replies = engine.handle(Message("sms", sender, line))
        found = re.search(r"case (SRO-\d+)", " ".join(reply.text for reply in replies))
        if found:
            return found.group(1)
    raise AssertionError("no case was opened")


def post_lockdown(office_app, text: str = "Lockdown: stay inside.") -> None:
    """Post (or, with no text, clear) Aspen Ridge's lockdown notice, for 4 hours."""
    staff = OfficeBrowser(office_app)
    staff.login("aspen")
    staff.get("/office/school")
    form = {"form": "notice", "text": text, "lockdown": "on", "hours": "4"}
    assert staff.post("/office/school", form).status_code == 200


def test_a_new_case_appears_without_reload_with_a_beep_and_the_count_in_the_title(
    open_office, office_app
):
    from playwright.sync_api import expect

    page = open_office()
    expect(page).to_have_title("Cases · SRO bot")
    expect(page.get_by_text("No new cases.")).to_be_visible()
    page.evaluate("window.sameDocument = true")
    page.get_by_role("heading", name="Cases: new").click()  # browsers need a gesture for sound

    number = report(office_app, STUDENT)
    row = page.locator("#cases tr.fresh", has_text=number)
    expect(row).to_be_visible(timeout=WITHIN_POLL)
    expect(page).to_have_title("(1) Cases · SRO bot")
    expect(page.get_by_role("status")).to_have_text("1 new case since this page was opened")
    expect(page.locator("#count-new")).to_have_text("1")
    page.wait_for_function("window.beeps === 1")
    assert page.evaluate("window.sameDocument") is True

    page.get_by_role("button", name="Sound for new cases: on").click()
    expect(page.get_by_role("button", name="Sound for new cases: off")).to_have_attribute(
        "aria-pressed", "false"
    )
    second = report(office_app, "+14035550198", "i need to tell someone about the bus again")
    expect(page.locator("#cases tr.fresh").first).to_contain_text(second, timeout=WITHIN_POLL)
    expect(page).to_have_title("(2) Cases · SRO bot")
    expect(page.get_by_role("status")).to_have_text("2 new cases since this page was opened")
    assert page.evaluate("window.beeps") == 1  # sound off: no second beep
    page.reload()
    expect(page.get_by_role("button", name="Sound for new cases: off")).to_be_visible()


def test_counts_by_state_follow_what_other_staff_do(open_office, office_app):
    from playwright.sync_api import expect

    number = report(office_app, STUDENT)
    page = open_office()
    expect(page.locator("#count-new")).to_have_text("1")
    case_id = int(number.removeprefix("SRO-")) - 1000
    colleague = OfficeBrowser(office_app)
    colleague.login("aspen")
    colleague.get(f"/office/cases/{case_id}")
    colleague.post(f"/office/cases/{case_id}/acknowledge")
    expect(page.locator("#count-new")).to_have_text("0", timeout=WITHIN_POLL)
    expect(page.locator("#count-acknowledged")).to_have_text("1")
    expect(page).to_have_title("Cases · SRO bot")
    colleague.get(f"/office/cases/{case_id}")
    colleague.post(f"/office/cases/{case_id}/resolve", {"confirm": "yes"})
    expect(page.locator("#count-resolved_today")).to_have_text("1", timeout=WITHIN_POLL)
    expect(page.locator("#count-acknowledged")).to_have_text("0")


def test_another_schools_case_never_reaches_the_page(open_office, office_app, schools_db):
    from playwright.sync_api import expect

    page = open_office("crocus")
    report(office_app, STUDENT)  # at Aspen Ridge
    mine = case_for(schools_db, "prairie-crocus-school", text="Crocus matter")
    expect(page.locator("#cases tr.fresh")).to_have_count(1, timeout=WITHIN_POLL)
    expect(page.locator("#cases tbody")).to_contain_text(f"SRO-{1000 + mine}")
    expect(page.locator("#cases tbody tr")).to_have_count(1)
    expect(page).to_have_title("(1) Cases · SRO bot")


def test_the_date_picker_adds_an_exception_and_bad_dates_are_explained(open_office):
    from playwright.sync_api import expect

    from bot.schools.presence import local_date
    from bot.storage.models import now

    day = local_date(now()) + timedelta(days=10)
    page = open_office()
    page.goto(page.url + "school")
    expect(page.get_by_label("Date")).to_have_attribute("type", "date")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("The SRO is").select_option("away")
    page.get_by_label("Note (optional)").fill("first aid course")
    page.get_by_role("button", name="Add exception").click()
    expect(page.locator("#saved")).to_have_text(f"Exception for {day} saved.")
    expect(page.get_by_label("Exceptions, one per line")).to_have_value(
        re.compile(rf"^{day} away first aid course$", re.M)
    )

    page.locator("#exception-date").evaluate("e => { e.type = 'text'; e.value = '2027-02-30'; }")
    with page.expect_response(re.compile(r"/office/school$")) as posted:
        page.get_by_role("button", name="Add exception").click()
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_have_text("Date: '2027-02-30' is not a date (YYYY-MM-DD).")


def test_a_live_lockdown_is_a_banner_on_every_office_page(open_office, office_app):
    from playwright.sync_api import expect

    number = report(office_app, STUDENT)
    page = open_office()
    expect(page.locator(".banner-lockdown")).to_have_count(0)
    post_lockdown(office_app)
    banner = page.locator(".banner-lockdown")
    expect(banner).to_contain_text("Lockdown: stay inside.", timeout=WITHIN_POLL)  # by polling
    case_id = int(number.removeprefix("SRO-")) - 1000
    for path in PAGES:
        page.goto(page.url.split("/office/")[0] + path.format(case=case_id))
        expect(banner).to_have_text(
            re.compile(
                r"^LOCKDOWN at Aspen Ridge High School: Lockdown: stay inside\. "
                r"\(until \d{4}-\d\d-\d\d \d\d:\d\d\)$"
            )
        )
    other = open_office("crocus")
    expect(other.get_by_role("heading", name="Cases: new")).to_be_visible()
    expect(other.locator(".banner-lockdown")).to_have_count(0)
    page.goto(page.url.split("/office/")[0] + "/office/")
    post_lockdown(office_app, text="")  # cleared: the banner goes without a reload
    expect(banner).to_have_count(0, timeout=WITHIN_POLL)


def test_a_signed_out_queue_page_says_so_instead_of_showing_stale_cases(open_office):
    from playwright.sync_api import expect

    page = open_office()
    page.context.clear_cookies()
    expect(page.get_by_text("You are signed out: reload the page to sign in again.")).to_be_visible(
        timeout=WITHIN_POLL
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_375_pixel_phone(open_office, office_app, schools_db, path):
    long_text = "i need to tell someone about the bus this morning near the gym " + "x" * 120
    case_id = case_for(schools_db, "aspen-ridge-high-school", text=long_text, urgent=True)
    post_lockdown(office_app)
    page = open_office(viewport=PHONE)
    page.goto(page.url.split("/office/")[0] + path.format(case=case_id))
    assert "LOCKDOWN" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if path == "/office/":  # the case list is a stack of cards
        assert page.locator("#cases thead").is_hidden()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_screenshot_of_the_queue_with_a_new_case_and_a_lockdown(
    open_office, office_app, screenshot_dir, device
):
    from playwright.sync_api import expect

    report(office_app, STUDENT)
    page = open_office(viewport=PHONE if device == "phone" else DESKTOP)
    report(office_app, "+14035550198", "i need to tell someone about the bus again")
    post_lockdown(office_app)  # after the report: in a lockdown the bot gives only the notice
    expect(page.locator("#cases tr.fresh")).to_have_count(1, timeout=WITHIN_POLL)
    expect(page.locator(".banner-lockdown")).to_be_visible()
    path = screenshot_dir / f"office-queue-{device}.png"
    page.screenshot(path=path, full_page=device == "phone")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 5_000
