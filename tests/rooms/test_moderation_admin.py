"""Django admin for moderators: actions go through the services, with their events and audit rows."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import Forbidden
from messaging.models import Message
from messaging.services import message_create
from moderation import services as moderation_services
from realtime.events import room_group, user_group
from rooms import services
from rooms.models import Ban, Membership, ModerationAction, Room

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db

A = ModerationAction.Action


def run_action(client, model_path: str, action: str, objects) -> list[str]:
    """POST an admin action on `objects` to the changelist; returns the messages shown afterwards."""
    response = client.post(
        f"/admin/{model_path}/",
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def audit_rows(**filters) -> list[tuple]:
    return list(
        ModerationAction.objects.filter(**filters)
        .order_by("pk")
        .values_list("action", "actor_id", "room_id", "target_user_id", "message_id")
    )


class FormFields(HTMLParser):
    """The values a browser would submit from the page's form: inputs, checked boxes, textareas."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def change_form_data(client, url: str) -> dict:
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    return parser.data


# --- actions -------------------------------------------------------------------


def test_lock_and_unlock_rooms_actions_go_through_the_service(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    second = room_with_members(owner=crew.owner, name="second")
    with django_capture_on_commit_callbacks(execute=True):
        shown = run_action(admin_client, "rooms/room", "lock_rooms", [crew.room, second])
    assert shown == ["Locked: 2."]
    assert list(Room.objects.order_by("pk").values_list("is_locked", flat=True)) == [True, True]
    assert sent_events.to(room_group(crew.room.pk)) == [{"type": "chat.room_changed", "room": crew.room.pk}]
    assert sorted(audit_rows()) == [
        (A.LOCK, crew.staff.pk, crew.room.pk, None, None),
        (A.LOCK, crew.staff.pk, second.pk, None, None),
    ]
    # Already locked rooms are left alone: no second record.
    assert run_action(admin_client, "rooms/room", "lock_rooms", [crew.room]) == []
    assert run_action(admin_client, "rooms/room", "unlock_rooms", [crew.room]) == ["Unlocked: 1."]
    assert Room.objects.get(pk=crew.room.pk).is_locked is False
    assert audit_rows()[-1] == (A.UNLOCK, crew.staff.pk, crew.room.pk, None, None)
    assert len(audit_rows()) == 3


def test_ban_selected_members_removes_them_at_once_and_keeps_them_out(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    memberships = Membership.objects.filter(room=crew.room, user__in=[crew.member, crew.moderator])
    with django_capture_on_commit_callbacks(execute=True):
        shown = run_action(admin_client, "rooms/membership", "ban_members", memberships)
    assert shown == ["Banned: 2."]
    assert set(Membership.objects.filter(room=crew.room).values_list("user_id", flat=True)) == {crew.owner.pk}
    assert set(Ban.objects.filter(room=crew.room).values_list("user_id", "banned_by_id")) == {
        (crew.member.pk, crew.staff.pk),
        (crew.moderator.pk, crew.staff.pk),
    }
    for user in (crew.member, crew.moderator):
        assert sent_events.to(user_group(user.pk)) == [
            {"type": "chat.unfollow", "room": crew.room.pk, "cause": "banned", "reason": ""}
        ]
    assert sorted(audit_rows()) == sorted(
        [
            (A.BAN, crew.staff.pk, crew.room.pk, crew.member.pk, None),
            (A.BAN, crew.staff.pk, crew.room.pk, crew.moderator.pk, None),
        ]
    )
    with pytest.raises(Forbidden):
        services.room_join(user=crew.member, room_id=crew.room.pk)


def test_mute_and_unmute_selected_members(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(room=crew.room, user=crew.member)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_action(admin_client, "rooms/membership", "mute_members", [membership]) == ["Muted: 1."]
    membership.refresh_from_db()
    assert membership.is_muted is True
    [update] = sent_events.to(room_group(crew.room.pk))
    assert update["type"] == "member.updated"
    assert update["member"]["user"]["id"] == crew.member.pk
    assert update["member"]["muted"] is True
    with pytest.raises(Forbidden):
        message_create(room_id=crew.room.pk, author=crew.member, body="hi")
    assert run_action(admin_client, "rooms/membership", "unmute_members", [membership]) == ["Unmuted: 1."]
    membership.refresh_from_db()
    assert membership.is_muted is False
    assert audit_rows() == [
        (A.MUTE, crew.staff.pk, crew.room.pk, crew.member.pk, None),
        (A.UNMUTE, crew.staff.pk, crew.room.pk, crew.member.pk, None),
    ]


def test_remove_selected_members_and_lift_selected_bans(admin_client, crew):
    membership = Membership.objects.get(room=crew.room, user=crew.member)
    assert run_action(admin_client, "rooms/membership", "remove_members", [membership]) == ["Removed: 1."]
    assert not Membership.objects.filter(room=crew.room, user=crew.member).exists()
    ban, _ = moderation_services.room_ban_create(
        actor=crew.owner, room_id=crew.room.pk, username=crew.outsider.username
    )
    assert run_action(admin_client, "rooms/ban", "unban", [ban]) == ["Unbanned: 1."]
    assert not Ban.objects.exists()
    assert audit_rows() == [
        (A.REMOVE, crew.staff.pk, crew.room.pk, crew.member.pk, None),
        (A.BAN, crew.owner.pk, crew.room.pk, crew.outsider.pk, None),
        (A.UNBAN, crew.staff.pk, crew.room.pk, crew.outsider.pk, None),
    ]


def test_a_refused_action_is_reported_and_the_others_still_happen(admin_client, crew):
    direct, _ = services.direct_room_get_or_create(user=crew.owner, username=crew.member.username)
    in_direct = Membership.objects.get(room=direct, user=crew.member)
    in_lobby = Membership.objects.get(room=crew.room, user=crew.member)
    shown = run_action(admin_client, "rooms/membership", "ban_members", [in_direct, in_lobby])
    assert shown == [f"{in_direct}: Nobody can be banned from a direct conversation.", "Banned: 1."]
    assert Ban.objects.get().room_id == crew.room.pk
    assert Membership.objects.filter(pk=in_direct.pk).exists()


def test_delete_selected_messages_goes_through_the_service(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    keep, _ = message_create(room_id=crew.room.pk, author=crew.member, body="fine")
    spam, _ = message_create(room_id=crew.room.pk, author=crew.member, body="buy now")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_action(admin_client, "messaging/message", "delete_messages", [spam]) == ["Deleted: 1."]
    spam.refresh_from_db()
    assert spam.deleted and spam.body == ""
    assert spam.seq == 2
    assert Message.objects.get(pk=keep.pk).body == "fine"
    assert sent_events.to(room_group(crew.room.pk)) == [
        {"type": "message.deleted", "room": crew.room.pk, "id": spam.pk, "seq": 2}
    ]
    assert audit_rows() == [(A.MESSAGE_DELETE, crew.staff.pk, crew.room.pk, crew.member.pk, spam.pk)]
    # Deleting it again is not a second deletion.
    assert run_action(admin_client, "messaging/message", "delete_messages", [spam]) == []
    assert len(audit_rows()) == 1


def test_the_hard_delete_action_is_gone(admin_client):
    for path in ("rooms/room", "rooms/membership", "rooms/ban", "messaging/message"):
        actions = admin_client.get(f"/admin/{path}/").context["action_form"].fields["action"].choices
        assert "delete_selected" not in [name for name, _ in actions], path


# --- the room change form --------------------------------------------------------


def test_saving_a_rooms_lock_in_the_change_form_goes_through_the_service(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    url = f"/admin/rooms/room/{crew.room.pk}/change/"
    data = change_form_data(admin_client, url)
    assert "is_locked" not in data
    data.update(is_locked="on", topic="Read only for now")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    room = Room.objects.get(pk=crew.room.pk)
    assert (room.is_locked, room.topic, room.name) == (True, "Read only for now", "lobby")
    assert sent_events.to(room_group(crew.room.pk)) == [{"type": "chat.room_changed", "room": crew.room.pk}]
    assert audit_rows() == [(A.LOCK, crew.staff.pk, crew.room.pk, None, None)]
    assert Membership.objects.filter(room=crew.room).count() == 3


def test_the_room_change_page_shows_members_with_role_and_mute_and_bans(admin_client, crew):
    moderation_services.room_member_mute(actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk)
    moderation_services.room_ban_create(
        actor=crew.owner, room_id=crew.room.pk, username=crew.outsider.username, reason="spam"
    )
    response = admin_client.get(f"/admin/rooms/room/{crew.room.pk}/change/")
    inlines = {formset.opts.model: formset for formset in response.context["inline_admin_formsets"]}
    members = [
        (f.form.instance.user_id, f.form.instance.role, f.form.instance.is_muted) for f in inlines[Membership]
    ]
    assert members == [
        (crew.owner.pk, "owner", False),
        (crew.moderator.pk, "moderator", False),
        (crew.member.pk, "member", True),
    ]
    assert [(f.form.instance.user_id, f.form.instance.reason) for f in inlines[Ban]] == [
        (crew.outsider.pk, "spam")
    ]
    assert not inlines[Membership].has_change_permission and not inlines[Ban].has_add_permission


def test_rooms_are_searched_by_name_and_filtered_by_kind_and_lock(admin_client, crew):
    secret = room_with_members(owner=crew.owner, kind=Room.Kind.PRIVATE, name="secret plans")
    moderation_services.room_update(actor=crew.owner, room_id=secret.pk, is_locked=True)

    def listed(query: str) -> list[int]:
        return [room.pk for room in admin_client.get(f"/admin/rooms/room/?{query}").context["cl"].result_list]

    assert listed("q=secret") == [secret.pk]
    assert listed("kind__exact=public") == [crew.room.pk]
    assert listed("is_locked__exact=1") == [secret.pk]
    assert sorted(listed("")) == sorted([crew.room.pk, secret.pk])


# --- messages --------------------------------------------------------------------


def test_messages_are_newest_first_searchable_and_filterable(admin_client, crew):
    other = room_with_members(owner=crew.owner, members=[crew.member], name="other")
    first, _ = message_create(room_id=crew.room.pk, author=crew.owner, body="hello world")
    second, _ = message_create(room_id=other.pk, author=crew.member, body="a second hello")
    third, _ = message_create(room_id=crew.room.pk, author=crew.member, body="bye")
    from moderation.services import message_delete

    message_delete(actor=crew.member, message_id=third.pk)

    def listed(query: str = "") -> list[int]:
        return [
            m.pk for m in admin_client.get(f"/admin/messaging/message/?{query}").context["cl"].result_list
        ]

    assert listed() == [third.pk, second.pk, first.pk]
    assert listed("q=hello") == [second.pk, first.pk]
    assert listed(f"q={crew.member.username}") == [third.pk, second.pk]
    assert listed(f"room__id__exact={crew.room.pk}") == [third.pk, first.pk]
    assert listed("deleted=yes") == [third.pk]
    assert listed("deleted=no") == [second.pk, first.pk]


def test_the_message_list_shows_room_and_author_in_constant_queries(admin_client, crew):
    message_create(room_id=crew.room.pk, author=crew.owner, body="one")
    with CaptureQueriesContext(connection) as few:
        response = admin_client.get("/admin/messaging/message/")
    assert response.status_code == 200
    for i in range(10):
        author = UserFactory()
        room = room_with_members(owner=author, name=f"room {i}")
        message_create(room_id=room.pk, author=author, body=f"message {i}")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get("/admin/messaging/message/")
    content = response.content.decode()
    assert len(response.context["cl"].result_list) == 11
    assert "room 9 (public)" in content and f">{author.username}<" in content
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_members_list_shows_user_and_room_in_constant_queries(admin_client, crew):
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/rooms/membership/")
    for i in range(5):
        room_with_members(owner=UserFactory(), members=[UserFactory()], name=f"r{i}")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get("/admin/rooms/membership/")
    assert len(response.context["cl"].result_list) == 13
    assert len(many) == len(few)


# --- the audit log ---------------------------------------------------------------


def test_the_audit_log_is_read_only(admin_client, crew):
    moderation_services.room_update(actor=crew.owner, room_id=crew.room.pk, is_locked=True)
    record = ModerationAction.objects.get()
    assert admin_client.get("/admin/rooms/moderationaction/add/").status_code == 403
    assert admin_client.get(f"/admin/rooms/moderationaction/{record.pk}/delete/").status_code == 403
    view = admin_client.get(f"/admin/rooms/moderationaction/{record.pk}/change/")
    assert view.status_code == 200
    assert view.context["has_change_permission"] is False
    posted = admin_client.post(f"/admin/rooms/moderationaction/{record.pk}/change/", {"reason": "rewritten"})
    assert posted.status_code == 403
    record.refresh_from_db()
    assert record.reason == ""
    assert admin_client.get("/admin/rooms/moderationaction/").context["action_form"] is None


def test_the_audit_log_filters_by_room_actor_and_action(admin_client, crew):
    other = room_with_members(owner=crew.moderator, members=[crew.member], name="other")
    moderation_services.room_member_mute(actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk)
    moderation_services.room_ban_create(actor=crew.moderator, room_id=other.pk, username=crew.member.username)
    moderation_services.room_update(actor=crew.moderator, room_id=crew.room.pk, is_locked=True)

    def listed(query: str) -> list[tuple]:
        result = admin_client.get(f"/admin/rooms/moderationaction/?{query}").context["cl"].result_list
        return [(r.action, r.room_id, r.actor_id) for r in result]

    assert listed("") == [
        (A.LOCK, crew.room.pk, crew.moderator.pk),
        (A.BAN, other.pk, crew.moderator.pk),
        (A.MUTE, crew.room.pk, crew.owner.pk),
    ]
    assert listed(f"room__id__exact={crew.room.pk}") == [
        (A.LOCK, crew.room.pk, crew.moderator.pk),
        (A.MUTE, crew.room.pk, crew.owner.pk),
    ]
    assert listed(f"actor__id__exact={crew.moderator.pk}") == [
        (A.LOCK, crew.room.pk, crew.moderator.pk),
        (A.BAN, other.pk, crew.moderator.pk),
    ]
    assert listed("action__exact=ban") == [(A.BAN, other.pk, crew.moderator.pk)]


def test_admin_is_for_staff_only(client, crew):
    client.force_login(crew.owner)
    response = client.post(
        "/admin/rooms/membership/",
        {"action": "ban_members", "_selected_action": [Membership.objects.get(user=crew.member).pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Ban.objects.exists()
