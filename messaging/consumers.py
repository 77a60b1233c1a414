"""The one WebSocket of a client, `/ws/chat/` (contract: "The WebSocket").

The consumer parses frames, calls the services on the thread pool (and so on
the database connection pool, `core.db.in_pool`), and forwards group
events to its socket. Channels runs one consumer's handlers one at a time, in
arrival order, so a socket's frames take effect in the order they were sent.

However a socket ends (the client closes, a handler fails, the server shuts
down, the socket is closed as too slow), `__call__`'s `finally` runs the same
cleanup: out of every group, off the process's hub, presence entry removed.

Most group events never reach a handler: when the server gives the socket a
synchronous send (`config.serve`, the `chat.send_text` extension), the
channel layer offers each event to `deliver_now` first, which sends what can
go out at once and in order, and leaves the rest to the queue (realtime.layers).
"""

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import redis
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from accounts.serializers import user_to_dict
from core import metrics
from core.db import in_pool
from core.errors import ChatError, RateLimited
from core.logs import new_socket_id
from realtime import frames
from realtime.events import message_new_text, room_group, to_json, user_group
from realtime.presence import presence_store
from rooms.selectors import room_seqs_for_user

from . import services
from .hub import GAP_FILL_MAX, hub
from .selectors import room_detail_for_user
from .serializers import message_to_dict, room_to_dict

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
# The ASGI scope extension of config.serve: {"send": send_text(text) -> bool}, a synchronous send.
SEND_TEXT_EXTENSION = "chat.send_text"

# Close codes (docs/protocol.md): 4001 the session ended, 4008 too slow, 4029 too many sockets,
# 1011 a server bug, 1012 the server process restarts (reconnect elsewhere), 1013 a dependency is
# down: try again later.
CLOSE_SESSION_ENDED = 4001
CLOSE_TOO_SLOW = 4008
CLOSE_TOO_MANY_SOCKETS = 4029
CLOSE_SERVER_ERROR = 1011
CLOSE_SERVICE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013
UNAVAILABLE_RETRY_MS = 1000

# Failures of PostgreSQL or Redis that a retry may get past.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError, ConnectionError)


class FrameError(Exception):
    """A frame with the wrong shape: answered with `bad_request`."""


def _int_field(frame: dict, name: str) -> int:
    value = frame.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise FrameError(f"'{name}' must be an integer.")
    return value


def _echoable(client_id) -> str | None:
    """The frame's client_id if it can go back in an error frame (a string that is valid UTF-8)."""
    if not isinstance(client_id, str):
        return None
    try:
        client_id.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return client_id


@in_pool
def _room_view(user, room_id: int) -> tuple[dict, int] | None:
    try:
        room = room_detail_for_user(user=user, room_id=room_id)
    except ChatError:
        return None
    if room.my_role is None:
        return None
    return room_to_dict(room), room.last_seq


@in_pool
def _open_reads(user_id: int) -> tuple[int, dict[int, int]]:
    """What a connect needs, in one trip to the pool: the user's open sockets
    (presence) and the last seq of each of their rooms (`room_seqs_for_user`)."""
    return presence_store().sockets_of(user_id), room_seqs_for_user(user_id=user_id)


class ChatConsumer(AsyncWebsocketConsumer):
    """A user's socket: every room of theirs multiplexed on it.

    `self.rooms` maps each room the socket follows to the last seq it sent,
    so `message.new` leaves in seq order with no duplicates: an event ahead of
    its predecessors first sends the missing messages from the database
    (they are committed, since seq is taken under the room's row lock). A gap
    larger than GAP_FILL_MAX closes the socket with 4008 instead: the client
    reconnects and catches up over REST.
    """

    user: Any = None  # the ticket's User once connected
    ending = False
    # Handlers running now, and channel-layer events handed to dispatch so far (deliver_now).
    busy = 0
    dispatched = 0
    _send_text: Callable[[str], bool]

    async def __call__(self, scope, receive, send):
        self.rooms: dict[int, int] = {}
        self.socket_id = new_socket_id()  # on every log line of this socket (core.logs)
        try:
            await super().__call__(scope, receive, send)
        finally:
            await asyncio.shield(self._end())

    async def dispatch(self, message):
        # Channels' dispatch awaits aclose_old_connections() before every handler: a hop to
        # the thread-sensitive thread for each event of each socket. It is safe to skip:
        # no handler here touches the ORM in this thread; every ORM call goes through
        # database_sync_to_async, whose thread_handler closes old connections before and
        # after the call, in the thread that runs it.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if not message["type"].startswith("websocket."):
            self.dispatched += 1
        if self.ending and message["type"] != "websocket.disconnect":
            return  # closing (4001, 4008, ...): nothing more is served or forwarded
        self.busy += 1
        try:
            await handler(message)
        except UNAVAILABLE:
            logger.warning(
                "closing a socket: a dependency failed handling %s", message["type"], exc_info=True
            )
            await self._close(CLOSE_TRY_AGAIN)
        except Exception:
            if message["type"].startswith("websocket."):
                raise
            logger.exception("closing a socket: handling %s failed", message["type"])
            await self._close(CLOSE_SERVER_ERROR)
        finally:
            self.busy -= 1

    def deliver_now(self, event: dict, taken: int) -> bool:
        """Send a group event at once if nothing may come before it; False to have it queued.

        Called by the channel layer (realtime.layers, `set_direct`) for an event
        arriving while this socket's queue is empty; `taken` is how many events
        the consumer has received from that queue. Sends `chat.message` when its
        seq is the room's next for this socket, and `chat.broadcast`, as their
        handlers would; declines while a handler runs, while a received event
        awaits its handler (taken > dispatched), while the socket ends, on a seq
        gap or duplicate, and when the send fails: the queued event then takes
        the handlers' path, which fills gaps and drops duplicates.
        """
        if self.busy or taken != self.dispatched or self.ending:
            return False
        kind = event.get("type")
        if kind == "chat.message":
            room_id, seq = event["room"], event["seq"]
            if self.rooms.get(room_id) != seq - 1 or not self._send_text(event["text"]):
                return False
            self.rooms[room_id] = seq
            if "committed_at" in event:
                metrics.DELIVERY_LAG.observe(max(0.0, time.time() - event["committed_at"]))
            return True
        if kind == "chat.broadcast":
            room_id = event.get("room")
            followed = room_id is None or room_id in self.rooms
            if not followed or event.get("exclude_user") == self.user.pk:
                return True  # not for this socket: the handler would drop it too
            return self._send_text(event["text"])
        return False

    async def connect(self):
        """Refuse without a ticket's user (HTTP 403); else join the groups, say hello, go online."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        try:
            open_sockets, rooms = await _open_reads(user.pk)
            if open_sockets >= settings.CHAT_MAX_SOCKETS_PER_USER:
                await self.accept()
                await self.close(code=CLOSE_TOO_MANY_SOCKETS)
                return
            groups = [user_group(user.pk), *(room_group(r) for r in rooms)]
            await self.channel_layer.group_add_many(groups, self.channel_name)
        except UNAVAILABLE:
            logger.warning("refusing a socket: a dependency is down", exc_info=True)
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        self.user, self.rooms, self.hub = user, rooms, hub()
        self.hub.follow(self, rooms)
        await self.accept()
        await self.send_frame(frames.hello(user=user_to_dict(user), rooms=list(rooms)))
        send_text = self.scope.get("extensions", {}).get(SEND_TEXT_EXTENSION, {}).get("send")
        if send_text is not None and hasattr(self.channel_layer, "set_direct"):
            self._send_text = send_text
            self.channel_layer.set_direct(self.channel_name, self.deliver_now)
        await self.hub.socket_opened(self)
        logger.debug("socket open: user %s in %d rooms", user.pk, len(rooms))

    async def disconnect(self, code):
        await self._end()

    async def _end(self) -> None:
        """Leave every group and the hub, go offline if last; once, whatever went wrong before."""
        if self.ending or self.user is None:
            self.ending = True
            return
        self.ending = True
        logger.debug("socket closed: user %s", self.user.pk)
        groups = [user_group(self.user.pk), *(room_group(r) for r in self.rooms)]
        try:
            await self.channel_layer.group_discard_many(groups, self.channel_name)
        except Exception:
            logger.warning("leaving the groups of a closed socket failed", exc_info=True)
        try:
            await self.hub.socket_closed(self)
        except Exception:
            logger.warning("removing the presence of a closed socket failed", exc_info=True)

    async def _close(self, code: int, cause: str = "") -> None:
        if not self.ending:
            if code == CLOSE_TOO_SLOW:
                metrics.SLOW_SOCKET_CLOSES.labels(cause).inc()
            await self.close(code=code)
        await self._end()

    # --- client frames ---------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        """Parse one frame and run it; a refused frame gets an error frame, the socket stays open."""
        if bytes_data is not None:
            if len(bytes_data) > MAX_FRAME_BYTES:
                await self.close(code=1009)
                return
            await self.send_error("bad_request", "Binary frames are not supported.")
            return
        if (
            len(text_data) > MAX_FRAME_BYTES // 4
            and len(text_data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES
        ):
            await self.close(code=1009)
            return
        try:
            frame = json.loads(text_data)
        except RecursionError:
            await self.send_error("bad_request", "A frame may not nest that deeply.")
            return
        except ValueError:
            await self.send_error("bad_request", "A frame must be JSON.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_request", "A frame must be a JSON object.")
            return
        kind = frame.get("type")
        handler = self.frame_handlers.get(kind) if isinstance(kind, str) else None
        client_id = _echoable(frame.get("client_id"))
        if handler is None:
            await self.send_error("bad_request", "Unknown frame type.", client_id=client_id)
            return
        try:
            await handler(self, frame)
        except FrameError as exc:
            await self.send_error("bad_request", str(exc), client_id=client_id)
        except ChatError as exc:
            retry_after_ms = exc.retry_after_ms if isinstance(exc, RateLimited) else None
            await self.send_error(exc.code, exc.detail, client_id=client_id, retry_after_ms=retry_after_ms)
        except UNAVAILABLE:
            logger.warning(
                "a %s frame could not be served: a dependency is down", frame["type"], exc_info=True
            )
            await self.send_error(
                "unavailable",
                "The service is briefly unavailable; try again.",
                client_id=client_id,
                retry_after_ms=UNAVAILABLE_RETRY_MS,
            )
        except DatabaseError:
            logger.exception("a %s frame failed in the database", frame["type"])
            await self.send_error("internal", "The server failed to handle this frame.", client_id=client_id)
        except Exception:
            logger.exception("a %s frame failed", frame["type"])
            await self.send_error("internal", "The server failed to handle this frame.", client_id=client_id)

    async def frame_message_send(self, frame: dict) -> None:
        room_id = _int_field(frame, "room")
        body, client_id = frame.get("body"), frame.get("client_id")
        if not isinstance(body, str):
            raise FrameError("'body' must be a string.")
        if client_id is not None and not isinstance(client_id, str):
            raise FrameError("'client_id' must be a string.")
        reply_to = frame.get("reply_to")
        if reply_to is not None:
            reply_to = _int_field(frame, "reply_to")
        message, created = await in_pool(services.message_create)(
            room_id=room_id, author=self.user, body=body, client_id=client_id, reply_to=reply_to
        )
        text = message_new_text(message_to_dict(message))
        if created:
            # The sender's own socket has its message.new at once when it is the next seq
            # (then it is sent before the answer to any later frame, and the group's copy
            # is a duplicate). When another message is still on its way, the group's copy
            # comes in order instead: sending now would make a gap to read from the database.
            if self.rooms.get(room_id) == message.seq - 1:
                await self._forward(room_id, message.seq, text)
        elif not await self._forward(room_id, message.seq, text) and room_id in self.rooms:
            # A retry: only the sender hears of the original again, in seq order if
            # this socket has not had it yet.
            await self.send(text_data=text)

    async def frame_typing(self, frame: dict) -> None:
        room_id = _int_field(frame, "room")
        await in_pool(services.typing_notify)(user=self.user, room_id=room_id)

    async def frame_read(self, frame: dict) -> None:
        room_id, seq = _int_field(frame, "room"), _int_field(frame, "seq")
        await in_pool(services.read_mark)(user=self.user, room_id=room_id, seq=seq)

    async def frame_reaction_add(self, frame: dict) -> None:
        message_id, emoji = _int_field(frame, "message"), frame.get("emoji")
        if not isinstance(emoji, str):
            raise FrameError("'emoji' must be a string.")
        await in_pool(services.reaction_add)(user=self.user, message_id=message_id, emoji=emoji)

    async def frame_reaction_remove(self, frame: dict) -> None:
        message_id, emoji = _int_field(frame, "message"), frame.get("emoji")
        if not isinstance(emoji, str):
            raise FrameError("'emoji' must be a string.")
        await in_pool(services.reaction_remove)(user=self.user, message_id=message_id, emoji=emoji)

    async def frame_ping(self, frame: dict) -> None:
        await self.send_frame(frames.pong())

    frame_handlers = {
        "message.send": frame_message_send,
        "typing": frame_typing,
        "read": frame_read,
        "reaction.add": frame_reaction_add,
        "reaction.remove": frame_reaction_remove,
        "ping": frame_ping,
    }

    # --- group events (realtime.events, messaging.hub, realtime.layers) --

    async def _forward(self, room_id: int, seq: int, text: str) -> bool:
        """Send `message.new` of `seq` if it is this socket's next; fill a gap first. False if not sent."""
        last = self.rooms.get(room_id)
        if last is None or seq <= last:
            return False
        if seq > last + 1 and not await self._fill(room_id, last, seq):
            return False
        self.rooms[room_id] = seq
        await self.send(text_data=text)
        return True

    async def _fill(self, room_id: int, after: int, before: int) -> bool:
        """Send the room's messages with after < seq < before from the database; False if closed instead."""
        if before - after - 1 > GAP_FILL_MAX:
            await self._close(CLOSE_TOO_SLOW, "gap")
            return False
        for seq, text in await self.hub.gap(room_id, after, before):
            if self.rooms.get(room_id, seq) >= seq:
                continue
            self.rooms[room_id] = seq
            await self.send(text_data=text)
        return room_id in self.rooms

    async def chat_message(self, event):
        """`message.new`: forward the text in seq order, filling any gap from the database."""
        if await self._forward(event["room"], event["seq"], event["text"]) and "committed_at" in event:
            metrics.DELIVERY_LAG.observe(max(0.0, time.time() - event["committed_at"]))

    async def chat_tail(self, event):
        """The seq watch saw messages up to `seq` that this socket never got: send them."""
        room_id, seq = event["room"], event["seq"]
        last = self.rooms.get(room_id)
        if last is not None and seq > last:
            await self._fill(room_id, last, seq + 1)

    async def chat_overflow(self, event):
        """The socket's event queue passed its bound (realtime.layers): close it as too slow."""
        await self._close(CLOSE_TOO_SLOW, "queue")

    async def chat_restart(self, event):
        """The process is shutting down (config.lifecycle): close with 1012 after the frame in progress."""
        metrics.SHUTDOWN_CLOSES.inc()
        await self._close(CLOSE_SERVICE_RESTART)

    async def chat_broadcast(self, event):
        """Any other frame: forwarded as is, if this socket follows the room."""
        room_id = event.get("room")
        if room_id is not None and room_id not in self.rooms:
            return
        if event.get("exclude_user") == self.user.pk:
            return
        await self.send(text_data=event["text"])

    async def chat_account_changed(self, event):
        """The user logged out, changed password, was deactivated or changed rights: close (4001)."""
        await self._close(CLOSE_SESSION_ENDED)

    async def chat_follow(self, event):
        """Follow a room the user joined or was added to; send `room.added`, then every
        message committed since the join that the group delivered before this socket was in it."""
        room_id, joined_at_seq = event["room"], event["seq"]
        if room_id in self.rooms:
            return
        # Join the group before reading last_seq: a message committed after the read
        # then reaches this socket through the group, one before it through the gap.
        await self.channel_layer.group_add(room_group(room_id), self.channel_name)
        view = await _room_view(self.user, room_id)
        if view is None:
            await self.channel_layer.group_discard(room_group(room_id), self.channel_name)
            return
        room, last_seq = view
        self.rooms[room_id] = joined_at_seq
        self.hub.follow(self, [room_id])
        await self.send_frame(frames.room_added(room=room))
        if last_seq > joined_at_seq:
            await self._fill(room_id, joined_at_seq, last_seq + 1)

    async def chat_unfollow(self, event):
        """Stop following a room the user left or was removed from; send `room.removed`."""
        room_id = event["room"]
        if self.rooms.pop(room_id, None) is not None:
            self.hub.unfollow(self, [room_id])
            await self.channel_layer.group_discard(room_group(room_id), self.channel_name)
        await self.send_frame(
            frames.room_removed(
                room=room_id, cause=event.get("cause", "left"), reason=event.get("reason", "")
            )
        )

    async def chat_room_changed(self, event):
        """Send this user's view of a changed room as `room.updated`."""
        room_id = event["room"]
        if room_id not in self.rooms:
            return
        view = await _room_view(self.user, room_id)
        if view is not None:
            await self.send_frame(frames.room_updated(room=view[0]))

    # --- helpers -----------------------------------------------------------

    async def send_frame(self, payload: Mapping[str, object]) -> None:
        """Send one frame of realtime.frames as JSON text."""
        await self.send(text_data=to_json(payload))

    async def send_error(
        self, code: str, detail: str, client_id: str | None = None, retry_after_ms: int | None = None
    ) -> None:
        await self.send_frame(
            frames.error(code=code, detail=detail, client_id=client_id, retry_after_ms=retry_after_ms)
        )
