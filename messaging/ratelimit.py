"""Limits shared by every server process: the per-user message rate limit
and the throttle of `typing` broadcasts.

Message rate limit: at most CHAT_RATE_LIMIT_MESSAGES per
CHAT_RATE_LIMIT_WINDOW seconds, across all the user's sockets and REST. A
fixed window counted in the shared cache (Redis when REDIS_URL is set, so
every server process counts together). CHAT_RATE_LIMIT_MESSAGES=0 switches
it off, as load tests need (contract: Moderation, rate limits).
"""

import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache

from rooms.errors import RateLimited


@dataclass(frozen=True)
class RateCount:
    """One write counted against a user's limit: the window's cache key, for `message_rate_give_back`."""

    key: str
    window: int


def _count(key: str, *, delta: int, window: int) -> int:
    """Add `delta` to the window's counter and return the new count.

    With REDIS_URL one pipelined round trip (INCRBY, EXPIRE); Django's Redis
    cache would take three (add, exists, incr). The expiry is renewed on each
    change, so a counter never outlives its window by more than a window.
    Without it the local-memory cache, whose add and incr hold its lock.
    """
    if settings.REDIS_URL:
        name = cache.make_key(key)
        pipe = _redis_client().pipeline(transaction=False)
        pipe.incrby(name, delta)
        pipe.expire(name, window + 1)
        count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.add(key, delta, timeout=window + 1)
        return delta


def message_rate_take(*, user_id: int) -> RateCount | None:
    """Count one write (a message or an edit) for `user_id`; None when the limit is off.

    Raises RateLimited (with retry_after_ms, to the end of the window) past
    CHAT_RATE_LIMIT_MESSAGES in the window, and then counts nothing. A
    caller whose write does not happen after all (refused, rolled back, a
    repeated client_id) hands the count back with `message_rate_give_back`,
    so only stored writes use up the limit (issue 8).
    """
    limit = settings.CHAT_RATE_LIMIT_MESSAGES
    if limit <= 0:
        return None
    window = settings.CHAT_RATE_LIMIT_WINDOW
    now = time.time()
    index = int(now // window)
    taken = RateCount(key=f"rl:msg:{user_id}:{index}", window=window)
    if _count(taken.key, delta=1, window=window) > limit:
        message_rate_give_back(taken)
        retry_after_ms = max(1, int(((index + 1) * window - now) * 1000))
        raise RateLimited(f"At most {limit} messages every {window} s.", retry_after_ms=retry_after_ms)
    return taken


def message_rate_give_back(taken: RateCount | None) -> None:
    """Uncount what `message_rate_take` counted (nothing for None)."""
    if taken is not None:
        _count(taken.key, delta=-1, window=taken.window)


_redis: redis.Redis | None = None
_redis_lock = threading.Lock()


def _redis_client() -> redis.Redis:
    """The process's Redis client (thread-safe: it keeps a pool of connections)."""
    global _redis
    if _redis is None:
        with _redis_lock:
            if _redis is None:
                _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def throttle_acquire(*, key: str, seconds: float) -> bool:
    """True at most once per `seconds` for `key`, counted across every server process.

    With REDIS_URL one `SET NX PX` in Redis, to the millisecond: Django's
    Redis cache rounds timeouts down to whole seconds, which would make a
    0.5 s throttle none at all. Without it the local-memory cache, whose
    timeouts are exact.
    """
    if settings.REDIS_URL:
        milliseconds = max(1, round(seconds * 1000))
        return bool(_redis_client().set(cache.make_key(key), 1, nx=True, px=milliseconds))
    return cache.add(key, 1, timeout=seconds)


def throttle_release(*, key: str) -> None:
    """Give back what `throttle_acquire` took for `key`, so the next call acquires at once."""
    cache.delete(key)
