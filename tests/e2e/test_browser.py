"""The React UI in Debian's Chromium, driven by Playwright, against a real daphne.

Two people in two browser contexts sign up, meet in a room, talk both ways,
reload, talk one to one, and one of them loses the network while the other
writes: the missed messages appear once each when it comes back. A
screenshot of the room view is saved in test-artifacts/ for review, and
one of every page when a test fails. BROWSER_DEBUG=1 (with pytest -s) prints
each page's WebSocket frames and console.
"""

import re
import uuid

import pytest

from .browser_helpers import ARTIFACTS, create_room, expect_message, join_room, message, send, sign_up
from .harness import TcpProxy

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_two_people_chat_in_a_room_and_one_to_one(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    bob = sign_up(browser, ui_server.url, f"bob{suffix}")
    room_name = f"lobby-{suffix}"

    create_room(alice, room_name)

    join_room(bob, room_name)

    send(alice, "Hello Bob, welcome!")
    expect_message(bob, "Hello Bob, welcome!")
    expect_message(alice, "Hello Bob, welcome!")
    send(bob, "Thanks Alice <b>not bold</b> https://example.org/x")
    expect_message(alice, "Thanks Alice <b>not bold</b> https://example.org/x")
    # Text stays text; the link is a safe link.
    # The body's link (the message's time is its permalink, another link).
    body = message(alice, "Thanks Alice <b>not bold</b> https://example.org/x").get_by_test_id("message-body")
    link = body.get_by_role("link")
    expect(link).to_have_attribute("href", "https://example.org/x")
    expect(link).to_have_attribute("rel", re.compile("noopener"))
    assert message(alice, "Thanks Alice <b>not bold</b> https://example.org/x").locator("b").count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    alice.screenshot(path=str(ARTIFACTS / "room-view.png"), full_page=True)

    # A reload shows the history, in order.
    bob.reload()
    expect(bob.get_by_test_id("room-title")).to_have_text(room_name)
    bodies = bob.get_by_test_id("message-body")
    expect(bodies).to_have_text(["Hello Bob, welcome!", "Thanks Alice <b>not bold</b> https://example.org/x"])

    # One to one: Alice starts it, Bob finds it named after her.
    alice.get_by_role("button", name="New message").click()
    alice.get_by_label("Username to message").fill(f"bob{suffix}")
    alice.get_by_role("button", name="Start conversation").click()
    expect(alice.get_by_test_id("room-title")).to_have_text(f"bob{suffix}")
    send(alice, "Just between us")
    expect_message(alice, "Just between us")
    bob.get_by_role("link", name=re.compile(f"^alice{suffix}")).click()
    expect_message(bob, "Just between us")
    send(bob, "Sure")
    expect_message(alice, "Sure")
    alice.context.close()
    bob.context.close()


def test_messages_missed_during_a_network_cut_appear_once(browser, built_frontend, start_server):
    from playwright.sync_api import expect

    # Bob's page is served through the proxy, another origin, so the server must allow it.
    proxy = TcpProxy()
    ui_server = start_server(extra_origins=(proxy.url,))
    proxy.target_port = ui_server.port
    try:
        suffix = uuid.uuid4().hex[:6]
        alice = sign_up(browser, ui_server.url, f"alice{suffix}")
        bob = sign_up(browser, proxy.url, f"bob{suffix}")
        room_name = f"cut-{suffix}"
        create_room(alice, room_name)
        join_room(bob, room_name)
        send(alice, "before the cut")
        expect_message(bob, "before the cut")

        proxy.cut()
        expect(bob.get_by_test_id("connection-banner")).to_be_visible()
        missed = [f"while you were away {i}" for i in range(3)]
        for text in missed:
            send(alice, text)
            expect_message(alice, text)
        proxy.restore()

        expect(bob.get_by_test_id("connection-banner")).to_have_count(0, timeout=40_000)
        for text in missed:
            expect_message(bob, text)
        expect(bob.get_by_test_id("message-body")).to_have_text(["before the cut", *missed])
        # Live delivery works again after the reconnect.
        send(alice, "after the cut")
        expect_message(bob, "after the cut")
        alice.context.close()
        bob.context.close()
    finally:
        proxy.close()
