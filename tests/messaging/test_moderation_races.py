"""Moderation against a send in flight: a send that waited for a moderation act's lock sees the act."""

import threading
import time

import pytest
from django.db import connection, connections

from core.errors import Forbidden
from messaging.models import Message
from messaging.services import message_create
from moderation import services as moderation_services
from rooms.models import Membership

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
    "ban": lambda crew: moderation_services.room_ban_create(
        actor=crew.owner, room_id=crew.room.pk, username=crew.member.username
    ),
    "remove": lambda crew: moderation_services.room_member_remove(
        actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk
    ),
    "mute": lambda crew: moderation_services.room_member_mute(
        actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk
    ),
}


@pytest.mark.parametrize("pause", ["after the change", "before the change"])
@pytest.mark.parametrize("act", ACTS)
def test_a_send_that_waited_for_a_moderation_acts_lock_is_refused(crew, monkeypatch, act, pause):
    """The act holds the room's row lock; the send waits for it, then must see the act.

    "after the change": the act has deleted or updated the membership when the
    send arrives. "before the change": the act holds only the room's lock, and
    touches the membership after the send began to wait; had the send locked
    the membership before the room, the two would deadlock.
    """
    inside_act, finish_act = threading.Event(), threading.Event()

    def pause_here():
        inside_act.set()
        assert finish_act.wait(10)

    if pause == "after the change":
        real_log = moderation_services.moderation_action_create

        def paused_log(**kwargs):
            row = real_log(**kwargs)
            pause_here()
            return row

        monkeypatch.setattr(moderation_services, "moderation_action_create", paused_log)
    else:
        real_lock = moderation_services._room_locked

        def paused_lock(**kwargs):
            locked = real_lock(**kwargs)
            pause_here()
            return locked

        monkeypatch.setattr(moderation_services, "_room_locked", paused_lock)
    outcome = {}

    def moderate():
        try:
            ACTS[act](crew)
            outcome["act"] = "done"
        except Exception as exc:  # a deadlock, say: reported below
            outcome["act"] = exc
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
    assert outcome == {"act": "done", "result": "forbidden"}
    assert not Message.objects.filter(author=crew.member).exists()


def test_a_moderator_demoted_while_their_act_waited_for_the_lock_is_refused(crew, monkeypatch):
    """The owner demotes the moderator and holds the room's lock; the moderator's mute of a
    member waits for it, then reads the role the demotion committed, and is refused."""
    inside_demotion, finish_demotion = threading.Event(), threading.Event()
    real_log = moderation_services.moderation_action_create

    def paused_log(**kwargs):
        row = real_log(**kwargs)
        if kwargs["action"] == "role_change":
            inside_demotion.set()
            assert finish_demotion.wait(10)
        return row

    monkeypatch.setattr(moderation_services, "moderation_action_create", paused_log)
    outcome = {}

    def run(name, act):
        try:
            act()
            outcome[name] = "done"
        except Forbidden:
            outcome[name] = "forbidden"
        except Exception as exc:
            outcome[name] = exc
        finally:
            connections.close_all()

    demote = threading.Thread(
        target=run,
        args=(
            "demote",
            lambda: moderation_services.room_member_role_change(
                actor=crew.owner, room_id=crew.room.pk, user_id=crew.moderator.pk, role="member"
            ),
        ),
    )
    demote.start()
    assert inside_demotion.wait(10)
    mute = threading.Thread(
        target=run,
        args=(
            "mute",
            lambda: moderation_services.room_member_mute(
                actor=crew.moderator, room_id=crew.room.pk, user_id=crew.member.pk
            ),
        ),
    )
    mute.start()
    try:
        wait_for_lock_waiters(1)
    finally:
        finish_demotion.set()
        demote.join(10)
        mute.join(10)
    assert outcome == {"demote": "done", "mute": "forbidden"}
    assert not Membership.objects.get(room=crew.room, user=crew.member).is_muted
