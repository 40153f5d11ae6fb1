"""The web chat in real headless Chromium: type a question, read the answer, press a choice."""

from __future__ import annotations

import pytest
from browser_fixtures import needs_chromium, serve

pytestmark = needs_chromium


@pytest.fixture
def page(make_app, browser):
    """A phone-sized page showing the real app's web chat."""
    with serve(make_app()) as url:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.goto(url + "/")
        yield page


def test_question_answer_and_choice_button(page):
    from playwright.sync_api import expect

    expect(page.get_by_text("Emergency? Call 911.")).to_be_visible()
    question = page.get_by_label("Your question")
    question.fill("Is the SRO at my school today?")
    question.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".msg.bot").first).to_contain_text("main office")
    expect(question).to_have_value("")

    question.fill("menu")
    page.get_by_role("button", name="Send").click()
    choices = page.get_by_role("group", name="Choose one")
    expect(choices.get_by_role("button")).to_have_count(12)
    choices.get_by_role("button", name="What a lockdown is").click()
    expect(log.locator(".msg.user").last).to_have_text("What a lockdown is")
    expect(log.locator(".msg.bot")).to_have_count(3)
    expect(log.locator(".msg.bot").last).to_contain_text("lockdown")
    expect(choices.get_by_role("button").first).to_be_disabled()
    expect(page.get_by_text("Emergency? Call 911.")).to_be_in_viewport()


def test_keyboard_only_use(page):
    from playwright.sync_api import expect

    page.keyboard.press("Tab")
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.type("menu")
    page.keyboard.press("Enter")
    first_choice = page.get_by_role("group", name="Choose one").get_by_role("button").first
    expect(first_choice).to_be_visible()
    first_choice.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("log").locator(".msg.bot")).to_have_count(2)


def test_empty_question_is_explained_not_sent(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Please type a question first.")
    expect(page.get_by_role("log").locator(".msg")).to_have_count(0)


def test_emergency_reply_is_an_alert(page):
    from playwright.sync_api import expect

    question = page.get_by_label("Your question")
    question.fill("there is a kid with a knife in the cafeteria")
    question.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("911")


def test_the_911_reminder_is_one_footer_not_in_every_bubble(page):
    from playwright.sync_api import expect

    question = page.get_by_label("Your question")
    for text in ("what is the ycja", "is this chat private"):
        question.fill(text)
        question.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".msg.bot")).to_have_count(2)
    expect(page.locator("#reminder")).to_have_text(
        "Emergency: 911. Non-emergency police: 403-266-1234."
    )
    expect(log.locator(".msg.bot", has_text="403-266-1234")).to_have_count(0)


def test_suggestions_phone_links_and_labels_in_the_conversations_language(page):
    from playwright.sync_api import expect

    log = page.get_by_role("log")
    suggestions = page.get_by_role("group", name="Try asking").get_by_role("button")
    expect(suggestions).to_have_count(3)
    suggestions.first.click()
    expect(log.locator(".msg.bot")).to_have_count(1)
    expect(page.get_by_role("group", name="Try asking")).to_have_count(0)
    expect(page.locator("#reminder a[href='tel:911']")).to_have_count(1)

    question = page.get_by_label("Your question")
    question.fill("c'est quoi le numéro non urgent de la police?")
    question.press("Enter")
    expect(log.locator(".msg.bot")).to_have_count(2)
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    expect(page.get_by_label("Ta question")).to_be_visible()
    expect(log.locator(".msg.bot a[href='tel:4032661234']").first).to_be_visible()
