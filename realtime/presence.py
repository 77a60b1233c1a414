"""Who is online: a user is online while at least one of their sockets, in any
server process, has an unexpired entry.

Each socket's entry expires unless its consumer's heartbeat refreshes it, so
when a process dies without running its disconnect handlers (SIGKILL, power
loss) its users go offline by themselves within PRESENCE_TTL: a socket beats
every third of it and each beat makes its entry live two thirds of it (one
late beat is forgiven), and every process with sockets sweeps at least once
a third, claiming the expired users, once each, and announcing them
offline. With REDIS_URL the state lives in Redis (two sorted sets, changed by
Lua scripts so each step is atomic across processes); without it, in this
process's memory, which is exact for the embedded one-process default.
"""

import threading
import time
from typing import cast

from django.conf import settings

_CONNECT = """
local old = redis.call('ZSCORE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('ZADD', KEYS[2], top[2], ARGV[2])
if (not old) or tonumber(old) <= tonumber(ARGV[3]) then return 1 end
return 0
"""

_DISCONNECT = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #top == 0 then
  return redis.call('ZREM', KEYS[2], ARGV[2])
end
redis.call('ZADD', KEYS[2], top[2], ARGV[2])
return 0
"""

_SWEEP = """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, uid in ipairs(gone) do redis.call('ZREM', KEYS[1], uid) end
return gone
"""


class RedisPresence:
    """Presence in Redis: `<prefix>:conn:<user id>` (socket -> expiry) and `<prefix>:users` (user -> expiry)."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.users_key = f"{prefix}:users"
        self.conn_prefix = f"{prefix}:conn:"
        self._connect = self.client.register_script(_CONNECT)
        self._disconnect = self.client.register_script(_DISCONNECT)
        self._sweep = self.client.register_script(_SWEEP)

    def connect(self, user_id: int, socket: str, ttl: float) -> bool:
        now = time.time()
        keys = [self.conn_prefix + str(user_id), self.users_key]
        return bool(self._connect(keys=keys, args=[socket, user_id, now, now + ttl, int(ttl * 2) + 1]))

    def connect_many(self, entries: list[tuple[int, str]], ttl: float) -> list[int]:
        """`connect` for many `(user id, socket)` in one round trip; the users that came online."""
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        for user_id, socket in entries:
            keys = [self.conn_prefix + str(user_id), self.users_key]
            self._connect(keys=keys, args=[socket, user_id, now, now + ttl, int(ttl * 2) + 1], client=pipe)
        results = pipe.execute()
        return sorted({user_id for (user_id, _), came in zip(entries, results, strict=True) if came})

    def disconnect(self, user_id: int, socket: str) -> bool:
        keys = [self.conn_prefix + str(user_id), self.users_key]
        return bool(self._disconnect(keys=keys, args=[socket, user_id, time.time()]))

    def sweep(self) -> list[int]:
        return [int(uid) for uid in self._sweep(keys=[self.users_key], args=[time.time()])]

    def sockets_of(self, user_id: int) -> int:
        """How many live sockets the user has, over every server process."""
        count = self.client.zcount(self.conn_prefix + str(user_id), f"({time.time()}", "+inf")
        return int(cast(int, count))

    def online(self, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        now = time.time()
        scores = cast(list, self.client.zmscore(self.users_key, [str(uid) for uid in user_ids]))
        return {uid for uid, score in zip(user_ids, scores, strict=True) if score is not None and score > now}


class MemoryPresence:
    """Presence in this process's memory, with the same expiry rules as RedisPresence."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sockets: dict[int, dict[str, float]] = {}
        self.users: dict[int, float] = {}

    def _refresh(self, user_id: int, now: float) -> None:
        live = {s: exp for s, exp in self.sockets.get(user_id, {}).items() if exp > now}
        if live:
            self.sockets[user_id] = live
            self.users[user_id] = max(live.values())
        else:
            self.sockets.pop(user_id, None)

    def connect(self, user_id: int, socket: str, ttl: float) -> bool:
        now = time.time()
        with self.lock:
            old = self.users.get(user_id)
            self.sockets.setdefault(user_id, {})[socket] = now + ttl
            self._refresh(user_id, now)
            return old is None or old <= now

    def connect_many(self, entries: list[tuple[int, str]], ttl: float) -> list[int]:
        return sorted({user_id for user_id, socket in entries if self.connect(user_id, socket, ttl)})

    def disconnect(self, user_id: int, socket: str) -> bool:
        now = time.time()
        with self.lock:
            self.sockets.get(user_id, {}).pop(socket, None)
            self._refresh(user_id, now)
            if user_id not in self.sockets:
                return self.users.pop(user_id, None) is not None
            return False

    def sweep(self) -> list[int]:
        now = time.time()
        with self.lock:
            gone = [uid for uid, exp in self.users.items() if exp <= now]
            for uid in gone:
                del self.users[uid]
            return gone

    def sockets_of(self, user_id: int) -> int:
        now = time.time()
        with self.lock:
            return sum(1 for exp in self.sockets.get(user_id, {}).values() if exp > now)

    def online(self, user_ids: list[int]) -> set[int]:
        now = time.time()
        with self.lock:
            return {uid for uid in user_ids if self.users.get(uid, 0) > now}


_store: RedisPresence | MemoryPresence | None = None
_store_lock = threading.Lock()


def presence_store():
    """The process's presence store, chosen by REDIS_URL on first use."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                if settings.REDIS_URL:
                    prefix = settings.CACHES["default"].get("KEY_PREFIX", "chat") + ":presence"
                    _store = RedisPresence(settings.REDIS_URL, prefix)
                else:
                    _store = MemoryPresence()
    return _store


def heartbeat_interval() -> float:
    """Seconds between two beats of a socket, and at most between two sweeps of a process:
    a third of settings.PRESENCE_TTL."""
    return float(settings.PRESENCE_TTL) / 3


def entry_lifetime() -> float:
    """Seconds a socket's entry lives after a beat: two beat intervals, so that a dead
    socket is swept at most PRESENCE_TTL after its last beat."""
    return 2 * heartbeat_interval()


def online_user_ids(user_ids: list[int]) -> set[int]:
    """The subset of `user_ids` that is online now (one Redis round trip)."""
    return presence_store().online(list(user_ids))
