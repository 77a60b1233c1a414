"""Moderation against a send in flight: a send that waited for a moderation act's lock sees the act."""

import threading
import time

import pytest
from django.db import connection, connections

from messaging.models import Message
from messaging.services import message_create
from rooms import services
from rooms.errors import Forbidden

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_for_lock_waiters(count: int, timeout: float = 5) -> None:
    """Return once `count` backends of this database wait on a row lock (PostgreSQL)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise TimeoutError("the send never waited for the room's lock")


ACTS = {
    "ban": lambda crew: services.room_ban_create(
        actor=crew.owner, room_id=crew.room.pk, username=crew.member.username
    ),
    "remove": lambda crew: services.room_member_remove(
        actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk
    ),
    "mute": lambda crew: services.room_member_mute(
        actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk
    ),
}


@pytest.mark.parametrize("act", ACTS)
def test_a_send_that_waited_for_a_moderation_acts_lock_is_refused(crew, monkeypatch, act):
    """The act holds the room's row lock; the send waits for it, then must see the act."""
    inside_act, finish_act = threading.Event(), threading.Event()
    real_log = services.moderation_action_create

    def paused_log(**kwargs):
        row = real_log(**kwargs)
        inside_act.set()
        assert finish_act.wait(10)
        return row

    monkeypatch.setattr(services, "moderation_action_create", paused_log)
    outcome = {}

    def moderate():
        try:
            ACTS[act](crew)
        finally:
            connections.close_all()

    def send():
        try:
            message_create(room_id=crew.room.pk, author=crew.member, body="sneaking in")
            outcome["result"] = "stored"
        except Forbidden:
            outcome["result"] = "forbidden"
        finally:
            connections.close_all()

    moderator = threading.Thread(target=moderate)
    moderator.start()
    assert inside_act.wait(10)
    sender = threading.Thread(target=send)
    sender.start()
    try:
        wait_for_lock_waiters(1)
    finally:
        finish_act.set()
        moderator.join(10)
        sender.join(10)
    assert outcome == {"result": "forbidden"}
    assert not Message.objects.filter(author=crew.member).exists()
