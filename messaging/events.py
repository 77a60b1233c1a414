"""The one way events leave the server: to a channel-layer group, after commit.

Services call these inside their transaction; nothing is sent unless the
transaction commits (`transaction.on_commit`), so no client ever hears of a
write that did not happen (contract: "sent only after the commit"). Payloads
are serialized to JSON text once here; the consumer forwards the text as is.

Group names are built from primary keys only, as the channel layer allows
`[a-zA-Z0-9-_.]` under 100 characters.
"""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def room_group(room_id: int) -> str:
    """Group of every open socket of a room's members."""
    return f"room.{room_id}"


def user_group(user_id: int) -> str:
    """Group of every open socket of one user, in every server process."""
    return f"user.{user_id}"


def to_json(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _send_on_commit(group: str, event: dict) -> None:
    def send():
        async_to_sync(get_channel_layer().group_send)(group, event)

    transaction.on_commit(send)


def message_new(*, room_id: int, seq: int, message: dict) -> None:
    """`message.new` to the room; `seq` travels beside the text so sockets keep seq order."""
    text = to_json({"type": "message.new", "message": message})
    _send_on_commit(room_group(room_id), {"type": "chat.message", "room": room_id, "seq": seq, "text": text})


def room_broadcast(*, room_id: int, payload: dict, exclude_user_id: int | None = None) -> None:
    """Any server frame to every socket of the room, optionally not to one user's."""
    event = {"type": "chat.broadcast", "room": room_id, "text": to_json(payload)}
    if exclude_user_id is not None:
        event["exclude_user"] = exclude_user_id
    _send_on_commit(room_group(room_id), event)


def user_broadcast(*, user_id: int, payload: dict) -> None:
    """Any server frame to every socket of one user."""
    _send_on_commit(user_group(user_id), {"type": "chat.broadcast", "text": to_json(payload)})


def room_added(*, user_id: int, room_id: int, seq: int) -> None:
    """The user joined or was added when the room's newest seq was `seq`: their sockets
    follow the room from there and get `room.added`."""
    _send_on_commit(user_group(user_id), {"type": "room.added", "room": room_id, "seq": seq})


def room_removed(*, user_id: int, room_id: int) -> None:
    """The user left, was removed or banned: their sockets leave the group and get `room.removed`."""
    _send_on_commit(user_group(user_id), {"type": "room.removed", "room": room_id})


def room_updated(*, room_id: int) -> None:
    """Name, topic or lock changed: each member's socket sends its own view as `room.updated`."""
    _send_on_commit(room_group(room_id), {"type": "room.changed", "room": room_id})


def account_changed(*, user_id: int, reason: str) -> None:
    """The user's sessions ended or their rights changed (logout, password change or reset,
    deactivation, staff or superuser change): every socket of theirs closes with 4001."""
    _send_on_commit(user_group(user_id), {"type": "account.changed", "reason": reason})
