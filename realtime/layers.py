"""The chat's channel layers: one copy of an event per server process, bounded per socket.

`group_send` is the API the services use (`realtime.events`); what changes is
what a group event costs. channels_redis's core layer pushes one copy per
socket into Redis and every socket pulls its copy with its own round trips.
Here a group is a Redis pub/sub channel: `group_send` is one PUBLISH, each
process that has sockets in the group receives the event once, decodes it once,
and hands the same dict to each of its local sockets. A consumer's own channel
is local to its process and never touches Redis (cross-process delivery goes
through groups only; nothing in the chat sends to another process's socket).

Pub/sub delivers at most once: an event published while a process is cut off
from Redis is lost for that process. That is why the database stays the
record: each process's seq watch (`messaging.hub`) notices a room whose newest
seq its sockets never got and fills the tail from the database. Subscriptions
live on the connection, not in Redis's keyspace, so a FLUSHALL does not make
sockets deaf, a restart is followed by redis-py re-subscribing on reconnect,
and a dead process leaves nothing behind in Redis.

Every local channel has a bounded queue (`queue_frames`). A socket whose queue
is full is not dropped from silently: its queue is emptied and it receives one
`chat.overflow` event, on which the consumer closes it with 4008 ("too slow:
reconnect and catch up", docs/protocol.md); nothing more is queued for it.

A channel may also have a direct handler (`set_direct`): an event for a
channel whose queue is empty is offered to it first, synchronously, in the
task that delivers it. The consumer takes the events it can send at once
(`ChatConsumer.deliver_now`) and so skips the queue, the wake-up of its own
task and Channels' dispatch, which is most of a delivery's cost; whatever it
declines is queued as before. Nothing overtakes a queued event, since only
an empty queue offers.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable

from channels.layers import BaseChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection

from core.metrics import CHANNEL_LAYER_ERRORS, FANOUT_DELIVERIES

from .events import EVENT_OVERFLOW

logger = logging.getLogger(__name__)

OVERFLOW = {"type": EVENT_OVERFLOW}


class _ChannelQueue(asyncio.Queue):
    """A local channel's queue; `overflowed` once it passed its bound (then it takes nothing more).

    `taken` counts the events its consumer has received from it, so the consumer
    can tell an event received but not yet handled; `direct` is the channel's
    direct handler (`LocalChannels.set_direct`) or None.
    """

    overflowed = False
    taken = 0
    direct: Callable[[dict, int], bool] | None = None


class LocalChannels:
    """The process-local half of both layers: channels, their groups, bounded delivery.

    `channels`: channel name -> its queue; `groups`: group key -> channel names;
    `channel_groups`: channel name -> the group keys it is in, so that a channel
    that goes away (its consumer ended, however it ended) leaves every group.
    """

    def __init__(self, queue_frames: int):
        self.queue_frames = queue_frames
        self.channels: dict[str, _ChannelQueue] = {}
        self.groups: dict[str, set[str]] = {}
        self.channel_groups: dict[str, set[str]] = {}

    def open_channel(self, name: str) -> None:
        self.channels[name] = _ChannelQueue()
        self.channel_groups[name] = set()

    def set_direct(self, channel: str, handler: Callable[[dict, int], bool] | None) -> None:
        """Offer `channel`'s events to `handler(event, taken)` while its queue is empty.

        `taken` is the number of events received from the queue so far. The
        handler returns True when it has handled the event, False to have it
        queued; it must not await (it runs inside the delivering task).
        """
        queue = self.channels.get(channel)
        if queue is not None:
            queue.direct = handler

    def deliver(self, channel: str, message: dict) -> None:
        """Hand `message` to a local channel: directly, queued, or overflowed (module docstring)."""
        queue = self.channels.get(channel)
        if queue is None or queue.overflowed:
            return
        if queue.direct is not None and not queue.qsize():
            try:
                if queue.direct(message, queue.taken):
                    return
            except Exception:
                # One socket's failure must not cost the other sockets of the group their event.
                logger.exception("the direct handler of %s failed: the event is queued", channel)
        if queue.qsize() >= self.queue_frames:
            while not queue.empty():
                queue.get_nowait()
            queue.overflowed = True
            queue.put_nowait(OVERFLOW)
            logger.warning(
                "channel %s passed %d queued events: closing it as too slow", channel, self.queue_frames
            )
            return
        queue.put_nowait(message)

    def deliver_to_group(self, key: str, message: dict) -> None:
        members = tuple(self.groups.get(key, ()))
        FANOUT_DELIVERIES.inc(len(members))  # once per batch: cheap on the hot path
        for channel in members:
            self.deliver(channel, message)

    def join(self, key: str, channel: str) -> bool:
        """Put `channel` in the group; True when the group is new to this process."""
        if channel not in self.channels:
            raise RuntimeError("group_add() takes a channel of this process (self.channel_name).")
        new = key not in self.groups
        self.groups.setdefault(key, set()).add(channel)
        self.channel_groups[channel].add(key)
        return new

    def leave(self, key: str, channel: str) -> bool:
        """Take `channel` out of the group; True when the process has no channel left in it."""
        members = self.groups.get(key)
        if members is None or channel not in members:
            return False
        members.discard(channel)
        if channel in self.channel_groups:
            self.channel_groups[channel].discard(key)
        if not members:
            del self.groups[key]
            return True
        return False

    def close_channel(self, channel: str) -> list[str]:
        """Forget a channel; returns the group keys this process no longer has anyone in."""
        self.channels.pop(channel, None)
        emptied = []
        for key in self.channel_groups.pop(channel, set()):
            members = self.groups.get(key)
            if members is not None:
                members.discard(channel)
                if not members:
                    del self.groups[key]
                    emptied.append(key)
        return emptied

    async def receive_from(self, channel: str) -> dict:
        queue = self.channels.get(channel)
        if queue is None:
            raise RuntimeError(f"{channel} is not a channel of this process.")
        message = await queue.get()
        queue.taken += 1
        return message


class _Shard(RedisSingleShardConnection):
    """One Redis connection for pub/sub: decodes each event once, hands it to the local channels."""

    def _receive_message(self, message):
        if message is None:
            return
        name = message["channel"]
        if isinstance(name, bytes):
            name = name.decode()
        local: LocalChannels = self.channel_layer.local
        if name in local.groups:
            local.deliver_to_group(name, self.channel_layer.channel_layer.deserialize(message["data"]))

    async def subscribe_many(self, names: list[str]) -> None:
        async with self._lock:
            fresh = [n for n in names if n not in self._subscribed_to]
            if fresh:
                self._ensure_redis()
                self._ensure_receiver()
                await self._pubsub.subscribe(*fresh)
                self._subscribed_to.update(fresh)

    async def unsubscribe_many(self, names: list[str]) -> None:
        async with self._lock:
            stale = [n for n in names if n in self._subscribed_to]
            if stale:
                self._ensure_redis()
                self._ensure_receiver()
                self._subscribed_to.difference_update(stale)
                await self._pubsub.unsubscribe(*stale)

    async def publish_many(self, messages: list[tuple[str, bytes]]) -> None:
        async with self._lock:
            self._ensure_redis()
            pipe = self._redis.pipeline(transaction=False)
            for name, data in messages:
                pipe.publish(name, data)
            await pipe.execute()

    async def ping(self) -> None:
        self._ensure_redis()
        await self._redis.ping()
        if self._receive_task is not None and self._receive_task.done():
            raise RuntimeError("the pub/sub receiver of the channel layer stopped")


class _RedisLoopLayer(RedisPubSubLoopLayer):
    """The layer of one event loop (channels_redis keeps one per loop)."""

    def __init__(self, *args, queue_frames: int = 500, **kwargs):
        super().__init__(*args, **kwargs)
        self.local = LocalChannels(queue_frames)
        self._shards: list[_Shard] = [_Shard(shard.host, self) for shard in self._shards]

    def _shards_for(self, keys: Iterable[str]) -> dict[_Shard, list[str]]:
        by_shard: dict[_Shard, list[str]] = {}
        for key in keys:
            by_shard.setdefault(self._get_shard(key), []).append(key)
        return by_shard

    async def new_channel(self, prefix="specific."):
        channel = f"{self.prefix}{prefix}{uuid.uuid4().hex}"
        self.local.open_channel(channel)
        return channel

    def set_direct(self, channel: str, handler: Callable[[dict, int], bool] | None) -> None:
        """See LocalChannels.set_direct."""
        self.local.set_direct(channel, handler)

    async def send(self, channel, message):
        """To a channel of this process: queued directly (no Redis). Others' channels are not reachable."""
        if channel in self.local.channels:
            self.local.deliver(channel, message)
        else:
            logger.warning("send() to %s, which is not a channel of this process: dropped", channel)

    async def receive(self, channel):
        try:
            return await self.local.receive_from(channel)
        except (asyncio.CancelledError, GeneratorExit):
            # The consumer is ending, however it ends: its channel leaves every group.
            self._forget(channel)
            raise

    def _forget(self, channel: str) -> None:
        emptied = self.local.close_channel(channel)
        if emptied:
            asyncio.ensure_future(self._unsubscribe(emptied))

    async def _unsubscribe(self, keys: list[str]) -> None:
        for shard, names in self._shards_for(keys).items():
            try:
                await shard.unsubscribe_many(names)
            except Exception:
                CHANNEL_LAYER_ERRORS.labels("unsubscribe").inc()
                logger.warning("could not unsubscribe from %d groups", len(names), exc_info=True)

    async def group_add(self, group, channel):
        await self.group_add_many([group], channel)

    async def group_add_many(self, groups: Iterable[str], channel: str) -> None:
        """Add `channel` to every group; subscribes to the groups new to this process in one command per shard."""
        fresh = [key for key in map(self._get_group_channel_name, groups) if self.local.join(key, channel)]
        try:
            for shard, names in self._shards_for(fresh).items():
                await shard.subscribe_many(names)
        except Exception:
            CHANNEL_LAYER_ERRORS.labels("subscribe").inc()
            raise

    async def group_discard(self, group, channel):
        await self.group_discard_many([group], channel)

    async def group_discard_many(self, groups: Iterable[str], channel: str) -> None:
        """Take `channel` out of the groups (at once, locally); unsubscribe from those left empty."""
        emptied = [key for key in map(self._get_group_channel_name, groups) if self.local.leave(key, channel)]
        if emptied:
            await self._unsubscribe(emptied)

    async def group_send_many(self, events: list[tuple[str, dict]]) -> None:
        """`group_send` of every `(group, message)`, in order, one pipelined round trip per shard."""
        by_shard: dict[_Shard, list[tuple[str, bytes]]] = {}
        for group, message in events:
            key = self._get_group_channel_name(group)
            by_shard.setdefault(self._get_shard(key), []).append((key, self.channel_layer.serialize(message)))
        try:
            for shard, messages in by_shard.items():
                await shard.publish_many(messages)
        except Exception:
            CHANNEL_LAYER_ERRORS.labels("publish").inc()
            raise

    async def ping(self) -> None:
        """Raise unless every Redis shard answers PING and the pub/sub receivers run."""
        for shard in self._shards:
            await shard.ping()

    async def flush(self):
        self.local = LocalChannels(self.local.queue_frames)
        for shard in self._shards:
            await shard.flush()


class ChatRedisChannelLayer(RedisPubSubChannelLayer):
    """Channels' layer API over Redis pub/sub, one copy per process (module docstring).

    CONFIG: `hosts` and `prefix` as channels_redis takes them, `queue_frames`:
    the bound of each socket's queue of events (default 500).
    """

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _RedisLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            from channels_redis.utils import _wrap_close

            _wrap_close(self, loop)
        return layer


class ChatInMemoryChannelLayer(BaseChannelLayer):
    """The same layer for one process without Redis (the embedded default).

    Events are handed to the local channels as they are (not copied): handlers
    must not change the events they receive. CONFIG: `queue_frames` (default 500).
    """

    extensions = ["groups", "flush"]

    def __init__(self, queue_frames: int = 500, **kwargs):
        super().__init__(**kwargs)
        self.local = LocalChannels(queue_frames)

    async def new_channel(self, prefix="specific."):
        channel = f"{prefix}{uuid.uuid4().hex}"
        self.local.open_channel(channel)
        return channel

    def set_direct(self, channel: str, handler: Callable[[dict, int], bool] | None) -> None:
        """See LocalChannels.set_direct."""
        self.local.set_direct(channel, handler)

    async def send(self, channel, message):
        self.local.deliver(channel, message)

    async def receive(self, channel):
        try:
            return await self.local.receive_from(channel)
        except (asyncio.CancelledError, GeneratorExit):
            self.local.close_channel(channel)
            raise

    async def group_add(self, group, channel):
        self.require_valid_group_name(group)
        self.local.join(group, channel)

    async def group_add_many(self, groups: Iterable[str], channel: str) -> None:
        for group in groups:
            await self.group_add(group, channel)

    async def group_discard(self, group, channel):
        self.local.leave(group, channel)

    async def group_discard_many(self, groups: Iterable[str], channel: str) -> None:
        for group in groups:
            self.local.leave(group, channel)

    async def group_send(self, group, message):
        self.require_valid_group_name(group)
        self.local.deliver_to_group(group, message)

    async def group_send_many(self, events: list[tuple[str, dict]]) -> None:
        for group, message in events:
            await self.group_send(group, message)

    async def ping(self) -> None:
        return None

    async def flush(self):
        self.local = LocalChannels(self.local.queue_frames)
