"""Reads of messages: history pages (keyset on (room, seq), never OFFSET) and gap fills."""

from django.db.models import QuerySet

from .models import Message

HISTORY_LIMIT_DEFAULT = 50
HISTORY_LIMIT_MAX = 200


def message_history(
    *,
    room_id: int,
    before: int | None = None,
    after: int | None = None,
    limit: int = HISTORY_LIMIT_DEFAULT,
) -> tuple[list[Message], bool]:
    """One page of a room's history, ascending by seq, and whether more remain.

    No cursor: the newest `limit` messages. `before`: the newest `limit` with
    a smaller seq. `after`: the oldest `limit` with a larger seq (also below
    `before` when both are given). `has_more` tells of older messages for the
    first two, newer for `after` (contract: Messages and history). `limit`
    is capped at HISTORY_LIMIT_MAX. One query, on the (room, seq) index.
    """
    limit = max(1, min(limit, HISTORY_LIMIT_MAX))
    qs = Message.objects.filter(room_id=room_id).select_related("author")
    if before is not None:
        qs = qs.filter(seq__lt=before)
    if after is not None:
        page = list(qs.filter(seq__gt=after).order_by("seq")[: limit + 1])
        return page[:limit], len(page) > limit
    page = list(qs.order_by("-seq")[: limit + 1])
    has_more = len(page) > limit
    return page[:limit][::-1], has_more


def messages_between(
    *, room_id: int, after: int, before: int, limit: int = HISTORY_LIMIT_MAX
) -> list[Message]:
    """Messages with `after` < seq < `before`, ascending, at most `limit` (oldest first)."""
    return list(
        Message.objects.filter(room_id=room_id, seq__gt=after, seq__lt=before)
        .select_related("author")
        .order_by("seq")[:limit]
    )


def message_queryset() -> QuerySet[Message]:
    return Message.objects.select_related("author", "room")
