"""Finding one's way among 200 rooms, in Debian's Chromium against a real daphne (issue 10).

Alice has 190 rooms and 10 direct conversations, all made over REST. Her
sidebar shows them under "Direct messages" and "Rooms"; the filter narrows
them; "Unread first" puts the room Bob wrote in on top and is still on after
a reload; Ctrl+K opens the quick switcher, where typing and Enter open a
room, and Escape gives focus back. A star set in one browser context moves
the room to "Starred" in another, live and after a reload. Screenshots go to
test-artifacts/screens/.
"""

import re
import uuid

import pytest

from ..factories import PASSWORD
from .browser_helpers import ARTIFACTS
from .harness import ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENS = ARTIFACTS / "screens"
ROOMS, DIRECTS = 190, 10


def log_in(browser, base_url: str, username: str):
    """A new browser context where `username` has logged in; returns its page."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()
    return page


def section(page, name: str):
    """The sidebar section under the heading `name`."""
    return page.get_by_role("region", name=name, exact=True)


def links(scope):
    return scope.get_by_test_id("room-link")


@pytest.fixture
def crowd(ui_server):
    """Alice with ROOMS rooms (`team-000`.. plus `ops-alerts` and `design-reviews`) and DIRECTS
    direct conversations; Bob wrote in `ops-alerts`; Bob's public `design-lab` she has not joined."""
    suffix = uuid.uuid4().hex[:6]
    alice = ChatClient(ui_server, f"alice{suffix}")
    bob = ChatClient(ui_server, f"bob{suffix}")
    # Bob writes in ops-alerts before the other rooms exist, so by activity it comes last.
    rooms = {"ops-alerts": alice.call("POST", "/api/rooms/", {"name": "ops-alerts", "kind": "public"})}
    bob.call("POST", f"/api/rooms/{rooms['ops-alerts']['id']}/join/")
    bob.call("POST", f"/api/rooms/{rooms['ops-alerts']['id']}/messages/", {"body": "disk full on db-2"})
    names = [f"team-{n:03d}" for n in range(ROOMS - 2)] + ["design-reviews"]
    for n, name in enumerate(names):
        kind = "public" if n % 4 else "private"
        rooms[name] = alice.call("POST", "/api/rooms/", {"name": name, "kind": kind})
    partners = [bob] + [ChatClient(ui_server, f"pal{n}{suffix}") for n in range(DIRECTS - 1)]
    for partner in partners:
        partner.call("POST", "/api/direct/", {"username": alice.username})
    lab = bob.call("POST", "/api/rooms/", {"name": "design-lab", "kind": "public"})
    assert len(alice.call("GET", "/api/rooms/")) == ROOMS + DIRECTS
    return alice, bob, rooms, lab


def test_sections_filter_unread_first_and_the_quick_switcher_with_200_rooms(browser, ui_server, crowd):
    from playwright.sync_api import expect

    alice, bob, rooms, lab = crowd
    page = log_in(browser, ui_server.url, alice.username)
    expect(links(page)).to_have_count(ROOMS + DIRECTS)
    expect(section(page, "Starred")).to_have_count(0)
    expect(links(section(page, "Direct messages"))).to_have_count(DIRECTS)
    expect(links(section(page, "Rooms"))).to_have_count(ROOMS)
    expect(section(page, "Direct messages").get_by_role("link", name=bob.username)).to_have_count(1)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "sidebar-200-rooms-desktop.png"))

    # A heading collapses its section and opens it again, from the keyboard.
    rooms_toggle = page.get_by_role("button", name=re.compile(r"^Rooms ?190 rooms, 1 unread$"))
    expect(rooms_toggle).to_have_attribute("aria-expanded", "true")
    rooms_toggle.focus()
    page.keyboard.press("Enter")
    expect(rooms_toggle).to_have_attribute("aria-expanded", "false")
    expect(links(section(page, "Rooms")).first).to_be_hidden()
    expect(links(section(page, "Direct messages")).first).to_be_visible()
    page.keyboard.press("Space")
    expect(rooms_toggle).to_have_attribute("aria-expanded", "true")
    expect(links(section(page, "Rooms")).first).to_be_visible()

    # Unread first: the room Bob wrote in leads its section, and the choice survives a reload.
    first_room = links(section(page, "Rooms")).first
    expect(first_room).not_to_have_attribute("data-room-name", "ops-alerts")
    page.get_by_role("button", name="Unread first").click()
    expect(first_room).to_have_attribute("data-room-name", "ops-alerts")
    page.reload()
    expect(page.get_by_role("button", name="Unread first")).to_have_attribute("aria-pressed", "true")
    expect(links(section(page, "Rooms")).first).to_have_attribute("data-room-name", "ops-alerts")

    # The filter narrows every section by name.
    page.get_by_label("Filter rooms and people").fill("team-01")
    expect(links(page)).to_have_count(10)
    page.get_by_label("Filter rooms and people").fill(bob.username)
    expect(links(page)).to_have_count(1)
    expect(links(section(page, "Direct messages"))).to_have_attribute("data-room-name", bob.username)
    expect(section(page, "Rooms")).to_have_count(0)
    page.get_by_label("Filter rooms and people").fill("")
    expect(links(page)).to_have_count(ROOMS + DIRECTS)

    # Ctrl+K opens the switcher; typing ranks, Enter opens the room.
    page.get_by_label("Filter rooms and people").focus()
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Jump to a room")
    expect(dialog).to_be_visible()
    combobox = dialog.get_by_role("combobox", name="Room or person")
    expect(combobox).to_be_focused()
    combobox.fill("design")
    options = dialog.get_by_role("option")
    expect(options.first).to_have_attribute("data-room-id", str(rooms["design-reviews"]["id"]))
    expect(options.nth(1)).to_have_attribute("data-room-id", str(lab["id"]))
    expect(options.nth(1)).to_contain_text("Join")
    page.screenshot(path=str(SCREENS / "switcher-desktop.png"))
    # Escape closes and gives focus back to the filter box.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_label("Filter rooms and people")).to_be_focused()

    page.keyboard.press("Control+k")
    combobox.fill("ops al")
    expect(options.first).to_have_attribute("data-room-id", str(rooms["ops-alerts"]["id"]))
    expect(options.first).to_contain_text("1 unread")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("room-title")).to_have_text("ops-alerts")
    expect(page).to_have_url(f"{ui_server.url}/rooms/{rooms['ops-alerts']['id']}")

    # Arrow keys reach a public room not joined yet: it opens on its Join prompt.
    page.keyboard.press("Control+k")
    combobox.fill("design")
    page.keyboard.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{ui_server.url}/rooms/{lab['id']}")
    expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()
    page.context.close()


def test_a_star_follows_the_user_to_another_browser_live_and_after_a_reload(browser, ui_server, crowd):
    from playwright.sync_api import expect

    alice, _, rooms, _ = crowd
    laptop = log_in(browser, ui_server.url, alice.username)
    phone = log_in(browser, ui_server.url, alice.username)
    for page in (laptop, phone):
        expect(links(page)).to_have_count(ROOMS + DIRECTS)

    laptop.get_by_role("button", name="Star team-042").click()
    starred = section(laptop, "Starred")
    expect(links(starred)).to_have_count(1)
    expect(links(starred)).to_have_attribute("data-room-name", "team-042")
    expect(laptop.get_by_role("button", name="Star team-042")).to_have_attribute("aria-pressed", "true")
    # The other context hears of it over its socket, without a reload.
    expect(links(section(phone, "Starred"))).to_have_attribute("data-room-name", "team-042")
    expect(links(section(phone, "Rooms"))).to_have_count(ROOMS - 1)
    assert [r["starred"] for r in alice.call("GET", "/api/rooms/") if r["name"] == "team-042"] == [True]

    phone.reload()
    expect(links(section(phone, "Starred"))).to_have_attribute("data-room-name", "team-042")
    phone.screenshot(path=str(SCREENS / "sidebar-starred-desktop.png"))

    # Unstarring on the phone empties Starred on the laptop, live.
    phone.get_by_role("button", name="Star team-042").click()
    expect(section(laptop, "Starred")).to_have_count(0)
    expect(links(section(laptop, "Rooms"))).to_have_count(ROOMS)
    assert rooms["team-042"]["id"] in {r["id"] for r in alice.call("GET", "/api/rooms/") if not r["starred"]}
    laptop.context.close()
    phone.context.close()
