"""Moderation reaching open sockets at once (issue: live effects), through the real ASGI stack."""

from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async

from messaging.models import Message
from messaging.services import message_create

from ..factories import room_with_members
from ..sockets import concerns, of_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def side(crew):
    """A second room of the owner and the member: a barrier that outlives bans in the first."""
    return room_with_members(owner=crew.owner, members=[crew.member], name="side")


@pytest.fixture
def apis(crew, make_client):
    return SimpleNamespace(
        **{name: make_client(getattr(crew, name)) for name in ("owner", "moderator", "member")}
    )


def send_frame(room_id: int, body: str, client_id: str) -> dict:
    return {"type": "message.send", "room": room_id, "body": body, "client_id": client_id}


def count_messages(**filters) -> int:
    return Message.objects.filter(**filters).count()


async def test_a_banned_user_hears_nothing_more_of_the_room_on_any_socket_and_cannot_send(
    crew, side, apis, open_ws
):
    room = crew.room.pk
    phone, laptop = await open_ws(crew.member), await open_ws(crew.member)
    owner = await open_ws(crew.owner)
    assert room in phone.hello["rooms"]
    response = await sync_to_async(apis.moderator.post)(
        f"/api/rooms/{room}/bans/", {"username": crew.member.username, "reason": "spam"}, format="json"
    )
    assert response.status_code == 201
    for sock in (phone, laptop):
        assert await sock.recv_type("room.removed") == {
            "type": "room.removed",
            "room": room,
            "cause": "banned",
            "reason": "spam",
        }

    await owner.send(send_frame(room, "after the ban", "o1"))
    assert (await owner.recv_type("message.new"))["message"]["body"] == "after the ban"
    await owner.send(send_frame(side.pk, "barrier", "o2"))
    for sock in (phone, laptop):
        barrier = await sock.recv_type("message.new")
        assert barrier["message"]["body"] == "barrier"
        assert [f for f in (*sock.skipped, barrier) if concerns(f, room)] == []

    await phone.send(send_frame(room, "let me back", "m1"))
    error = await phone.recv_type("error")
    assert (error["code"], error["client_id"]) == ("forbidden", "m1")
    assert await sync_to_async(count_messages)(room_id=room, author=crew.member) == 0


async def test_a_removed_user_gets_room_removed_at_once(crew, side, apis, open_ws):
    room = crew.room.pk
    member = await open_ws(crew.member)
    response = await sync_to_async(apis.owner.delete)(f"/api/rooms/{room}/members/{crew.member.pk}/")
    assert response.status_code == 204
    assert await member.recv_type("room.removed") == {
        "type": "room.removed",
        "room": room,
        "cause": "removed",
        "reason": "",
    }
    await member.send(send_frame(room, "still here?", "m1"))
    assert (await member.recv_type("error"))["code"] == "forbidden"


async def test_a_muted_user_is_told_and_their_sends_are_refused_until_unmuted(crew, apis, open_ws):
    room = crew.room.pk
    member, owner = await open_ws(crew.member), await open_ws(crew.owner)
    url = f"/api/rooms/{room}/members/{crew.member.pk}/"
    assert (await sync_to_async(apis.moderator.patch)(url, {"muted": True}, format="json")).status_code == 200
    for sock in (member, owner):
        update = await sock.recv_type("member.updated")
        assert update["room"] == room
        assert (update["member"]["user"]["id"], update["member"]["muted"]) == (crew.member.pk, True)

    await member.send(send_frame(room, "can I talk?", "m1"))
    error = await member.recv_type("error")
    assert (error["code"], error["client_id"]) == ("forbidden", "m1")
    await owner.send(send_frame(room, "barrier", "o1"))
    assert (await owner.recv_type("message.new"))["message"]["body"] == "barrier"
    assert await sync_to_async(count_messages)(author=crew.member) == 0

    assert (
        await sync_to_async(apis.moderator.patch)(url, {"muted": False}, format="json")
    ).status_code == 200
    await member.send(send_frame(room, "thank you", "m2"))
    thanks = await member.recv_until(lambda f: f["type"] == "message.new" and f["message"]["seq"] == 2)
    seen = of_type([*member.skipped, thanks], "message.new")
    assert [f["message"]["body"] for f in seen] == ["barrier", "thank you"]
    assert thanks["message"]["author"]["id"] == crew.member.pk


async def test_a_lock_arrives_as_room_updated_and_only_moderators_post(crew, apis, open_ws):
    room = crew.room.pk
    member, moderator = await open_ws(crew.member), await open_ws(crew.moderator)
    response = await sync_to_async(apis.owner.patch)(
        f"/api/rooms/{room}/", {"is_locked": True}, format="json"
    )
    assert response.status_code == 200
    update = await member.recv_type("room.updated")
    assert (update["room"]["id"], update["room"]["is_locked"], update["room"]["my_role"]) == (
        room,
        True,
        "member",
    )
    assert (await moderator.recv_type("room.updated"))["room"]["my_role"] == "moderator"

    await member.send(send_frame(room, "hello?", "m1"))
    error = await member.recv_type("error")
    assert (error["code"], error["client_id"]) == ("forbidden", "m1")
    await moderator.send(send_frame(room, "announcement", "d1"))
    new = await member.recv_type("message.new")
    assert (new["message"]["body"], new["message"]["author"]["id"], new["message"]["seq"]) == (
        "announcement",
        crew.moderator.pk,
        1,
    )
    assert await sync_to_async(count_messages)(room_id=room) == 1


async def test_an_admin_deletion_reaches_a_members_socket_as_message_deleted(crew, admin_client, open_ws):
    room = crew.room.pk
    message, _ = await sync_to_async(message_create)(room_id=room, author=crew.owner, body="regrettable")
    member = await open_ws(crew.member)
    response = await sync_to_async(admin_client.post)(
        "/admin/messaging/message/", {"action": "delete_messages", "_selected_action": [message.pk]}
    )
    assert response.status_code == 302
    deleted = await member.recv_type("message.deleted")
    assert deleted == {"type": "message.deleted", "room": room, "id": message.pk, "seq": 1}


async def test_an_admin_ban_reaches_the_members_socket(crew, side, admin_client, open_ws):
    from rooms.models import Membership

    membership = await sync_to_async(Membership.objects.get)(room=crew.room, user=crew.member)
    member = await open_ws(crew.member)
    response = await sync_to_async(admin_client.post)(
        "/admin/rooms/membership/", {"action": "ban_members", "_selected_action": [membership.pk]}
    )
    assert response.status_code == 302
    assert await member.recv_type("room.removed") == {
        "type": "room.removed",
        "room": crew.room.pk,
        "cause": "banned",
        "reason": "",
    }
