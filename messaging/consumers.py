"""The one WebSocket of a client, `/ws/chat/` (contract: "The WebSocket").

The consumer parses frames, calls the services through
`database_sync_to_async`, and forwards group events to its socket. Channels
runs one consumer's handlers one at a time, in arrival order, so a socket's
frames take effect in the order they were sent.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from rooms.errors import ChatError, RateLimited
from rooms.selectors import room_detail_for_user, room_seqs_for_user
from rooms.serializers import RoomSerializer

from . import services
from .events import room_group, to_json, user_group
from .presence import entry_lifetime, heartbeat_interval, presence_store
from .selectors import messages_between
from .serializers import message_to_dict

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
GAP_FILL_MAX = 200
_last_sweep = 0.0


async def _sweep_and_announce() -> None:
    """Claim the users whose every presence entry expired and announce them offline."""
    for user_id in await asyncio.to_thread(presence_store().sweep):
        await database_sync_to_async(services.presence_announce)(user_id=user_id, online=False)


class FrameError(Exception):
    """A frame with the wrong shape: answered with `bad_request`."""


def _int_field(frame: dict, name: str) -> int:
    value = frame.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise FrameError(f"'{name}' must be an integer.")
    return value


@database_sync_to_async
def _room_view(user, room_id: int) -> tuple[dict, int] | None:
    try:
        room = room_detail_for_user(user=user, room_id=room_id)
    except ChatError:
        return None
    if room.my_role is None:
        return None
    return RoomSerializer(room).data, room.last_seq


@database_sync_to_async
def _gap(room_id: int, after: int, before: int) -> list[str]:
    return [
        to_json({"type": "message.new", "message": message_to_dict(m)})
        for m in messages_between(room_id=room_id, after=after, before=before, limit=GAP_FILL_MAX)
    ]


class ChatConsumer(AsyncWebsocketConsumer):
    """A user's socket: every room of theirs multiplexed on it.

    `self.rooms` maps each room the socket follows to the last seq it sent,
    so `message.new` leaves in seq order with no duplicates: an event ahead of
    its predecessors first sends the missing messages from the database
    (they are committed, since seq is taken under the room's row lock).
    """

    async def connect(self):
        """Refuse without a ticket's user (HTTP 403); else join the groups and say hello."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        self.user = user
        self.rooms: dict[int, int] = await database_sync_to_async(room_seqs_for_user)(user_id=user.pk)
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await asyncio.gather(
            *(self.channel_layer.group_add(room_group(r), self.channel_name) for r in self.rooms)
        )
        await self.accept()
        await self.send_frame(
            {"type": "hello", "user": {"id": user.pk, "username": user.username}, "rooms": list(self.rooms)}
        )
        self.presence_call: asyncio.Future | None = None
        await self._presence_beat()
        self.heartbeat = asyncio.create_task(self._heartbeat_loop())

    async def disconnect(self, code):
        """Leave every group; announce offline when this was the user's last socket."""
        if not hasattr(self, "user"):
            return
        if getattr(self, "heartbeat", None) is not None:
            self.heartbeat.cancel()
        await asyncio.gather(
            self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name),
            *(self.channel_layer.group_discard(room_group(r), self.channel_name) for r in self.rooms),
        )
        # Cancelling the heartbeat does not stop a store call already running in
        # a worker thread; were it to finish after the removal below, it would
        # put this socket back online until its entry expired.
        if getattr(self, "presence_call", None) is not None:
            await asyncio.wait([self.presence_call])
        store = presence_store()
        last = await asyncio.to_thread(store.disconnect, self.user.pk, self.channel_name)
        if last:
            await database_sync_to_async(services.presence_announce)(user_id=self.user.pk, online=False)

    # --- presence --------------------------------------------------------

    async def _presence_beat(self) -> None:
        """Refresh this socket's presence entry, announcing the user online if they were not."""
        global _last_sweep
        store = presence_store()
        self.presence_call = asyncio.ensure_future(
            asyncio.to_thread(store.connect, self.user.pk, self.channel_name, entry_lifetime())
        )
        came_online = await asyncio.shield(self.presence_call)
        if came_online:
            await database_sync_to_async(services.presence_announce)(user_id=self.user.pk, online=True)
        # Any socket's beat sweeps unless another did within half an interval,
        # so every beat interval of a process holds a sweep, and the sweeps stay cheap.
        now = time.monotonic()
        if now - _last_sweep >= heartbeat_interval() / 2:
            _last_sweep = now
            # Shielded: the sweep claims each expired user once for the whole
            # deployment; were this socket to close half-way, the users it
            # claimed would never be announced offline.
            await asyncio.shield(_sweep_and_announce())

    async def _heartbeat_loop(self) -> None:
        interval = heartbeat_interval()
        while True:
            await asyncio.sleep(interval)
            try:
                await self._presence_beat()
            except Exception:  # a Redis hiccup must not kill the socket
                logger.exception("presence heartbeat failed")

    # --- client frames ---------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        """Parse one frame and run it; a bad frame gets an error frame, the socket stays open."""
        if bytes_data is not None:
            if len(bytes_data) > MAX_FRAME_BYTES:
                await self.close(code=1009)
                return
            await self.send_error("bad_request", "Binary frames are not supported.")
            return
        if len(text_data) > MAX_FRAME_BYTES // 4 and len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=1009)
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_request", "A frame must be JSON.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_request", "A frame must be a JSON object.")
            return
        handler = self.frame_handlers.get(frame.get("type")) if isinstance(frame.get("type"), str) else None
        client_id = frame.get("client_id") if isinstance(frame.get("client_id"), str) else None
        if handler is None:
            await self.send_error("bad_request", "Unknown frame type.", client_id=client_id)
            return
        try:
            await handler(self, frame)
        except FrameError as exc:
            await self.send_error("bad_request", str(exc), client_id=client_id)
        except ChatError as exc:
            extra = {"retry_after_ms": exc.retry_after_ms} if isinstance(exc, RateLimited) else {}
            await self.send_error(exc.code, exc.detail, client_id=client_id, **extra)

    async def frame_message_send(self, frame: dict) -> None:
        room_id = _int_field(frame, "room")
        body, client_id = frame.get("body"), frame.get("client_id")
        if not isinstance(body, str):
            raise FrameError("'body' must be a string.")
        if client_id is not None and not isinstance(client_id, str):
            raise FrameError("'client_id' must be a string.")
        message, created = await database_sync_to_async(services.message_create)(
            room_id=room_id, author=self.user, body=body, client_id=client_id
        )
        if not created:
            # A retry: only the sender hears of the original again.
            await self.send_frame({"type": "message.new", "message": message_to_dict(message)})

    async def frame_typing(self, frame: dict) -> None:
        room_id = _int_field(frame, "room")
        await database_sync_to_async(services.typing_notify)(user=self.user, room_id=room_id)

    async def frame_read(self, frame: dict) -> None:
        room_id, seq = _int_field(frame, "room"), _int_field(frame, "seq")
        await database_sync_to_async(services.read_mark)(user=self.user, room_id=room_id, seq=seq)

    async def frame_ping(self, frame: dict) -> None:
        await self.send_frame({"type": "pong"})

    frame_handlers = {
        "message.send": frame_message_send,
        "typing": frame_typing,
        "read": frame_read,
        "ping": frame_ping,
    }

    # --- group events (messaging.events) ---------------------------------

    async def chat_message(self, event):
        """`message.new`: forward the text in seq order, filling any gap from the database."""
        room_id, seq = event["room"], event["seq"]
        last = self.rooms.get(room_id)
        if last is None or seq <= last:
            return
        if seq > last + 1:
            for text in await _gap(room_id, last, seq):
                await self.send(text_data=text)
        self.rooms[room_id] = seq
        await self.send(text_data=event["text"])

    async def chat_broadcast(self, event):
        """Any other frame: forwarded as is, if this socket follows the room."""
        room_id = event.get("room")
        if room_id is not None and room_id not in self.rooms:
            return
        if event.get("exclude_user") == self.user.pk:
            return
        await self.send(text_data=event["text"])

    async def room_added(self, event):
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
        self.rooms[room_id] = last_seq
        await self.send_frame({"type": "room.added", "room": room})
        if last_seq > joined_at_seq:
            for text in await _gap(room_id, joined_at_seq, last_seq + 1):
                await self.send(text_data=text)

    async def room_removed(self, event):
        """Stop following a room the user left or was removed from; send `room.removed`."""
        room_id = event["room"]
        if self.rooms.pop(room_id, None) is not None:
            await self.channel_layer.group_discard(room_group(room_id), self.channel_name)
        await self.send_frame({"type": "room.removed", "room": room_id})

    async def room_changed(self, event):
        """Send this user's view of a changed room as `room.updated`."""
        room_id = event["room"]
        if room_id not in self.rooms:
            return
        view = await _room_view(self.user, room_id)
        if view is not None:
            await self.send_frame({"type": "room.updated", "room": view[0]})

    # --- helpers -----------------------------------------------------------

    async def send_frame(self, payload: dict) -> None:
        await self.send(text_data=to_json(payload))

    async def send_error(self, code: str, detail: str, client_id: str | None = None, **extra) -> None:
        frame = {"type": "error", "code": code, "detail": detail, **extra}
        if client_id is not None:
            frame["client_id"] = client_id
        await self.send_frame(frame)
