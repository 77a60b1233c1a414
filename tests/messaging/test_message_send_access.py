"""A socket learns nothing of private rooms of others: their frames are `not_found`, as over REST."""

import pytest
from channels.db import database_sync_to_async

from messaging.models import Message
from rooms.models import Room

from ..factories import UserFactory, room_with_members


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "code"), [(Room.Kind.PRIVATE, "not_found"), (Room.Kind.PUBLIC, "forbidden")]
)
async def test_sending_to_a_room_one_is_not_in(open_ws, make_client, kind, code):
    owner, outsider = await database_sync_to_async(lambda: (UserFactory(), UserFactory()))()
    room = await database_sync_to_async(room_with_members)(owner=owner, kind=kind)
    ws = await open_ws(outsider)
    await ws.send({"type": "message.send", "room": room.pk, "body": "hi", "client_id": "c1"})
    error = await ws.recv_type("error")
    assert (error["code"], error["client_id"]) == (code, "c1")
    api = await database_sync_to_async(make_client)(outsider)
    response = await database_sync_to_async(api.post)(
        f"/api/rooms/{room.pk}/messages/", {"body": "hi"}, format="json"
    )
    assert response.status_code == {"not_found": 404, "forbidden": 403}[code]
    assert await database_sync_to_async(Message.objects.count)() == 0
