"""The WebSocket handshake before the consumer (issue 9, items 9 and 10): the Origin
check compares scheme, host and port, and an unknown path is refused before its
ticket is redeemed."""

import pytest
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ImproperlyConfigured

from accounts.services import ws_ticket_create
from config.asgi import application
from realtime.origin import OptionalOriginValidator

from ..factories import UserFactory
from ..sockets import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


async def handshake(path: str, origin: bytes | None = None) -> bool:
    headers = [(b"origin", origin)] if origin is not None else []
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


@pytest.fixture
async def ticket():
    """`await ticket()`: a fresh ticket of one user."""
    user = await database_sync_to_async(UserFactory)()
    return lambda: database_sync_to_async(ws_ticket_create)(user_id=user.pk)


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://127.0.0.1:8000", True),  # scripts/run's own page (settings: PORT 8000)
        (b"http://localhost:8000", True),
        (b"http://[::1]:8000", True),
        (b"https://127.0.0.1:8000", True),
        (b"http://localhost:9999", False),  # another port of an allowed host
        (b"http://127.0.0.1", False),  # port 80
        (b"ftp://127.0.0.1:8000", False),
        (b"http://evil.example:8000", False),
        (b"http://127.0.0.1.evil.example:8000", False),
        (b"null", False),  # a sandboxed or file:// page
    ],
)
async def test_the_origin_must_match_in_scheme_host_and_port(ticket, origin, accepted):
    assert await handshake(f"/ws/chat/?ticket={await ticket()}", origin) is accepted


class Accepting(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()


async def test_allowed_origins_come_from_the_setting(settings):
    settings.CHAT_ALLOWED_ORIGINS = ["https://chat.example.com", "http://.example.org:8080"]
    app = OptionalOriginValidator(Accepting.as_asgi())
    for origin, accepted in [
        (b"https://chat.example.com", True),
        (b"https://chat.example.com:443", True),
        (b"http://chat.example.com", False),
        (b"http://a.example.org:8080", True),
        (b"http://example.org:8080", True),
        (b"http://a.example.org:8081", False),
        (b"http://127.0.0.1:8000", False),
    ]:
        communicator = WebsocketCommunicator(app, "/ws/chat/", headers=[(b"origin", origin)])
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        assert connected is accepted, origin


def test_an_allowed_origin_without_scheme_is_a_setup_error(settings):
    settings.CHAT_ALLOWED_ORIGINS = ["chat.example.com"]
    with pytest.raises(ImproperlyConfigured, match="chat.example.com"):
        OptionalOriginValidator(application=None)


async def test_an_unknown_path_is_refused_and_leaves_the_ticket_usable(ticket):
    issued = await ticket()
    for path in (f"/ws/other/?ticket={issued}", f"/ws/chat/extra/?ticket={issued}", f"/?ticket={issued}"):
        assert await handshake(path, b"http://127.0.0.1:8000") is False
    assert await handshake(f"/ws/chat/?ticket={issued}", b"http://127.0.0.1:8000") is True
    assert await handshake(f"/ws/chat/?ticket={issued}", b"http://127.0.0.1:8000") is False  # used now
