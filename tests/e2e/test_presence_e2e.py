"""Presence across real daphne processes sharing Redis, including one killed with SIGKILL.

The servers run with PRESENCE_TTL=3: sockets beat every second, and the
users of a dead process must go offline within those 3 seconds (plus the
time the announcement takes: a Redis script, a query, a channel-layer send).
"""

import asyncio
import signal
import time
import uuid

import pytest

from realtime.presence import presence_store

from ..sockets import message_new
from .harness import ChatClient

pytestmark = pytest.mark.e2e

TTL = 3.0
HEAL_WITHIN = TTL + 0.75


def presence_of(client: ChatClient, online: bool, room_id: int):
    return lambda f: (
        f["type"] == "presence"
        and f["user"]["id"] == client.id
        and f["online"] is online
        and f["room"] == room_id
    )


def online_by_name(client: ChatClient, room_id: int, server=None) -> dict[str, bool]:
    members = client.call("GET", f"/api/rooms/{room_id}/members/", server=server)
    return {m["user"]["username"]: m["online"] for m in members}


async def until_presence_entries(client: ChatClient, count: int, timeout: float = 10.0) -> None:
    """Wait until the user's socket entries in Redis number `count`: no socket tells when a
    server has removed one (a disconnect handler, or a heartbeat dropping an expired entry)."""
    store = presence_store()
    key = store.conn_prefix + str(client.id)
    deadline = time.monotonic() + timeout
    while await asyncio.to_thread(store.client.zcard, key) != count:
        assert time.monotonic() < deadline, f"the user never had {count} socket entries"
        await asyncio.sleep(0.05)


def public_room(owner: ChatClient, *members: ChatClient) -> int:
    room = owner.call("POST", "/api/rooms/", {"name": f"presence-{uuid.uuid4().hex[:6]}", "kind": "public"})
    for member in members:
        member.call("POST", f"/api/rooms/{room['id']}/join/")
    return room["id"]


async def test_presence_follows_the_first_and_last_socket_across_two_servers(start_server):
    one, two = start_server(PRESENCE_TTL=str(TTL)), start_server(PRESENCE_TTL=str(TTL))
    alice, bob = ChatClient(one), ChatClient(one)
    room_id = public_room(alice, bob)
    a = await alice.connect(one)
    b1 = await bob.connect(two)
    b2 = None
    try:
        assert (await a.recv_until(presence_of(bob, True, room_id)))["user"]["username"] == bob.username
        for server in (one, two):
            assert online_by_name(bob, room_id, server) == {alice.username: True, bob.username: True}

        # A second socket on the other server: the first handles its connect
        # completely before its pong, so a presence event would precede the marker.
        b2 = await bob.connect(one)
        await b2.ping()
        await b2.send({"type": "message.send", "room": room_id, "body": "two sockets", "client_id": "m1"})
        await a.recv_until(message_new("two sockets"))
        assert [f for f in a.skipped if f["type"] == "presence"] == []

        # Closing one of two sockets, on another server than the remaining one.
        await b1.close()
        await until_presence_entries(bob, 1)
        await b2.send({"type": "message.send", "room": room_id, "body": "one socket", "client_id": "m2"})
        await a.recv_until(message_new("one socket"))
        assert [f for f in a.skipped if f["type"] == "presence"] == []
        assert online_by_name(alice, room_id)[bob.username] is True

        await b2.close()
        await a.recv_until(presence_of(bob, False, room_id))
        for server in (one, two):
            assert online_by_name(alice, room_id, server) == {alice.username: True, bob.username: False}
    finally:
        for sock in (a, b1, b2):
            if sock is not None:
                await sock.close()


async def test_a_killed_servers_users_go_offline_within_the_expiry(start_server):
    doomed, survivor = start_server(PRESENCE_TTL=str(TTL)), start_server(PRESENCE_TTL=str(TTL))
    alice, bob = ChatClient(survivor), ChatClient(doomed)
    room_id = public_room(alice, bob)
    a = await alice.connect()
    b = await bob.connect()
    try:
        await a.recv_until(presence_of(bob, True, room_id))
        assert online_by_name(alice, room_id) == {alice.username: True, bob.username: True}

        doomed.kill()  # no disconnect handler runs: only expiry can take bob offline
        killed_at = time.monotonic()
        frame = await a.recv_until(presence_of(bob, False, room_id), timeout=3 * TTL)
        assert time.monotonic() - killed_at < HEAL_WITHIN
        assert frame["user"] == {"id": bob.id, "username": bob.username}
        assert online_by_name(alice, room_id) == {alice.username: True, bob.username: False}
        # The survivor's own socket beat all along, and still answers.
        await a.ping()
    finally:
        await a.close()
        await b.close()


async def test_a_user_with_a_socket_on_a_surviving_server_stays_online(start_server):
    doomed, survivor = start_server(PRESENCE_TTL=str(TTL)), start_server(PRESENCE_TTL=str(TTL))
    alice, bob = ChatClient(survivor), ChatClient(survivor)
    room_id = public_room(alice, bob)
    a = await alice.connect()
    b_dead = await bob.connect(doomed)
    b_alive = await bob.connect(survivor)
    try:
        await a.recv_until(presence_of(bob, True, room_id))
        doomed.kill()
        # Bob's surviving socket's heartbeat drops the dead socket's expired entry.
        await until_presence_entries(bob, 1, timeout=3 * TTL)
        await b_alive.send({"type": "message.send", "room": room_id, "body": "survived", "client_id": "s1"})
        await a.recv_until(message_new("survived"))
        assert [f for f in a.skipped if f["type"] == "presence"] == []
        assert online_by_name(alice, room_id)[bob.username] is True
    finally:
        for sock in (a, b_dead, b_alive):
            await sock.close()


async def test_a_server_stops_on_sigterm_while_offline_announcements_are_in_flight(start_server):
    """Sockets that close just before SIGTERM leave disconnect handlers sending
    presence events from worker threads; the server must still exit at once."""
    server = start_server()
    owner, users = ChatClient(server), [ChatClient(server) for _ in range(6)]
    public_room(owner, *users)
    sockets = [await user.connect() for user in users]
    await asyncio.gather(*(sock.close() for sock in sockets))
    server.process.send_signal(signal.SIGTERM)
    try:
        assert server.process.wait(5) == 0
    finally:
        server.stop()
