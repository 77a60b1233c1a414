"""Moderation across real daphne processes sharing PostgreSQL and Redis."""

import json
import math
import urllib.error
import urllib.request
import uuid

import pytest

from ..sockets import concerns, message_new
from .harness import ApiError, ChatClient

pytestmark = pytest.mark.e2e


def public_room(client: ChatClient, name: str) -> dict:
    return client.call("POST", "/api/rooms/", {"name": f"{name}-{uuid.uuid4().hex[:6]}", "kind": "public"})


async def test_a_ban_on_one_server_reaches_the_user_connected_to_another(start_server):
    one, two = start_server(), start_server()
    owner, member = ChatClient(one), ChatClient(two)
    room, side = public_room(owner, "banned-from"), public_room(owner, "side")
    for r in (room, side):
        member.call("POST", f"/api/rooms/{r['id']}/join/")
    owner_sock, member_sock = await owner.connect(), await member.connect()
    try:
        assert {room["id"], side["id"]} <= set(member_sock.hello["rooms"])
        ban = owner.call(
            "POST", f"/api/rooms/{room['id']}/bans/", {"username": member.username, "reason": "spam"}
        )
        assert (ban["user"]["id"], ban["banned_by"]["id"], ban["reason"]) == (member.id, owner.id, "spam")
        removed = await member_sock.recv_until(lambda f: f["type"] == "room.removed")
        assert removed == {"type": "room.removed", "room": room["id"], "cause": "banned", "reason": "spam"}

        # The room goes on on server one; the banned socket on server two hears none of it.
        await owner_sock.send(
            {"type": "message.send", "room": room["id"], "body": "after", "client_id": "o1"}
        )
        await owner_sock.send(
            {"type": "message.send", "room": side["id"], "body": "barrier", "client_id": "o2"}
        )
        seen = []
        await member_sock.recv_until(lambda f: seen.append(f) or f["type"] == "message.new")
        assert seen[-1]["message"]["body"] == "barrier"
        assert [f for f in seen if concerns(f, room["id"])] == []

        await member_sock.send({"type": "message.send", "room": room["id"], "body": "hi", "client_id": "m1"})
        error = await member_sock.recv_until(lambda f: f["type"] == "error")
        assert (error["code"], error["client_id"]) == ("forbidden", "m1")
        with pytest.raises(ApiError) as rejoin:
            member.call("POST", f"/api/rooms/{room['id']}/join/")
        assert rejoin.value.status == 403
        history = owner.call("GET", f"/api/rooms/{room['id']}/messages/")["results"]
        assert [(m["body"], m["author"]["id"]) for m in history] == [("after", owner.id)]
        bans = owner.call("GET", f"/api/rooms/{room['id']}/bans/")
        assert [b["user"]["id"] for b in bans] == [member.id]
    finally:
        await owner_sock.close()
        await member_sock.close()


async def test_a_mute_and_a_lock_on_one_server_hold_on_another(start_server):
    one, two = start_server(), start_server()
    owner, member = ChatClient(one), ChatClient(two)
    room = public_room(owner, "quiet")
    member.call("POST", f"/api/rooms/{room['id']}/join/")
    member_sock = await member.connect()
    try:
        owner.call("PATCH", f"/api/rooms/{room['id']}/members/{member.id}/", {"muted": True})
        update = await member_sock.recv_until(lambda f: f["type"] == "member.updated")
        assert (update["member"]["user"]["id"], update["member"]["muted"]) == (member.id, True)
        await member_sock.send({"type": "message.send", "room": room["id"], "body": "x", "client_id": "m1"})
        assert (await member_sock.recv_until(lambda f: f["type"] == "error"))["code"] == "forbidden"

        owner.call("PATCH", f"/api/rooms/{room['id']}/members/{member.id}/", {"muted": False})
        owner.call("PATCH", f"/api/rooms/{room['id']}/", {"is_locked": True})
        locked = await member_sock.recv_until(lambda f: f["type"] == "room.updated")
        assert (locked["room"]["id"], locked["room"]["is_locked"]) == (room["id"], True)
        await member_sock.send({"type": "message.send", "room": room["id"], "body": "y", "client_id": "m2"})
        assert (await member_sock.recv_until(lambda f: f["type"] == "error"))["code"] == "forbidden"
        assert owner.call("GET", f"/api/rooms/{room['id']}/messages/")["results"] == []
    finally:
        await member_sock.close()


async def test_the_rate_limit_is_shared_by_sockets_on_two_servers_and_rest(start_server):
    limits = {"CHAT_RATE_LIMIT_MESSAGES": "3", "CHAT_RATE_LIMIT_WINDOW": "1000000"}
    one, two = start_server(**limits), start_server(**limits)
    alice = ChatClient(one)
    room = public_room(alice, "busy")
    a1, a2 = await alice.connect(one), await alice.connect(two)
    try:
        for sock, n in ((a1, 1), (a2, 2), (a1, 3)):
            await sock.send(
                {"type": "message.send", "room": room["id"], "body": f"m{n}", "client_id": f"c{n}"}
            )
            await sock.recv_until(message_new(f"m{n}"))
        await a2.send({"type": "message.send", "room": room["id"], "body": "m4", "client_id": "c4"})
        error = await a2.recv_until(lambda f: f["type"] == "error")
        assert (error["code"], error["client_id"]) == ("rate_limited", "c4")
        assert error["retry_after_ms"] > 0

        request = urllib.request.Request(
            f"{one.url}/api/rooms/{room['id']}/messages/",
            data=json.dumps({"body": "m5"}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Token {alice.token}"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 429
        body = json.loads(refused.value.read())
        assert body["code"] == "rate_limited"
        assert refused.value.headers["Retry-After"] == str(math.ceil(body["retry_after_ms"] / 1000))
        history = alice.call("GET", f"/api/rooms/{room['id']}/messages/")["results"]
        assert [m["body"] for m in history] == ["m1", "m2", "m3"]
    finally:
        await a1.close()
        await a2.close()
