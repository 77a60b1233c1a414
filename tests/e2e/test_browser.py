"""The React UI in Debian's Chromium, driven by Playwright, against a real daphne.

Two people in two browser contexts sign up, meet in a room, talk both ways,
reload, talk one to one, and one of them loses the network while the other
writes: the missed messages appear once each when it comes back. A
screenshot of the room view is saved in test-artifacts/ for review, and
one of every page when a test fails. BROWSER_DEBUG=1 (with pytest -s) prints
each page's WebSocket frames and console.
"""

import os
import re
import shutil
import subprocess
import uuid

import pytest

from .harness import ROOT, TcpProxy

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Br0wser-pass!x"


@pytest.fixture(scope="module")
def built_frontend():
    """frontend/dist, built by the same script the run command uses."""
    if not os.path.exists(CHROMIUM) or not shutil.which("npm"):
        if os.environ.get("CHAT_REQUIRE_SERVICES") == "1":
            pytest.fail("browser tests need npm and Debian's chromium (apt-get install chromium)")
        pytest.skip("browser tests need npm and Debian's chromium")
    subprocess.run([str(ROOT / "scripts" / "build-frontend")], check=True)


@pytest.fixture
def browser(built_frontend, transactional_db, request):
    """Chromium for one test. Playwright's sync API runs an event loop in this thread, so it
    must stop before the database flush that ends the test (Django refuses sync ORM calls
    beside a running loop): depending on transactional_db orders the teardowns that way."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for n, page in enumerate(p for context in chromium.contexts for p in context.pages):
                page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{n}.png"))
        chromium.close()


@pytest.fixture
def ui_server(start_server, built_frontend):
    return start_server()


def sign_up(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    if os.environ.get("BROWSER_DEBUG"):

        def log_ws(ws):
            print(username, "WS open", ws.url[-20:])
            ws.on("framesent", lambda f: print(username, ">>", str(f)[:150]))
            ws.on("framereceived", lambda f: print(username, "<<", str(f)[:150]))
            ws.on("close", lambda w: print(username, "WS closed"))

        page.on("websocket", log_ws)
        page.on("console", lambda m: print(username, "console", m.text[:200]))
    page.goto("/signup")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()
    return page


def send(page, text: str) -> None:
    composer = page.get_by_label("Message", exact=True)
    composer.fill(text)
    composer.press("Enter")


def message(page, text: str):
    return page.get_by_test_id("message").filter(
        has=page.get_by_test_id("message-body").filter(has_text=re.compile(f"^{re.escape(text)}$"))
    )


def expect_message(page, text: str, state: str = "sent") -> None:
    from playwright.sync_api import expect

    expect(message(page, text)).to_have_count(1)
    expect(message(page, text)).to_have_attribute("data-state", state)


def test_two_people_chat_in_a_room_and_one_to_one(browser, ui_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, ui_server.url, f"alice{suffix}")
    bob = sign_up(browser, ui_server.url, f"bob{suffix}")
    room_name = f"lobby-{suffix}"

    alice.get_by_role("button", name="New room").click()
    alice.get_by_label("Room name").fill(room_name)
    alice.get_by_label("Public").check()
    alice.get_by_role("button", name="Create room").click()
    expect(alice.get_by_test_id("room-title")).to_have_text(room_name)

    bob.get_by_role("button", name="Browse rooms").click()
    bob.get_by_role("button", name=f"Join {room_name}").click()
    expect(bob.get_by_test_id("room-title")).to_have_text(room_name)

    send(alice, "Hello Bob, welcome!")
    expect_message(bob, "Hello Bob, welcome!")
    expect_message(alice, "Hello Bob, welcome!")
    send(bob, "Thanks Alice <b>not bold</b> https://example.org/x")
    expect_message(alice, "Thanks Alice <b>not bold</b> https://example.org/x")
    # Text stays text; the link is a safe link.
    link = message(alice, "Thanks Alice <b>not bold</b> https://example.org/x").get_by_role("link")
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


def test_messages_missed_during_a_network_cut_appear_once(browser, ui_server):
    from playwright.sync_api import expect

    proxy = TcpProxy(ui_server.port)
    try:
        suffix = uuid.uuid4().hex[:6]
        alice = sign_up(browser, ui_server.url, f"alice{suffix}")
        bob = sign_up(browser, proxy.url, f"bob{suffix}")
        room_name = f"cut-{suffix}"
        alice.get_by_role("button", name="New room").click()
        alice.get_by_label("Room name").fill(room_name)
        alice.get_by_label("Public").check()
        alice.get_by_role("button", name="Create room").click()
        expect(alice.get_by_test_id("room-title")).to_have_text(room_name)
        bob.get_by_role("button", name="Browse rooms").click()
        bob.get_by_role("button", name=f"Join {room_name}").click()
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
