"""The production shape: two daphne processes behind nginx with docker/nginx.conf.

Everything goes through nginx, as users reach the chat deployed by
docker/compose.yaml: a chat between sockets on different processes, history,
the handshake's ticket and Origin checks, the frame limit, and a restart of
one process under steady traffic (config/lifecycle.py: 1012, then the
clients come back through nginx to the other process and catch up by seq).
"""

import asyncio
import json
import signal
import time
import urllib.request
import uuid

import pytest
import websockets

from .harness import ChatClient

pytestmark = pytest.mark.e2e


async def test_a_chat_between_processes_through_nginx(behind_nginx):
    front, (a_server, b_server), _ = behind_nginx
    alice, bob = ChatClient(front), ChatClient(front)
    room = alice.call("POST", "/api/rooms/", {"name": "behind nginx", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    a = await alice.connect()
    b = await bob.connect()
    try:
        # nginx's least_conn put one socket on each process.
        assert (a_server.metric("chat_open_sockets"), b_server.metric("chat_open_sockets")) == (1, 1)
        await a.send({"type": "message.send", "room": room["id"], "body": "across", "client_id": "x1"})
        got = await b.recv_until(lambda f: f["type"] == "message.new")
        ack = await a.recv_until(lambda f: f["type"] == "message.new")
        assert got["message"] == ack["message"]
        assert got["message"]["body"] == "across" and got["message"]["seq"] == 1
        history = bob.call("GET", f"/api/rooms/{room['id']}/messages/")
        assert [(m["seq"], m["body"]) for m in history["results"]] == [(1, "across")]
        stored = a_server.metric("chat_messages_stored_total") + b_server.metric("chat_messages_stored_total")
        assert stored == 1
    finally:
        await a.close()
        await b.close()


def test_nginx_passes_the_request_id_and_keeps_metrics_off_the_public_port(behind_nginx):
    front, (a_server, _), _ = behind_nginx
    with urllib.request.urlopen(front.url + "/healthz", timeout=5) as response:
        assert len(response.headers["X-Request-ID"]) == 32  # nginx's $request_id
        assert json.loads(response.read())["status"] == "ok"
    with urllib.request.urlopen(front.url + "/metrics", timeout=5) as response:
        assert b"chat_open_sockets" not in response.read()  # the web app's shell, not the metrics
    assert a_server.metric("chat_open_sockets") == 0  # they are on the process's own port


async def test_the_handshake_checks_hold_through_nginx(behind_nginx):
    front, _, _ = behind_nginx
    alice = ChatClient(front)
    for url in (f"{front.ws_url}/ws/chat/", f"{front.ws_url}/ws/chat/?ticket=forged"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url)
        assert refused.value.response.status_code == 403
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"{front.ws_url}/ws/chat/?ticket={ticket}", origin="http://evil.example")
    assert refused.value.response.status_code == 403
    # The public origin (nginx's) with a fresh ticket opens; the same ticket again does not.
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    url = f"{front.ws_url}/ws/chat/?ticket={ticket}"
    ws = await websockets.connect(url, origin=front.url)
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "hello"
    await ws.close()
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin=front.url)
    assert refused.value.response.status_code == 403


async def test_a_frame_over_64_kib_closes_with_1009_through_nginx(behind_nginx):
    front, _, _ = behind_nginx
    sock = await ChatClient(front).connect()
    await sock.send({"type": "ping", "pad": "x" * (64 * 1024)})
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await sock.recv_until(lambda f: False, timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


class Sender:
    """A user sending numbered messages one at a time, each acknowledged by its `message.new`.

    On a close it reconnects through nginx (a fresh ticket each try) and sends
    the unacknowledged message again with the same client_id.
    """

    def __init__(self, client: ChatClient, room_id: int):
        self.client, self.room_id = client, room_id
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.close_codes: list[int] = []
        self.outages: list[float] = []  # seconds from a close to the next hello
        self.seen: set[int] = set()

    async def run(self, stop: asyncio.Event) -> None:
        sock = await self.client.connect()
        n = 0
        pending: str | None = None
        while not stop.is_set():
            pending = pending or f"{self.client.username}-{n}"
            try:
                await sock.send(
                    {"type": "message.send", "room": self.room_id, "body": pending, "client_id": pending}
                )
                while True:
                    frame = await sock.recv(timeout=10)
                    if frame["type"] == "message.new":
                        self.seen.add(frame["message"]["seq"])
                        if frame["message"]["client_id"] == pending:
                            self.acked[pending] = frame["message"]["seq"]
                            pending, n = None, n + 1
                            break
            except websockets.ConnectionClosed as closed:
                self.close_codes.append(closed.rcvd.code if closed.rcvd else -1)
                down = time.monotonic()
                sock = await self._reconnect()
                self.outages.append(time.monotonic() - down)
            await asyncio.sleep(0.02)
        await sock.close()

    async def _reconnect(self):
        while True:
            try:
                return await self.client.connect()
            except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed):
                await asyncio.sleep(0.1)


async def test_restarting_one_process_under_traffic_loses_nothing(behind_nginx):
    front, (a_server, b_server), start_again = behind_nginx
    owner = ChatClient(front)
    room = owner.call("POST", "/api/rooms/", {"name": f"restart {uuid.uuid4().hex[:6]}", "kind": "public"})
    clients = [ChatClient(front) for _ in range(4)]
    for client in clients:
        client.call("POST", f"/api/rooms/{room['id']}/join/")
    senders = [Sender(client, room["id"]) for client in clients]
    stop = asyncio.Event()
    tasks = [asyncio.ensure_future(s.run(stop)) for s in senders]
    await asyncio.sleep(1.5)
    on_a = a_server.metric("chat_open_sockets")
    assert on_a >= 1 and on_a + b_server.metric("chat_open_sockets") == 4

    started = time.monotonic()
    a_server.process.send_signal(signal.SIGTERM)
    exit_code = await asyncio.to_thread(a_server.process.wait, 30)
    took = time.monotonic() - started
    assert exit_code == 0
    assert took < 10 + 5  # CHAT_SHUTDOWN_TIMEOUT and the reactor's own stop
    await asyncio.sleep(1.5)
    again = await asyncio.to_thread(start_again, a_server)
    await asyncio.sleep(1.5)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)

    restarted = [s for s in senders if s.close_codes]
    assert len(restarted) == on_a
    for sender in restarted:
        assert sender.close_codes == [1012]
        assert max(sender.outages) < 5  # back at once through nginx, on the other process
    for sender in senders:
        assert len(sender.acked) > 3  # traffic went on throughout
    # Every acknowledged message is stored, once, at the seq it was acknowledged with; the seqs have no hole.
    history = owner.call("GET", f"/api/rooms/{room['id']}/messages/?limit=100")["results"]
    while len(history) % 100 == 0 and history:
        older = owner.call("GET", f"/api/rooms/{room['id']}/messages/?limit=100&before={history[0]['seq']}")[
            "results"
        ]
        if not older:
            break
        history = older + history
    stored = {m["client_id"]: m["seq"] for m in history}
    assert len(stored) == len(history)
    acked = {cid: seq for s in senders for cid, seq in s.acked.items()}
    assert {cid: stored.get(cid) for cid in acked} == acked
    assert sorted(m["seq"] for m in history) == list(range(1, len(history) + 1))
    # The restarted process serves again.
    assert again.metric("chat_open_sockets") == 0
    with urllib.request.urlopen(again.url + "/readyz", timeout=5) as response:
        assert json.loads(response.read())["status"] == "ok"
