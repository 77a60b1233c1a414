"""Sockets on the real ASGI stack (Origin check, ticket, router, ChatConsumer) for consumer tests.

Waiting never times out silently: a timeout in Channels' communicator cancels
the application, so tests wait for a frame they expect (a barrier) instead
of for the absence of one.
"""

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.services import ws_ticket_create
from config.asgi import application


def concerns(frame: dict, room_id: int) -> bool:
    """Whether a server frame is about `room_id`."""
    room = frame.get("room")
    if isinstance(room, dict):
        room = room.get("id")
    message = frame.get("message")
    return room == room_id or (isinstance(message, dict) and message.get("room") == room_id)


class Socket:
    """One open `/ws/chat/` socket of a user."""

    def __init__(self, communicator: WebsocketCommunicator, hello: dict):
        self.communicator = communicator
        self.hello = hello

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def until(self, predicate, timeout: float = 5) -> list[dict]:
        """Every frame up to and including the first for which `predicate` is true."""
        seen = []
        while True:
            frame = await self.communicator.receive_json_from(timeout)
            seen.append(frame)
            if predicate(frame):
                return seen

    async def next(self, type_: str, timeout: float = 5) -> dict:
        """The next frame of `type_`; frames of other types before it are skipped."""
        return (await self.until(lambda f: f["type"] == type_, timeout))[-1]

    async def close(self) -> None:
        await self.communicator.disconnect()


async def open_socket(user) -> Socket:
    ticket = await sync_to_async(ws_ticket_create)(user_id=user.pk)
    communicator = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}")
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return Socket(communicator, hello)
