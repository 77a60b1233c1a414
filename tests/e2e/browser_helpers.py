"""Helpers for the browser tests: Debian's Chromium, and what a person does in the UI.

The fixtures that start Chromium and a server for it (`built_frontend`,
`browser`, `ui_server`) live in conftest.py; these are the steps tests share.
"""

import os
import re
import shutil

from .harness import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Br0wser-pass!x"


def sign_up(browser, base_url: str, username: str):
    """A new browser context on `base_url` where `username` has just signed up; returns its page."""
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


def create_room(page, name: str, kind: str = "Public") -> None:
    """Creates a room from the sidebar ("Public" or "Private") and waits until it is open."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="New room").click()
    page.get_by_label("Room name").fill(name)
    page.get_by_label(kind).check()
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_test_id("room-title")).to_have_text(name)


def join_room(page, name: str) -> None:
    """Joins a public room through "Browse rooms" and waits until it is open."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Browse rooms").click()
    page.get_by_role("button", name=f"Join {name}").click()
    expect(page.get_by_test_id("room-title")).to_have_text(name)


def send(page, text: str) -> None:
    """Types `text` in the open room's composer and presses Enter."""
    composer = page.get_by_label("Message", exact=True)
    composer.fill(text)
    composer.press("Enter")


def message(page, text: str):
    """The message items whose body is exactly `text`."""
    return page.get_by_test_id("message").filter(
        has=page.get_by_test_id("message-body").filter(has_text=re.compile(f"^{re.escape(text)}$"))
    )


def expect_message(page, text: str, state: str = "sent") -> None:
    """Waits until exactly one message with body `text` shows, in `state`."""
    from playwright.sync_api import expect

    expect(message(page, text)).to_have_count(1)
    expect(message(page, text)).to_have_attribute("data-state", state)
