"""End-to-end fixtures: daphne processes on the test database and Redis.

These tests need PostgreSQL and Redis (see tests/conftest.py); the servers
read and write pytest-django's test database, so the tests themselves do
not touch the database directly.
"""

import os
import shutil
import subprocess

import pytest

from .browser_helpers import ARTIFACTS, CHROMIUM
from .harness import ROOT, DaphneServer


@pytest.fixture
def e2e_db(transactional_db):
    """The test database, committed as the servers write it, flushed after the test."""


@pytest.fixture
def server(e2e_db):
    """One daphne on PostgreSQL and Redis."""
    srv = DaphneServer()
    yield srv
    srv.stop()


@pytest.fixture
def start_server(e2e_db):
    """`start_server(**env)`: more daphne processes sharing the database and Redis."""
    started = []

    def start(**env) -> DaphneServer:
        srv = DaphneServer(**env)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.process.poll() is None:
            srv.stop()


# --- Browser tests (test_browser*.py) ---------------------------------------


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
    from playwright.sync_api import expect, sync_playwright

    # Playwright's 5 s default for expect() is close to what a loaded 2-core CI machine
    # takes for sign-up, join and first delivery in a fresh server; what a test waits for
    # still has to happen, only the bound is wider.
    expect.set_options(timeout=10_000)
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
    """A daphne serving the built web app beside the API."""
    return start_server()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- nginx in front (test_nginx_e2e.py) --------------------------------------


@pytest.fixture
def behind_nginx(start_server, tmp_path):
    """`(nginx, [server_a, server_b], start_again)`: two daphne processes behind docker/nginx.conf.

    `start_again(server)` starts a stopped server again on its port. nginx is
    Debian's (.ci/run installs it); without it the test fails under
    CHAT_REQUIRE_SERVICES=1 and is skipped otherwise.
    """
    from .harness import free_port
    from .nginx import NGINX, Nginx

    if not os.path.exists(NGINX):
        if os.environ.get("CHAT_REQUIRE_SERVICES") == "1":
            pytest.fail("the nginx tests need nginx (apt-get install nginx)")
        pytest.skip("the nginx tests need nginx")
    port = free_port()
    public = (f"http://127.0.0.1:{port}",)
    env = {"TRUSTED_PROXIES": "1", "CHAT_SHUTDOWN_TIMEOUT": "10"}
    servers = [start_server(extra_origins=public, **env) for _ in range(2)]
    front = Nginx(tmp_path / "nginx", [s.port for s in servers], port=port)

    def start_again(server):
        return start_server(extra_origins=public, port=server.port, **env)

    yield front, servers, start_again
    front.stop()
