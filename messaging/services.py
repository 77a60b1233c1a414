"""Writes of messages and read positions: one function per action, for REST,
the WebSocket consumer and admin alike (STYLE: "The write path of a message")."""

import logging
import re
import secrets
import unicodedata

import emoji as emoji_data
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.serializers import user_to_dict
from core.errors import ChatError, Invalid, NotFound
from realtime import events, frames
from realtime.ratelimit import (
    action_rate_check,
    message_rate_give_back,
    message_rate_take,
    throttle_acquire,
    throttle_release,
)
from rooms.access import (
    posting_check,
    room_access_for_member_reads,
    room_access_for_posting,
    room_access_for_reading,
)
from rooms.models import Membership, Room

from .access import message_access_for_editing
from .files import PreparedFile
from .markdown import body_prose
from .models import Attachment, Mention, Message, Reaction, attachment_storage
from .selectors import membership_for_posting
from .serializers import message_to_dict

BODY_MAX = 4000
CLIENT_ID_MAX = 64

logger = logging.getLogger(__name__)


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


def message_body_clean(body, *, allow_empty: bool = False) -> str:
    """The body stripped of surrounding white space; 1 to 4000 characters (contract: Objects).

    Raises Invalid when it is not text, holds NUL or a lone surrogate, has no
    visible character (only white space, zero-width or other format
    characters: refused as empty), holds a bidirectional override or isolate
    control (U+202A-U+202E, U+2066-U+2069: refused, not stripped, so what is
    stored is what was sent; docs/protocol.md, Errors), or is too long.
    `allow_empty`: a message with files may have no text (then "").
    """
    if not isinstance(body, str):
        raise Invalid("The body must be text.")
    _check_storable(body, what="A message")
    body = body.strip()
    if allow_empty and not _has_visible_character(body):
        if body:
            raise Invalid("A message's text cannot be only invisible characters.")
        return body
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


# `@name` not preceded by a word character (so "bob@example.com" names nobody); the
# characters of a Django username. Trailing dots, pluses and dashes are tried off too:
# "thanks @bob." names bob.
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
ROOM_MENTION = "room"


def mentions_parse(body: str) -> tuple[list[str], bool]:
    """The usernames `body` names with `@username`, in order, without repeats, and whether
    it names `@room` (everyone in the room).

    A name is the run of username characters (letters, digits, `_ . + -`)
    after an `@` that does not follow a letter or digit; for a run ending in
    `.`, `+` or `-` the run without them is a candidate too. `@room` is
    never a username ("room" is reserved, accounts.names). Names inside
    Markdown code (a `code span` or a fenced block) are not read: the body's
    prose is messaging.markdown.body_prose. Pure: which names are members is
    `_mentioned_members`'s question.
    """
    names: list[str] = []
    everyone = False
    if "@" not in body and "&" not in body:
        return names, everyone
    for run in _MENTION.findall(body_prose(body)):
        for name in dict.fromkeys([run, run.rstrip(".+-")]):
            if not name:
                continue
            if name.casefold() == ROOM_MENTION:
                everyone = True
            elif name not in names:
                names.append(name)
    return names, everyone


def _mentioned_members(*, membership: Membership, body: str) -> tuple[list[int], bool]:
    """The ids of the room's members `body` names (not the author), and whether it names the room.

    `@room` counts when the room allows it (Room.allow_room_mentions) or the
    author moderates the room or is staff; otherwise it is plain text. At most
    CHAT_MENTIONS_MAX members may be named (Invalid past that: `@room` says it
    to everyone). One query when the body names anyone, none otherwise.
    """
    names, everyone = mentions_parse(body)
    author = membership.user
    if everyone and not (membership.room.allow_room_mentions or membership.is_moderator or author.is_staff):
        everyone = False
    if not names:
        return [], everyone
    # Only the first few times the limit are looked up: a body of 2000 "@x" costs one bounded query.
    names = names[: settings.CHAT_MENTIONS_MAX * 2]
    found = dict(
        Membership.objects.filter(room_id=membership.room_id, user__username__in=names)
        .exclude(user_id=author.pk)
        .values_list("user__username", "user_id")
    )
    ids = list(dict.fromkeys(found[name] for name in names if name in found))
    if len(ids) > settings.CHAT_MENTIONS_MAX:
        raise Invalid(
            f"A message may mention at most {settings.CHAT_MENTIONS_MAX} members; use @room for everyone."
        )
    return ids, everyone


def _mentions_store(*, message: Message, user_ids: list[int], everyone: bool) -> list[int]:
    """Write the message's mention fields and its Mention rows; return the ids newly mentioned.

    Newly: not mentioned by the message before (a first send: every id). Rows
    are kept only when the message does not mention the whole room (Mention).
    """
    before = set(message.mentions) | ({0} if message.mentions_room else set())
    message.mentions, message.mentions_room = user_ids, everyone
    if before:
        Mention.objects.filter(message=message).delete()
    if user_ids and not everyone:
        Mention.objects.bulk_create(
            [
                Mention(message=message, user_id=uid, room_id=message.room_id, seq=message.seq)
                for uid in user_ids
            ]
        )
    return [uid for uid in user_ids if uid not in before]


def _mention_events(*, message: Message, message_dict: dict, user_ids: list[int], everyone: bool) -> None:
    """`mention` to the sockets of each newly named member (one frame text for all of them),
    or once to the room, the author's sockets excepted, for a new `@room`."""
    if not user_ids and not everyone:
        return
    payload = frames.mention(room=message.room_id, message=message_dict, everyone=everyone)
    if everyone:
        events.room_broadcast(room_id=message.room_id, payload=payload, exclude_user_id=message.author_id)
    else:
        events.users_broadcast(user_ids=user_ids, room_id=message.room_id, payload=payload)


def _reply_target(*, room_id: int, reply_to) -> Message | None:
    """The message a new one answers: None, or a message of the same room that is not deleted.

    Raises Invalid for anything else (not an id, another room's message, none
    such: the same answer, so no one learns of messages elsewhere).
    """
    if reply_to is None:
        return None
    if not isinstance(reply_to, int) or isinstance(reply_to, bool):
        raise Invalid("reply_to is the id of a message in this room.")
    original = Message.objects.select_related("author").filter(pk=reply_to, room_id=room_id).first()
    if original is None:
        raise Invalid("reply_to is the id of a message in this room.")
    if original.deleted:
        raise Invalid("A deleted message cannot be replied to.")
    return original


def message_create(
    *,
    room_id: int,
    author,
    body: str,
    client_id: str | None = None,
    reply_to: int | None = None,
    files: list[PreparedFile] | None = None,
) -> tuple[Message, bool]:
    """Store a message and broadcast `message.new` after commit; returns (message, created).

    In one transaction of three queries: (1) lock the room and the author's
    membership and read them, the author's account and any message the author
    already sent with `client_id` (messaging.selectors.membership_for_posting,
    judged by rooms.access.posting_check); (2) take
    seq = room.last_seq + 1 by updating the room; (3) insert the message. The
    room's row lock makes seq gapless and in commit order. For a `client_id`
    the author already used in the room, the original message comes back
    (created False: nothing stored or broadcast), also when the first send
    committed while this one waited: its insert then breaks the unique
    constraint, its transaction (the seq bump with it) rolls back, and the
    original is read. Safe to call from several threads at once (each has
    its own connection; nothing here is shared).

    `reply_to`: the id of a message of the same room this one answers (one
    more query; Invalid for another room's, a missing or a deleted message).
    The body's `@username` mentions of members and `@room` are stored with it
    (one more query when it names anyone, one insert of Mention rows), and
    after commit each named member's sockets get `mention`.

    `files`: checked uploads (messaging.files.attachments_prepare); with
    them the body may be empty. They are written to the attachments storage
    and as Attachment rows after the message's insert (two more queries), and
    removed again from the storage if the transaction does not commit. A
    `client_id` already used returns the original, its files as they were.

    Raises Invalid (body, client_id, reply_to, too many mentions), NotFound (no
    such room), Forbidden (not a member, disabled account, muted, locked),
    RateLimited (realtime.ratelimit).
    """
    body = message_body_clean(body, allow_empty=bool(files))
    client_id = client_id_clean(client_id)
    counted = None
    stored: list[str] = []
    try:
        with transaction.atomic():
            found, existing_id = membership_for_posting(
                user_id=author.pk, room_id=room_id, client_id=client_id
            )
            membership = posting_check(membership=found, room_id=room_id)
            if existing_id is not None:
                return _with_relations().get(pk=existing_id), False
            counted = message_rate_take(user_id=author.pk)
            original = _reply_target(room_id=room_id, reply_to=reply_to)
            mentioned, everyone = _mentioned_members(membership=membership, body=body)
            room, now = membership.room, timezone.now()
            seq = room.last_seq + 1
            _room_seq_take(room_id=room.pk, seq=seq, now=now)
            message = Message.objects.create(
                room=room,
                seq=seq,
                author=membership.user,
                body=body,
                client_id=client_id,
                reply_to=original,
                mentions=mentioned,
                mentions_room=everyone,
            )
            if mentioned and not everyone:
                Mention.objects.bulk_create(
                    [Mention(message=message, user_id=uid, room_id=room.pk, seq=seq) for uid in mentioned]
                )
            if files:
                _attachments_store(message=message, files=files, stored=stored)
            message_dict = message_to_dict(message)
            events.message_new(room_id=room.pk, seq=seq, message=message_dict)
            _mention_events(message=message, message_dict=message_dict, user_ids=mentioned, everyone=everyone)
    except IntegrityError:
        # Only a concurrent send with the same client_id can break a constraint here
        # (seq is taken under the room's lock); the rollback undid this one's seq bump.
        message_rate_give_back(counted)
        _files_remove(stored)
        original = _message_by_client_id(room_id=room_id, author=author, client_id=client_id)
        if original is None:
            raise
        return original, False
    except BaseException:
        # Nothing was stored (the transaction rolled back): the message does not count.
        message_rate_give_back(counted)
        _files_remove(stored)
        raise
    return message, True


def _attachments_store(*, message: Message, files: list[PreparedFile], stored: list[str]) -> None:
    """Write the files of a new message to the storage and as Attachment rows, and its
    `attachment_list`; each storage name written is appended to `stored` as it is written,
    so a failure later can take them back (the database rolls back by itself)."""
    rows = []
    for file in files:
        attachment = Attachment(
            message=message,
            room_id=message.room_id,
            uploader_id=message.author_id,
            key=secrets.token_hex(16),
            name=file.name,
            size=file.size,
            content_type=file.content_type,
            width=file.width,
            height=file.height,
        )
        attachment.file.save("original", file.upload, save=False)
        stored.append(str(attachment.file.name))
        if file.thumbnail is not None:
            attachment.thumbnail.save("thumbnail.webp", ContentFile(file.thumbnail), save=False)
            stored.append(str(attachment.thumbnail.name))
        rows.append(attachment)
    Attachment.objects.bulk_create(rows)
    message.attachment_list = [attachment_summary(a) for a in rows]
    Message.objects.filter(pk=message.pk).update(attachment_list=message.attachment_list)


def attachment_summary(attachment: Attachment) -> dict:
    """The entry of `Message.attachment_list` for one attachment (messaging.models)."""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
        "thumbnail": bool(attachment.thumbnail),
    }


def _files_remove(names: list[str]) -> None:
    """Delete files from the attachments storage; a failure is logged, not raised (what is
    left is an orphan file, never a lost message)."""
    storage = attachment_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("could not delete the attachment file %s", name)


def attachment_files_remove_on_commit(attachment: Attachment) -> None:
    """Delete an attachment's files once the transaction that deleted its row commits
    (messaging.signals: every deletion of an Attachment row, cascades included)."""
    names = [str(f.name) for f in (attachment.file, attachment.thumbnail) if f]
    if names:
        transaction.on_commit(lambda: _files_remove(names))


# What an old client shows of a system message (the author's name, then the body).
SYSTEM_BODIES = {
    "joined": "joined the room",
    "added": "was added to the room",
    "left": "left the room",
    "removed": "was removed from the room",
}


def membership_notice_create(*, room_id: int, user, event: str) -> Message | None:
    """Store "`user` joined / was added / left / was removed" in the timeline of a room with
    `membership_notices` on, and broadcast it as `message.new` after commit; None for a
    direct room or one with them off.

    A system message (issue 11 §6): it takes the next seq, so every socket's
    seq tracking stays gapless, with the user as author, `system` = `event`
    and a plain-text body (SYSTEM_BODIES) for clients that do not know
    `system`. It is never counted unread, mentions nobody, cannot be edited
    and is left out of search. Runs in the caller's transaction (the
    membership change's): it locks the room for its seq, three queries.
    Called through rooms.signals.membership_changed.
    """
    if event not in SYSTEM_BODIES:
        raise ValueError(f"no system message for {event!r}")
    with transaction.atomic():
        room = (
            Room.objects.select_for_update()
            .only("pk", "kind", "last_seq", "membership_notices")
            .get(pk=room_id)
        )
        if room.kind == Room.Kind.DIRECT or not room.membership_notices:
            return None
        seq = room.last_seq + 1
        Room.objects.filter(pk=room.pk).update(last_seq=seq)
        message = Message.objects.create(
            room=room, seq=seq, author=user, body=SYSTEM_BODIES[event], system=event
        )
        events.message_new(room_id=room.pk, seq=seq, message=message_to_dict(message))
    return message


def _room_seq_take(*, room_id: int, seq: int, now) -> None:
    """Set the room's last_seq and last activity (under the room's row lock). As SQL: the
    ORM's update() costs several times the statement on this per-message path (issue 8)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(Room._meta.db_table)} SET {q('last_seq')} = %s, {q('last_activity_at')} = %s"
            f" WHERE {q('id')} = %s",
            [seq, connection.ops.adapt_datetimefield_value(now), room_id],
        )


def _message_by_client_id(*, room_id: int, author, client_id: str | None) -> Message | None:
    if client_id is None:
        return None
    return _with_relations().filter(room_id=room_id, author=author, client_id=client_id).first()


def _with_relations():
    """Messages with what message_to_dict reads: the author, and the replied message and its author."""
    return Message.objects.select_related("author", "reply_to", "reply_to__author")


def message_update(*, actor, message_id: int, body: str) -> Message:
    """Edit a message's body (the author only, while a member who may post) and broadcast
    `message.updated`.

    The body is validated as a new message's is. An edit counts against the
    author's rate limit as a new message does (issue 9 item 7); an edit that
    changes nothing (the same body) is no write and does not count. Raises
    NotFound, Forbidden (not the author, no longer a member, muted, locked
    room), Invalid (body, or the message was deleted, or too many mentions),
    RateLimited. Mentions are parsed again: members named for the first time
    get `mention`; a member no longer named no longer counts it unread.
    """
    counted = None
    try:
        with transaction.atomic():
            message = message_access_for_editing(actor=actor, message_id=message_id)
            if message.system:
                raise Invalid("A system message cannot be edited.")
            body = message_body_clean(body, allow_empty=bool(message.attachment_list))
            if message.body != body:
                counted = message_rate_take(user_id=actor.pk)
                membership = room_access_for_posting(user=actor, room_id=message.room_id)
                mentioned, everyone = _mentioned_members(membership=membership, body=body)
                was_everyone = message.mentions_room
                fresh = _mentions_store(message=message, user_ids=mentioned, everyone=everyone)
                message.body = body
                message.edited_at = timezone.now()
                message.save(update_fields=["body", "edited_at", "mentions", "mentions_room"])
                _load_reply(message)
                message_dict = message_to_dict(message)
                events.room_broadcast(
                    room_id=message.room_id, payload=frames.message_updated(message=message_dict)
                )
                _mention_events(
                    message=message,
                    message_dict=message_dict,
                    user_ids=[] if everyone else fresh,
                    everyone=everyone and not was_everyone,
                )
    except BaseException:
        message_rate_give_back(counted)
        raise
    return message


def message_delete_unchecked(*, message: Message) -> None:
    """Mark a message deleted and broadcast it; callers have authorized the actor.

    Its body, mentions (no longer counted unread), reactions and files go
    with it (the files from the storage after the commit); replies to it keep
    their link and quote it as a deleted message.
    """
    message.body = ""
    message.deleted_at = timezone.now()
    message.mentions, message.mentions_room, message.reaction_counts = [], False, []
    had_files, message.attachment_list = bool(message.attachment_list), []
    message.save(
        update_fields=[
            "body",
            "deleted_at",
            "mentions",
            "mentions_room",
            "reaction_counts",
            "attachment_list",
        ]
    )
    Mention.objects.filter(message=message).delete()
    Reaction.objects.filter(message=message).delete()
    if had_files:
        # Each row's files go after the commit (messaging.signals).
        Attachment.objects.filter(message=message).delete()
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


def presence_announce(
    *, user_id: int, online: bool, user: dict | None = None, room_ids: list[int] | None = None
) -> None:
    """Send `presence` for the user to every room they are a member of.

    `user` (the User shape) and `room_ids`: what a socket of the user already
    holds (messaging.hub), so no query is made; else the memberships are read.
    """
    if user is not None and room_ids is not None:
        for room_id in room_ids:
            events.room_broadcast(
                room_id=room_id, payload=frames.presence(room=room_id, user=user, online=online)
            )
        return
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


def _load_reply(message: Message) -> None:
    """Load the replied message and its author on a message read without them (one query if any)."""
    if message.reply_to_id is not None:
        message.reply_to = Message.objects.select_related("author").filter(pk=message.reply_to_id).first()


# --- Reactions -------------------------------------------------------------------------


def emoji_clean(value) -> str:
    """`value` if it is exactly one emoji, as the `emoji` library's Unicode data knows them.

    One emoji: a single code point, a flag, a keycap, a skin-tone or
    ZWJ sequence (`emoji.is_emoji`); an unqualified form is made
    fully qualified (U+FE0F added) so one emoji has one spelling. Raises
    Invalid for anything else: text, two emoji, an emoji among letters.
    """
    if not isinstance(value, str) or not 0 < len(value) <= 32:
        raise Invalid("A reaction is one emoji.")
    if not emoji_data.is_emoji(value):
        qualified = value + "\ufe0f"
        if not emoji_data.is_emoji(qualified):
            raise Invalid("A reaction is one emoji.")
        value = qualified
    elif not value.endswith("\ufe0f") and emoji_data.is_emoji(value + "\ufe0f"):
        value += "\ufe0f"
    return value


def _message_for_reacting(*, user, message_id: int) -> tuple[Message, Membership]:
    """The message, row-locked, if `user` may react to it: as for posting to its room.

    Raises NotFound (no such message, or one in a room the user may not read),
    Forbidden (not a member, banned, disabled, muted, a locked room and not a
    moderator: rooms.access.room_access_for_posting), Invalid (deleted).
    """
    message = (
        Message.objects.select_for_update(of=("self",)).select_related("author").filter(pk=message_id).first()
    )
    if message is None:
        raise NotFound("Message not found.")
    room_access_for_reading(user=user, room_id=message.room_id)
    membership = room_access_for_posting(user=user, room_id=message.room_id)
    if message.deleted:
        raise Invalid("A deleted message cannot be reacted to.")
    return message, membership


def _reaction_event(*, message: Message, user, emoji: str, count: int, added: bool) -> None:
    events.room_broadcast(
        room_id=message.room_id,
        payload=frames.reaction(
            room=message.room_id,
            message=message.pk,
            seq=message.seq,
            emoji=emoji,
            count=count,
            user=user_to_dict(user),
            added=added,
        ),
    )


def reaction_add(*, user, message_id: int, emoji: str) -> tuple[list[dict], bool]:
    """Add `user`'s `emoji` reaction to a message; returns (its reaction summary, added).

    Idempotent: a reaction the user already made changes nothing (added
    False, no event). A new one is stored (unique per user, message and
    emoji: a database constraint), counted in `Message.reaction_counts` under
    the message's row lock, and broadcast after commit as `reaction` to the
    room. A message holds at most CHAT_REACTIONS_MAX_EMOJI distinct emoji.
    Raises Invalid (not one emoji, too many distinct emoji, a deleted
    message), NotFound, Forbidden (as for posting: muted, locked room,
    not a member), RateLimited (CHAT_RATE_REACTIONS).
    """
    emoji = emoji_clean(emoji)
    with transaction.atomic():
        message, membership = _message_for_reacting(user=user, message_id=message_id)
        if Reaction.objects.filter(message=message, user=user, emoji=emoji).exists():
            return message.reaction_counts, False
        counts = [dict(entry) for entry in message.reaction_counts]
        entry = next((e for e in counts if e["emoji"] == emoji), None)
        if entry is None:
            if len(counts) >= settings.CHAT_REACTIONS_MAX_EMOJI:
                raise Invalid(
                    f"A message holds at most {settings.CHAT_REACTIONS_MAX_EMOJI} different reactions."
                )
            entry = {"emoji": emoji, "count": 0}
            counts.append(entry)
        action_rate_check(action="reaction", user_id=user.pk)
        Reaction.objects.create(message=message, user=membership.user, emoji=emoji)
        entry["count"] += 1
        message.reaction_counts = counts
        message.save(update_fields=["reaction_counts"])
        _reaction_event(message=message, user=membership.user, emoji=emoji, count=entry["count"], added=True)
    return counts, True


def reaction_remove(*, user, message_id: int, emoji: str) -> tuple[list[dict], bool]:
    """Take back `user`'s `emoji` reaction; returns (the reaction summary, removed).

    Idempotent: no such reaction changes nothing (removed False, no event).
    Otherwise the count drops (an emoji at 0 leaves the summary) and
    `reaction` goes to the room after commit. The same rights as adding
    (a muted member can neither add nor take back). Raises as reaction_add.
    """
    emoji = emoji_clean(emoji)
    with transaction.atomic():
        message, membership = _message_for_reacting(user=user, message_id=message_id)
        deleted, _ = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
        if not deleted:
            return message.reaction_counts, False
        counts = [dict(entry) for entry in message.reaction_counts]
        count = 0
        for entry in counts:
            if entry["emoji"] == emoji:
                entry["count"] = count = max(0, entry["count"] - 1)
        counts = [entry for entry in counts if entry["count"] > 0]
        message.reaction_counts = counts
        message.save(update_fields=["reaction_counts"])
        _reaction_event(message=message, user=membership.user, emoji=emoji, count=count, added=False)
    return counts, True


# --- Notification level -------------------------------------------------------------


def notification_level_set(*, user, room_id: int, level: str) -> Membership:
    """Set the user's notification level in a room: `all`, `mentions` or `muted`.

    The user's other sockets get `room.updated` (the Room carries
    `notification_level`). Raises Invalid (another level), NotFound or
    Forbidden (not a member: rooms.access.room_access_for_member_reads).
    """
    if level not in Membership.NotificationLevel.values:
        raise Invalid("The notification level is all, mentions or muted.")
    with transaction.atomic():
        membership = room_access_for_member_reads(user=user, room_id=room_id)
        if membership.notification_level != level:
            membership.notification_level = level
            membership.save(update_fields=["notification_level"])
            events.room_updated_for_user(user_id=user.pk, room_id=room_id)
    return membership
