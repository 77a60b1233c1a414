"""`GET /api/rooms/`: every room with `unread_count` and `last_message`, in a constant number of queries."""

import pytest

from rooms.models import Membership, Room
from rooms.services import direct_room_get_or_create

from ..factories import UserFactory, post, room_with_members

pytestmark = pytest.mark.django_db

# Token authentication, the annotated rooms, their last messages.
ROOM_LIST_QUERIES = 3


@pytest.fixture
def no_rate_limit(settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 0


def rooms_for(user, count: int) -> list[Room]:
    """`count` rooms of `user`, of every kind, each with messages by both sides and some read."""
    friend = UserFactory()
    rooms = []
    for i in range(count):
        if i % 3 == 2:
            room, _ = direct_room_get_or_create(user=user, username=UserFactory().username)
        else:
            kind = Room.Kind.PRIVATE if i % 3 else Room.Kind.PUBLIC
            room = room_with_members(owner=friend, members=[user], kind=kind, name=f"room {i}")
        other = room.memberships.exclude(user=user).first().user
        post(room, other, f"hello {i}")
        post(room, user, f"reply {i}")
        post(room, other, f"last {i}")
        rooms.append(room)
    return rooms


@pytest.mark.parametrize("count", [1, 50])
def test_the_room_list_costs_the_same_queries_for_1_and_50_rooms(
    api, user, count, no_rate_limit, django_assert_num_queries
):
    rooms = rooms_for(user, count)
    Membership.objects.filter(user=user, room=rooms[0]).update(last_read_seq=1)
    with django_assert_num_queries(ROOM_LIST_QUERIES):
        response = api.get("/api/rooms/")
    assert response.status_code == 200
    listed = {r["id"]: r for r in response.json()}
    assert set(listed) == {room.pk for room in rooms}
    for i, room in enumerate(rooms):
        entry = listed[room.pk]
        # Two messages by others; the first room was read up to seq 1.
        assert entry["unread_count"] == (1 if i == 0 else 2)
        assert entry["last_message"]["seq"] == 3
        assert entry["last_message"]["body"] == f"last {i}"
        assert entry["member_count"] == 2
        assert entry["my_role"] == "member"


def test_rooms_come_most_recent_activity_first_with_the_newest_message(api, user, other_user):
    quiet = room_with_members(owner=other_user, members=[user], name="quiet")
    busy = room_with_members(owner=other_user, members=[user], name="busy")
    room_with_members(owner=user, name="empty")
    post(busy, other_user, "first")
    post(quiet, other_user, "only")
    post(busy, other_user, "newest")
    listed = api.get("/api/rooms/").json()
    assert [r["name"] for r in listed] == ["busy", "quiet", "empty"]
    assert listed[0]["last_message"]["body"] == "newest"
    assert listed[0]["unread_count"] == 2
    assert listed[2]["last_message"] is None
    assert listed[2]["unread_count"] == 0
    assert listed[2]["my_role"] == "owner"


def test_a_deleted_newest_message_is_the_last_message_as_a_placeholder(api, make_client, user, other_user):
    room = room_with_members(owner=other_user, members=[user])
    post(room, other_user, "kept")
    gone = post(room, other_user, "gone")
    assert make_client(other_user).delete(f"/api/messages/{gone.pk}/").status_code == 204
    [entry] = api.get("/api/rooms/").json()
    assert (entry["last_message"]["seq"], entry["last_message"]["deleted"]) == (2, True)
    assert entry["last_message"]["body"] == ""
    assert entry["unread_count"] == 1


def test_a_direct_room_says_whether_its_other_member_is_online_in_one_presence_read(
    api, user, monkeypatch, django_assert_num_queries
):
    from realtime import presence

    online_friend, offline_friend = UserFactory(), UserFactory()
    direct_on, _ = direct_room_get_or_create(user=user, username=online_friend.username)
    direct_off, _ = direct_room_get_or_create(user=user, username=offline_friend.username)
    group = room_with_members(owner=online_friend, members=[user], kind=Room.Kind.PRIVATE, name="group")
    post(direct_on, online_friend, "hi")
    presence.presence_store().connect(online_friend.pk, "socket-1", ttl=60)
    reads = []
    real_online = presence.online_user_ids
    monkeypatch.setattr(
        "messaging.selectors.online_user_ids", lambda ids: reads.append(sorted(ids)) or real_online(ids)
    )
    with django_assert_num_queries(ROOM_LIST_QUERIES):
        listed = {room["id"]: room for room in api.get("/api/rooms/").json()}
    assert listed[direct_on.pk]["peer_online"] is True
    assert listed[direct_off.pk]["peer_online"] is False
    assert listed[group.pk]["peer_online"] is None
    assert reads == [sorted([online_friend.pk, offline_friend.pk])]

    presence.presence_store().disconnect(online_friend.pk, "socket-1")
    assert api.get(f"/api/rooms/{direct_on.pk}/").json()["peer_online"] is False


def test_with_presence_unreachable_the_room_list_answers_with_peer_online_unknown(api, user, monkeypatch):
    import redis

    friend = UserFactory()
    direct, _ = direct_room_get_or_create(user=user, username=friend.username)

    def down(ids):
        raise redis.ConnectionError("Redis is down")

    monkeypatch.setattr("messaging.selectors.online_user_ids", down)
    response = api.get("/api/rooms/")
    assert response.status_code == 200
    assert [(r["id"], r["peer_online"]) for r in response.json()] == [(direct.pk, None)]
