"""The delivery path of the consumer: no database-thread hop to forward, bounded queues,
gaps and lost events filled from the database, and a socket that always ends clean."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import OperationalError

from accounts.services import ws_ticket_create
from config.asgi import application
from messaging import hub, services
from realtime import events
from realtime.events import room_group, user_group
from realtime.presence import presence_store
from tests.sockets import ORIGIN, message_new

from ..sockets import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


def _post(room, author, body):
    return services.message_create(room_id=room.pk, author=author, body=body)[0]


def _local(layer):
    return layer.local if hasattr(layer, "local") else layer._get_layer().local


async def test_forwarding_never_waits_on_the_database_thread(chat, open_ws, monkeypatch):
    import channels.consumer

    hops = []

    async def counting_close_old_connections():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting_close_old_connections)
    alice, bob, room = chat
    a, b = await open_ws(alice), await open_ws(bob)
    for n in range(5):
        await a.send({"type": "message.send", "room": room.pk, "body": f"m{n}"})
    for n in range(5):
        assert (await b.recv_until(message_new(f"m{n}")))["message"]["seq"] == n + 1
    await a.ping()
    assert hops == []


async def test_a_retry_comes_in_seq_order_to_the_sender(chat, open_ws, monkeypatch):
    """The original of a retried client_id that this socket has not had yet arrives in seq
    order, after the messages before it, and only once."""
    alice, bob, room = chat
    a = await open_ws(alice)
    # bob's message 1 and alice's message 2 are stored while alice's socket hears nothing.
    monkeypatch.setattr(events, "_send", lambda group, event: None)
    await database_sync_to_async(_post)(room, bob, "first")
    await database_sync_to_async(services.message_create)(
        room_id=room.pk, author=alice, body="second", client_id="c2"
    )
    await a.send({"type": "message.send", "room": room.pk, "body": "second", "client_id": "c2"})
    frames = await a.ping()
    news = [(f["message"]["seq"], f["message"]["body"]) for f in frames if f["type"] == "message.new"]
    assert news == [(1, "first"), (2, "second")]
    # Now delivered, a further retry is answered again, as the contract says, and nothing else.
    await a.send({"type": "message.send", "room": room.pk, "body": "second", "client_id": "c2"})
    frames = await a.ping()
    assert [(f["message"]["seq"]) for f in frames if f["type"] == "message.new"] == [2]


async def test_one_gap_read_serves_every_socket_of_a_room(chat, open_ws, monkeypatch):
    alice, bob, room = chat
    sockets = [await open_ws(alice), await open_ws(bob), await open_ws(bob)]
    send = events._send
    publish = [False]
    monkeypatch.setattr(events, "_send", lambda group, event: publish[0] and send(group, event))
    for n in range(3):
        await database_sync_to_async(_post)(room, alice, f"lost {n}")
    reads = []
    gap_texts = hub._gap_texts

    def counting_gap_texts(*args):
        reads.append(args)
        return gap_texts(*args)

    monkeypatch.setattr(hub, "_gap_texts", counting_gap_texts)
    publish[0] = True
    await database_sync_to_async(_post)(room, alice, "arrives")
    for sock in sockets:
        got = await sock.recv_until(message_new("arrives"))
        bodies = [f["message"]["body"] for f in sock.skipped if f["type"] == "message.new"]
        assert bodies == ["lost 0", "lost 1", "lost 2"] and got["message"]["seq"] == 4
    assert len(reads) == 1


async def test_the_seq_watch_delivers_the_last_message_of_a_quiet_room(chat, open_ws, settings, monkeypatch):
    """An event lost on its way (nothing after it, so no gap ever shows) still reaches the socket."""
    settings.CHAT_SEQ_WATCH_INTERVAL = 0.2
    alice, bob, room = chat
    b = await open_ws(bob)
    monkeypatch.setattr(events, "_send", lambda group, event: None)
    await database_sync_to_async(_post)(room, alice, "never published")
    got = await b.recv_until(message_new("never published"), timeout=5)
    assert got["message"]["seq"] == 1
    await b.ping()
    assert b.skipped == []


async def test_a_stored_message_the_layer_refused_is_delivered_when_it_takes_it_again(
    chat, open_ws, monkeypatch
):
    alice, bob, room = chat
    a, b = await open_ws(alice), await open_ws(bob)
    layer = get_channel_layer()
    group_send_many = layer.group_send_many
    refusals = []

    async def flaky_group_send_many(pairs):
        if len(refusals) < 3:
            refusals.append([group for group, _ in pairs])
            raise ConnectionError("Redis is down")
        await group_send_many(pairs)

    monkeypatch.setattr(layer, "group_send_many", flaky_group_send_many)
    await a.send({"type": "message.send", "room": room.pk, "body": "kept", "client_id": "k1"})
    got = await b.recv_until(message_new("kept"))
    assert got["message"]["seq"] == 1
    echo = await a.recv_until(message_new("kept"))
    assert echo["message"]["id"] == got["message"]["id"]
    assert [f for f in a.skipped if f["type"] == "message.new"] == []
    assert len(refusals) == 3 and all(room_group(room.pk) in groups for groups in refusals)


async def test_a_socket_whose_queue_overflows_is_closed_as_too_slow(chat, open_ws, settings):
    settings.CHANNEL_LAYERS = {
        name: {**config, "CONFIG": {**config.get("CONFIG", {}), "queue_frames": 5}}
        for name, config in settings.CHANNEL_LAYERS.items()
    }
    alice, bob, room = chat
    b = await open_ws(bob)
    local = _local(get_channel_layer())
    (channel,) = local.groups[_group_key(user_group(bob.pk))]
    for _ in range(20):  # no await in between: the consumer cannot drain its queue
        local.deliver(channel, {"type": "chat.broadcast", "text": '{"type":"noise"}'})
    assert await _close_code(b) == 4008
    await b.communicator.wait(5)
    assert not any(channel in members for members in local.groups.values())
    assert await asyncio.to_thread(presence_store().online, [bob.pk]) == set()


@sync_to_async
def _account_changed(user) -> None:
    """`events.account_changed` for a logout of `user`, committed."""
    from django.db import transaction

    with transaction.atomic():
        events.account_changed(user_id=user.pk, reason="logout")


async def _close_code(sock) -> int:
    """The code of the close the server sent, passing over the frames before it."""
    while True:
        out = await sock.communicator.receive_output(5)
        if out["type"] == "websocket.close":
            return out.get("code", 1000)


async def _eventually(check, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await asyncio.to_thread(check):
        assert asyncio.get_running_loop().time() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


def _group_key(group: str) -> str:
    layer = get_channel_layer()
    if hasattr(layer, "_get_layer"):
        return layer._get_layer()._get_group_channel_name(group)
    return group


async def test_account_changed_closes_every_socket_of_the_user_with_4001(chat, open_ws):
    alice, bob, _ = chat
    a1, a2, b = await open_ws(alice), await open_ws(alice), await open_ws(bob)

    await _account_changed(alice)
    for sock in (a1, a2):
        assert await _close_code(sock) == 4001
    await b.ping()


async def test_an_unexpected_failure_answers_internal_and_the_socket_stays_usable(chat, open_ws, monkeypatch):
    alice, _, room = chat
    a = await open_ws(alice)

    def broken_typing(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "typing_notify", broken_typing)
    await a.send({"type": "typing", "room": room.pk})
    error = await a.recv_type("error")
    assert error["code"] == "internal"
    await a.send({"type": "message.send", "room": room.pk, "body": "still here"})
    assert (await a.recv_until(message_new("still here")))["message"]["seq"] == 1


async def test_a_database_outage_answers_unavailable_with_a_retry_time(chat, open_ws, monkeypatch):
    alice, _, room = chat
    a = await open_ws(alice)

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(services, "message_create", down)
    await a.send({"type": "message.send", "room": room.pk, "body": "x", "client_id": "u1"})
    error = await a.recv_type("error")
    assert (error["code"], error["client_id"], error["retry_after_ms"]) == ("unavailable", "u1", 1000)
    await a.ping()


async def test_deeply_nested_json_is_a_bad_request(chat, open_ws):
    alice, _, _ = chat
    a = await open_ws(alice)
    await a.communicator.send_to(text_data="[" * 5000 + "]" * 5000)
    assert (await a.recv_type("error"))["code"] == "bad_request"
    await a.ping()


async def test_a_crash_while_forwarding_closes_the_socket_and_cleans_up(chat, open_ws, monkeypatch):
    """A failing event handler closes with 1011, and the socket leaves its groups and goes offline."""
    alice, bob, room = chat
    b = await open_ws(bob)
    assert await asyncio.to_thread(presence_store().online, [bob.pk]) == {bob.pk}

    async def broken_gap(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(hub.Hub, "gap", lambda self, *args: broken_gap(*args))
    layer = get_channel_layer()
    await layer.group_send(
        room_group(room.pk), {"type": "chat.message", "room": room.pk, "seq": 5, "text": "{}"}
    )
    assert await _close_code(b) == 1011
    # The consumer cleaned up on its own, before any disconnect from the client.
    await _eventually(lambda: presence_store().online([bob.pk]) == set())
    local = _local(layer)
    assert _group_key(room_group(room.pk)) not in local.groups
    assert _group_key(user_group(bob.pk)) not in local.groups
    assert await asyncio.to_thread(presence_store().online, [bob.pk]) == set()


async def test_a_socket_past_the_users_cap_is_refused_with_4029(chat, open_ws, settings):
    settings.CHAT_MAX_SOCKETS_PER_USER = 2
    alice, bob, _ = chat
    first, second = await open_ws(alice), await open_ws(alice)
    ticket = await database_sync_to_async(ws_ticket_create)(user_id=alice.pk)
    extra = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}", headers=[(b"origin", ORIGIN)])
    connected, _ = await extra.connect(5)
    assert connected
    assert await extra.receive_output(5) == {"type": "websocket.close", "code": 4029}
    await extra.wait(5)
    await first.ping()
    await second.ping()
    await open_ws(bob)  # another user is not affected


async def test_frames_that_arrive_after_a_4001_close_are_not_served(chat, open_ws):
    alice, _, room = chat
    a = await open_ws(alice)

    await _account_changed(alice)
    assert await _close_code(a) == 4001
    await a.send({"type": "message.send", "room": room.pk, "body": "after the logout"})
    await a.communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await a.communicator.wait(5)
    a.closed = True
    from messaging.models import Message

    assert not await database_sync_to_async(Message.objects.filter(room=room).exists)()
