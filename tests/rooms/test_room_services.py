"""rooms.services: creation, joining, leaving, adding, direct rooms (and their race)."""

import threading

import pytest
from django.db import connection

from core.errors import Forbidden, Invalid, NotFound
from rooms import services
from rooms.models import Ban, Membership, Room

from ..conftest import on_postgres
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_room_create_makes_the_creator_owner(user, sent_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        room = services.room_create(creator=user, name="  Lobby ", kind="public", topic="hi")
    assert (room.name, room.kind, room.topic, room.last_seq) == ("Lobby", "public", "hi", 0)
    membership = Membership.objects.get(room=room)
    assert membership.user == user and membership.role == Membership.Role.OWNER
    assert [(group, event["type"]) for group, event in sent_events] == [
        (f"user.{user.pk}", "chat.follow"),
        (f"room.{room.pk}", "chat.broadcast"),
    ]
    assert sent_events[1][1]["frame"]["type"] == "member.added"


def test_join_and_leave_tell_the_other_members(
    user, other_user, sent_events, django_capture_on_commit_callbacks
):
    room = services.room_create(creator=user, name="r", kind="public")
    with django_capture_on_commit_callbacks(execute=True):
        services.room_join(user=other_user, room_id=room.pk)
    added = sent_events[-1]
    assert added[0] == f"room.{room.pk}"
    assert added[1]["frame"]["type"] == "member.added" and added[1]["frame"]["room"] == room.pk
    member = added[1]["frame"]["member"]
    assert member["user"] == {"id": other_user.pk, "username": other_user.username}
    assert (member["role"], member["muted"], member["online"]) == ("member", False, False)
    with django_capture_on_commit_callbacks(execute=True):
        services.room_leave(user=other_user, room_id=room.pk)
    removed_for_user, removed_for_room = sent_events[-2:]
    assert removed_for_user == (
        f"user.{other_user.pk}",
        {"type": "chat.unfollow", "room": room.pk, "cause": "left", "reason": ""},
    )
    assert removed_for_room[0] == f"room.{room.pk}"
    assert removed_for_room[1]["frame"] == {
        "type": "member.removed",
        "room": room.pk,
        "user": {"id": other_user.pk, "username": other_user.username},
    }
    assert removed_for_room[1]["exclude_user"] == other_user.pk


@pytest.mark.parametrize(
    ("name", "kind"),
    [("", "public"), ("   ", "private"), ("x" * 101, "public"), ("ok", "direct"), ("ok", "secret")],
)
def test_room_create_refuses_bad_input(user, name, kind):
    with pytest.raises(Invalid):
        services.room_create(creator=user, name=name, kind=kind)
    assert not Room.objects.exists()


def test_joining_puts_the_read_position_at_the_newest_message(user, other_user):
    from messaging.services import message_create

    room = services.room_create(creator=user, name="r", kind="public")
    for i in range(3):
        message_create(room_id=room.pk, author=user, body=str(i))
    joined_room, joined = services.room_join(user=other_user, room_id=room.pk)
    assert joined and joined_room.pk == room.pk
    assert Membership.objects.get(room=room, user=other_user).last_read_seq == 3
    assert services.room_join(user=other_user, room_id=room.pk)[1] is False


def test_private_rooms_cannot_be_joined_and_banned_users_cannot_rejoin(user, other_user):
    private = services.room_create(creator=user, name="p", kind="private")
    with pytest.raises(NotFound):
        services.room_join(user=other_user, room_id=private.pk)
    public = services.room_create(creator=user, name="q", kind="public")
    Ban.objects.create(room=public, user=other_user, banned_by=user)
    with pytest.raises(Forbidden):
        services.room_join(user=other_user, room_id=public.pk)
    with pytest.raises(NotFound):
        services.room_join(user=other_user, room_id=public.pk + 100)


def test_leave_removes_the_membership(user, other_user):
    room = services.room_create(creator=user, name="r", kind="public")
    services.room_join(user=other_user, room_id=room.pk)
    services.room_leave(user=other_user, room_id=room.pk)
    assert not Membership.objects.filter(room=room, user=other_user).exists()
    with pytest.raises(NotFound):
        services.room_leave(user=other_user, room_id=room.pk)


def test_member_add_by_owner_only(user, other_user):
    room = services.room_create(creator=user, name="p", kind="private")
    membership, created = services.room_member_add(actor=user, room_id=room.pk, username=other_user.username)
    assert created and membership.role == Membership.Role.MEMBER
    assert services.room_member_add(actor=user, room_id=room.pk, username=other_user.username)[1] is False
    third = UserFactory()
    with pytest.raises(Forbidden):
        services.room_member_add(actor=other_user, room_id=room.pk, username=third.username)
    with pytest.raises(NotFound):
        services.room_member_add(actor=third, room_id=room.pk, username=other_user.username)
    with pytest.raises(NotFound):
        services.room_member_add(actor=user, room_id=room.pk, username="nobody-here")


def test_direct_room_is_one_per_pair_whoever_opens_it(user, other_user):
    room, created = services.direct_room_get_or_create(user=user, username=other_user.username)
    again, created_again = services.direct_room_get_or_create(user=other_user, username=user.username)
    assert created and not created_again and again.pk == room.pk
    assert room.kind == Room.Kind.DIRECT
    assert set(room.memberships.values_list("user_id", flat=True)) == {user.pk, other_user.pk}
    with pytest.raises(Invalid):
        services.direct_room_get_or_create(user=user, username=user.username)
    with pytest.raises(NotFound):
        services.direct_room_get_or_create(user=user, username="ghost")


def test_direct_room_reopened_after_leaving_adds_the_member_back(user, other_user):
    room, _ = services.direct_room_get_or_create(user=user, username=other_user.username)
    services.room_leave(user=user, room_id=room.pk)
    again, created = services.direct_room_get_or_create(user=user, username=other_user.username)
    assert not created and again.pk == room.pk
    assert room.memberships.count() == 2


def _open_at_once(a, b):
    """Both users open their direct room at the same moment, each in its own connection."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def open_room(me, them):
        try:
            barrier.wait()
            results.append(services.direct_room_get_or_create(user=me, username=them.username))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_room, args=args) for args in ((a, b), (b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_direct_room_race_gives_one_room():
    assert on_postgres()
    for _ in range(5):
        a, b = UserFactory(), UserFactory()
        results, errors = _open_at_once(a, b)
        assert errors == []
        assert len({room.pk for room, _ in results}) == 1
        assert sorted(created for _, created in results) == [False, True]
        room = results[0][0]
        assert (
            Room.objects.filter(kind=Room.Kind.DIRECT, memberships__user=a)
            .filter(memberships__user=b)
            .count()
            == 1
        )
        assert Membership.objects.filter(room=room).count() == 2
