"""Messages over REST (contract: Messages and history)."""

import pytest

from messaging.models import Message
from messaging.services import message_create

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

# The contract's fields, and those added beside them (replies, mentions, reactions: issue 11).
MESSAGE_KEYS = {"id", "room", "seq", "author", "body", "created_at", "edited_at", "deleted", "client_id"} | {
    "reply_to",
    "mentions",
    "mentions_room",
    "reactions",
    "attachments",
    "system",
}


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=user, members=[other_user])


def test_post_returns_201_with_the_message_and_a_retry_returns_200_with_the_same(api, user, room):
    url = f"/api/rooms/{room.pk}/messages/"
    first = api.post(url, {"body": " hi ", "client_id": "abc"}, format="json")
    assert first.status_code == 201
    message = first.json()
    assert set(message) == MESSAGE_KEYS
    assert message["body"] == "hi" and message["seq"] == 1 and message["room"] == room.pk
    assert message["author"] == {"id": user.pk, "username": user.username}
    assert message["client_id"] == "abc" and message["deleted"] is False and message["edited_at"] is None
    retry = api.post(url, {"body": "hi", "client_id": "abc"}, format="json")
    assert retry.status_code == 200 and retry.json() == message
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{"body": ""}, {"body": "   "}, {"body": "x" * 4001}, {}, {"body": "ok", "client_id": "c" * 65}]
)
def test_post_invalid_body_is_400_and_stores_nothing(api, room, body):
    response = api.post(f"/api/rooms/{room.pk}/messages/", body, format="json")
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_post_access(make_client, user, room):
    stranger = make_client(UserFactory())
    public_url = f"/api/rooms/{room.pk}/messages/"
    refused = stranger.post(public_url, {"body": "hi"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    private = room_with_members(owner=user, kind="private", name="p")
    assert (
        stranger.post(f"/api/rooms/{private.pk}/messages/", {"body": "hi"}, format="json").status_code == 404
    )
    assert stranger.post("/api/rooms/424242/messages/", {"body": "hi"}, format="json").status_code == 404


def test_history_reads_for_members_and_anyone_on_public_rooms(make_client, user, room):
    message_create(room_id=room.pk, author=user, body="hello")
    stranger = make_client(UserFactory())
    assert [m["body"] for m in stranger.get(f"/api/rooms/{room.pk}/messages/").json()["results"]] == ["hello"]
    private = room_with_members(owner=user, kind="private", name="p")
    assert stranger.get(f"/api/rooms/{private.pk}/messages/").status_code == 404


def test_history_pages_across_a_boundary_with_before_and_after(api, user, room):
    for i in range(1, 8):
        message_create(room_id=room.pk, author=user, body=f"m{i}")
    url = f"/api/rooms/{room.pk}/messages/"
    newest = api.get(url, {"limit": 3}).json()
    assert [m["seq"] for m in newest["results"]] == [5, 6, 7] and newest["has_more"] is True
    older = api.get(url, {"limit": 3, "before": 5}).json()
    assert [m["seq"] for m in older["results"]] == [2, 3, 4] and older["has_more"] is True
    oldest = api.get(url, {"limit": 3, "before": 2}).json()
    assert [m["seq"] for m in oldest["results"]] == [1] and oldest["has_more"] is False
    after = api.get(url, {"limit": 4, "after": 2}).json()
    assert [m["seq"] for m in after["results"]] == [3, 4, 5, 6] and after["has_more"] is True
    tail = api.get(url, {"after": 6}).json()
    assert [m["body"] for m in tail["results"]] == ["m7"] and tail["has_more"] is False
    assert api.get(url, {"after": 7}).json() == {"results": [], "has_more": False}
    between = api.get(url, {"after": 2, "before": 5}).json()
    assert [m["seq"] for m in between["results"]] == [3, 4] and between["has_more"] is False


def test_history_limit_defaults_to_50_and_is_capped_at_200(api, user, room):
    from messaging.models import Message as M

    M.objects.bulk_create([M(room=room, seq=i, author=user, body=f"m{i}") for i in range(1, 252)])
    room.last_seq = 251
    room.save()
    url = f"/api/rooms/{room.pk}/messages/"
    default = api.get(url).json()
    assert len(default["results"]) == 50 and default["results"][-1]["seq"] == 251
    capped = api.get(url, {"limit": 1000}).json()
    assert len(capped["results"]) == 200 and capped["results"][0]["seq"] == 52 and capped["has_more"]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": "x"}, {"before": 0}, {"after": -1}, {"before": "abc"}]
)
def test_history_rejects_bad_cursors(api, room, params):
    assert api.get(f"/api/rooms/{room.pk}/messages/", params).status_code == 400


def test_history_takes_a_constant_number_of_queries(api, user, other_user, room, django_assert_num_queries):
    for i in range(30):
        message_create(room_id=room.pk, author=user if i % 2 else other_user, body=f"m{i}")
    # token auth, the room with the reader's membership (rooms.access, one query), the page
    with django_assert_num_queries(3):
        assert len(api.get(f"/api/rooms/{room.pk}/messages/").json()["results"]) == 30
    private = room_with_members(owner=user, kind="private", name="p")
    for i in range(30):
        message_create(room_id=private.pk, author=user, body=f"p{i}")
    # a private room costs the same: the membership comes with the room
    with django_assert_num_queries(3):
        assert len(api.get(f"/api/rooms/{private.pk}/messages/").json()["results"]) == 30


def test_posting_over_rest_takes_a_constant_number_of_queries(api, room, django_assert_num_queries):
    url = f"/api/rooms/{room.pk}/messages/"
    # token auth, room access, then message_create's three (see test_message_create) between
    # the SAVEPOINT and RELEASE of its atomic block inside the test's transaction; a request
    # outside one makes 5 (and BEGIN, COMMIT)
    with django_assert_num_queries(7):
        api.post(url, {"body": "a", "client_id": "1"}, format="json")
    with django_assert_num_queries(7):
        api.post(url, {"body": "b", "client_id": "2"}, format="json")
