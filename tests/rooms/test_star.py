"""Starred rooms (issue 10): `PUT`/`DELETE /api/rooms/{id}/star/`, `starred` in the Room,
and the `starred` frame to the user's other sockets (docs/messages.md, "Starred rooms")."""

import pytest
from channels.db import database_sync_to_async

from core.errors import Forbidden, NotFound
from rooms.models import Membership, Room
from rooms.services import direct_room_get_or_create, room_star_set

from ..factories import UserFactory, post, room_with_members
from ..sockets import message_new, of_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=other_user, members=[user], name="lobby")


def starred_in_db(user, room) -> bool:
    return Membership.objects.get(room=room, user=user).starred


def listed(api) -> dict[int, dict]:
    return {entry["id"]: entry for entry in api.get("/api/rooms/").json()}


# --- The service -----------------------------------------------------------------


def test_starring_sets_the_membership_and_tells_only_the_users_sockets(
    user, other_user, room, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = room_star_set(user=user, room_id=room.pk, starred=True)
    assert membership.starred is True and starred_in_db(user, room) is True
    assert starred_in_db(other_user, room) is False
    assert sent_events.frames() == [
        (f"user.{user.pk}", {"type": "starred", "room": room.pk, "starred": True})
    ]


def test_starring_twice_changes_nothing_and_sends_nothing_the_second_time(
    user, room, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        room_star_set(user=user, room_id=room.pk, starred=True)
        again = room_star_set(user=user, room_id=room.pk, starred=True)
        room_star_set(user=user, room_id=room.pk, starred=False)
        room_star_set(user=user, room_id=room.pk, starred=False)
    assert again.starred is True and starred_in_db(user, room) is False
    assert [frame["starred"] for _, frame in sent_events.frames("starred")] == [True, False]


def test_unstarring_a_room_never_starred_sends_nothing(
    user, room, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = room_star_set(user=user, room_id=room.pk, starred=False)
    assert membership.starred is False and sent_events == []


def test_only_members_star(other_user):
    outsider = UserFactory()
    public = room_with_members(owner=other_user, name="public")
    private = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE, name="private")
    with pytest.raises(Forbidden):
        room_star_set(user=outsider, room_id=public.pk, starred=True)
    with pytest.raises(NotFound):
        room_star_set(user=outsider, room_id=private.pk, starred=True)
    with pytest.raises(NotFound):
        room_star_set(user=outsider, room_id=999_999, starred=True)
    assert not Membership.objects.filter(user=outsider).exists()


def test_a_star_is_kept_per_membership_and_goes_with_it(user, other_user, room):
    room_star_set(user=user, room_id=room.pk, starred=True)
    Membership.objects.filter(room=room, user=user).delete()
    Membership.objects.create(room=room, user=user)
    assert starred_in_db(user, room) is False


# --- REST ----------------------------------------------------------------------


def test_put_stars_and_delete_unstars_answering_the_room(api, room):
    put = api.put(f"/api/rooms/{room.pk}/star/")
    assert put.status_code == 200
    assert put.json()["id"] == room.pk and put.json()["starred"] is True and put.json()["name"] == "lobby"
    assert api.put(f"/api/rooms/{room.pk}/star/").json()["starred"] is True
    assert listed(api)[room.pk]["starred"] is True
    assert api.get(f"/api/rooms/{room.pk}/").json()["starred"] is True
    deleted = api.delete(f"/api/rooms/{room.pk}/star/")
    assert deleted.status_code == 200 and deleted.json()["starred"] is False
    again = api.delete(f"/api/rooms/{room.pk}/star/")
    assert again.status_code == 200 and again.json()["starred"] is False
    assert listed(api)[room.pk]["starred"] is False


def test_a_star_is_the_viewers_own(api, make_client, other_user, room):
    api.put(f"/api/rooms/{room.pk}/star/")
    assert listed(make_client(other_user))[room.pk]["starred"] is False


def test_star_over_rest_needs_membership(make_client, other_user):
    outsider = make_client(UserFactory())
    public = room_with_members(owner=other_user, name="public")
    private = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE, name="private")
    refused = outsider.put(f"/api/rooms/{public.pk}/star/")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    hidden = outsider.delete(f"/api/rooms/{private.pk}/star/")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert make_client().put(f"/api/rooms/{public.pk}/star/").status_code == 401
    # A public room seen from outside says it is not starred.
    assert outsider.get(f"/api/rooms/{public.pk}/").json()["starred"] is False


def test_a_starred_direct_room(api, user, other_user):
    direct, _ = direct_room_get_or_create(user=user, username=other_user.username)
    assert api.put(f"/api/rooms/{direct.pk}/star/").json()["starred"] is True
    assert listed(api)[direct.pk]["kind"] == "direct" and listed(api)[direct.pk]["starred"] is True


def test_the_room_list_with_200_rooms_and_stars_costs_three_queries(
    api, user, settings, django_assert_num_queries
):
    settings.CHAT_RATE_LIMIT_MESSAGES = 0
    owner = UserFactory()
    rooms = [room_with_members(owner=owner, members=[user], name=f"room {i}") for i in range(200)]
    for room in rooms[:40]:
        post(room, owner, "hello")
    Membership.objects.filter(user=user, room__in=rooms[::3]).update(starred=True)
    # Token authentication, the annotated rooms, their last messages.
    with django_assert_num_queries(3):
        response = api.get("/api/rooms/")
    entries = {entry["id"]: entry for entry in response.json()}
    assert len(entries) == 200
    assert {pk for pk, entry in entries.items() if entry["starred"]} == {room.pk for room in rooms[::3]}


# --- Sockets ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_starring_over_rest_reaches_every_socket_of_the_user_and_no_one_else(
    chat, open_ws, make_client
):
    alice, bob, room = chat
    tab1, tab2, bob_ws = await open_ws(alice), await open_ws(alice), await open_ws(bob)
    api = await database_sync_to_async(make_client)(alice)
    response = await database_sync_to_async(api.put)(f"/api/rooms/{room.pk}/star/")
    assert response.status_code == 200
    expected = {"type": "starred", "room": room.pk, "starred": True}
    for tab in (tab1, tab2):
        assert await tab.recv_type("starred") == expected
    # Repeating it sends nothing: the marker message is the next frame the tab sees.
    await database_sync_to_async(api.put)(f"/api/rooms/{room.pk}/star/")
    await database_sync_to_async(api.delete)(f"/api/rooms/{room.pk}/star/")
    assert await tab2.recv_type("starred") == {**expected, "starred": False}
    assert of_type(tab2.skipped, "starred") == []
    await tab1.send({"type": "message.send", "room": room.pk, "body": "marker", "client_id": "m"})
    await bob_ws.recv_until(message_new("marker"))
    assert of_type(bob_ws.skipped, "starred") == []
