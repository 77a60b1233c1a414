"""`PATCH /api/rooms/{id}/` and the `room.updated` event (contract: Rooms; server frames)."""

import pytest
from channels.db import database_sync_to_async

from rooms.models import Membership, Room
from rooms.services import direct_room_get_or_create

from ..factories import UserFactory, make_member, post, room_with_members
from ..sockets import of_type

pytestmark = pytest.mark.django_db


def test_the_owner_changes_name_topic_and_lock(api, user, sent_events, django_capture_on_commit_callbacks):
    room = room_with_members(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"/api/rooms/{room.pk}/",
            {"name": " Renamed ", "topic": "what we talk about", "is_locked": True},
            format="json",
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["topic"], body["is_locked"], body["my_role"]) == (
        "Renamed",
        "what we talk about",
        True,
        "owner",
    )
    room.refresh_from_db()
    assert (room.name, room.topic, room.is_locked) == ("Renamed", "what we talk about", True)
    assert sent_events.frames() == [(f"room.{room.pk}", {"type": "chat.room_changed", "room": room.pk})]


def test_moderators_may_patch_members_may_not(make_client, user):
    room = room_with_members(owner=user)
    moderator = make_member(room, UserFactory(), Membership.Role.MODERATOR).user
    member = make_member(room, UserFactory()).user
    assert (
        make_client(moderator).patch(f"/api/rooms/{room.pk}/", {"topic": "t"}, format="json").status_code
        == 200
    )
    refused = make_client(member).patch(f"/api/rooms/{room.pk}/", {"topic": "u"}, format="json")
    assert refused.status_code == 403
    private = room_with_members(owner=user, kind=Room.Kind.PRIVATE, name="p")
    outsider = make_client(UserFactory())
    assert outsider.patch(f"/api/rooms/{private.pk}/", {"topic": "u"}, format="json").status_code == 404
    room.refresh_from_db()
    assert room.topic == "t"


def test_nothing_changed_means_no_event(api, user, sent_events, django_capture_on_commit_callbacks):
    room = room_with_members(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/rooms/{room.pk}/", {"name": "general", "is_locked": False}, format="json")
    assert response.status_code == 200
    assert sent_events == []


@pytest.mark.parametrize(
    "change", [{"name": ""}, {"name": "x" * 101}, {"topic": "x" * 501}, {"is_locked": "maybe"}]
)
def test_bad_values_are_400(api, user, change):
    room = room_with_members(owner=user)
    assert api.patch(f"/api/rooms/{room.pk}/", change, format="json").status_code == 400
    room.refresh_from_db()
    assert (room.name, room.topic, room.is_locked) == ("general", "", False)


def test_a_direct_room_cannot_be_renamed(api, user, other_user):
    room, _ = direct_room_get_or_create(user=user, username=other_user.username)
    Membership.objects.filter(room=room, user=user).update(role=Membership.Role.OWNER)
    assert api.patch(f"/api/rooms/{room.pk}/", {"name": "ours"}, format="json").status_code == 400


@pytest.mark.django_db(transaction=True)
async def test_room_updated_reaches_every_member_with_their_own_view(open_ws, make_client):
    owner, member, outsider = await database_sync_to_async(lambda: [UserFactory() for _ in range(3)])()
    room = await database_sync_to_async(room_with_members)(owner=owner, members=[member])
    elsewhere = await database_sync_to_async(room_with_members)(owner=outsider, name="elsewhere")
    await database_sync_to_async(post)(room, owner, "unread for the member")
    owner_ws, member_ws, outsider_ws = await open_ws(owner), await open_ws(member), await open_ws(outsider)
    api = await database_sync_to_async(make_client)(owner)

    for change, field, value in (
        ({"name": "Renamed"}, "name", "Renamed"),
        ({"topic": "new topic"}, "topic", "new topic"),
        ({"is_locked": True}, "is_locked", True),
    ):
        response = await database_sync_to_async(api.patch)(f"/api/rooms/{room.pk}/", change, format="json")
        assert response.status_code == 200
        seen_by_owner = (await owner_ws.recv_type("room.updated"))["room"]
        seen_by_member = (await member_ws.recv_type("room.updated"))["room"]
        for seen in (seen_by_owner, seen_by_member):
            assert seen["id"] == room.pk
            assert seen[field] == value
            assert seen["member_count"] == 2
            assert seen["last_message"]["body"] == "unread for the member"
        assert (seen_by_owner["my_role"], seen_by_owner["unread_count"]) == ("owner", 0)
        assert (seen_by_member["my_role"], seen_by_member["unread_count"]) == ("member", 1)
        assert seen_by_owner == response.json()

    # The outsider heard nothing of it: a message in their own room comes first.
    await database_sync_to_async(post)(elsewhere, outsider, "marker")
    await outsider_ws.recv_type("message.new")
    assert of_type(outsider_ws.skipped, "room.updated") == []
