"""Editing and deleting messages (contract: `PATCH` / `DELETE /api/messages/{id}/`)."""

import pytest
from channels.db import database_sync_to_async

from messaging.models import Message
from moderation import services as moderation_services
from rooms.models import Membership, Room

from ..factories import UserFactory, make_member, post, room_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=UserFactory(), members=[user, other_user])


# --- edit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("\u200b", "A message cannot be empty."),
        ("\u202egnp.exe", "A message cannot contain bidirectional override or isolate controls."),
    ],
)
def test_an_edit_is_validated_as_a_new_message_is(api, user, room, body, detail):
    message = post(room, user, "fine")
    response = api.patch(f"/api/messages/{message.pk}/", {"body": body}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "invalid"}
    message.refresh_from_db()
    assert (message.body, message.edited_at) == ("fine", None)


def test_author_edits_the_body_and_everyone_in_the_room_hears_message_updated(
    api, user, room, sent_events, django_capture_on_commit_callbacks
):
    message = post(room, user, "helo")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/messages/{message.pk}/", {"body": "  hello  "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == message.pk
    assert body["seq"] == 1
    assert body["body"] == "hello"
    assert body["edited_at"] is not None
    assert body["deleted"] is False
    assert body["author"] == {"id": user.pk, "username": user.username}
    message.refresh_from_db()
    assert (message.body, message.edited_at is not None) == ("hello", True)
    assert sent_events.frames("message.updated") == [
        (f"room.{room.pk}", {"type": "message.updated", "message": body})
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [("", "empty"), ("   \n\t ", "white space only"), ("x" * 4001, "over 4000 characters")],
)
def test_an_edit_is_validated_like_a_new_message(api, user, room, body, reason):
    message = post(room, user, "original")
    response = api.patch(f"/api/messages/{message.pk}/", {"body": body}, format="json")
    assert response.status_code == 400, reason
    assert response.json()["code"] == "invalid"
    message.refresh_from_db()
    assert (message.body, message.edited_at) == ("original", None)


def test_an_edit_of_4000_characters_within_white_space_is_accepted(api, user, room):
    message = post(room, user, "original")
    response = api.patch(f"/api/messages/{message.pk}/", {"body": " " + "y" * 4000 + " "}, format="json")
    assert response.status_code == 200
    assert response.json()["body"] == "y" * 4000


def test_only_the_author_may_edit_not_moderators_nor_staff(
    make_client, user, other_user, room, sent_events, django_capture_on_commit_callbacks
):
    message = post(room, user, "mine")
    moderator = UserFactory()
    make_member(room, moderator, Membership.Role.MODERATOR)
    owner = room.memberships.get(role=Membership.Role.OWNER).user
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        for actor in (other_user, moderator, owner, staff):
            response = make_client(actor).patch(
                f"/api/messages/{message.pk}/", {"body": "theirs"}, format="json"
            )
            assert response.status_code == 403, actor
            assert response.json()["code"] == "forbidden"
    message.refresh_from_db()
    assert (message.body, message.edited_at) == ("mine", None)
    assert sent_events == []


def test_a_private_room_message_is_not_found_for_outsiders(make_client, user):
    room = room_with_members(owner=user, kind=Room.Kind.PRIVATE)
    message = post(room, user, "secret")
    outsider = make_client(UserFactory())
    assert outsider.patch(f"/api/messages/{message.pk}/", {"body": "x"}, format="json").status_code == 404
    assert outsider.delete(f"/api/messages/{message.pk}/").status_code == 404
    assert make_client(user).patch("/api/messages/999999/", {"body": "x"}, format="json").status_code == 404


def test_a_muted_author_or_a_member_of_a_locked_room_cannot_edit(api, user, room):
    message = post(room, user, "before")
    Membership.objects.filter(room=room, user=user).update(is_muted=True)
    assert api.patch(f"/api/messages/{message.pk}/", {"body": "after"}, format="json").status_code == 403
    Membership.objects.filter(room=room, user=user).update(is_muted=False)
    Room.objects.filter(pk=room.pk).update(is_locked=True)
    assert api.patch(f"/api/messages/{message.pk}/", {"body": "after"}, format="json").status_code == 403
    message.refresh_from_db()
    assert message.body == "before"


def test_an_unchanged_body_is_not_an_edit(api, user, room, sent_events, django_capture_on_commit_callbacks):
    message = post(room, user, "same")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/messages/{message.pk}/", {"body": " same "}, format="json")
    assert response.status_code == 200
    assert response.json()["edited_at"] is None
    assert sent_events == []


def test_a_deleted_message_cannot_be_edited(api, user, room):
    message = post(room, user, "gone soon")
    assert api.delete(f"/api/messages/{message.pk}/").status_code == 204
    response = api.patch(f"/api/messages/{message.pk}/", {"body": "back"}, format="json")
    assert response.status_code == 400
    message.refresh_from_db()
    assert (message.body, message.deleted) == ("", True)


# --- delete ------------------------------------------------------------------------


def test_delete_keeps_the_row_and_seq_empties_the_body_and_broadcasts(
    api, user, room, sent_events, django_capture_on_commit_callbacks
):
    post(room, user, "one")
    message = post(room, user, "two")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/messages/{message.pk}/")
    assert response.status_code == 204
    message.refresh_from_db()
    assert (message.seq, message.body, message.deleted) == (2, "", True)
    assert message.client_id is None
    assert sent_events.frames("message.deleted") == [
        (f"room.{room.pk}", {"type": "message.deleted", "room": room.pk, "id": message.pk, "seq": 2})
    ]


@pytest.mark.parametrize(
    ("actor_kind", "status"),
    [
        ("author", 204),
        ("owner", 204),
        ("moderator", 204),
        ("staff", 204),
        ("member", 403),
        ("outsider", 403),
    ],
)
@pytest.mark.parametrize("kind", [Room.Kind.PUBLIC, Room.Kind.PRIVATE])
def test_who_may_delete(make_client, user, actor_kind, status, kind):
    owner = UserFactory()
    room = room_with_members(owner=owner, members=[user], kind=kind)
    message = post(room, user, "doomed")
    actor = {
        "author": user,
        "owner": owner,
        "moderator": make_member(room, UserFactory(), Membership.Role.MODERATOR).user,
        "staff": UserFactory(is_staff=True),  # not a member, even of the private room
        "member": make_member(room, UserFactory()).user,
        "outsider": UserFactory(),
    }[actor_kind]
    if actor_kind == "outsider" and kind == Room.Kind.PRIVATE:
        status = 404  # a private room of others does not exist for them
    response = make_client(actor).delete(f"/api/messages/{message.pk}/")
    assert response.status_code == status
    message.refresh_from_db()
    assert message.deleted is (status == 204)
    assert message.body == ("" if status == 204 else "doomed")


def test_deleting_twice_broadcasts_once(api, user, room, sent_events, django_capture_on_commit_callbacks):
    message = post(room, user, "once")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/messages/{message.pk}/").status_code == 204
        assert api.delete(f"/api/messages/{message.pk}/").status_code == 204
    assert len(sent_events.frames("message.deleted")) == 1


def test_history_shows_the_deleted_placeholder_in_place(api, user, other_user, room):
    first = post(room, user, "first")
    second = post(room, other_user, "second")
    post(room, user, "third")
    assert api.delete(f"/api/messages/{second.pk}/").status_code == 403
    assert api.delete(f"/api/messages/{first.pk}/").status_code == 204
    history = api.get(f"/api/rooms/{room.pk}/messages/").json()["results"]
    assert [(m["seq"], m["body"], m["deleted"]) for m in history] == [
        (1, "", True),
        (2, "second", False),
        (3, "third", False),
    ]
    assert history[0]["author"] == {"id": user.pk, "username": user.username}


# --- over sockets ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_second_user_hears_edits_and_deletes_on_their_socket(open_ws, make_client):
    alice, bob, owner = await database_sync_to_async(lambda: [UserFactory() for _ in range(3)])()
    room = await database_sync_to_async(room_with_members)(owner=owner, members=[alice, bob])
    message = await database_sync_to_async(post)(room, alice, "typo")
    bob_ws = await open_ws(bob)
    alice_api, owner_api, bob_api = [
        await database_sync_to_async(make_client)(u) for u in (alice, owner, bob)
    ]

    edited = await database_sync_to_async(alice_api.patch)(
        f"/api/messages/{message.pk}/", {"body": "fixed"}, format="json"
    )
    assert edited.status_code == 200
    updated = await bob_ws.recv_type("message.updated")
    assert updated["message"] == edited.json()
    assert updated["message"]["body"] == "fixed" and updated["message"]["edited_at"] is not None

    deleted = await database_sync_to_async(owner_api.delete)(f"/api/messages/{message.pk}/")
    assert deleted.status_code == 204
    assert await bob_ws.recv_type("message.deleted") == {
        "type": "message.deleted",
        "room": room.pk,
        "id": message.pk,
        "seq": 1,
    }
    history = await database_sync_to_async(bob_api.get)(f"/api/rooms/{room.pk}/messages/")
    [placeholder] = history.json()["results"]
    assert (placeholder["id"], placeholder["deleted"], placeholder["body"]) == (message.pk, True, "")
    stored = await database_sync_to_async(Message.objects.get)(pk=message.pk)
    assert stored.seq == 1


@pytest.mark.parametrize("how", ["left", "removed", "banned"])
def test_an_author_who_is_no_longer_a_member_neither_edits_nor_deletes(make_client, how):
    from rooms import services as room_services

    owner, author = UserFactory(), UserFactory()
    room = room_with_members(owner=owner, members=[author], kind=Room.Kind.PUBLIC)
    message = post(room, author, "said while a member")
    if how == "left":
        room_services.room_leave(user=author, room_id=room.pk)
    elif how == "removed":
        moderation_services.room_member_remove(actor=owner, room_id=room.pk, user_id=author.pk)
    else:
        moderation_services.room_ban_create(actor=owner, room_id=room.pk, username=author.username)
    api = make_client(author)
    url = f"/api/messages/{message.pk}/"
    edit = api.patch(url, {"body": "rewritten"}, format="json")
    assert (edit.status_code, edit.json()["code"]) == (403, "forbidden")
    delete = api.delete(url)
    assert delete.status_code == 403
    assert delete.json() == {"detail": "You are no longer a member of this room.", "code": "forbidden"}
    message.refresh_from_db()
    assert (message.body, message.deleted, message.edited_at) == ("said while a member", False, None)
    # The room's owner still may.
    assert make_client(owner).delete(url).status_code == 204
    message.refresh_from_db()
    assert message.deleted


def test_an_author_who_joins_again_may_delete_again(make_client):
    from rooms import services as room_services

    owner, author = UserFactory(), UserFactory()
    room = room_with_members(owner=owner, members=[author], kind=Room.Kind.PUBLIC)
    message = post(room, author, "mine")
    room_services.room_leave(user=author, room_id=room.pk)
    api = make_client(author)
    assert api.delete(f"/api/messages/{message.pk}/").status_code == 403
    room_services.room_join(user=author, room_id=room.pk)
    assert api.delete(f"/api/messages/{message.pk}/").status_code == 204


def test_a_former_member_of_a_private_room_finds_nothing_to_delete(make_client):

    owner, author = UserFactory(), UserFactory()
    room = room_with_members(owner=owner, members=[author], kind=Room.Kind.PRIVATE)
    message = post(room, author, "private words")
    moderation_services.room_member_remove(actor=owner, room_id=room.pk, user_id=author.pk)
    assert make_client(author).delete(f"/api/messages/{message.pk}/").status_code == 404
    message.refresh_from_db()
    assert not message.deleted
