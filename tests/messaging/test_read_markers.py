"""Read positions and unread counts (contract: `POST /api/rooms/{id}/read/`, the `read` frame and event)."""

import pytest
from channels.db import database_sync_to_async

from rooms.models import Membership, Room

from ..factories import UserFactory, post, room_with_members
from ..sockets import message_new, of_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=other_user, members=[user])


def unread(api, room) -> int:
    [mine] = [r for r in api.get("/api/rooms/").json() if r["id"] == room.pk]
    detail = api.get(f"/api/rooms/{room.pk}/").json()
    assert detail["unread_count"] == mine["unread_count"]
    return mine["unread_count"]


def read_position(user, room) -> int:
    return Membership.objects.get(room=room, user=user).last_read_seq


def test_unread_counts_others_messages_after_the_read_position(api, user, other_user, room):
    assert unread(api, room) == 0
    for body in ("a", "b", "c"):
        post(room, other_user, body)
    post(room, user, "my own message is never unread")
    assert unread(api, room) == 3
    assert api.post(f"/api/rooms/{room.pk}/read/", {"seq": 2}, format="json").status_code == 204
    assert read_position(user, room) == 2
    assert unread(api, room) == 1
    post(room, other_user, "d")
    assert unread(api, room) == 2


def test_a_deleted_message_is_not_unread(api, make_client, user, other_user, room):
    first, second = post(room, other_user, "a"), post(room, other_user, "b")
    assert unread(api, room) == 2
    assert make_client(other_user).delete(f"/api/messages/{second.pk}/").status_code == 204
    assert unread(api, room) == 1
    assert make_client(other_user).delete(f"/api/messages/{first.pk}/").status_code == 204
    assert unread(api, room) == 0


def test_the_read_position_never_moves_back_nor_past_the_newest_message(
    api, user, other_user, room, sent_events, django_capture_on_commit_callbacks
):
    for body in ("a", "b", "c"):
        post(room, other_user, body)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/rooms/{room.pk}/read/", {"seq": 3}, format="json").status_code == 204
        assert api.post(f"/api/rooms/{room.pk}/read/", {"seq": 1}, format="json").status_code == 204
        assert read_position(user, room) == 3
        assert api.post(f"/api/rooms/{room.pk}/read/", {"seq": 99}, format="json").status_code == 204
    assert read_position(user, room) == 3
    assert unread(api, room) == 0
    # Only the move from 0 to 3 is news for the user's sockets.
    assert sent_events.frames() == [(f"user.{user.pk}", {"type": "read", "room": room.pk, "seq": 3})]
    post(room, other_user, "d")
    assert unread(api, room) == 1


def test_joining_puts_the_read_position_at_the_newest_message(make_client, other_user):
    room = room_with_members(owner=other_user)
    for body in ("old", "older"):
        post(room, other_user, body)
    newcomer = make_client(UserFactory())
    joined = newcomer.post(f"/api/rooms/{room.pk}/join/")
    assert joined.status_code == 200
    assert joined.json()["unread_count"] == 0
    post(room, other_user, "new")
    assert unread(newcomer, room) == 1


@pytest.mark.parametrize("seq", [-1, "two", None])
def test_a_bad_seq_is_400(api, room, seq):
    response = api.post(f"/api/rooms/{room.pk}/read/", {"seq": seq}, format="json")
    assert response.status_code == 400


def test_read_needs_membership(make_client, other_user):
    public = room_with_members(owner=other_user)
    private = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE, name="p")
    outsider = make_client(UserFactory())
    assert outsider.post(f"/api/rooms/{public.pk}/read/", {"seq": 0}, format="json").status_code == 403
    assert outsider.post(f"/api/rooms/{private.pk}/read/", {"seq": 0}, format="json").status_code == 404
    assert outsider.post("/api/rooms/999999/read/", {"seq": 0}, format="json").status_code == 404


# --- the `read` event on the user's other sockets ------------------------------------------


@pytest.fixture
def chat(chat):
    """The suite's `chat`, where bob has posted three messages."""
    alice, bob, room = chat
    for body in ("one", "two", "three"):
        post(room, bob, body)
    return chat


@pytest.mark.django_db(transaction=True)
async def test_a_read_frame_moves_the_position_and_tells_the_users_other_socket(chat, open_ws):
    alice, bob, room = chat
    tab1, tab2, bob_ws = await open_ws(alice), await open_ws(alice), await open_ws(bob)
    await tab1.send({"type": "read", "room": room.pk, "seq": 2})
    expected = {"type": "read", "room": room.pk, "seq": 2}
    assert await tab2.recv_type("read") == expected
    assert await tab1.recv_type("read") == expected
    assert await database_sync_to_async(read_position)(alice, room) == 2
    # Going back is ignored: no event; the next frame, a message, proves nothing came before it.
    await tab1.send({"type": "read", "room": room.pk, "seq": 1})
    await tab1.send({"type": "message.send", "room": room.pk, "body": "marker", "client_id": "m"})
    await tab2.recv_type("message.new")
    assert of_type(tab2.skipped, "read") == []
    # Bob is in the room but it is not his read position.
    await bob_ws.recv_until(message_new("marker"))
    assert of_type(bob_ws.skipped, "read") == []
    assert await database_sync_to_async(read_position)(alice, room) == 2


@pytest.mark.django_db(transaction=True)
async def test_a_read_over_rest_reaches_every_socket_of_the_user(chat, open_ws, make_client):
    alice, _, room = chat
    tab1, tab2 = await open_ws(alice), await open_ws(alice)
    api = await database_sync_to_async(make_client)(alice)
    response = await database_sync_to_async(api.post)(
        f"/api/rooms/{room.pk}/read/", {"seq": 3}, format="json"
    )
    assert response.status_code == 204
    for tab in (tab1, tab2):
        assert await tab.recv_type("read") == {"type": "read", "room": room.pk, "seq": 3}
    rooms = (await database_sync_to_async(api.get)("/api/rooms/")).json()
    assert [(r["id"], r["unread_count"]) for r in rooms] == [(room.pk, 0)]


@pytest.mark.django_db(transaction=True)
async def test_a_read_frame_for_a_room_of_others_is_refused(chat, open_ws):
    alice, bob, _ = chat
    private = await database_sync_to_async(room_with_members)(owner=bob, kind=Room.Kind.PRIVATE, name="p")
    ws = await open_ws(alice)
    await ws.send({"type": "read", "room": private.pk, "seq": 0})
    error = await ws.recv_type("error")
    assert error["code"] == "not_found"
    await ws.send({"type": "read", "room": private.pk, "seq": "0"})
    assert (await ws.recv_type("error"))["code"] == "bad_request"
