"""The `typing` frame: other members hear it, the sender does not, and the server throttles it."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from core.errors import Forbidden, NotFound
from messaging.services import typing_notify
from rooms.models import Room

from ..factories import room_with_members
from ..sockets import message_new, of_type

THROTTLE = 0.3


@pytest.fixture
def short_throttle(settings):
    settings.TYPING_THROTTLE = THROTTLE


@pytest.mark.django_db
def test_one_broadcast_per_user_and_room_per_window(
    user, other_user, short_throttle, sent_events, django_capture_on_commit_callbacks
):
    room = room_with_members(owner=other_user, members=[user])
    second = room_with_members(owner=other_user, members=[user], name="second")
    with django_capture_on_commit_callbacks(execute=True):
        assert typing_notify(user=user, room_id=room.pk) is True
        assert typing_notify(user=user, room_id=room.pk) is False
        # The window is per user and room.
        assert typing_notify(user=other_user, room_id=room.pk) is True
        assert typing_notify(user=user, room_id=second.pk) is True
        time.sleep(THROTTLE + 0.05)
        assert typing_notify(user=user, room_id=room.pk) is True
    me = {"id": user.pk, "username": user.username}
    assert sent_events.frames("typing") == [
        (f"room.{room.pk}", {"type": "typing", "room": room.pk, "user": me}),
        (
            f"room.{room.pk}",
            {
                "type": "typing",
                "room": room.pk,
                "user": {"id": other_user.pk, "username": other_user.username},
            },
        ),
        (f"room.{second.pk}", {"type": "typing", "room": second.pk, "user": me}),
        (f"room.{room.pk}", {"type": "typing", "room": room.pk, "user": me}),
    ]


@pytest.mark.django_db
def test_the_default_window_is_two_seconds(settings):
    assert settings.TYPING_THROTTLE == 2.0


@pytest.mark.django_db
def test_typing_needs_a_member_who_may_post(
    user, other_user, sent_events, django_capture_on_commit_callbacks
):
    public = room_with_members(owner=other_user)
    private = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE, name="p")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # a refusal does not take the throttle: each frame is refused
            with pytest.raises(Forbidden):
                typing_notify(user=user, room_id=public.pk)
        with pytest.raises(Forbidden):
            typing_notify(user=user, room_id=private.pk)
        with pytest.raises(NotFound):
            typing_notify(user=user, room_id=private.pk + 1000)
    assert sent_events == []


@pytest.mark.django_db(transaction=True)
async def test_typing_reaches_the_others_not_the_sender_and_is_throttled(chat, open_ws, short_throttle):
    alice, bob, room = chat
    alice_ws, alice_tab2, bob_ws = await open_ws(alice), await open_ws(alice), await open_ws(bob)
    await alice_ws.send({"type": "typing", "room": room.pk})
    await alice_ws.send({"type": "typing", "room": room.pk})
    await alice_ws.send({"type": "message.send", "room": room.pk, "body": "marker", "client_id": "m"})
    # Events of one room reach a socket in the order they were sent, so
    # whatever typing was broadcast arrived before the marker.
    await bob_ws.recv_until(message_new("marker"))
    assert of_type(bob_ws.skipped, "typing") == [
        {"type": "typing", "room": room.pk, "user": {"id": alice.pk, "username": alice.username}}
    ]
    for own in (alice_ws, alice_tab2):
        await own.recv_until(message_new("marker"))
        assert of_type(own.skipped, "typing") == []

    await asyncio.sleep(THROTTLE + 0.05)
    await alice_ws.send({"type": "typing", "room": room.pk})
    assert (await bob_ws.recv_type("typing"))["user"]["id"] == alice.pk


@pytest.mark.django_db(transaction=True)
async def test_typing_in_a_room_of_others_is_an_error_frame(chat, open_ws):
    alice, bob, _ = chat
    private = await database_sync_to_async(room_with_members)(owner=bob, kind=Room.Kind.PRIVATE, name="p")
    ws = await open_ws(alice)
    await ws.send({"type": "typing", "room": private.pk})
    assert (await ws.recv_type("error"))["code"] == "forbidden"
    await ws.send({"type": "typing", "room": "x"})
    assert (await ws.recv_type("error"))["code"] == "bad_request"
