"""Moderation over REST (contract: Moderation): who may do what to whom, what it leaves behind."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Message
from messaging.services import message_create
from realtime.events import room_group, user_group
from rooms.models import Ban, Membership, ModerationAction, Room

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

A = ModerationAction.Action


def member_url(room, user) -> str:
    return f"/api/rooms/{room.pk}/members/{user.pk}/"


def bans_url(room) -> str:
    return f"/api/rooms/{room.pk}/bans/"


def role_of(room, user) -> str | None:
    return Membership.objects.filter(room=room, user=user).values_list("role", flat=True).first()


def is_muted(room, user) -> bool:
    return Membership.objects.get(room=room, user=user).is_muted


def audit(room) -> list[tuple]:
    """The room's audit rows, oldest first, as (action, actor id, target id, message id, reason, details)."""
    return list(
        ModerationAction.objects.filter(room=room)
        .order_by("pk")
        .values_list("action", "actor_id", "target_user_id", "message_id", "reason", "details")
    )


# --- roles -------------------------------------------------------------------


def test_owner_promotes_a_member_to_moderator(
    crew, make_client, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(crew.owner).patch(
            member_url(crew.room, crew.member), {"role": "moderator", "reason": "helpful"}, format="json"
        )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": crew.member.pk, "username": crew.member.username}
    assert body["role"] == "moderator"
    assert body["muted"] is False
    assert body["online"] is False
    assert role_of(crew.room, crew.member) == "moderator"
    assert audit(crew.room) == [
        (A.ROLE_CHANGE, crew.owner.pk, crew.member.pk, None, "helpful", {"from": "member", "to": "moderator"})
    ]
    [update] = sent_events.to(room_group(crew.room.pk))
    assert update["type"] == "member.updated"
    assert update["room"] == crew.room.pk
    assert update["member"]["user"]["id"] == crew.member.pk
    assert update["member"]["role"] == "moderator"


def test_owner_demotes_a_moderator_to_member(crew, make_client):
    response = make_client(crew.owner).patch(
        member_url(crew.room, crew.moderator), {"role": "member"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "member"
    assert role_of(crew.room, crew.moderator) == "member"
    assert audit(crew.room) == [
        (A.ROLE_CHANGE, crew.owner.pk, crew.moderator.pk, None, "", {"from": "moderator", "to": "member"})
    ]


def test_setting_the_current_role_changes_nothing_and_leaves_no_record(crew, make_client):
    response = make_client(crew.owner).patch(
        member_url(crew.room, crew.member), {"role": "member"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "member"
    assert audit(crew.room) == []


def test_a_moderator_cannot_change_roles(crew, make_client):
    client = make_client(crew.moderator)
    for target, role in ((crew.member, "moderator"), (crew.member, "owner"), (crew.owner, "member")):
        response = client.patch(member_url(crew.room, target), {"role": role}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert role_of(crew.room, crew.member) == "member"
    assert role_of(crew.room, crew.owner) == "owner"
    assert audit(crew.room) == []


def test_a_role_change_with_a_mute_is_all_or_nothing(crew, make_client):
    # The mute alone would be allowed to a moderator; the role change is not, so neither happens.
    response = make_client(crew.moderator).patch(
        member_url(crew.room, crew.member), {"role": "moderator", "muted": True}, format="json"
    )
    assert response.status_code == 403
    assert is_muted(crew.room, crew.member) is False
    assert role_of(crew.room, crew.member) == "member"
    assert audit(crew.room) == []


def test_the_owner_may_make_a_co_owner_who_cannot_demote_the_owner(crew, make_client):
    response = make_client(crew.owner).patch(
        member_url(crew.room, crew.member), {"role": "owner"}, format="json"
    )
    assert response.status_code == 200
    assert role_of(crew.room, crew.member) == "owner"
    refused = make_client(crew.member).patch(
        member_url(crew.room, crew.owner), {"role": "member"}, format="json"
    )
    assert refused.status_code == 403
    assert role_of(crew.room, crew.owner) == "owner"


def test_an_owner_cannot_demote_themselves(crew, make_client):
    response = make_client(crew.owner).patch(
        member_url(crew.room, crew.owner), {"role": "member"}, format="json"
    )
    assert response.status_code == 403
    assert role_of(crew.room, crew.owner) == "owner"


def test_staff_change_an_owners_role_but_a_room_keeps_one_owner(crew, make_client):
    staff = make_client(crew.staff)
    last = staff.patch(member_url(crew.room, crew.owner), {"role": "member"}, format="json")
    assert last.status_code == 400
    assert last.json()["code"] == "invalid"
    assert role_of(crew.room, crew.owner) == "owner"
    assert (
        staff.patch(member_url(crew.room, crew.member), {"role": "owner"}, format="json").status_code == 200
    )
    demoted = staff.patch(member_url(crew.room, crew.owner), {"role": "moderator"}, format="json")
    assert demoted.status_code == 200
    assert role_of(crew.room, crew.owner) == "moderator"
    assert [(row[0], row[1], row[2], row[5]) for row in audit(crew.room)] == [
        (A.ROLE_CHANGE, crew.staff.pk, crew.member.pk, {"from": "member", "to": "owner"}),
        (A.ROLE_CHANGE, crew.staff.pk, crew.owner.pk, {"from": "owner", "to": "moderator"}),
    ]


def test_a_bad_role_or_an_empty_change_is_400(crew, make_client):
    client = make_client(crew.owner)
    assert (
        client.patch(member_url(crew.room, crew.member), {"role": "admin"}, format="json").status_code == 400
    )
    assert client.patch(member_url(crew.room, crew.member), {}, format="json").status_code == 400
    assert client.patch(member_url(crew.room, crew.member), {"reason": "x"}, format="json").status_code == 400


def test_changing_a_non_member_is_404(crew, make_client):
    response = make_client(crew.owner).patch(
        member_url(crew.room, crew.outsider), {"muted": True}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- a member cannot moderate -----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "members/{target}/", {"role": "moderator"}),
        ("patch", "members/{target}/", {"muted": True}),
        ("delete", "members/{target}/", None),
        ("get", "bans/", None),
        ("post", "bans/", {"username": "{target_name}"}),  # filled in with the target's name
        ("delete", "bans/{banned}/", None),
        ("patch", "", {"is_locked": True}),
    ],
)
def test_a_member_cannot_moderate(crew, make_client, method, path, body):
    target = UserFactory()
    Membership.objects.create(room=crew.room, user=target)
    banned = UserFactory()
    Ban.objects.create(room=crew.room, user=banned, banned_by=crew.owner)
    url = f"/api/rooms/{crew.room.pk}/" + path.format(target=target.pk, banned=banned.pk)
    if body is not None:
        body = {
            k: v.format(target_name=target.username) if isinstance(v, str) else v for k, v in body.items()
        }
    # A plain member, and an outsider of this public room, are both refused with 403.
    for actor in (crew.member, crew.outsider):
        response = getattr(make_client(actor), method)(url, body, format="json")
        assert response.status_code == 403, (actor, response.content)
        assert response.json()["code"] == "forbidden"
    assert Membership.objects.filter(room=crew.room, user=target, role="member", is_muted=False).exists()
    assert Ban.objects.filter(room=crew.room, user=banned).exists()
    assert not Ban.objects.filter(room=crew.room, user=target).exists()
    assert Room.objects.get(pk=crew.room.pk).is_locked is False
    assert audit(crew.room) == []


def test_an_outsider_of_a_private_room_cannot_learn_it_exists(crew, make_client):
    room = room_with_members(owner=crew.owner, members=[crew.member], kind=Room.Kind.PRIVATE, name="secret")
    client = make_client(crew.outsider)
    assert client.get(bans_url(room)).status_code == 404
    assert client.patch(member_url(room, crew.member), {"muted": True}, format="json").status_code == 404
    assert client.delete(member_url(room, crew.member)).status_code == 404


# --- mute ----------------------------------------------------------------------


def test_a_moderator_mutes_a_member_who_can_read_but_not_post(
    crew, make_client, sent_events, django_capture_on_commit_callbacks
):
    message_create(room_id=crew.room.pk, author=crew.owner, body="before")
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(crew.moderator).patch(
            member_url(crew.room, crew.member), {"muted": True, "reason": "flooding"}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["muted"] is True
    assert response.json()["role"] == "member"
    [update] = sent_events.to(room_group(crew.room.pk))
    assert update["type"] == "member.updated"
    assert update["member"]["muted"] is True

    member = make_client(crew.member)
    refused = member.post(f"/api/rooms/{crew.room.pk}/messages/", {"body": "let me talk"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    history = member.get(f"/api/rooms/{crew.room.pk}/messages/").json()["results"]
    assert [m["body"] for m in history] == ["before"]

    assert (
        make_client(crew.moderator)
        .patch(member_url(crew.room, crew.member), {"muted": False}, format="json")
        .json()["muted"]
        is False
    )
    posted = member.post(f"/api/rooms/{crew.room.pk}/messages/", {"body": "thanks"}, format="json")
    assert posted.status_code == 201
    assert audit(crew.room) == [
        (A.MUTE, crew.moderator.pk, crew.member.pk, None, "flooding", {}),
        (A.UNMUTE, crew.moderator.pk, crew.member.pk, None, "", {}),
    ]


def test_a_moderator_cannot_mute_an_owner_or_another_moderator(crew, make_client):
    other_moderator = UserFactory()
    Membership.objects.create(room=crew.room, user=other_moderator, role=Membership.Role.MODERATOR)
    client = make_client(crew.moderator)
    for target in (crew.owner, other_moderator):
        response = client.patch(member_url(crew.room, target), {"muted": True}, format="json")
        assert response.status_code == 403
        assert is_muted(crew.room, target) is False
    assert audit(crew.room) == []


def test_the_owner_mutes_a_moderator_and_only_staff_mute_an_owner(crew, make_client):
    assert (
        make_client(crew.owner)
        .patch(member_url(crew.room, crew.moderator), {"muted": True}, format="json")
        .status_code
        == 200
    )
    assert is_muted(crew.room, crew.moderator) is True
    muted_owner = make_client(crew.staff).patch(
        member_url(crew.room, crew.owner), {"muted": True}, format="json"
    )
    assert muted_owner.status_code == 200
    assert is_muted(crew.room, crew.owner) is True
    assert [row[:3] for row in audit(crew.room)] == [
        (A.MUTE, crew.owner.pk, crew.moderator.pk),
        (A.MUTE, crew.staff.pk, crew.owner.pk),
    ]


def test_muting_oneself_is_400(crew, make_client):
    response = make_client(crew.staff).patch(
        member_url(crew.room, crew.staff), {"muted": True}, format="json"
    )
    assert response.status_code == 400


# --- remove --------------------------------------------------------------------


def test_a_moderator_removes_a_member_who_gets_room_removed_and_may_rejoin(
    crew, make_client, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(crew.moderator).delete(
            member_url(crew.room, crew.member), {"reason": "off topic"}, format="json"
        )
    assert response.status_code == 204
    assert role_of(crew.room, crew.member) is None
    assert sent_events.to(user_group(crew.member.pk)) == [
        {"type": "chat.unfollow", "room": crew.room.pk, "cause": "removed", "reason": "off topic"}
    ]
    assert audit(crew.room) == [(A.REMOVE, crew.moderator.pk, crew.member.pk, None, "off topic", {})]
    assert make_client(crew.member).post(f"/api/rooms/{crew.room.pk}/join/").status_code == 200


def test_a_moderator_cannot_remove_an_owner_or_a_moderator_and_the_owner_can(crew, make_client):
    other_moderator = UserFactory()
    Membership.objects.create(room=crew.room, user=other_moderator, role=Membership.Role.MODERATOR)
    for target in (crew.owner, other_moderator):
        assert make_client(crew.moderator).delete(member_url(crew.room, target)).status_code == 403
        assert role_of(crew.room, target) is not None
    assert make_client(crew.owner).delete(member_url(crew.room, other_moderator)).status_code == 204
    assert role_of(crew.room, other_moderator) is None
    assert [row[:3] for row in audit(crew.room)] == [(A.REMOVE, crew.owner.pk, other_moderator.pk)]


def test_removing_a_non_member_is_404_and_oneself_400(crew, make_client):
    assert make_client(crew.owner).delete(member_url(crew.room, crew.outsider)).status_code == 404
    assert make_client(crew.moderator).delete(member_url(crew.room, crew.moderator)).status_code == 400


# --- ban -----------------------------------------------------------------------


def test_a_moderator_bans_a_member_who_leaves_at_once_and_cannot_come_back(
    crew, make_client, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(crew.moderator).post(
            bans_url(crew.room), {"username": crew.member.username, "reason": "spam"}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert body["user"] == {"id": crew.member.pk, "username": crew.member.username}
    assert body["banned_by"] == {"id": crew.moderator.pk, "username": crew.moderator.username}
    assert body["reason"] == "spam"
    assert body["created_at"]
    assert role_of(crew.room, crew.member) is None
    assert sent_events.to(user_group(crew.member.pk)) == [
        {"type": "chat.unfollow", "room": crew.room.pk, "cause": "banned", "reason": "spam"}
    ]
    assert audit(crew.room) == [(A.BAN, crew.moderator.pk, crew.member.pk, None, "spam", {})]

    banned = make_client(crew.member)
    rejoin = banned.post(f"/api/rooms/{crew.room.pk}/join/")
    assert rejoin.status_code == 403
    assert rejoin.json()["code"] == "forbidden"
    post = banned.post(f"/api/rooms/{crew.room.pk}/messages/", {"body": "hello?"}, format="json")
    assert post.status_code == 403
    readd = make_client(crew.owner).post(
        f"/api/rooms/{crew.room.pk}/members/", {"username": crew.member.username}, format="json"
    )
    assert readd.status_code == 403
    assert role_of(crew.room, crew.member) is None

    listed = make_client(crew.owner).get(bans_url(crew.room))
    assert listed.status_code == 200
    assert listed.json() == [body]


def test_a_moderator_cannot_ban_an_owner(crew, make_client):
    response = make_client(crew.moderator).post(
        bans_url(crew.room), {"username": crew.owner.username}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert role_of(crew.room, crew.owner) == "owner"
    assert not Ban.objects.exists()
    assert audit(crew.room) == []


def test_a_moderator_cannot_ban_another_moderator_and_the_owner_can(crew, make_client):
    other_moderator = UserFactory()
    Membership.objects.create(room=crew.room, user=other_moderator, role=Membership.Role.MODERATOR)
    refused = make_client(crew.moderator).post(
        bans_url(crew.room), {"username": other_moderator.username}, format="json"
    )
    assert refused.status_code == 403
    assert role_of(crew.room, other_moderator) == "moderator"
    ok = make_client(crew.owner).post(
        bans_url(crew.room), {"username": other_moderator.username}, format="json"
    )
    assert ok.status_code == 201
    assert role_of(crew.room, other_moderator) is None


def test_an_outsider_can_be_banned_before_joining(crew, make_client):
    response = make_client(crew.moderator).post(
        bans_url(crew.room), {"username": crew.outsider.username}, format="json"
    )
    assert response.status_code == 201
    assert make_client(crew.outsider).post(f"/api/rooms/{crew.room.pk}/join/").status_code == 403
    assert [row[:3] for row in audit(crew.room)] == [(A.BAN, crew.moderator.pk, crew.outsider.pk)]


def test_banning_a_banned_user_again_is_200_and_changes_nothing(crew, make_client):
    client = make_client(crew.owner)
    first = client.post(
        bans_url(crew.room), {"username": crew.member.username, "reason": "one"}, format="json"
    )
    again = client.post(
        bans_url(crew.room), {"username": crew.member.username, "reason": "two"}, format="json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Ban.objects.filter(room=crew.room).count() == 1
    assert len(audit(crew.room)) == 1


def test_banning_an_unknown_user_is_404_and_oneself_400(crew, make_client):
    client = make_client(crew.owner)
    assert client.post(bans_url(crew.room), {"username": "nobody-here"}, format="json").status_code == 404
    assert (
        client.post(bans_url(crew.room), {"username": crew.owner.username}, format="json").status_code == 400
    )


def test_unban_lets_the_user_join_again(crew, make_client):
    make_client(crew.owner).post(bans_url(crew.room), {"username": crew.member.username}, format="json")
    response = make_client(crew.moderator).delete(
        f"{bans_url(crew.room)}{crew.member.pk}/", {"reason": "appealed"}, format="json"
    )
    assert response.status_code == 204
    assert not Ban.objects.exists()
    assert make_client(crew.member).post(f"/api/rooms/{crew.room.pk}/join/").status_code == 200
    assert role_of(crew.room, crew.member) == "member"
    assert [row[:5] for row in audit(crew.room)] == [
        (A.BAN, crew.owner.pk, crew.member.pk, None, ""),
        (A.UNBAN, crew.moderator.pk, crew.member.pk, None, "appealed"),
    ]
    again = make_client(crew.moderator).delete(f"{bans_url(crew.room)}{crew.member.pk}/")
    assert again.status_code == 404


def test_the_ban_list_is_newest_first_in_constant_queries(crew, make_client):
    client = make_client(crew.owner)
    first = UserFactory()
    client.post(bans_url(crew.room), {"username": first.username}, format="json")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(bans_url(crew.room)).json()) == 1
    later = [UserFactory() for _ in range(4)]
    for user in later:
        client.post(bans_url(crew.room), {"username": user.username}, format="json")
    with CaptureQueriesContext(connection) as five:
        listed = client.get(bans_url(crew.room)).json()
    assert [b["user"]["id"] for b in listed] == [u.pk for u in reversed([first, *later])]
    assert len(five) == len(one)


# --- staff ---------------------------------------------------------------------


def test_staff_moderate_a_private_room_they_are_not_in(crew, make_client):
    room = room_with_members(
        owner=crew.owner, members=[crew.member, crew.moderator], kind=Room.Kind.PRIVATE, name="hidden"
    )
    staff = make_client(crew.staff)
    assert staff.patch(member_url(room, crew.member), {"role": "moderator"}, format="json").json()[
        "role"
    ] == ("moderator")
    assert staff.patch(member_url(room, crew.member), {"muted": True}, format="json").json()["muted"] is True
    assert staff.delete(member_url(room, crew.moderator)).status_code == 204
    assert staff.post(bans_url(room), {"username": crew.owner.username}, format="json").status_code == 201
    assert [b["user"]["id"] for b in staff.get(bans_url(room)).json()] == [crew.owner.pk]
    assert staff.patch(f"/api/rooms/{room.pk}/", {"is_locked": True}, format="json").status_code == 200
    assert [row[:3] for row in audit(room)] == [
        (A.ROLE_CHANGE, crew.staff.pk, crew.member.pk),
        (A.MUTE, crew.staff.pk, crew.member.pk),
        (A.REMOVE, crew.staff.pk, crew.moderator.pk),
        (A.BAN, crew.staff.pk, crew.owner.pk),
        (A.LOCK, crew.staff.pk, None),
    ]


def test_a_direct_room_has_no_roles_removals_or_bans(crew, make_client):
    direct = (
        make_client(crew.owner).post("/api/direct/", {"username": crew.member.username}, format="json").json()
    )
    room = Room.objects.get(pk=direct["id"])
    staff = make_client(crew.staff)
    assert staff.patch(member_url(room, crew.member), {"role": "moderator"}, format="json").status_code == 400
    assert staff.delete(member_url(room, crew.member)).status_code == 400
    assert staff.post(bans_url(room), {"username": crew.member.username}, format="json").status_code == 400
    assert audit(room) == []


# --- lock and message deletion ---------------------------------------------------


def test_locking_is_audited_and_lets_only_owners_and_moderators_post(
    crew, make_client, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(crew.moderator).patch(
            f"/api/rooms/{crew.room.pk}/", {"is_locked": True}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["is_locked"] is True
    assert sent_events.to(room_group(crew.room.pk)) == [{"type": "chat.room_changed", "room": crew.room.pk}]
    messages = f"/api/rooms/{crew.room.pk}/messages/"
    refused = make_client(crew.member).post(messages, {"body": "hi"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert make_client(crew.moderator).post(messages, {"body": "mod"}, format="json").status_code == 201
    assert make_client(crew.owner).post(messages, {"body": "own"}, format="json").status_code == 201
    assert list(Message.objects.order_by("seq").values_list("body", flat=True)) == ["mod", "own"]
    # Saving the same lock again changes nothing and records nothing.
    make_client(crew.owner).patch(f"/api/rooms/{crew.room.pk}/", {"is_locked": True}, format="json")
    make_client(crew.owner).patch(f"/api/rooms/{crew.room.pk}/", {"is_locked": False}, format="json")
    assert make_client(crew.member).post(messages, {"body": "free"}, format="json").status_code == 201
    assert audit(crew.room) == [
        (A.LOCK, crew.moderator.pk, None, None, "", {}),
        (A.UNLOCK, crew.owner.pk, None, None, "", {}),
    ]


def test_a_moderators_deletion_is_audited_and_an_authors_is_not(crew, make_client):
    mine, _ = message_create(room_id=crew.room.pk, author=crew.member, body="oops")
    spam, _ = message_create(room_id=crew.room.pk, author=crew.member, body="spam")
    assert make_client(crew.member).delete(f"/api/messages/{mine.pk}/").status_code == 204
    assert make_client(crew.moderator).delete(f"/api/messages/{spam.pk}/").status_code == 204
    spam.refresh_from_db()
    assert spam.deleted and spam.body == ""
    assert audit(crew.room) == [(A.MESSAGE_DELETE, crew.moderator.pk, crew.member.pk, spam.pk, "", {})]


def test_staff_delete_a_message_in_a_private_room_they_are_not_in(crew, make_client):
    room = room_with_members(owner=crew.owner, members=[crew.member], kind=Room.Kind.PRIVATE, name="hidden")
    message, _ = message_create(room_id=room.pk, author=crew.member, body="abuse")
    assert make_client(crew.staff).delete(f"/api/messages/{message.pk}/").status_code == 204
    assert Message.objects.get(pk=message.pk).deleted
    assert [row[:4] for row in audit(room)] == [(A.MESSAGE_DELETE, crew.staff.pk, crew.member.pk, message.pk)]
    assert make_client(crew.outsider).delete(f"/api/messages/{message.pk}/").status_code == 404


def test_the_schema_documents_the_moderation_endpoints(make_client):
    schema = make_client().get("/api/schema/").content
    for path in (
        b"/api/rooms/{room_id}/members/{user_id}/",
        b"/api/rooms/{room_id}/bans/",
        b"/api/rooms/{room_id}/bans/{user_id}/",
    ):
        assert path in schema
