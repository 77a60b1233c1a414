"""Writes of moderation (contract: Moderation): a room's name, topic and lock; members'
roles and mutes; removals, bans and unbans; message deletions; and the audit log.

Above rooms and messaging: its audit rows point at both. Each function runs in one
transaction, writes its ModerationAction in that transaction, and registers its
events (realtime.events) to leave on commit.
"""

from django.db import transaction

from accounts.models import User
from core.errors import Forbidden, Invalid, NotFound
from messaging.access import message_access_for_deleting
from messaging.models import Message
from messaging.services import message_delete_unchecked
from realtime import events, frames
from rooms.access import room_access_for_moderating
from rooms.models import Ban, Membership, ModerationAction, Room
from rooms.services import (
    member_event,
    membership_removed_events,
    room_name_clean,
    room_text_clean,
    room_topic_clean,
    user_by_username,
)

REASON_MAX = 500


def room_update(
    *,
    actor,
    room_id: int,
    name: str | None = None,
    topic: str | None = None,
    is_locked: bool | None = None,
    allow_room_mentions: bool | None = None,
    membership_notices: bool | None = None,
) -> Room:
    """Change a room's name, topic, lock, `@room` or membership-notice setting; owners,
    moderators and staff only.

    Broadcasts `room.updated` to the members when something changed; a lock
    change is audited (`lock` / `unlock`). A direct room cannot be renamed.
    Raises NotFound, Forbidden, Invalid.
    """
    with transaction.atomic():
        room, _ = _room_locked(actor=actor, room_id=room_id)
        changes: dict[str, object] = {}
        if name is not None:
            if room.kind == Room.Kind.DIRECT:
                raise Invalid("A direct conversation has no name to change.")
            changes["name"] = room_name_clean(name)
        if topic is not None:
            changes["topic"] = room_topic_clean(topic)
        if is_locked is not None:
            changes["is_locked"] = bool(is_locked)
        if allow_room_mentions is not None:
            changes["allow_room_mentions"] = bool(allow_room_mentions)
        if membership_notices is not None:
            if room.kind == Room.Kind.DIRECT:
                raise Invalid("A direct conversation has no membership notices.")
            changes["membership_notices"] = bool(membership_notices)
        changed = [field for field, value in changes.items() if getattr(room, field) != value]
        for field in changed:
            setattr(room, field, changes[field])
        if changed:
            room.save(update_fields=[*changed, "updated_at"])
            events.room_changed(room_id=room.pk)
        if "is_locked" in changed:
            moderation_action_create(
                actor=actor,
                action=ModerationAction.Action.LOCK if room.is_locked else ModerationAction.Action.UNLOCK,
                room=room,
            )
    return room


# --- Moderation (contract: Moderation) ---------------------------------------
#
# Who may act on whom: staff on anyone in every room; an owner on moderators
# and members; a moderator on members only. Only the owner (or staff) changes
# roles, only staff change an owner's role, and a room keeps at least one
# owner. Every act writes its ModerationAction in the act's own transaction.

_RANK: dict[str, int] = {Membership.Role.MEMBER: 0, Membership.Role.MODERATOR: 1, Membership.Role.OWNER: 2}


def _room_locked(*, actor, room_id: int) -> tuple[Room, Membership | None]:
    """The room, row-locked until commit, and the actor's membership read after the lock,
    if the actor moderates the room (rooms.access.room_access_for_moderating).

    Every moderation write takes this lock before touching a membership, as
    message_create does before reading one, so a send that waited for it sees
    the ban, removal or mute, and an actor demoted meanwhile is refused. Room
    first, membership second, everywhere: no deadlock.
    """
    access = room_access_for_moderating(user=actor, room_id=room_id, lock=True)
    return access.room, access.membership


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
    return room_text_clean(reason, what="reason", limit=REASON_MAX)


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


def _member_updated(membership: Membership) -> None:
    """`member.updated` with the member's new role and mute, to every socket of the room."""
    member_event(frames.member_updated, membership)


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
    with transaction.atomic():
        room, actor_membership = _room_locked(actor=actor, room_id=room_id)
        if role not in Membership.Role.values:
            raise Invalid("A role is owner, moderator or member.")
        if room.kind == Room.Kind.DIRECT:
            raise Invalid("A direct conversation has no roles.")
        if not actor.is_staff and (
            actor_membership is None or actor_membership.role != Membership.Role.OWNER
        ):
            raise Forbidden("Only the room's owner may change roles.")
        # The room lock also serializes role changes: two demotions cannot both pass the owner count.
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
    with transaction.atomic():
        room, actor_membership = _room_locked(actor=actor, room_id=room_id)
        if user_id == actor.pk:
            raise Invalid("You cannot mute or unmute yourself.")
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
    with transaction.atomic():
        room, actor_membership = _room_locked(actor=actor, room_id=room_id)
        if room.kind == Room.Kind.DIRECT:
            raise Invalid("Nobody can be removed from a direct conversation.")
        if user_id == actor.pk:
            raise Invalid("To remove yourself, leave the room.")
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
        membership_removed_events(
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
    with transaction.atomic():
        room, actor_membership = _room_locked(actor=actor, room_id=room_id)
        if room.kind == Room.Kind.DIRECT:
            raise Invalid("Nobody can be banned from a direct conversation.")
        user = user_by_username(username)
        if user.pk == actor.pk:
            raise Invalid("You cannot ban yourself.")
        reason = _clean_reason(reason)
        # Under the room lock room_join and room_member_add check bans, so none slips past this one.
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
            membership_removed_events(room_id=room.pk, user=user, cause="banned", reason=reason)
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
    with transaction.atomic():
        room, _ = _room_locked(actor=actor, room_id=room_id)
        ban = (
            Ban.objects.select_for_update().select_related("user").filter(room=room, user_id=user_id).first()
        )
        if ban is None:
            raise NotFound("This user is not banned from the room.")
        ban.delete()
        moderation_action_create(
            actor=actor, action=ModerationAction.Action.UNBAN, room=room, target_user=ban.user, reason=reason
        )


# --- Messages ----------------------------------------------------------------


def message_delete(*, actor, message_id: int) -> Message:
    """Delete a message: keep its row and seq, empty the body, broadcast `message.deleted`.

    A deletion by anyone but the author (a moderator, staff, Django admin) is
    audited as `message_delete`. Deleting a deleted message changes nothing
    and broadcasts nothing. Raises NotFound, Forbidden
    (contract: `DELETE /api/messages/{id}/`).
    """
    with transaction.atomic():
        message = message_access_for_deleting(actor=actor, message_id=message_id)
        if not message.deleted:
            message_delete_unchecked(message=message)
            if message.author_id != actor.pk:
                moderation_action_create(
                    actor=actor,
                    action=ModerationAction.Action.MESSAGE_DELETE,
                    room=message.room,
                    target_user=message.author,
                    message=message,
                )
    return message
