"""Moderation in the React UI, in Debian's Chromium against a real daphne.

Alice owns a public room and Bob joins it: she sees him arrive in her
members panel (`member.added`), edits the room's topic and lock (Bob sees
`room.updated`), mutes and unmutes him (his composer follows
`member.updated`), and bans him: the room leaves Bob's sidebar
(`room.removed`) and Bob leaves Alice's member list (`member.removed`).
Screenshots of the new screens are saved in test-artifacts/ for review.
"""

import re
import uuid

import pytest

from .browser_helpers import ARTIFACTS, create_room, expect_message, join_room, send, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def member(page, username: str):
    return page.locator(f'[data-testid="member"][data-username="{username}"]')


def room_link(page, room_name: str):
    return page.locator(f'[data-testid="room-link"][data-room-name="{room_name}"]')


def test_owner_mutes_and_bans_a_member_live(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice_name, bob_name = f"alice{suffix}", f"bob{suffix}"
    alice = sign_up(browser, ui_server.url, alice_name)
    bob = sign_up(browser, ui_server.url, bob_name)
    room_name = f"modroom-{suffix}"
    ARTIFACTS.mkdir(exist_ok=True)

    create_room(alice, room_name)
    expect(member(alice, alice_name)).to_have_attribute("data-role", "owner")

    # Bob joins: Alice's open members panel gains him without a reload.
    join_room(bob, room_name)
    expect(member(alice, bob_name)).to_have_count(1)
    expect(alice.get_by_role("button", name=re.compile("^Members"))).to_contain_text("2")
    # A plain member is offered no moderation, no settings, no bans.
    expect(member(bob, alice_name)).to_have_count(1)
    expect(bob.get_by_role("button", name=f"Manage {alice_name}")).to_have_count(0)
    expect(bob.get_by_role("button", name="Room settings")).to_have_count(0)

    # Room settings: a topic and the lock reach Bob as room.updated.
    alice.get_by_role("button", name="Room settings").click()
    settings = alice.get_by_role("dialog", name="Room settings")
    settings.get_by_label("Topic").fill("Be kind")
    settings.get_by_label("Lock the room").check()
    alice.screenshot(path=str(ARTIFACTS / "room-settings.png"))
    settings.get_by_role("button", name="Save").click()
    expect(settings).to_have_count(0)
    expect(bob.get_by_test_id("room-topic")).to_have_text("Be kind")
    expect(bob.get_by_test_id("room-locked")).to_be_visible()
    expect(bob.get_by_label("Message", exact=True)).to_be_disabled()
    alice.get_by_role("button", name="Room settings").click()
    alice.get_by_label("Lock the room").uncheck()
    alice.get_by_role("button", name="Save").click()
    expect(bob.get_by_test_id("room-locked")).to_have_count(0)
    expect(bob.get_by_label("Message", exact=True)).to_be_enabled()

    # Mute: Bob's composer is disabled with the reason; Alice sees the badge.
    alice.get_by_role("button", name=f"Manage {bob_name}").click()
    alice.get_by_role("button", name=f"Mute {bob_name}", exact=True).click()
    expect(member(alice, bob_name)).to_have_attribute("data-muted", "true")
    expect(member(alice, bob_name).get_by_test_id("member-muted")).to_be_visible()
    expect(bob.get_by_label("Message", exact=True)).to_be_disabled()
    expect(bob.get_by_test_id("composer-disabled-reason")).to_have_text("You are muted in this room.")
    expect(member(bob, bob_name)).to_have_attribute("data-muted", "true")
    alice.screenshot(path=str(ARTIFACTS / "moderation-members.png"))
    bob.screenshot(path=str(ARTIFACTS / "moderation-muted.png"))

    # Unmute: Bob can post again.
    alice.get_by_role("button", name=f"Unmute {bob_name}", exact=True).click()
    expect(member(alice, bob_name)).to_have_attribute("data-muted", "false")
    expect(bob.get_by_label("Message", exact=True)).to_be_enabled()
    send(bob, "Thanks for unmuting me")
    expect_message(alice, "Thanks for unmuting me")

    # Ban, with a reason after a confirmation step.
    alice.get_by_role("button", name=f"Ban {bob_name}", exact=True).click()
    alice.get_by_label("Reason (optional)").fill("spam")
    alice.get_by_role("button", name="Confirm ban").click()
    expect(room_link(bob, room_name)).to_have_count(0)
    expect(member(alice, bob_name)).to_have_count(0)
    expect(alice.get_by_role("button", name=re.compile("^Members"))).to_contain_text("1")

    # The ban list shows him, with the reason, and lifts the ban.
    alice.get_by_role("button", name="Bans", exact=True).click()
    bans = alice.get_by_role("dialog", name=f"Bans in #{room_name}")
    ban = bans.locator(f'[data-testid="ban"][data-username="{bob_name}"]')
    expect(ban).to_contain_text("spam")
    expect(ban).to_contain_text(f"by {alice_name}")
    alice.screenshot(path=str(ARTIFACTS / "moderation-bans.png"))
    bans.get_by_role("button", name=f"Unban {bob_name}").click()
    expect(ban).to_have_count(0)
    expect(bans).to_contain_text("Nobody is banned from this room.")
    alice.context.close()
    bob.context.close()
