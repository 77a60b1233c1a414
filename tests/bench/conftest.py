"""The bench's tests are pure: no database, no Redis, no server."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_shared_state():
    """Overrides the suite's fixture of that name, which clears the cache (FLUSHDB on Redis):
    these tests touch no shared state, and a bench run may be using that Redis database."""
    yield
