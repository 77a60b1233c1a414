"""Room endpoints over REST (contract: Rooms)."""

import pytest

from messaging.services import message_create
from rooms import services
from rooms.models import Membership

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

ROOM_KEYS = {
    "id",
    "kind",
    "name",
    "topic",
    "created_at",
    "member_count",
    "is_locked",
    "my_role",
    "unread_count",
    "last_message",
    # Added beside the contract's fields (issue 11).
    "mention_count",
    "notification_level",
    "allow_room_mentions",
    "membership_notices",
    # Issue 10: the viewer's star.
    "starred",
    # Issue 11: a direct room's other member online (null for other rooms).
    "peer_online",
}


def test_create_a_room_and_see_it_as_its_owner(api, user):
    response = api.post("/api/rooms/", {"name": "Lobby", "kind": "public", "topic": "Say hi"}, format="json")
    assert response.status_code == 201
    room = response.json()
    assert set(room) == ROOM_KEYS
    assert room["name"] == "Lobby" and room["kind"] == "public" and room["topic"] == "Say hi"
    assert room["member_count"] == 1 and room["my_role"] == "owner"
    assert room["unread_count"] == 0 and room["last_message"] is None and room["is_locked"] is False


@pytest.mark.parametrize(
    "body", [{}, {"name": "x"}, {"name": "", "kind": "public"}, {"name": "x", "kind": "direct"}]
)
def test_create_rejects_bad_input(api, body):
    response = api.post("/api/rooms/", body, format="json")
    assert response.status_code == 400


def test_my_rooms_are_listed_most_recent_activity_first(api, user, other_user):
    quiet = room_with_members(owner=user, name="quiet")
    busy = room_with_members(owner=user, members=[other_user], name="busy")
    room_with_members(owner=other_user, name="not mine")
    message_create(room_id=busy.pk, author=other_user, body="hello")
    rooms = api.get("/api/rooms/").json()
    assert [r["name"] for r in rooms] == ["busy", "quiet"]
    assert rooms[0]["last_message"]["body"] == "hello"
    assert rooms[0]["unread_count"] == 1 and rooms[1]["unread_count"] == 0
    assert rooms[0]["member_count"] == 2
    assert quiet.pk == rooms[1]["id"]


def test_public_rooms_lists_joined_and_not_joined(api, user, other_user):
    room_with_members(owner=other_user, name="open")
    room_with_members(owner=other_user, name="closed", kind="private")
    mine = room_with_members(owner=user, name="mine")
    rooms = {r["name"]: r for r in api.get("/api/rooms/public/").json()}
    assert set(rooms) == {"open", "mine"}
    assert rooms["open"]["my_role"] is None and rooms["mine"]["my_role"] == "owner"
    assert rooms["mine"]["id"] == mine.pk


def test_room_detail_is_visible_to_members_and_for_public_rooms_to_anyone(api, make_client, user, other_user):
    public = room_with_members(owner=other_user, name="open")
    private = room_with_members(owner=other_user, name="closed", kind="private")
    assert api.get(f"/api/rooms/{public.pk}/").json()["name"] == "open"
    assert api.get(f"/api/rooms/{private.pk}/").status_code == 404
    assert make_client(other_user).get(f"/api/rooms/{private.pk}/").json()["my_role"] == "owner"
    assert api.get("/api/rooms/999999/").status_code == 404


def test_patch_by_owner_changes_name_topic_lock_and_members_cannot(api, make_client, user, other_user):
    room = room_with_members(owner=user, members=[other_user])
    response = api.patch(
        f"/api/rooms/{room.pk}/", {"name": "New", "topic": "t", "is_locked": True}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["topic"], response.json()["is_locked"]) == (
        "New",
        "t",
        True,
    )
    denied = make_client(other_user).patch(f"/api/rooms/{room.pk}/", {"name": "Mine now"}, format="json")
    assert denied.status_code == 403
    room.refresh_from_db()
    assert room.name == "New"


def test_join_leave_and_their_refusals(api, make_client, user, other_user):
    public = room_with_members(owner=other_user, name="open")
    private = room_with_members(owner=other_user, name="closed", kind="private")
    joined = api.post(f"/api/rooms/{public.pk}/join/")
    assert joined.status_code == 200
    assert joined.json()["my_role"] == "member" and joined.json()["member_count"] == 2
    assert api.post(f"/api/rooms/{private.pk}/join/").status_code == 404
    assert api.post(f"/api/rooms/{public.pk}/leave/").status_code == 204
    assert not Membership.objects.filter(room=public, user=user).exists()
    assert api.post(f"/api/rooms/{public.pk}/leave/").status_code == 404


def test_banned_user_gets_403_on_join(api, user, other_user):
    from rooms.models import Ban

    public = room_with_members(owner=other_user, name="open")
    Ban.objects.create(room=public, user=user, banned_by=other_user)
    response = api.post(f"/api/rooms/{public.pk}/join/")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_members_list_and_add(api, make_client, user, other_user):
    room = room_with_members(owner=user, kind="private", name="team")
    response = api.post(f"/api/rooms/{room.pk}/members/", {"username": other_user.username}, format="json")
    assert response.status_code == 201
    assert response.json()["user"] == {"id": other_user.pk, "username": other_user.username}
    assert response.json()["role"] == "member"
    members = make_client(other_user).get(f"/api/rooms/{room.pk}/members/").json()
    assert [(m["user"]["username"], m["role"], m["muted"], m["online"]) for m in members] == [
        (user.username, "owner", False, False),
        (other_user.username, "member", False, False),
    ]
    assert api.post(f"/api/rooms/{room.pk}/members/", {"username": "ghost"}, format="json").status_code == 404
    outsider = make_client(UserFactory())
    assert outsider.get(f"/api/rooms/{room.pk}/members/").status_code == 404
    assert (
        make_client(other_user)
        .post(f"/api/rooms/{room.pk}/members/", {"username": UserFactory().username}, format="json")
        .status_code
        == 403
    )


def test_direct_room_created_then_found_with_the_other_users_name(api, make_client, user, other_user):
    first = api.post("/api/direct/", {"username": other_user.username}, format="json")
    assert first.status_code == 201
    assert first.json()["kind"] == "direct" and first.json()["name"] == other_user.username
    second = make_client(other_user).post("/api/direct/", {"username": user.username}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"] and second.json()["name"] == user.username
    assert api.post("/api/direct/", {"username": user.username}, format="json").status_code == 400
    assert api.post("/api/direct/", {"username": "ghost"}, format="json").status_code == 404


def test_room_list_query_count_does_not_grow_with_rooms(api, user, other_user, django_assert_num_queries):
    for i in range(5):
        room = room_with_members(owner=user, members=[other_user], name=f"r{i}")
        message_create(room_id=room.pk, author=other_user, body="hi")
    services.direct_room_get_or_create(user=user, username=other_user.username)
    # token auth, rooms, last messages
    with django_assert_num_queries(3):
        assert len(api.get("/api/rooms/").json()) == 6
