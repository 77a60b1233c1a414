"""May this user edit or delete this message? Built on rooms.access, so the room rules are
the same as for reading and posting (docs/messages.md, "Who may edit and delete").

Each helper locks the message row (inside the caller's transaction) and
returns it with `author` and `room` loaded, or raises NotFound, Forbidden or
Invalid.
"""

from core.errors import Forbidden, Invalid, NotFound
from rooms.access import room_access_for_posting, room_access_for_reading
from rooms.models import Membership

from .models import Message


def _message_locked(*, actor, message_id: int) -> Message:
    """The message, row-locked, with author and room; NotFound if there is none.

    The callers check the room after: staff pass, because they moderate every
    room, private ones included (contract: Moderation); anyone else must be
    able to read the room (else NotFound, as for a message that does not exist).
    """
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("author", "room")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound("Message not found.")
    return message


def message_access_for_editing(*, actor, message_id: int) -> Message:
    """The message, if `actor` is its author and may still post to its room.

    Raises NotFound (no such message, or in a room the actor may not read),
    Forbidden (not the author; no longer a member, disabled, muted, locked
    room: as `room_access_for_posting`), Invalid (the message was deleted).
    """
    message = _message_locked(actor=actor, message_id=message_id)
    if not actor.is_staff:
        room_access_for_reading(user=actor, room_id=message.room_id)
    if message.author_id != actor.pk:
        raise Forbidden("Only the author may edit a message.")
    if message.deleted:
        raise Invalid("A deleted message cannot be edited.")
    room_access_for_posting(user=actor, room_id=message.room_id)
    return message


def message_access_for_deleting(*, actor, message_id: int) -> Message:
    """The message, if `actor` may delete it: staff always; else members of its room only,
    its author, owners and moderators.

    An author who left, was removed or was banned no longer deletes (nor
    edits) their messages there; the room's moderators still may (issue 9
    item 13). Raises NotFound (no such message, or in a room the actor may
    not read), Forbidden.
    """
    message = _message_locked(actor=actor, message_id=message_id)
    if actor.is_staff:
        return message
    role = room_access_for_reading(user=actor, room_id=message.room_id).role
    if role is None:
        if message.author_id == actor.pk:
            raise Forbidden("You are no longer a member of this room.")
        raise Forbidden("You may not delete this message.")
    if message.author_id != actor.pk and role not in (Membership.Role.OWNER, Membership.Role.MODERATOR):
        raise Forbidden("You may not delete this message.")
    return message
