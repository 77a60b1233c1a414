"""Reads of messages: history pages (keyset on (room, seq), never OFFSET), gap fills, search,
and the room list's read model (rooms with the viewer's unread count and last message)."""

import logging
import re
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

import psycopg
import redis
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import OperationalError, connection, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User
from core.errors import Invalid, NotFound
from realtime.presence import online_user_ids
from rooms.access import room_is_hidden
from rooms.models import Membership, Room
from rooms.selectors import room_ids_readable_by

from .models import Mention, Message, Reaction
from .serializers import MESSAGE_FIELDS

logger = logging.getLogger(__name__)

SEARCH_CONFIG = "english"

# What message_to_dict reads besides the row: joined in, so a page costs no more queries.
MESSAGE_RELATIONS = ("author", "reply_to", "reply_to__author")

HISTORY_LIMIT_DEFAULT = 50
HISTORY_LIMIT_MAX = 200


def message_history(
    *,
    room_id: int,
    before: int | None = None,
    after: int | None = None,
    limit: int = HISTORY_LIMIT_DEFAULT,
) -> tuple[list[dict], bool]:
    """One page of a room's history, ascending by seq, and whether more remain; the page as
    MESSAGE_FIELDS rows (messaging.serializers.messages_to_dicts), not Message instances.

    No cursor: the newest `limit` messages. `before`: the newest `limit` with
    a smaller seq. `after`: the oldest `limit` with a larger seq (also below
    `before` when both are given). `has_more` tells of older messages for the
    first two, newer for `after` (contract: Messages and history). `limit`
    is capped at HISTORY_LIMIT_MAX. One query, on the (room, seq) index.
    """
    limit = max(1, min(limit, HISTORY_LIMIT_MAX))
    qs = Message.objects.filter(room_id=room_id).values(*MESSAGE_FIELDS)
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
) -> tuple[list[dict], bool, bool]:
    """The page of `limit` messages centred on seq `around`, ascending; and whether older
    and newer messages remain beyond it: `(page, has_more_before, has_more_after)`.

    The page holds the newest `limit - limit // 2` messages with seq <= `around`
    (so `around` itself, if it exists) and the oldest `limit // 2` after it;
    when one side runs out, the other fills the page up to `limit`. `limit` is
    capped at HISTORY_LIMIT_MAX. Two queries, each a range scan of the
    (room, seq) index of at most `limit + 1` rows (docs/messages.md).
    """
    limit = max(1, min(limit, HISTORY_LIMIT_MAX))
    qs = Message.objects.filter(room_id=room_id).values(*MESSAGE_FIELDS)
    older = list(qs.filter(seq__lte=around).order_by("-seq")[: limit + 1])
    newer = list(qs.filter(seq__gt=around).order_by("seq")[: limit + 1])
    take_after = min(len(newer), max(limit // 2, limit - len(older)))
    take_before = min(len(older), limit - take_after)
    page = older[:take_before][::-1] + newer[:take_after]
    return page, len(older) > take_before, len(newer) > take_after


def messages_between(*, room_id: int, after: int, before: int, limit: int = HISTORY_LIMIT_MAX) -> list[dict]:
    """Messages with `after` < seq < `before`, ascending, at most `limit` (oldest first), as
    MESSAGE_FIELDS rows (messaging.serializers.messages_to_dicts)."""
    return list(
        Message.objects.filter(room_id=room_id, seq__gt=after, seq__lt=before)
        .values(*MESSAGE_FIELDS)
        .order_by("seq")[:limit]
    )


def _search_vector() -> SearchVector:
    # Compiles to the expression of the GIN index message_body_search
    # (migration 0002); PostgreSQL uses the index only for this very expression.
    return SearchVector("body", config=SEARCH_CONFIG)


# One term: optional leading dashes (exclusion), then a quoted phrase (its
# closing quote optional) or a run of anything but white space and quotes.
_SEARCH_TOKEN = re.compile(r'(-*)("[^"]*"?|[^\s"]+)')
_SEARCH_WORD = re.compile(r"\w+")


def search_text_clean(text: str) -> tuple[str, int]:
    """`text` rewritten as the web-search query `message_search` runs, and its number of terms.

    A term is a word or a "quoted phrase", excluded when it starts with `-`;
    `or` between two terms means either. Only the word characters of a term
    are kept (`e-mail` becomes the phrase "e mail", which matches it), and
    tokens without any (`-`, `&`, `(`) are dropped, so PostgreSQL's parser
    never sees a run of operators (33 `-` overflowed its stack: issue 9).
    Raises Invalid when nothing is left to find, when every term is excluded
    (that would scan every message), or past CHAT_SEARCH_MAX_TERMS terms.
    """
    parts: list[str] = []
    terms = positive = 0
    for dashes, token in _SEARCH_TOKEN.findall(text):
        if not dashes and token.lower() == "or":
            if parts and parts[-1] != "or":
                parts.append("or")
            continue
        words = _SEARCH_WORD.findall(token)
        if not words:
            continue
        term = words[0] if len(words) == 1 else '"' + " ".join(words) + '"'
        parts.append(f"-{term}" if dashes else term)
        terms += 1
        positive += not dashes
    if parts and parts[-1] == "or":
        parts.pop()
    if not terms:
        raise Invalid("Give a word to search for.")
    if not positive:
        raise Invalid("Give at least one word to find, not only words to leave out (-word).")
    limit = settings.CHAT_SEARCH_MAX_TERMS
    if terms > limit:
        raise Invalid(f"A search holds at most {limit} words or quoted phrases.")
    return " ".join(parts), terms


@contextmanager
def search_time_limit():
    """Run the block in a transaction whose statements stop after CHAT_SEARCH_TIMEOUT_MS.

    PostgreSQL only (`SET LOCAL statement_timeout`, restored on the way out
    so an enclosing transaction keeps its own); elsewhere the block just
    runs. A statement that runs out of time raises Invalid: the search is too
    broad to serve, and the same search would fail again.
    """
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                [f"{settings.CHAT_SEARCH_TIMEOUT_MS}ms"],
            )
            previous = cursor.fetchone()[0]
            yield
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if isinstance(exc.__cause__, psycopg.errors.QueryCanceled):
            raise Invalid("This search takes too long: add words, or search one room, to narrow it.") from exc
        raise


def message_search(*, user, text: str, room_id: int | None = None) -> QuerySet[Message]:
    """Messages matching `text` in the rooms `user` may read (only `room_id`'s if given), with authors.

    Readable rooms are the user's rooms and every public room, as for history
    (contract: "only from rooms the caller may read"); a `room_id` the user
    may not read gives no results (the API answers 404 before). Deleted
    messages are never found. `text` must pass `search_text_clean` (Invalid
    otherwise) on every database.

    On PostgreSQL: full-text search in English (stems: "running" finds
    "run"; web-search syntax: "quoted phrases", `or`, `-word`) on the GIN
    index. Only the newest CHAT_SEARCH_CANDIDATES matches are ranked, best
    rank first, newest first among equal ranks, so a word in every message
    costs a bounded sort, not a rank of each. A query whose index lookup
    would not narrow anything (`the -zebra`: a stop word and an exclusion)
    raises Invalid; one of stop words only finds nothing. Run it inside
    `search_time_limit`. Elsewhere: the messages containing `text`,
    case-insensitively (ASCII letters only on SQLite), newest first.
    """
    query_text, _ = search_text_clean(text)
    messages = Message.objects.filter(
        room_id__in=room_ids_readable_by(user=user), deleted_at__isnull=True, system=""
    ).select_related(*MESSAGE_RELATIONS)
    if room_id is not None:
        messages = messages.filter(room_id=room_id)
    if connection.vendor != "postgresql":
        return messages.filter(body__icontains=text.strip()).order_by("-created_at", "-pk")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT querytree(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, query_text]
        )
        tree = cursor.fetchone()[0]
    if tree == "":
        return messages.none()
    if tree == "T":  # what PostgreSQL says when the index cannot narrow the search
        raise Invalid("Give at least one word to find, not only words to leave out (-word).")
    query = SearchQuery(query_text, config=SEARCH_CONFIG, search_type="websearch")
    # created_at has no index of its own, so PostgreSQL finds the matches in
    # the GIN index and sorts them, rather than walking the primary key
    # backwards and computing each message's vector until enough match.
    # Fetched once here, so the page's count and rows do not search twice.
    newest = list(
        messages.alias(search=_search_vector())
        .filter(search=query)
        .order_by("-created_at")
        .values_list("pk", flat=True)[: settings.CHAT_SEARCH_CANDIDATES]
    )
    return (
        Message.objects.filter(pk__in=newest)
        .select_related(*MESSAGE_RELATIONS)
        .annotate(rank=SearchRank(_search_vector(), query))
        .order_by("-rank", "-created_at", "-pk")
    )


# --- The room list's read model: rooms with unread counts and last messages ---


def my_reactions(*, user, messages: Iterable[dict]) -> dict[int, set[str]]:
    """`{message id: the emoji user reacted with}` for the messages that have reactions.

    One query on the reaction unique index, none when no message has one: what
    makes `me` in a history page (messages_to_dicts' `mine`).
    """
    ids = [m["id"] for m in messages if m["reaction_counts"]]
    mine: dict[int, set[str]] = {}
    if ids and user.is_authenticated:
        for message_id, emoji in Reaction.objects.filter(message_id__in=ids, user=user).values_list(
            "message_id", "emoji"
        ):
            mine.setdefault(message_id, set()).add(emoji)
    return mine


REACTION_USERS_MAX = 50


def reaction_users(*, message_id: int) -> list[dict]:
    """Who reacted to a message, per emoji in the summary's order:
    `[{"emoji", "count", "users": [User, ...]}]`, at most REACTION_USERS_MAX users each, first first.

    One query. The caller checks that the reader may read the message's room.
    """
    message = Message.objects.filter(pk=message_id).only("reaction_counts").first()
    if message is None:
        raise NotFound("Message not found.")
    users: dict[str, list[dict]] = {}
    rows = (
        Reaction.objects.filter(message_id=message_id)
        .order_by("created_at", "pk")
        .values_list("emoji", "user_id", "user__username")
    )
    for emoji, user_id, username in rows:
        listed = users.setdefault(emoji, [])
        if len(listed) < REACTION_USERS_MAX:
            listed.append({"id": user_id, "username": username})
    return [
        {"emoji": entry["emoji"], "count": entry["count"], "users": users.get(entry["emoji"], [])}
        for entry in message.reaction_counts
    ]


def _count(queryset: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("room").annotate(c=Count("*")).values("c"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def room_queryset_for_user(*, user: User) -> QuerySet[Room]:
    """Rooms annotated with the viewer's fields of the contract's Room object.

    Adds `my_role` (None for a non-member), `my_last_read_seq`,
    `my_notification_level`, `my_starred` (None for a non-member), `member_count`, `unread_count` (messages after
    the read position, by others, not deleted; 0 for a non-member),
    `mention_count` (those of them that name the user or the room) and, for direct rooms,
    `direct_name` (the other member's username). Each is a correlated
    subquery, so a list costs one query however many rooms it holds.
    """
    mine = Membership.objects.filter(room=OuterRef("pk"), user=user)
    # Room declares my_role and member_count for type checkers, which the plugin calls a redefinition.
    return Room.objects.annotate(  # type: ignore[no-redef]
        my_role=Subquery(mine.values("role")[:1]),
        my_last_read_seq=Subquery(mine.values("last_read_seq")[:1]),
        my_notification_level=Subquery(mine.values("notification_level")[:1]),
        my_starred=Subquery(mine.values("starred")[:1]),
        member_count=_count(Membership.objects.filter(room=OuterRef("pk"))),
        unread_count=_count(
            Message.objects.filter(
                room=OuterRef("pk"),
                seq__gt=OuterRef("my_last_read_seq"),
                deleted_at__isnull=True,
                system="",
            ).exclude(author=user)
        ),
        # Named (Mention rows) and @room mentions after the read position; Mention
        # explains why no message counts twice.
        mention_count=_count(
            Mention.objects.filter(room=OuterRef("pk"), user=user, seq__gt=OuterRef("my_last_read_seq"))
        )
        + _count(
            Message.objects.filter(
                room=OuterRef("pk"),
                seq__gt=OuterRef("my_last_read_seq"),
                mentions_room=True,
                deleted_at__isnull=True,
            ).exclude(author=user)
        ),
        direct_name=Case(
            When(
                kind=Room.Kind.DIRECT,
                then=Subquery(
                    Membership.objects.filter(room=OuterRef("pk"))
                    .exclude(user=user)
                    .values("user__username")[:1]
                ),
            ),
            default=Value(None),
        ),
        direct_peer_id=Case(
            When(
                kind=Room.Kind.DIRECT,
                then=Subquery(
                    Membership.objects.filter(room=OuterRef("pk")).exclude(user=user).values("user_id")[:1]
                ),
            ),
            default=Value(None),
        ),
    )


def attach_peer_presence(rooms: list[Room]) -> list[Room]:
    """Set `room.peer_online` on each room: for a direct room whether its other member has
    a socket open anywhere in the deployment (presence), None for other rooms. One
    presence read for the whole list (realtime.presence.online_user_ids), none
    when the list has no direct room with a peer. With Redis unreachable, every
    `peer_online` is None (unknown) and the rooms are still answered."""
    peers = [peer for room in rooms if (peer := getattr(room, "direct_peer_id", None)) is not None]
    online: set[int] | None = set()
    if peers:
        try:
            online = online_user_ids(peers)
        except (redis.RedisError, OSError):
            logger.warning("presence unreachable: the rooms are answered without peer_online", exc_info=True)
            online = None
    for room in rooms:
        peer = getattr(room, "direct_peer_id", None)
        if room.kind != Room.Kind.DIRECT or peer is None or online is None:
            room.peer_online = None
        else:
            room.peer_online = peer in online
    return rooms


def attach_last_messages(rooms: Iterable[Room]) -> list[Room]:
    """Set `room.last_message` (Message or None) on each room with one query in all."""
    rooms = list(rooms)
    wanted = [room.pk for room in rooms if room.last_seq]
    by_room: dict[int, Message] = {}
    if wanted:
        # One index lookup on (room, seq) per room. Not an OR of (room, seq) pairs: building
        # and compiling that Q cost more than the whole room list's SQL (issue 8 item 7).
        newest = Message.objects.filter(room_id__in=wanted, seq=F("room__last_seq")).select_related(
            *MESSAGE_RELATIONS
        )
        for message in newest:
            by_room[message.room_id] = message
    for room in rooms:
        room.last_message = by_room.get(room.pk)
    return rooms


def room_list_for_user(*, user) -> list[Room]:
    """The rooms the user is a member of, most recent activity first (two queries, and one
    presence read when the list has direct rooms)."""
    rooms = (
        room_queryset_for_user(user=user).filter(memberships__user=user).order_by("-last_activity_at", "-pk")
    )
    return attach_peer_presence(attach_last_messages(rooms))


def public_room_list(*, user) -> list[Room]:
    """Every public room, joined or not, most recent activity first (two queries)."""
    rooms = room_queryset_for_user(user=user).filter(kind=Room.Kind.PUBLIC)
    return attach_peer_presence(attach_last_messages(rooms.order_by("-last_activity_at", "-pk")))


def room_detail_for_user(*, user: User, room_id: int) -> Room:
    """One room as `user` sees it, or NotFound.

    Members see any room, anyone a public one, and staff every room, since
    they moderate every room (contract: Moderation).
    """
    room = room_queryset_for_user(user=user).filter(pk=room_id).first()
    if room is None or room_is_hidden(user=user, kind=room.kind, role=room.my_role, staff_see=True):
        raise NotFound("Room not found.")
    return attach_peer_presence(attach_last_messages([room]))[0]


_Converters = list[tuple[int, list, object]]
_POSTING_SQL: dict[tuple[str, bool], tuple[str, _Converters]] = {}
_POSTING_MODELS = (Membership, Room, User)


def _posting_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if field.column is not None]


def _posting_sql(*, vendor: str, with_client_id: bool) -> tuple[str, _Converters]:
    """The statement of membership_for_posting and its columns' converters, built once per
    database vendor and shape.

    Its columns are every concrete field of Membership, Room and User, in
    `_meta` order, then `existing_id`: so a field added to a model is read
    here too, with no list to keep in step. The converters are
    `(column index, converters, column)` for the columns whose database
    value needs one (SQLite's datetimes and booleans, JSON), found as the
    ORM's compiler finds them (`SQLCompiler.get_converters`).
    """
    key = (vendor, with_client_id)
    cached = _POSTING_SQL.get(key)
    if cached is not None:
        return cached
    q = connection.ops.quote_name
    columns: list[str] = []
    converters: _Converters = []
    for model in _POSTING_MODELS:
        table = model._meta.db_table
        for field in _posting_fields(model):
            col = field.get_col(table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((len(columns), found, col))
            columns.append(f"{q(table)}.{q(field.column)}")
    m, r, u, msg = (q(model._meta.db_table) for model in (*_POSTING_MODELS, Message))
    existing = (
        f"(SELECT {msg}.{q('id')} FROM {msg} WHERE {msg}.{q('room_id')} = {m}.{q('room_id')}"
        f" AND {msg}.{q('author_id')} = {m}.{q('user_id')} AND {msg}.{q('client_id')} = %s LIMIT 1)"
        if with_client_id
        else "NULL"
    )
    sql = (
        f"SELECT {', '.join(columns)}, {existing} FROM {m}"
        f" INNER JOIN {r} ON {r}.{q('id')} = {m}.{q('room_id')}"
        f" INNER JOIN {u} ON {u}.{q('id')} = {m}.{q('user_id')}"
        f" WHERE {m}.{q('room_id')} = %s AND {m}.{q('user_id')} = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += f" FOR UPDATE OF {r}, {m}"
    _POSTING_SQL[key] = (sql, converters)
    return sql, converters


def membership_for_posting(
    *, user_id: int, room_id: int, client_id: str | None
) -> tuple[Membership | None, int | None]:
    """`(membership, existing_id)` for message_create, in one statement, row-locked.

    The membership has `room` and `user` loaded from the same statement (the
    rows as they are now: rooms.access.posting_check decides from them);
    `existing_id` is the id of the author's message with `client_id` in the
    room, or None. The statement is `SELECT ... FOR UPDATE OF room,
    membership` (inside a transaction; SQLite has no FOR UPDATE and
    serializes writers instead), in the lock order of
    rooms.access.room_access_for_posting, whose answers it gives: a statement
    that waited for either lock sees the membership's and the room's newest
    committed version (a ban's deletion, a mute, the last seq), while
    `existing_id` keeps the statement's snapshot (message_create's unique
    constraint covers a send committed meanwhile). (None, None) when the user
    is no member of the room.

    Written as SQL, not a QuerySet: it runs for every message sent, and the
    ORM's compilation of the joined, locked, annotated query cost more CPU
    than the rest of message_create (issue 8, bench/RESULTS.md). The values
    go through the same converters the ORM would apply, then `Model.from_db`.
    """
    sql, converters = _posting_sql(vendor=connection.vendor, with_client_id=client_id is not None)
    params: list[str | int] = [room_id, user_id] if client_id is None else [client_id, room_id, user_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchone()
    if fetched is None:
        return None, None
    row = list(fetched)
    for index, found, col in converters:
        value = row[index]
        for convert in found:
            value = convert(value, col, connection)
        row[index] = value
    built: list[Any] = []
    at = 0
    for model in _POSTING_MODELS:
        fields = _posting_fields(model)
        names = [field.attname for field in fields]
        built.append(model.from_db(connection.alias, names, row[at : at + len(fields)]))
        at += len(fields)
    membership: Membership = built[0]
    membership.room, membership.user = built[1], built[2]
    return membership, row[at]
