"""Users, rooms and tokens for a run, and WebSocket tickets over the real REST API.

Rows are written through Django's ORM on the bench's database (bulk_create
with one precomputed password hash, so a thousand users take a moment, not a
thousand PBKDF2 rounds); what a client does (get a ticket, open a socket)
goes over HTTP and WebSocket like any client. Call `setup_django` once,
before any other function here and outside any running event loop.
"""

import os
from dataclasses import dataclass

import httpx

PASSWORD = "bench-password-1"


def setup_django(database_url: str) -> None:
    """Configure Django on the project's settings for the bench's database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DATABASE_URL"] = database_url
    import logging

    import django

    django.setup()
    # The project's LOGGING logs at INFO; httpx would log every ticket request.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class BenchUser:
    id: int
    username: str
    token: str


@dataclass(frozen=True)
class BenchRoom:
    id: int
    members: tuple[BenchUser, ...]


def users_create(*, tag: str, count: int) -> list[BenchUser]:
    """`count` new users named `{tag}-{i}`, each with a DRF token."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    password = make_password(PASSWORD)
    users = user_model.objects.bulk_create(
        [user_model(username=f"{tag}-{i}", password=password) for i in range(count)], batch_size=2000
    )
    tokens = Token.objects.bulk_create(
        [Token(key=Token.generate_key(), user=u) for u in users], batch_size=2000
    )
    return [BenchUser(u.pk, u.username, t.key) for u, t in zip(users, tokens, strict=True)]


def rooms_create(*, tag: str, members: list[list[BenchUser]]) -> list[BenchRoom]:
    """One public room per list of users, each user a member (the first the owner)."""
    from rooms.models import Membership, Room

    rooms = Room.objects.bulk_create(
        [Room(kind=Room.Kind.PUBLIC, name=f"{tag}-{i}") for i in range(len(members))], batch_size=2000
    )
    Membership.objects.bulk_create(
        [
            Membership(
                room=room, user_id=user.id, role=Membership.Role.OWNER if j == 0 else Membership.Role.MEMBER
            )
            for room, users in zip(rooms, members, strict=True)
            for j, user in enumerate(users)
        ],
        batch_size=5000,
    )
    return [BenchRoom(room.pk, tuple(users)) for room, users in zip(rooms, members, strict=True)]


def rooms_of_users(*, tag: str, rooms: int, size: int) -> list[BenchRoom]:
    """`rooms` rooms of `size` distinct new users each."""
    users = users_create(tag=tag, count=rooms * size)
    return rooms_create(tag=tag, members=[users[i * size : (i + 1) * size] for i in range(rooms)])


def messages_insert(*, room_id: int, author_id: int, count: int) -> None:
    """Append `count` messages to a room in one `INSERT ... SELECT generate_series`, moving its last_seq.

    Seqs continue from the room's last_seq, gapless; the room's row is
    locked for the statement, as the message service locks it. The first
    message is stored through the ORM and the rest copy its other columns,
    so fields added to Message later (with Django-side defaults) need no
    change here.
    """
    from django.db import connection, transaction

    from messaging.models import Message

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT last_seq FROM rooms_room WHERE id = %s FOR UPDATE", [room_id])
        (last,) = cursor.fetchone()
        first = Message.objects.create(
            room_id=room_id, seq=last + 1, author_id=author_id, body="bench history message number 1"
        )
        varying = {
            "seq": "g",
            "body": "'bench history message number ' || g",
            "created_at": "now() - make_interval(secs => %s - g)",
        }
        columns = [f.column for f in Message._meta.concrete_fields if not f.primary_key]
        chosen = [varying.get(c, f"t.{connection.ops.quote_name(c)}") for c in columns]
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.execute(
            f"INSERT INTO messaging_message ({quoted}) SELECT {', '.join(chosen)} "
            "FROM generate_series(%s, %s) AS g, messaging_message AS t WHERE t.id = %s",
            [last + count, last + 2, last + count, first.pk],
        )
        cursor.execute(
            "UPDATE rooms_room SET last_seq = %s, last_activity_at = now() WHERE id = %s",
            [last + count, room_id],
        )


def messages_count(*, room_ids: list[int]) -> int:
    """Stored messages in these rooms."""
    from messaging.models import Message

    return Message.objects.filter(room_id__in=room_ids).count()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class TicketClient:
    """`POST /api/auth/ws-ticket/` with a user's token: the ticket that opens one socket."""

    def __init__(self, base_url: str, *, connections: int = 20):
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=60, limits=httpx.Limits(max_connections=connections)
        )

    async def ticket(self, user: BenchUser) -> str:
        """The ticket string; raises httpx.HTTPStatusError on an answer other than 201."""
        response = await self.http.post(
            "/api/auth/ws-ticket/", headers={"Authorization": f"Token {user.token}"}
        )
        response.raise_for_status()
        return response.json()["ticket"]

    async def aclose(self) -> None:
        await self.http.aclose()
