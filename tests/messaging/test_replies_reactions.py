"""Replies and reactions (issue 11, sections 2 and 3): services, REST, constraints, limits,
and history that costs the same number of queries at any page size."""

import pytest
from django.db import IntegrityError, transaction

from core.errors import Forbidden, Invalid, NotFound
from messaging.models import Reaction
from messaging.services import emoji_clean, message_create, reaction_add, reaction_remove
from moderation.services import message_delete, room_update
from rooms.models import Membership, Room

from ..factories import UserFactory, post, room_with_members

THUMBS = "\U0001f44d"
HEART = "\u2764\ufe0f"


# --- Replies -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reply_quotes_its_original_and_keeps_it_once_deleted(crew, make_client):
    original = post(crew.room, crew.member, "the   original\nquestion")
    reply, _ = message_create(room_id=crew.room.pk, author=crew.owner, body="answer", reply_to=original.pk)
    api = make_client(crew.member)
    page = api.get(f"/api/rooms/{crew.room.pk}/messages/").json()["results"]
    assert page[-1]["reply_to"] == {
        "id": original.pk,
        "seq": original.seq,
        "author": {"id": crew.member.pk, "username": crew.member.username},
        "excerpt": "the original question",
        "deleted": False,
    }
    message_delete(actor=crew.member, message_id=original.pk)
    page = api.get(f"/api/rooms/{crew.room.pk}/messages/").json()["results"]
    assert page[-1]["id"] == reply.pk
    assert page[-1]["reply_to"]["excerpt"] == "deleted message"
    assert page[-1]["reply_to"]["deleted"] is True


@pytest.mark.django_db
def test_a_reply_must_answer_a_live_message_of_the_same_room(crew, user):
    elsewhere = room_with_members(owner=user, name="elsewhere")
    foreign = post(elsewhere, user, "not here")
    gone = post(crew.room, crew.member, "gone")
    message_delete(actor=crew.member, message_id=gone.pk)
    for bad in (foreign.pk, gone.pk, 10**9, "1", True):
        with pytest.raises(Invalid):
            message_create(room_id=crew.room.pk, author=crew.owner, body="x", reply_to=bad)


@pytest.mark.django_db
def test_rest_post_takes_reply_to(crew, make_client):
    original = post(crew.room, crew.member, "q")
    api = make_client(crew.owner)
    answer = api.post(
        f"/api/rooms/{crew.room.pk}/messages/", {"body": "a", "reply_to": original.pk}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["reply_to"]["id"] == original.pk
    refused = api.post(
        f"/api/rooms/{crew.room.pk}/messages/", {"body": "a", "reply_to": 10**9}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"


# --- Reactions -----------------------------------------------------------------------


def test_emoji_clean_takes_one_emoji_and_one_spelling():
    assert emoji_clean(THUMBS) == THUMBS
    assert emoji_clean("\U0001f44d\U0001f3fd") == "\U0001f44d\U0001f3fd"  # a skin tone
    assert emoji_clean("\u2764") == HEART  # unqualified -> fully qualified
    assert emoji_clean("\U0001f1eb\U0001f1f7") == "\U0001f1eb\U0001f1f7"  # a flag
    for bad in ("", "a", ":+1:", THUMBS * 2, f"{THUMBS} ", "x" * 40, None, 5):
        with pytest.raises(Invalid):
            emoji_clean(bad)


@pytest.mark.django_db
def test_reactions_count_once_per_user_and_emoji_and_come_back_idempotently(crew):
    message = post(crew.room, crew.owner, "react to me")
    assert reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS) == (
        [{"emoji": THUMBS, "count": 1}],
        True,
    )
    assert reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)[1] is False
    counts, _ = reaction_add(user=crew.moderator, message_id=message.pk, emoji=THUMBS)
    counts, _ = reaction_add(user=crew.moderator, message_id=message.pk, emoji="\u2764")
    assert counts == [{"emoji": THUMBS, "count": 2}, {"emoji": HEART, "count": 1}]
    assert reaction_remove(user=crew.member, message_id=message.pk, emoji=THUMBS) == (
        [{"emoji": THUMBS, "count": 1}, {"emoji": HEART, "count": 1}],
        True,
    )
    assert reaction_remove(user=crew.member, message_id=message.pk, emoji=THUMBS)[1] is False
    counts, _ = reaction_remove(user=crew.moderator, message_id=message.pk, emoji=THUMBS)
    assert counts == [{"emoji": HEART, "count": 1}]
    message.refresh_from_db()
    assert message.reaction_counts == counts


@pytest.mark.django_db
def test_the_database_holds_one_reaction_per_user_message_and_emoji(crew):
    message = post(crew.room, crew.owner)
    Reaction.objects.create(message=message, user=crew.member, emoji=THUMBS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(message=message, user=crew.member, emoji=THUMBS)


@pytest.mark.django_db
def test_a_message_holds_a_bounded_set_of_distinct_emoji(crew, settings):
    settings.CHAT_REACTIONS_MAX_EMOJI = 2
    message = post(crew.room, crew.owner)
    reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
    reaction_add(user=crew.member, message_id=message.pk, emoji=HEART)
    with pytest.raises(Invalid):
        reaction_add(user=crew.member, message_id=message.pk, emoji="\U0001f389")
    # An emoji already there still takes more people.
    reaction_add(user=crew.moderator, message_id=message.pk, emoji=HEART)


@pytest.mark.django_db
def test_who_may_react_is_who_may_post(crew, user):
    message = post(crew.room, crew.owner)
    with pytest.raises(Forbidden):
        reaction_add(user=crew.outsider, message_id=message.pk, emoji=THUMBS)
    Membership.objects.filter(room=crew.room, user=crew.member).update(is_muted=True)
    with pytest.raises(Forbidden):
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
    Membership.objects.filter(room=crew.room, user=crew.member).update(is_muted=False)
    room_update(actor=crew.owner, room_id=crew.room.pk, is_locked=True)
    with pytest.raises(Forbidden):
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
    reaction_add(user=crew.moderator, message_id=message.pk, emoji=THUMBS)
    secret = room_with_members(owner=user, kind=Room.Kind.PRIVATE, name="secret")
    hidden = post(secret, user)
    with pytest.raises(NotFound):
        reaction_add(user=crew.member, message_id=hidden.pk, emoji=THUMBS)
    with pytest.raises(NotFound):
        reaction_add(user=crew.member, message_id=10**9, emoji=THUMBS)


@pytest.mark.django_db
def test_a_deleted_message_loses_its_reactions_and_takes_no_more(crew):
    message = post(crew.room, crew.owner)
    reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
    message_delete(actor=crew.owner, message_id=message.pk)
    assert not Reaction.objects.exists()
    with pytest.raises(Invalid):
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)


@pytest.mark.django_db
def test_the_reaction_frame_carries_counts_and_the_actor_after_commit(
    crew, sent_events, django_capture_on_commit_callbacks
):
    message = post(crew.room, crew.owner)
    with django_capture_on_commit_callbacks(execute=True):
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
        assert sent_events == []
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)  # no change, no frame
        reaction_remove(user=crew.member, message_id=message.pk, emoji=THUMBS)
    member = {"id": crew.member.pk, "username": crew.member.username}
    base = {
        "type": "reaction",
        "room": crew.room.pk,
        "message": message.pk,
        "seq": message.seq,
        "emoji": THUMBS,
    }
    assert sent_events.frames("reaction") == [
        (f"room.{crew.room.pk}", {**base, "count": 1, "user": member, "added": True}),
        (f"room.{crew.room.pk}", {**base, "count": 0, "user": member, "added": False}),
    ]


@pytest.mark.django_db
def test_rest_reactions_put_delete_and_who_reacted(crew, make_client):
    message = post(crew.room, crew.owner)
    api = make_client(crew.member)
    url = f"/api/messages/{message.pk}/reactions/"
    added = api.put(f"{url}{THUMBS}/")
    assert added.status_code == 201
    assert added.json() == {"message": message.pk, "reactions": [{"emoji": THUMBS, "count": 1, "me": True}]}
    assert api.put(f"{url}{THUMBS}/").status_code == 200
    seen = make_client(crew.owner).get(f"/api/rooms/{crew.room.pk}/messages/").json()["results"][-1]
    assert seen["reactions"] == [{"emoji": THUMBS, "count": 1, "me": False}]
    mine = api.get(f"/api/rooms/{crew.room.pk}/messages/").json()["results"][-1]
    assert mine["reactions"] == [{"emoji": THUMBS, "count": 1, "me": True}]
    who = make_client(crew.outsider).get(url)
    assert who.status_code == 200
    assert who.json() == [
        {"emoji": THUMBS, "count": 1, "users": [{"id": crew.member.pk, "username": crew.member.username}]}
    ]
    assert api.put(f"{url}nope/").status_code == 400
    assert make_client(crew.outsider).put(f"{url}{THUMBS}/").status_code == 403
    removed = api.delete(f"{url}{THUMBS}/")
    assert removed.status_code == 200 and removed.json()["reactions"] == []
    assert api.get("/api/messages/999999/reactions/").status_code == 404


@pytest.mark.django_db
def test_who_reacted_hides_private_rooms(user, make_client):
    secret = room_with_members(owner=user, kind=Room.Kind.PRIVATE, name="secret")
    message = post(secret, user)
    assert make_client(UserFactory()).get(f"/api/messages/{message.pk}/reactions/").status_code == 404


# --- History stays a constant number of queries --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 40])
def test_a_history_page_with_replies_and_reactions_costs_the_same_at_any_size(
    size, crew, make_client, django_assert_num_queries
):
    previous = None
    for n in range(size):
        message, _ = message_create(
            room_id=crew.room.pk,
            author=crew.owner if n % 2 else crew.member,
            body=f"m{n} @{crew.member.username}",
            reply_to=previous.pk if previous else None,
        )
        reaction_add(user=crew.member, message_id=message.pk, emoji=THUMBS)
        reaction_add(user=crew.moderator, message_id=message.pk, emoji=HEART)
        previous = message
    api = make_client(crew.member)
    api.get(f"/api/rooms/{crew.room.pk}/messages/?limit=1")  # the token's user is cached from here on
    # Authentication (token + user), the room access, the page, the viewer's reactions.
    with django_assert_num_queries(4):
        page = api.get(f"/api/rooms/{crew.room.pk}/messages/?limit={size}").json()["results"]
    assert len(page) == size
    assert all(
        m["reactions"]
        == [{"emoji": THUMBS, "count": 1, "me": True}, {"emoji": HEART, "count": 1, "me": False}]
        for m in page
    )
    assert all(m["reply_to"]["seq"] == m["seq"] - 1 for m in page[1:])
    with django_assert_num_queries(5):
        api.get(f"/api/rooms/{crew.room.pk}/messages/?around={page[size // 2]['seq']}&limit={size}")
