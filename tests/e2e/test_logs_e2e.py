"""The server's log under LOG_FORMAT=json: one JSON object a line, ids on them, no secrets.

A chat with a token, a ticket and a message body runs against a daphne at
LOG_LEVEL=DEBUG; none of the three may appear anywhere in what it wrote.
"""

import json

import pytest

from .harness import ChatClient

pytestmark = pytest.mark.e2e


async def test_json_logs_carry_ids_and_never_a_token_ticket_or_body(start_server):
    server = start_server(LOG_FORMAT="json", LOG_LEVEL="DEBUG")
    alice, bob = ChatClient(server), ChatClient(server)
    room = alice.call("POST", "/api/rooms/", {"name": "logged", "kind": "public"})
    bob.call("POST", f"/api/rooms/{room['id']}/join/")
    body = "a secret body 7f3a9c"
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    import websockets

    ws = await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}")
    b = await bob.connect()
    await ws.recv()  # hello
    await ws.send(json.dumps({"type": "message.send", "room": room["id"], "body": body, "client_id": "s1"}))
    await b.recv_until(lambda f: f["type"] == "message.new")
    # A frame that fails (an unknown room) is logged by type only; a bad request is logged.
    await ws.send(json.dumps({"type": "message.send", "room": 10**9, "body": body, "client_id": "s2"}))
    alice.call("GET", f"/api/search/?q={body.split()[-1]}")
    alice.call("GET", "/api/rooms/999999999/", expect=404)
    await ws.close()
    await b.close()
    server.stop()

    text = server.log_path.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert records and all({"time", "level", "logger", "message", "request_id"} <= r.keys() for r in records)
    for secret in (alice.token, bob.token, ticket, body, body.split()[-1]):
        assert secret not in text
    access = [r for r in records if r["logger"] == "daphne.access"]
    assert any("WSCONNECT /ws/chat/" in r["message"] for r in access)
    # The socket's lines carry its id; the request's its own.
    assert {r["message"] for r in records if r["request_id"].startswith("ws-")} >= {
        f"socket open: user {alice.id} in 1 rooms",
        f"socket closed: user {alice.id}",
    }
    (not_found,) = [r for r in records if r["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /api/rooms/999999999/" and len(not_found["request_id"]) == 32
