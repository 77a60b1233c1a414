"""The Content-Security-Policy in Chromium (issue 9, item 14): the web app, the admin
and the API docs work under it, and nothing they load is refused."""

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from accounts.models import User

from ..factories import PASSWORD
from .browser_helpers import sign_up
from .harness import ROOT, ChatClient

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Records every CSP refusal the page sees, before any of its own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


@pytest.fixture(scope="module")
def collected_static():
    """The admin's and Swagger UI's files collected with their hashed names, as scripts/run does."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@pytest.fixture
def staff(ui_server):
    """A superuser registered on the server (its password hasher), made before Chromium
    starts: no sync ORM beside Playwright's loop."""
    admin = ChatClient(ui_server, "cspadmin")
    User.objects.filter(pk=admin.id).update(is_staff=True, is_superuser=True)
    return admin


def test_the_app_the_admin_and_the_docs_run_under_the_policy(collected_static, staff, browser, ui_server):
    page = sign_up(browser, ui_server.url, "cspuser")  # the app: signed up, socket open
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.reload()
    expect(page.get_by_test_id("current-user")).to_have_text("cspuser")
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
    assert violations(page) == []

    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    assert violations(page) == []

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("cspadmin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#rooms-room")).to_be_visible()
    page.goto("/admin/accounts/user/")
    expect(page.get_by_role("link", name="cspadmin")).to_be_visible()
    assert violations(page) == []
