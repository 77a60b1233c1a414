"""The Message shape (contract: Objects / Message), and the Room shape that shows a
room's unread count and last message to its viewer (contract: Objects / Room).
The Message shape's one home: history, REST replies and WebSocket events all
serialize through `message_row_to_dict` (rows of `MESSAGE_FIELDS`, or a
loaded Message through `message_to_dict`).

`message_to_dict` is a plain function, not a DRF serializer: building a
ModelSerializer per message cost about half of a history page's time (issue 8
item 7). The serializers below stay as the OpenAPI schema's description of
the same shapes, and the tests hold the two to byte-identical JSON.
"""

from collections.abc import Iterable
from datetime import datetime, tzinfo

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserSerializer
from rooms.models import Membership, Room

from .models import Message

REPLY_EXCERPT_MAX = 120
DELETED_EXCERPT = "deleted message"
BODY_HELP = (
    "The text as typed, 1-4000 characters. It is Markdown, rendered by the client: bold, italic, "
    "~~strike~~, `code`, fenced code, quotes, lists and http(s)/mailto links (docs/messages.md, "
    "Formatting); it travels and is stored as the plain string it is."
)


class ReplyToSerializer(serializers.Serializer):
    """The message a reply answers: `{"id", "seq", "author": User, "excerpt", "deleted"}`."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField()
    author = UserSerializer()
    excerpt = serializers.CharField(
        help_text=f"The first {REPLY_EXCERPT_MAX} characters of its body (its Markdown as typed, on one line), "
        f"or {DELETED_EXCERPT!r}."
    )
    deleted = serializers.BooleanField()


class ReactionCountSerializer(serializers.Serializer):
    """One emoji on a message: `{"emoji", "count", "me"}`."""

    emoji = serializers.CharField()
    count = serializers.IntegerField(min_value=1)
    me = serializers.BooleanField(
        help_text="Whether the caller reacted with it; always false in socket frames, which every "
        "member's sockets share (a client keeps its own from `reaction` frames)."
    )


class AttachmentSerializer(serializers.Serializer):
    """A file of a message: `{"id", "name", "size", "content_type", "url", "width", "height",
    "thumbnail_url"}` (docs/messages.md, Files)."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The file's name as sent, without any path.")
    size = serializers.IntegerField(help_text="Bytes.")
    content_type = serializers.CharField(help_text="The MIME type read from the file's bytes.")
    url = serializers.CharField(
        help_text="Where readers of the room download it (token authentication, as every call)."
    )
    width = serializers.IntegerField(allow_null=True, help_text="Pixels, for an image; else null.")
    height = serializers.IntegerField(allow_null=True, help_text="Pixels, for an image; else null.")
    thumbnail_url = serializers.CharField(
        allow_null=True,
        help_text=f"A WebP at most {settings.CHAT_THUMBNAIL_MAX_PX} px a side, for an image; else null.",
    )


class MessageSerializer(serializers.ModelSerializer):
    """`{"id", "room", "seq", "author": User, "body", "created_at", "edited_at", "deleted", "client_id",
    "reply_to": ReplyTo | null, "mentions": [user id], "mentions_room", "reactions": [Reaction],
    "attachments": [Attachment], "system": str | null}`."""

    room = serializers.IntegerField(source="room_id", read_only=True)
    author = UserSerializer(read_only=True)
    deleted = serializers.BooleanField(read_only=True)
    reply_to = serializers.SerializerMethodField()
    mentions = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    mentions_room = serializers.BooleanField(read_only=True)
    reactions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    system = serializers.SerializerMethodField(
        help_text="null for what a user wrote; for a system message what it tells of its author: "
        "joined, added (by a moderator), left, removed (or banned). Never unread."
    )

    class Meta:
        model = Message
        fields = [
            "id",
            "room",
            "seq",
            "author",
            "body",
            "created_at",
            "edited_at",
            "deleted",
            "client_id",
            "reply_to",
            "mentions",
            "mentions_room",
            "reactions",
            "attachments",
            "system",
        ]
        read_only_fields = fields
        extra_kwargs = {"body": {"help_text": BODY_HELP}}

    @extend_schema_field(ReplyToSerializer(allow_null=True))
    def get_reply_to(self, message: Message) -> dict | None:
        return reply_to_dict(message)

    @extend_schema_field(ReactionCountSerializer(many=True))
    def get_reactions(self, message: Message) -> list[dict]:
        return reactions_for_viewer(message)

    @extend_schema_field(
        serializers.ChoiceField(choices=["joined", "added", "left", "removed"], allow_null=True)
    )
    def get_system(self, message: Message) -> str | None:
        return message.system or None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict]:
        return _attachments(message.attachment_list)


def iso_datetime(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    """A datetime as DRF renders it by default: ISO 8601 in the current time zone, `Z` for UTC.

    The same steps as `rest_framework.fields.DateTimeField.to_representation`
    with DATETIME_FORMAT = ISO_8601 (convert to the current time zone, then
    `isoformat()`, "+00:00" written "Z"); None stays None. `tz` is the current
    time zone when the caller has it already: looking it up (a context-local
    read) costs more than the conversion.
    """
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def reply_excerpt(body: str) -> str:
    """The start of a replied message's body: one line of at most REPLY_EXCERPT_MAX characters."""
    text = " ".join(body.split())
    return text if len(text) <= REPLY_EXCERPT_MAX else text[: REPLY_EXCERPT_MAX - 1] + "\u2026"


# The columns a Message's shape reads, as `QuerySet.values()` paths: a history
# page or a gap fill reads these rows instead of Message instances. Building
# three model instances per row (the message, its author, the replied
# message's author) cost about three quarters of a page's server time.
MESSAGE_FIELDS = (
    "id",
    "room_id",
    "seq",
    "author_id",
    "author__username",
    "body",
    "created_at",
    "edited_at",
    "deleted_at",
    "client_id",
    "reply_to_id",
    "reply_to__seq",
    "reply_to__body",
    "reply_to__deleted_at",
    "reply_to__author_id",
    "reply_to__author__username",
    "mentions",
    "mentions_room",
    "reaction_counts",
    "attachment_list",
    "system",
)


def message_row(message: Message) -> dict:
    """The MESSAGE_FIELDS row of a loaded message (its author, and its replied message with
    that one's author, loaded: select_related), for `message_row_to_dict`."""
    original = message.reply_to if message.reply_to_id is not None else None
    return {
        "id": message.pk,
        "room_id": message.room_id,
        "seq": message.seq,
        "author_id": message.author_id,
        "author__username": message.author.username,
        "body": message.body,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "deleted_at": message.deleted_at,
        "client_id": message.client_id,
        "reply_to_id": None if original is None else original.pk,
        "reply_to__seq": None if original is None else original.seq,
        "reply_to__body": None if original is None else original.body,
        "reply_to__deleted_at": None if original is None else original.deleted_at,
        "reply_to__author_id": None if original is None else original.author_id,
        "reply_to__author__username": None if original is None else original.author.username,
        "mentions": message.mentions,
        "mentions_room": message.mentions_room,
        "reaction_counts": message.reaction_counts,
        "attachment_list": message.attachment_list,
        "system": message.system,
    }


def reply_to_dict(message: Message) -> dict | None:
    """The `reply_to` of a loaded message (see `message_row`); None when it answers nothing."""
    return _reply_to(message_row(message))


def _reply_to(row: dict) -> dict | None:
    # A deleted original keeps its place and reads "deleted message"; one
    # removed from the table (SET_NULL) leaves reply_to_id null.
    if row["reply_to_id"] is None:
        return None
    deleted = row["reply_to__deleted_at"] is not None
    return {
        "id": row["reply_to_id"],
        "seq": row["reply_to__seq"],
        "author": {"id": row["reply_to__author_id"], "username": row["reply_to__author__username"]},
        "excerpt": DELETED_EXCERPT if deleted else reply_excerpt(row["reply_to__body"]),
        "deleted": deleted,
    }


def reactions_for_viewer(message: Message, mine: frozenset[str] | set[str] = frozenset()) -> list[dict]:
    """`[{"emoji", "count", "me"}]` from the message's summary; `me` when the emoji is in `mine`."""
    return _reactions(message.reaction_counts, mine)


def _reactions(counts: list[dict], mine: frozenset[str] | set[str]) -> list[dict]:
    return [
        {"emoji": entry["emoji"], "count": entry["count"], "me": entry["emoji"] in mine} for entry in counts
    ]


def _attachments(entries: list[dict]) -> list[dict]:
    # The URLs are paths of this server: one API for every host name it is reached by.
    return [
        {
            "id": entry["id"],
            "name": entry["name"],
            "size": entry["size"],
            "content_type": entry["content_type"],
            "url": f"/api/attachments/{entry['id']}/",
            "width": entry["width"],
            "height": entry["height"],
            "thumbnail_url": f"/api/attachments/{entry['id']}/thumbnail/" if entry["thumbnail"] else None,
        }
        for entry in entries
    ]


def message_to_dict(
    message: Message, tz: tzinfo | None = None, mine: frozenset[str] | set[str] = frozenset()
) -> dict:
    """Serialize one message as MessageSerializer does, with no query: `message.author` must be
    loaded, and `message.reply_to` with its author when it has one (select_related).

    `tz`: the current time zone, if the caller looked it up (see iso_datetime).
    `mine`: the emoji the viewer reacted with (`me`); empty in frames every
    socket shares.
    """
    return message_row_to_dict(message_row(message), tz, mine)


def message_row_to_dict(
    row: dict, tz: tzinfo | None = None, mine: frozenset[str] | set[str] = frozenset()
) -> dict:
    """The Message shape from a MESSAGE_FIELDS row (`QuerySet.values(*MESSAGE_FIELDS)` or
    `message_row`); `tz` and `mine` as for `message_to_dict`. The shape's one home."""
    tz = tz or timezone.get_current_timezone()
    return {
        "id": row["id"],
        "room": row["room_id"],
        "seq": row["seq"],
        "author": {"id": row["author_id"], "username": row["author__username"]},
        "body": row["body"],
        "created_at": iso_datetime(row["created_at"], tz),
        "edited_at": iso_datetime(row["edited_at"], tz),
        "deleted": row["deleted_at"] is not None,
        "client_id": row["client_id"],
        "reply_to": _reply_to(row),
        "mentions": list(row["mentions"]),
        "mentions_room": row["mentions_room"],
        "reactions": _reactions(row["reaction_counts"], mine),
        "attachments": _attachments(row["attachment_list"]),
        "system": row["system"] or None,
    }


def messages_to_dicts(rows: Iterable[dict], mine: dict[int, set[str]] | None = None) -> list[dict]:
    """`message_row_to_dict` of each MESSAGE_FIELDS row, in order (a history page, a gap fill).

    `mine`: message id -> the emoji the viewer reacted with
    (messaging.selectors.my_reactions); None in frames every socket shares.
    """
    tz = timezone.get_current_timezone()
    mine = mine or {}
    return [message_row_to_dict(row, tz, mine.get(row["id"], frozenset())) for row in rows]


class MessageCreateSerializer(serializers.Serializer):
    """A send: JSON, or multipart/form-data with `files` parts (then `body` may be empty)."""

    body = serializers.CharField(
        trim_whitespace=False, allow_blank=True, required=False, default="", help_text=BODY_HELP
    )
    client_id = serializers.CharField(required=False, allow_null=True, max_length=64)
    reply_to = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of a message of this room that this one answers."
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        help_text=f"Multipart only: the message's files, one part each (at most {settings.CHAT_UPLOAD_MAX_FILES}, "
        f"{settings.CHAT_UPLOAD_MAX_BYTES} bytes each; docs/messages.md, Files).",
    )


class LimitsSerializer(serializers.Serializer):
    """What a client checks before it sends (docs/limits.md); sizes in bytes."""

    body_max = serializers.IntegerField()
    upload_max_bytes = serializers.IntegerField()
    upload_max_files = serializers.IntegerField()
    upload_max_request_bytes = serializers.IntegerField()


class ReactionSummarySerializer(serializers.Serializer):
    """The answer to adding or taking back a reaction: the message's reactions as the caller sees them."""

    message = serializers.IntegerField()
    reactions = ReactionCountSerializer(many=True)


class ReactionUsersSerializer(serializers.Serializer):
    """Who reacted with one emoji, first first (at most REACTION_USERS_MAX of them)."""

    emoji = serializers.CharField()
    count = serializers.IntegerField()
    users = UserSerializer(many=True)


class NotificationLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Membership.NotificationLevel.choices)


class MessageUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True, help_text=BODY_HELP)


class HistorySerializer(serializers.Serializer):
    """A page of history; `has_more_before` and `has_more_after` only on an `around` page."""

    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField(
        help_text="Older messages remain (no cursor, `before`), newer ones (`after`), "
        "or either (`around`: has_more_before or has_more_after)."
    )
    has_more_before = serializers.BooleanField(
        required=False, help_text="Only with `around`: messages older than the page remain."
    )
    has_more_after = serializers.BooleanField(
        required=False, help_text="Only with `around`: messages newer than the page remain."
    )


class HistoryQuerySerializer(serializers.Serializer):
    """`before`, `after` (seqs, exclusive), or `around` (a seq to centre the page on, alone);
    `limit` (default 50, capped at 200)."""

    before = serializers.IntegerField(required=False, min_value=1)
    after = serializers.IntegerField(required=False, min_value=0)
    around = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Centre the page on this seq: about half older (this seq included), half newer. "
        "Not with before or after.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, default=50)

    def validate(self, attrs):
        if "around" in attrs and ("before" in attrs or "after" in attrs):
            raise serializers.ValidationError({"around": ["around cannot be combined with before or after."]})
        return attrs


class ReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class MessageSearchQuerySerializer(serializers.Serializer):
    """`q`: the text to find, 1 to 200 characters after stripping; `room`: search only this room."""

    q = serializers.CharField(max_length=200)
    room = serializers.IntegerField(required=False, min_value=1)


# --- The Room object of the contract, as one viewer sees it -----------------------


class RoomSerializer(serializers.ModelSerializer):
    """A room as one viewer sees it.

    Reads the annotations of `messaging.selectors.room_queryset_for_user`
    (`my_role`, `member_count`, `unread_count`, `direct_name`) and the
    `last_message` that `messaging.selectors.attach_last_messages` put on it.
    """

    name = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)
    my_role = serializers.CharField(read_only=True, allow_null=True)
    unread_count = serializers.IntegerField(read_only=True)
    last_message = MessageSerializer(read_only=True, allow_null=True)
    mention_count = serializers.IntegerField(
        read_only=True, help_text="Unread messages that mention the viewer (by name or @room)."
    )
    notification_level = serializers.ChoiceField(
        source="my_notification_level",
        choices=Membership.NotificationLevel.choices,
        read_only=True,
        allow_null=True,
        help_text="The viewer's notification level; null for a non-member.",
    )
    peer_online = serializers.SerializerMethodField(
        help_text="For a direct room: whether the other member has a socket open (presence); "
        "null for other rooms. Kept current by `presence` frames."
    )
    starred = serializers.SerializerMethodField(
        help_text="Whether the viewer starred the room (a favourite, on all their devices); "
        "false for a non-member."
    )

    class Meta:
        model = Room
        fields = [
            "id",
            "kind",
            "name",
            "topic",
            "created_at",
            "member_count",
            "is_locked",
            "my_role",
            "unread_count",
            "last_message",
            "mention_count",
            "notification_level",
            "allow_room_mentions",
            "membership_notices",
            "starred",
            "peer_online",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_peer_online(self, room: Room) -> bool | None:
        return getattr(room, "peer_online", None)

    @extend_schema_field(serializers.CharField())
    def get_name(self, room: Room) -> str:
        return room_display_name(room)

    def get_starred(self, room: Room) -> bool:
        return bool(room.my_starred)


def room_to_dict(room: Room, tz: tzinfo | None = None) -> dict:
    """Serialize one room as RoomSerializer does, without DRF (see messaging.serializers).

    Needs what RoomSerializer reads: the annotations of
    `messaging.selectors.room_queryset_for_user` and `room.last_message` (no query
    here). `tz`: the current time zone, if the caller looked it up.
    """
    tz = tz or timezone.get_current_timezone()
    last_message = room.last_message
    my_role = room.my_role
    return {
        "id": room.pk,
        "kind": str(room.kind),
        "name": room_display_name(room),
        "topic": room.topic,
        "created_at": iso_datetime(room.created_at, tz),
        "member_count": int(room.member_count),
        "is_locked": room.is_locked,
        "my_role": None if my_role is None else str(my_role),
        "unread_count": int(room.unread_count),
        "last_message": None if last_message is None else message_to_dict(last_message, tz),
        "mention_count": int(room.mention_count),
        "notification_level": room.my_notification_level,
        "allow_room_mentions": room.allow_room_mentions,
        "membership_notices": room.membership_notices,
        "starred": bool(room.my_starred),
        "peer_online": getattr(room, "peer_online", None),
    }


def rooms_to_dicts(rooms: Iterable[Room]) -> list[dict]:
    """`room_to_dict` of each room, in order (the room lists)."""
    tz = timezone.get_current_timezone()
    return [room_to_dict(room, tz) for room in rooms]


def room_display_name(room: Room) -> str:
    """The room's name as its viewer sees it: a direct room is named after the other member."""
    if room.kind == Room.Kind.DIRECT:
        return getattr(room, "direct_name", None) or room.name
    return room.name
