"""The web chat in real headless Chromium: type a question, read the answer, press a choice."""

from __future__ import annotations

import pytest
from browser_fixtures import needs_chromium, serve

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def open_chat(make_app, browser):
    """Opens the real app's web chat in a new page: open_chat(viewport, color_scheme)."""
    with serve(make_app()) as url:

        def open_page(viewport: dict, color_scheme: str = "light"):
            page = browser.new_page(viewport=viewport, color_scheme=color_scheme)
            page.goto(url + "/")
            return page

        yield open_page


@pytest.fixture
def page(open_chat):
    """A phone-sized page showing the real app's web chat."""
    return open_chat(PHONE)


def ask(page, text: str) -> None:
    """Type a question, send it and wait for one more bot bubble."""
    from playwright.sync_api import expect

    bubbles = page.get_by_role("log").locator(".msg.bot")
    before = bubbles.count()
    question = page.locator("#question")
    question.fill(text)
    question.press("Enter")
    expect(bubbles).to_have_count(before + 1)


def stub_replies(page, *replies: dict) -> None:
    """Answer the page's next posts to api/messages with these replies, one per post."""
    queue = list(replies)

    def fulfill(route):
        reply = {"reminder": "", "choices": [], "choice_ids": [], "emergency": False}
        route.fulfill(json={"replies": [{**reply, "lang": "en", **queue.pop(0)}]})

    page.route("**/api/messages", fulfill)


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
    with page.expect_request("**/api/messages") as request:
        choices.get_by_role("button", name="What a lockdown is").click()
    sent = request.value.post_data_json
    assert sent["text"] == "What a lockdown is" and sent["choice"]
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
    log = page.get_by_role("log")
    for n, text in enumerate(("what is the ycja", "is this chat private"), 1):
        question.fill(text)
        question.press("Enter")
        expect(log.locator(".msg.bot")).to_have_count(n)  # the page sends one at a time
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
    expect(page.locator("#reminder a[href='tel:4032661234']")).to_have_text("403-266-1234")
    expect(page.locator("#emergency")).to_have_text(
        "Urgence? Appelle le 911. Personne ne surveille cette conversation."
    )


def test_a_choice_button_sends_its_label_and_its_id(page):
    stub_replies(
        page,
        {"text": "Pick one", "choices": ["Bullying", "Lockdowns"], "choice_ids": ["b", "l:2"]},
        {"text": "About lockdowns"},
    )
    ask(page, "menu")
    with page.expect_request("**/api/messages") as request:
        page.get_by_role("button", name="Lockdowns").click()
    sent = request.value.post_data_json
    assert sent == {"session": sent["session"], "text": "Lockdowns", "choice": "l:2"}


def test_a_reply_without_choice_ids_gets_buttons_that_send_the_number(page):
    from playwright.sync_api import expect

    stub_replies(page, {"text": "Pick one", "choices": ["Bullying", "Lockdowns"]}, {"text": "ok"})
    ask(page, "menu")
    with page.expect_request("**/api/messages") as request:
        page.get_by_role("button", name="Lockdowns").click()
    sent = request.value.post_data_json
    assert sent == {"session": sent["session"], "text": "2"}
    expect(page.get_by_role("log").locator(".msg.user").last).to_have_text("Lockdowns")


def test_every_older_choice_group_is_disabled_once_a_message_is_sent(page):
    from playwright.sync_api import expect

    groups = page.get_by_role("group", name="Choose one")
    ask(page, "menu")
    expect(groups.first.get_by_role("button").first).to_be_enabled()
    ask(page, "what is the ycja")
    expect(groups.first.locator("button:enabled")).to_have_count(0)
    ask(page, "menu")
    expect(groups).to_have_count(2)
    expect(groups.first.locator("button:enabled")).to_have_count(0)
    expect(groups.last.locator("button:enabled")).to_have_count(12)
    groups.last.get_by_role("button").nth(8).click()
    expect(page.locator(".choices button:enabled")).to_have_count(0)


def visible_band(page) -> tuple[float, float]:
    """The part of the viewport between the sticky emergency banner and the input bar, less
    the pixel that scrolling to whole pixels may shift a bubble by."""
    top = page.locator(".top").bounding_box()
    form = page.locator("#ask").bounding_box()
    return top["y"] + top["height"] - 1, form["y"] + 1


def test_the_newest_reply_is_fully_above_the_input_bar_on_a_phone(open_chat):
    page = open_chat(PHONE)
    questions = ["what is the ycja", "menu", "how do i reach the sro", "is this chat private"]
    for text in questions + ["how do i report a crime", "est-ce que l'agent est à l'école"]:
        ask(page, text)
        newest = page.get_by_role("log").locator(".msg.bot").last.bounding_box()
        top, bottom = visible_band(page)
        assert newest["height"] <= bottom - top, f"the reply to {text!r} fits between the bars"
        assert top <= newest["y"] and newest["y"] + newest["height"] <= bottom, text


def test_a_reply_taller_than_the_screen_shows_its_start_below_the_banner(open_chat):
    page = open_chat(PHONE)
    stub_replies(page, {"text": "First line.\n" + "A long paragraph. " * 200})
    ask(page, "tell me everything")
    newest = page.get_by_role("log").locator(".msg.bot").last.bounding_box()
    top, bottom = visible_band(page)
    assert newest["height"] > bottom - top and top <= newest["y"] <= top + 2


CONVERSATIONS = {
    "en": ["what happens in a lockdown", "is the sro at school today"],
    "fr": ["c'est quoi un confinement barricadé", "est-ce que l'agent est à l'école aujourd'hui"],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_screenshot(open_chat, screenshot_dir, device, scheme, lang):
    page = open_chat(PHONE if device == "phone" else DESKTOP, scheme)
    for text in CONVERSATIONS[lang]:
        ask(page, text)
    assert page.evaluate("document.documentElement.lang") == lang
    path = screenshot_dir / f"web-chat-{device}-{scheme}-{lang}.png"
    page.screenshot(path=path)
    assert path.read_bytes().startswith(PNG_SIGNATURE) and path.stat().st_size > 10_000


def test_a_message_typed_while_a_reply_is_on_its_way_is_sent_after_it(page):
    """Enter while the first reply is pending is not ignored: the second message waits its turn
    and both are answered, in order."""
    from playwright.sync_api import expect

    posts: list = []

    def hold_the_first(route):
        posts.append(route)
        if len(posts) > 1:
            route.continue_()

    page.route("**/api/messages", hold_the_first)
    question = page.locator("#question")
    question.fill("what does an sro do")
    question.press("Enter")
    question.fill("someone has a gun at school")
    question.press("Enter")
    expect(question).to_have_value("")
    expect(page.get_by_role("log").locator(".msg.user")).to_have_count(2)
    page.wait_for_timeout(300)
    assert len(posts) == 1  # the second waits for the first reply
    posts[0].continue_()
    bots = page.get_by_role("log").locator(".msg.bot")
    expect(bots).to_have_count(2, timeout=10_000)
    expect(bots.nth(1)).to_contain_text("911")
