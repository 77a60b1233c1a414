"""Sending to a room one is not in: over the WebSocket `forbidden` whatever the room's kind
(the contract's error codes put "not a member" there); over REST a private room of others is
404, as its `GET` is, and a public one 403."""

import pytest
from channels.db import database_sync_to_async

from messaging.models import Message
from rooms.models import Room

from ..factories import UserFactory, room_with_members


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("kind", "rest_status"), [(Room.Kind.PRIVATE, 404), (Room.Kind.PUBLIC, 403)])
async def test_sending_to_a_room_one_is_not_in(open_ws, make_client, kind, rest_status):
    owner, outsider = await database_sync_to_async(lambda: (UserFactory(), UserFactory()))()
    room = await database_sync_to_async(room_with_members)(owner=owner, kind=kind)
    ws = await open_ws(outsider)
    await ws.send({"type": "message.send", "room": room.pk, "body": "hi", "client_id": "c1"})
    error = await ws.recv_type("error")
    assert (error["code"], error["client_id"]) == ("forbidden", "c1")
    api = await database_sync_to_async(make_client)(outsider)
    response = await database_sync_to_async(api.post)(
        f"/api/rooms/{room.pk}/messages/", {"body": "hi"}, format="json"
    )
    assert response.status_code == rest_status
    assert await database_sync_to_async(Message.objects.count)() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("body", "client_id"),
    [
        ("nul \x00 inside", "c1"),
        ("\ud800", "c2"),
        ("ok", "nul\x00"),
        ("\u200b\u2060", "c3"),
        ("\u202egnp.exe", "c4"),
    ],
)
async def test_a_frame_with_unstorable_or_invisible_text_is_invalid_and_the_socket_stays(
    open_ws, body, client_id
):
    owner = await database_sync_to_async(UserFactory)()
    room = await database_sync_to_async(room_with_members)(owner=owner)
    ws = await open_ws(owner)
    await ws.send({"type": "message.send", "room": room.pk, "body": body, "client_id": client_id})
    error = await ws.recv_type("error")
    assert (error["code"], error["client_id"]) == ("invalid", client_id)
    await ws.send({"type": "ping"})
    assert (await ws.recv_type("pong")) == {"type": "pong"}
    assert await database_sync_to_async(Message.objects.count)() == 0
