"""System messages: "X joined", "X left" in rooms with membership notices (issue 11 §6)."""

import pytest

from messaging.models import Message
from messaging.selectors import room_detail_for_user
from messaging.services import message_create
from moderation.services import room_ban_create, room_member_remove
from rooms import services as rooms
from rooms.models import Room

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def timeline(room) -> list[tuple[int, str, str, str]]:
    return list(
        Message.objects.filter(room=room)
        .order_by("seq")
        .values_list("seq", "author__username", "system", "body")
    )


@pytest.fixture
def noticed(user):
    return rooms.room_create(creator=user, name="lobby", kind=Room.Kind.PUBLIC, membership_notices=True)


def test_joining_adding_leaving_and_removal_each_take_a_seq_in_the_timeline(user, other_user, noticed):
    carol, dave = UserFactory(username="carol"), UserFactory(username="dave")
    rooms.room_join(user=other_user, room_id=noticed.pk)
    rooms.room_member_add(actor=user, room_id=noticed.pk, username="carol")
    rooms.room_join(user=dave, room_id=noticed.pk)
    message_create(room_id=noticed.pk, author=dave, body="hi all")
    rooms.room_leave(user=other_user, room_id=noticed.pk)
    room_member_remove(actor=user, room_id=noticed.pk, user_id=carol.pk)
    room_ban_create(actor=user, room_id=noticed.pk, username="dave")
    assert timeline(noticed) == [
        (1, other_user.username, "joined", "joined the room"),
        (2, "carol", "added", "was added to the room"),
        (3, "dave", "joined", "joined the room"),
        (4, "dave", "", "hi all"),
        (5, other_user.username, "left", "left the room"),
        (6, "carol", "removed", "was removed from the room"),
        (7, "dave", "removed", "was removed from the room"),
    ]
    noticed.refresh_from_db()
    assert noticed.last_seq == 7


def test_a_system_message_is_broadcast_but_never_unread_nor_searchable(
    api, user, other_user, noticed, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rooms.room_join(user=other_user, room_id=noticed.pk)
    ((group, frame),) = sent_events.frames("message.new")
    assert group == f"room.{noticed.pk}"
    assert frame["message"]["system"] == "joined" and frame["message"]["seq"] == 1
    assert frame["message"]["author"] == {"id": other_user.pk, "username": other_user.username}
    # The owner has not read seq 1, yet nothing is unread.
    assert room_detail_for_user(user=user, room_id=noticed.pk).unread_count == 0
    listed = api.get("/api/rooms/").json()
    assert listed[0]["unread_count"] == 0 and listed[0]["last_message"]["system"] == "joined"
    assert api.get("/api/search/", {"q": "joined"}).json()["count"] == 0
    page = api.get(f"/api/rooms/{noticed.pk}/messages/").json()["results"]
    assert [(m["seq"], m["system"], m["body"]) for m in page] == [(1, "joined", "joined the room")]


def test_a_system_message_cannot_be_edited(make_client, other_user, noticed):
    rooms.room_join(user=other_user, room_id=noticed.pk)
    notice = Message.objects.get(room=noticed, system="joined")
    answer = make_client(other_user).patch(f"/api/messages/{notice.pk}/", {"body": "hacked"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    notice.refresh_from_db()
    assert notice.body == "joined the room"


def test_rooms_without_notices_and_direct_rooms_stay_silent(user, other_user):
    quiet = rooms.room_create(creator=user, name="quiet", kind=Room.Kind.PUBLIC)
    rooms.room_join(user=other_user, room_id=quiet.pk)
    rooms.room_leave(user=other_user, room_id=quiet.pk)
    direct, _ = rooms.direct_room_get_or_create(user=user, username=other_user.username)
    rooms.room_leave(user=other_user, room_id=direct.pk)
    rooms.direct_room_get_or_create(user=other_user, username=user.username)
    assert Message.objects.count() == 0
    quiet.refresh_from_db()
    assert quiet.last_seq == 0


def test_the_setting_is_chosen_at_creation_and_changed_by_moderators(api, make_client, other_user):
    created = api.post(
        "/api/rooms/", {"name": "team", "kind": "private", "membership_notices": True}, format="json"
    )
    assert created.status_code == 201 and created.json()["membership_notices"] is True
    plain = api.post("/api/rooms/", {"name": "plain", "kind": "public"}, format="json").json()
    assert plain["membership_notices"] is False
    turned = api.patch(f"/api/rooms/{plain['id']}/", {"membership_notices": True}, format="json")
    assert turned.status_code == 200 and turned.json()["membership_notices"] is True
    make_client(other_user).post(f"/api/rooms/{plain['id']}/join/")
    assert (
        make_client(other_user)
        .patch(f"/api/rooms/{plain['id']}/", {"membership_notices": False}, format="json")
        .status_code
        == 403
    )
    direct = api.post("/api/direct/", {"username": other_user.username}, format="json").json()
    staff = make_client(UserFactory(is_staff=True))
    refused = staff.patch(f"/api/rooms/{direct['id']}/", {"membership_notices": True}, format="json")
    assert refused.status_code == 400 and "direct" in refused.json()["detail"]
