"""Two people chat with a mention, a reply and a reaction in Chromium: the other sees each
live, and again after a reload (issue 11)."""

import re
import uuid

import pytest

from .browser_helpers import create_room, expect_message, join_room, message, send, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_mention_a_reply_and_a_reaction_show_live_and_after_a_reload(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    bob = sign_up(browser, ui_server.url, f"bob{suffix}")
    room_name = f"talk-{suffix}"
    create_room(alice, room_name)
    join_room(bob, room_name)

    # A mention picked with the keyboard from the @ list: bob's copy is highlighted as his.
    question = f"@bob{suffix} are you there?"
    composer = alice.get_by_label("Message", exact=True)
    composer.press_sequentially(f"@bob{suffix[:3]}")
    expect(alice.get_by_test_id("mention-option")).to_have_text([f"@bob{suffix}"])
    composer.press("Enter")
    expect(composer).to_have_value(f"@bob{suffix} ")
    composer.press_sequentially("are you there?")
    composer.press("Enter")
    expect_message(bob, question)
    expect(message(bob, question)).to_have_class(re.compile("message--mentions-me"))

    # A reply: alice sees the quote live.
    message(bob, question).hover()
    message(bob, question).get_by_test_id("reply-button").click()
    expect(bob.get_by_test_id("composer-reply")).to_contain_text(f"alice{suffix}")
    send(bob, "yes, here")
    expect_message(alice, "yes, here")
    expect(message(alice, "yes, here").get_by_test_id("reply-quote")).to_contain_text("are you there?")

    # A reaction: bob sees alice's live.
    message(alice, "yes, here").get_by_test_id("add-reaction").click()
    alice.get_by_test_id("emoji-option").first.click()
    reaction = message(bob, "yes, here").get_by_test_id("reaction")
    expect(reaction).to_have_attribute("data-count", "1")
    expect(message(alice, "yes, here").get_by_test_id("reaction")).to_have_attribute("aria-pressed", "true")

    # After a reload everything is still there, from the database.
    for page in (alice, bob):
        page.reload()
        expect_message(page, "yes, here")
        expect(message(page, "yes, here").get_by_test_id("reply-quote")).to_contain_text("are you there?")
        expect(message(page, "yes, here").get_by_test_id("reaction")).to_have_attribute("data-count", "1")
    expect(message(alice, "yes, here").get_by_test_id("reaction")).to_have_attribute("aria-pressed", "true")
    expect(message(bob, "yes, here").get_by_test_id("reaction")).to_have_attribute("aria-pressed", "false")
    expect(message(bob, question)).to_have_class(re.compile("message--mentions-me"))
    alice.context.close()
    bob.context.close()
