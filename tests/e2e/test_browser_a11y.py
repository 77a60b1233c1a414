"""Accessibility and screenshots of the main screens, in Debian's Chromium.

axe-core (the npm dev dependency, injected into the page) checks the login,
room, search, room settings and quick switcher (Ctrl+K) screens in the light and the dark scheme:
no critical and no serious violations. The same run writes a screenshot of
each screen, desktop and phone, light and dark, to test-artifacts/screens/,
and the violations found to axe-SCHEME.json beside them.
"""

import json
import uuid

import pytest

from ..factories import PASSWORD
from .browser_helpers import ARTIFACTS
from .harness import ROOT, ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ARTIFACTS / "screens"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def axe_violations(page) -> list[str]:
    """The critical and serious axe-core violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => (await window.axe.run(document)).violations")
    return [
        f"{v['impact']} {v['id']}: {n['target']} {n.get('failureSummary', '')[:160]}"
        for v in results
        if v["impact"] in ("critical", "serious")
        for n in v["nodes"]
    ]


def log_in(browser, base_url: str, username: str, scheme: str, viewport: str):
    # axe is injected as an inline script, which the app's CSP (rightly) refuses.
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS[viewport], color_scheme=scheme, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_screens_have_no_serious_axe_violations(browser, ui_server, scheme):
    from playwright.sync_api import expect

    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci in frontend/")
    suffix = uuid.uuid4().hex[:6]
    owner = ChatClient(ui_server, f"owner{suffix}")
    room = owner.call("POST", "/api/rooms/", {"name": f"tour-{suffix}", "kind": "public", "topic": "A tour"})
    for n in range(6):
        owner.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": f"hello number {n}"})
    # Every element the Markdown subset renders, checked for contrast and names too.
    formatted = (
        "**bold** _italic_ ~~strike~~ `code` [docs](https://docs.example) @someone\n\n"
        "> a quote\n\n- one\n- two\n\n1. first\n\n```\nblock of code\n```"
    )
    owner.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": formatted})
    SCREENS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}

    for viewport in VIEWPORTS:
        page = log_in(browser, ui_server.url, owner.username, scheme, viewport)
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        if viewport == "desktop":
            found["login"] = axe_violations(page)
        page.screenshot(path=str(SCREENS / f"login-{viewport}-{scheme}.png"))
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_test_id("current-user").filter(has_text=owner.username).wait_for(state="attached")

        page.goto(f"/rooms/{room['id']}")
        expect(page.get_by_test_id("message")).to_have_count(7)
        if viewport == "desktop":
            page.get_by_label("Message", exact=True).fill("**preview** `this`")
            page.get_by_test_id("composer-preview-toggle").click()
            expect(page.get_by_test_id("composer-preview").locator("strong")).to_have_text("preview")
            found["room"] = axe_violations(page)
            page.get_by_test_id("composer-preview-toggle").click()
            page.get_by_label("Message", exact=True).fill("")
        page.screenshot(path=str(SCREENS / f"room-{viewport}-{scheme}.png"))

        page.goto(f"/search?q=number&room={room['id']}")
        expect(page.get_by_test_id("search-result")).to_have_count(6)
        if viewport == "desktop":
            found["search"] = axe_violations(page)
        page.screenshot(path=str(SCREENS / f"search-{viewport}-{scheme}.png"))

        page.goto(f"/rooms/{room['id']}")
        page.get_by_role("button", name="Room settings").click()
        expect(page.get_by_role("dialog", name="Room settings")).to_be_visible()
        if viewport == "desktop":
            found["settings"] = axe_violations(page)
        page.screenshot(path=str(SCREENS / f"settings-{viewport}-{scheme}.png"))
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)

        page.keyboard.press("Control+k")
        switcher = page.get_by_role("dialog", name="Jump to a room")
        expect(switcher).to_be_visible()
        switcher.get_by_role("combobox").fill("tour")
        expect(switcher.get_by_role("option")).to_have_count(1)
        if viewport == "desktop":
            found["switcher"] = axe_violations(page)
        page.screenshot(path=str(SCREENS / f"switcher-{viewport}-{scheme}.png"))
        page.context.close()

    (SCREENS / f"axe-{scheme}.json").write_text(json.dumps(found, indent=1))
    assert found == {"login": [], "room": [], "search": [], "settings": [], "switcher": []}
