"""Writes about rooms and memberships. Views, the consumer and admin call these; nothing else writes.

Each function runs in one transaction and registers its events
(messaging.events) to leave on commit.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.names import has_bidi_control, has_visible_character
from accounts.serializers import user_to_dict
from messaging import events
from messaging.presence import online_user_ids
from messaging.ratelimit import action_rate_check

from .errors import Forbidden, Invalid, NotFound
from .models import Ban, Block, Membership, ModerationAction, Room
from .selectors import moderation_access
from .serializers import MemberSerializer

NAME_MAX = 100
TOPIC_MAX = 500
REASON_MAX = 500


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("A room needs a name.")
    return _clean_text(name, what="room name", limit=NAME_MAX)


def _clean_text(value, *, what: str, limit: int) -> str:
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


def _clean_topic(topic) -> str:
    return _clean_text(topic, what="topic", limit=TOPIC_MAX)


def _user_by_username(username) -> User:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def _membership_add(*, room: Room, user, role: str = Membership.Role.MEMBER) -> Membership:
    """Add `user` to a locked `room`; the read position starts at the newest message.

    The user's sockets get `room.added`; the members' sockets `member.added`.
    """
    membership = Membership.objects.create(room=room, user=user, role=role, last_read_seq=room.last_seq)
    events.room_added(user_id=user.pk, room_id=room.pk, seq=room.last_seq)
    _member_event("member.added", membership)
    return membership


def room_create(*, creator, name: str, kind: str, topic: str = "") -> Room:
    """Create a public or private room with `creator` as its owner.

    Raises Invalid for a bad name, topic or kind (contract: `POST /api/rooms/`),
    RateLimited past CHAT_RATE_ROOM_CREATES rooms per user.
    """
    if kind not in (Room.Kind.PUBLIC, Room.Kind.PRIVATE):
        raise Invalid("A room's kind is public or private.")
    name, topic = _clean_name(name), _clean_topic(topic)
    action_rate_check(action="room_create", user_id=creator.pk)
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

    Broadcasts `room.updated` to the members when something changed; a lock
    change is audited (`lock` / `unlock`). A direct room cannot be renamed.
    Raises NotFound, Forbidden, Invalid.
    """
    room, _ = moderation_access(user=actor, room_id=room_id)
    changes: dict[str, object] = {}
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
        if "is_locked" in changed:
            moderation_action_create(
                actor=actor,
                action=ModerationAction.Action.LOCK if room.is_locked else ModerationAction.Action.UNLOCK,
                room=room,
            )
    return room


def room_join(*, user, room_id: int) -> tuple[Room, bool]:
    """Join a public room; returns (room, joined). Joining twice is a no-op.

    Raises NotFound for a missing, private or direct room, Forbidden when
    the user is banned from it (contract: `POST /api/rooms/{id}/join/`),
    RateLimited past CHAT_RATE_ROOM_JOINS joins per user.
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
        action_rate_check(action="room_join", user_id=user.pk)
        _membership_add(room=room, user=user)
    return room, True


def room_leave(*, user, room_id: int) -> None:
    """Leave a room; the user's sockets get `room.removed`. Raises NotFound if not a member."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(room_id=room_id, user=user).delete()
        if not deleted:
            raise NotFound("Room not found.")
        _membership_removed(room_id=room_id, user=user, cause="left")


def room_member_add(*, actor, room_id: int, username: str) -> tuple[Membership, bool]:
    """Add a user to a room by username; returns (membership, created).

    Owners, moderators and staff may add to public and private rooms, never
    to a direct one, nor a user who has blocked them. Raises NotFound (room
    or user), Forbidden (not a moderator, the user is banned or has blocked
    the actor), Invalid (a direct room), RateLimited past
    CHAT_RATE_MEMBER_ADDS adds per actor.
    """
    room, _ = moderation_access(user=actor, room_id=room_id)
    if room.kind == Room.Kind.DIRECT:
        raise Invalid("Nobody can be added to a direct conversation.")
    user = _user_by_username(username)
    if Block.objects.filter(blocker=user, blocked=actor).exists():
        raise Forbidden("This user has blocked you: you cannot add them to rooms.")
    action_rate_check(action="member_add", user_id=actor.pk)
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
    winner's room. A new room has both as members; opening an existing one
    adds back only `user`: who left a conversation stays out of it until
    they open it themselves (issue 9). Raises Invalid for oneself, NotFound
    for an unknown user (contract: `POST /api/direct/`), Forbidden when
    either has blocked the other, RateLimited past CHAT_RATE_DIRECT_OPENS
    new rooms per user.
    """
    other = _user_by_username(username)
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
    target = _user_by_username(username)
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
                    _membership_removed(room_id=direct.pk, user=target, cause="blocked")
    return block, created


def block_delete(*, blocker, user_id: int) -> None:
    """Lift `blocker`'s block of `user_id`; the other may write to them again (and reopen
    their direct room themselves). Raises NotFound when there is no such block."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=user_id).delete()
    if not deleted:
        raise NotFound("You have not blocked this user.")


# --- Moderation (contract: Moderation) ---------------------------------------
#
# Who may act on whom: staff on anyone in every room; an owner on moderators
# and members; a moderator on members only. Only the owner (or staff) changes
# roles, only staff change an owner's role, and a room keeps at least one
# owner. Every act writes its ModerationAction in the act's own transaction.

_RANK: dict[str, int] = {Membership.Role.MEMBER: 0, Membership.Role.MODERATOR: 1, Membership.Role.OWNER: 2}


def _room_locked(room_id: int) -> Room:
    """The room, row-locked until commit.

    Every moderation write takes this lock before touching a membership, as
    message_create does before reading one, so a send that waited for it sees
    the ban, removal or mute. Room first, membership second, everywhere: no deadlock.
    """
    return Room.objects.select_for_update().get(pk=room_id)


def moderation_action_create(
    *,
    actor,
    action: str,
    room: Room,
    target_user=None,
    message=None,
    reason: str = "",
    details: dict | None = None,
) -> ModerationAction:
    """Write one audit row; call it inside the transaction of the act it records."""
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        room=room,
        target_user=target_user,
        message=message,
        reason=_clean_reason(reason),
        details=details or {},
    )


def _clean_reason(reason) -> str:
    return _clean_text(reason, what="reason", limit=REASON_MAX)


def _check_outranks(
    *, actor: User, actor_membership: Membership | None, target_role: str | None, verb: str
) -> None:
    """Raise Forbidden unless the actor may `verb` a user of `target_role` (None: not a member)."""
    if actor.is_staff:
        return
    if target_role == Membership.Role.OWNER:
        raise Forbidden(f"Only staff may {verb} the room's owner.")
    if actor_membership is None or _RANK[actor_membership.role] <= _RANK.get(target_role or "", 0):
        raise Forbidden(f"Only the room's owner may {verb} a moderator.")


def _target_membership(*, room: Room, user_id: int) -> Membership:
    """The target's membership, row-locked, with the user loaded; NotFound if not a member."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(room=room, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound("This user is not a member of the room.")
    return membership


def _member_event(type_: str, membership: Membership) -> None:
    """`member.added` or `member.updated` with the member object, to every socket of the room."""
    online = online_user_ids([membership.user_id])
    member = MemberSerializer(membership, context={"online_user_ids": online}).data
    events.room_broadcast(
        room_id=membership.room_id, payload={"type": type_, "room": membership.room_id, "member": member}
    )


def _member_updated(membership: Membership) -> None:
    """`member.updated` with the member's new role and mute, to every socket of the room."""
    _member_event("member.updated", membership)


def _membership_removed(*, room_id: int, user, cause: str, reason: str = "") -> None:
    """After a membership is deleted: the user's sockets get `room.removed` (with `cause`:
    "left", "removed", "banned" or "blocked", and the moderator's `reason`) and stop
    following the room; the remaining members' sockets get `member.removed`."""
    events.room_removed(user_id=user.pk, room_id=room_id, cause=cause, reason=reason)
    events.room_broadcast(
        room_id=room_id,
        payload={"type": "member.removed", "room": room_id, "user": user_to_dict(user)},
        exclude_user_id=user.pk,
    )


def room_member_role_change(
    *, actor: User, room_id: int, user_id: int, role: str, reason: str = ""
) -> Membership:
    """Set a member's role (owner, moderator, member); the owner and staff only.

    Only staff change an owner's role, and never the last owner's. Audited as
    `role_change` with `{"from", "to"}`; members get `member.updated`. Setting
    the current role changes nothing. Raises NotFound (room, or the user is
    not a member), Forbidden, Invalid (bad role, direct room, last owner)
    (contract: `PATCH /api/rooms/{id}/members/{user_id}/`).
    """
    room, actor_membership = moderation_access(user=actor, room_id=room_id)
    if role not in Membership.Role.values:
        raise Invalid("A role is owner, moderator or member.")
    if room.kind == Room.Kind.DIRECT:
        raise Invalid("A direct conversation has no roles.")
    if not actor.is_staff and (actor_membership is None or actor_membership.role != Membership.Role.OWNER):
        raise Forbidden("Only the room's owner may change roles.")
    with transaction.atomic():
        # The room lock also serializes role changes: two demotions cannot both pass the owner count.
        room = _room_locked(room.pk)
        membership = _target_membership(room=room, user_id=user_id)
        old = membership.role
        if old == role:
            return membership
        if old == Membership.Role.OWNER:
            if not actor.is_staff:
                raise Forbidden("Only staff may change the role of the room's owner.")
            if not room.memberships.filter(role=Membership.Role.OWNER).exclude(pk=membership.pk).exists():
                raise Invalid("A room keeps at least one owner: make another member owner first.")
        membership.role = role
        membership.save(update_fields=["role"])
        moderation_action_create(
            actor=actor,
            action=ModerationAction.Action.ROLE_CHANGE,
            room=room,
            target_user=membership.user,
            reason=reason,
            details={"from": old, "to": role},
        )
        _member_updated(membership)
    return membership


def _member_mute_set(*, actor, room_id: int, user_id: int, muted: bool, reason: str) -> Membership:
    room, actor_membership = moderation_access(user=actor, room_id=room_id)
    if user_id == actor.pk:
        raise Invalid("You cannot mute or unmute yourself.")
    with transaction.atomic():
        room = _room_locked(room.pk)
        membership = _target_membership(room=room, user_id=user_id)
        _check_outranks(
            actor=actor,
            actor_membership=actor_membership,
            target_role=membership.role,
            verb="mute" if muted else "unmute",
        )
        if membership.is_muted == muted:
            return membership
        membership.is_muted = muted
        membership.save(update_fields=["is_muted"])
        moderation_action_create(
            actor=actor,
            action=ModerationAction.Action.MUTE if muted else ModerationAction.Action.UNMUTE,
            room=room,
            target_user=membership.user,
            reason=reason,
        )
        _member_updated(membership)
    return membership


def room_member_mute(*, actor, room_id: int, user_id: int, reason: str = "") -> Membership:
    """Mute a member: they still read the room but cannot post (message_create refuses).

    Owners, moderators and staff; a moderator mutes members only, and only
    staff mute an owner. Audited as `mute`; members get `member.updated`.
    Muting a muted member changes nothing. Raises NotFound, Forbidden,
    Invalid (oneself).
    """
    return _member_mute_set(actor=actor, room_id=room_id, user_id=user_id, muted=True, reason=reason)


def room_member_unmute(*, actor, room_id: int, user_id: int, reason: str = "") -> Membership:
    """Let a muted member post again; who may is as for room_member_mute. Audited as `unmute`."""
    return _member_mute_set(actor=actor, room_id=room_id, user_id=user_id, muted=False, reason=reason)


def room_member_update(
    *,
    actor,
    room_id: int,
    user_id: int,
    role: str | None = None,
    muted: bool | None = None,
    reason: str = "",
) -> Membership:
    """Change a member's role and/or mute in one transaction: all of it or none of it.

    The role is changed first, then the mute, each by its own rules
    (room_member_role_change, room_member_mute). Returns the membership with
    its user loaded. Raises Invalid when neither is given, else what those
    raise (contract: `PATCH /api/rooms/{id}/members/{user_id}/`).
    """
    if role is None and muted is None:
        raise Invalid("Give a role, muted, or both.")
    with transaction.atomic():
        if role is not None:
            room_member_role_change(actor=actor, room_id=room_id, user_id=user_id, role=role, reason=reason)
        if muted is not None:
            set_mute = room_member_mute if muted else room_member_unmute
            set_mute(actor=actor, room_id=room_id, user_id=user_id, reason=reason)
        return Membership.objects.select_related("user").get(room_id=room_id, user_id=user_id)


def room_member_remove(*, actor, room_id: int, user_id: int, reason: str = "") -> None:
    """Remove a member: their sockets get `room.removed` and stop receiving the room at once.

    Owners, moderators and staff; a moderator removes members only, and only
    staff remove an owner. The user may join or be added again (a ban is what
    prevents that). Audited as `remove`. Raises NotFound (room, or not a
    member), Forbidden, Invalid (oneself: leave instead; a direct room)
    (contract: `DELETE /api/rooms/{id}/members/{user_id}/`).
    """
    room, actor_membership = moderation_access(user=actor, room_id=room_id)
    if room.kind == Room.Kind.DIRECT:
        raise Invalid("Nobody can be removed from a direct conversation.")
    if user_id == actor.pk:
        raise Invalid("To remove yourself, leave the room.")
    with transaction.atomic():
        room = _room_locked(room.pk)
        membership = _target_membership(room=room, user_id=user_id)
        _check_outranks(
            actor=actor, actor_membership=actor_membership, target_role=membership.role, verb="remove"
        )
        membership.delete()
        moderation_action_create(
            actor=actor,
            action=ModerationAction.Action.REMOVE,
            room=room,
            target_user=membership.user,
            reason=reason,
        )
        _membership_removed(
            room_id=room.pk, user=membership.user, cause="removed", reason=_clean_reason(reason)
        )


def room_ban_create(*, actor, room_id: int, username: str, reason: str = "") -> tuple[Ban, bool]:
    """Ban a user from a room; returns (ban, created). Banning a banned user changes nothing.

    The user's membership, if any, is deleted and their sockets get
    `room.removed` at once; they can neither join nor be added again until
    unbanned. Owners, moderators and staff; a moderator bans members and
    outsiders only, and only staff ban an owner. Audited as `ban`. Raises
    NotFound (room, user), Forbidden, Invalid (oneself, a direct room)
    (contract: `POST /api/rooms/{id}/bans/`).
    """
    room, actor_membership = moderation_access(user=actor, room_id=room_id)
    if room.kind == Room.Kind.DIRECT:
        raise Invalid("Nobody can be banned from a direct conversation.")
    user = _user_by_username(username)
    if user.pk == actor.pk:
        raise Invalid("You cannot ban yourself.")
    reason = _clean_reason(reason)
    with transaction.atomic():
        # Under the room lock room_join and room_member_add check bans, so none slips past this one.
        room = _room_locked(room.pk)
        existing = Ban.objects.select_related("user", "banned_by").filter(room=room, user=user).first()
        if existing is not None:
            return existing, False
        membership = Membership.objects.filter(room=room, user=user).first()
        _check_outranks(
            actor=actor,
            actor_membership=actor_membership,
            target_role=membership.role if membership else None,
            verb="ban",
        )
        if membership is not None:
            membership.delete()
            _membership_removed(room_id=room.pk, user=user, cause="banned", reason=reason)
        ban = Ban.objects.create(room=room, user=user, reason=reason, banned_by=actor)
        moderation_action_create(
            actor=actor, action=ModerationAction.Action.BAN, room=room, target_user=user, reason=reason
        )
    return ban, True


def room_ban_delete(*, actor, room_id: int, user_id: int, reason: str = "") -> None:
    """Lift a ban; the user may join or be added again (not re-added by this).

    Owners, moderators and staff. Audited as `unban`. Raises NotFound (room,
    or the user is not banned), Forbidden
    (contract: `DELETE /api/rooms/{id}/bans/{user_id}/`).
    """
    room, _ = moderation_access(user=actor, room_id=room_id)
    with transaction.atomic():
        ban = (
            Ban.objects.select_for_update().select_related("user").filter(room=room, user_id=user_id).first()
        )
        if ban is None:
            raise NotFound("This user is not banned from the room.")
        ban.delete()
        moderation_action_create(
            actor=actor, action=ModerationAction.Action.UNBAN, room=room, target_user=ban.user, reason=reason
        )
