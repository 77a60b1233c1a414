"""Writes about rooms and memberships: create, join, leave, add, star, direct rooms, blocks.
Views, the consumer and admin call these; nothing else writes. Moderation (room
settings, roles, mutes, removals, bans, the audit log) is in moderation.services.

Each function runs in one transaction and registers its events
(realtime.events, frames from realtime.frames) to leave on commit.
"""

from collections.abc import Callable, Mapping

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.names import has_bidi_control, has_visible_character
from accounts.serializers import user_to_dict
from core.errors import Forbidden, Invalid, NotFound
from realtime import events, frames
from realtime.presence import online_user_ids
from realtime.ratelimit import action_rate_check

from .access import room_access_for_joining, room_access_for_member_reads, room_access_for_moderating
from .models import Ban, Block, Membership, Room
from .serializers import MemberSerializer
from .signals import membership_changed

NAME_MAX = 100
TOPIC_MAX = 500


def room_name_clean(name) -> str:
    """A room's name, stripped: 1 to NAME_MAX characters, as room_text_clean checks. Raises Invalid."""
    if not isinstance(name, str) or not name.strip():
        raise Invalid("A room needs a name.")
    return room_text_clean(name, what="room name", limit=NAME_MAX)


def room_text_clean(value, *, what: str, limit: int) -> str:
    """`value` stripped; Invalid unless it is text of at most `limit` characters, with no
    bidirectional control (U+202A-U+202E, U+2066-U+2069, marks) and, unless empty, a
    visible character (`accounts.names`: a name must not be reversed or blank on screen)."""
    if not isinstance(value, str):
        raise Invalid(f"The {what} must be text.")
    value = value.strip()
    if len(value) > limit:
        raise Invalid(f"A {what} has at most {limit} characters.")
    if has_bidi_control(value):
        raise Invalid(f"A {what} may not contain bidirectional control characters.")
    if value and not has_visible_character(value):
        raise Invalid(f"A {what} needs at least one visible character.")
    return value


def room_topic_clean(topic) -> str:
    """A room's topic, stripped: at most TOPIC_MAX characters, may be empty. Raises Invalid."""
    return room_text_clean(topic, what="topic", limit=TOPIC_MAX)


def user_by_username(username) -> User:
    """The active user of that exact username; NotFound otherwise."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def _membership_add(
    *, room: Room, user, role: str = Membership.Role.MEMBER, notice: str | None = None
) -> Membership:
    """Add `user` to a locked `room`; the read position starts at the newest message.

    The user's sockets get `room.added`; the members' sockets `member.added`.
    `notice` ("joined", "added"): the room's timeline says so (rooms.signals).
    """
    membership = Membership.objects.create(room=room, user=user, role=role, last_read_seq=room.last_seq)
    events.room_added(user_id=user.pk, room_id=room.pk, seq=room.last_seq)
    member_event(frames.member_added, membership)
    if notice is not None and room.membership_notices:
        membership_changed.send(sender=Membership, room_id=room.pk, user=user, event=notice)
    return membership


def room_create(*, creator, name: str, kind: str, topic: str = "", membership_notices: bool = False) -> Room:
    """Create a public or private room with `creator` as its owner.

    `membership_notices`: the timeline tells of members coming and going
    (Room.membership_notices).

    Raises Invalid for a bad name, topic or kind (contract: `POST /api/rooms/`),
    RateLimited past CHAT_RATE_ROOM_CREATES rooms per user.
    """
    if kind not in (Room.Kind.PUBLIC, Room.Kind.PRIVATE):
        raise Invalid("A room's kind is public or private.")
    name, topic = room_name_clean(name), room_topic_clean(topic)
    action_rate_check(action="room_create", user_id=creator.pk)
    with transaction.atomic():
        room = Room.objects.create(
            kind=kind, name=name, topic=topic, created_by=creator, membership_notices=membership_notices
        )
        _membership_add(room=room, user=creator, role=Membership.Role.OWNER)
    return room


def room_join(*, user, room_id: int) -> tuple[Room, bool]:
    """Join a public room; returns (room, joined). Joining twice is a no-op.

    Raises NotFound for a missing, private or direct room, Forbidden when
    the user is banned from it (contract: `POST /api/rooms/{id}/join/`),
    RateLimited past CHAT_RATE_ROOM_JOINS joins per user.
    """
    with transaction.atomic():
        access = room_access_for_joining(user=user, room_id=room_id)
        room = access.room
        if access.membership is not None:
            return room, False
        action_rate_check(action="room_join", user_id=user.pk)
        _membership_add(room=room, user=user, notice="joined")
    return room, True


def room_leave(*, user, room_id: int) -> None:
    """Leave a room; the user's sockets get `room.removed`. Raises NotFound if not a member."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(room_id=room_id, user=user).delete()
        if not deleted:
            raise NotFound("Room not found.")
        membership_removed_events(room_id=room_id, user=user, cause="left")


def room_member_add(*, actor, room_id: int, username: str) -> tuple[Membership, bool]:
    """Add a user to a room by username; returns (membership, created).

    Owners, moderators and staff may add to public and private rooms, never
    to a direct one, nor a user who has blocked them. Raises NotFound (room
    or user), Forbidden (not a moderator, the user is banned or has blocked
    the actor), Invalid (a direct room), RateLimited past
    CHAT_RATE_MEMBER_ADDS adds per actor.
    """
    with transaction.atomic():
        room = room_access_for_moderating(user=actor, room_id=room_id, lock=True).room
        if room.kind == Room.Kind.DIRECT:
            raise Invalid("Nobody can be added to a direct conversation.")
        user = user_by_username(username)
        if Block.objects.filter(blocker=user, blocked=actor).exists():
            raise Forbidden("This user has blocked you: you cannot add them to rooms.")
        action_rate_check(action="member_add", user_id=actor.pk)
        existing = Membership.objects.filter(room=room, user=user).first()
        if existing is not None:
            return existing, False
        if Ban.objects.filter(room=room, user=user).exists():
            raise Forbidden("This user is banned from the room.")
        return _membership_add(room=room, user=user, notice="added"), True


def room_star_set(*, user, room_id: int, starred: bool) -> Membership:
    """Star (`starred=True`) or unstar the room for `user`; returns the membership, as it is now.

    A star is the member's own favourite, kept on the membership so it follows
    them to every device (docs/messages.md, "Starred rooms"). Setting the value
    it already has changes nothing and sends nothing; a change sends
    `{"type": "starred", "room", "starred"}` to every socket of the user.
    Raises NotFound for a missing or hidden room, Forbidden for a public room
    the user has not joined (rooms.access.room_access_for_member_reads).
    """
    with transaction.atomic():
        membership = room_access_for_member_reads(user=user, room_id=room_id)
        # A conditional UPDATE, not a read then a save: of two concurrent calls with the
        # same value, the second waits on the row lock, then matches no row and stays silent.
        changed = Membership.objects.filter(pk=membership.pk).exclude(starred=starred).update(starred=starred)
        membership.starred = starred
        if changed:
            events.user_broadcast(user_id=user.pk, payload=frames.starred(room=room_id, starred=starred))
    return membership


def _direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def direct_room_get_or_create(*, user, username: str) -> tuple[Room, bool]:
    """The direct room of `user` and the named user, created if needed; returns (room, created).

    Two users have at most one direct room: `direct_key` is unique, so when
    both open it at the same moment one insert wins and the other reads the
    winner's room. A new room has both as members; opening an existing one
    adds back only `user`: who left a conversation stays out of it until
    they open it themselves (issue 9). Raises Invalid for oneself, NotFound
    for an unknown user (contract: `POST /api/direct/`), Forbidden when
    either has blocked the other, RateLimited past CHAT_RATE_DIRECT_OPENS
    new rooms per user.
    """
    other = user_by_username(username)
    if other.pk == user.pk:
        raise Invalid("A direct conversation needs another user.")
    if Block.objects.filter(blocker=other, blocked=user).exists():
        raise Forbidden("This user has blocked you: you cannot write to them.")
    if Block.objects.filter(blocker=user, blocked=other).exists():
        raise Forbidden("You have blocked this user: unblock them to write to them.")
    key = _direct_key(user.pk, other.pk)
    created = False
    if not Room.objects.filter(direct_key=key).exists():
        action_rate_check(action="direct_open", user_id=user.pk)
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
            if not room.memberships.filter(user=user).exists():
                _membership_add(room=room, user=user)
    return room, created


# --- Blocks --------------------------------------------------------------------


def block_create(*, blocker, username: str) -> tuple[Block, bool]:
    """`blocker` blocks the named user; returns (block, created). Blocking twice changes nothing.

    From then on the blocked user can neither open a direct conversation
    with the blocker nor add them to a room. If the two have a direct room,
    the blocked user leaves it (their sockets get `room.removed`) and cannot
    open it again while blocked; the blocker keeps it and its history.
    Raises NotFound (no such user), Invalid (oneself).
    """
    target = user_by_username(username)
    if target.pk == blocker.pk:
        raise Invalid("You cannot block yourself.")
    with transaction.atomic():
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=target)
        if created:
            direct = Room.objects.filter(direct_key=_direct_key(blocker.pk, target.pk)).first()
            if direct is not None:
                direct = Room.objects.select_for_update().get(pk=direct.pk)
                deleted, _ = Membership.objects.filter(room=direct, user=target).delete()
                if deleted:
                    membership_removed_events(room_id=direct.pk, user=target, cause="blocked")
    return block, created


def block_delete(*, blocker, user_id: int) -> None:
    """Lift `blocker`'s block of `user_id`; the other may write to them again (and reopen
    their direct room themselves). Raises NotFound when there is no such block."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=user_id).delete()
    if not deleted:
        raise NotFound("You have not blocked this user.")


def member_event(build: Callable[..., Mapping[str, object]], membership: Membership) -> None:
    """`build` (frames.member_added or frames.member_updated) of the member object, to every
    socket of the room."""
    online = online_user_ids([membership.user_id])
    member = MemberSerializer(membership, context={"online_user_ids": online}).data
    events.room_broadcast(room_id=membership.room_id, payload=build(room=membership.room_id, member=member))


def membership_removed_events(*, room_id: int, user, cause: str, reason: str = "") -> None:
    """After a membership is deleted: the user's sockets get `room.removed` (with `cause`:
    "left", "removed", "banned" or "blocked", and the moderator's `reason`) and stop
    following the room; the remaining members' sockets get `member.removed`."""
    events.room_removed(user_id=user.pk, room_id=room_id, cause=cause, reason=reason)
    events.room_broadcast(
        room_id=room_id,
        payload=frames.member_removed(room=room_id, user=user_to_dict(user)),
        exclude_user_id=user.pk,
    )
    # A block ends a direct conversation, whose timeline tells of no one coming or going.
    if cause != "blocked":
        membership_changed.send(
            sender=Membership, room_id=room_id, user=user, event="left" if cause == "left" else "removed"
        )
