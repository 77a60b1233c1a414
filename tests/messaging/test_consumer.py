"""The chat consumer through the real ASGI stack (Origin check, ticket, router),
driven by Channels' WebsocketCommunicator (contract: "The WebSocket")."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from accounts.services import ws_ticket_create
from config.asgi import application
from messaging.models import Message
from messaging.serializers import message_to_dict
from realtime.events import to_json
from rooms import services as room_services
from rooms.models import Membership, Room

from ..factories import UserFactory, room_with_members
from ..sockets import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


# What recv_type may pass over on its way to the frame a test waits for: presence and typing noise.
NOISE = ("presence", "typing", "read", "member.added", "member.removed")


@pytest.fixture
async def pair(chat, open_ws):
    alice, bob, room = chat
    a, b = await open_ws(alice, skippable=NOISE), await open_ws(bob, skippable=NOISE)
    return alice, bob, room, a, b


async def test_handshake_without_ticket_or_with_a_foreign_origin_is_refused():
    user = await database_sync_to_async(UserFactory)()
    for path in ("/ws/chat/", "/ws/chat/?ticket=nope"):
        communicator = WebsocketCommunicator(application, path)
        connected, _ = await communicator.connect()
        assert not connected
    ticket = await database_sync_to_async(ws_ticket_create)(user_id=user.pk)
    communicator = WebsocketCommunicator(
        application, f"/ws/chat/?ticket={ticket}", headers=[(b"origin", b"https://evil.example")]
    )
    assert (await communicator.connect())[0] is False


async def test_a_ticket_opens_one_socket_only():
    user = await database_sync_to_async(UserFactory)()
    ticket = await database_sync_to_async(ws_ticket_create)(user_id=user.pk)
    first = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}")
    assert (await first.connect())[0] is True
    second = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}")
    assert (await second.connect())[0] is False
    await first.disconnect()


async def test_hello_names_the_user_and_their_rooms(open_ws):
    user = await database_sync_to_async(UserFactory)()
    rooms = [await database_sync_to_async(room_with_members)(owner=user, name=f"r{i}") for i in range(2)]
    await database_sync_to_async(room_with_members)(
        owner=await database_sync_to_async(UserFactory)(), name="x"
    )
    ws = await open_ws(user, origin=None)  # no Origin: judged by the ticket alone
    assert ws.hello == {
        "type": "hello",
        "user": {"id": user.pk, "username": user.username},
        "rooms": [r.pk for r in rooms],
    }


async def test_a_message_reaches_every_member_the_sender_included(pair):
    alice, bob, room, a, b = pair
    await a.send({"type": "message.send", "room": room.pk, "body": "hello", "client_id": "c1"})
    to_bob = await b.recv_type("message.new")
    to_alice = await a.recv_type("message.new")
    assert to_bob == to_alice
    message = to_bob["message"]
    assert (message["body"], message["seq"], message["client_id"], message["room"]) == (
        "hello",
        1,
        "c1",
        room.pk,
    )
    assert message["author"] == {"id": alice.pk, "username": alice.username}
    stored = await database_sync_to_async(Message.objects.get)(pk=message["id"])
    assert stored.body == "hello"


async def test_a_duplicate_send_goes_back_to_the_sender_alone(pair):
    alice, bob, room, a, b = pair
    frame = {"type": "message.send", "room": room.pk, "body": "once", "client_id": "dup"}
    await a.send(frame)
    original = (await a.recv_type("message.new"))["message"]
    await b.recv_type("message.new")
    await a.send(frame)
    assert (await a.recv_type("message.new"))["message"] == original
    await b.ping()
    assert await b.receive_nothing(0.2)
    assert await database_sync_to_async(Message.objects.filter(room=room).count)() == 1


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "bad_request"),
        ("[1, 2]", "bad_request"),
        ('{"no": "type"}', "bad_request"),
        ('{"type": "fly"}', "bad_request"),
        ('{"type": "message.send", "room": "1", "body": "x", "client_id": "e"}', "bad_request"),
        ('{"type": "message.send", "room": true, "body": "x"}', "bad_request"),
        ('{"type": "message.send", "room": ROOM, "body": 5, "client_id": "e"}', "bad_request"),
        ('{"type": "message.send", "room": ROOM, "body": "x", "client_id": 5}', "bad_request"),
        ('{"type": "read", "room": ROOM, "seq": "1"}', "bad_request"),
        ('{"type": "message.send", "room": ROOM, "body": "   ", "client_id": "e"}', "invalid"),
        ('{"type": "message.send", "room": ROOM, "body": "LONG", "client_id": "e"}', "invalid"),
        ('{"type": "message.send", "room": 987654, "body": "x", "client_id": "e"}', "not_found"),
        ('{"type": "message.send", "room": OTHER, "body": "x", "client_id": "e"}', "forbidden"),
        ('{"type": "typing", "room": OTHER}', "forbidden"),
        ('{"type": "read", "room": OTHER, "seq": 1}', "forbidden"),
    ],
)
async def test_every_bad_frame_gets_its_error_and_the_socket_stays_open(pair, raw, code):
    alice, bob, room, a, b = pair
    other = await database_sync_to_async(room_with_members)(owner=bob, name="not alice's")
    raw = raw.replace("ROOM", str(room.pk)).replace("OTHER", str(other.pk)).replace("LONG", "x" * 4001)
    await a.communicator.send_to(text_data=raw)
    error = await a.recv_type("error")
    assert error["code"] == code and error["detail"]
    if '"client_id": "e"' in raw:
        assert error["client_id"] == "e"
    await a.ping()
    assert await database_sync_to_async(Message.objects.count)() == 0


async def test_a_binary_frame_is_a_bad_request(pair):
    _, _, _, a, _ = pair
    await a.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await a.recv_type("error"))["code"] == "bad_request"
    await a.ping()


async def test_muted_and_locked_are_forbidden_on_every_frame(pair):
    alice, bob, room, a, b = pair
    await database_sync_to_async(Membership.objects.filter(room=room, user=bob).update)(is_muted=True)
    await b.send({"type": "message.send", "room": room.pk, "body": "hi", "client_id": "m"})
    assert (await b.recv_type("error"))["code"] == "forbidden"
    await database_sync_to_async(Membership.objects.filter(room=room, user=bob).update)(is_muted=False)
    await database_sync_to_async(Room.objects.filter(pk=room.pk).update)(is_locked=True)
    await b.send({"type": "message.send", "room": room.pk, "body": "hi", "client_id": "l"})
    assert (await b.recv_type("error"))["code"] == "forbidden"
    await a.send({"type": "message.send", "room": room.pk, "body": "owner speaks", "client_id": "o"})
    assert (await b.recv_type("message.new"))["message"]["body"] == "owner speaks"


async def test_rate_limited_carries_retry_after_ms(pair, settings):
    # A window far longer than the test: a fixed window's boundary falling between
    # the sends would reset the count and let the third message through.
    window = 1_000_000
    settings.CHAT_RATE_LIMIT_MESSAGES = 2
    settings.CHAT_RATE_LIMIT_WINDOW = window
    alice, bob, room, a, b = pair
    for i in range(3):
        await a.send({"type": "message.send", "room": room.pk, "body": f"m{i}", "client_id": f"r{i}"})
    # The refusal is direct while message.new travels through the layer: any order.
    frames = []
    while len(frames) < 3:
        frame = await a.recv()
        if frame["type"] != "presence":
            frames.append(frame)
    assert sorted(f["type"] for f in frames) == ["error", "message.new", "message.new"]
    error = next(f for f in frames if f["type"] == "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "r2"
    assert 0 < error["retry_after_ms"] <= window * 1000
    assert await database_sync_to_async(Message.objects.count)() == 2


async def test_frames_over_64_kib_close_with_1009(pair):
    _, _, room, a, _ = pair
    too_big = json.dumps({"type": "ping", "pad": "é" * 33_000})  # 66 KB in UTF-8
    await a.communicator.send_to(text_data=too_big)
    while True:
        output = await a.communicator.receive_output(3)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 1009


async def test_joining_and_leaving_take_effect_on_the_live_socket(pair, open_ws):
    alice, bob, room, a, b = pair
    carol = await database_sync_to_async(UserFactory)()
    c = await open_ws(carol, skippable=NOISE)
    assert c.hello["rooms"] == []
    await database_sync_to_async(room_services.room_join)(user=carol, room_id=room.pk)
    joined = await b.recv_type("member.added")
    assert joined["room"] == room.pk and joined["member"]["user"]["username"] == carol.username
    added = await c.recv_type("room.added")
    assert added["room"]["id"] == room.pk and added["room"]["my_role"] == "member"
    assert added["room"]["member_count"] == 3
    await a.send({"type": "message.send", "room": room.pk, "body": "welcome", "client_id": "w"})
    assert (await c.recv_type("message.new"))["message"]["body"] == "welcome"
    await database_sync_to_async(room_services.room_leave)(user=carol, room_id=room.pk)
    assert await c.recv_type("room.removed") == {
        "type": "room.removed",
        "room": room.pk,
        "cause": "left",
        "reason": "",
    }
    assert (await b.recv_type("message.new"))["message"]["body"] == "welcome"
    left = await b.recv_type("member.removed")
    assert left == {
        "type": "member.removed",
        "room": room.pk,
        "user": {"id": carol.pk, "username": carol.username},
    }
    await a.send({"type": "message.send", "room": room.pk, "body": "gone?", "client_id": "g"})
    assert (await b.recv_type("message.new"))["message"]["body"] == "gone?"
    await c.ping()
    assert await c.receive_nothing(0.3)
    await c.send({"type": "message.send", "room": room.pk, "body": "let me in", "client_id": "x"})
    assert (await c.recv_type("error"))["code"] == "forbidden"


async def test_a_seq_gap_is_filled_from_the_database_in_order(pair):
    alice, bob, room, a, b = pair

    @database_sync_to_async
    def commit_without_events(count: int) -> list[Message]:
        made = []
        for _ in range(count):
            room_now = Room.objects.get(pk=room.pk)
            message = Message.objects.create(
                room=room_now, seq=room_now.last_seq + 1, author=alice, body="quiet"
            )
            Room.objects.filter(pk=room.pk).update(last_seq=message.seq)
            made.append(message)
        return made

    made = await commit_without_events(3)
    latest = made[-1]
    text = to_json({"type": "message.new", "message": await database_sync_to_async(message_to_dict)(latest)})
    # Only the newest event arrives (the layer dropped the others): the consumer fills seq 1 and 2 first.
    await get_channel_layer().group_send(
        f"room.{room.pk}", {"type": "chat.message", "room": room.pk, "seq": latest.seq, "text": text}
    )
    seqs = [(await b.recv_type("message.new"))["message"]["seq"] for _ in range(3)]
    assert seqs == [1, 2, 3]
    # A late duplicate of an already delivered seq is not sent again.
    await get_channel_layer().group_send(
        f"room.{room.pk}", {"type": "chat.message", "room": room.pk, "seq": 2, "text": text}
    )
    await b.ping()
    assert await b.receive_nothing(0.2)


async def test_read_on_one_socket_reaches_the_users_other_sockets(pair, open_ws):
    alice, bob, room, a, b = pair
    for i in range(2):
        await a.send({"type": "message.send", "room": room.pk, "body": f"m{i}", "client_id": f"k{i}"})
        await b.recv_type("message.new")
    b2 = await open_ws(bob, skippable=NOISE)
    await b.send({"type": "read", "room": room.pk, "seq": 2})
    assert await b2.recv_type("read") == {"type": "read", "room": room.pk, "seq": 2}
    membership = await database_sync_to_async(Membership.objects.get)(room=room, user=bob)
    assert membership.last_read_seq == 2


async def test_messages_committed_between_a_join_and_its_room_added_still_arrive(pair, open_ws):
    alice, bob, room, a, b = pair
    carol = await database_sync_to_async(UserFactory)()
    c = await open_ws(carol, skippable=NOISE)
    # Carol joins at seq 0; her socket has not followed the room yet when a message is
    # committed (its group event misses her), then her room.added arrives.
    await database_sync_to_async(Membership.objects.create)(room=room, user=carol, last_read_seq=0)
    await a.send({"type": "message.send", "room": room.pk, "body": "early", "client_id": "e1"})
    await a.recv_type("message.new")
    await get_channel_layer().group_send(
        f"user.{carol.pk}", {"type": "chat.follow", "room": room.pk, "seq": 0}
    )
    assert (await c.recv_type("room.added"))["room"]["id"] == room.pk
    assert (await c.recv_type("message.new"))["message"]["body"] == "early"
    await a.send({"type": "message.send", "room": room.pk, "body": "later", "client_id": "e2"})
    later = await c.recv_type("message.new")
    assert (later["message"]["body"], later["message"]["seq"]) == ("later", 2)
