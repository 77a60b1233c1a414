"""Chat through real daphne processes on PostgreSQL and Redis, driven by `websockets`."""

import asyncio
import uuid

import pytest

from .harness import ChatClient

pytestmark = pytest.mark.e2e


async def test_two_users_chat_through_one_server(server):
    alice, bob = ChatClient(server), ChatClient(server)
    room = alice.call("POST", "/api/rooms/", {"name": "e2e", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    a, b = await alice.connect(), await bob.connect()
    try:
        assert room["id"] in a.hello["rooms"] and room["id"] in b.hello["rooms"]
        await a.send({"type": "message.send", "room": room["id"], "body": "hi bob", "client_id": "a1"})
        got = await b.recv_until(lambda f: f["type"] == "message.new")
        echo = await a.recv_until(lambda f: f["type"] == "message.new")
        assert got["message"]["body"] == "hi bob"
        assert got["message"]["seq"] == 1
        assert got["message"]["author"] == {"id": alice.id, "username": alice.username}
        assert echo["message"] == got["message"]
        # A retry with the same client_id: only the sender hears of it, nothing is stored.
        await a.send({"type": "message.send", "room": room["id"], "body": "hi bob", "client_id": "a1"})
        again = await a.recv_until(lambda f: f["type"] == "message.new")
        assert again["message"]["id"] == got["message"]["id"]
        await b.ping()
        history = bob.call("GET", f"/api/rooms/{room['id']}/messages/")
        assert [m["body"] for m in history["results"]] == ["hi bob"]
    finally:
        await a.close()
        await b.close()


async def test_frames_over_64_kib_close_with_1009(server):
    alice = ChatClient(server)
    sock = await alice.connect()
    await sock.send({"type": "ping", "pad": "x" * (64 * 1024)})
    with pytest.raises(Exception) as closed:
        await sock.recv_until(lambda f: False, timeout=5)
    assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == 1009


async def test_handshake_is_refused_without_a_valid_ticket_or_with_a_foreign_origin(server):
    import websockets

    alice = ChatClient(server)
    for url in (f"{server.ws_url}/ws/chat/", f"{server.ws_url}/ws/chat/?ticket=forged"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url)
        assert refused.value.response.status_code == 403
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}", origin="http://evil.example")
    assert refused.value.response.status_code == 403
    # An allowed Origin with a fresh ticket is accepted; the used ticket is not.
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    ws = await websockets.connect(
        f"{server.ws_url}/ws/chat/?ticket={ticket}", origin=f"http://127.0.0.1:{server.port}"
    )
    await ws.close()
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}")


async def test_two_servers_share_a_room_through_redis_in_seq_order(start_server):
    one, two = start_server(), start_server()
    alice, bob = ChatClient(one), ChatClient(two)
    room = alice.call("POST", "/api/rooms/", {"name": f"shared-{uuid.uuid4().hex[:6]}", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    a, b = await alice.connect(), await bob.connect()
    try:
        sends = []
        for i in range(10):
            sends.append(
                a.send({"type": "message.send", "room": room["id"], "body": f"a{i}", "client_id": f"a{i}"})
            )
            sends.append(
                b.send({"type": "message.send", "room": room["id"], "body": f"b{i}", "client_id": f"b{i}"})
            )
        await asyncio.gather(*sends)
        seen_a = await a.collect("message.new", 20)
        seen_b = await b.collect("message.new", 20)
        for seen in (seen_a, seen_b):
            assert [f["message"]["seq"] for f in seen] == list(range(1, 21))
            bodies = [f["message"]["body"] for f in seen]
            assert [x for x in bodies if x.startswith("a")] == [f"a{i}" for i in range(10)]
            assert [x for x in bodies if x.startswith("b")] == [f"b{i}" for i in range(10)]
        assert [f["message"]["id"] for f in seen_a] == [f["message"]["id"] for f in seen_b]
    finally:
        await a.close()
        await b.close()
