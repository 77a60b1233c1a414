"""Markdown bodies, the keyboard in the message list, and right-to-left text, in Chromium
(issue 11 section 4, issue 10 "Keyboard")."""

import random
import uuid

import pytest

from .browser_helpers import create_room, sign_up
from .harness import ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# A handler that ran would set window.__xss; CSP would also refuse an inline one,
# so the test looks at the DOM too: no image, no handler, no javascript: link.
HOSTILE = (
    "**bold** and `code` and [docs](https://docs.example/x) "
    "[bad](javascript:window.__xss=1) <img src=x onerror=window.__xss=2> "
    "![pic](https://img.example/p.png) [data](data:text/html,<b>x</b>)"
)


def last_message(page):
    return page.get_by_test_id("message").last


def focused_seq(page) -> str | None:
    return page.evaluate("document.activeElement?.getAttribute('data-seq') ?? null")


def test_a_formatted_message_renders_its_subset_and_nothing_it_must_not(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    dialogs: list[str] = []
    alice.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    create_room(alice, f"fmt-{suffix}")
    composer = alice.get_by_label("Message", exact=True)

    # The preview shows the Markdown rendered before it is sent.
    composer.fill("**soon** _here_")
    alice.get_by_test_id("composer-preview-toggle").click()
    preview = alice.get_by_test_id("composer-preview")
    expect(preview.locator("strong")).to_have_text("soon")
    expect(preview.locator("em")).to_have_text("here")
    alice.get_by_test_id("composer-preview-toggle").click()
    expect(preview).to_have_count(0)

    composer.fill(HOSTILE)
    composer.press("Enter")
    body = last_message(alice).get_by_test_id("message-body")
    expect(last_message(alice)).to_have_attribute("data-state", "sent")
    expect(body.locator("strong")).to_have_text("bold")
    expect(body.locator("code")).to_have_text("code")
    links = body.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text("docs")
    expect(links.nth(0)).to_have_attribute("href", "https://docs.example/x")
    expect(links.nth(0)).to_have_attribute("rel", "noopener noreferrer")
    expect(links.nth(0)).to_have_attribute("target", "_blank")
    # The image is a link to its address, the nearest thing a message may hold.
    expect(links.nth(1)).to_have_attribute("href", "https://img.example/p.png")
    expect(body).to_contain_text("[bad](javascript:window.__xss=1)")
    expect(body).to_contain_text("<img src=x onerror=window.__xss=2>")
    expect(body).to_contain_text("[data](data:text/html,<b>x</b>)")
    assert body.locator("img, script, b").count() == 0
    assert (
        body.evaluate(
            "el => [...el.querySelectorAll('*')].some(n => n.getAttributeNames().some(a => a.startsWith('on')))"
        )
        is False
    )

    # Shift+Enter keeps the new line; the sidebar preview shows the plain text.
    composer.press_sequentially("line *one*")
    composer.press("Shift+Enter")
    composer.press_sequentially("line two")
    expect(composer).to_have_value("line *one*\nline two")
    composer.press("Enter")
    newest = last_message(alice).get_by_test_id("message-body")
    expect(newest.locator("em")).to_have_text("one")
    expect(newest.locator("br")).to_have_count(1)
    assert newest.inner_text().splitlines() == ["line one", "line two"]
    expect(alice.get_by_test_id("room-link").filter(has_text=f"fmt-{suffix}")).to_contain_text(
        "line one line two"
    )

    alice.reload()
    expect(last_message(alice).get_by_test_id("message-body").locator("em")).to_have_text("one")
    assert alice.evaluate("window.__xss ?? null") is None
    assert dialogs == []
    alice.context.close()


def test_up_edits_my_last_message_and_escape_gives_the_empty_composer_back(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    room_name = f"up-{suffix}"
    create_room(alice, room_name)
    room_id = alice.url.rstrip("/").split("/")[-1]
    bob = ChatClient(ui_server, f"bob{suffix}")
    bob.call("POST", f"/api/rooms/{room_id}/join/")
    composer = alice.get_by_label("Message", exact=True)
    for text in ("first", "second"):
        composer.fill(text)
        composer.press("Enter")
        expect(last_message(alice)).to_have_attribute("data-state", "sent")
    # Someone else's newer message is not mine to edit: ↑ still picks "second".
    bob.call("POST", f"/api/rooms/{room_id}/messages/", {"body": "from bob"})
    expect(last_message(alice).get_by_test_id("message-body")).to_have_text("from bob")

    composer.press("ArrowUp")
    editor = alice.get_by_role("textbox", name="Edit message")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("second")
    editor.press("End")
    editor.press_sequentially(" edited")
    editor.press("Enter")
    mine = alice.get_by_test_id("message").filter(has_text="second edited")
    expect(mine.get_by_test_id("message-edited")).to_be_visible()
    expect(composer).to_be_focused()

    composer.press("ArrowUp")
    expect(editor).to_have_value("second edited")
    editor.press_sequentially(" not kept")
    editor.press("Escape")
    expect(editor).to_have_count(0)
    expect(composer).to_be_focused()
    expect(composer).to_have_value("")
    expect(mine.get_by_test_id("message-body").locator("p")).to_have_text("second edited")

    # With text in the box, ↑ is the caret's key again.
    composer.fill("draft")
    composer.press("ArrowUp")
    expect(editor).to_have_count(0)
    expect(composer).to_have_value("draft")
    alice.context.close()


def test_each_message_is_one_tab_stop_and_its_actions_are_reached_from_it(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    create_room(alice, f"tab-{suffix}")
    composer = alice.get_by_label("Message", exact=True)
    for text in ("one https://a.example/x", "two [docs](https://b.example)", "three"):
        composer.fill(text)
        composer.press("Enter")
    expect(alice.locator('[data-testid="message"][data-state="sent"]')).to_have_count(3)
    # A reaction and a reply quote put more buttons inside the messages.
    first = alice.get_by_test_id("message").nth(0)
    first.hover()
    first.get_by_test_id("add-reaction").click()
    alice.get_by_test_id("emoji-option").first.click()
    expect(first.get_by_test_id("reaction")).to_have_count(1)

    alice.get_by_test_id("message").nth(0).focus()
    assert focused_seq(alice) == "1"
    alice.keyboard.press("Tab")
    assert focused_seq(alice) == "2"
    alice.keyboard.press("Tab")
    assert focused_seq(alice) == "3"
    alice.keyboard.press("Tab")
    expect(composer).to_be_focused()
    alice.keyboard.press("Shift+Tab")
    assert focused_seq(alice) == "3"
    alice.keyboard.press("Shift+Tab")
    assert focused_seq(alice) == "2"

    # ↑/↓ move between messages; Enter goes into one, Tab walks its controls, Escape comes back.
    alice.keyboard.press("ArrowUp")
    assert focused_seq(alice) == "1"
    alice.keyboard.press("Enter")
    expect(first.get_by_role("button", name="Reply")).to_be_focused()
    alice.keyboard.press("Shift+Tab")
    expect(first.get_by_test_id("add-reaction")).to_be_focused()
    alice.keyboard.press("Escape")
    assert focused_seq(alice) == "1"
    alice.keyboard.press("ArrowDown")
    assert focused_seq(alice) == "2"
    alice.keyboard.press("Enter")
    alice.keyboard.press("Enter")  # Reply
    expect(alice.get_by_test_id("composer-reply")).to_contain_text("two docs")
    alice.context.close()


def test_a_right_to_left_name_and_body_render_with_dir_auto_and_align_right(browser, ui_server):
    from playwright.sync_api import expect

    digits = str(random.randrange(10**6, 10**7))
    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    create_room(alice, f"rtl-{suffix}")
    room_id = alice.url.rstrip("/").split("/")[-1]
    dana = ChatClient(ui_server, f"דנה{digits}")
    dana.call("POST", f"/api/rooms/{room_id}/join/")
    dana.call("POST", f"/api/rooms/{room_id}/messages/", {"body": "שלום לכולם, **מה** נשמע?"})

    item = alice.get_by_test_id("message").filter(has_text="שלום")
    expect(item).to_have_count(1)
    name = item.locator(".message__author")
    body = item.get_by_test_id("message-body")
    paragraph = body.locator("p")
    expect(name).to_have_text(f"דנה{digits}")
    for element in (name, body, paragraph):
        expect(element).to_have_attribute("dir", "auto")
    assert name.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert paragraph.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Right-aligned: the text's line ends at the paragraph's right edge and starts well after its left.
    text_box, box = paragraph.evaluate(
        """el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const t = range.getBoundingClientRect(), b = el.getBoundingClientRect();
            return [[t.left, t.right], [b.left, b.right]];
        }"""
    )
    assert abs(text_box[1] - box[1]) < 2
    assert text_box[0] - box[0] > 50
    alice.context.close()
