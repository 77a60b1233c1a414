"""End-to-end fixtures: daphne processes on the test database and Redis.

These tests need PostgreSQL and Redis (see tests/conftest.py); the servers
read and write pytest-django's test database, so the tests themselves do
not touch the database directly.
"""

import pytest

from .harness import DaphneServer


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
