"""The whole access rule matrix: role x room kind x action -> allowed, or the error code.

One row per (kind, action); its columns are the roles. Every REST view, WebSocket
frame and admin action asks the helper an action names (rooms.access,
messaging.access, messaging.selectors.room_detail_for_user), so this table is
what each of them enforces. "-" marks a role a room of that kind cannot have.

Roles: owner, moderator, member, muted (a muted member), outsider (no
membership), banned (banned from the room), staff (is_staff, not a member).
Kinds: public, private, direct, locked (a locked public room).
"""

import pytest
from django.db import transaction

from core.errors import ChatError
from messaging.access import message_access_for_deleting, message_access_for_editing
from messaging.models import Message
from messaging.selectors import membership_for_posting, room_detail_for_user
from rooms.access import (
    posting_check,
    room_access_for_joining,
    room_access_for_member_reads,
    room_access_for_moderating,
    room_access_for_posting,
    room_access_for_reading,
)
from rooms.models import Ban, Membership, Room

from ..factories import UserFactory, make_member, post

ROLES = ["owner", "moderator", "member", "muted", "outsider", "banned", "staff"]

# kind, action: owner moderator member muted outsider banned staff
MATRIX = """
public  read        ok ok ok ok ok ok ok
public  view        ok ok ok ok ok ok ok
public  member_read ok ok ok ok forbidden forbidden forbidden
public  post        ok ok ok forbidden forbidden forbidden forbidden
public  moderate    ok ok forbidden forbidden forbidden forbidden ok
public  join        ok ok ok ok ok forbidden ok
public  edit        forbidden forbidden ok forbidden forbidden forbidden forbidden
public  delete      ok ok ok forbidden forbidden forbidden ok
private read        ok ok ok ok not_found not_found not_found
private view        ok ok ok ok not_found not_found ok
private member_read ok ok ok ok not_found not_found not_found
private post        ok ok ok forbidden forbidden forbidden forbidden
private moderate    ok ok forbidden forbidden not_found not_found ok
private join        ok ok ok ok not_found not_found not_found
private edit        forbidden forbidden ok forbidden not_found not_found forbidden
private delete      ok ok ok forbidden not_found not_found ok
locked  read        ok ok ok ok ok ok ok
locked  view        ok ok ok ok ok ok ok
locked  member_read ok ok ok ok forbidden forbidden forbidden
locked  post        ok ok forbidden forbidden forbidden forbidden forbidden
locked  moderate    ok ok forbidden forbidden forbidden forbidden ok
locked  join        ok ok ok ok ok forbidden ok
locked  edit        forbidden forbidden forbidden forbidden forbidden forbidden forbidden
locked  delete      ok ok ok forbidden forbidden forbidden ok
direct  read        - - ok - not_found - not_found
direct  view        - - ok - not_found - ok
direct  member_read - - ok - not_found - not_found
direct  post        - - ok - forbidden - forbidden
direct  moderate    - - forbidden - not_found - ok
direct  join        - - ok - not_found - not_found
direct  edit        - - ok - not_found - forbidden
direct  delete      - - ok - not_found - ok
"""


def _cases():
    for line in MATRIX.strip().splitlines():
        kind, action, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), line
        for role, outcome in zip(ROLES, outcomes, strict=True):
            if outcome != "-":
                yield pytest.param(kind, action, role, outcome, id=f"{kind}-{action}-{role}")


def _room_of(kind: str):
    """A room of `kind` with a user in each role, and a message by its plain member."""
    users = {role: UserFactory(is_staff=role == "staff") for role in ROLES}
    room = Room.objects.create(
        kind=Room.Kind.PUBLIC if kind == "locked" else kind,
        name=kind,
        direct_key="direct" if kind == "direct" else None,
    )
    make_member(room, users["member"])
    if kind == "direct":
        make_member(room, UserFactory())
    else:
        make_member(room, users["owner"], Membership.Role.OWNER)
        make_member(room, users["moderator"], Membership.Role.MODERATOR)
        muted = make_member(room, users["muted"])
        Membership.objects.filter(pk=muted.pk).update(is_muted=True)
        Ban.objects.create(room=room, user=users["banned"], banned_by=users["owner"])
    message = post(room, users["member"], "the member's words")
    Room.objects.filter(pk=room.pk).update(is_locked=kind == "locked")
    return room, message, users


ACTIONS = {
    "read": lambda user, room, message: room_access_for_reading(user=user, room_id=room.pk),
    "view": lambda user, room, message: room_detail_for_user(user=user, room_id=room.pk),
    "member_read": lambda user, room, message: room_access_for_member_reads(user=user, room_id=room.pk),
    "post": lambda user, room, message: room_access_for_posting(user=user, room_id=room.pk, lock=True),
    "moderate": lambda user, room, message: room_access_for_moderating(user=user, room_id=room.pk),
    "join": lambda user, room, message: room_access_for_joining(user=user, room_id=room.pk),
    "edit": lambda user, room, message: message_access_for_editing(actor=user, message_id=message.pk),
    "delete": lambda user, room, message: message_access_for_deleting(actor=user, message_id=message.pk),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "action", "role", "expected"), list(_cases()))
def test_access(kind, action, role, expected):
    room, message, users = _room_of(kind)
    try:
        with transaction.atomic():
            ACTIONS[action](users[role], room, message)
    except ChatError as exc:
        outcome = exc.code
    else:
        outcome = "ok"
    assert outcome == expected


def _post_by_statement(user, room, message):
    """message_create's own read of the same rule: membership_for_posting, then posting_check."""
    found, existing_id = membership_for_posting(user_id=user.pk, room_id=room.pk, client_id="c1")
    membership = posting_check(membership=found, room_id=room.pk)
    assert membership.room.pk == room.pk and membership.user.pk == user.pk
    assert membership.user.username == user.username and membership.room.kind == room.kind
    assert existing_id is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [pytest.param(k, r, e, id=f"{k}-{r}") for k, a, r, e in (c.values for c in _cases()) if a == "post"],
)
def test_message_create_s_own_read_answers_as_the_post_row(kind, role, expected):
    room, message, users = _room_of(kind)
    try:
        with transaction.atomic():
            _post_by_statement(users[role], room, message)
    except ChatError as exc:
        outcome = exc.code
    else:
        outcome = "ok"
    assert outcome == expected


@pytest.mark.django_db
def test_message_create_s_own_read_finds_the_repeated_client_id_and_every_column():
    room, message, users = _room_of("public")
    member = users["member"]
    Message.objects.filter(pk=message.pk).update(client_id="again")
    found, existing_id = membership_for_posting(user_id=member.pk, room_id=room.pk, client_id="again")
    assert existing_id == message.pk
    ours = Membership.objects.select_related("room", "user").get(room=room, user=member)
    for read, orm in ((found, ours), (found.room, ours.room), (found.user, ours.user)):
        assert {f.attname: getattr(read, f.attname) for f in type(orm)._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in type(orm)._meta.concrete_fields
        }
    assert membership_for_posting(user_id=users["outsider"].pk, room_id=room.pk, client_id=None) == (
        None,
        None,
    )
    with pytest.raises(ChatError) as raised:
        posting_check(membership=None, room_id=room.pk + 1000)
    assert raised.value.code == "not_found"


def test_the_matrix_covers_every_action_for_every_kind():
    rows = {tuple(line.split()[:2]) for line in MATRIX.strip().splitlines()}
    assert rows == {
        (kind, action) for kind in ("public", "private", "locked", "direct") for action in ACTIONS
    }
