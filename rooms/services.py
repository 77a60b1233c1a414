"""Writes about rooms and memberships. Views, the consumer and admin call these; nothing else writes.

Each function runs in one transaction and registers its events
(messaging.events) to leave on commit.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from messaging import events

from .errors import Forbidden, Invalid, NotFound
from .models import Ban, Membership, Room
from .selectors import moderation_access

NAME_MAX = 100
TOPIC_MAX = 500


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("A room needs a name.")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise Invalid(f"A room name has at most {NAME_MAX} characters.")
    return name


def _clean_topic(topic) -> str:
    if not isinstance(topic, str):
        raise Invalid("The topic must be text.")
    topic = topic.strip()
    if len(topic) > TOPIC_MAX:
        raise Invalid(f"A topic has at most {TOPIC_MAX} characters.")
    return topic


def _user_by_username(username) -> "get_user_model()":
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def _membership_add(*, room: Room, user, role: str = Membership.Role.MEMBER) -> Membership:
    """Add `user` to a locked `room`; the read position starts at the newest message."""
    membership = Membership.objects.create(room=room, user=user, role=role, last_read_seq=room.last_seq)
    events.room_added(user_id=user.pk, room_id=room.pk, seq=room.last_seq)
    return membership


def room_create(*, creator, name: str, kind: str, topic: str = "") -> Room:
    """Create a public or private room with `creator` as its owner.

    Raises Invalid for a bad name, topic or kind (contract: `POST /api/rooms/`).
    """
    if kind not in (Room.Kind.PUBLIC, Room.Kind.PRIVATE):
        raise Invalid("A room's kind is public or private.")
    name, topic = _clean_name(name), _clean_topic(topic)
    with transaction.atomic():
        room = Room.objects.create(kind=kind, name=name, topic=topic, created_by=creator)
        _membership_add(room=room, user=creator, role=Membership.Role.OWNER)
    return room


def room_update(
    *,
    actor,
    room_id: int,
    name: str | None = None,
    topic: str | None = None,
    is_locked: bool | None = None,
) -> Room:
    """Change a room's name, topic or lock; owners, moderators and staff only.

    Broadcasts `room.updated` to the members when something changed. A direct
    room cannot be renamed. Raises NotFound, Forbidden, Invalid.
    """
    room, _ = moderation_access(user=actor, room_id=room_id)
    changes = {}
    if name is not None:
        if room.kind == Room.Kind.DIRECT:
            raise Invalid("A direct conversation has no name to change.")
        changes["name"] = _clean_name(name)
    if topic is not None:
        changes["topic"] = _clean_topic(topic)
    if is_locked is not None:
        changes["is_locked"] = bool(is_locked)
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        changed = [field for field, value in changes.items() if getattr(room, field) != value]
        for field in changed:
            setattr(room, field, changes[field])
        if changed:
            room.save(update_fields=[*changed, "updated_at"])
            events.room_updated(room_id=room.pk)
    return room


def room_join(*, user, room_id: int) -> tuple[Room, bool]:
    """Join a public room; returns (room, joined). Joining twice is a no-op.

    Raises NotFound for a missing, private or direct room, Forbidden when
    the user is banned from it (contract: `POST /api/rooms/{id}/join/`).
    """
    with transaction.atomic():
        room = Room.objects.select_for_update().filter(pk=room_id).first()
        if room is None:
            raise NotFound("Room not found.")
        if Membership.objects.filter(room=room, user=user).exists():
            return room, False
        if room.kind != Room.Kind.PUBLIC:
            raise NotFound("Room not found.")
        if Ban.objects.filter(room=room, user=user).exists():
            raise Forbidden("You are banned from this room.")
        _membership_add(room=room, user=user)
    return room, True


def room_leave(*, user, room_id: int) -> None:
    """Leave a room; the user's sockets get `room.removed`. Raises NotFound if not a member."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(room_id=room_id, user=user).delete()
        if not deleted:
            raise NotFound("Room not found.")
        events.room_removed(user_id=user.pk, room_id=room_id)


def room_member_add(*, actor, room_id: int, username: str) -> tuple[Membership, bool]:
    """Add a user to a room by username; returns (membership, created).

    Owners, moderators and staff may add to public and private rooms, never
    to a direct one. Raises NotFound (room or user), Forbidden (not a
    moderator, or the user is banned), Invalid (a direct room).
    """
    room, _ = moderation_access(user=actor, room_id=room_id)
    if room.kind == Room.Kind.DIRECT:
        raise Invalid("Nobody can be added to a direct conversation.")
    user = _user_by_username(username)
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        existing = Membership.objects.filter(room=room, user=user).first()
        if existing is not None:
            return existing, False
        if Ban.objects.filter(room=room, user=user).exists():
            raise Forbidden("This user is banned from the room.")
        return _membership_add(room=room, user=user), True


def _direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def direct_room_get_or_create(*, user, username: str) -> tuple[Room, bool]:
    """The direct room of `user` and the named user, created if needed; returns (room, created).

    Two users have at most one direct room: `direct_key` is unique, so when
    both open it at the same moment one insert wins and the other reads the
    winner's room. A member who had left is added back. Raises Invalid for
    oneself, NotFound for an unknown user (contract: `POST /api/direct/`).
    """
    other = _user_by_username(username)
    if other.pk == user.pk:
        raise Invalid("A direct conversation needs another user.")
    key = _direct_key(user.pk, other.pk)
    created = False
    try:
        with transaction.atomic():
            room = Room.objects.create(
                kind=Room.Kind.DIRECT,
                name=f"{user.username} & {other.username}",
                direct_key=key,
                created_by=user,
            )
            for member in (user, other):
                _membership_add(room=room, user=member)
            created = True
    except IntegrityError:
        # The other side's insert committed first: use its room.
        pass
    if not created:
        with transaction.atomic():
            room = Room.objects.select_for_update().get(direct_key=key)
            present = set(room.memberships.values_list("user_id", flat=True))
            for member in (user, other):
                if member.pk not in present:
                    _membership_add(room=room, user=member)
    return room, created
