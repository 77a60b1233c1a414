"""Django's Redis cache with one connection pool per process instead of one per request.

Django keeps its cache backends in an asgiref `Local` (`CacheHandler`,
`thread_critical = False`), so under ASGI every request and every socket
handshake runs in a context of its own and builds a new `RedisCache`, whose
client builds a new `redis.ConnectionPool`: each ticket issued or redeemed
paid a TCP connect and redis-py's handshake before its one command (Django
ticket #35651, open). Here the pools live at module level, keyed by server URL
and options, so every backend instance of the process shares them; redis-py's
pools are thread-safe, which the executor threads need.
"""

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple[str, str], Any] = {}
_pools_lock = threading.Lock()
_clients: dict[int, Any] = {}


class SharedPoolRedisCacheClient(RedisCacheClient):
    """`RedisCacheClient` whose pools are the process's, one per (server URL, options),
    each with one `redis.Redis` client: building one (its table of response callbacks)
    cost more CPU than the command it sent, and a client over a pool is thread-safe."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            client = _clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def _get_connection_pool(self, write: bool) -> Any:
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items(), key=lambda item: item[0])))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    """Django's `RedisCache` (same settings, keys and serializer) on the process-wide pools.

    Configured as `CACHES["default"]["BACKEND"] = "core.cache.SharedPoolRedisCache"`.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
