"""Fixtures shared by the whole suite.

The suite runs on whatever DATABASE_URL and REDIS_URL name (the embedded
default when unset). With CHAT_REQUIRE_SERVICES=1, as .ci/run sets it, a
missing PostgreSQL or Redis fails the run instead of skipping the tests that
need them. The suite flushes the cache (the Redis database of REDIS_URL)
before each test: give it a database of its own.
"""

import os

import pytest
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from .factories import UserFactory, token_for

REQUIRE_SERVICES = os.environ.get("CHAT_REQUIRE_SERVICES") == "1"


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def services_missing() -> str | None:
    """Why PostgreSQL and Redis cannot be used, or None when both answer."""
    if not on_postgres():
        return "DATABASE_URL does not name a PostgreSQL database"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        reason = services_missing()
        if reason:
            pytest.exit(f"CHAT_REQUIRE_SERVICES=1 but {reason}", returncode=3)


def pytest_collection_modifyitems(config, items):
    reason = services_missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL and Redis: {reason}")
    for item in items:
        if "postgres" in item.keywords or "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _close_database_pool(django_db_setup):
    """Hand the pool's connections back before the test database is dropped.

    Services run on the thread pool (core.db.in_pool); the connections of
    those threads go back to psycopg's pool, which keeps them open.
    """
    yield
    from django.db import connections

    for connection in connections.all():
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()


@pytest.fixture(autouse=True)
def _fresh_shared_state():
    """Each test starts with an empty cache, a new channel layer and no presence."""
    from realtime import presence

    cache.clear()
    channel_layers.backends.clear()
    presence._store = None
    yield
    channel_layers.backends.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def make_client(db):
    """`make_client(user)`: an APIClient authenticated with the user's DRF token (or anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


@pytest.fixture
def api(make_client, user):
    return make_client(user)


@pytest.fixture
def crew(db):
    """A public room with one of each role, an outsider and a staff user who is not a member.

    `crew.room`, `crew.owner`, `crew.moderator`, `crew.member`, `crew.outsider`, `crew.staff`.
    """
    from types import SimpleNamespace

    from rooms.models import Membership

    from .factories import room_with_members

    owner, moderator, member, outsider = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    room = room_with_members(owner=owner, members=[moderator, member], name="lobby")
    Membership.objects.filter(room=room, user=moderator).update(role=Membership.Role.MODERATOR)
    return SimpleNamespace(
        room=room, owner=owner, moderator=moderator, member=member, outsider=outsider, staff=staff
    )


@pytest.fixture
def chat(transactional_db):
    """`alice, bob, room`: a public room of alice's with bob as a member, committed for socket tests."""
    from .factories import room_with_members

    alice, bob = UserFactory(), UserFactory()
    room = room_with_members(owner=alice, members=[bob])
    return alice, bob, room


@pytest.fixture
def admin_client(client, crew):
    """Django's test client logged in as `crew.staff` (it replaces pytest-django's `admin_client`)."""
    client.force_login(crew.staff)
    return client


class SentEvents(list):
    """`(group, event)` pairs in the order services sent them, each once its transaction committed.

    Broadcast events carry their frame as JSON text; it is decoded into `event["frame"]`.
    """

    def frames(self, *types: str) -> list[tuple[str, dict]]:
        """`(group, frame)` pairs, of `types` only if given. An event without text stands for
        its frame (chat.follow, chat.unfollow, chat.room_changed, chat.account_changed:
        internal events, realtime.events; each socket makes its own frame)."""
        pairs = [(group, event.get("frame", event)) for group, event in self]
        return [(group, frame) for group, frame in pairs if not types or frame["type"] in types]

    def to(self, group: str) -> list[dict]:
        """The frames sent to `group`."""
        return [frame for g, frame in self.frames() if g == group]


@pytest.fixture
def sent_events(monkeypatch):
    """Every event services send to the channel layer, as a `SentEvents` list.

    A stand-in channel layer records them behind realtime.events' own on-commit
    sending, so nothing of a transaction that did not commit is recorded. In
    non-transactional tests nothing commits: run the code under
    `django_capture_on_commit_callbacks(execute=True)`.
    """
    import json

    from realtime import events

    sent = SentEvents()

    class Recorder:
        async def group_send(self, group, event):
            if "text" in event:
                event = {**event, "frame": json.loads(event["text"])}
            sent.append((group, event))

    monkeypatch.setattr(events, "get_channel_layer", lambda: Recorder())
    return sent


@pytest.fixture
async def open_ws():
    """`await open_ws(user, **options)`: a connected `tests.sockets.Socket` through the real ASGI stack.

    Options as `Socket` takes them (`origin`, `skippable`, `direct`). Every socket opened is
    disconnected after the test, failed or not.
    """
    from .sockets import Socket

    opened = []

    async def open_(user, **options):
        sock = Socket(user, **options)
        opened.append(sock)
        return await sock.open()

    yield open_
    failures = []
    for sock in opened:
        try:
            await sock.close()
        except Exception as exc:  # close the others first
            failures.append(exc)
    if failures:
        raise failures[0]
