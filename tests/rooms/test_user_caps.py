"""Per-user caps (issue 9, item 6): tickets, room creation, member adds, joins, new direct rooms.

Each is a fixed window in the shared cache (realtime.ratelimit); past it the
API answers 429 `rate_limited` with `retry_after_ms` and `Retry-After`, and
nothing is done. The rates are per day, so a window boundary cannot fall
inside a test.
"""

import math

import pytest

from realtime.ratelimit import rate_parse
from rooms.models import Membership, Room

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

DAY_MS = 86400 * 1000


def assert_rate_limited(response, detail: str) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert (body["code"], body["detail"]) == ("rate_limited", detail)
    assert 0 < body["retry_after_ms"] <= DAY_MS
    assert response["Retry-After"] == str(math.ceil(body["retry_after_ms"] / 1000))


def test_ws_tickets_are_capped_per_user(api, make_client, settings):
    settings.CHAT_RATE_WS_TICKETS = "2/day"
    assert [api.post("/api/auth/ws-ticket/").status_code for _ in range(2)] == [201, 201]
    assert_rate_limited(api.post("/api/auth/ws-ticket/"), "At most 2 WebSocket tickets a day.")
    assert make_client(UserFactory()).post("/api/auth/ws-ticket/").status_code == 201


def test_room_creation_is_capped_per_user(api, user, make_client, settings):
    settings.CHAT_RATE_ROOM_CREATES = "2/day"
    for n in range(2):
        assert api.post("/api/rooms/", {"name": f"r{n}", "kind": "private"}, format="json").status_code == 201
    response = api.post("/api/rooms/", {"name": "r2", "kind": "public"}, format="json")
    assert_rate_limited(response, "At most 2 new rooms a day.")
    assert sorted(Room.objects.filter(created_by=user).values_list("name", flat=True)) == ["r0", "r1"]
    other = make_client(UserFactory())
    assert other.post("/api/rooms/", {"name": "theirs", "kind": "public"}, format="json").status_code == 201


def test_a_refused_room_does_not_use_up_the_cap(api, settings):
    settings.CHAT_RATE_ROOM_CREATES = "1/day"
    assert api.post("/api/rooms/", {"name": "  ", "kind": "public"}, format="json").status_code == 400
    assert api.post("/api/rooms/", {"name": "ok", "kind": "public"}, format="json").status_code == 201


def test_member_adds_are_capped_per_actor(api, user, settings):
    settings.CHAT_RATE_MEMBER_ADDS = "2/day"
    room = room_with_members(owner=user, kind=Room.Kind.PRIVATE)
    targets = [UserFactory() for _ in range(3)]
    for target in targets[:2]:
        response = api.post(f"/api/rooms/{room.pk}/members/", {"username": target.username}, format="json")
        assert response.status_code == 201
    response = api.post(f"/api/rooms/{room.pk}/members/", {"username": targets[2].username}, format="json")
    assert_rate_limited(response, "At most 2 member adds a day.")
    assert set(room.memberships.values_list("user_id", flat=True)) == {user.pk, targets[0].pk, targets[1].pk}


def test_joins_are_capped_per_user_and_a_repeated_join_is_not_counted(api, user, other_user, settings):
    settings.CHAT_RATE_ROOM_JOINS = "2/day"
    rooms = [room_with_members(owner=other_user, name=f"pub{n}") for n in range(3)]
    assert api.post(f"/api/rooms/{rooms[0].pk}/join/").status_code == 200
    assert api.post(f"/api/rooms/{rooms[0].pk}/join/").status_code == 200  # already a member
    assert api.post(f"/api/rooms/{rooms[1].pk}/join/").status_code == 200
    assert_rate_limited(api.post(f"/api/rooms/{rooms[2].pk}/join/"), "At most 2 room joins a day.")
    assert not Membership.objects.filter(room=rooms[2], user=user).exists()


def test_new_direct_rooms_are_capped_but_reopening_one_is_not(api, user, settings):
    settings.CHAT_RATE_DIRECT_OPENS = "1/day"
    first, second = UserFactory(), UserFactory()
    assert api.post("/api/direct/", {"username": first.username}, format="json").status_code == 201
    response = api.post("/api/direct/", {"username": second.username}, format="json")
    assert_rate_limited(response, "At most 1 new direct conversations a day.")
    assert api.post("/api/direct/", {"username": first.username}, format="json").status_code == 200
    assert Room.objects.filter(kind=Room.Kind.DIRECT).count() == 1


def test_a_rate_of_zero_switches_a_cap_off(api, settings):
    settings.CHAT_RATE_ROOM_CREATES = "0"
    codes = {
        api.post("/api/rooms/", {"name": f"r{n}", "kind": "public"}, format="json").status_code
        for n in range(5)
    }
    assert codes == {201}


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("20/hour", (20, 3600)),
        ("5/s", (5, 1)),
        ("60/minute", (60, 60)),
        ("3/day", (3, 86400)),
        ("0", (0, 0)),
        ("", (0, 0)),
    ],
)
def test_rate_parse(rate, parsed):
    assert rate_parse(rate) == parsed


@pytest.mark.parametrize("rate", ["20", "20/week", "x/hour", "-1/hour"])
def test_rate_parse_refuses_what_is_not_a_rate(rate):
    with pytest.raises(ValueError):
        rate_parse(rate)


def test_the_socket_cap_setting_defaults_to_20(settings):
    from config.settings import base

    assert base.CHAT_MAX_SOCKETS_PER_USER == 20
