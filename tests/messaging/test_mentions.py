"""Mentions: `@username` and `@room` parsed when a message is stored or edited, the `mention`
frame after commit, and `mention_count` in the room list (issue 11, section 1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import Forbidden, Invalid
from messaging.models import Mention
from messaging.selectors import room_detail_for_user, room_list_for_user
from messaging.services import (
    mentions_parse,
    message_create,
    message_update,
    notification_level_set,
    read_mark,
)
from moderation.services import message_delete, room_update
from rooms.models import Membership

from ..factories import UserFactory, room_with_members


def test_mentions_parse_finds_names_in_order_once_and_the_room():
    assert mentions_parse("hi @bob and @carol, @bob again") == (["bob", "carol"], False)
    assert mentions_parse("@room look, thanks @dave.") == (["dave.", "dave"], True)
    assert mentions_parse("mail bob@example.com or @@x") == ([], False)
    assert mentions_parse("@ROOM") == ([], True)


def test_names_inside_markdown_code_mention_nobody():
    assert mentions_parse("run `@bob ls` then ask @carol") == (["carol"], False)
    assert mentions_parse("``a ` @bob``  and `@room`") == ([], False)
    assert mentions_parse("see:\n```\n@bob\n@room\n```\nbye @dave") == (["dave"], False)
    assert mentions_parse("~~~py\n@bob\n~~~") == ([], False)
    assert mentions_parse("```\nnever closed @bob") == ([], False)


def test_names_in_prose_around_markdown_still_mention():
    # Indented lines, headings and raw HTML are text in the chat's subset (docs/messages.md).
    assert mentions_parse("    @bob indented") == (["bob"], False)
    assert mentions_parse("# @carol\n<b>@dave</b>") == (["carol", "dave"], False)
    assert mentions_parse("**@erin** _@frank_ [@gina](https://x.example) x`y`@hank") == (
        ["erin", "frank", "gina", "hank"],
        False,
    )
    assert mentions_parse("> quoted @ivan\n\n- listed @judy") == (["ivan", "judy"], False)
    # An unmatched backtick is text, as it is on screen.
    assert mentions_parse("a ` b @kim") == (["kim"], False)
    # Character references decode as the client shows them.
    assert mentions_parse("&#64;lee &amp; @mo") == (["lee", "mo"], False)


@pytest.mark.django_db
def test_a_message_whose_code_names_a_member_mentions_only_the_prose_names(crew):
    body = f"try `@{crew.member.username}`\n```\n@room\n```\n@{crew.moderator.username} please"
    message, _ = message_create(room_id=crew.room.pk, author=crew.owner, body=body)
    assert message.mentions == [crew.moderator.pk]
    assert message.mentions_room is False
    assert list(Mention.objects.filter(message=message).values_list("user_id", flat=True)) == [
        crew.moderator.pk
    ]


@pytest.mark.django_db
def test_a_message_mentions_members_by_name_not_strangers_nor_its_author(crew):
    stranger = UserFactory()
    body = f"@{crew.member.username} @{crew.moderator.username}. @{stranger.username} @{crew.owner.username}"
    message, _ = message_create(room_id=crew.room.pk, author=crew.owner, body=body)
    assert message.mentions == [crew.member.pk, crew.moderator.pk]
    assert message.mentions_room is False
    assert set(Mention.objects.filter(message=message).values_list("user_id", flat=True)) == {
        crew.member.pk,
        crew.moderator.pk,
    }


@pytest.mark.django_db
def test_room_mentions_follow_the_room_setting_for_plain_members(crew):
    first, _ = message_create(room_id=crew.room.pk, author=crew.member, body="@room hello")
    assert first.mentions_room is True
    room_update(actor=crew.owner, room_id=crew.room.pk, allow_room_mentions=False)
    plain, _ = message_create(room_id=crew.room.pk, author=crew.member, body="@room again")
    assert plain.mentions_room is False
    moderated, _ = message_create(room_id=crew.room.pk, author=crew.moderator, body="@room from a mod")
    assert moderated.mentions_room is True


@pytest.mark.django_db
def test_too_many_named_members_is_invalid(crew, settings):
    settings.CHAT_MENTIONS_MAX = 1
    with pytest.raises(Invalid):
        message_create(
            room_id=crew.room.pk,
            author=crew.owner,
            body=f"@{crew.member.username} @{crew.moderator.username}",
        )


@pytest.mark.django_db
def test_mention_count_counts_unread_mentions_and_the_read_marker_resets_it(crew):
    room, member = crew.room, crew.member
    message_create(room_id=room.pk, author=crew.owner, body=f"@{member.username} one")
    message_create(room_id=room.pk, author=crew.owner, body="no mention")
    last, _ = message_create(room_id=room.pk, author=crew.owner, body=f"@room and @{member.username}")
    seen = room_detail_for_user(user=member, room_id=room.pk)
    assert (seen.unread_count, seen.mention_count) == (3, 2)
    # The author's own @room is no mention of theirs.
    assert room_detail_for_user(user=crew.owner, room_id=room.pk).mention_count == 0
    # A muted room still counts mentions.
    notification_level_set(user=member, room_id=room.pk, level="muted")
    muted = room_detail_for_user(user=member, room_id=room.pk)
    assert (muted.mention_count, muted.my_notification_level) == (2, "muted")
    read_mark(user=member, room_id=room.pk, seq=last.seq - 1)
    assert room_detail_for_user(user=member, room_id=room.pk).mention_count == 1
    read_mark(user=member, room_id=room.pk, seq=last.seq)
    assert room_detail_for_user(user=member, room_id=room.pk).mention_count == 0


@pytest.mark.django_db
def test_a_deleted_or_edited_away_mention_no_longer_counts(crew):
    room, member = crew.room, crew.member
    deleted, _ = message_create(room_id=room.pk, author=crew.owner, body=f"@{member.username} a")
    edited, _ = message_create(room_id=room.pk, author=crew.owner, body=f"@{member.username} b")
    assert room_detail_for_user(user=member, room_id=room.pk).mention_count == 2
    message_delete(actor=crew.owner, message_id=deleted.pk)
    message_update(actor=crew.owner, message_id=edited.pk, body="nobody now")
    assert room_detail_for_user(user=member, room_id=room.pk).mention_count == 0
    assert not Mention.objects.exists()


@pytest.mark.django_db
def test_the_mention_frame_goes_after_commit_to_the_named_only(
    crew, sent_events, django_capture_on_commit_callbacks
):
    room = crew.room
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = message_create(room_id=room.pk, author=crew.owner, body=f"hey @{crew.member.username}")
        assert sent_events == []  # nothing before the commit
    [(group, frame)] = sent_events.frames("mention")
    assert group == f"user.{crew.member.pk}"
    assert frame["room"] == room.pk and frame["everyone"] is False
    assert frame["message"]["id"] == message.pk and frame["message"]["mentions"] == [crew.member.pk]
    # The event names the room, so a socket that no longer follows it drops it.
    assert [event.get("room") for g, event in sent_events if g == group] == [room.pk]

    sent_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        body = f"hey @{crew.member.username} and @{crew.moderator.username}"
        message_update(actor=crew.owner, message_id=message.pk, body=body)
    # Only the newly named member hears of the edit's mention.
    assert [g for g, _ in sent_events.frames("mention")] == [f"user.{crew.moderator.pk}"]

    sent_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_create(room_id=room.pk, author=crew.member, body="@room all of you")
    [(group, frame)] = sent_events.frames("mention")
    assert group == f"room.{room.pk}" and frame["everyone"] is True
    [(_, event)] = [(g, e) for g, e in sent_events if e.get("frame", {}).get("type") == "mention"]
    assert event["exclude_user"] == crew.member.pk


@pytest.mark.django_db
def test_a_refused_send_sends_no_mention(crew, sent_events, django_capture_on_commit_callbacks):
    Membership.objects.filter(room=crew.room, user=crew.member).update(is_muted=True)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden):
        message_create(room_id=crew.room.pk, author=crew.member, body=f"@{crew.owner.username}")
    assert sent_events == []


@pytest.mark.django_db
def test_notification_level_is_validated_and_reaches_the_users_sockets(
    crew, sent_events, django_capture_on_commit_callbacks
):
    with pytest.raises(Invalid):
        notification_level_set(user=crew.member, room_id=crew.room.pk, level="loud")
    with pytest.raises(Forbidden):
        notification_level_set(user=crew.outsider, room_id=crew.room.pk, level="muted")
    with django_capture_on_commit_callbacks(execute=True):
        notification_level_set(user=crew.member, room_id=crew.room.pk, level="mentions")
        notification_level_set(user=crew.member, room_id=crew.room.pk, level="mentions")
    assert sent_events == [(f"user.{crew.member.pk}", {"type": "chat.room_changed", "room": crew.room.pk})]


@pytest.mark.django_db
def test_the_room_list_counts_mentions_in_one_query_however_many_rooms(user, other_user):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            room_list_for_user(user=user)
        return len(captured)

    room = room_with_members(owner=other_user, members=[user])
    message_create(room_id=room.pk, author=other_user, body=f"@{user.username}")
    one = list_queries()
    for n in range(4):
        more = room_with_members(owner=other_user, members=[user], name=f"r{n}")
        message_create(room_id=more.pk, author=other_user, body=f"@room {n}")
    assert list_queries() == one
    assert sorted(r.mention_count for r in room_list_for_user(user=user)) == [1, 1, 1, 1, 1]


@pytest.mark.django_db
def test_rest_room_and_notifications_endpoint(make_client, crew):
    member_api = make_client(crew.member)
    message_create(room_id=crew.room.pk, author=crew.owner, body=f"@{crew.member.username} hi")
    room = member_api.get(f"/api/rooms/{crew.room.pk}/").json()
    assert (room["mention_count"], room["notification_level"], room["allow_room_mentions"]) == (
        1,
        "all",
        True,
    )
    answer = member_api.put(f"/api/rooms/{crew.room.pk}/notifications/", {"level": "muted"}, format="json")
    assert answer.status_code == 200 and answer.json()["notification_level"] == "muted"
    bad = member_api.put(f"/api/rooms/{crew.room.pk}/notifications/", {"level": "x"}, format="json")
    assert bad.status_code == 400
    outsider = make_client(crew.outsider).put(
        f"/api/rooms/{crew.room.pk}/notifications/", {"level": "all"}, format="json"
    )
    assert outsider.status_code == 403
    assert make_client(crew.outsider).get(f"/api/rooms/{crew.room.pk}/").json()["notification_level"] is None
    owner_api = make_client(crew.owner)
    patched = owner_api.patch(f"/api/rooms/{crew.room.pk}/", {"allow_room_mentions": False}, format="json")
    assert patched.status_code == 200 and patched.json()["allow_room_mentions"] is False
