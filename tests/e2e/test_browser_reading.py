"""The reading flow in Debian's Chromium against a real daphne (issue "Reading flow").

Alice reads in the browser; Bob is a REST client who writes. A room with 80
unread messages opens at the first of them under "New messages" and marks
read only what was on screen; a search hit opens its message by permalink; a
reply's quote opens an original two pages back; a draft and a send made offline survive a reload, and the send is stored once
after the socket comes back; going offline shows the banner within 5 s; a ban
tells Alice why. Screenshots go to test-artifacts/screens/.
"""

import re
import uuid

import pytest

from .browser_helpers import ARTIFACTS, expect_message, join_room, message, send, sign_up
from .harness import ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENS = ARTIFACTS / "screens"


def room_link(page, room_id: int):
    return page.locator(f'[data-testid="room-link"][data-room-id="{room_id}"]')


def public_room(owner: ChatClient, name: str) -> dict:
    return owner.call("POST", "/api/rooms/", {"name": name, "kind": "public"})


def post(client: ChatClient, room_id: int, body: str) -> dict:
    return client.call("POST", f"/api/rooms/{room_id}/messages/", {"body": body})


def test_a_room_opens_at_the_first_unread_and_reads_only_what_was_seen(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = ChatClient(ui_server, f"bob{suffix}")
    busy, quiet = public_room(bob, f"busy-{suffix}"), public_room(bob, f"quiet-{suffix}")
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    join_room(alice, busy["name"])
    join_room(alice, quiet["name"])
    for n in range(1, 81):
        post(bob, busy["id"], f"unread {n}")
    expect(room_link(alice, busy["id"])).to_have_attribute("data-unread", "80")

    room_link(alice, busy["id"]).click()
    divider = alice.get_by_test_id("unread-divider")
    expect(divider).to_be_visible()
    expect(divider).to_have_text("New messages")
    # The divider sits right above the first unread message, and that one is on screen.
    first_after = alice.locator('[data-testid="unread-divider"] + [data-testid="message"]')
    expect(first_after.get_by_test_id("message-body")).to_have_text("unread 1")
    expect(message(alice, "unread 1")).to_be_in_viewport()
    expect(message(alice, "unread 80")).not_to_be_in_viewport()
    # Only what was on screen is read: the badge goes down, not to zero.
    expect(room_link(alice, busy["id"])).not_to_have_attribute("data-unread", "80")
    left = int(room_link(alice, busy["id"]).get_attribute("data-unread"))
    assert 0 < left < 80
    SCREENS.mkdir(parents=True, exist_ok=True)
    alice.screenshot(path=str(SCREENS / "room-new-messages-desktop-light.png"))

    # At the end everything is read, and the divider, now above the view, can be jumped to.
    alice.get_by_test_id("message-log").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(room_link(alice, busy["id"])).to_have_attribute("data-unread", "0")
    expect(alice.get_by_test_id("jump-to-unread")).to_be_visible()
    alice.get_by_test_id("jump-to-unread").click()
    expect(divider).to_be_in_viewport()
    # The divider stays while the room is open, and goes once it is left and opened again.
    post(bob, busy["id"], "one more")
    expect_message(alice, "one more")
    expect(divider).to_have_count(1)
    alice.get_by_test_id("jump-to-latest").click()
    expect(room_link(alice, busy["id"])).to_have_attribute("data-unread", "0")
    room_link(alice, quiet["id"]).click()
    room_link(alice, busy["id"]).click()
    expect_message(alice, "one more")
    expect(alice.get_by_test_id("unread-divider")).to_have_count(0)
    alice.context.close()


def test_a_search_result_opens_its_message_by_permalink(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = ChatClient(ui_server, f"bob{suffix}")
    room = public_room(bob, f"deep-{suffix}")
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    join_room(alice, room["name"])
    needle = f"needle{suffix}"
    for n in range(1, 131):
        post(bob, room["id"], f"{needle} found" if n == 5 else f"hay {n}")

    alice.get_by_label("Search messages").fill(needle)
    alice.get_by_label("Search messages").press("Enter")
    result = alice.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    result.get_by_role("link").click()
    expect(alice).to_have_url(re.compile(rf"/rooms/{room['id']}/m/\d+$"))
    hit = message(alice, f"{needle} found")
    expect(hit).to_have_attribute("data-highlighted", "true")
    expect(hit).to_be_in_viewport()
    # The page around it is loaded, with the messages up to the newest after it.
    expect(message(alice, "hay 130")).to_have_count(1)
    # Each message links to itself.
    href = message(alice, "hay 6").get_by_test_id("message-permalink").get_attribute("href")
    assert href == f"/rooms/{room['id']}/m/6"
    alice.context.close()


def test_a_reply_quote_opens_an_original_that_is_not_loaded(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = ChatClient(ui_server, f"bob{suffix}")
    room = public_room(bob, f"long-{suffix}")
    original = post(bob, room["id"], f"the original question {suffix}")
    for n in range(2, 131):
        post(bob, room["id"], f"chatter {n}")
    bob.call(
        "POST", f"/api/rooms/{room['id']}/messages/", {"body": "the late answer", "reply_to": original["id"]}
    )
    # Alice comes after: the room opens at its newest page, 80 messages after the original.
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    join_room(alice, room["name"])

    answer = message(alice, "the late answer")
    expect(answer).to_have_count(1)
    expect(message(alice, f"the original question {suffix}")).to_have_count(0)  # two pages back
    answer.get_by_test_id("reply-quote").click()
    expect(alice).to_have_url(re.compile(rf"/rooms/{room['id']}/m/1$"))
    hit = message(alice, f"the original question {suffix}")
    expect(hit).to_have_attribute("data-highlighted", "true")
    expect(hit).to_be_in_viewport()
    alice.context.close()


def test_drafts_and_offline_sends_survive_a_reload_and_are_stored_once(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = ChatClient(ui_server, f"bob{suffix}")
    room, other = public_room(bob, f"drafts-{suffix}"), public_room(bob, f"other-{suffix}")
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    join_room(alice, other["name"])
    join_room(alice, room["name"])
    composer = alice.get_by_label("Message", exact=True)

    # A draft survives switching rooms and reloading.
    composer.fill("half a thought")
    room_link(alice, other["id"]).click()
    expect(composer).to_have_value("")
    room_link(alice, room["id"]).click()
    expect(composer).to_have_value("half a thought")
    alice.reload()
    expect(alice.get_by_label("Message", exact=True)).to_have_value("half a thought")
    alice.get_by_label("Message", exact=True).fill("")

    # Offline: the banner shows within 5 s and a send waits as pending.
    alice.context.set_offline(True)
    expect(alice.get_by_test_id("connection-banner")).to_be_visible(timeout=5_000)
    send(alice, "sent while offline")
    expect_message(alice, "sent while offline", "pending")
    expect(message(alice, "sent while offline")).to_contain_text("Waiting for the connection")

    # Reload with the socket still kept down (its ticket refused): the send is still there.
    alice.route("**/api/auth/ws-ticket/", lambda route: route.abort())
    alice.context.set_offline(False)
    alice.reload()
    expect_message(alice, "sent while offline", "pending")
    alice.unroute("**/api/auth/ws-ticket/")
    expect_message(alice, "sent while offline", "sent")
    stored = bob.call("GET", f"/api/rooms/{room['id']}/messages/")["results"]
    assert [m["body"] for m in stored] == ["sent while offline"]
    alice.context.close()


def test_a_banned_user_is_told_why_and_taken_out_of_the_room(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = ChatClient(ui_server, f"bob{suffix}")
    room = public_room(bob, f"strict-{suffix}")
    alice_name = f"alice{suffix}"
    alice = sign_up(browser, ui_server.url, alice_name)
    join_room(alice, room["name"])
    bob.call("POST", f"/api/rooms/{room['id']}/bans/", {"username": alice_name, "reason": "spam"})
    notice = alice.get_by_test_id("room-exit")
    expect(notice).to_contain_text("You were banned from this room (spam).")
    expect(alice.get_by_label("Message", exact=True)).to_have_count(0)
    expect(room_link(alice, room["id"])).to_have_count(0)
    alice.context.close()
