"""Writes of messages and read positions: one function per action, for REST,
the WebSocket consumer and admin alike (STYLE: "The write path of a message")."""

import re
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.serializers import user_to_dict
from core.errors import ChatError, Invalid
from realtime import events, frames
from realtime.ratelimit import message_rate_give_back, message_rate_take, throttle_acquire, throttle_release
from rooms.access import room_access_for_member_reads, room_access_for_posting
from rooms.models import Membership, Room

from .access import message_access_for_editing
from .models import Message
from .serializers import message_to_dict

BODY_MAX = 4000
CLIENT_ID_MAX = 64


# Bidirectional embedding, override and isolate controls: they reorder what follows them,
# so "txt.exe" can be made to show as "exe.txt" (issue 9 item 11). Plain marks (U+200E,
# U+200F) only nudge neutral characters and stay allowed; the UI sets dir="auto" per message.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Categories that draw nothing on their own: separators, controls, format characters
# (zero-width space, joiners, word joiner, BOM, soft hyphen, ...) and combining marks
# without a base, plus letters and symbols that are blank by design.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Me"})
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _has_visible_character(text: str) -> bool:
    return any(
        c not in _BLANK_CHARACTERS and unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in text
    )


def _check_storable(text: str, *, what: str) -> None:
    """Raise Invalid for text PostgreSQL or UTF-8 cannot hold: NUL, or a lone surrogate.

    The same two refusals DRF's CharField makes for REST input; a WebSocket
    frame's JSON can carry both ("\\u0000", "\\ud800").
    """
    if "\x00" in text:
        raise Invalid(f"{what} cannot contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{what} cannot contain lone surrogates (invalid Unicode).") from None


def message_body_clean(body) -> str:
    """The body stripped of surrounding white space; 1 to 4000 characters (contract: Objects).

    Raises Invalid when it is not text, holds NUL or a lone surrogate, has no
    visible character (only white space, zero-width or other format
    characters: refused as empty), holds a bidirectional override or isolate
    control (U+202A-U+202E, U+2066-U+2069: refused, not stripped, so what is
    stored is what was sent; docs/protocol.md, Errors), or is too long.
    """
    if not isinstance(body, str):
        raise Invalid("The body must be text.")
    _check_storable(body, what="A message")
    body = body.strip()
    if not _has_visible_character(body):
        raise Invalid("A message cannot be empty.")
    if len(body) > BODY_MAX:
        raise Invalid(f"A message has at most {BODY_MAX} characters.")
    if _BIDI_CONTROLS.search(body):
        raise Invalid("A message cannot contain bidirectional override or isolate controls.")
    return body


def client_id_clean(client_id) -> str | None:
    """The client_id as given: None, or a string of 1 to 64 characters without NUL or lone surrogates.

    Raises Invalid otherwise (docs/protocol.md, Errors).
    """
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX:
        raise Invalid(f"client_id is a string of 1 to {CLIENT_ID_MAX} characters.")
    _check_storable(client_id, what="client_id")
    return client_id


def _repeat_annotation(client_id: str | None) -> dict | None:
    """`existing_id` for room_access_for_posting: the id of the author's message with
    `client_id` in the room, or None. It keeps the statement's snapshot, so it can
    miss a message committed while the lock was awaited; message_create handles
    that case through the unique constraint."""
    if client_id is None:
        return None
    return {
        "existing_id": Subquery(
            Message.objects.filter(
                room_id=OuterRef("room_id"), author_id=OuterRef("user_id"), client_id=client_id
            ).values("pk")[:1]
        )
    }


def message_create(*, room_id: int, author, body: str, client_id: str | None = None) -> tuple[Message, bool]:
    """Store a message and broadcast `message.new` after commit; returns (message, created).

    In one transaction of three queries: (1) lock the room and the author's
    membership and read them, the author's account and any message the author
    already sent with `client_id` (rooms.access.room_access_for_posting); (2) take
    seq = room.last_seq + 1 by updating the room; (3) insert the message. The
    room's row lock makes seq gapless and in commit order. For a `client_id`
    the author already used in the room, the original message comes back
    (created False: nothing stored or broadcast), also when the first send
    committed while this one waited: its insert then breaks the unique
    constraint, its transaction (the seq bump with it) rolls back, and the
    original is read. Safe to call from several threads at once (each has
    its own connection; nothing here is shared).

    Raises Invalid (body, client_id), NotFound (no such room), Forbidden (not a
    member, disabled account, muted, locked), RateLimited (realtime.ratelimit).
    """
    body = message_body_clean(body)
    client_id = client_id_clean(client_id)
    counted = None
    try:
        with transaction.atomic():
            membership = room_access_for_posting(
                user=author, room_id=room_id, lock=True, annotations=_repeat_annotation(client_id)
            )
            existing_id = getattr(membership, "existing_id", None)
            if existing_id is not None:
                return Message.objects.select_related("author").get(pk=existing_id), False
            counted = message_rate_take(user_id=author.pk)
            room, now = membership.room, timezone.now()
            seq = room.last_seq + 1
            Room.objects.filter(pk=room.pk).update(last_seq=seq, last_activity_at=now)
            message = Message.objects.create(
                room=room, seq=seq, author=membership.user, body=body, client_id=client_id
            )
            events.message_new(room_id=room.pk, seq=seq, message=message_to_dict(message))
    except IntegrityError:
        # Only a concurrent send with the same client_id can break a constraint here
        # (seq is taken under the room's lock); the rollback undid this one's seq bump.
        message_rate_give_back(counted)
        original = _message_by_client_id(room_id=room_id, author=author, client_id=client_id)
        if original is None:
            raise
        return original, False
    except BaseException:
        # Nothing was stored (the transaction rolled back): the message does not count.
        message_rate_give_back(counted)
        raise
    return message, True


def _message_by_client_id(*, room_id: int, author, client_id: str | None) -> Message | None:
    if client_id is None:
        return None
    return (
        Message.objects.select_related("author")
        .filter(room_id=room_id, author=author, client_id=client_id)
        .first()
    )


def message_update(*, actor, message_id: int, body: str) -> Message:
    """Edit a message's body (the author only, while a member who may post) and broadcast
    `message.updated`.

    The body is validated as a new message's is. An edit counts against the
    author's rate limit as a new message does (issue 9 item 7); an edit that
    changes nothing (the same body) is no write and does not count. Raises
    NotFound, Forbidden (not the author, no longer a member, muted, locked
    room), Invalid (body, or the message was deleted), RateLimited.
    """
    body = message_body_clean(body)
    counted = None
    try:
        with transaction.atomic():
            message = message_access_for_editing(actor=actor, message_id=message_id)
            if message.body != body:
                counted = message_rate_take(user_id=actor.pk)
                message.body = body
                message.edited_at = timezone.now()
                message.save(update_fields=["body", "edited_at"])
                events.room_broadcast(
                    room_id=message.room_id,
                    payload=frames.message_updated(message=message_to_dict(message)),
                )
    except BaseException:
        message_rate_give_back(counted)
        raise
    return message


def message_delete_unchecked(*, message: Message) -> None:
    """Mark a message deleted and broadcast it; callers have authorized the actor."""
    message.body = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    events.room_broadcast(
        room_id=message.room_id,
        payload=frames.message_deleted(room=message.room_id, id=message.pk, seq=message.seq),
    )


def read_mark(*, user, room_id: int, seq: int) -> int:
    """Move the user's read position in a room forward to `seq`; return the position.

    Never moves it back, nor past the room's newest message. When it moved,
    every socket of the user gets `{"type": "read", "room", "seq"}`. Raises
    NotFound or Forbidden when the user is not a member, Invalid for a bad seq.
    """
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise Invalid("seq is a non-negative integer.")
    with transaction.atomic():
        membership = room_access_for_member_reads(user=user, room_id=room_id)
        target = min(seq, membership.room.last_seq)
        moved = Membership.objects.filter(pk=membership.pk, last_read_seq__lt=target).update(
            last_read_seq=target
        )
        if not moved:
            return max(membership.last_read_seq, target)
        events.user_broadcast(user_id=user.pk, payload=frames.read(room=room_id, seq=target))
    return target


def typing_notify(*, user, room_id: int) -> bool:
    """Tell the room's other members that `user` is typing; returns whether it was broadcast.

    At most one broadcast per user and room every TYPING_THROTTLE seconds,
    in every server process together, so a client that sends `typing` on
    every key press cannot flood a room; throttled frames are dropped
    quietly, before any database query. Raises NotFound or Forbidden as a
    send to the room would, on every refused frame.
    """
    key = f"typing:{user.pk}:{room_id}"
    if not throttle_acquire(key=key, seconds=settings.TYPING_THROTTLE):
        return False
    try:
        room_access_for_posting(user=user, room_id=room_id)
    except ChatError:
        # A refused frame must not hold the throttle, or the next refusal would go unsaid.
        throttle_release(key=key)
        raise
    events.room_broadcast(
        room_id=room_id,
        payload=frames.typing(room=room_id, user=user_to_dict(user)),
        exclude_user_id=user.pk,
    )
    return True


def presence_announce(*, user_id: int, online: bool) -> None:
    """Send `presence` for the user to every room they are a member of."""
    memberships = Membership.objects.filter(user_id=user_id).select_related("user")
    rooms = [(m.room_id, m.user) for m in memberships]
    if not rooms:
        return
    payload_user = user_to_dict(rooms[0][1])
    for room_id, _ in rooms:
        events.room_broadcast(
            room_id=room_id,
            payload=frames.presence(room=room_id, user=payload_user, online=online),
        )
