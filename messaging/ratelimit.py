"""Limits shared by every server process: the per-user message rate limit
and the throttle of `typing` broadcasts.

Message rate limit: at most CHAT_RATE_LIMIT_MESSAGES per
CHAT_RATE_LIMIT_WINDOW seconds, across all the user's sockets and REST. A
fixed window counted in the shared cache (Redis when REDIS_URL is set, so
every server process counts together). CHAT_RATE_LIMIT_MESSAGES=0 switches
it off, as load tests need (contract: Moderation, rate limits).
"""

import time

import redis
from django.conf import settings
from django.core.cache import cache

from rooms.errors import RateLimited


def message_rate_check(*, user_id: int) -> None:
    """Count one message for `user_id`; raise RateLimited (with retry_after_ms) past the limit."""
    limit = settings.CHAT_RATE_LIMIT_MESSAGES
    if limit <= 0:
        return
    window = settings.CHAT_RATE_LIMIT_WINDOW
    now = time.time()
    index = int(now // window)
    key = f"rl:msg:{user_id}:{index}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after_ms = max(1, int(((index + 1) * window - now) * 1000))
        raise RateLimited(f"At most {limit} messages every {window} s.", retry_after_ms=retry_after_ms)


_redis: redis.Redis | None = None


def _redis_client() -> redis.Redis:
    global _redis
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
