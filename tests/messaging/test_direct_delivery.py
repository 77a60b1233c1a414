"""Group events skip the consumer's queue when they can (realtime.layers `set_direct`,
ChatConsumer.deliver_now), and never overtake, repeat or skip what the queue holds."""

import asyncio
import logging

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.consumers import ChatConsumer
from realtime import events
from realtime.layers import LocalChannels
from tests.sockets import message_new

pytestmark = pytest.mark.django_db(transaction=True)


def _post(room, author, body):
    return services.message_create(room_id=room.pk, author=author, body=body)[0]


async def test_messages_to_an_idle_socket_go_out_directly_in_seq_order(chat, open_ws):
    alice, bob, room = chat
    a, b = await open_ws(alice, direct=True), await open_ws(bob, direct=True)
    for n in range(5):
        await database_sync_to_async(_post)(room, bob, f"m{n}")
    for n in range(5):
        assert (await a.recv_until(message_new(f"m{n}")))["message"]["seq"] == n + 1
    await a.ping()
    assert a.skipped == []
    assert a.direct_sent.count("message.new") == 5
    # bob's socket, idle too, had them directly as well.
    seqs = [f["message"]["seq"] for f in await b.ping() if f["type"] == "message.new"]
    assert seqs == [1, 2, 3, 4, 5] and b.direct_sent.count("message.new") == 5


async def test_a_gap_is_declined_and_filled_through_the_queue(chat, open_ws, monkeypatch):
    alice, bob, room = chat
    a = await open_ws(alice, direct=True)
    send = events._send
    monkeypatch.setattr(events, "_send", lambda group, event: None)
    await database_sync_to_async(_post)(room, bob, "lost")
    monkeypatch.setattr(events, "_send", send)
    await database_sync_to_async(_post)(room, bob, "after")
    await a.recv_until(message_new("after"))
    assert [f["message"]["body"] for f in a.skipped if f["type"] == "message.new"] == ["lost"]
    assert "message.new" not in a.direct_sent


async def test_the_sender_and_every_other_socket_see_each_seq_once_in_order(chat, open_ws):
    """Senders are busy in their own handlers while the others' messages arrive: those
    events wait in the queue, and both paths together still give 1..N once each."""
    alice, bob, room = chat
    a, b, watcher = [await open_ws(u, direct=True) for u in (alice, bob, bob)]
    sends = [
        sock.send({"type": "message.send", "room": room.pk, "body": f"{name}{n}", "client_id": f"{name}{n}"})
        for n in range(6)
        for sock, name in ((a, "a"), (b, "b"))
    ]
    await asyncio.gather(*sends)
    for sock in (a, b, watcher):
        seen: list[int] = []
        while len(seen) < 12:
            frame = await sock.recv()
            if frame["type"] == "message.new":
                seen.append(frame["message"]["seq"])
        assert seen == list(range(1, 13))
        await sock.ping()
        assert [f for f in sock.skipped if f["type"] == "message.new"] == []
    assert watcher.direct_sent.count("message.new") == 12


class _Consumer(ChatConsumer):
    def __init__(self, sent: list[str], *, accepts: bool = True):
        self.rooms = {7: 3}
        self.user = type("U", (), {"pk": 1})()
        self.sent = sent
        self._send_text = lambda text: accepts and (sent.append(text) is None)


def test_deliver_now_declines_whatever_must_take_the_handlers_path():
    sent: list[str] = []
    consumer = _Consumer(sent)
    message = {"type": "chat.message", "room": 7, "seq": 4, "text": "m4"}
    consumer.busy = 1
    assert not consumer.deliver_now(message, 0)  # a handler runs: it may send before this event
    consumer.busy = 0
    assert not consumer.deliver_now(message, 1)  # an event was received but not yet dispatched
    assert not consumer.deliver_now({**message, "seq": 5}, 0)  # a gap: filled from the database
    assert not consumer.deliver_now({**message, "seq": 3}, 0)  # a duplicate: dropped by the handler
    assert not consumer.deliver_now({**message, "room": 8}, 0)  # a room it does not follow
    assert not consumer.deliver_now({"type": "chat.tail", "room": 7, "seq": 9}, 0)
    assert not _Consumer([], accepts=False).deliver_now(message, 0)  # the send failed: queued
    assert sent == []
    assert consumer.deliver_now(message, 0) and consumer.rooms[7] == 4 and sent == ["m4"]
    assert consumer.deliver_now({"type": "chat.broadcast", "room": 7, "text": "typing"}, 0)
    # Broadcasts not meant for this socket are handled by dropping them, as the handler does.
    assert consumer.deliver_now({"type": "chat.broadcast", "room": 8, "text": "x"}, 0)
    assert consumer.deliver_now({"type": "chat.broadcast", "room": 7, "exclude_user": 1, "text": "y"}, 0)
    consumer.ending = True
    assert not consumer.deliver_now({**message, "seq": 5}, 0)
    assert sent == ["m4", "typing"]


async def test_the_layer_offers_only_while_the_queue_is_empty(caplog):
    local = LocalChannels(queue_frames=10)
    local.open_channel("c")
    offered: list[tuple[str, int]] = []
    answers = iter([False, True, RuntimeError("boom")])

    def direct(event, taken):
        offered.append((event["n"], taken))
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    local.set_direct("c", direct)
    local.deliver("c", {"n": "declined"})  # queued
    local.deliver("c", {"n": "behind"})  # the queue holds one: not offered, queued after it
    assert (await local.receive_from("c"))["n"] == "declined"
    assert (await local.receive_from("c"))["n"] == "behind"
    local.deliver("c", {"n": "taken"})
    with caplog.at_level(logging.ERROR, logger="realtime.layers"):
        local.deliver("c", {"n": "failed"})
    assert offered == [("declined", 0), ("taken", 2), ("failed", 2)]
    assert (await local.receive_from("c"))["n"] == "failed"  # a failing handler's event is queued
    assert "direct handler of c failed" in caplog.text
