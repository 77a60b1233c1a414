"""In-process WebSocket clients for consumer tests (Channels' WebsocketCommunicator).

A `Socket` opens `/ws/chat/` through the real ASGI stack (`config.asgi.application`):
the Origin check, TicketAuthMiddleware redeeming a fresh ticket, the URL router
and ChatConsumer. Tests open sockets with the `open_ws` fixture, which
disconnects every one after the test.

Frames are JSON. `recv_until` and `recv_type` pass over the frames they were
not asked for but keep them in `skipped`, so a test can assert what arrived
before the frame it waited for. Waiting never times out silently: a timeout in
the communicator cancels the application and fails the test, so tests wait for
a frame they expect (a barrier such as `ping`) instead of for the absence of one.
"""

import json
from collections.abc import Callable, Collection

from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator as ChannelsWebsocketCommunicator

from accounts.services import ws_ticket_create
from config.asgi import application
from messaging.consumers import SEND_TEXT_EXTENSION

TIMEOUT = 5


class WebsocketCommunicator(ChannelsWebsocketCommunicator):
    """Channels' communicator without its `close_old_connections` no-op.

    While it waits, Channels' communicator patches `channels.db.close_old_connections`
    into a no-op, to spare a TestCase's connection. Socket tests run on committed
    data (`transactional_db`), and the consumer's ORM work runs on the loop's pool
    threads: with the no-op each of those threads kept its connection out of
    psycopg's pool, and when the test's loop retired the threads the connections
    were lost to the pool, which ran dry about 20 tests later (PoolTimeout).
    """

    async def send_input(self, message):
        return await ApplicationCommunicator.send_input(self, message)

    async def receive_output(self, timeout=1):
        return await ApplicationCommunicator.receive_output(self, timeout)


ORIGIN = b"http://127.0.0.1:8000"


class Socket:
    """One user's socket to `/ws/chat/`.

    `origin`: the Origin header of the handshake, None for none (a client that
    is not a browser: the ticket alone decides). `skippable`: the frame types
    `recv_type` may pass over; any other frame before the one asked for fails
    the test. None lets any frame pass. `direct`: give the scope config.serve's
    `chat.send_text` extension, as daphne's sockets have it, so group events
    can skip the consumer's queue (`direct_sent`: the types of the frames sent that way).
    """

    def __init__(
        self,
        user,
        *,
        origin: bytes | None = ORIGIN,
        skippable: Collection[str] | None = None,
        direct: bool = False,
    ):
        self.user = user
        self.origin = origin
        self.skippable = skippable
        self.direct = direct
        self.direct_sent: list[str] = []
        self.communicator: WebsocketCommunicator | None = None
        self.hello: dict = {}
        self.skipped: list[dict] = []
        self.closed = False

    async def open(self) -> "Socket":
        """Connect with a new ticket of the user; the first frame must be `hello`."""
        ticket = await database_sync_to_async(ws_ticket_create)(user_id=self.user.pk)
        headers = [(b"origin", self.origin)] if self.origin is not None else []
        self.communicator = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}", headers=headers)
        if self.direct:
            self.communicator.scope["extensions"] = {SEND_TEXT_EXTENSION: {"send": self._send_text_now}}
        connected, _ = await self.communicator.connect(timeout=TIMEOUT)
        assert connected
        self.hello = await self.recv()
        assert self.hello["type"] == "hello", self.hello
        return self

    def _send_text_now(self, text: str) -> bool:
        # As config.serve's: into the same output as the consumer's own sends, at once.
        if self.closed:
            return False
        self.direct_sent.append(json.loads(text)["type"])
        self.communicator.output_queue.put_nowait({"type": "websocket.send", "text": text})
        return True

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def recv(self, timeout: float = TIMEOUT) -> dict:
        return await self.communicator.receive_json_from(timeout)

    async def recv_until(self, predicate: Callable[[dict], bool], timeout: float = TIMEOUT) -> dict:
        """The first frame for which `predicate(frame)` holds; the frames before it go to `skipped`."""
        self.skipped = []
        while True:
            frame = await self.recv(timeout)
            if predicate(frame):
                return frame
            self.skipped.append(frame)

    async def recv_type(self, type_: str, timeout: float = TIMEOUT) -> dict:
        """The next frame of `type_`; the frames before it go to `skipped` and must be `skippable`."""

        def wanted(frame: dict) -> bool:
            if frame["type"] == type_:
                return True
            assert self.skippable is None or frame["type"] in self.skippable, frame
            return False

        return await self.recv_until(wanted, timeout)

    async def ping(self) -> list[dict]:
        """Every frame before the pong: once it returns, every earlier frame took effect (contract)."""
        await self.send({"type": "ping"})
        await self.recv_type("pong")
        return self.skipped

    async def receive_nothing(self, timeout: float) -> bool:
        """Whether no frame arrives within `timeout` (after a `ping`, so nothing is still on its way)."""
        return await self.communicator.receive_nothing(timeout)

    async def close(self) -> None:
        """Disconnect and wait until the consumer's disconnect handler has finished."""
        if self.closed or self.communicator is None:
            return
        self.closed = True
        if self.communicator.future.cancelled():
            return  # a receive timed out and cancelled the application: the test has failed already
        await self.communicator.disconnect(timeout=TIMEOUT)


def message_new(body: str) -> Callable[[dict], bool]:
    """For `recv_until`: whether a frame is the `message.new` of the message with `body`."""
    return lambda f: f["type"] == "message.new" and f["message"]["body"] == body


def of_type(frames: list[dict], *types: str) -> list[dict]:
    return [f for f in frames if f["type"] in types]


def concerns(frame: dict, room_id: int) -> bool:
    """Whether a server frame is about `room_id`."""
    room = frame.get("room")
    if isinstance(room, dict):
        room = room.get("id")
    message = frame.get("message")
    return room == room_id or (isinstance(message, dict) and message.get("room") == room_id)
