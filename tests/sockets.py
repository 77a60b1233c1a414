"""In-process WebSocket clients for consumer tests (Channels' WebsocketCommunicator).

`Ws` wraps one communicator on `ChatConsumer` with the user in its scope,
the way TicketAuthMiddleware leaves it. Frames are JSON; `recv_until` skips
frames it was not asked for but keeps them in `skipped`, so a test can
assert what arrived before the frame it waited for.
"""

import json

from channels.testing import WebsocketCommunicator

from messaging.consumers import ChatConsumer

TIMEOUT = 3


class Ws:
    """One user's socket to `/ws/chat/`."""

    def __init__(self, user):
        self.user = user
        self.communicator = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/chat/")
        self.communicator.scope["user"] = user
        self.hello: dict = {}
        self.skipped: list[dict] = []
        self.closed = False

    async def open(self) -> "Ws":
        connected, _ = await self.communicator.connect(timeout=TIMEOUT)
        assert connected
        self.hello = await self.recv()
        assert self.hello["type"] == "hello", self.hello
        return self

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def recv(self, timeout: float = TIMEOUT) -> dict:
        return json.loads(await self.communicator.receive_from(timeout))

    async def recv_until(self, predicate, timeout: float = TIMEOUT) -> dict:
        """The first frame for which `predicate(frame)` holds; the frames before it go to `skipped`."""
        self.skipped = []
        while True:
            frame = await self.recv(timeout)
            if predicate(frame):
                return frame
            self.skipped.append(frame)

    async def recv_type(self, type_: str, timeout: float = TIMEOUT) -> dict:
        return await self.recv_until(lambda f: f["type"] == type_, timeout)

    async def ping(self) -> list[dict]:
        """Every frame before the pong: once it returns, every earlier frame took effect (contract)."""
        await self.send({"type": "ping"})
        await self.recv_type("pong")
        return self.skipped

    async def close(self) -> None:
        """Disconnect and wait until the consumer's disconnect handler has finished."""
        if not self.closed:
            self.closed = True
            await self.communicator.disconnect(timeout=TIMEOUT)


def of_type(frames: list[dict], *types: str) -> list[dict]:
    return [f for f in frames if f["type"] in types]
