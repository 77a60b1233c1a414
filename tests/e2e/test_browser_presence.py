"""A direct room's presence dot in the sidebar, in Debian's Chromium against a real daphne (issue 11 §6).

Bob has a direct conversation with Alice. While Bob's app is open in its own
browser context, Alice's sidebar shows him online, after a reload too; when
Bob's context closes (his last socket), the dot turns offline, live.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .harness import ChatClient
from .test_browser_sidebar import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_direct_room_shows_the_other_member_online_then_offline(browser, ui_server):
    suffix = uuid.uuid4().hex[:6]
    alice = ChatClient(ui_server, f"alice{suffix}")
    bob = ChatClient(ui_server, f"bob{suffix}")
    direct = alice.call("POST", "/api/direct/", {"username": bob.username})
    assert direct["peer_online"] is False

    page = log_in(browser, ui_server.url, alice.username)
    link = page.locator(f'[data-testid="room-link"][data-room-id="{direct["id"]}"]')
    dot = link.get_by_test_id("peer-presence")
    expect(dot).to_have_attribute("data-online", "false")
    expect(link).to_have_accessible_name(re.compile(rf"^{bob.username}\s*\(offline\)"))

    bob_page = log_in(browser, ui_server.url, bob.username)
    expect(dot).to_have_attribute("data-online", "true")
    expect(link).to_have_accessible_name(re.compile(rf"^{bob.username}\s*\(online\)"))
    page.reload()
    expect(dot).to_have_attribute("data-online", "true")

    bob_page.context.close()
    expect(dot).to_have_attribute("data-online", "false")
    page.context.close()
