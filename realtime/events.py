"""The one way events leave the server: to a channel-layer group, after commit.

Services call these inside their transaction; nothing is sent unless the
transaction commits (`transaction.on_commit`), so no client ever hears of a
write that did not happen (contract: "sent only after the commit"). Payloads
are serialized to JSON text once here; the consumer forwards the text as is.

A committed write always answers success: events go out through the outbox of
the process's event loop (`Outbox`), which never makes the writing thread wait
on Redis and, when the channel layer cannot take an event (Redis down),
retries it in order for up to OUTBOX_RETRY_SECONDS. Sockets that still miss a `message.new` get it from the
database through the seq watch (`messaging.hub`).

Group names are built from primary keys only, as the channel layer allows
`[a-zA-Z0-9-_.]` under 100 characters.
"""

import asyncio
import collections
import json
import logging
import time
from collections.abc import Mapping

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.metrics import MESSAGES_STORED

from . import frames

logger = logging.getLogger(__name__)

# Internal channel-layer events: what a service or the hub tells the consumers, which
# turn it into client frames. All under `chat.`, a namespace no client frame uses
# (realtime.frames); Channels calls the consumer method named after the type with
# its dots as underscores (`chat.follow` -> ChatConsumer.chat_follow).
EVENT_MESSAGE = "chat.message"  # a message.new frame with its room and seq, in seq order
EVENT_BROADCAST = "chat.broadcast"  # any other frame's JSON text, forwarded as is
EVENT_TAIL = "chat.tail"  # the seq watch: the socket is behind the room's newest seq
EVENT_OVERFLOW = "chat.overflow"  # the socket's queue passed its bound (realtime.layers)
EVENT_FOLLOW = "chat.follow"  # the user joined a room: follow it, send room.added
EVENT_UNFOLLOW = "chat.unfollow"  # the user left a room: stop following it, send room.removed
EVENT_ROOM_CHANGED = "chat.room_changed"  # each socket sends its own room.updated
EVENT_ACCOUNT_CHANGED = "chat.account_changed"  # close the socket with 4001
EVENT_RESTART = "chat.restart"  # the process shuts down: close with 1012 (config.lifecycle)
EVENT_TYPES = frozenset(
    {
        EVENT_MESSAGE,
        EVENT_BROADCAST,
        EVENT_TAIL,
        EVENT_OVERFLOW,
        EVENT_FOLLOW,
        EVENT_UNFOLLOW,
        EVENT_ROOM_CHANGED,
        EVENT_ACCOUNT_CHANGED,
        EVENT_RESTART,
    }
)

OUTBOX_RETRY_SECONDS = 60
OUTBOX_MAX_EVENTS = 10_000


def room_group(room_id: int) -> str:
    """Group of every open socket of a room's members."""
    return f"room.{room_id}"


def user_group(user_id: int) -> str:
    """Group of every open socket of one user, in every server process."""
    return f"user.{user_id}"


def to_json(payload: Mapping[str, object]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class Outbox:
    """The events of one event loop on their way to the channel layer, in commit order.

    Services run in worker threads; after a commit they hand their events to
    the outbox of the loop that runs them and return at once, so no thread
    (and no database connection) waits on Redis. The outbox publishes what
    has gathered in one pipelined round trip. When the layer refuses (Redis
    down), the events stay queued and are retried with a backoff from 0.1 s
    to 2 s; an event older than OUTBOX_RETRY_SECONDS, or beyond
    OUTBOX_MAX_EVENTS, is given up with a warning (a lost `message.new` still
    reaches open sockets through the seq watch; clients catch up over REST).
    """

    def __init__(self) -> None:
        self.pending: collections.deque[tuple[float, str, dict]] = collections.deque()
        self.task: asyncio.Future | None = None

    def add(self, group: str, event: dict) -> None:
        if len(self.pending) >= OUTBOX_MAX_EVENTS:
            self.pending.popleft()
            logger.warning("outbox full: an event was given up")
        self.pending.append((time.monotonic(), group, event))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        delay = 0.1
        while self.pending:
            while self.pending and time.monotonic() - self.pending[0][0] > OUTBOX_RETRY_SECONDS:
                _, group, _ = self.pending.popleft()
                logger.warning("an event to %s was given up after %d s", group, OUTBOX_RETRY_SECONDS)
            batch = list(self.pending)
            if not batch:
                return
            layer = get_channel_layer()
            try:
                if hasattr(layer, "group_send_many"):
                    await layer.group_send_many([(group, event) for _, group, event in batch])
                else:
                    for _, group, event in batch:
                        await layer.group_send(group, event)
            except Exception:
                if delay == 0.1:
                    logger.warning("the channel layer refused %d events; retrying", len(batch), exc_info=True)
                await asyncio.sleep(delay)
                delay = min(2.0, delay * 2)
                continue
            for _ in batch:
                self.pending.popleft()
            delay = 0.1


_outboxes: dict[asyncio.AbstractEventLoop, Outbox] = {}


def _send(group: str, event: dict) -> None:
    """Publish from a worker thread: through the outbox of the loop that runs it, if any."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and not loop.is_closed():

        def add() -> None:
            outbox = _outboxes.get(loop)
            if outbox is None:
                for closed in [other for other in _outboxes if other.is_closed()]:
                    del _outboxes[closed]
                outbox = _outboxes[loop] = Outbox()
            outbox.add(group, event)

        loop.call_soon_threadsafe(add)
        return
    # No event loop (a management command, a sync test): publish in place.
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        logger.error("an event to %s was lost: the channel layer refused it", group, exc_info=True)


def _send_on_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _send(group, event))


def message_new_text(message: dict) -> str:
    """The `message.new` frame of a Message dict, as JSON text."""
    return to_json(frames.message_new(message=message))


def message_new(*, room_id: int, seq: int, message: dict) -> None:
    """`message.new` to the room; `seq` travels beside the text so sockets keep seq order."""
    text = message_new_text(message)
    event = {"type": EVENT_MESSAGE, "room": room_id, "seq": seq, "text": text}

    def committed() -> None:
        # The commit's wall-clock time rides along for the delivery-lag histogram (core.metrics).
        MESSAGES_STORED.inc()
        _send(room_group(room_id), {**event, "committed_at": time.time()})

    transaction.on_commit(committed)


def room_broadcast(
    *, room_id: int, payload: Mapping[str, object], exclude_user_id: int | None = None
) -> None:
    """A server frame (realtime.frames) to every socket of the room, optionally not to one user's."""
    event = {"type": EVENT_BROADCAST, "room": room_id, "text": to_json(payload)}
    if exclude_user_id is not None:
        event["exclude_user"] = exclude_user_id
    _send_on_commit(room_group(room_id), event)


def user_broadcast(*, user_id: int, payload: Mapping[str, object]) -> None:
    """A server frame (realtime.frames) to every socket of one user."""
    _send_on_commit(user_group(user_id), {"type": EVENT_BROADCAST, "text": to_json(payload)})


def users_broadcast(*, user_ids: list[int], room_id: int, payload: Mapping[str, object]) -> None:
    """One server frame of a room, serialized once, to every socket of each user that follows
    the room (a socket that does not, because the user just left, drops it)."""
    text = to_json(payload)
    for user_id in user_ids:
        _send_on_commit(user_group(user_id), {"type": EVENT_BROADCAST, "room": room_id, "text": text})


def room_added(*, user_id: int, room_id: int, seq: int) -> None:
    """The user joined or was added when the room's newest seq was `seq`: their sockets
    follow the room from there and get `room.added`."""
    _send_on_commit(user_group(user_id), {"type": EVENT_FOLLOW, "room": room_id, "seq": seq})


def room_removed(*, user_id: int, room_id: int, cause: str, reason: str = "") -> None:
    """The user left, was removed or banned: their sockets leave the group and get `room.removed`.

    `cause` is "left", "removed", "banned" or "blocked" (docs/protocol.md); `reason`
    is the moderator's reason of a removal or ban, "" otherwise.
    """
    _send_on_commit(
        user_group(user_id), {"type": EVENT_UNFOLLOW, "room": room_id, "cause": cause, "reason": reason}
    )


def room_changed(*, room_id: int) -> None:
    """Name, topic or lock changed: each member's socket sends its own view as `room.updated`."""
    _send_on_commit(room_group(room_id), {"type": EVENT_ROOM_CHANGED, "room": room_id})


def room_updated_for_user(*, user_id: int, room_id: int) -> None:
    """Something of the room that only this user sees changed (their notification level):
    their sockets that follow the room send it as `room.updated`."""
    _send_on_commit(user_group(user_id), {"type": EVENT_ROOM_CHANGED, "room": room_id})


def account_changed(*, user_id: int, reason: str) -> None:
    """The user's sessions ended or their rights changed (logout, password change or reset,
    deactivation, staff or superuser change): every socket of theirs closes with 4001."""
    _send_on_commit(user_group(user_id), {"type": EVENT_ACCOUNT_CHANGED, "reason": reason})
