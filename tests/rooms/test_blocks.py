"""Blocks (issue 9, item 6): `GET/POST /api/blocks/`, `DELETE /api/blocks/{user_id}/`, and what
a block stops: direct conversations and being added to rooms. Also: a direct room a user left
stays left until they open it themselves."""

import pytest

from realtime.events import user_group
from rooms import services
from rooms.models import Block, Membership, Room

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

BLOCKED_YOU_DM = {"detail": "This user has blocked you: you cannot write to them.", "code": "forbidden"}


def block(client, user):
    return client.post("/api/blocks/", {"username": user.username}, format="json")


def open_direct(client, user):
    return client.post("/api/direct/", {"username": user.username}, format="json")


def test_block_list_create_and_delete(api, user, other_user):
    first = block(api, other_user)
    assert first.status_code == 201
    assert first.json() == {
        "user": {"id": other_user.pk, "username": other_user.username},
        "created_at": first.json()["created_at"],
    }
    assert block(api, other_user).status_code == 200
    third = UserFactory()
    block(api, third)
    assert [b["user"]["id"] for b in api.get("/api/blocks/").json()] == [third.pk, other_user.pk]
    assert Block.objects.filter(blocker=user).count() == 2
    assert api.delete(f"/api/blocks/{other_user.pk}/").status_code == 204
    missing = api.delete(f"/api/blocks/{other_user.pk}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "You have not blocked this user.", "code": "not_found"}
    assert [b["user"]["id"] for b in api.get("/api/blocks/").json()] == [third.pk]


def test_blocking_oneself_or_nobody_is_refused(api, user):
    assert block(api, user).json() == {"detail": "You cannot block yourself.", "code": "invalid"}
    response = api.post("/api/blocks/", {"username": "ghost"}, format="json")
    assert response.status_code == 404
    assert api.post("/api/blocks/", {}, format="json").status_code == 400


def test_blocks_are_private_to_the_blocker(api, make_client, other_user):
    block(api, other_user)
    assert make_client(other_user).get("/api/blocks/").json() == []


def test_a_blocked_user_cannot_open_a_direct_room_with_the_blocker(api, user, make_client, other_user):
    block(api, other_user)
    blocked = make_client(other_user)
    response = open_direct(blocked, user)
    assert response.status_code == 403
    assert response.json() == BLOCKED_YOU_DM
    mine = open_direct(api, other_user)
    assert mine.status_code == 403
    assert mine.json() == {
        "detail": "You have blocked this user: unblock them to write to them.",
        "code": "forbidden",
    }
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()
    api.delete(f"/api/blocks/{other_user.pk}/")
    assert open_direct(blocked, user).status_code == 201


def test_a_blocked_user_cannot_add_the_blocker_to_a_room(api, user, make_client, other_user):
    room = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE)
    block(api, other_user)
    response = make_client(other_user).post(
        f"/api/rooms/{room.pk}/members/", {"username": user.username}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This user has blocked you: you cannot add them to rooms.",
        "code": "forbidden",
    }
    assert not Membership.objects.filter(room=room, user=user).exists()
    # Somebody the user has not blocked still may.
    moderator = UserFactory()
    Membership.objects.create(room=room, user=moderator, role=Membership.Role.MODERATOR)
    added = make_client(moderator).post(
        f"/api/rooms/{room.pk}/members/", {"username": user.username}, format="json"
    )
    assert added.status_code == 201


def test_blocking_takes_the_blocked_user_out_of_the_direct_room(
    user, other_user, sent_events, django_capture_on_commit_callbacks
):
    room, _ = services.direct_room_get_or_create(user=user, username=other_user.username)
    with django_capture_on_commit_callbacks(execute=True):
        services.block_create(blocker=user, username=other_user.username)
    assert list(room.memberships.values_list("user_id", flat=True)) == [user.pk]
    assert sent_events.to(user_group(other_user.pk)) == [
        {"type": "chat.unfollow", "room": room.pk, "cause": "blocked", "reason": ""}
    ]
    services.block_delete(blocker=user, user_id=other_user.pk)
    again, created = services.direct_room_get_or_create(user=other_user, username=user.username)
    assert (again.pk, created) == (room.pk, False)
    assert set(room.memberships.values_list("user_id", flat=True)) == {user.pk, other_user.pk}


def test_a_direct_room_the_user_left_stays_left_when_the_other_opens_it(api, user, make_client, other_user):
    opened = open_direct(api, other_user).json()
    victim = make_client(other_user)
    assert victim.post(f"/api/rooms/{opened['id']}/leave/").status_code == 204
    again = open_direct(api, other_user)
    assert again.status_code == 200 and again.json()["id"] == opened["id"]
    assert list(Membership.objects.filter(room_id=opened["id"]).values_list("user_id", flat=True)) == [
        user.pk
    ]
    assert [r["id"] for r in victim.get("/api/rooms/").json()] == []
    # Opening it themselves brings them back, into the same room.
    back = open_direct(victim, user)
    assert back.status_code == 200 and back.json()["id"] == opened["id"]
    assert back.json()["my_role"] == "member"
    assert Membership.objects.filter(room_id=opened["id"]).count() == 2
