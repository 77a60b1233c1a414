"""Files on messages in Debian's Chromium against a real daphne (issue 11 §5, the web app).

Alice attaches a PNG and a text file from the composer's file picker; Bob, in
a browser of his own, sees the image's thumbnail live and again after a
reload, opens it full size in the lightbox, and downloads the text file under
its name with the bytes Alice sent. A file over the server's limit is refused
in the composer, by name, before anything is sent. Nothing along the way is
refused by the Content-Security-Policy (the files are shown as blob: URLs).
"""

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from .browser_helpers import ARTIFACTS, create_room, expect_message, join_room, message, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENS = ARTIFACTS / "screens"
LIMIT = 64 * 1024

# Records every CSP refusal the page sees, before any of its own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def files_server(start_server, built_frontend, tmp_path):
    """A daphne serving the web app, its uploads in this test's folder, files capped at 64 KiB."""
    return start_server(CHAT_UPLOAD_ROOT=str(tmp_path / "uploads"), CHAT_UPLOAD_MAX_BYTES=str(LIMIT))


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (220, 40, 60)).save(out, format="PNG")
    return out.getvalue()


def watch_csp(page) -> None:
    """From the next load on, the page keeps its CSP refusals in window.__cspViolations."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.reload()
    page.get_by_test_id("current-user").wait_for()


def test_an_image_and_a_file_reach_the_room_and_download_byte_for_byte(browser, files_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    bob = sign_up(browser, files_server.url, f"bob{suffix}")
    room = f"files-{suffix}"
    create_room(bob, room)
    alice = sign_up(browser, files_server.url, f"alice{suffix}")
    join_room(alice, room)
    watch_csp(alice)
    watch_csp(bob)
    # Reloaded where they were: both in the room.
    expect(bob.get_by_test_id("room-title")).to_have_text(room)
    expect(alice.get_by_test_id("room-title")).to_have_text(room)

    text = f"line one\nline two, {suffix}\n".encode()
    with alice.expect_file_chooser() as chooser:
        alice.get_by_role("button", name="Attach files").click()
    chooser.value.set_files(
        [
            {"name": "dot.png", "mimeType": "image/png", "buffer": png(64, 32)},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": text},
        ]
    )
    chips = alice.get_by_test_id("file-chip")
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text("dot.png")
    composer = alice.get_by_label("Message", exact=True)
    composer.fill("the plan")
    composer.press("Enter")
    expect(chips).to_have_count(0)
    expect_message(alice, "the plan")

    # Bob sees it live: the thumbnail at the image's own size (64×32, under 320 px), then downloaded.
    sent = message(bob, "the plan")
    expect(sent).to_have_count(1)
    image = sent.get_by_test_id("attachment-image")
    expect(image).to_have_attribute("data-loaded", "true")
    size = image.locator("img").evaluate(
        "img => [img.naturalWidth, img.naturalHeight, img.width, img.height]"
    )
    assert size[2:] == [64, 32]
    assert size[0] > 0 and size[1] > 0
    expect(sent.get_by_test_id("attachment-file")).to_contain_text("notes.txt")
    SCREENS.mkdir(parents=True, exist_ok=True)
    bob.screenshot(path=str(SCREENS / "room-attachments-desktop-light.png"))

    # And after a reload, from the history.
    bob.reload()
    sent = message(bob, "the plan")
    expect(sent.get_by_test_id("attachment-image")).to_have_attribute("data-loaded", "true")

    # The lightbox: the full image and a download link; Escape closes it.
    sent.get_by_role("button", name="Open image dot.png").click()
    dialog = bob.get_by_role("dialog", name="dot.png")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("lightbox-download")).to_have_attribute("download", "dot.png")
    assert dialog.locator("img").evaluate("img => img.naturalWidth") == 64
    bob.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # The text file downloads under its name, with the bytes that were sent.
    with bob.expect_download() as download:
        sent.get_by_test_id("attachment-file").click()
    assert download.value.suggested_filename == "notes.txt"
    assert Path(download.value.path()).read_bytes() == text

    assert bob.evaluate("window.__cspViolations") == []
    assert alice.evaluate("window.__cspViolations") == []
    alice.context.close()
    bob.context.close()


def test_a_file_over_the_limit_is_refused_in_the_composer(browser, files_server):
    from playwright.sync_api import expect

    suffix = uuid.uuid4().hex[:6]
    alice = sign_up(browser, files_server.url, f"alice{suffix}")
    create_room(alice, f"big-{suffix}")
    with alice.expect_file_chooser() as chooser:
        alice.get_by_role("button", name="Attach files").click()
    chooser.value.set_files(
        [
            {"name": "huge.bin", "mimeType": "application/octet-stream", "buffer": b"x" * (100 * 1024)},
            {"name": "small.txt", "mimeType": "text/plain", "buffer": b"fits"},
        ]
    )
    refused = alice.get_by_test_id("composer-refused")
    expect(refused).to_contain_text("huge.bin is too large (100 KB; the limit is 64 KB).")
    expect(alice.get_by_test_id("file-chip")).to_have_count(1)
    expect(alice.get_by_test_id("file-chip")).to_contain_text("small.txt")
    alice.context.close()
