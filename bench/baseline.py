"""The baseline: the Channels tutorial's chat design, speaking just enough of our frames.

An `AsyncWebsocketConsumer` that joins its rooms' groups on connect and
answers `message.send` by `group_send`-ing a `message.new` through
channels_redis; each recipient serializes and sends it. No auth, no
database: the room's seq is counted in this process's memory. The bench
serves it with the same daphne command as our server
(`python -m config.serve ... bench.baseline:application`).

Connect to `/ws/chat/?user=ID&rooms=1,2`; the first frame is
`{"type": "hello", "user": {"id", "username"}, "rooms": [...]}`. Frames:
`message.send {room, body, client_id}` -> `message.new {message: {room, seq,
body, client_id, author}}` to every socket of the room; `ping` -> `pong`.
`/healthz` answers 200 for the bench's start-up check.
"""

import itertools
import json
from collections import defaultdict
from urllib.parse import parse_qs

import django
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

django.setup()

_seqs: defaultdict[int, itertools.count] = defaultdict(lambda: itertools.count(1))


def _group(room_id: int) -> str:
    return f"room_{room_id}"


class BaselineConsumer(AsyncWebsocketConsumer):
    """One socket: its rooms' groups joined at connect, events forwarded one by one."""

    async def connect(self):
        """Join the groups of `?rooms=`, accept, say hello."""
        query = parse_qs(self.scope["query_string"].decode())
        self.user_id = int(query.get("user", ["0"])[0])
        self.room_ids = [int(r) for r in query.get("rooms", [""])[0].split(",") if r]
        for room_id in self.room_ids:
            await self.channel_layer.group_add(_group(room_id), self.channel_name)
        await self.accept()
        user = {"id": self.user_id, "username": f"user{self.user_id}"}
        await self.send(text_data=json.dumps({"type": "hello", "user": user, "rooms": self.room_ids}))

    async def disconnect(self, code):
        """Leave the groups."""
        for room_id in self.room_ids:
            await self.channel_layer.group_discard(_group(room_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """`message.send`: count the room's seq and broadcast; `ping`: `pong`."""
        frame = json.loads(text_data)
        if frame.get("type") == "ping":
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        if frame.get("type") != "message.send" or frame.get("room") not in self.room_ids:
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_request"}))
            return
        room_id = frame["room"]
        message = {
            "room": room_id,
            "seq": next(_seqs[room_id]),
            "author": {"id": self.user_id, "username": f"user{self.user_id}"},
            "body": frame.get("body", ""),
            "client_id": frame.get("client_id"),
        }
        await self.channel_layer.group_send(_group(room_id), {"type": "chat.message", "message": message})

    async def chat_message(self, event):
        """A room's message: serialize and send it."""
        await self.send(text_data=json.dumps({"type": "message.new", "message": event["message"]}))


async def _healthz(scope, receive, send):
    if scope["type"] != "http":
        return
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": b'{"status": "ok"}'})


application = ProtocolTypeRouter(
    {"http": _healthz, "websocket": URLRouter([path("ws/chat/", BaselineConsumer.as_asgi())])}
)
