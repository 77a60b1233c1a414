"""Reads of messages: history pages (keyset on (room, seq), never OFFSET), gap fills and search."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet

from rooms.selectors import room_ids_readable_by

from .models import Message

SEARCH_CONFIG = "english"

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


def message_history_around(
    *, room_id: int, around: int, limit: int = HISTORY_LIMIT_DEFAULT
) -> tuple[list[Message], bool, bool]:
    """The page of `limit` messages centred on seq `around`, ascending; and whether older
    and newer messages remain beyond it: `(page, has_more_before, has_more_after)`.

    The page holds the newest `limit - limit // 2` messages with seq <= `around`
    (so `around` itself, if it exists) and the oldest `limit // 2` after it;
    when one side runs out, the other fills the page up to `limit`. `limit` is
    capped at HISTORY_LIMIT_MAX. Two queries, each a range scan of the
    (room, seq) index of at most `limit + 1` rows (docs/messages.md).
    """
    limit = max(1, min(limit, HISTORY_LIMIT_MAX))
    qs = Message.objects.filter(room_id=room_id).select_related("author")
    older = list(qs.filter(seq__lte=around).order_by("-seq")[: limit + 1])
    newer = list(qs.filter(seq__gt=around).order_by("seq")[: limit + 1])
    take_after = min(len(newer), max(limit // 2, limit - len(older)))
    take_before = min(len(older), limit - take_after)
    page = older[:take_before][::-1] + newer[:take_after]
    return page, len(older) > take_before, len(newer) > take_after


def messages_between(
    *, room_id: int, after: int, before: int, limit: int = HISTORY_LIMIT_MAX
) -> list[Message]:
    """Messages with `after` < seq < `before`, ascending, at most `limit` (oldest first)."""
    return list(
        Message.objects.filter(room_id=room_id, seq__gt=after, seq__lt=before)
        .select_related("author")
        .order_by("seq")[:limit]
    )


def _search_vector() -> SearchVector:
    # Compiles to the expression of the GIN index message_body_search
    # (migration 0002); PostgreSQL uses the index only for this very expression.
    return SearchVector("body", config=SEARCH_CONFIG)


def message_search(*, user, text: str, room_id: int | None = None) -> QuerySet[Message]:
    """Messages matching `text` in the rooms `user` may read (only `room_id`'s if given), with authors.

    Readable rooms are the user's rooms and every public room, as for history
    (contract: "only from rooms the caller may read"); a `room_id` the user
    may not read gives no results (the API answers 404 before). Deleted
    messages are never found. On PostgreSQL: full-text search in English
    (stems: "running" finds "run"; web-search syntax: "quoted phrases",
    `or`, `-word`), best rank first, newest first among equal ranks, served
    by the GIN index. Elsewhere: the messages containing `text`,
    case-insensitively (ASCII letters only on SQLite), newest first.
    """
    messages = Message.objects.filter(
        room_id__in=room_ids_readable_by(user=user), deleted_at__isnull=True
    ).select_related("author")
    if room_id is not None:
        messages = messages.filter(room_id=room_id)
    if connection.vendor != "postgresql":
        return messages.filter(body__icontains=text).order_by("-created_at", "-pk")
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return (
        messages.alias(search=_search_vector())
        .filter(search=query)
        .annotate(rank=SearchRank(_search_vector(), query))
        .order_by("-rank", "-created_at", "-pk")
    )
