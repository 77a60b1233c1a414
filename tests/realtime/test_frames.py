"""Every frame the server can send matches its JSON Schema (realtime.frames.SCHEMAS), is
documented in docs/protocol.md and is a member of `ServerEvent` in frontend/src/types/api.ts.

The frames checked are real ones: the builders' output from serialized rows, and
every frame the services broadcast during a session of room, message and
moderation acts. Internal channel-layer events share no name with a frame.
"""

import re
from pathlib import Path

import jsonschema
import pytest

from accounts.serializers import user_to_dict
from messaging import services as message_services
from messaging.selectors import room_detail_for_user
from messaging.serializers import message_to_dict, room_to_dict
from moderation import services as moderation_services
from realtime import events, frames
from realtime.frames import SCHEMAS
from rooms import services as room_services
from rooms.models import Membership
from rooms.serializers import MemberSerializer

from ..factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def check(frame) -> None:
    assert frame["type"] in SCHEMAS, frame
    jsonschema.Draft202012Validator(SCHEMAS[frame["type"]]).validate(frame)


@pytest.fixture
def scene(db):
    owner, member = UserFactory(), UserFactory()
    room = room_services.room_create(creator=owner, name="lobby", kind="public")
    room_services.room_join(user=member, room_id=room.pk)
    message, _ = message_services.message_create(room_id=room.pk, author=member, body="hi", client_id="c1")
    return owner, member, room, message


def built_frames(owner, member, room, message) -> list[dict]:
    """One frame of each type, from the builders, on real serialized rows."""
    user = user_to_dict(member)
    room_view = room_to_dict(room_detail_for_user(user=member, room_id=room.pk))
    membership = Membership.objects.select_related("user").get(room=room, user=member)
    member_dict = MemberSerializer(membership, context={"online_user_ids": set()}).data
    message_dict = message_to_dict(message)
    return [
        frames.hello(user=user, rooms=[room.pk]),
        frames.pong(),
        frames.message_new(message=message_dict),
        frames.message_updated(message=message_dict),
        frames.message_deleted(room=room.pk, id=message.pk, seq=message.seq),
        frames.typing(room=room.pk, user=user),
        frames.presence(room=room.pk, user=user, online=True),
        frames.room_added(room=room_view),
        frames.room_updated(room=room_view),
        frames.room_removed(room=room.pk),
        frames.member_added(room=room.pk, member=member_dict),
        frames.member_updated(room=room.pk, member=member_dict),
        frames.member_removed(room=room.pk, user=user),
        frames.read(room=room.pk, seq=message.seq),
        frames.starred(room=room.pk, starred=True),
        frames.mention(room=room.pk, message=message_dict, everyone=False),
        frames.reaction(
            room=room.pk, message=message.pk, seq=message.seq, emoji="👍", count=1, user=user, added=True
        ),
        frames.error(code="invalid", detail="A message cannot be empty."),
        frames.error(code="rate_limited", detail="Slow down.", client_id="c2", retry_after_ms=1500),
    ]


def test_every_builder_makes_a_frame_that_matches_its_schema(scene):
    built = built_frames(*scene)
    for frame in built:
        check(frame)
    assert {frame["type"] for frame in built} == set(SCHEMAS)


def test_a_frame_missing_a_field_does_not_match(scene):
    frame = dict(frames.message_deleted(room=1, id=2, seq=3))
    del frame["seq"]
    with pytest.raises(jsonschema.ValidationError):
        check(frame)
    with pytest.raises(jsonschema.ValidationError):
        check({**frames.room_removed(room=1), "room": "1"})


def test_every_frame_the_services_broadcast_matches_its_schema(
    scene, sent_events, django_capture_on_commit_callbacks
):
    owner, member, room, message = scene
    with django_capture_on_commit_callbacks(execute=True):
        message_services.message_create(room_id=room.pk, author=owner, body="hello")
        message_services.message_update(actor=member, message_id=message.pk, body="hi again")
        message_services.message_create(room_id=room.pk, author=member, body=f"@{owner.username} look")
        message_services.reaction_add(user=owner, message_id=message.pk, emoji="👍")
        message_services.notification_level_set(user=owner, room_id=room.pk, level="mentions")
        message_services.read_mark(user=member, room_id=room.pk, seq=2)
        room_services.room_star_set(user=member, room_id=room.pk, starred=True)
        message_services.typing_notify(user=member, room_id=room.pk)
        message_services.presence_announce(user_id=member.pk, online=True)
        moderation_services.room_update(actor=owner, room_id=room.pk, topic="news")
        moderation_services.room_member_mute(actor=owner, room_id=room.pk, user_id=member.pk)
        moderation_services.message_delete(actor=owner, message_id=message.pk)
        moderation_services.room_member_remove(actor=owner, room_id=room.pk, user_id=member.pk)
    sent = [frame for _, frame in sent_events.frames() if not frame["type"].startswith("chat.")]
    for frame in sent:
        check(frame)
    assert {frame["type"] for frame in sent} >= {
        "message.new",
        "message.updated",
        "message.deleted",
        "read",
        "starred",
        "typing",
        "presence",
        "member.updated",
        "member.removed",
        "mention",
        "reaction",
    }


def test_every_frame_is_documented_in_the_protocol():
    protocol = (ROOT / "docs" / "protocol.md").read_text()
    table = protocol.split("| server sends | when |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `([a-z.]+)`", table, re.M))
    assert documented == set(SCHEMAS)


def test_every_frame_is_in_the_typescript_union():
    api = (ROOT / "frontend" / "src" / "types" / "api.ts").read_text()
    union = api.split("export type ServerEvent =", 1)[1].split(";\n\n", 1)[0]
    typed = set(re.findall(r"type: '([a-z.]+)'", union))
    assert typed == set(SCHEMAS)


def test_internal_events_share_no_name_with_a_frame():
    assert all(name.startswith("chat.") for name in events.EVENT_TYPES)
    assert not events.EVENT_TYPES & set(SCHEMAS)
    assert not any(name.startswith("chat.") for name in SCHEMAS)


def test_the_consumer_handles_every_internal_event():
    from channels.consumer import get_handler_name

    from messaging.consumers import ChatConsumer

    for name in events.EVENT_TYPES:
        assert callable(getattr(ChatConsumer, get_handler_name({"type": name}), None)), name
