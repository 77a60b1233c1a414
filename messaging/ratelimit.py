"""Per-user message rate limit: at most CHAT_RATE_LIMIT_MESSAGES per
CHAT_RATE_LIMIT_WINDOW seconds, across all the user's sockets and REST.

A fixed window counted in the shared cache (Redis when REDIS_URL is set, so
every server process counts together). CHAT_RATE_LIMIT_MESSAGES=0 switches
it off, as load tests need (contract: Moderation, rate limits).
"""

import time

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
