"""Delivery when Redis loses its data, restarts or a server dies, and when a reader stalls.

Each test runs its daphne processes on a Redis server of its own (started here on a
free port), so it can flush, stop and restart it without touching anyone else's.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
import websockets

from .harness import ApiError, ChatClient, TcpProxy, free_port

pytestmark = pytest.mark.e2e


class PrivateRedis:
    """A redis-server on a free loopback port that keeps nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.fail("these tests start a redis-server of their own (Debian's redis-server package)")
    server = PrivateRedis()
    yield server
    server.stop()


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _two_servers_and_a_room(start_server, redis_url):
    env = {"REDIS_URL": redis_url, "CHAT_SEQ_WATCH_INTERVAL": "0.5", "PRESENCE_TTL": "6"}
    one, two = start_server(**env), start_server(**env)
    alice, bob = ChatClient(one), ChatClient(two)
    room = alice.call("POST", "/api/rooms/", {"name": f"faults-{uuid.uuid4().hex[:6]}", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    return one, two, alice, bob, room


async def test_a_flushall_does_not_make_open_sockets_deaf(start_server, private_redis):
    one, two, alice, bob, room = await _two_servers_and_a_room(start_server, private_redis.url)
    a, b = await alice.connect(), await bob.connect()
    try:
        private_redis.client().flushall()
        for i in range(5):
            await a.send({"type": "message.send", "room": room["id"], "body": f"after flush {i}"})
        seen = await b.collect("message.new", 5)
        assert [f["message"]["body"] for f in seen] == [f"after flush {i}" for i in range(5)]
    finally:
        await a.close()
        await b.close()


async def test_messages_stored_while_redis_is_down_reach_every_open_socket_once_it_is_back(
    start_server, private_redis
):
    one, two, alice, bob, room = await _two_servers_and_a_room(start_server, private_redis.url)
    a, b = await alice.connect(), await bob.connect()
    try:
        await a.send({"type": "message.send", "room": room["id"], "body": "before"})
        for sock in (a, b):
            assert (await sock.recv_until(lambda f: f["type"] == "message.new"))["message"]["seq"] == 1
        private_redis.stop()
        # A committed write answers success even though nobody can be told yet.
        during = alice.call(
            "POST", f"/api/rooms/{room['id']}/messages/", {"body": "during", "client_id": "d1"}
        )
        assert during["seq"] == 2
        private_redis.start()
        await a.send({"type": "message.send", "room": room["id"], "body": "after"})
        seen = [
            (await b.recv_until(lambda f: f["type"] == "message.new", timeout=15))["message"]
            for _ in range(2)
        ]
        assert [(m["seq"], m["body"]) for m in seen] == [(2, "during"), (3, "after")]
        mine = [
            (await a.recv_until(lambda f: f["type"] == "message.new", timeout=15))["message"]
            for _ in range(2)
        ]
        assert [(m["seq"], m["body"]) for m in mine] == [(2, "during"), (3, "after")]
        await b.ping()
        assert [f for f in b.skipped if f["type"] == "message.new"] == []
    finally:
        await a.close()
        await b.close()


async def test_a_killed_server_leaves_no_subscription_behind(start_server, private_redis):
    one, two, alice, bob, room = await _two_servers_and_a_room(start_server, private_redis.url)
    _on_the_one_to_kill, b = await alice.connect(), await bob.connect()
    prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "chat")
    group_key = f"{prefix}__group__room.{room['id']}"
    try:
        client = private_redis.client()
        assert dict(client.pubsub_numsub(group_key))[group_key.encode()] == 2
        one.kill()
        deadline = time.monotonic() + 5
        while dict(client.pubsub_numsub(group_key))[group_key.encode()] != 1:
            assert time.monotonic() < deadline, "the dead server's subscription stayed"
            await asyncio.sleep(0.1)
        # Nothing piles up in Redis for the dead server's sockets either.
        bob.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": "to nobody there"})
        assert [k for k in client.keys("*") if b"group" in k or b"specific" in k] == []
    finally:
        await b.close()


async def test_a_socket_that_stops_reading_is_closed_and_the_server_does_not_grow(start_server):
    server = start_server(CHAT_SOCKET_BUFFER_BYTES=str(256 * 1024))
    alice, bob, carol = ChatClient(server), ChatClient(server), ChatClient(server)
    room = alice.call("POST", "/api/rooms/", {"name": f"slow-{uuid.uuid4().hex[:6]}", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    carol.call("POST", f"/api/rooms/{room['id']}/join/")
    # bob's socket reads nothing from here on, with a small receive window, while
    # answering no pings: websockets stops reading once its queue of 4 frames is full.
    raw = socket.create_connection(("127.0.0.1", server.port))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    ticket = bob.call("POST", "/api/auth/ws-ticket/")["ticket"]
    stalled = await websockets.connect(
        f"{server.ws_url}/ws/chat/?ticket={ticket}", sock=raw, max_queue=4, max_size=None, ping_interval=None
    )
    a, c = await alice.connect(), await carol.connect()
    rss_before = _rss_kib(server.process.pid)
    body = "x" * 3900
    sent = 1500  # 5.8 MB: more than the kernel's socket buffers hold
    carol_reads = asyncio.ensure_future(c.collect("message.new", sent, timeout=60))
    try:
        for i in range(sent):
            await a.send({"type": "message.send", "room": room["id"], "body": f"{i} {body}"})
            if i % 50 == 49:
                await a.ping()
        # carol, who reads, got every message in order: the stalled socket slowed no one.
        seen = await carol_reads
        assert [f["message"]["seq"] for f in seen] == list(range(1, sent + 1))
        log = server.log_path.read_text()
        assert log.count("closing a WebSocket that does not read") >= 1
        grown_mib = (_rss_kib(server.process.pid) - rss_before) / 1024
        assert grown_mib < 40, f"the server grew by {grown_mib:.0f} MiB"
        # When bob reads again, the socket ends after part of the backlog: closed, not fed forever.
        received = 0
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(stalled.recv(), 10)
                received += 1
        assert received < sent
    finally:
        carol_reads.cancel()
        await a.close()
        await c.close()
        await stalled.close()


async def test_a_database_outage_answers_unavailable_and_service_comes_back(start_server):
    """PostgreSQL unreachable (its line cut, as in a restart): frames answer `unavailable`,
    REST 503 with Retry-After, the sockets stay open, and it all works again once it is back."""
    from django.db import connection

    db = connection.settings_dict
    proxy = TcpProxy(int(db.get("PORT") or 5432))
    url = f"postgres://{db.get('USER') or 'postgres'}@127.0.0.1:{proxy.port}/{db['NAME']}"
    server = start_server(DATABASE_URL=url, DATABASE_POOL_MIN="1", DATABASE_POOL_TIMEOUT="3")
    alice, bob = ChatClient(server), ChatClient(server)
    room = alice.call("POST", "/api/rooms/", {"name": f"pg-{uuid.uuid4().hex[:6]}", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    a, b = await alice.connect(), await bob.connect()
    try:
        await a.ping()
        await b.ping()
        proxy.cut()
        await a.send({"type": "message.send", "room": room["id"], "body": "while down", "client_id": "w1"})
        error = await a.recv_until(lambda f: f["type"] == "error", timeout=30)
        assert (error["code"], error["client_id"]) == ("unavailable", "w1") and error["retry_after_ms"] > 0
        with pytest.raises(ApiError) as refused:
            alice.call("GET", f"/api/rooms/{room['id']}/messages/")
        assert refused.value.status == 503 and refused.value.body["code"] == "unavailable"
        await a.ping()  # the socket is still open and served
        proxy.restore()
        deadline = time.monotonic() + 30
        while True:  # the pool reconnects with a backoff of its own
            await a.send({"type": "message.send", "room": room["id"], "body": "back", "client_id": "w1"})
            frame = await a.recv_until(lambda f: f["type"] in ("error", "message.new"), timeout=30)
            if frame["type"] == "message.new":
                break
            assert frame["code"] == "unavailable" and time.monotonic() < deadline, frame
            await asyncio.sleep(0.5)
        got = await b.recv_until(lambda f: f["type"] == "message.new", timeout=10)
        assert (got["message"]["seq"], got["message"]["body"]) == (1, "back")
    finally:
        await a.close()
        await b.close()
        proxy.close()
