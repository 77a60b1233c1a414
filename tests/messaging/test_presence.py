"""Presence: `presence` events on a user's first and last socket, expiry, and `online` in member lists.

The stores are tested on memory and, when REDIS_URL is set, on Redis; the
consumer tests use whichever store the settings choose.
"""

import asyncio
import threading
import time

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from realtime import presence
from realtime.presence import (
    Beat,
    MemoryPresence,
    PresenceChange,
    PresenceTracker,
    RedisPresence,
    presence_store,
)

from ..factories import room_with_members
from ..sockets import message_new, of_type

# --- the stores ------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return MemoryPresence()
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    return RedisPresence(settings.REDIS_URL, "test:presence")


def test_the_first_socket_brings_a_user_online_and_the_last_takes_them_offline(store):
    assert store.connect(1, "a", 10) is PresenceChange.CAME_ONLINE
    assert store.connect(1, "b", 10) is PresenceChange.UNCHANGED
    assert store.connect(1, "a", 10) is PresenceChange.UNCHANGED  # a heartbeat
    assert store.online([1, 2]) == {1}
    assert store.disconnect(1, "a") is PresenceChange.UNCHANGED
    assert store.online([1]) == {1}
    assert store.disconnect(1, "b") is PresenceChange.WENT_OFFLINE
    assert store.online([1]) == set()
    assert store.disconnect(1, "b") is PresenceChange.UNCHANGED
    assert store.sweep() == []


def test_entries_expire_without_a_heartbeat_and_one_sweep_claims_them(store):
    store.connect(1, "dead", 0.2)
    store.connect(2, "dead-too", 0.2)
    store.connect(2, "alive", 30)
    time.sleep(0.3)
    assert store.online([1, 2]) == {2}
    assert store.sweep() == [1]
    assert store.sweep() == []
    # A socket that beats again after its expiry comes back online.
    assert store.connect(1, "dead", 10) is PresenceChange.CAME_ONLINE
    assert store.online([1]) == {1}


# --- over sockets -----------------------------------------------------------------------


def presence_of(user, online: bool, room=None):
    def match(frame):
        return (
            frame["type"] == "presence"
            and frame["user"]["id"] == user.pk
            and frame["online"] is online
            and (room is None or frame["room"] == room.pk)
        )

    return match


async def members_online(api, room) -> dict[str, bool]:
    response = await database_sync_to_async(api.get)(f"/api/rooms/{room.pk}/members/")
    assert response.status_code == 200
    return {m["user"]["username"]: m["online"] for m in response.json()}


@pytest.mark.django_db(transaction=True)
async def test_presence_is_told_on_the_first_socket_and_the_last_one_only(chat, open_ws, make_client):
    alice, bob, room = chat
    api = await database_sync_to_async(make_client)(alice)
    alice_ws = await open_ws(alice)
    assert await members_online(api, room) == {alice.username: True, bob.username: False}

    bob1 = await open_ws(bob)
    frame = await alice_ws.recv_until(presence_of(bob, True))
    assert frame == {
        "type": "presence",
        "room": room.pk,
        "user": {"id": bob.pk, "username": bob.username},
        "online": True,
    }
    assert await members_online(api, room) == {alice.username: True, bob.username: True}

    # A second socket, then closing one of two: no news for the room.
    bob2 = await open_ws(bob)
    await bob1.close()
    await bob2.send({"type": "message.send", "room": room.pk, "body": "still here", "client_id": "m1"})
    await alice_ws.recv_until(message_new("still here"))
    assert of_type(alice_ws.skipped, "presence") == []
    assert await members_online(api, room) == {alice.username: True, bob.username: True}

    await bob2.close()
    frame = await alice_ws.recv_until(presence_of(bob, False))
    assert frame["room"] == room.pk
    assert await members_online(api, room) == {alice.username: True, bob.username: False}


@pytest.mark.django_db(transaction=True)
async def test_presence_goes_to_every_room_of_the_user(chat, open_ws):
    alice, bob, room = chat
    other = await database_sync_to_async(room_with_members)(owner=alice, members=[bob], name="second")
    alice_ws = await open_ws(alice)
    await open_ws(bob)
    first = await alice_ws.recv_until(presence_of(bob, True))
    second = await alice_ws.recv_until(presence_of(bob, True))
    assert {first["room"], second["room"]} == {room.pk, other.pk}


@pytest.mark.django_db(transaction=True)
async def test_a_socket_opening_or_closing_announces_with_its_own_rooms_reading_no_memberships(
    chat, open_ws, monkeypatch
):
    from messaging import services

    alice, bob, room = chat
    other = await database_sync_to_async(room_with_members)(owner=alice, members=[bob], name="second")
    calls = []
    real_announce = services.presence_announce

    def recorded(**kwargs):
        calls.append(kwargs)
        return real_announce(**kwargs)

    monkeypatch.setattr(services, "presence_announce", recorded)
    alice_ws = await open_ws(alice)
    bob_ws = await open_ws(bob)
    online = [await alice_ws.recv_until(presence_of(bob, True)) for _ in range(2)]
    assert {f["room"] for f in online} == {room.pk, other.pk}
    assert online[0]["user"] == {"id": bob.pk, "username": bob.username}
    await bob_ws.close()
    offline = [await alice_ws.recv_until(presence_of(bob, False)) for _ in range(2)]
    assert {f["room"] for f in offline} == {room.pk, other.pk}
    # Each announcement came with the socket's rooms, so presence_announce read no memberships.
    bob_calls = [c for c in calls if c["user_id"] == bob.pk]
    assert [(c["online"], sorted(c["room_ids"])) for c in bob_calls] == [
        (True, sorted([room.pk, other.pk])),
        (False, sorted([room.pk, other.pk])),
    ]
    assert all(c["user"] == {"id": bob.pk, "username": bob.username} for c in bob_calls)


@pytest.mark.django_db(transaction=True)
async def test_a_socket_of_a_dead_process_expires_and_a_live_process_announces_it_offline(
    chat, open_ws, make_client, settings
):
    """Bob's socket lived in a process that died without its disconnect handler:
    only its store entry is left, and alice's server must heal it by itself."""
    alice, bob, room = chat
    settings.PRESENCE_TTL = 0.6  # alice's socket beats, and her process sweeps, every 0.2 s
    await asyncio.to_thread(presence_store().connect, bob.pk, "socket-of-a-dead-process", 0.4)
    died = time.monotonic()
    api = await database_sync_to_async(make_client)(alice)
    assert (await members_online(api, room))[bob.username] is True
    alice_ws = await open_ws(alice)
    frame = await alice_ws.recv_until(presence_of(bob, False), timeout=3)
    assert frame["room"] == room.pk
    assert time.monotonic() - died < settings.PRESENCE_TTL + 0.2
    assert (await members_online(api, room))[bob.username] is False
    # Alice's own socket kept beating through it all.
    assert (await members_online(api, room))[alice.username] is True


@pytest.mark.django_db(transaction=True)
async def test_a_heartbeat_in_flight_at_disconnect_does_not_bring_the_socket_back(
    chat, open_ws, settings, monkeypatch
):
    """A beat whose store call is already running in a worker thread when the socket
    closes must not re-add the socket afterwards: the removal waits for the beat."""
    alice, _, _ = chat
    settings.PRESENCE_TTL = 3  # a beat every second
    store = presence_store()
    entered, release = threading.Event(), threading.Event()
    connect_many = store.connect_many

    def slow_connect_many(entries, ttl):
        entered.set()
        release.wait(5)
        return connect_many(entries, ttl)

    monkeypatch.setattr(store, "connect_many", slow_connect_many)
    ws = await open_ws(alice)
    assert await asyncio.to_thread(entered.wait, 3)
    closing = asyncio.ensure_future(ws.close())
    await asyncio.sleep(0.1)  # let the disconnect handler reach its store call first
    release.set()
    await closing
    assert await asyncio.to_thread(store.online, [alice.pk]) == set()


def test_the_store_follows_redis_url(settings):
    presence._store = None
    assert isinstance(presence_store(), RedisPresence if settings.REDIS_URL else MemoryPresence)


async def test_the_tracker_says_what_each_socket_changed_and_announces_it(monkeypatch):
    monkeypatch.setattr(presence, "_store", MemoryPresence())
    announced = []

    async def announce(user_id, online):
        announced.append((user_id, online))

    tracker = PresenceTracker(announce=announce)
    assert await tracker.socket_opened(user_id=1, socket="a") is PresenceChange.CAME_ONLINE
    assert await tracker.socket_opened(user_id=1, socket="b") is PresenceChange.UNCHANGED
    assert await tracker.beat() == Beat(came_online=[], went_offline=[])
    assert await tracker.socket_closed(user_id=1, socket="a") is PresenceChange.UNCHANGED
    assert await tracker.socket_closed(user_id=1, socket="b") is PresenceChange.WENT_OFFLINE
    assert announced == [(1, True), (1, False)]
