"""Searching from the UI against the real full-text search on PostgreSQL, in Chromium."""

import re
import uuid

import pytest

from .browser_helpers import create_room, expect_message, send, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_search_finds_by_stem_and_opens_the_room(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    room_name = f"ops-{suffix}"
    create_room(alice, room_name)
    for text in ("The deploy is running now", "Lunch at noon?", "Deploys run every hour"):
        send(alice, text)
        expect_message(alice, text)

    create_room(alice, f"elsewhere-{suffix}")

    search = alice.get_by_label("Search messages")
    search.fill("run deploy")
    search.press("Enter")
    results = alice.get_by_test_id("search-result")
    expect(results).to_have_count(2)
    expect(alice.get_by_test_id("search-summary")).to_contain_text("2 messages")
    bodies = alice.get_by_test_id("search-result-body")
    expect(bodies).to_have_text([re.compile("Deploys run every hour|The deploy is running now")] * 2)
    expect(results.first.get_by_test_id("search-result-room")).to_have_text(f"#{room_name}")
    results.first.get_by_role("link").first.click()
    expect(alice.get_by_test_id("room-title")).to_have_text(room_name)
    alice.context.close()
