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

import asyncio
import enum
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, cast

from django.conf import settings

logger = logging.getLogger(__name__)


class PresenceChange(enum.Enum):
    """What a socket's arrival or departure did to its user's presence."""

    CAME_ONLINE = "came_online"  # the user's first live socket, over every process
    WENT_OFFLINE = "went_offline"  # the user's last live socket went away
    UNCHANGED = "unchanged"  # another socket of the user lives on, or this one was known


@dataclass(frozen=True)
class Beat:
    """What one heartbeat found: users whose entries had expired and came back with this
    beat, and expired users this process claimed in the sweep (ids, ascending)."""

    came_online: list[int]
    went_offline: list[int]


class PresenceStore(Protocol):
    """Where entries live (RedisPresence, MemoryPresence). `ttl` and lifetimes in seconds."""

    def connect(self, user_id: int, socket: str, ttl: float) -> PresenceChange: ...
    def connect_many(self, entries: list[tuple[int, str]], ttl: float) -> list[int]: ...
    def disconnect(self, user_id: int, socket: str) -> PresenceChange: ...
    def sweep(self) -> list[int]: ...
    def sockets_of(self, user_id: int) -> int: ...
    def online(self, user_ids: list[int]) -> set[int]: ...


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

    def connect(self, user_id: int, socket: str, ttl: float) -> PresenceChange:
        """Put or refresh the socket's entry for `ttl` seconds."""
        now = time.time()
        keys = [self.conn_prefix + str(user_id), self.users_key]
        came = self._connect(keys=keys, args=[socket, user_id, now, now + ttl, int(ttl * 2) + 1])
        return PresenceChange.CAME_ONLINE if came else PresenceChange.UNCHANGED

    def connect_many(self, entries: list[tuple[int, str]], ttl: float) -> list[int]:
        """`connect` for many `(user id, socket)` in one round trip; the users that came online."""
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        for user_id, socket in entries:
            keys = [self.conn_prefix + str(user_id), self.users_key]
            self._connect(keys=keys, args=[socket, user_id, now, now + ttl, int(ttl * 2) + 1], client=pipe)
        results = pipe.execute()
        return sorted({user_id for (user_id, _), came in zip(entries, results, strict=True) if came})

    def disconnect(self, user_id: int, socket: str) -> PresenceChange:
        """Remove the socket's entry."""
        keys = [self.conn_prefix + str(user_id), self.users_key]
        went = self._disconnect(keys=keys, args=[socket, user_id, time.time()])
        return PresenceChange.WENT_OFFLINE if went else PresenceChange.UNCHANGED

    def sweep(self) -> list[int]:
        """Claim the users whose every entry expired, at most 500 a call; each is claimed once."""
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

    def connect(self, user_id: int, socket: str, ttl: float) -> PresenceChange:
        now = time.time()
        with self.lock:
            old = self.users.get(user_id)
            self.sockets.setdefault(user_id, {})[socket] = now + ttl
            self._refresh(user_id, now)
            came = old is None or old <= now
        return PresenceChange.CAME_ONLINE if came else PresenceChange.UNCHANGED

    def connect_many(self, entries: list[tuple[int, str]], ttl: float) -> list[int]:
        return sorted(
            {
                user_id
                for user_id, socket in entries
                if self.connect(user_id, socket, ttl) is PresenceChange.CAME_ONLINE
            }
        )

    def disconnect(self, user_id: int, socket: str) -> PresenceChange:
        now = time.time()
        with self.lock:
            self.sockets.get(user_id, {}).pop(socket, None)
            self._refresh(user_id, now)
            went = user_id not in self.sockets and self.users.pop(user_id, None) is not None
        return PresenceChange.WENT_OFFLINE if went else PresenceChange.UNCHANGED

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


def presence_store() -> PresenceStore:
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


class PresenceTracker:
    """The presence of one event loop's sockets: their entries, one heartbeat for all, the sweep.

    `socket_opened` and `socket_closed` put and remove a socket's entry; every
    heartbeat_interval() seconds, while it has sockets, the tracker refreshes
    all their entries in one store call and sweeps the deployment's expired
    users (`beat`). Each change of a user's presence is handed to `announce`
    (user id, online), which tells the user's rooms; the methods return what
    they changed. Store calls run in a worker thread; one lock orders them, so
    a beat already in flight when a socket closes cannot bring it back.
    """

    def __init__(self, announce: Callable[[int, bool], Awaitable[None]]):
        self.announce = announce
        self.sockets: dict[str, int] = {}  # socket (channel name) -> user id
        self.lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    async def socket_opened(self, *, user_id: int, socket: str) -> PresenceChange:
        """Put the socket's entry and start the heartbeat; announce the user if they came online."""
        self.sockets[socket] = user_id
        if self._task is None:
            self._task = asyncio.ensure_future(self._heartbeat())
        async with self.lock:
            change = await asyncio.to_thread(presence_store().connect, user_id, socket, entry_lifetime())
        if change is PresenceChange.CAME_ONLINE:
            await self._announce_or_log(user_id, True)
        return change

    async def socket_closed(self, *, user_id: int, socket: str) -> PresenceChange:
        """Remove the socket's entry (the heartbeat stops with the last); announce if they went offline."""
        self.sockets.pop(socket, None)
        async with self.lock:
            change = await asyncio.to_thread(presence_store().disconnect, user_id, socket)
        # Only after the removal: a beat cancelled in flight would let go of the lock
        # while its store call still runs in its thread, and could re-add the entry.
        if not self.sockets and self._task is not None:
            self._task.cancel()
            self._task = None
        if change is PresenceChange.WENT_OFFLINE:
            await self._announce_or_log(user_id, False)
        return change

    async def _announce_or_log(self, user_id: int, online: bool) -> None:
        # A presence event that cannot be sent (the database is down) is not worth a
        # socket: the user's entry is right, and members reading the list see it.
        try:
            await self.announce(user_id, online)
        except Exception:
            logger.warning(
                "could not announce user %s %s", user_id, "online" if online else "offline", exc_info=True
            )

    async def beat(self) -> Beat:
        """Refresh every socket's entry in one call, then sweep the deployment's expired users;
        announce both. Raises what the store or `announce` raise (the heartbeat logs it)."""
        store = presence_store()
        async with self.lock:
            entries = [(user_id, socket) for socket, user_id in self.sockets.items()]
            revived = (
                await asyncio.to_thread(store.connect_many, entries, entry_lifetime()) if entries else []
            )
        for user_id in revived:
            await self.announce(user_id, True)
        # Shielded: the sweep claims each expired user once for the whole
        # deployment; were it cut off half-way, those users would never be announced.
        gone = await asyncio.shield(self._sweep())
        return Beat(came_online=revived, went_offline=gone)

    async def _sweep(self) -> list[int]:
        gone = await asyncio.to_thread(presence_store().sweep)
        for user_id in gone:
            await self.announce(user_id, False)
        return gone

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(heartbeat_interval())
            try:
                await self.beat()
            except Exception:  # a Redis hiccup must not stop the beats
                logger.warning("presence heartbeat failed", exc_info=True)
