"""Every frame the server sends on a socket: one typed builder per frame, and its JSON Schema.

Services and the consumer build frames only here, so a frame's shape has one
home (docs/protocol.md, "Frames"; frontend/src/types/api.ts, `ServerEvent`).
The builders take the objects already serialized by their own homes
(`accounts.serializers.user_to_dict`, `messaging.serializers.message_to_dict`
and `room_to_dict`, `rooms.serializers.MemberSerializer`) and never query.

`SCHEMAS` maps each frame type to the JSON Schema of the frame;
tests/realtime/test_frames.py holds the builders, docs/protocol.md and the
TypeScript union to it. Internal channel-layer events are another namespace
(`realtime.events`, all `chat.*`): no frame type starts with `chat.`.
"""

from typing import Any, Literal, NotRequired, TypedDict

JSONObject = dict[str, Any]


class HelloFrame(TypedDict):
    type: Literal["hello"]
    user: JSONObject
    rooms: list[int]


class PongFrame(TypedDict):
    type: Literal["pong"]


class MessageFrame(TypedDict):
    type: Literal["message.new", "message.updated"]
    message: JSONObject


class MessageDeletedFrame(TypedDict):
    type: Literal["message.deleted"]
    room: int
    id: int
    seq: int


class TypingFrame(TypedDict):
    type: Literal["typing"]
    room: int
    user: JSONObject


class PresenceFrame(TypedDict):
    type: Literal["presence"]
    room: int
    user: JSONObject
    online: bool


class RoomFrame(TypedDict):
    type: Literal["room.added", "room.updated"]
    room: JSONObject


RemovalCause = Literal["left", "removed", "banned", "blocked"]


class RoomRemovedFrame(TypedDict):
    type: Literal["room.removed"]
    room: int
    cause: RemovalCause
    reason: str


class MemberFrame(TypedDict):
    type: Literal["member.added", "member.updated"]
    room: int
    member: JSONObject


class MemberRemovedFrame(TypedDict):
    type: Literal["member.removed"]
    room: int
    user: JSONObject


class ReadFrame(TypedDict):
    type: Literal["read"]
    room: int
    seq: int


class StarredFrame(TypedDict):
    type: Literal["starred"]
    room: int
    starred: bool


class MentionFrame(TypedDict):
    type: Literal["mention"]
    room: int
    message: JSONObject
    everyone: bool


class ReactionFrame(TypedDict):
    type: Literal["reaction"]
    room: int
    message: int
    seq: int
    emoji: str
    count: int
    user: JSONObject
    added: bool


class ErrorFrame(TypedDict):
    type: Literal["error"]
    code: str
    detail: str
    client_id: NotRequired[str]
    retry_after_ms: NotRequired[int]


def hello(*, user: JSONObject, rooms: list[int]) -> HelloFrame:
    """The first frame of a socket: its user and the ids of the rooms it follows."""
    return {"type": "hello", "user": user, "rooms": rooms}


def pong() -> PongFrame:
    """The answer to `ping`: every earlier frame of the socket has taken effect."""
    return {"type": "pong"}


def message_new(*, message: JSONObject) -> MessageFrame:
    """A message was committed in one of the user's rooms."""
    return {"type": "message.new", "message": message}


def message_updated(*, message: JSONObject) -> MessageFrame:
    """A message was edited."""
    return {"type": "message.updated", "message": message}


def message_deleted(*, room: int, id: int, seq: int) -> MessageDeletedFrame:
    """A message was deleted; it keeps its seq."""
    return {"type": "message.deleted", "room": room, "id": id, "seq": seq}


def typing(*, room: int, user: JSONObject) -> TypingFrame:
    """Another member is typing."""
    return {"type": "typing", "room": room, "user": user}


def presence(*, room: int, user: JSONObject, online: bool) -> PresenceFrame:
    """A member came online (first socket) or went offline (last socket gone or expired)."""
    return {"type": "presence", "room": room, "user": user, "online": online}


def room_added(*, room: JSONObject) -> RoomFrame:
    """The user joined or was added: the Room as they see it."""
    return {"type": "room.added", "room": room}


def room_updated(*, room: JSONObject) -> RoomFrame:
    """The room's name, topic or lock changed: the Room as this user sees it."""
    return {"type": "room.updated", "room": room}


def room_removed(*, room: int, cause: RemovalCause = "left", reason: str = "") -> RoomRemovedFrame:
    """The user left, was removed or banned: the socket stops following the room.

    `cause` is "left", "removed", "banned" or "blocked", `reason` the
    moderator's reason of a removal or ban ("" otherwise); both are
    additions to the contract's `{"room"}` (docs/protocol.md).
    """
    return {"type": "room.removed", "room": room, "cause": cause, "reason": reason}


def member_added(*, room: int, member: JSONObject) -> MemberFrame:
    """Someone joined or was added to the room."""
    return {"type": "member.added", "room": room, "member": member}


def member_updated(*, room: int, member: JSONObject) -> MemberFrame:
    """A member's role changed, or they were muted or unmuted."""
    return {"type": "member.updated", "room": room, "member": member}


def member_removed(*, room: int, user: JSONObject) -> MemberRemovedFrame:
    """A member left, was removed or banned (sent to the others)."""
    return {"type": "member.removed", "room": room, "user": user}


def read(*, room: int, seq: int) -> ReadFrame:
    """The user's read position in the room moved to `seq`."""
    return {"type": "read", "room": room, "seq": seq}


def starred(*, room: int, starred: bool) -> StarredFrame:
    """The user starred (`starred`: true) or unstarred the room, on any device; to all of their sockets."""
    return {"type": "starred", "room": room, "starred": starred}


def mention(*, room: int, message: JSONObject, everyone: bool) -> MentionFrame:
    """The user was named in a message (`everyone`: by `@room`); sent once per message and user."""
    return {"type": "mention", "room": room, "message": message, "everyone": everyone}


def reaction(
    *, room: int, message: int, seq: int, emoji: str, count: int, user: JSONObject, added: bool
) -> ReactionFrame:
    """`user` added (or took back) `emoji` on the message; `count` is the emoji's new count.

    One frame for every socket of the room, so it carries the actor, not a
    per-viewer `me`: a client sets its own `me` when `user` is itself.
    """
    return {
        "type": "reaction",
        "room": room,
        "message": message,
        "seq": seq,
        "emoji": emoji,
        "count": count,
        "user": user,
        "added": added,
    }


def error(
    *, code: str, detail: str, client_id: str | None = None, retry_after_ms: int | None = None
) -> ErrorFrame:
    """A frame was refused (docs/protocol.md, "Errors"); `client_id` is the refused frame's."""
    frame: ErrorFrame = {"type": "error", "code": code, "detail": detail}
    if client_id is not None:
        frame["client_id"] = client_id
    if retry_after_ms is not None:
        frame["retry_after_ms"] = retry_after_ms
    return frame


# --- JSON Schemas (draft 2020-12) ---------------------------------------------------

_ID = {"type": "integer", "minimum": 1}
_SEQ = {"type": "integer", "minimum": 0}
_TIME = {"type": "string", "format": "date-time"}
_ROLE = {"enum": ["owner", "moderator", "member"]}

USER = {
    "type": "object",
    "required": ["id", "username"],
    "properties": {"id": _ID, "username": {"type": "string"}},
}
MESSAGE = {
    "type": "object",
    "required": ["id", "room", "seq", "author", "body", "created_at", "edited_at", "deleted", "client_id"],
    "properties": {
        "id": _ID,
        "room": _ID,
        "seq": {"type": "integer", "minimum": 1},
        "author": USER,
        "body": {"type": "string"},
        "created_at": _TIME,
        "edited_at": {"oneOf": [_TIME, {"type": "null"}]},
        "deleted": {"type": "boolean"},
        "client_id": {"type": ["string", "null"]},
        "reply_to": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["id", "seq", "author", "excerpt", "deleted"],
                    "properties": {
                        "id": _ID,
                        "seq": {"type": "integer", "minimum": 1},
                        "author": USER,
                        "excerpt": {"type": "string"},
                        "deleted": {"type": "boolean"},
                    },
                },
            ]
        },
        "mentions": {"type": "array", "items": _ID},
        "mentions_room": {"type": "boolean"},
        "reactions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["emoji", "count", "me"],
                "properties": {
                    "emoji": {"type": "string"},
                    "count": {"type": "integer", "minimum": 1},
                    "me": {"type": "boolean"},
                },
            },
        },
    },
}
ROOM = {
    "type": "object",
    "required": [
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
    ],
    "properties": {
        "id": _ID,
        "kind": {"enum": ["public", "private", "direct"]},
        "name": {"type": "string"},
        "topic": {"type": "string"},
        "created_at": _TIME,
        "member_count": {"type": "integer", "minimum": 0},
        "is_locked": {"type": "boolean"},
        "my_role": {"oneOf": [_ROLE, {"type": "null"}]},
        "unread_count": {"type": "integer", "minimum": 0},
        "last_message": {"oneOf": [MESSAGE, {"type": "null"}]},
        "mention_count": {"type": "integer", "minimum": 0},
        "notification_level": {"oneOf": [{"enum": ["all", "mentions", "muted"]}, {"type": "null"}]},
        "allow_room_mentions": {"type": "boolean"},
        "starred": {"type": "boolean"},
        "peer_online": {"type": ["boolean", "null"]},
    },
}
MEMBER = {
    "type": "object",
    "required": ["user", "role", "joined_at", "muted", "online"],
    "properties": {
        "user": USER,
        "role": _ROLE,
        "joined_at": _TIME,
        "muted": {"type": "boolean"},
        "online": {"type": "boolean"},
    },
}


def _frame(type_: str, **properties: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", *properties],
        "properties": {"type": {"const": type_}, **properties},
    }


SCHEMAS: dict[str, dict] = {
    "hello": _frame("hello", user=USER, rooms={"type": "array", "items": _ID}),
    "pong": _frame("pong"),
    "message.new": _frame("message.new", message=MESSAGE),
    "message.updated": _frame("message.updated", message=MESSAGE),
    "message.deleted": _frame("message.deleted", room=_ID, id=_ID, seq=_SEQ),
    "typing": _frame("typing", room=_ID, user=USER),
    "presence": _frame("presence", room=_ID, user=USER, online={"type": "boolean"}),
    "room.added": _frame("room.added", room=ROOM),
    "room.updated": _frame("room.updated", room=ROOM),
    "room.removed": _frame("room.removed", room=_ID),
    "member.added": _frame("member.added", room=_ID, member=MEMBER),
    "member.updated": _frame("member.updated", room=_ID, member=MEMBER),
    "member.removed": _frame("member.removed", room=_ID, user=USER),
    "read": _frame("read", room=_ID, seq=_SEQ),
    "starred": _frame("starred", room=_ID, starred={"type": "boolean"}),
    "mention": _frame("mention", room=_ID, message=MESSAGE, everyone={"type": "boolean"}),
    "reaction": _frame(
        "reaction",
        room=_ID,
        message=_ID,
        seq={"type": "integer", "minimum": 1},
        emoji={"type": "string"},
        count={"type": "integer", "minimum": 0},
        user=USER,
        added={"type": "boolean"},
    ),
    "error": {
        **_frame("error", code={"type": "string"}, detail={"type": "string"}),
        "properties": {
            "type": {"const": "error"},
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "client_id": {"type": "string"},
            "retry_after_ms": {"type": "integer", "minimum": 0},
        },
    },
}
