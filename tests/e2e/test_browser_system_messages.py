"""Join and leave notices in Debian's Chromium against a real daphne (issue 11 §6).

Alice creates a room in the web app (which turns its membership notices on);
Bob, a REST client, joins, writes and leaves. Alice sees "joined" and "left"
as quiet lines in the timeline, live and after a reload, and only Bob's
messages count unread in her sidebar.
"""

import uuid

import pytest
from playwright.sync_api import expect

from .browser_helpers import create_room, expect_message, sign_up
from .harness import ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_joins_and_leaves_show_in_the_timeline_and_never_count_unread(browser, ui_server):
    suffix = uuid.uuid4().hex[:6]
    name = f"team-{suffix}"
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    create_room(alice, name)
    bob = ChatClient(ui_server, f"bob{suffix}")
    room = next(r for r in bob.call("GET", "/api/rooms/public/") if r["name"] == name)
    assert room["membership_notices"] is True

    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    notices = alice.get_by_test_id("system-message")
    expect(notices).to_have_count(1)
    expect(notices.first).to_contain_text(f"{bob.username} joined the room")
    bob.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": "hello team"})
    expect_message(alice, "hello team")
    bob.call("POST", f"/api/rooms/{room['id']}/leave/")
    expect(notices).to_have_count(2)
    expect(notices.nth(1)).to_contain_text(f"{bob.username} left the room")

    alice.reload()
    expect(notices).to_have_count(2)
    expect(notices.nth(0)).to_contain_text("joined the room")
    expect_message(alice, "hello team")
    # Away from the room, a new join and a message count one unread: the message alone.
    create_room(alice, f"other-{suffix}")
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    bob.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": "back again"})
    link = alice.locator(f'[data-testid="room-link"][data-room-id="{room["id"]}"]')
    expect(link).to_have_attribute("data-unread", "1")
    alice.reload()
    expect(link).to_have_attribute("data-unread", "1")
