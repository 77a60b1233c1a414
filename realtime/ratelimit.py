"""Limits shared by every server process: per-user caps on actions and the
throttle of `typing` broadcasts.

Each cap is a fixed window counted in the shared cache (Redis when REDIS_URL
is set, so every server process counts together), and past it the action
raises RateLimited (`rate_limited`, 429 with Retry-After):

- messages: at most CHAT_RATE_LIMIT_MESSAGES per CHAT_RATE_LIMIT_WINDOW
  seconds, across all the user's sockets and REST; 0 switches it off, as
  load tests need (contract: Moderation, rate limits);
- the caps of `ACTION_RATES` (WebSocket tickets, room creation, member
  adds, joins, new direct conversations), each a rate setting such as
  "20/hour"; "0" or "" switches one off (README: settings; docs/limits.md).
"""

import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache

from core.errors import RateLimited
from core.metrics import RATE_LIMITED

# Action: (setting, what the refusal counts). Settings hold "N/PERIOD", PERIOD
# one of second, minute, hour, day (only its first letter counts, as in DRF).
ACTION_RATES = {
    "ws_ticket": ("CHAT_RATE_WS_TICKETS", "WebSocket tickets"),
    "room_create": ("CHAT_RATE_ROOM_CREATES", "new rooms"),
    "member_add": ("CHAT_RATE_MEMBER_ADDS", "member adds"),
    "room_join": ("CHAT_RATE_ROOM_JOINS", "room joins"),
    "direct_open": ("CHAT_RATE_DIRECT_OPENS", "new direct conversations"),
    "reaction": ("CHAT_RATE_REACTIONS", "reactions"),
}
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PERIOD_NAMES = {1: "a second", 60: "a minute", 3600: "an hour", 86400: "a day"}


def rate_parse(rate: str) -> tuple[int, int]:
    """A rate "N/PERIOD" as (N, seconds); (0, 0) for "0" or "" (no limit). ValueError otherwise."""
    if not rate or rate.strip() == "0":
        return 0, 0
    count, _, period = rate.partition("/")
    seconds = _PERIODS.get(period.strip()[:1].lower())
    if seconds is None or int(count) < 0:
        raise ValueError(f"A rate is N/second, N/minute, N/hour or N/day, not {rate!r}.")
    return int(count), seconds


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


def _window_take(*, key: str, limit: int, window: int, detail: str) -> RateCount:
    """Count one hit of `key` in the current `window`-second window and return what was counted.

    Past `limit` the hit is given back at once and RateLimited (with
    retry_after_ms, to the end of the window) is raised, so a refused hit
    uses up nothing.
    """
    now = time.time()
    index = int(now // window)
    taken = RateCount(key=f"{key}:{index}", window=window)
    if _count(taken.key, delta=1, window=window) > limit:
        message_rate_give_back(taken)
        retry_after_ms = max(1, int(((index + 1) * window - now) * 1000))
        RATE_LIMITED.inc()
        raise RateLimited(detail, retry_after_ms=retry_after_ms)
    return taken


def message_rate_take(*, user_id: int) -> RateCount | None:
    """Count one write (a message or an edit) for `user_id`; None when the limit is off.

    Raises RateLimited past CHAT_RATE_LIMIT_MESSAGES in the window (see
    `_window_take`). A caller whose write does not happen after all (refused,
    rolled back, a repeated client_id) hands the count back with
    `message_rate_give_back`, so only stored writes use up the limit (issue 8).
    """
    limit = settings.CHAT_RATE_LIMIT_MESSAGES
    if limit <= 0:
        return None
    window = settings.CHAT_RATE_LIMIT_WINDOW
    return _window_take(
        key=f"rl:msg:{user_id}",
        limit=limit,
        window=window,
        detail=f"At most {limit} messages every {window} s.",
    )


def message_rate_give_back(taken: RateCount | None) -> None:
    """Uncount what `message_rate_take` (or `_window_take`) counted (nothing for None)."""
    if taken is not None:
        _count(taken.key, delta=-1, window=taken.window)


def action_rate_check(*, action: str, user_id: int) -> None:
    """Count one `action` (a key of ACTION_RATES) by `user_id`; RateLimited past its setting's rate.

    The detail names the cap, e.g. "At most 20 new rooms an hour."; a rate
    of "0" counts nothing.
    """
    setting, what = ACTION_RATES[action]
    limit, window = rate_parse(getattr(settings, setting))
    if limit <= 0:
        return
    _window_take(
        key=f"rl:{action}:{user_id}",
        limit=limit,
        window=window,
        detail=f"At most {limit} {what} {_PERIOD_NAMES[window]}.",
    )


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
