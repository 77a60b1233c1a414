"""message_to_dict and room_to_dict: plain functions whose JSON is byte for byte what the DRF
serializers (kept for the OpenAPI schema) render."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from messaging.models import Message
from messaging.selectors import public_room_list, room_detail_for_user, room_list_for_user
from messaging.serializers import (
    MESSAGE_FIELDS,
    MessageSerializer,
    RoomSerializer,
    iso_datetime,
    message_row,
    message_to_dict,
    messages_to_dicts,
    room_to_dict,
    rooms_to_dicts,
)
from messaging.services import message_create, message_update, reaction_add
from moderation.services import message_delete
from rooms.models import Room
from rooms.services import direct_room_get_or_create

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db


def rendered(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def messages(user, other_user):
    room = room_with_members(owner=user, members=[other_user])
    plain, _ = message_create(room_id=room.pk, author=user, body="plain, no client_id")
    keyed, _ = message_create(room_id=room.pk, author=other_user, body="with «ünïcode» 👍", client_id="k-1")
    edited, _ = message_create(room_id=room.pk, author=user, body="before", client_id="k-2")
    message_update(actor=user, message_id=edited.pk, body="after")
    deleted, _ = message_create(room_id=room.pk, author=other_user, body="gone")
    message_delete(actor=other_user, message_id=deleted.pk)
    # A time with no microseconds: isoformat() then leaves them out, in both.
    Message.objects.filter(pk=plain.pk).update(
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    )
    return list(Message.objects.filter(room=room).select_related("author").order_by("seq"))


def test_message_to_dict_renders_the_same_bytes_as_the_serializer(messages):
    kinds = [(m.client_id is not None, m.edited_at is not None, m.deleted) for m in messages]
    assert kinds == [(False, False, False), (True, False, False), (True, True, False), (False, False, True)]
    for message in messages:
        assert rendered(message_to_dict(message)) == rendered(MessageSerializer(message).data)
    rows = Message.objects.filter(pk__in=[m.pk for m in messages]).values(*MESSAGE_FIELDS).order_by("seq")
    assert [message_row(m) for m in messages] == list(rows)  # an instance and a values() row agree
    page = {"results": messages_to_dicts(rows), "has_more": False}
    drf_page = {"results": MessageSerializer(messages, many=True).data, "has_more": False}
    assert rendered(page) == rendered(drf_page)
    assert message_to_dict(messages[0])["created_at"] == "2026-01-02T03:04:05Z"


def test_iso_datetime_writes_utc_as_z_and_converts_to_the_current_time_zone():
    moment = datetime.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    assert iso_datetime(moment) == "2026-05-06T07:08:09.123456Z"
    assert iso_datetime(None) is None
    with timezone.override("Europe/Paris"):
        assert iso_datetime(moment) == "2026-05-06T09:08:09.123456+02:00"
        assert iso_datetime(moment, timezone.get_current_timezone()) == "2026-05-06T09:08:09.123456+02:00"
        # as DRF does in the same time zone
        from rest_framework.fields import DateTimeField

        assert iso_datetime(moment) == DateTimeField().to_representation(moment)


def test_room_to_dict_renders_the_same_bytes_as_the_serializer(user, other_user):
    busy = room_with_members(owner=user, members=[other_user], name="busy")
    message_create(room_id=busy.pk, author=other_user, body="unread", client_id="u")
    room_with_members(owner=user, kind=Room.Kind.PRIVATE, name="empty")
    direct, _ = direct_room_get_or_create(user=user, username=other_user.username)
    room_with_members(owner=other_user, name="not mine")  # my_role None in the public list
    Room.objects.filter(pk=busy.pk).update(is_locked=True)
    rooms = room_list_for_user(user=user)
    assert {r.kind for r in rooms} == {"public", "private", "direct"}
    assert any(r.last_message is None for r in rooms) and any(r.last_message is not None for r in rooms)
    for listed in (rooms, public_room_list(user=user)):
        assert rendered(rooms_to_dicts(listed)) == rendered(RoomSerializer(listed, many=True).data)
    one = room_detail_for_user(user=user, room_id=direct.pk)
    assert room_to_dict(one)["name"] == other_user.username
    assert rendered(room_to_dict(one)) == rendered(RoomSerializer(one).data)
    stranger = UserFactory()
    seen = room_detail_for_user(user=stranger, room_id=busy.pk)
    assert room_to_dict(seen)["my_role"] is None
    assert rendered(room_to_dict(seen)) == rendered(RoomSerializer(seen).data)


def test_a_reply_and_a_reaction_read_as_rows_render_as_the_serializer_does(user, other_user):
    room = room_with_members(owner=user, members=[other_user])
    original, _ = message_create(room_id=room.pk, author=user, body="the  question\nof the day")
    reply, _ = message_create(room_id=room.pk, author=other_user, body="an answer", reply_to=original.pk)
    reaction_add(user=user, message_id=reply.pk, emoji="👍")
    loaded = Message.objects.select_related("author", "reply_to", "reply_to__author").get(pk=reply.pk)
    (row,) = Message.objects.filter(pk=reply.pk).values(*MESSAGE_FIELDS)
    assert message_row(loaded) == row
    (as_row,) = messages_to_dicts([row])
    assert rendered(as_row) == rendered(MessageSerializer(loaded).data)
    assert as_row["reply_to"] == {
        "id": original.pk,
        "seq": original.seq,
        "author": {"id": user.pk, "username": user.username},
        "excerpt": "the question of the day",
        "deleted": False,
    }
    assert as_row["reactions"] == [{"emoji": "👍", "count": 1, "me": False}]
