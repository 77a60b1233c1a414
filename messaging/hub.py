"""What one server process shares among its sockets: the hub of its event loop.

- **Followers.** Which local sockets follow which rooms, so the process can act
  for a room once instead of once per socket.
- **One gap read per room.** Sockets that see the same seq gap (an event
  arrived ahead of one the channel layer lost or has not delivered yet) share
  one database read of the missing messages.
- **The seq watch.** Pub/sub delivers at most once (`realtime.layers`), so
  every `CHAT_SEQ_WATCH_INTERVAL` seconds the process reads the newest seq of
  every room its sockets follow, in one query. A socket still behind the seq
  that the previous look saw (a whole interval ago, so any live event would
  have arrived) is sent a `chat.tail` event and fills the tail from the
  database. An open socket thus receives every message of its rooms, even the
  last one of a quiet room whose event was lost.
- **One presence heartbeat.** The loop's `realtime.presence.PresenceTracker`
  refreshes every local socket's presence entry in one pipelined call per
  beat, instead of one task and one call per socket, and sweeps the expired
  entries of the whole deployment on the same beat; the hub gives it the
  announcement (`presence_announce` on the thread pool).

One hub per event loop (daphne runs one; tests run one per test).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from core.db import in_pool
from core.metrics import OPEN_SOCKETS
from realtime.events import EVENT_TAIL
from realtime.presence import PresenceChange, PresenceTracker

if TYPE_CHECKING:
    from .consumers import ChatConsumer

logger = logging.getLogger(__name__)

GAP_FILL_MAX = 200
# A finished gap read serves sockets that ask a little later for the same range.
GAP_READ_REUSE_SECONDS = 1.0


def _gap_texts(room_id: int, after: int, before: int, limit: int) -> list[tuple[int, str]]:
    from realtime.events import message_new_text

    from .selectors import messages_between
    from .serializers import messages_to_dicts

    messages = messages_between(room_id=room_id, after=after, before=before, limit=limit)
    return [(m["seq"], message_new_text(m)) for m in messages_to_dicts(messages)]


def _latest_seqs(room_ids: list[int]) -> dict[int, int]:
    from rooms.models import Room

    return dict(Room.objects.filter(pk__in=room_ids).values_list("pk", "last_seq"))


def _announce(user_id: int, online: bool, known: tuple[dict, list[int]] | None) -> None:
    from .services import presence_announce

    if known is None:
        presence_announce(user_id=user_id, online=online)
    else:
        presence_announce(user_id=user_id, online=online, user=known[0], room_ids=known[1])


@dataclass
class _GapRead:
    after: int
    before: int
    task: asyncio.Future
    done_at: float | None = None

    def serves(self, after: int, before: int) -> bool:
        if not (self.after <= after and before <= self.before):
            return False
        return self.done_at is None or time.monotonic() - self.done_at < GAP_READ_REUSE_SECONDS


@dataclass
class Hub:
    """The shared state of one event loop's sockets (module docstring)."""

    followers: dict[int, set[ChatConsumer]] = field(default_factory=dict)
    sockets: set[ChatConsumer] = field(default_factory=set)
    presence: PresenceTracker = field(init=False)
    # The socket opening or closing, by user: its rooms serve the announcement.
    _changing: dict[int, ChatConsumer] = field(default_factory=dict)
    _gaps: dict[int, _GapRead] = field(default_factory=dict)
    _seen: dict[int, int] = field(default_factory=dict)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.presence = PresenceTracker(announce=self._announce)

    # --- followers ---------------------------------------------------------

    def follow(self, consumer: ChatConsumer, room_ids) -> None:
        for room_id in room_ids:
            self.followers.setdefault(room_id, set()).add(consumer)
        self._start()

    def unfollow(self, consumer: ChatConsumer, room_ids) -> None:
        for room_id in room_ids:
            members = self.followers.get(room_id)
            if members is not None:
                members.discard(consumer)
                if not members:
                    del self.followers[room_id]

    # --- gaps --------------------------------------------------------------

    async def gap(self, room_id: int, after: int, before: int) -> list[tuple[int, str]]:
        """`(seq, message.new text)` of the room's messages with after < seq < before, ascending.

        At most GAP_FILL_MAX. Sockets asking for a range inside one being read
        (or read within GAP_READ_REUSE_SECONDS) share that read.
        """
        read = self._gaps.get(room_id)
        if read is None or not read.serves(after, before):
            task = asyncio.ensure_future(in_pool(_gap_texts)(room_id, after, before, GAP_FILL_MAX))
            read = self._gaps[room_id] = _GapRead(after, before, task)

            def finished(_task, read=read):
                read.done_at = time.monotonic()

            task.add_done_callback(finished)
        rows = await asyncio.shield(read.task)
        return [(seq, text) for seq, text in rows if after < seq < before]

    # --- the seq watch -------------------------------------------------------

    async def check_tails(self) -> None:
        """One look of the seq watch: read the followed rooms' newest seqs, signal the sockets behind."""
        room_ids = list(self.followers)
        if not room_ids:
            self._seen = {}
            return
        latest = await in_pool(_latest_seqs)(room_ids)
        for room_id, seen in self._seen.items():
            for consumer in tuple(self.followers.get(room_id, ())):
                if consumer.rooms.get(room_id, seen) < seen:
                    await consumer.channel_layer.send(
                        consumer.channel_name, {"type": EVENT_TAIL, "room": room_id, "seq": seen}
                    )
        self._seen = latest

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(settings.CHAT_SEQ_WATCH_INTERVAL)
            try:
                await self.check_tails()
            except Exception:
                logger.warning("the seq watch could not read the rooms' newest seqs", exc_info=True)

    # --- presence (realtime.presence.PresenceTracker) -------------------------

    async def socket_opened(self, consumer: ChatConsumer) -> PresenceChange:
        """Put the socket's presence entry (its heartbeat included); announce the user if new."""
        self.sockets.add(consumer)
        self._start()
        with self._changing_presence(consumer):
            return await self.presence.socket_opened(user_id=consumer.user.pk, socket=consumer.channel_name)

    async def socket_closed(self, consumer: ChatConsumer) -> PresenceChange:
        """Forget the socket; remove its presence entry, announcing the user offline if it was the last."""
        self.sockets.discard(consumer)
        self.unfollow(consumer, list(consumer.rooms))
        if not self.sockets:
            self._stop()
        with self._changing_presence(consumer):
            return await self.presence.socket_closed(user_id=consumer.user.pk, socket=consumer.channel_name)

    @contextmanager
    def _changing_presence(self, consumer: ChatConsumer) -> Iterator[None]:
        """While `consumer` opens or closes, its rooms serve the user's announcement (`_announce`)."""
        self._changing[consumer.user.pk] = consumer
        try:
            yield
        finally:
            if self._changing.get(consumer.user.pk) is consumer:
                del self._changing[consumer.user.pk]

    async def _announce(self, user_id: int, online: bool) -> None:
        """Announce the user on the thread pool: with the rooms of the local socket whose
        opening or closing changed their presence, so no membership query is needed;
        the heartbeat's sweep announces users of other (dead) processes, whose
        memberships are read."""
        from accounts.serializers import user_to_dict

        local = self._changing.get(user_id)
        known = None if local is None else (user_to_dict(local.user), list(local.rooms))
        await in_pool(_announce)(user_id, online, known)

    def _start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.ensure_future(self._watch())]

    def _stop(self) -> None:
        """No socket left: the watch stops until the next socket opens (the beats stop with
        the presence tracker's last socket)."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        self._seen = {}


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def local_sockets() -> list[ChatConsumer]:
    """Every open socket of this process, over all its event loops (a snapshot)."""
    return [consumer for found in list(_hubs.values()) for consumer in list(found.sockets)]


OPEN_SOCKETS.set_function(lambda: len(local_sockets()))


def hub() -> Hub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        for old in [old for old in _hubs if old.is_closed()]:
            del _hubs[old]
        found = _hubs[loop] = Hub()
    return found
