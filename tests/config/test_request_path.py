"""The cost of the HTTP request path under ASGI: thread hops and Redis connections.

Scenario (d) of bench/ (sockets opened per second) and each REST call pay it;
these tests pin the two fixes, which measured by count rather than by time.
"""

import threading

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings

from core.cache import SharedPoolRedisCache


@pytest.fixture
def hops(monkeypatch):
    """Counts `sync_to_async` calls (each a hop from the event loop to a thread and back)."""
    calls: list[str] = []
    original = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        calls.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    return calls


@pytest.mark.django_db
async def test_an_asgi_request_runs_its_middleware_in_one_thread_not_a_hop_per_method(async_client, hops):
    response = await async_client.get("/api/rooms/")  # 401: the middleware chain and DRF, no query
    assert response.status_code == 401
    # In: the chain; out to the async handler; the sync view; the 4xx log line;
    # plus the test client's own request_started/finished signals. Without
    # core.middleware.SyncChainMiddleware every MiddlewareMixin method was a hop: 34.
    assert len(hops) <= 8, hops


def test_the_sync_chain_marker_sits_below_every_mixin_middleware():
    chain = settings.MIDDLEWARE
    marker = chain.index("core.middleware.SyncChainMiddleware")
    assert chain[marker + 1 :] == ["axes.middleware.AxesMiddleware"]  # last, as django-axes asks


@pytest.mark.postgres
def test_cache_backends_of_different_contexts_share_one_pool_and_client():
    """Django builds a cache backend per thread or ASGI context (CacheHandler is a Local)."""
    params = {"KEY_PREFIX": "test-shared-pool"}
    built = []

    def build():
        cache = SharedPoolRedisCache(settings.REDIS_URL, params)
        cache.set("k", "v", 5)
        built.append(cache)

    def opened() -> int:
        pool = SharedPoolRedisCache(settings.REDIS_URL, params)._cache.get_client().connection_pool
        return len(pool._available_connections) + len(pool._in_use_connections)

    before = opened()
    for _ in range(3):  # one after another, each in a thread of its own
        thread = threading.Thread(target=build)
        thread.start()
        thread.join()
    clients = {id(cache._cache.get_client(write=True)) for cache in built}
    pools = {id(cache._cache.get_client(write=True).connection_pool) for cache in built}
    assert len(built) == 3 and len(clients) == 1 and len(pools) == 1
    assert built[0].get("k") == "v"
    # The three writes and the read reused a connection instead of opening one each.
    assert opened() - before <= 1
